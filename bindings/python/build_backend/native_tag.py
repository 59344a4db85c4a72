"""The wheel platform tag a native library really needs (standard library only).

Reads the library file itself, never the machine the build runs on, so a
cross-built library gets the tag of its own platform:

* ELF (Linux): ``manylinux_2_<N>_<arch>`` (PEP 600), where ``2.<N>`` is the
  highest ``GLIBC_`` symbol version the library asks for and ``<arch>`` comes
  from its ``e_machine``. Libraries it needs outside the manylinux allow-list
  (the C library and friends every glibc system has) are refused: a wheel
  must not depend on anything else on the user's system.
* PE (Windows): ``win_amd64`` for x86-64 DLLs.
"""

from __future__ import annotations

import re
import struct
from pathlib import Path
from typing import List, Tuple

#: Libraries a manylinux wheel may need from the system (PEP 600 / auditwheel policy).
MANYLINUX_ALLOWED = {
    "libc.so.6",
    "libm.so.6",
    "libdl.so.2",
    "librt.so.1",
    "libpthread.so.0",
    "libutil.so.1",
    "libgcc_s.so.1",
    "libnsl.so.1",
    "libresolv.so.2",
    "libcrypt.so.1",
    "libstdc++.so.6",
    "ld-linux-x86-64.so.2",
    "ld-linux-aarch64.so.1",
}

_ELF_MACHINES = {62: "x86_64", 183: "aarch64"}
_PE_MACHINES = {0x8664: "win_amd64", 0xAA64: "win_arm64"}


class TagError(RuntimeError):
    pass


def _elf_dynamic(data: bytes) -> Tuple[str, List[str], List[str]]:
    """(arch, needed libraries, version names needed) of a 64-bit little-endian ELF."""
    if data[4] != 2 or data[5] != 1:
        raise TagError("only 64-bit little-endian ELF libraries are supported")
    machine = struct.unpack_from("<H", data, 18)[0]
    arch = _ELF_MACHINES.get(machine)
    if arch is None:
        raise TagError(f"unsupported ELF machine {machine}")
    shoff = struct.unpack_from("<Q", data, 40)[0]
    shentsize, shnum = struct.unpack_from("<HH", data, 58)
    sections = []
    for i in range(shnum):
        sh = struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize)
        sections.append(sh)  # name, type, flags, addr, offset, size, link, info, align, entsize

    def strtab(index: int) -> bytes:
        _, _, _, _, off, size, _, _, _, _ = sections[index]
        return data[off : off + size]

    def cstr(table: bytes, offset: int) -> str:
        end = table.index(b"\0", offset)
        return table[offset:end].decode("ascii", "replace")

    needed: List[str] = []
    versions: List[str] = []
    for _, stype, _, _, off, size, link, info, _, entsize in sections:
        if stype == 6:  # SHT_DYNAMIC: DT_NEEDED entries
            names = strtab(link)
            for pos in range(off, off + size, 16):
                tag, val = struct.unpack_from("<qQ", data, pos)
                if tag == 0:
                    break
                if tag == 1:
                    needed.append(cstr(names, val))
        elif stype == 0x6FFFFFFE:  # SHT_GNU_verneed: versions needed, per library
            names = strtab(link)
            pos = off
            for _ in range(info):
                _, cnt, _, aux, nxt = struct.unpack_from("<HHIII", data, pos)
                apos = pos + aux
                for _ in range(cnt):
                    _, _, _, name, anext = struct.unpack_from("<IHHII", data, apos)
                    versions.append(cstr(names, name))
                    apos += anext
                pos += nxt
    return arch, needed, versions


def elf_tag(data: bytes) -> str:
    arch, needed, versions = _elf_dynamic(data)
    outside = sorted(n for n in needed if n not in MANYLINUX_ALLOWED)
    if outside:
        raise TagError(
            "the library needs " + ", ".join(outside) + ", which a manylinux wheel cannot "
            "expect on the user's system"
        )
    minors = [int(m.group(1)) for v in versions for m in [re.match(r"GLIBC_2\.(\d+)", v)] if m]
    if not minors:
        raise TagError("the library asks for no GLIBC_2.* symbol version: not a glibc library?")
    return f"manylinux_2_{max(minors)}_{arch}"


def pe_tag(data: bytes) -> str:
    pe = struct.unpack_from("<I", data, 0x3C)[0]
    if data[pe : pe + 4] != b"PE\0\0":
        raise TagError("not a PE file")
    machine = struct.unpack_from("<H", data, pe + 4)[0]
    tag = _PE_MACHINES.get(machine)
    if tag is None:
        raise TagError(f"unsupported PE machine 0x{machine:x}")
    return tag


def platform_tag(path: Path) -> str:
    """The wheel platform tag for the native library at ``path``."""
    data = path.read_bytes()
    try:
        if data[:4] == b"\x7fELF":
            return elf_tag(data)
        if data[:2] == b"MZ":
            return pe_tag(data)
    except (struct.error, ValueError, IndexError) as exc:
        raise TagError(f"{path} is not a well-formed library: {exc}") from exc
    raise TagError(f"{path} is neither an ELF nor a PE library")


def library_file_name(path: Path) -> str:
    """The name the library has inside the wheel, from its format (not the host's)."""
    head = path.read_bytes()[:4]
    if head == b"\x7fELF":
        return "libmimecast.so"
    if head[:2] == b"MZ":
        return "mimecast.dll"
    return "libmimecast.dylib"
