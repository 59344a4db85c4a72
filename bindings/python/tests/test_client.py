"""Client calls against the emulator: get_account, request, lifetime, threads."""

from __future__ import annotations

import dataclasses
import gc
import threading
import unittest

import mimecast

from .support import KEYS, EmulatorTestCase


class GetAccountTest(EmulatorTestCase):
    def test_every_field_typed(self) -> None:
        account = self.client().get_account()
        self.assertIsInstance(account, mimecast.Account)
        expected = {
            "account_code": ("accountCode", str),
            "account_name": ("accountName", str),
            "admin_email": ("adminEmail", str),
            "archive": ("archive", bool),
            "automated_segment_purge": ("automatedSegmentPurge", bool),
            "database_code": ("databaseCode", str),
            "domain": ("domain", str),
            "gateway": ("gateway", bool),
            "mail_platform": ("mailPlatform", str),
            "max_retention": ("maxRetention", int),
            "max_retention_confirmed": ("maxRetentionConfirmed", bool),
            "mimecast_id": ("mimecastId", str),
            "passphrase": ("passphrase", str),
            "policy_inheritance": ("policyInheritance", bool),
            "region": ("region", str),
            "support_code": ("supportCode", str),
            "type": ("type", str),
            "user_count": ("userCount", int),
        }
        for attr, (key, typ) in expected.items():
            with self.subTest(attr):
                value = getattr(account, attr)
                self.assertIs(type(value), typ)
                self.assertEqual(value, account.raw[key])
        self.assertIsInstance(account.packages, tuple)
        self.assertGreater(len(account.packages), 0)
        self.assertTrue(all(isinstance(p, str) for p in account.packages))
        self.assertEqual(list(account.packages), account.raw["packages"])
        self.assertEqual(len(account.raw), 19)
        fields = {f.name for f in dataclasses.fields(account)}
        self.assertEqual(fields, set(expected) | {"packages", "raw"})

    def test_values_and_non_ascii(self) -> None:
        account = self.client().get_account()
        self.assertEqual(account.account_name, "Exämple Corp Ltd")
        self.assertEqual(account.account_code, "CUSA12A345")
        self.assertEqual(account.max_retention, 2555)
        self.assertEqual(account.user_count, 250)
        self.assertIs(account.archive, True)
        self.assertIs(account.automated_segment_purge, False)

    def test_frozen_and_passphrase_not_in_repr(self) -> None:
        account = self.client().get_account()
        with self.assertRaises(dataclasses.FrozenInstanceError):
            account.account_name = "x"  # type: ignore[misc]
        self.assertNotIn(account.passphrase, repr(account))
        self.assertIn("Exämple Corp Ltd", repr(account))


class RequestTest(EmulatorTestCase):
    def test_generic_path_echoes_list(self) -> None:
        data = self.client().request("/api/directory/find-groups", [{"query": "Grüße", "n": 1}])
        self.assertEqual(
            data, [{"path": "/api/directory/find-groups", "echo": [{"query": "Grüße", "n": 1}]}]
        )

    def test_body_forms(self) -> None:
        c = self.client()
        self.assertEqual(c.request("/api/x/y")[0]["echo"], [])
        self.assertEqual(c.request("/api/x/y", {"a": 1})[0]["echo"], [{"a": 1}])
        self.assertEqual(
            c.request("/api/x/y", {"data": [{"b": 2}], "meta": {}})[0]["echo"], [{"b": 2}]
        )
        with self.assertRaises(TypeError):
            c.request("/api/x/y", "not json")  # type: ignore[arg-type]

    def test_request_raw_envelope(self) -> None:
        env = self.client().request_raw("/api/x/z", {"data": [{"k": "v"}]})
        self.assertEqual(env["meta"]["status"], 200)
        self.assertEqual(env["fail"], [])
        self.assertEqual(env["data"][0]["echo"], [{"k": "v"}])
        env = self.client().request_raw("/api/x/z", '{"data": [1]}')
        self.assertEqual(env["data"][0]["echo"], [1])


class LifetimeTest(EmulatorTestCase):
    def test_close_is_idempotent_and_closed_client_raises(self) -> None:
        c = self.client()
        c.close()
        c.close()
        self.assertTrue(c.closed)
        for call in (
            c.get_account,
            lambda: c.request("/api/x/y"),
            lambda: c.sign("/api/x"),
            lambda: list(c.iter_pages("/api/audit/get-audit-events")),
        ):
            with self.assertRaises(mimecast.ClientClosedError) as cm:
                call()
            self.assertIsInstance(cm.exception, mimecast.MimecastError)
            self.assertIsInstance(cm.exception, ValueError)
            self.assertIn("closed", str(cm.exception))

    def test_context_manager(self) -> None:
        with self.client() as c:
            self.assertFalse(c.closed)
            c.get_account()
        self.assertTrue(c.closed)
        with self.assertRaises(mimecast.ClientClosedError):
            c.get_account()
        with self.assertRaises(mimecast.ClientClosedError):
            with c:
                pass

    def test_context_manager_closes_on_exception(self) -> None:
        with self.assertRaises(RuntimeError):
            with self.client() as c:
                raise RuntimeError("boom")
        self.assertTrue(c.closed)

    def test_del_frees(self) -> None:
        c = mimecast.Client(
            self.emu.url, KEYS["app_id"], KEYS["app_key"], KEYS["access_key"], KEYS["secret_key"]
        )
        c.get_account()
        del c
        gc.collect()

    def test_repr_has_no_secret(self) -> None:
        c = self.client()
        text = repr(c) + str(c)
        self.assert_no_secret(text)
        self.assertIn(self.emu.url, text)
        self.assertIn("open", text)
        c.close()
        self.assertIn("closed", repr(c))


class ThreadsTest(EmulatorTestCase):
    def test_eight_threads_share_one_client(self) -> None:
        client = self.client()
        errors: list = []
        names: list = []
        lock = threading.Lock()
        barrier = threading.Barrier(8)

        def work() -> None:
            try:
                barrier.wait(10)
                for _ in range(5):
                    name = client.get_account().account_name
                    with lock:
                        names.append(name)
            except BaseException as exc:  # noqa: BLE001
                with lock:
                    errors.append(exc)

        threads = [threading.Thread(target=work) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        self.assertEqual(errors, [])
        self.assertEqual(names, ["Exämple Corp Ltd"] * 40)
        self.assertEqual(self.emu.stats()["requests"], 40)

    def test_close_waits_for_calls_in_flight(self) -> None:
        client = self.client(timeout=10)
        self.emu.fault("slow", delay_s=1)
        result: list = []
        t = threading.Thread(target=lambda: result.append(client.get_account()))
        t.start()
        import time

        time.sleep(0.3)
        client.close()  # must not free the handle under the running call
        t.join(10)
        self.assertEqual(len(result), 1)
        self.assertTrue(client.closed)


if __name__ == "__main__":
    unittest.main()
