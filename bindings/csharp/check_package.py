"""Checks the layout and metadata of a Mimecast .nupkg (or of the companion
Mimecast.Extensions.DependencyInjection .nupkg, recognised by its name).

    python3 bindings/csharp/check_package.py PACKAGE.nupkg REPO_ROOT [--stripped]

* lib/netstandard2.0 and lib/net8.0 assemblies with their XML docs, README;
* runtimes/<rid>/native/ for linux-x64, linux-arm64 and win-x64, each a
  library *of that platform* (read from its ELF/PE header, not its name);
* LICENSE-MIT and LICENSE-APACHE equal to the repository's;
* nuspec: version and repository URL from Cargo.toml, the licence expression,
  release notes, copyright that is not a licence name;
* with --stripped: no DWARF debug sections in the native libraries;
* the netstandard2.0 group depends on Microsoft.Bcl.AsyncInterfaces (IAsyncEnumerable);
* the companion: its assemblies, README, licences, and a dependency on Mimecast of the same version.
Prints "N passed, M failed"; exit status 0 only when all passed.
"""

from __future__ import annotations

import re
import struct
import sys
import zipfile
from pathlib import Path

passed = 0
failed = 0


def check(ok: bool, what: str) -> None:
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {what}")


def platform_of(data: bytes) -> str:
    """'linux-x64', 'linux-arm64', 'win-x64' or a description of what it is."""
    if data[:4] == b"\x7fELF":
        machine = struct.unpack_from("<H", data, 18)[0]
        return {62: "linux-x64", 183: "linux-arm64"}.get(machine, f"ELF machine {machine}")
    if data[:2] == b"MZ":
        pe = struct.unpack_from("<I", data, 0x3C)[0]
        machine = struct.unpack_from("<H", data, pe + 4)[0]
        return {0x8664: "win-x64"}.get(machine, f"PE machine {machine:#x}")
    return "not a library"


def has_debug_sections(data: bytes) -> bool:
    return b".debug_info" in data


COMPANION = "Mimecast.Extensions.DependencyInjection"


def check_companion(zf: zipfile.ZipFile, nupkg: Path, root: Path, version: str) -> None:
    names = set(zf.namelist())
    check(nupkg.name == f"{COMPANION}.{version}.nupkg", f"file name {COMPANION}.{version}.nupkg")
    for tfm in ("netstandard2.0", "net8.0"):
        for ext in ("dll", "xml"):
            check(f"lib/{tfm}/{COMPANION}.{ext}" in names, f"package has lib/{tfm}/{COMPANION}.{ext}")
    check("README.md" in names, "package has README.md")
    check(not any(n.startswith("runtimes/") for n in names), "no native files (they are in Mimecast)")
    for lic in ("LICENSE-MIT", "LICENSE-APACHE"):
        check(lic in names and zf.read(lic) == (root / lic).read_bytes(), f"{lic} is the repository's")
    nuspec = zf.read(f"{COMPANION}.nuspec").decode("utf-8-sig")
    check(f"<version>{version}</version>" in nuspec, f"nuspec version {version}")
    check(f'<dependency id="Mimecast" version="{version}"' in nuspec, f"depends on Mimecast {version}")
    check('id="Microsoft.Extensions.Logging.Abstractions"' in nuspec, "depends on the logging abstractions")
    check('<license type="expression">MIT OR Apache-2.0</license>' in nuspec, "licence expression")


def main(argv: list) -> int:
    nupkg, root = Path(argv[0]), Path(argv[1])
    stripped = "--stripped" in argv
    cargo = (root / "Cargo.toml").read_text("utf-8").split("[package]", 1)[1]
    version = re.search(r'^version\s*=\s*"([^"]+)"', cargo, re.M).group(1)
    repository = re.search(r'^repository\s*=\s*"([^"]+)"', cargo, re.M).group(1)
    zf = zipfile.ZipFile(nupkg)
    names = set(zf.namelist())
    if nupkg.name.startswith(COMPANION + "."):
        check_companion(zf, nupkg, root, version)
        print(f"package checks: {passed} passed, {failed} failed")
        return 0 if failed == 0 else 1
    check(nupkg.name == f"Mimecast.{version}.nupkg", f"file name Mimecast.{version}.nupkg")
    for need in ("lib/netstandard2.0/Mimecast.dll", "lib/net8.0/Mimecast.dll",
                 "lib/netstandard2.0/Mimecast.xml", "lib/net8.0/Mimecast.xml", "README.md"):
        check(need in names, f"package has {need}")
    natives = {
        "linux-x64": "runtimes/linux-x64/native/libmimecast.so",
        "linux-arm64": "runtimes/linux-arm64/native/libmimecast.so",
        "win-x64": "runtimes/win-x64/native/libmimecast.dll",
    }
    for rid, member in natives.items():
        check(member in names, f"package has {member}")
        if member in names:
            data = zf.read(member)
            what = platform_of(data)
            check(what == rid, f"{member} is a {rid} library (it is: {what})")
            if stripped:
                check(not has_debug_sections(data), f"{member} is stripped")
    extra = sorted(n for n in names if n.startswith("runtimes/") and n not in natives.values())
    check(not extra, f"no other native files ({extra})")
    for lic in ("LICENSE-MIT", "LICENSE-APACHE"):
        check(lic in names and zf.read(lic) == (root / lic).read_bytes(), f"{lic} is the repository's")
    nuspec = zf.read("Mimecast.nuspec").decode("utf-8-sig")
    check(f"<version>{version}</version>" in nuspec, f"nuspec version {version}")
    ns20 = re.search(r'<group targetFramework="\.NETStandard2\.0">(.*?)</group>', nuspec, re.S)
    check(ns20 is not None and 'id="Microsoft.Bcl.AsyncInterfaces"' in ns20.group(1),
          "netstandard2.0 depends on Microsoft.Bcl.AsyncInterfaces (IAsyncEnumerable)")
    check('<license type="expression">MIT OR Apache-2.0</license>' in nuspec, "licence expression")
    check(f"<projectUrl>{repository}</projectUrl>" in nuspec, "projectUrl is Cargo.toml's repository")
    check(f'<repository type="git" url="{repository}"' in nuspec, "repository element")
    notes = re.search(r"<releaseNotes>(.*?)</releaseNotes>", nuspec, re.S)
    check(notes is not None and len(notes.group(1).strip()) > 20, "release notes")
    copyright_ = re.search(r"<copyright>(.*?)</copyright>", nuspec)
    check(copyright_ is not None and "Copyright" in copyright_.group(1), "copyright line")
    print(f"package checks: {passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
