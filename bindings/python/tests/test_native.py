"""The native library: loading, declarations, version."""

from __future__ import annotations

import ctypes
import json
import os
import re
import subprocess
import sys
import unittest
from pathlib import Path
from unittest import mock

import mimecast
from mimecast import _abi, _ffi

from .support import ROOT


def header_functions() -> set:
    text = (ROOT / "include" / "mimecast.h").read_text("utf-8")
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return set(re.findall(r"\b(mc_[a-z0-9_]+)\s*\(", text))


def c_layouts() -> dict:
    """The C compiler's struct layouts (tools/struct_layout.py)."""
    out = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "struct_layout.py")],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out)


class NativeLibraryTest(unittest.TestCase):
    def test_loads_and_version_matches_cargo_toml(self) -> None:
        cargo = (ROOT / "Cargo.toml").read_text("utf-8")
        version = re.search(r'^version\s*=\s*"([^"]+)"', cargo, re.M).group(1)
        self.assertEqual(mimecast.__version__, version)
        self.assertEqual(mimecast.native_version(), version)
        self.assertEqual(_abi.HEADER_VERSION, version)

    def test_every_header_function_is_declared_and_exported(self) -> None:
        lib = _ffi.load()
        in_header = header_functions()
        self.assertGreaterEqual(len(in_header), 31)
        self.assertEqual(set(_abi.FUNCTIONS), in_header)
        for name, (restype, argtypes) in _abi.FUNCTIONS.items():
            func = getattr(lib.cdll, name)
            self.assertEqual(func.argtypes, argtypes, name)
            self.assertIs(func.restype, restype, name)
            self.assertIs(getattr(lib, name), func)

    def test_struct_layouts_match_the_c_compiler(self) -> None:
        layouts = c_layouts()
        # Every struct of the header, generated, at the compiler's offsets.
        self.assertGreaterEqual(set(layouts), {"mc_account", "mc_signed_headers"})
        structs = {name: getattr(_abi, name) for name in layouts}
        for name, cls in structs.items():
            with self.subTest(name):
                self.assertEqual(ctypes.sizeof(cls), layouts[name]["size"])
                offsets = {f: getattr(cls, f).offset for f, _ in cls._fields_}
                self.assertEqual(offsets, layouts[name]["fields"])

    def test_another_library_version_is_refused(self) -> None:
        lib = _ffi.load()
        with mock.patch.object(_ffi, "HEADER_VERSION", "9.9.9"):
            with self.assertRaises(mimecast.LibraryNotFoundError) as cm:
                _ffi.NativeLibrary(lib.cdll, lib.path)
        text = str(cm.exception)
        self.assertIn(lib.path, text)
        self.assertIn("'9.9.9'", text)
        self.assertIn(repr(mimecast.native_version()), text)
        self.assertIn("MIMECAST_LIBRARY", text)

    def test_undeclared_function_is_an_attribute_error(self) -> None:
        with self.assertRaises(AttributeError):
            _ffi.load().mc_no_such_function

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
        self.assertEqual(
            set(mimecast.errors.STATUS_CLASSES), {s.value for s in _abi.Status if s.value}
        )
        for status in _abi.Status:
            self.assertEqual(lib.mc_status_name(status).decode(), "MC_STATUS_" + status.name)
        for status, cls in mimecast.errors.STATUS_CLASSES.items():
            self.assertTrue(issubclass(cls, mimecast.MimecastError))
        self.assertTrue(issubclass(mimecast.InvalidArgumentError, ValueError))
        self.assertTrue(issubclass(mimecast.MimecastTimeoutError, TimeoutError))
        self.assertTrue(issubclass(mimecast.TlsError, mimecast.TransportError))
        self.assertTrue(issubclass(mimecast.InsecureUrlError, mimecast.InvalidUrlError))


if __name__ == "__main__":
    unittest.main()
