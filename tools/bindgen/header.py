"""Reads include/mimecast.h into a small model of the C ABI.

The header is written by cbindgen in a regular style (see cbindgen.toml):
`/* ... */` doc comments, `typedef enum { ... } name;` with explicit values,
`typedef struct name name;` for opaque handles, `typedef struct { ... } name;`
for the structs the library fills, one function pointer typedef, and
functions with an optional MC_MUST_USE marker. This parser relies on that
style and refuses anything else with the line number, so that a change in the
header that it does not understand stops the build instead of producing
declarations that are silently wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

__all__ = [
    "HeaderError",
    "CType",
    "Param",
    "Function",
    "Variant",
    "Enum",
    "Field",
    "Struct",
    "Opaque",
    "Callback",
    "Header",
    "parse",
    "parse_file",
]

#: Scalar types the bindings know how to map; anything else must be a typedef
#: declared in the header itself.
SCALARS = (
    "void",
    "bool",
    "char",
    "int8_t",
    "uint8_t",
    "int16_t",
    "uint16_t",
    "int32_t",
    "uint32_t",
    "int64_t",
    "uint64_t",
    "size_t",
)

#: Attribute macros allowed in front of a function (cbindgen's [fn] must_use).
FUNCTION_MARKERS = ("MC_MUST_USE",)

_IDENT = r"[A-Za-z_][A-Za-z0-9_]*"


class HeaderError(ValueError):
    """The header holds something this parser does not understand."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"include/mimecast.h:{line}: {message}")
        self.line = line


@dataclass(frozen=True)
class CType:
    """A C type: `base`, whether the base is const, and one entry per `*`
    telling whether that pointer is itself const (`char *const *` is
    base char, pointers (True, False))."""

    base: str
    const: bool = False
    pointers: Tuple[bool, ...] = ()

    @property
    def depth(self) -> int:
        return len(self.pointers)

    def __str__(self) -> str:
        text = ("const " if self.const else "") + self.base
        for const in self.pointers:
            text += " *" + ("const" if const else "")
        return text


@dataclass(frozen=True)
class Param:
    name: str
    type: CType


@dataclass(frozen=True)
class Function:
    name: str
    returns: CType
    params: Tuple[Param, ...]
    doc: str
    must_use: bool
    line: int


@dataclass(frozen=True)
class Variant:
    name: str
    value: int
    doc: str


@dataclass(frozen=True)
class Enum:
    name: str
    variants: Tuple[Variant, ...]
    doc: str

    @property
    def prefix(self) -> str:
        """cbindgen's prefix_with_name: MC_STATUS_ for mc_status."""
        return self.name.upper() + "_"


@dataclass(frozen=True)
class Field:
    name: str
    type: CType
    doc: str


@dataclass(frozen=True)
class Struct:
    name: str
    fields: Tuple[Field, ...]
    doc: str


@dataclass(frozen=True)
class Opaque:
    name: str
    doc: str


@dataclass(frozen=True)
class Callback:
    name: str
    returns: CType
    params: Tuple[Param, ...]
    doc: str


@dataclass
class Header:
    """Everything the bindings need from the header, in header order."""

    constants: Dict[str, object] = field(default_factory=dict)
    #: The doc comment of each constant (the comment above its #define).
    constant_docs: Dict[str, str] = field(default_factory=dict)
    enums: List[Enum] = field(default_factory=list)
    opaques: List[Opaque] = field(default_factory=list)
    structs: List[Struct] = field(default_factory=list)
    callbacks: List[Callback] = field(default_factory=list)
    functions: List[Function] = field(default_factory=list)

    @property
    def version(self) -> str:
        value = self.constants.get("MIMECAST_VERSION")
        if not isinstance(value, str):
            raise HeaderError(0, "no #define MIMECAST_VERSION \"x.y.z\"")
        return value

    def typedef_names(self) -> List[str]:
        return (
            [e.name for e in self.enums]
            + [o.name for o in self.opaques]
            + [s.name for s in self.structs]
            + [c.name for c in self.callbacks]
        )

    def kind_of(self, name: str) -> str:
        """'scalar', 'enum', 'opaque', 'struct' or 'callback'."""
        if name in SCALARS:
            return "scalar"
        for kind, items in (
            ("enum", self.enums),
            ("opaque", self.opaques),
            ("struct", self.structs),
            ("callback", self.callbacks),
        ):
            if any(i.name == name for i in items):
                return kind
        raise KeyError(name)

    def enum(self, name: str) -> Enum:
        for e in self.enums:
            if e.name == name:
                return e
        raise KeyError(name)

    def function(self, name: str) -> Function:
        for f in self.functions:
            if f.name == name:
                return f
        raise KeyError(name)


# ------------------------------------------------------------------ lexing


@dataclass
class _Line:
    number: int
    text: str


def _clean_doc(raw: str) -> str:
    """The text of a `/* ... */` comment, without the delimiters and the
    indentation or leading `*` cbindgen puts on each line."""
    body = raw.strip()
    assert body.startswith("/*") and body.endswith("*/")
    body = body[2:-2]
    lines = body.split("\n")
    out = []
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("* "):
            stripped = stripped[2:]
        elif stripped == "*":
            stripped = ""
        out.append(stripped)
    # Keep paragraph breaks, drop leading/trailing blank lines.
    while out and not out[0]:
        out.pop(0)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


def _split_comments(text: str) -> List[Tuple[int, str, str]]:
    """Splits the header into ('comment' | 'code', line, text) pieces.
    `//` comments are only accepted after preprocessor lines and braces, as
    cbindgen writes them (`#endif // __cplusplus`)."""
    pieces: List[Tuple[int, str, str]] = []
    i = 0
    line = 1
    code_start = 0
    code_line = 1
    while i < len(text):
        if text.startswith("/*", i):
            if i > code_start:
                pieces.append((code_line, "code", text[code_start:i]))
            end = text.find("*/", i + 2)
            if end < 0:
                raise HeaderError(line, "unterminated comment")
            comment = text[i : end + 2]
            pieces.append((line, "comment", comment))
            line += comment.count("\n")
            i = end + 2
            code_start = i
            code_line = line
            continue
        if text[i] == "\n":
            line += 1
        i += 1
    if code_start < len(text):
        pieces.append((code_line, "code", text[code_start:]))
    return pieces


# ------------------------------------------------------------------ types


def parse_type(tokens: List[str], line: int, known: List[str]) -> CType:
    """`const char *const *` as tokens -> CType; refuses anything else."""
    tokens = list(tokens)
    const = False
    if tokens and tokens[0] == "const":
        const = True
        tokens.pop(0)
    if not tokens or not re.fullmatch(_IDENT, tokens[0]):
        raise HeaderError(line, f"expected a type, got {' '.join(tokens)!r}")
    base = tokens.pop(0)
    if base not in SCALARS and base not in known:
        raise HeaderError(line, f"unknown type {base!r} (neither a scalar nor a typedef above)")
    pointers: List[bool] = []
    while tokens:
        tok = tokens.pop(0)
        if tok != "*":
            raise HeaderError(line, f"unexpected {tok!r} in a type")
        ptr_const = False
        if tokens and tokens[0] == "const":
            ptr_const = True
            tokens.pop(0)
        pointers.append(ptr_const)
    return CType(base, const, tuple(pointers))


def _tokens(text: str) -> List[str]:
    tokens = re.findall(r"[A-Za-z_][A-Za-z0-9_]*|\*|\S", text)
    return tokens


def _parse_params(text: str, line: int, known: List[str]) -> Tuple[Param, ...]:
    text = " ".join(text.split())
    if text == "void":
        return ()
    if not text:
        raise HeaderError(line, "empty parameter list: cbindgen writes (void)")
    params = []
    for part in text.split(","):
        tokens = _tokens(part)
        if len(tokens) < 2 or not re.fullmatch(_IDENT, tokens[-1]) or tokens[-1] == "const":
            raise HeaderError(line, f"cannot read parameter {part.strip()!r}")
        name = tokens[-1]
        params.append(Param(name, parse_type(tokens[:-1], line, known)))
    names = [p.name for p in params]
    if len(set(names)) != len(names):
        raise HeaderError(line, f"duplicate parameter names in ({text})")
    return tuple(params)


# ------------------------------------------------------------------ parser


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.header = Header()
        self.doc: Optional[str] = None
        self.if_stack: List[str] = []
        self.in_extern_c = False

    # -- top level

    def run(self) -> Header:
        pending = ""
        pending_line = 0
        depth = 0
        for line_no, kind, piece in _split_comments(self.text):
            if kind == "comment":
                if depth > 0:
                    pending += piece  # member docs are read with the block
                    continue
                if pending.strip():
                    raise HeaderError(line_no, "comment inside a declaration")
                self.doc = _clean_doc(piece)
                continue
            for offset, raw in enumerate(piece.split("\n")):
                number = line_no + offset
                if depth == 0 and not pending.strip():
                    stripped = raw.strip()
                    if not stripped:
                        continue
                    if stripped.startswith("#"):
                        self.preprocessor(number, stripped)
                        continue
                    if self.extern_c_line(number, stripped):
                        continue
                    pending_line = number
                if pending:
                    pending += "\n"
                pending += raw
                depth += raw.count("{") - raw.count("}")
                if depth < 0:
                    raise HeaderError(number, "unbalanced '}'")
                if depth == 0 and pending.rstrip().endswith(";"):
                    self.statement(pending_line, pending)
                    pending = ""
            # A comment may follow mid-line; keep accumulating.
        if pending.strip():
            raise HeaderError(pending_line, f"unterminated declaration: {pending.strip()[:60]!r}")
        if self.if_stack:
            raise HeaderError(0, "unterminated #if")
        self.check()
        return self.header

    def take_doc(self) -> str:
        doc, self.doc = self.doc, None
        return doc or ""

    # -- preprocessor

    def preprocessor(self, line: int, text: str) -> None:
        text = re.sub(r"\s*//.*$", "", text)
        m = re.fullmatch(r"#\s*(\w+)\s*(.*)", text)
        if not m:
            raise HeaderError(line, f"cannot read {text!r}")
        directive, rest = m.group(1), m.group(2).strip()
        if directive in ("ifndef", "ifdef", "if"):
            self.if_stack.append(rest)
            return
        if directive == "else":
            if not self.if_stack:
                raise HeaderError(line, "#else without #if")
            return
        if directive == "endif":
            if not self.if_stack:
                raise HeaderError(line, "#endif without #if")
            self.if_stack.pop()
            return
        if directive == "pragma" and rest == "once":
            return
        if directive == "include" and re.fullmatch(r"<[a-z0-9_]+\.h>", rest):
            return
        if directive == "define":
            self.define(line, rest)
            return
        raise HeaderError(line, f"unexpected preprocessor directive {text!r}")

    def define(self, line: int, rest: str) -> None:
        m = re.fullmatch(r"(" + _IDENT + r")(?:\s+(.*))?", rest)
        if not m:
            raise HeaderError(line, f"cannot read #define {rest!r}")
        name, value = m.group(1), (m.group(2) or "").strip()
        doc = self.take_doc()
        if name in FUNCTION_MARKERS:
            return  # its definitions are compiler attributes
        if self.if_stack == ["MIMECAST_H"] and name == "MIMECAST_H" and not value:
            return  # the include guard
        if re.fullmatch(r'"[^"\\]*"', value):
            self.header.constants[name] = value[1:-1]
        elif re.fullmatch(r"-?[0-9]+", value):
            self.header.constants[name] = int(value)
        else:
            raise HeaderError(line, f"#define {name} {value!r} is neither a string nor an integer")
        self.header.constant_docs[name] = doc
        return

    def extern_c_line(self, line: int, text: str) -> bool:
        if text == 'extern "C" {':
            if self.if_stack[-1:] != ["__cplusplus"]:
                raise HeaderError(line, 'extern "C" outside #ifdef __cplusplus')
            self.in_extern_c = True
            return True
        if re.fullmatch(r'\}\s*//\s*extern "C"', text):
            self.in_extern_c = False
            return True
        return False

    # -- declarations

    def statement(self, line: int, text: str) -> None:
        flat = " ".join(re.sub(r"/\*.*?\*/", " ", text, flags=re.S).split())
        if flat.startswith("typedef enum {"):
            self.enum(line, text)
        elif re.fullmatch(r"typedef struct (" + _IDENT + r") \1;", flat):
            name = flat.split()[2]
            self.header.opaques.append(Opaque(name, self.take_doc()))
        elif flat.startswith("typedef struct {"):
            self.struct(line, text)
        elif flat.startswith("typedef "):
            self.callback(line, flat)
        else:
            self.function(line, flat)

    def enum(self, line: int, text: str) -> None:
        m = re.fullmatch(r"\s*typedef enum \{(.*)\}\s*(" + _IDENT + r")\s*;\s*", text, re.S)
        if not m:
            raise HeaderError(line, "cannot read the enum")
        body, name = m.group(1), m.group(2)
        doc = self.take_doc()
        variants = []
        member_doc = ""
        for kind, piece in self.members(body):
            if kind == "comment":
                member_doc = _clean_doc(piece)
                continue
            for entry in [e.strip() for e in piece.split(",")]:
                if not entry:
                    continue
                vm = re.fullmatch(r"(" + _IDENT + r")\s*=\s*(-?[0-9]+)", entry)
                if not vm:
                    raise HeaderError(
                        line, f"enum {name}: {entry!r} has no explicit value (cbindgen writes one)"
                    )
                variants.append(Variant(vm.group(1), int(vm.group(2)), member_doc))
                member_doc = ""
        enum = Enum(name, tuple(variants), doc)
        for v in variants:
            if not v.name.startswith(enum.prefix):
                raise HeaderError(line, f"enum {name}: {v.name} does not start with {enum.prefix}")
        values = [v.value for v in variants]
        if len(set(values)) != len(values):
            raise HeaderError(line, f"enum {name}: duplicate values")
        self.header.enums.append(enum)

    def struct(self, line: int, text: str) -> None:
        m = re.fullmatch(r"\s*typedef struct \{(.*)\}\s*(" + _IDENT + r")\s*;\s*", text, re.S)
        if not m:
            raise HeaderError(line, "cannot read the struct")
        body, name = m.group(1), m.group(2)
        doc = self.take_doc()
        known = self.header.typedef_names()
        fields = []
        member_doc = ""
        for kind, piece in self.members(body):
            if kind == "comment":
                member_doc = _clean_doc(piece)
                continue
            for decl in [d.strip() for d in piece.split(";")]:
                if not decl:
                    continue
                tokens = _tokens(decl)
                if len(tokens) < 2 or not re.fullmatch(_IDENT, tokens[-1]):
                    raise HeaderError(line, f"struct {name}: cannot read field {decl!r}")
                fields.append(Field(tokens[-1], parse_type(tokens[:-1], line, known), member_doc))
                member_doc = ""
        if not fields:
            raise HeaderError(line, f"struct {name} has no fields")
        self.header.structs.append(Struct(name, tuple(fields), doc))

    @staticmethod
    def members(body: str) -> List[Tuple[str, str]]:
        out: List[Tuple[str, str]] = []
        pos = 0
        for m in re.finditer(r"/\*.*?\*/", body, re.S):
            if body[pos : m.start()].strip():
                out.append(("code", body[pos : m.start()]))
            out.append(("comment", m.group(0)))
            pos = m.end()
        if body[pos:].strip():
            out.append(("code", body[pos:]))
        return out

    def callback(self, line: int, flat: str) -> None:
        m = re.fullmatch(
            r"typedef (.+?)\(\s*\*\s*(" + _IDENT + r")\s*\)\s*\((.*)\)\s*;", flat
        )
        if not m:
            raise HeaderError(line, f"cannot read typedef {flat[:60]!r}")
        known = self.header.typedef_names()
        returns = parse_type(_tokens(m.group(1)), line, known)
        params = _parse_params(m.group(3), line, known)
        self.header.callbacks.append(Callback(m.group(2), returns, params, self.take_doc()))

    def function(self, line: int, flat: str) -> None:
        if not self.in_extern_c:
            raise HeaderError(line, f"declaration outside extern \"C\": {flat[:60]!r}")
        must_use = False
        for marker in FUNCTION_MARKERS:
            if flat.startswith(marker + " "):
                must_use = True
                flat = flat[len(marker) + 1 :]
        m = re.fullmatch(r"(.+?)\b(" + _IDENT + r")\s*\((.*)\)\s*;", flat)
        if not m:
            raise HeaderError(line, f"cannot read declaration {flat[:60]!r}")
        known = self.header.typedef_names()
        returns = parse_type(_tokens(m.group(1)), line, known)
        params = _parse_params(m.group(3), line, known)
        name = m.group(2)
        if not name.startswith("mc_"):
            raise HeaderError(line, f"function {name} does not start with mc_")
        doc = self.take_doc()
        self.header.functions.append(Function(name, returns, params, doc, must_use, line))

    # -- consistency

    def check(self) -> None:
        h = self.header
        names = [f.name for f in h.functions]
        if len(set(names)) != len(names):
            raise HeaderError(0, "a function is declared twice")
        if not h.functions:
            raise HeaderError(0, "no function found")
        h.version  # noqa: B018  (raises when missing)
        for key in ("MAJOR", "MINOR", "PATCH"):
            if f"MIMECAST_VERSION_{key}" not in h.constants:
                raise HeaderError(0, f"no #define MIMECAST_VERSION_{key}")
        parts = [str(h.constants[f"MIMECAST_VERSION_{k}"]) for k in ("MAJOR", "MINOR", "PATCH")]
        if ".".join(parts) != h.version:
            raise HeaderError(0, "MIMECAST_VERSION disagrees with its MAJOR/MINOR/PATCH")


def parse(text: str) -> Header:
    """Parses the text of mimecast.h; raises HeaderError on anything unknown."""
    return _Parser(text).run()


def parse_file(path: str) -> Header:
    with open(path, encoding="utf-8") as f:
        return parse(f.read())
