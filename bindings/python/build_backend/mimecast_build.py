"""In-tree PEP 517 build backend of the mimecast Python package.

Standard library only (no setuptools/wheel needed, so it works offline and
with ``--no-build-isolation`` on any Python >= 3.8). It builds a *platform*
wheel (``py3-none-<platform>``) that bundles the native library:

* the library is ``$MIMECAST_BUILD_LIBRARY`` if set, else
  ``<repo>/target/release/libmimecast.so`` (``.dylib`` / ``mimecast.dll``);
  the build fails with a clear message when it is missing;
* the version is ``mimecast/_version.py``; when the repository's Cargo.toml
  is reachable, the build fails unless both versions are equal.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import re
import sys
import sysconfig
import tarfile
import time
import zipfile
from pathlib import Path
from typing import Dict, List, Optional, Tuple

HERE = Path(__file__).resolve().parent.parent  # bindings/python
NAME = "mimecast"
SUMMARY = "Python binding of libmimecast, a client for the Mimecast email-security API"

if sys.platform == "win32":
    LIBRARY_FILE = "mimecast.dll"
elif sys.platform == "darwin":
    LIBRARY_FILE = "libmimecast.dylib"
else:
    LIBRARY_FILE = "libmimecast.so"


class BuildError(RuntimeError):
    pass


def _repo_root() -> Optional[Path]:
    env = os.environ.get("MIMECAST_REPO_ROOT")
    if env:
        return Path(env).resolve()
    for parent in HERE.parents:
        if (parent / "Cargo.toml").is_file() and (parent / "include" / "mimecast.h").is_file():
            return parent
    return None


def _version() -> str:
    text = (HERE / "mimecast" / "_version.py").read_text("utf-8")
    match = re.search(r'__version__\s*=\s*"([^"]+)"', text)
    if not match:
        raise BuildError("cannot read __version__ from mimecast/_version.py")
    version = match.group(1)
    root = _repo_root()
    if root is not None and (root / "Cargo.toml").is_file():
        cargo = (root / "Cargo.toml").read_text("utf-8")
        package = cargo.split("[package]", 1)[-1].split("\n[", 1)[0]
        m = re.search(r'^version\s*=\s*"([^"]+)"', package, re.M)
        if not m:
            raise BuildError(f"cannot read the package version from {root / 'Cargo.toml'}")
        if m.group(1) != version:
            raise BuildError(
                f"version mismatch: Cargo.toml says {m.group(1)!r} but "
                f"bindings/python/mimecast/_version.py says {version!r}; make them equal"
            )
    return version


def _library() -> Path:
    env = os.environ.get("MIMECAST_BUILD_LIBRARY")
    if env:
        path = Path(env)
    else:
        root = _repo_root()
        if root is None:
            raise BuildError(
                "cannot find the repository (Cargo.toml) to take libmimecast from; "
                "set MIMECAST_BUILD_LIBRARY to the built library or MIMECAST_REPO_ROOT"
            )
        path = root / "target" / "release" / LIBRARY_FILE
    if not path.is_file():
        raise BuildError(
            f"the native library {path} does not exist: run `cargo build --release` in the "
            "repository first (or set MIMECAST_BUILD_LIBRARY); the wheel must bundle it"
        )
    return path


def _platform_tag() -> str:
    return re.sub(r"[-.]", "_", sysconfig.get_platform())


def _metadata(version: str) -> str:
    readme = HERE / "README.md"
    description = readme.read_text("utf-8") if readme.is_file() else ""
    return (
        "Metadata-Version: 2.1\n"
        f"Name: {NAME}\n"
        f"Version: {version}\n"
        f"Summary: {SUMMARY}\n"
        "License: MIT OR Apache-2.0\n"
        "Keywords: mimecast,api,email,security\n"
        "Classifier: Programming Language :: Python :: 3\n"
        "Classifier: Typing :: Typed\n"
        "Requires-Python: >=3.8\n"
        "Description-Content-Type: text/markdown\n"
        "\n" + description
    )


def _package_files() -> List[Tuple[str, Path]]:
    files = []
    for path in sorted((HERE / NAME).rglob("*")):
        if (
            not path.is_file()
            or "__pycache__" in path.parts
            or path.suffix in (".pyc", ".so", ".dylib", ".dll")
        ):
            continue
        files.append((path.relative_to(HERE).as_posix(), path))
    return files


def _dist_info_files(version: str, tag: str) -> Dict[str, bytes]:
    return {
        "METADATA": _metadata(version).encode("utf-8"),
        "WHEEL": (
            "Wheel-Version: 1.0\n"
            "Generator: mimecast_build\n"
            "Root-Is-Purelib: false\n"
            f"Tag: {tag}\n"
        ).encode("utf-8"),
        "top_level.txt": f"{NAME}\n".encode("utf-8"),
    }


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


# ------------------------------------------------------------ PEP 517 hooks


def get_requires_for_build_wheel(config_settings: Optional[Dict[str, str]] = None) -> List[str]:
    return []


def get_requires_for_build_sdist(config_settings: Optional[Dict[str, str]] = None) -> List[str]:
    return []


def prepare_metadata_for_build_wheel(
    metadata_directory: str, config_settings: Optional[Dict[str, str]] = None
) -> str:
    version = _version()
    dist_info = f"{NAME}-{version}.dist-info"
    target = Path(metadata_directory) / dist_info
    target.mkdir(parents=True, exist_ok=True)
    for name, data in _dist_info_files(version, f"py3-none-{_platform_tag()}").items():
        (target / name).write_bytes(data)
    return dist_info


def build_wheel(
    wheel_directory: str,
    config_settings: Optional[Dict[str, str]] = None,
    metadata_directory: Optional[str] = None,
) -> str:
    version = _version()
    library = _library()
    tag = f"py3-none-{_platform_tag()}"
    filename = f"{NAME}-{version}-{tag}.whl"
    dist_info = f"{NAME}-{version}.dist-info"
    entries: List[Tuple[str, bytes, int]] = []
    for arcname, path in _package_files():
        entries.append((arcname, path.read_bytes(), 0o644))
    entries.append((f"{NAME}/_native/{LIBRARY_FILE}", library.read_bytes(), 0o755))
    for name, data in _dist_info_files(version, tag).items():
        entries.append((f"{dist_info}/{name}", data, 0o644))
    record = [_record_line(arc, data) for arc, data, _ in entries]
    record.append(f"{dist_info}/RECORD,,")
    entries.append((f"{dist_info}/RECORD", ("\n".join(record) + "\n").encode("utf-8"), 0o644))

    out = Path(wheel_directory) / filename
    out.parent.mkdir(parents=True, exist_ok=True)
    stamp = time.localtime(max(int(os.environ.get("SOURCE_DATE_EPOCH", "315532800")), 315532800))[
        :6
    ]
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for arcname, data, mode in entries:
            info = zipfile.ZipInfo(arcname, date_time=stamp)
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return filename


def build_sdist(sdist_directory: str, config_settings: Optional[Dict[str, str]] = None) -> str:
    version = _version()
    base = f"{NAME}-{version}"
    out = Path(sdist_directory) / f"{base}.tar.gz"
    members = [("pyproject.toml", HERE / "pyproject.toml"), ("README.md", HERE / "README.md")]
    members += _package_files()
    for sub in ("build_backend", "tests"):
        for path in sorted((HERE / sub).rglob("*.py")):
            if "__pycache__" not in path.parts:
                members.append((path.relative_to(HERE).as_posix(), path))
    with tarfile.open(out, "w:gz", format=tarfile.PAX_FORMAT) as tar:
        pkg_info = _metadata(version).encode("utf-8")
        info = tarfile.TarInfo(f"{base}/PKG-INFO")
        info.size = len(pkg_info)
        tar.addfile(info, io.BytesIO(pkg_info))
        for arcname, path in members:
            if path.is_file():
                tar.add(str(path), arcname=f"{base}/{arcname}")
    return out.name
