"""Issue 10 item 24: every invalid option raises the documented
InvalidArgumentError, whatever the constructor, before anything is sent."""

from __future__ import annotations

import unittest

import mimecast

from .support import VECTORS

V = VECTORS["vectors"][0]
KEYS = (V["app_id"], V["app_key"], V["access_key"], V["secret_key"])

SECONDS = [float("inf"), float("-inf"), float("nan"), 0, -1, 0.0, 5e9, "5", b"5", True, [1]]
INVALID = {
    "timeout": SECONDS,
    "connect_timeout": SECONDS,
    "retry_budget": SECONDS,
    "max_retries": [-1, 1.5, "3", True, 2**32, float("inf")],
    "max_response_bytes": [0, -5, 1.5, "10", True, 2**64, float("nan")],
    "allow_insecure_http": ["yes", 1, 0, None],
    "retry_after_send": ["no", 1, None],
    "log": ["yes", 1],
    "proxy": [5, 1.5, ["http://x:1"]],
    "ca_bundle": [5, 1.5],
}

CONSTRUCTORS = {
    "Client": lambda **o: mimecast.Client("eu", *KEYS, **o),
    "oauth": lambda **o: mimecast.Client.oauth("id", "secret", **o),
    "from_env": lambda **o: mimecast.Client.from_env(
        {
            "MIMECAST_BASE_URL": "eu",
            "MIMECAST_APP_ID": KEYS[0],
            "MIMECAST_APP_KEY": KEYS[1],
            "MIMECAST_ACCESS_KEY": KEYS[2],
            "MIMECAST_SECRET_KEY": KEYS[3],
        },
        **o,
    ),
}


class InvalidOptionsTest(unittest.TestCase):
    def test_every_invalid_value_is_an_invalid_argument_error(self) -> None:
        for make_name, make in CONSTRUCTORS.items():
            for option, values in INVALID.items():
                for value in values:
                    with self.subTest(constructor=make_name, option=option, value=value):
                        with self.assertRaises(mimecast.InvalidArgumentError) as cm:
                            make(**{option: value})
                        err = cm.exception
                        self.assertIsInstance(err, ValueError)
                        self.assertEqual(err.status, mimecast.Status.INVALID_ARGUMENT)
                        self.assertEqual(err.status_name, "MC_STATUS_INVALID_ARGUMENT")
                        self.assertIn(option, str(err))

    def test_valid_values_are_accepted(self) -> None:
        for options in (
            {"timeout": 0.0005},  # rounded up to 1 ms, not refused
            {"timeout": 4_294_967, "connect_timeout": 1, "retry_budget": 2.5},
            {"max_retries": 0, "max_response_bytes": 1},
            {"max_retries": 2**32 - 1, "max_response_bytes": 2**64 - 1},
            {"allow_insecure_http": True, "retry_after_send": False, "log": None},
            {"proxy": "", "log": False},
        ):
            with self.subTest(options=options):
                with mimecast.Client("eu", *KEYS, **options) as client:
                    self.assertFalse(client.closed)

    def test_unknown_option_is_a_type_error(self) -> None:
        for make in CONSTRUCTORS.values():
            with self.assertRaises(TypeError):
                make(nope=1)

    def test_page_size(self) -> None:
        with mimecast.Client("eu", *KEYS) as client:
            for value in (-1, 1.5, "5", True, 2**32):
                with self.subTest(value=value):
                    with self.assertRaises(mimecast.InvalidArgumentError):
                        next(client.iter_pages("/api/audit/get-audit-events", page_size=value))


if __name__ == "__main__":
    unittest.main()
