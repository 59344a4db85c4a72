"""In-tree PEP 517 / PEP 660 build backend of the mimecast Python package.

Standard library only (no setuptools/wheel needed, so it works offline and
with ``--no-build-isolation`` on any Python >= 3.8). Wheels are *platform*
wheels (``py3-none-<platform>``) that bundle libmimecast:

* the library is ``$MIMECAST_BUILD_LIBRARY`` if set (a prebuilt or
  cross-built file: ``libmimecast.so`` or ``mimecast.dll``); otherwise the
  backend runs ``cargo build --release --lib`` (``$CARGO``, default
  ``cargo``) in the crate (the repository root in a checkout, ``rust/``
  inside the sdist) and bundles ``target/release``'s library;
* the platform tag is read from that library file (native_tag.py): PEP 600
  ``manylinux_2_<N>_<arch>`` from the highest glibc symbol version it needs,
  or ``win_amd64``; never the build machine's own platform;
* the version is ``mimecast/_version.py``, which must equal Cargo.toml's;
  licence texts, URLs and release notes come from the crate (LICENSE-*,
  Cargo.toml ``repository``, CHANGELOG.md).

The sdist carries the crate, so ``pip install mimecast-X.tar.gz`` builds
wherever cargo works. ``pip install -e bindings/python`` (PEP 660) puts the
source directory on ``sys.path``; the library then comes from the
checkout's ``target/release`` (built by the editable install).
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import re
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import native_tag  # this directory is on sys.path (pyproject.toml's backend-path)

HERE = Path(__file__).resolve().parent.parent  # bindings/python, or the unpacked sdist
NAME = "mimecast"
SUMMARY = "Python binding of libmimecast, a client for the Mimecast email-security API"
LICENSE_FILES = ("LICENSE-MIT", "LICENSE-APACHE")
#: Files of the crate an sdist carries (directories are taken whole).
CRATE_FILES = (
    "Cargo.toml",
    "build.rs",
    "cbindgen.toml",
    "README.md",
    "CHANGELOG.md",
    "src",
    "include",
) + LICENSE_FILES
HOST_LIBRARY = {"win32": "mimecast.dll", "darwin": "libmimecast.dylib"}.get(
    sys.platform, "libmimecast.so"
)


class BuildError(RuntimeError):
    pass


# ------------------------------------------------------------------ inputs


def _crate_root() -> Path:
    """The Rust crate: MIMECAST_REPO_ROOT, the checkout around bindings/python,
    or the copy inside an unpacked sdist."""
    env = os.environ.get("MIMECAST_REPO_ROOT")
    if env:
        return Path(env).resolve()
    for candidate in [HERE / "rust", *HERE.parents]:
        if (candidate / "Cargo.toml").is_file() and (candidate / "include/mimecast.h").is_file():
            return candidate
    raise BuildError(
        "cannot find the libmimecast crate (Cargo.toml and include/mimecast.h) next to "
        f"{HERE}; set MIMECAST_REPO_ROOT, or MIMECAST_BUILD_LIBRARY to a built library"
    )


def _cargo_package_field(crate: Path, key: str) -> Optional[str]:
    text = (crate / "Cargo.toml").read_text("utf-8")
    package = text.split("[package]", 1)[-1].split("\n[", 1)[0]
    m = re.search(rf'^{key}\s*=\s*"([^"]*)"', package, re.M)
    return m.group(1) if m else None


def _version() -> str:
    text = (HERE / "mimecast" / "_version.py").read_text("utf-8")
    match = re.search(r'__version__\s*=\s*"([^"]+)"', text)
    if not match:
        raise BuildError("cannot read __version__ from mimecast/_version.py")
    version = match.group(1)
    crate = _crate_root()
    cargo_version = _cargo_package_field(crate, "version")
    if cargo_version is None:
        raise BuildError(f"cannot read the package version from {crate / 'Cargo.toml'}")
    if cargo_version != version:
        raise BuildError(
            f"version mismatch: Cargo.toml says {cargo_version!r} but "
            f"bindings/python/mimecast/_version.py says {version!r}; make them equal"
        )
    return version


def _cargo_build(crate: Path) -> Path:
    """Builds the crate's release library with cargo and returns its path."""
    cargo = os.environ.get("CARGO", "cargo")
    target_dir = Path(os.environ.get("CARGO_TARGET_DIR", crate / "target"))
    command = [cargo, "build", "--release", "--lib", "--manifest-path", str(crate / "Cargo.toml")]
    print("mimecast_build: " + " ".join(command), file=sys.stderr)
    try:
        subprocess.run(command, check=True, stdout=sys.stderr)
    except FileNotFoundError as exc:
        raise BuildError(
            f"building libmimecast needs cargo (Rust), and {cargo!r} was not found; install "
            "Rust, or set MIMECAST_BUILD_LIBRARY to a built library"
        ) from exc
    except subprocess.CalledProcessError as exc:
        raise BuildError(f"cargo failed (exit {exc.returncode}) building libmimecast") from exc
    path = target_dir / "release" / HOST_LIBRARY
    if not path.is_file():
        raise BuildError(f"cargo succeeded but {path} does not exist")
    return path


def _library() -> Path:
    env = os.environ.get("MIMECAST_BUILD_LIBRARY")
    if env:
        path = Path(env)
        if not path.is_file():
            raise BuildError(
                f"MIMECAST_BUILD_LIBRARY names {path}, which does not exist (seen from "
                f"{Path.cwd()}: give an absolute path)"
            )
        return path
    return _cargo_build(_crate_root())


# ------------------------------------------------------------------ metadata


def _changelog_section(crate: Path, version: str) -> str:
    path = crate / "CHANGELOG.md"
    if not path.is_file():
        return ""
    text = path.read_text("utf-8")
    m = re.search(rf"^## \[?{re.escape(version)}\]?.*?$(.*?)(?=^## |\Z)", text, re.M | re.S)
    return m.group(1).strip() if m else ""


def _metadata(version: str) -> str:
    crate = _crate_root()
    readme = HERE / "README.md"
    description = readme.read_text("utf-8") if readme.is_file() else ""
    repository = _cargo_package_field(crate, "repository")
    lines = [
        "Metadata-Version: 2.4",
        f"Name: {NAME}",
        f"Version: {version}",
        f"Summary: {SUMMARY}",
        "License-Expression: MIT OR Apache-2.0",
        *[f"License-File: {name}" for name in LICENSE_FILES if (crate / name).is_file()],
        "Keywords: mimecast,api,email,security",
        "Classifier: Programming Language :: Python :: 3",
        "Classifier: Operating System :: POSIX :: Linux",
        "Classifier: Operating System :: Microsoft :: Windows",
        "Classifier: Typing :: Typed",
        "Requires-Python: >=3.8",
    ]
    if repository:
        lines += [
            f"Project-URL: Homepage, {repository}",
            f"Project-URL: Source, {repository}",
            f"Project-URL: Issues, {repository}/issues",
            f"Project-URL: Changelog, {repository}/blob/main/CHANGELOG.md",
        ]
    lines.append("Description-Content-Type: text/markdown")
    notes = _changelog_section(crate, version)
    if notes:
        description += f"\n\n## Release notes ({version})\n\n{notes}\n"
    return "\n".join(lines) + "\n\n" + description


def _license_entries(dist_info: str) -> List[Tuple[str, bytes, int]]:
    crate = _crate_root()
    return [
        (f"{dist_info}/licenses/{name}", (crate / name).read_bytes(), 0o644)
        for name in LICENSE_FILES
        if (crate / name).is_file()
    ]


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


def _wheel_file(tag: str) -> bytes:
    return (
        "Wheel-Version: 1.0\n"
        "Generator: mimecast_build\n"
        "Root-Is-Purelib: false\n"
        f"Tag: {tag}\n"
    ).encode("utf-8")


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def _epoch() -> int:
    """SOURCE_DATE_EPOCH (reproducible builds), at least 1980 for zip."""
    return max(int(os.environ.get("SOURCE_DATE_EPOCH", "315532800")), 315532800)


def _date_time() -> Tuple[int, int, int, int, int, int]:
    return time.gmtime(_epoch())[:6]


def _write_wheel(
    wheel_directory: str, version: str, tag: str, entries: List[Tuple[str, bytes, int]]
) -> str:
    dist_info = f"{NAME}-{version}.dist-info"
    entries = list(entries)
    entries.append((f"{dist_info}/METADATA", _metadata(version).encode("utf-8"), 0o644))
    entries.append((f"{dist_info}/WHEEL", _wheel_file(tag), 0o644))
    entries.append((f"{dist_info}/top_level.txt", f"{NAME}\n".encode("utf-8"), 0o644))
    entries += _license_entries(dist_info)
    record = [_record_line(arc, data) for arc, data, _ in entries]
    record.append(f"{dist_info}/RECORD,,")
    entries.append((f"{dist_info}/RECORD", ("\n".join(record) + "\n").encode("utf-8"), 0o644))

    filename = f"{NAME}-{version}-{tag}.whl"
    out = Path(wheel_directory) / filename
    out.parent.mkdir(parents=True, exist_ok=True)
    stamp = _date_time()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for arcname, data, mode in entries:
            info = zipfile.ZipInfo(arcname, date_time=stamp)
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return filename


def _write_metadata_dir(metadata_directory: str, version: str) -> str:
    dist_info = f"{NAME}-{version}.dist-info"
    target = Path(metadata_directory) / dist_info
    target.mkdir(parents=True, exist_ok=True)
    (target / "METADATA").write_bytes(_metadata(version).encode("utf-8"))
    for arcname, data, _ in _license_entries(dist_info):
        path = Path(metadata_directory) / arcname
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return dist_info


# ------------------------------------------------------------ PEP 517 hooks


def get_requires_for_build_wheel(config_settings: Optional[Dict[str, str]] = None) -> List[str]:
    return []


def get_requires_for_build_sdist(config_settings: Optional[Dict[str, str]] = None) -> List[str]:
    return []


def get_requires_for_build_editable(
    config_settings: Optional[Dict[str, str]] = None,
) -> List[str]:
    return []


def prepare_metadata_for_build_wheel(
    metadata_directory: str, config_settings: Optional[Dict[str, str]] = None
) -> str:
    return _write_metadata_dir(metadata_directory, _version())


def prepare_metadata_for_build_editable(
    metadata_directory: str, config_settings: Optional[Dict[str, str]] = None
) -> str:
    return _write_metadata_dir(metadata_directory, _version())


def build_wheel(
    wheel_directory: str,
    config_settings: Optional[Dict[str, str]] = None,
    metadata_directory: Optional[str] = None,
) -> str:
    version = _version()
    library = _library()
    try:
        tag = "py3-none-" + native_tag.platform_tag(library)
    except native_tag.TagError as exc:
        raise BuildError(f"cannot bundle {library}: {exc}") from exc
    entries = [(arc, path.read_bytes(), 0o644) for arc, path in _package_files()]
    entries.append(
        (f"{NAME}/_native/{native_tag.library_file_name(library)}", library.read_bytes(), 0o755)
    )
    return _write_wheel(wheel_directory, version, tag, entries)


def build_editable(
    wheel_directory: str,
    config_settings: Optional[Dict[str, str]] = None,
    metadata_directory: Optional[str] = None,
) -> str:
    """PEP 660: a wheel whose .pth file puts this source directory on sys.path.
    The package then loads the checkout's target/release library, built here."""
    version = _version()
    if not os.environ.get("MIMECAST_BUILD_LIBRARY"):
        _cargo_build(_crate_root())
    pth = (str(HERE) + "\n").encode("utf-8")
    entries = [(f"_{NAME}_editable.pth", pth, 0o644)]
    return _write_wheel(wheel_directory, version, "py3-none-any", entries)


def build_sdist(sdist_directory: str, config_settings: Optional[Dict[str, str]] = None) -> str:
    version = _version()
    crate = _crate_root()
    base = f"{NAME}-{version}"
    out = Path(sdist_directory) / f"{base}.tar.gz"
    out.parent.mkdir(parents=True, exist_ok=True)
    members: List[Tuple[str, Path]] = [
        ("pyproject.toml", HERE / "pyproject.toml"),
        ("README.md", HERE / "README.md"),
    ]
    members += [(name, crate / name) for name in LICENSE_FILES if (crate / name).is_file()]
    members += _package_files()
    for sub in ("build_backend", "tests"):
        for path in sorted((HERE / sub).rglob("*.py")):
            if "__pycache__" not in path.parts:
                members.append((path.relative_to(HERE).as_posix(), path))
    # The crate, so that the sdist builds the library wherever cargo works.
    for name in CRATE_FILES:
        path = crate / name
        if path.is_dir():
            members += [
                (f"rust/{p.relative_to(crate).as_posix()}", p)
                for p in sorted(path.rglob("*"))
                if p.is_file()
            ]
        elif path.is_file():
            members.append((f"rust/{name}", path))
    mtime = _epoch()
    with tarfile.open(out, "w:gz", format=tarfile.PAX_FORMAT) as tar:

        def add(arcname: str, data: bytes, mode: int = 0o644) -> None:
            info = tarfile.TarInfo(f"{base}/{arcname}")
            info.size = len(data)
            info.mode = mode
            info.mtime = mtime
            tar.addfile(info, io.BytesIO(data))

        add("PKG-INFO", _metadata(version).encode("utf-8"))
        for arcname, path in members:
            add(arcname, path.read_bytes())
    return out.name
