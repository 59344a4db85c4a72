"""The exception classes form exactly the tree of bindings/errors.json, the
table shared with the .NET binding."""

from __future__ import annotations

import builtins
import json
import unittest

import mimecast
from mimecast import _abi

from .support import ROOT

TABLE = json.loads((ROOT / "bindings" / "errors.json").read_text("utf-8"))["kinds"]


class TaxonomyTest(unittest.TestCase):
    def test_classes_form_the_table_tree(self) -> None:
        by_kind = {k["kind"]: k for k in TABLE}
        for kind in TABLE:
            with self.subTest(kind["kind"]):
                cls = getattr(mimecast, kind["python"])
                self.assertIs(getattr(mimecast.errors, kind["python"]), cls)
                parent = (
                    getattr(mimecast, by_kind[kind["parent"]]["python"])
                    if kind["parent"]
                    else Exception
                )
                also = tuple(getattr(builtins, b) for b in kind.get("python_also", []))
                self.assertEqual(cls.__bases__, (parent,) + also)
                self.assertIn(kind["python"], mimecast.__all__)

    def test_every_status_raises_its_kind(self) -> None:
        claimed = {s: k["python"] for k in TABLE for s in k["statuses"]}
        for status in _abi.Status:
            if status == _abi.Status.OK:
                continue
            with self.subTest(status.name):
                name = claimed["MC_STATUS_" + status.name]
                self.assertIs(mimecast.errors.STATUS_CLASSES[status], getattr(mimecast, name))

    def test_every_class_is_in_the_table(self) -> None:
        in_table = {k["python"] for k in TABLE}
        classes = {
            name
            for name in mimecast.errors.__all__
            if isinstance(getattr(mimecast.errors, name), type)
        }
        self.assertEqual(classes, in_table)

    def test_binding_expired_is_an_authentication_error(self) -> None:
        # The decision recorded in the table: expired keys are refused
        # credentials, so `except AuthenticationError` catches them too.
        self.assertTrue(issubclass(mimecast.BindingExpiredError, mimecast.AuthenticationError))


if __name__ == "__main__":
    unittest.main()
