"""The native library: loading, declarations, version."""

from __future__ import annotations

import ctypes
import os
import re
import unittest
from pathlib import Path

import mimecast
from mimecast import _ffi

from .support import ROOT


def header_functions() -> set:
    text = (ROOT / "include" / "mimecast.h").read_text("utf-8")
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return set(re.findall(r"\b(mc_[a-z0-9_]+)\s*\(", text))


class NativeLibraryTest(unittest.TestCase):
    def test_loads_and_version_matches_cargo_toml(self) -> None:
        cargo = (ROOT / "Cargo.toml").read_text("utf-8")
        version = re.search(r'^version\s*=\s*"([^"]+)"', cargo, re.M).group(1)
        self.assertEqual(mimecast.__version__, version)
        self.assertEqual(mimecast.native_version(), version)

    def test_every_header_function_is_declared_and_exported(self) -> None:
        lib = _ffi.load()
        declared = set(_ffi._SIGNATURES)
        in_header = header_functions()
        self.assertGreaterEqual(len(in_header), 31)
        self.assertEqual(in_header - declared, set(), "functions in mimecast.h without argtypes")
        self.assertEqual(lib.missing, [], "declared functions missing from the loaded library")
        for name in in_header:
            func = getattr(lib.cdll, name)
            self.assertIsNotNone(func.argtypes, name)

    def test_returned_strings_are_void_pointers(self) -> None:
        lib = _ffi.load()
        self.assertIs(lib.mc_request.argtypes[3], ctypes.POINTER(ctypes.c_void_p))
        self.assertIs(lib.mc_request_page.argtypes[5], ctypes.POINTER(ctypes.c_void_p))
        self.assertIs(lib.mc_request_page.argtypes[6], ctypes.POINTER(ctypes.c_void_p))

    def test_library_path_is_a_candidate(self) -> None:
        path = mimecast.library_path()
        self.assertTrue(path.endswith(_ffi.LIBRARY_FILE), path)
        self.assertIn(path, [str(p) for _, p in _ffi.candidates()])

    def test_expected_library_location(self) -> None:
        path = Path(mimecast.library_path())
        if os.environ.get("MIMECAST_EXPECT_BUNDLED"):  # set by test-wheel.sh
            self.assertEqual(path.parent.name, "_native")
            self.assertEqual(path.parent.parent, Path(mimecast.__file__).resolve().parent)
        elif os.environ.get("MIMECAST_LIBRARY"):
            self.assertEqual(path, Path(os.environ["MIMECAST_LIBRARY"]))
        else:
            self.assertIn(path.parent.name, ("_native", "release", "debug"))

    def test_not_found_lists_every_place(self) -> None:
        from unittest import mock

        saved = _ffi._loaded
        _ffi._loaded = None
        try:
            with mock.patch.dict(os.environ, {"MIMECAST_LIBRARY": "/nonexistent/libmimecast.so"}):
                with self.assertRaises(mimecast.LibraryNotFoundError) as cm:
                    _ffi.load()
            self.assertIn("/nonexistent/libmimecast.so", str(cm.exception))
            self.assertIn("MIMECAST_LIBRARY", str(cm.exception))
        finally:
            _ffi._loaded = saved

    def test_status_names_and_classes(self) -> None:
        lib = _ffi.load()
        for status, cls in mimecast.errors.STATUS_CLASSES.items():
            name = lib.mc_status_name(status).decode()
            self.assertTrue(name.startswith("MC_STATUS_"), name)
            self.assertNotEqual(name, "MC_STATUS_UNKNOWN", status)
            self.assertTrue(issubclass(cls, mimecast.MimecastError))
        self.assertTrue(issubclass(mimecast.InvalidArgumentError, ValueError))
        self.assertTrue(issubclass(mimecast.MimecastTimeoutError, TimeoutError))
        self.assertTrue(issubclass(mimecast.TlsError, mimecast.TransportError))
        self.assertTrue(issubclass(mimecast.InsecureUrlError, mimecast.InvalidUrlError))


if __name__ == "__main__":
    unittest.main()
