"""Writes dist/MANIFEST.json: every artefact with its kind, target, minimum glibc and size.

    python3 scripts/dist-manifest.py DIST VERSION

The minimum glibc of a Linux artefact is read from the library inside it (the highest GLIBC_2.x
symbol version it needs, with readelf), not assumed.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path
from typing import Dict, Optional


def min_glibc(data: bytes) -> Optional[str]:
    with tempfile.NamedTemporaryFile() as f:
        f.write(data)
        f.flush()
        out = subprocess.run(["readelf", "-V", "--wide", f.name], capture_output=True, text=True)
    minors = [int(m) for m in re.findall(r"Name: GLIBC_2\.(\d+)", out.stdout)]
    return f"2.{max(minors)}" if minors else None


def library_in(path: Path) -> Optional[bytes]:
    """The Linux library inside an artefact (the first one, for a one-platform artefact)."""
    if path.suffix in (".whl", ".nupkg", ".zip"):
        with zipfile.ZipFile(path) as z:
            for n in sorted(z.namelist()):
                if re.search(r"libmimecast\.so(\.\d+)*$", n):
                    return z.read(n)
    elif path.name.endswith(".tar.gz") and "linux" in path.name:
        with tarfile.open(path) as t:
            for m in t.getmembers():
                if m.isfile() and re.search(r"libmimecast\.so\.\d+\.\d+\.\d+$", m.name):
                    return t.extractfile(m).read()  # type: ignore[union-attr]
    return None


def describe(path: Path, dist: Path) -> Dict[str, object]:
    name = path.name
    rel = path.relative_to(dist).as_posix()
    entry: Dict[str, object] = {"file": rel, "size": path.stat().st_size}
    if name.endswith(".whl"):
        tag = name[:-4].split("-")[-1]
        entry.update(kind="python wheel", target=tag)
    elif name.endswith(".tar.gz") and name.startswith("mimecast-"):
        entry.update(kind="python sdist", target="source (builds with cargo)")
    elif name.endswith(".tar.gz") or name.endswith("-windows-gnu.zip"):
        target = re.sub(rf"^libmimecast-[^-]+-|\.tar\.gz$|\.zip$", "", name)
        entry.update(kind="C library", target=target)
    elif rel.startswith("powershell/") or name.startswith("Mimecast-powershell"):
        entry.update(kind="PowerShell module", target="linux-x64, linux-arm64, win-x64")
    elif name.endswith(".nupkg"):
        entry.update(kind=".NET package", target="linux-x64, linux-arm64, win-x64")
    elif name.endswith(".debug"):
        entry.update(kind="debug info", target=re.sub(r"^.*-\d+\.\d+\.\d+-|\.debug$", "", name))
    else:
        entry.update(kind="other", target="")
    if "windows" in str(entry["target"]) or str(entry["target"]).startswith("win"):
        entry["min_glibc"] = None
    elif entry["kind"] not in ("debug info", "python sdist"):
        lib = library_in(path)
        entry["min_glibc"] = min_glibc(lib) if lib else None
        if entry["kind"] in (".NET package", "PowerShell module"):
            entry["min_glibc_note"] = "of its Linux libraries"
    return entry


def main(dist: Path, version: str) -> int:
    files = sorted(p for p in dist.rglob("*") if p.is_file() and p.name not in ("SHA256SUMS", "MANIFEST.json"))
    manifest = {"version": version, "artefacts": [describe(p, dist) for p in files]}
    (dist / "MANIFEST.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    for a in manifest["artefacts"]:
        print(f"   {a['kind']:18} {a['target']:36} glibc {a.get('min_glibc') or '-':5} {a['size']:>10}  {a['file']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), sys.argv[2]))
