"""Loading libmimecast and declaring its C ABI (internal).

Every exported function of ``include/mimecast.h`` is declared here with its
``argtypes`` and ``restype``. Strings the library returns through ``char **``
are declared ``c_void_p`` so that they can be copied and then released with
``mc_free``.
"""

from __future__ import annotations

import ctypes
import os
import sys
import threading
from ctypes import (
    CFUNCTYPE,
    POINTER,
    Structure,
    c_bool,
    c_char_p,
    c_int,
    c_int32,
    c_int64,
    c_size_t,
    c_uint32,
    c_uint64,
    c_void_p,
)
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from ._version import __version__

__all__ = ["load", "library_path", "LibraryNotFoundError", "LOG_CALLBACK"]

ENV_LIBRARY = "MIMECAST_LIBRARY"

if sys.platform == "win32":
    LIBRARY_FILE = "mimecast.dll"
elif sys.platform == "darwin":
    LIBRARY_FILE = "libmimecast.dylib"
else:
    LIBRARY_FILE = "libmimecast.so"


class LibraryNotFoundError(ImportError):
    """libmimecast could not be found or loaded, or its version differs."""


# --------------------------------------------------------------- structs


class MCSignedHeaders(Structure):
    """``mc_signed_headers`` (read-only, owned by the library)."""

    _fields_ = [
        ("authorization", c_char_p),
        ("date", c_char_p),
        ("request_id", c_char_p),
        ("app_id", c_char_p),
    ]


class MCAccount(Structure):
    """The stable prefix of ``mc_account``: only ``json`` and ``raw_json``
    are guaranteed to stay first, so only they are declared and read."""

    _fields_ = [
        ("json", c_char_p),
        ("raw_json", c_char_p),
    ]


#: ``void (*mc_log_callback)(void *user_data, mc_log_level level, const char *message)``
LOG_CALLBACK = CFUNCTYPE(None, c_void_p, c_int, c_char_p)

_STATUS = c_int  # mc_status is a C enum
_OPTS = c_void_p  # mc_options *
_CLIENT = c_void_p  # mc_client *

# name -> (restype, argtypes)
_SIGNATURES: Dict[str, Tuple[Any, List[Any]]] = {
    "mc_version": (c_char_p, []),
    "mc_status_name": (c_char_p, [c_uint32]),
    "mc_last_error_status": (_STATUS, []),
    "mc_last_error_message": (c_char_p, []),
    "mc_last_error_code": (c_char_p, []),
    "mc_last_error_api_message": (c_char_p, []),
    "mc_last_error_http_status": (c_int32, []),
    "mc_last_error_retry_after_ms": (c_int64, []),
    "mc_free": (None, [c_void_p]),
    "mc_options_new": (_OPTS, []),
    "mc_options_free": (None, [_OPTS]),
    "mc_options_set_connect_timeout_ms": (_STATUS, [_OPTS, c_uint32]),
    "mc_options_set_timeout_ms": (_STATUS, [_OPTS, c_uint32]),
    "mc_options_set_allow_insecure_http": (_STATUS, [_OPTS, c_bool]),
    "mc_options_set_ca_bundle": (_STATUS, [_OPTS, c_char_p]),
    "mc_options_set_max_response_bytes": (_STATUS, [_OPTS, c_uint64]),
    "mc_client_new": (
        _STATUS,
        [c_char_p, c_char_p, c_char_p, c_char_p, c_char_p, _OPTS, POINTER(_CLIENT)],
    ),
    "mc_client_free": (None, [_CLIENT]),
    "mc_sign": (
        _STATUS,
        [_CLIENT, c_char_p, c_char_p, c_char_p, POINTER(POINTER(MCSignedHeaders))],
    ),
    "mc_signed_headers_free": (None, [POINTER(MCSignedHeaders)]),
    "mc_get_account": (_STATUS, [_CLIENT, POINTER(POINTER(MCAccount))]),
    "mc_account_free": (None, [POINTER(MCAccount)]),
    "mc_request": (_STATUS, [_CLIENT, c_char_p, c_char_p, POINTER(c_void_p)]),
    # Exports announced in the ABI plan; bound when the library has them.
    "mc_client_new_oauth": (
        _STATUS,
        [c_char_p, c_char_p, c_char_p, _OPTS, POINTER(_CLIENT)],
    ),
    "mc_client_new_from_env": (_STATUS, [_OPTS, POINTER(_CLIENT)]),
    "mc_client_new_from_variables": (
        _STATUS,
        [POINTER(c_char_p), POINTER(c_char_p), c_size_t, _OPTS, POINTER(_CLIENT)],
    ),
    "mc_client_new_from_postman": (_STATUS, [c_char_p, _OPTS, POINTER(_CLIENT)]),
    "mc_request_page": (
        _STATUS,
        [
            _CLIENT,
            c_char_p,
            c_char_p,
            c_uint32,
            c_char_p,
            POINTER(c_void_p),
            POINTER(c_void_p),
        ],
    ),
    "mc_options_set_retry": (_STATUS, [_OPTS, c_uint32, c_uint32]),
    "mc_last_retry_count": (c_uint32, []),
    "mc_options_set_retry_after_send": (_STATUS, [_OPTS, c_bool]),
    "mc_options_set_proxy": (_STATUS, [_OPTS, c_char_p]),
    "mc_options_set_log_callback": (_STATUS, [_OPTS, LOG_CALLBACK, c_void_p, c_uint32]),
    "mc_pager_new": (
        _STATUS,
        [_CLIENT, c_char_p, c_char_p, c_uint32, POINTER(c_void_p)],
    ),
    "mc_pager_next": (_STATUS, [c_void_p, POINTER(c_void_p)]),
    "mc_pager_free": (None, [c_void_p]),
}

#: Exports every supported library must have (the rest are newer).
REQUIRED = (
    "mc_version mc_status_name mc_last_error_status mc_last_error_message "
    "mc_last_error_code mc_last_error_api_message mc_last_error_http_status "
    "mc_last_error_retry_after_ms mc_free mc_options_new mc_options_free "
    "mc_options_set_connect_timeout_ms mc_options_set_timeout_ms "
    "mc_options_set_allow_insecure_http mc_options_set_ca_bundle "
    "mc_options_set_max_response_bytes mc_client_new mc_client_free mc_sign "
    "mc_signed_headers_free mc_get_account mc_account_free mc_request"
).split()


class NativeLibrary:
    """A loaded libmimecast with every known export declared."""

    def __init__(self, cdll: ctypes.CDLL, path: str) -> None:
        self.cdll = cdll
        self.path = path
        self.missing: List[str] = []
        for name, (restype, argtypes) in _SIGNATURES.items():
            try:
                func = getattr(cdll, name)
            except AttributeError:
                self.missing.append(name)
                continue
            func.restype = restype
            func.argtypes = argtypes
            setattr(self, name, func)
        absent = [n for n in REQUIRED if n in self.missing]
        if absent:
            raise LibraryNotFoundError(
                f"{path} is not a usable libmimecast: it lacks {', '.join(absent)}"
            )

    def has(self, name: str) -> bool:
        """True when the library exports ``name``."""
        return name not in self.missing

    def func(self, name: str) -> Any:
        """The declared function ``name``; raises UnsupportedError when this
        build of the library does not export it."""
        if name in self.missing:
            from .errors import UnsupportedError

            raise UnsupportedError(
                f"the loaded libmimecast ({self.path}) does not export {name}(); "
                "rebuild it from a newer source (cargo build --release)",
                status=16,
                status_name="MC_STATUS_UNSUPPORTED",
            )
        return getattr(self, name)


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
            lib = NativeLibrary(cdll, str(path))
            native = (lib.mc_version() or b"").decode("utf-8", "replace")
            if native != __version__:
                raise LibraryNotFoundError(
                    f"libmimecast at {path} is version {native!r} but the mimecast "
                    f"Python package is {__version__!r}; install matching versions "
                    f"(or point ${ENV_LIBRARY} at the right build)"
                )
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
