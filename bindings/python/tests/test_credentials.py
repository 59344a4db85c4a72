"""Credential sources: environment, Postman environment file, OAuth (API 2.0)."""

from __future__ import annotations

import json
import os
import tempfile
import unittest
from pathlib import Path
from unittest import mock

import mimecast

from .support import KEYS, EmulatorTestCase

_ALL_VARS = [
    "MIMECAST_BASE_URL",
    "MIMECAST_APP_ID",
    "MIMECAST_APP_KEY",
    "MIMECAST_ACCESS_KEY",
    "MIMECAST_SECRET_KEY",
    "MIMECAST_CLIENT_ID",
    "MIMECAST_CLIENT_SECRET",
]


def clean_env(**values: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in _ALL_VARS}
    env.update(values)
    return env


class FromEnvTest(EmulatorTestCase):
    def api1_env(self) -> dict:
        return clean_env(
            MIMECAST_BASE_URL=self.emu.url,
            MIMECAST_APP_ID=KEYS["app_id"],
            MIMECAST_APP_KEY=KEYS["app_key"],
            MIMECAST_ACCESS_KEY=KEYS["access_key"],
            MIMECAST_SECRET_KEY=KEYS["secret_key"],
        )

    def test_api1_from_env(self) -> None:
        with mock.patch.dict(os.environ, self.api1_env(), clear=True):
            client = mimecast.Client.from_env(timeout=10)
        self.addCleanup(client.close)
        self.assertEqual(client.get_account().account_code, "CUSA12A345")
        self.assert_no_secret(repr(client))

    def test_missing_variable_is_named(self) -> None:
        env = self.api1_env()
        del env["MIMECAST_SECRET_KEY"]
        with mock.patch.dict(os.environ, env, clear=True):
            with self.assertRaises(mimecast.InvalidArgumentError) as cm:
                mimecast.Client.from_env()
        self.assertIn("MIMECAST_SECRET_KEY", str(cm.exception))
        self.assert_no_secret(str(cm.exception))

    def test_explicit_environ_mapping(self) -> None:
        with mock.patch.dict(os.environ, clean_env(), clear=True):
            client = mimecast.Client.from_env(self.api1_env())
            self.addCleanup(client.close)
            self.assertEqual(client.get_account().account_code, "CUSA12A345")
            env = self.api1_env()
            del env["MIMECAST_APP_KEY"]
            with self.assertRaises(mimecast.InvalidArgumentError) as cm:
                mimecast.Client.from_env(env)
            self.assertIn("MIMECAST_APP_KEY", str(cm.exception))
            with self.assertRaises(mimecast.InvalidArgumentError):
                mimecast.Client.from_env({})

    def test_oauth_from_env_wins(self) -> None:
        env = self.api1_env()
        env["MIMECAST_SECRET_KEY"] = "not base64!"  # ignored: API 2.0 wins
        env["MIMECAST_CLIENT_ID"] = KEYS["client_id"]
        env["MIMECAST_CLIENT_SECRET"] = KEYS["client_secret"]
        before = self.emu.stats()["tokens_issued"]  # not cleared by reset
        with mock.patch.dict(os.environ, env, clear=True):
            client = mimecast.Client.from_env()
        self.addCleanup(client.close)
        self.assertEqual(client.get_account().account_code, "CUSA12A345")
        self.assertEqual(self.emu.stats()["tokens_issued"], before + 1)
        with self.assertRaises(mimecast.UnsupportedError):
            client.sign("/api/account/get-account")


class FromPostmanTest(EmulatorTestCase):
    def write(self, values: dict, enabled: bool = True) -> Path:
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        path = Path(tmp.name) / "Mimecast API.postman_environment.json"
        path.write_text(
            json.dumps(
                {
                    "id": "5f0c2a9e-0000-4000-8000-000000000000",
                    "name": "Mimecast API",
                    "values": [
                        {
                            "key": k,
                            "value": v,
                            "type": "secret" if "Key" in k else "default",
                            "enabled": enabled,
                        }
                        for k, v in values.items()
                    ],
                    "_postman_variable_scope": "environment",
                }
            ),
            encoding="utf-8",
        )
        return path

    def test_api1_postman_file(self) -> None:
        path = self.write(
            {
                "ApplicationID": KEYS["app_id"],
                "ApplicationKey": KEYS["app_key"],
                "AccessKey": KEYS["access_key"],
                "SecretKey": KEYS["secret_key"],
                "baseUrl": self.emu.url,
            }
        )
        with mimecast.Client.from_postman(path, timeout=10) as client:
            self.assertEqual(client.get_account().account_name, "Exämple Corp Ltd")
            self.assert_no_secret(repr(client))
        with mimecast.Client.from_postman(str(path)) as client:
            self.assertEqual(len(client.request("/api/x/y", [{"a": 1}])), 1)

    def test_oauth_postman_file(self) -> None:
        path = self.write(
            {
                "client_id": KEYS["client_id"],
                "client_secret": KEYS["client_secret"],
                "baseUrl": self.emu.url,
            }
        )
        with mimecast.Client.from_postman(path) as client:
            self.assertEqual(client.get_account().account_code, "CUSA12A345")

    def test_missing_key(self) -> None:
        path = self.write({"ApplicationID": KEYS["app_id"], "baseUrl": self.emu.url})
        with self.assertRaises(mimecast.InvalidArgumentError):
            mimecast.Client.from_postman(path)

    def test_unreadable_file(self) -> None:
        with self.assertRaises(mimecast.MimecastIOError) as cm:
            mimecast.Client.from_postman("/nonexistent/dir/env.json")
        self.assertIsInstance(cm.exception, OSError)


class OAuthTest(EmulatorTestCase):
    def test_get_account_and_token_cached(self) -> None:
        before = self.emu.stats()["tokens_issued"]  # not cleared by reset
        with mimecast.Client.oauth(
            KEYS["client_id"], KEYS["client_secret"], base_url=self.emu.url
        ) as client:
            self.assertEqual(client.get_account().account_name, "Exämple Corp Ltd")
            self.assertEqual(client.request("/api/x/y", [{"a": 1}])[0]["echo"], [{"a": 1}])
            self.assertEqual(self.emu.stats()["tokens_issued"], before + 1)
            self.assert_no_secret(repr(client))

    def test_sign_is_unsupported(self) -> None:
        with mimecast.Client.oauth(
            KEYS["client_id"], KEYS["client_secret"], base_url=self.emu.url
        ) as client:
            with self.assertRaises(mimecast.UnsupportedError):
                client.sign("/api/account/get-account")

    def test_token_expired_is_refreshed(self) -> None:
        with mimecast.Client.oauth(
            KEYS["client_id"], KEYS["client_secret"], base_url=self.emu.url
        ) as client:
            client.get_account()
            before = self.emu.stats()["tokens_issued"]
            self.emu.fault("token_expired")
            client.get_account()
            self.assertEqual(self.emu.stats()["tokens_issued"], before + 1)

    def test_bad_client_secret(self) -> None:
        with mimecast.Client.oauth(
            KEYS["client_id"], "wrong-secret-value-123", base_url=self.emu.url, max_retries=0
        ) as client:
            with self.assertRaises(mimecast.AuthenticationError) as cm:
                client.get_account()
        self.assertNotIn("wrong-secret-value-123", str(cm.exception))


if __name__ == "__main__":
    unittest.main()
