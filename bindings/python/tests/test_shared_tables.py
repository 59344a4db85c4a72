"""The cross-language tables of tests/shared/: numbers of a Get Account
response and JSON nesting, checked here exactly as in every other suite."""

from __future__ import annotations

import json

import mimecast
from mimecast import _abi

from .support import EmulatorTestCase, shared


def depth_of(case: dict) -> int:
    """A depth of json-depth.json: a number, or MC_MAX_JSON_DEPTH (+ 1) of the header."""
    value = case["depth"]
    if isinstance(value, int):
        return value
    limit = _abi.MC_MAX_JSON_DEPTH
    return {"MC_MAX_JSON_DEPTH": limit, "MC_MAX_JSON_DEPTH + 1": limit + 1}[value]


class AccountNumbersTest(EmulatorTestCase):
    def test_every_case(self) -> None:
        cases = shared("account-numbers.json")["cases"]
        self.assertGreaterEqual(len(cases), 10)
        client = self.client(max_retries=0)
        for case in cases:
            with self.subTest(case["name"]):
                self.emu.fault("raw_body", body=case["body"])
                if "expect" in case:
                    account = client.get_account()
                    self.assertEqual(account.max_retention, case["expect"]["max_retention"])
                    self.assertEqual(account.user_count, case["expect"]["user_count"])
                    self.assertEqual(account.account_name, "Exämple Corp Ltd")
                    # json is data[0] as sent, raw_json the whole body, in every language.
                    self.assertEqual(account.raw_json, case["body"])
                    self.assertIn(account.json, case["body"])
                    self.assertEqual(json.loads(account.json), json.loads(case["body"])["data"][0])
                else:
                    with self.assertRaises(mimecast.MimecastError) as cm:
                        client.get_account()
                    self.assertEqual(cm.exception.status_name, case["status"])
                    self.assertIn(case["names"], str(cm.exception))


class JsonDepthTest(EmulatorTestCase):
    def test_every_depth(self) -> None:
        table = shared("json-depth.json")
        client = self.client(max_retries=0)
        for case in table["cases"]:
            depth = depth_of(case)
            with self.subTest(depth=depth):
                inner = "[" * (depth - 1) + "]" * (depth - 1)
                self.emu.fault(
                    "raw_body", body='{"meta":{"status":200},"fail":[],"data":' + inner + "}"
                )
                if case["status"] == "MC_STATUS_OK":
                    data = client.request("/api/x/y")
                    for _ in range(depth - 2):  # down to the innermost array
                        self.assertEqual(len(data), 1)
                        data = data[0]
                    self.assertEqual(data, [])
                else:
                    with self.assertRaises(mimecast.MimecastError) as cm:
                        client.request("/api/x/y")
                    self.assertEqual(cm.exception.status_name, case["status"])
