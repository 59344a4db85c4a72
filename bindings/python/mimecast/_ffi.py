"""Loading libmimecast and checking it matches the declarations (internal).

The declarations themselves (argtypes/restype of every function, enums,
struct layouts) are generated from include/mimecast.h into ``_abi.py``.
Strings the library returns through ``char **`` are declared ``c_void_p``
there so that they can be copied and then released with ``mc_free``.
"""

from __future__ import annotations

import ctypes
import os
import sys
import threading
from pathlib import Path
from typing import Any, List, Optional, Tuple

from . import _abi
from ._abi import HEADER_VERSION

__all__ = ["load", "library_path", "LibraryNotFoundError", "LOG_CALLBACK", "version_mismatch"]

ENV_LIBRARY = "MIMECAST_LIBRARY"

if sys.platform == "win32":
    LIBRARY_FILE = "mimecast.dll"
elif sys.platform == "darwin":
    LIBRARY_FILE = "libmimecast.dylib"
else:
    LIBRARY_FILE = "libmimecast.so"


class LibraryNotFoundError(ImportError):
    """libmimecast could not be found or loaded, or its version differs."""


#: ``void (*mc_log_callback)(void *user_data, mc_log_level level, const char *message)``
LOG_CALLBACK = _abi.mc_log_callback


def version_mismatch(path: str, native: str) -> Optional[str]:
    """The one ABI check, the same in every binding: the library's
    mc_version() must equal the version of the header the declarations were
    generated from. Returns the error message, or None when they match."""
    if native == HEADER_VERSION:
        return None
    return (
        f"libmimecast at {path} is version {native!r}, but this binding was generated "
        f"from mimecast.h {HEADER_VERSION!r}: install matching versions "
        f"(or point ${ENV_LIBRARY} at the right build)"
    )


class NativeLibrary:
    """A loaded libmimecast of the right version, with every function of the
    header declared (``lib.mc_get_account`` and so on)."""

    def __init__(self, cdll: ctypes.CDLL, path: str) -> None:
        self.cdll = cdll
        self.path = path
        try:
            version = cdll.mc_version
        except AttributeError:
            raise LibraryNotFoundError(f"{path} is not libmimecast: it has no mc_version()")
        restype, argtypes = _abi.FUNCTIONS["mc_version"]
        version.restype, version.argtypes = restype, argtypes
        problem = version_mismatch(path, (version() or b"").decode("utf-8", "replace"))
        if problem:
            raise LibraryNotFoundError(problem)
        missing = []
        for name, (restype, argtypes) in _abi.FUNCTIONS.items():
            try:
                func = getattr(cdll, name)
            except AttributeError:
                missing.append(name)
                continue
            func.restype = restype
            func.argtypes = argtypes
            setattr(self, name, func)
        if missing:  # same version, fewer exports: a broken build
            raise LibraryNotFoundError(
                f"{path} is not a complete libmimecast {HEADER_VERSION}: "
                f"it lacks {', '.join(missing)}"
            )

    def __getattr__(self, name: str) -> Any:
        # Only reached for names that are not declared: a typo, not an old library.
        raise AttributeError(f"libmimecast declares no function {name}")


# ------------------------------------------------------------------ loading

_lock = threading.Lock()
_loaded: Optional[NativeLibrary] = None


def _repo_root() -> Optional[Path]:
    """The repository root (the directory holding Cargo.toml and the Rust
    sources) when this package runs from a source checkout."""
    for parent in Path(__file__).resolve().parents:
        if (parent / "Cargo.toml").is_file() and (parent / "include" / "mimecast.h").is_file():
            return parent
    return None


def candidates() -> List[Tuple[str, Path]]:
    """Where the library is looked for, in order: (description, path)."""
    found: List[Tuple[str, Path]] = []
    env = os.environ.get(ENV_LIBRARY)
    if env:
        found.append((f"${ENV_LIBRARY}", Path(env)))
        return found  # an explicit override is never second-guessed
    found.append(("bundled", Path(__file__).resolve().parent / "_native" / LIBRARY_FILE))
    root = _repo_root()
    if root is not None:
        found.append(("repo release build", root / "target" / "release" / LIBRARY_FILE))
        found.append(("repo debug build", root / "target" / "debug" / LIBRARY_FILE))
    return found


def load() -> NativeLibrary:
    """Loads libmimecast once (thread-safe) and checks its version."""
    global _loaded
    if _loaded is not None:
        return _loaded
    with _lock:
        if _loaded is not None:
            return _loaded
        looked: List[str] = []
        for what, path in candidates():
            if not path.is_file():
                looked.append(f"  {what}: {path} (not found)")
                continue
            try:
                cdll = ctypes.CDLL(str(path))
            except OSError as exc:
                looked.append(f"  {what}: {path} (cannot load: {exc})")
                continue
            lib = NativeLibrary(cdll, str(path))  # checks the version
            _loaded = lib
            return lib
        if not looked:
            looked.append("  (nowhere)")
        raise LibraryNotFoundError(
            "libmimecast not found. Looked in:\n"
            + "\n".join(looked)
            + f"\nBuild it with `cargo build --release` in the repository, install "
            f"the mimecast wheel, or set ${ENV_LIBRARY} to the library file."
        )


def library_path() -> str:
    """The path of the loaded libmimecast (loads it if needed)."""
    return load().path


def take_string(lib: NativeLibrary, ptr: Optional[int]) -> Optional[str]:
    """Copies a library-owned ``char *`` into a str and frees it with mc_free."""
    if not ptr:
        return None
    try:
        return ctypes.string_at(ptr).decode("utf-8")
    finally:
        lib.mc_free(ptr)
