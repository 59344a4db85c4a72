"""Checks a built mimecast wheel the way auditwheel and an index would.

    python3 bindings/python/check_wheel.py [--stripped] WHEEL...

For each wheel, independently of the build backend (binutils reads the
library, not the backend's own ELF/PE parser):

* the file name's tag equals the WHEEL file's, is a platform tag, and is what
  the bundled library really needs: ``manylinux_2_<N>_<arch>`` with 2.N the
  highest GLIBC_ version it asks for and <arch> its ELF machine, only
  libraries of the manylinux allow-list needed; ``win_amd64`` for an x86-64
  DLL that imports only Windows system DLLs;
* the library is where the package looks for it on that platform
  (``mimecast/_native/libmimecast.so`` or ``mimecast.dll``), and the
  package's own loader, run as on that platform (``sys.platform`` set to
  ``linux`` or ``win32``), picks it first; without it, the loader's error
  lists where it looked;
* RECORD hashes match, METADATA has the version of Cargo.toml, the licence
  expression, both licence files (present under ``.dist-info/licenses/``)
  and project URLs;
* with ``--stripped``: the library carries no DWARF debug sections.

Exit status 0 when every check passed; prints "N passed, M failed".
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import List

ROOT = Path(__file__).resolve().parents[2]

# auditwheel's manylinux policy (kept apart from the backend on purpose: an
# independent oracle).
ALLOWED_ELF_NEEDED = {
    "libc.so.6", "libm.so.6", "libdl.so.2", "librt.so.1", "libpthread.so.0", "libutil.so.1",
    "libgcc_s.so.1", "libnsl.so.1", "libresolv.so.2", "libcrypt.so.1", "libstdc++.so.6",
    "ld-linux-x86-64.so.2", "ld-linux-aarch64.so.1",
}  # fmt: skip
# DLLs every Windows (7 SP1 or later) has.
WINDOWS_SYSTEM_DLLS = {
    "kernel32.dll", "advapi32.dll", "bcrypt.dll", "crypt32.dll", "msvcrt.dll", "ncrypt.dll",
    "secur32.dll", "userenv.dll", "ws2_32.dll", "ntdll.dll", "user32.dll", "shell32.dll",
    "ole32.dll", "oleaut32.dll", "cfgmgr32.dll", "credui.dll", "cryptnet.dll",
}  # fmt: skip

passed = 0
failed = 0


def check(ok: bool, what: str) -> None:
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {what}")


def run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def cargo_version() -> str:
    text = (ROOT / "Cargo.toml").read_text("utf-8")
    m = re.search(r'^version\s*=\s*"([^"]+)"', text.split("[package]", 1)[1], re.M)
    assert m
    return m.group(1)


def check_elf(lib: Path, tag: str, stripped: bool, name: str) -> None:
    m = re.fullmatch(r"manylinux_2_(\d+)_(x86_64|aarch64)", tag)
    check(m is not None, f"{name}: {tag} is a PEP 600 manylinux tag")
    if not m:
        return
    header = run("readelf", "-h", str(lib))
    machine = {"x86_64": "X86-64", "aarch64": "AArch64"}[m.group(2)]
    check(machine in header, f"{name}: ELF machine is {machine}")
    versions = run("readelf", "-V", "--wide", str(lib))
    glibc = [int(x) for x in re.findall(r"Name: GLIBC_2\.(\d+)", versions)]
    highest = max(glibc, default=0)
    check(highest == int(m.group(1)),
          f"{name}: highest GLIBC_2.x needed is 2.{highest}, tag says 2.{m.group(1)}")
    needed = set(re.findall(r"\(NEEDED\).*\[(.+)\]", run("readelf", "-d", str(lib))))
    outside = sorted(needed - ALLOWED_ELF_NEEDED)
    check(not outside, f"{name}: needs only allowed libraries (also: {outside})")
    check("GLIBCXX_" not in versions, f"{name}: no libstdc++ symbol versions")
    if stripped:
        sections = run("readelf", "-S", "--wide", str(lib))
        check(".debug_info" not in sections, f"{name}: stripped (no .debug_info)")


def check_pe(lib: Path, tag: str, stripped: bool, name: str) -> None:
    check(tag == "win_amd64", f"{name}: {tag} is win_amd64")
    dump = run("x86_64-w64-mingw32-objdump", "-p", str(lib))
    check("file format pei-x86-64" in dump, f"{name}: x86-64 PE file")
    imports = {d.lower() for d in re.findall(r"DLL Name: (\S+)", dump)}
    outside = sorted(imports - WINDOWS_SYSTEM_DLLS)
    check(not outside, f"{name}: imports only Windows system DLLs (also: {outside})")
    if stripped:
        sections = run("x86_64-w64-mingw32-objdump", "-h", str(lib))
        check(".debug_info" not in sections, f"{name}: stripped (no .debug_info)")


LOADER_PROBE = r"""
import os, sys
sys.platform = sys.argv[2]            # the package decides by sys.platform
sys.path.insert(0, sys.argv[1])
os.environ.pop("MIMECAST_LIBRARY", None)
from mimecast import _ffi
first = _ffi.candidates()[0][1]
print("CANDIDATE", first)
if sys.argv[3] == "missing":
    try:
        _ffi.load()
    except _ffi.LibraryNotFoundError as exc:
        print("ERROR", str(exc).replace("\n", " | "))
"""


def check_loader(unpacked: Path, platform: str, lib_name: str, name: str) -> None:
    out = run(sys.executable, "-c", LOADER_PROBE, str(unpacked), platform, "present")
    expected = unpacked / "mimecast" / "_native" / lib_name
    check(f"CANDIDATE {expected}" in out,
          f"{name}: the loader ({platform}) looks first at {expected}")
    (expected).unlink()
    out = run(sys.executable, "-c", LOADER_PROBE, str(unpacked), platform, "missing")
    m = re.search(r"^ERROR (.*)$", out, re.M)
    check(m is not None and str(expected) in m.group(1) and "not found" in m.group(1),
          f"{name}: without the library the error lists where it looked ({m and m.group(1)})")


def check_wheel(path: Path, stripped: bool) -> None:
    name = path.name
    m = re.fullmatch(r"mimecast-([^-]+)-py3-none-([a-z0-9_]+)\.whl", name)
    check(m is not None, f"{name}: file name is mimecast-VERSION-py3-none-PLATFORM.whl")
    if not m:
        return
    version, tag = m.groups()
    check(version == cargo_version(), f"{name}: version {version} is Cargo.toml's")
    check(tag != "any", f"{name}: a platform wheel")
    zf = zipfile.ZipFile(path)
    names = set(zf.namelist())
    dist_info = f"mimecast-{version}.dist-info"
    wheel = zf.read(f"{dist_info}/WHEEL").decode()
    check(f"Tag: py3-none-{tag}\n" in wheel, f"{name}: WHEEL says Tag: py3-none-{tag}")
    check("Root-Is-Purelib: false" in wheel, f"{name}: Root-Is-Purelib: false")

    # RECORD: every file listed with its hash, nothing more, nothing less.
    record = zf.read(f"{dist_info}/RECORD").decode().splitlines()
    listed = {}
    for line in record:
        file, digest, _size = line.rsplit(",", 2)
        listed[file] = digest
    check(set(listed) == names, f"{name}: RECORD lists exactly the files of the wheel")
    for file, digest in listed.items():
        if digest:
            raw = hashlib.sha256(zf.read(file)).digest()
            want = "sha256=" + base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
            check(digest == want, f"{name}: RECORD hash of {file}")

    meta = zf.read(f"{dist_info}/METADATA").decode()
    check(f"\nVersion: {version}\n" in meta, f"{name}: METADATA Version")
    check("\nLicense-Expression: MIT OR Apache-2.0\n" in meta, f"{name}: License-Expression")
    for lic in ("LICENSE-MIT", "LICENSE-APACHE"):
        check(f"\nLicense-File: {lic}\n" in meta, f"{name}: License-File: {lic}")
        member = f"{dist_info}/licenses/{lic}"
        check(member in names and zf.read(member) == (ROOT / lic).read_bytes(),
              f"{name}: {member} is the repository's {lic}")
    check("\nProject-URL: Source, https://" in meta, f"{name}: Project-URL")

    is_windows = tag.startswith("win")
    lib_name = "mimecast.dll" if is_windows else "libmimecast.so"
    member = f"mimecast/_native/{lib_name}"
    natives = [n for n in names if n.startswith("mimecast/_native/")]
    check(natives == [member], f"{name}: bundles exactly {member} (has {natives})")
    if member not in names:
        return
    with tempfile.TemporaryDirectory() as tmp:
        zf.extractall(tmp)
        lib = Path(tmp) / member
        if is_windows:
            check_pe(lib, tag, stripped, name)
        else:
            check_elf(lib, tag, stripped, name)
        check_loader(Path(tmp), "win32" if is_windows else "linux", lib_name, name)


def main(argv: List[str]) -> int:
    stripped = "--stripped" in argv
    wheels = [Path(a) for a in argv if not a.startswith("--")]
    if not wheels:
        print(__doc__)
        return 2
    for wheel in wheels:
        check_wheel(wheel, stripped)
    print(f"wheel checks: {passed} passed, {failed} failed")
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    os.environ.pop("MIMECAST_LIBRARY", None)
    sys.exit(main(sys.argv[1:]))
