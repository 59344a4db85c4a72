"""Signing: the shared vectors and invalid secrets."""

from __future__ import annotations

import unittest

import mimecast

from .support import VECTORS


class SigningVectorsTest(unittest.TestCase):
    def test_every_vector(self) -> None:
        self.assertGreater(len(VECTORS["vectors"]), 0)
        for v in VECTORS["vectors"]:
            with self.subTest(v["name"]):
                with mimecast.Client(
                    "eu", v["app_id"], v["app_key"], v["access_key"], v["secret_key"]
                ) as client:
                    headers = client.sign(v["path"], v["date"], v["request_id"])
                self.assertEqual(headers["Authorization"], v["authorization"])
                self.assertEqual(headers["x-mc-date"], v["date"])
                self.assertEqual(headers["x-mc-req-id"], v["request_id"])
                self.assertEqual(headers["x-mc-app-id"], v["app_id"])
                self.assertEqual(headers["Content-Type"], "application/json")
                self.assertEqual(headers["Accept"], "application/json")

    def test_fresh_date_and_request_id(self) -> None:
        v = VECTORS["vectors"][0]
        with mimecast.Client(
            "eu", v["app_id"], v["app_key"], v["access_key"], v["secret_key"]
        ) as c:
            a = c.sign(v["path"])
            b = c.sign(v["path"])
        self.assertTrue(a["x-mc-date"].endswith(" UTC"))
        self.assertNotEqual(a["x-mc-req-id"], b["x-mc-req-id"])
        self.assertTrue(a["Authorization"].startswith("MC " + v["access_key"] + ":"))
        # A dict for urllib/requests, whose repr hides the access key.
        self.assertIsInstance(a, dict)
        for shown in (repr(a), str(a), f"{a}"):
            self.assertNotIn(v["access_key"], shown)
            self.assertIn("x-mc-req-id", shown)

    def test_every_invalid_secret(self) -> None:
        classes = {
            "invalid_credentials": mimecast.InvalidCredentialsError,
            "invalid_argument": mimecast.InvalidArgumentError,
        }
        v = VECTORS["vectors"][0]
        self.assertGreater(len(VECTORS["invalid"]), 0)
        for bad in VECTORS["invalid"]:
            with self.subTest(bad["name"]):
                with self.assertRaises(classes[bad["error"]]) as cm:
                    mimecast.Client(
                        "eu", v["app_id"], v["app_key"], v["access_key"], bad["secret_key"]
                    )
                err = cm.exception
                self.assertEqual(err.status_name, "MC_STATUS_" + bad["error"].upper())
                if bad["secret_key"].strip():
                    self.assertNotIn(bad["secret_key"], str(err))
                    self.assertNotIn(bad["secret_key"], repr(err))
                self.assertNotIn(v["access_key"], str(err))

    def test_bad_urls(self) -> None:
        v = VECTORS["vectors"][0]
        keys = (v["app_id"], v["app_key"], v["access_key"], v["secret_key"])
        with self.assertRaises(mimecast.InvalidUrlError):
            mimecast.Client("narnia", *keys)
        with self.assertRaises(mimecast.InvalidUrlError):
            mimecast.Client("ftp://example.com", *keys)
        with self.assertRaises(mimecast.InsecureUrlError):
            mimecast.Client("http://example.com", *keys)
        with mimecast.Client("http://example.com", *keys, allow_insecure_http=True) as c:
            self.assertFalse(c.closed)

    def test_invalid_arguments(self) -> None:
        v = VECTORS["vectors"][0]
        with self.assertRaises(mimecast.InvalidArgumentError):
            mimecast.Client("eu", "", v["app_key"], v["access_key"], v["secret_key"])
        with self.assertRaises(ValueError):
            mimecast.Client("eu", v["app_id"], "a\x00b", v["access_key"], v["secret_key"])
        with self.assertRaises(mimecast.InvalidArgumentError):
            mimecast.Client(
                "eu", v["app_id"], v["app_key"], v["access_key"], v["secret_key"], timeout=0
            )
        with self.assertRaises(TypeError):
            mimecast.Client(
                "eu", v["app_id"], v["app_key"], v["access_key"], v["secret_key"], nope=1
            )
        with mimecast.Client(
            "eu", v["app_id"], v["app_key"], v["access_key"], v["secret_key"]
        ) as c:
            with self.assertRaises(mimecast.InvalidArgumentError):
                c.sign("https://eu-api.mimecast.com/api/account/get-account")


if __name__ == "__main__":
    unittest.main()
