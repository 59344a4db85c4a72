"""Tests of the generator: it reads the real header, and refuses what it
does not understand instead of guessing.

    python3 -m unittest discover -s tools -p 'test_*.py'
"""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
import unittest
from pathlib import Path

import generate_bindings
from bindgen import GENERATED_DIRS, emit_csharp, emit_java, emit_python, generate
from bindgen.header import HeaderError, parse, parse_file
from bindgen.taxonomy import TaxonomyError, load

ROOT = Path(__file__).resolve().parents[2]
HEADER = ROOT / "include" / "mimecast.h"
ERRORS = ROOT / "bindings" / "errors.json"

MINIMAL = """
#define MIMECAST_VERSION "1.2.3"
#define MIMECAST_VERSION_MAJOR 1
#define MIMECAST_VERSION_MINOR 2
#define MIMECAST_VERSION_PATCH 3

/*
 Most things.
 */
#define MC_THING_MAX 5

/*
 Outcome.
 */
typedef enum {
  /*
   Fine.
   */
  MC_STATUS_OK = 0,
  MC_STATUS_BAD = 7,
} mc_status;

typedef struct mc_thing mc_thing;

#ifdef __cplusplus
extern "C" {
#endif // __cplusplus

/*
 Makes a thing.
 */
MC_MUST_USE mc_status mc_thing_new(const char *name, mc_thing **out);

void mc_thing_free(mc_thing *thing);

#ifdef __cplusplus
} // extern "C"
#endif // __cplusplus
"""


def with_(old: str, new: str) -> str:
    assert old in MINIMAL
    return MINIMAL.replace(old, new)


class RealHeaderTest(unittest.TestCase):
    def test_reads_the_committed_header(self) -> None:
        h = parse_file(str(HEADER))
        self.assertRegex(h.version, r"^\d+\.\d+\.\d+$")
        self.assertGreaterEqual(len(h.functions), 31)
        names = [f.name for f in h.functions]
        self.assertIn("mc_get_account", names)
        status = h.enum("mc_status")
        self.assertEqual(status.variants[0].name, "MC_STATUS_OK")
        self.assertEqual(status.variants[0].value, 0)
        account = next(s for s in h.structs if s.name == "mc_account")
        self.assertEqual([f.name for f in account.fields[:2]], ["json", "raw_json"])
        request = h.function("mc_request")
        self.assertTrue(request.must_use)
        self.assertEqual(str(request.params[3].type), "char * *")
        self.assertIn("Calls any Mimecast endpoint", request.doc)

    def test_every_function_is_emitted_for_every_language(self) -> None:
        h = parse_file(str(HEADER))
        files = generate(h, load(str(ERRORS), h))
        py = files[emit_python.ABI_PATH]
        cs = files[emit_csharp.NATIVE_PATH]
        java = files[emit_java.NATIVE_PATH]
        for fn in h.functions:
            self.assertIn(f'"{fn.name}":', py)
            self.assertIn(f" {fn.name}(", cs)
            self.assertIn(f" {fn.name}(", java)
            self.assertIn(f'            "{fn.name}"', java)  # FUNCTION_NAMES
        self.assertIn(f'HEADER_VERSION = "{h.version}"', py)
        self.assertIn(f'HeaderVersion = "{h.version}"', cs)
        self.assertIn(f'String HEADER_VERSION = "{h.version}";', java)
        self.assertIn("int MC_MAX_JSON_DEPTH = 128;", java)

    def test_output_is_deterministic(self) -> None:
        h = parse_file(str(HEADER))
        t = load(str(ERRORS), h)
        self.assertEqual(generate(h, t), generate(parse_file(str(HEADER)), t))


class StrictParserTest(unittest.TestCase):
    def test_minimal_header(self) -> None:
        h = parse(MINIMAL)
        self.assertEqual(h.version, "1.2.3")
        self.assertEqual([v.value for v in h.enum("mc_status").variants], [0, 7])
        self.assertEqual(h.enum("mc_status").variants[0].doc, "Fine.")
        self.assertEqual(h.function("mc_thing_new").doc, "Makes a thing.")
        self.assertEqual(str(h.function("mc_thing_new").params[1].type), "mc_thing * *")

    def test_constants_reach_every_language(self) -> None:
        h = parse(MINIMAL)
        self.assertEqual(h.constants["MC_THING_MAX"], 5)
        self.assertEqual(h.constant_docs["MC_THING_MAX"], "Most things.")
        self.assertIn("#: Most things.\nMC_THING_MAX = 5\n", emit_python.emit_abi(h))
        cs = emit_csharp.emit_native(h)
        self.assertIn("internal const int McThingMax = 5;", cs)
        self.assertIn("internal sealed partial class ThingHandle : SafeHandle", cs)
        self.assertIn("NativeMethods.mc_thing_free(handle);", cs)

    def refused(self, text: str, fragment: str) -> None:
        with self.assertRaises(HeaderError) as cm:
            parse(text)
        self.assertIn(fragment, str(cm.exception))
        self.assertIn("include/mimecast.h:", str(cm.exception))

    def test_unknown_type(self) -> None:
        self.refused(with_("const char *name", "const wchar_t *name"), "unknown type 'wchar_t'")

    def test_enum_without_value(self) -> None:
        self.refused(with_("MC_STATUS_BAD = 7", "MC_STATUS_BAD"), "no explicit value")

    def test_enum_variant_without_prefix(self) -> None:
        self.refused(with_("MC_STATUS_BAD = 7", "BAD = 7"), "does not start with MC_STATUS_")

    def test_other_macro(self) -> None:
        self.refused(with_("typedef struct", "#define MC_HIDDEN(x) x\ntypedef struct"), "#define")

    def test_unknown_directive(self) -> None:
        self.refused(with_("typedef struct", "#error nope\ntypedef struct"), "directive")

    def test_declaration_outside_extern_c(self) -> None:
        self.refused(
            with_("typedef struct mc_thing", "void mc_early(void);\ntypedef struct mc_thing"),
            'outside extern "C"',
        )

    def test_function_pointer_parameter_is_not_guessed(self) -> None:
        self.refused(
            with_("const char *name,", "void (*cb)(void),"), "cannot read parameter"
        )

    def test_array_parameter(self) -> None:
        self.refused(with_("const char *name", "const char name[4]"), "cannot read parameter")

    def test_struct_by_value_is_refused_by_the_emitters(self) -> None:
        h = parse(with_("mc_thing **out", "size_t **out"))
        with self.assertRaises(HeaderError):
            emit_python.ctype(h, h.function("mc_thing_new").params[1].type, "x", "param")
        with self.assertRaises(HeaderError):
            emit_csharp.cs_type(h, h.function("mc_thing_new").params[1].type, "x", "param")

    def test_version_must_agree(self) -> None:
        self.refused(with_("VERSION_PATCH 3", "VERSION_PATCH 4"), "disagrees")


class JavaEmitterTest(unittest.TestCase):
    """The JNA mapping of every shape cbindgen writes, including ones the header does not use
    yet (the core keeps adding functions)."""

    SHAPES = with_(
        "void mc_thing_free(mc_thing *thing);",
        """void mc_thing_free(mc_thing *thing);

typedef void (*mc_event_callback)(void *user_data, const uint8_t *data, size_t len);

MC_MUST_USE mc_status mc_thing_read(const mc_thing *thing, uint8_t *buffer, size_t capacity,
                                    size_t *written, int64_t *when, bool *more, mc_status *why);

MC_MUST_USE mc_status mc_thing_send(mc_thing *thing, const uint8_t *data, size_t len,
                                    const char *const *names, uint64_t flags,
                                    mc_event_callback callback, void *user_data, char **out);

bool mc_thing_done(const mc_thing *thing);

uint32_t mc_thing_count(void);""",
    ).replace("typedef struct mc_thing mc_thing;", "typedef struct mc_thing mc_thing;\n")

    def test_every_shape_maps(self) -> None:
        h = parse(self.SHAPES)
        java = emit_java.emit_native(h)
        self.assertIn(
            "    interface NativeEventCallback extends Callback {\n"
            "        /** Called by the library. */\n"
            "        void invoke(Pointer userData, Pointer data, SizeT len);",
            java,
        )
        self.assertIn(
            "int mc_thing_read(\n"
            "            Pointer thing,\n"
            "            ByteByReference buffer,\n"
            "            SizeT capacity,\n"
            "            SizeTByReference written,\n"
            "            LongByReference when,\n"
            "            ByteByReference more,\n"
            "            IntByReference why);",
            java,
        )
        self.assertIn(
            "int mc_thing_send(\n"
            "            Pointer thing,\n"
            "            byte[] data,\n"
            "            SizeT len,\n"
            "            Pointer[] names,\n"
            "            long flags,\n"
            "            NativeEventCallback callback,\n"
            "            Pointer userData,\n"
            "            PointerByReference out);",
            java,
        )
        self.assertIn("    byte mc_thing_done(Pointer thing);", java)  # C bool: one byte
        self.assertIn("    int mc_thing_count();", java)
        self.assertIn("int mc_thing_new(byte[] name, PointerByReference out);", java)
        for cls in ("ByteByReference", "IntByReference", "LongByReference", "PointerByReference"):
            self.assertIn(f"import com.sun.jna.ptr.{cls};", java)

    def test_constants(self) -> None:
        java = emit_java.emit_native(parse(MINIMAL))
        self.assertIn("    /** Most things. */\n    int MC_THING_MAX = 5;\n", java)
        self.assertIn('String HEADER_VERSION = "1.2.3";', java)

    def test_unsupported_shapes_are_refused(self) -> None:
        for old, new in (
            ("const char *name", "mc_thing name"),  # an opaque struct by value
            ("const char *name", "const char ***name"),
            ("const char *name", "const int32_t *const *name"),
        ):
            with self.subTest(new):
                h = parse(with_(old, new))
                with self.assertRaises(HeaderError):
                    emit_java.emit_native(h)

    def test_keywords_are_not_identifiers(self) -> None:
        h = parse(with_("const char *name", "const char *default"))
        self.assertIn("int mc_thing_new(byte[] default_, PointerByReference out);",
                      emit_java.emit_native(h))

    def test_javadoc_is_escaped(self) -> None:
        h = parse(with_("Makes a thing.", "Makes `MC <key>:<sig>` & more @see x."))
        java = emit_java.emit_native(h)
        self.assertIn(
            "/** Makes <code>MC &lt;key&gt;:&lt;sig&gt;</code> &amp; more &#64;see x. */", java
        )

    def test_exceptions_follow_the_table(self) -> None:
        h = parse_file(str(HEADER))
        t = load(str(ERRORS), h)
        files = emit_java.emit(h, t)
        root = t.root.java
        for k in t.kinds:
            path = f"{emit_java.PACKAGE_DIR}/{k.java}.java"
            if k is t.root or k.java is None:
                self.assertNotIn(path, files)  # hand-written root; JDK exception
                continue
            parent = t.kind(k.parent).java
            self.assertIn(f"public class {k.java} extends {parent} {{", files[path])
        factory = files[emit_java.FACTORY_PATH]
        for v in h.enum("mc_status").variants:
            name = v.name[len("MC_STATUS_"):]
            cls = t.by_status()[v.name].java if v.value else root
            self.assertIn(f"            case {name} -> new {cls}(info);", factory)

    def test_every_output_is_under_the_generated_root(self) -> None:
        h = parse_file(str(HEADER))
        for path in emit_java.emit(h, load(str(ERRORS), h)):
            self.assertTrue(path.startswith(emit_java.GENERATED_ROOT + "/"), path)
        self.assertIn(emit_java.GENERATED_ROOT, GENERATED_DIRS)


class GeneratedDirsTest(unittest.TestCase):
    def test_a_file_no_longer_generated_is_stale_then_removed(self) -> None:
        h = parse_file(str(HEADER))
        files = generate(h, load(str(ERRORS), h))
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            saved = generate_bindings.ROOT
            generate_bindings.ROOT = root
            quiet = io.StringIO()
            try:
                with contextlib.redirect_stderr(quiet), contextlib.redirect_stdout(quiet):
                    for rel, text in files.items():
                        (root / rel).parent.mkdir(parents=True, exist_ok=True)
                        (root / rel).write_text(text, "utf-8")
                    self.assertEqual(generate_bindings.main(["--check"]), 0)
                    orphan = root / GENERATED_DIRS[0] / "io" / "Removed.java"
                    orphan.write_text("class Removed {}", "utf-8")
                    self.assertEqual(generate_bindings.main(["--check"]), 1)
                    self.assertTrue(orphan.exists())
                    self.assertIn("io/Removed.java is no longer generated", quiet.getvalue())
                    self.assertEqual(generate_bindings.main([]), 0)
                    self.assertFalse(orphan.exists())
                    self.assertEqual(generate_bindings.main(["--check"]), 0)
            finally:
                generate_bindings.ROOT = saved


class TaxonomyTest(unittest.TestCase):
    def write(self, data: dict) -> str:
        tmp = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
        self.addCleanup(Path(tmp.name).unlink)
        json.dump(data, tmp)
        tmp.close()
        return tmp.name

    def test_committed_table_covers_every_status(self) -> None:
        h = parse_file(str(HEADER))
        t = load(str(ERRORS), h)
        failures = [v.name for v in h.enum("mc_status").variants if v.value]
        self.assertEqual(sorted(t.by_status()), sorted(failures))

    def test_unclaimed_status_is_refused(self) -> None:
        data = json.loads(ERRORS.read_text("utf-8"))
        for kind in data["kinds"]:
            if "MC_STATUS_TLS" in kind["statuses"]:
                kind["statuses"].remove("MC_STATUS_TLS")
        with self.assertRaises(TaxonomyError) as cm:
            load(self.write(data), parse_file(str(HEADER)))
        self.assertIn("MC_STATUS_TLS", str(cm.exception))

    def test_kind_without_java_is_refused(self) -> None:
        data = json.loads(ERRORS.read_text("utf-8"))
        del data["kinds"][2]["java"]
        with self.assertRaises(TaxonomyError) as cm:
            load(self.write(data), parse_file(str(HEADER)))
        self.assertIn("java", str(cm.exception))

    def test_status_claimed_twice_is_refused(self) -> None:
        data = json.loads(ERRORS.read_text("utf-8"))
        data["kinds"][1]["statuses"].append("MC_STATUS_TLS")
        with self.assertRaises(TaxonomyError):
            load(self.write(data), parse_file(str(HEADER)))


if __name__ == "__main__":
    unittest.main()
