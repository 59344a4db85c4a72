"""Client calls against the emulator: get_account, request, lifetime, threads."""

from __future__ import annotations

import copy
import dataclasses
import gc
import json
import logging
import pickle
import threading
import time
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
        self.assertEqual(fields, set(expected) | {"packages", "json", "raw_json"})
        self.assertEqual(json.loads(account.json), account.raw)
        self.assertEqual(json.loads(account.raw_json)["data"][0], account.raw)

    def test_values_and_non_ascii(self) -> None:
        account = self.client().get_account()
        self.assertEqual(account.account_name, "Exämple Corp Ltd")
        self.assertEqual(account.account_code, "CUSA12A345")
        self.assertEqual(account.max_retention, 2555)
        self.assertEqual(account.user_count, 250)
        self.assertIs(account.archive, True)
        self.assertIs(account.automated_segment_purge, False)

    def test_from_dict_takes_values_of_the_right_type_as_they_are(self) -> None:
        a = mimecast.Account.from_dict(
            {
                "accountName": "N",
                "userCount": 30,
                "maxRetention": 30.0,  # not an int: absent, no conversion here
                "archive": True,
                "gateway": "true",  # not a bool: False
                "accountCode": 5,  # not a str: absent
                "packages": ["p", 1],
            }
        )
        self.assertEqual((a.account_name, a.user_count, a.max_retention), ("N", 30, None))
        self.assertEqual((a.archive, a.gateway, a.account_code), (True, False, None))
        self.assertEqual(a.packages, ("p",))
        self.assertEqual(a.raw["accountName"], "N")

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


class CopyTest(EmulatorTestCase):
    """Issue 10 item 3: a copy would share the native handle."""

    def test_copy_deepcopy_and_pickle_are_refused(self) -> None:
        client = self.client()
        attempts = {
            "copy": lambda: copy.copy(client),
            "deepcopy": lambda: copy.deepcopy(client),
            "deepcopy in a list": lambda: copy.deepcopy([client]),
        }
        for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
            attempts[f"pickle {protocol}"] = lambda p=protocol: pickle.dumps(client, p)
        for what, attempt in attempts.items():
            with self.subTest(what):
                with self.assertRaises(TypeError) as cm:
                    attempt()
                self.assertIn("mimecast.Client cannot be", str(cm.exception))
                self.assertIn("thread-safe", str(cm.exception))
        gc.collect()
        self.assertEqual(client.get_account().account_code, "CUSA12A345")
        client.close()
        self.assertTrue(client.closed)

    def test_copy_during_a_call_is_refused_and_close_returns(self) -> None:
        client = self.client(timeout=10)
        self.emu.fault("slow", delay_s=1)
        result: list = []
        t = threading.Thread(target=lambda: result.append(client.get_account()))
        t.start()
        time.sleep(0.3)
        with self.assertRaises(TypeError):
            copy.copy(client)
        closer = threading.Thread(target=client.close)
        closer.start()
        closer.join(30)
        t.join(30)
        self.assertFalse(closer.is_alive(), "close() did not return")
        self.assertEqual(len(result), 1)
        self.assertTrue(client.closed)


class _CallingHandler(logging.Handler):
    """A logging handler that runs `action` on the first record it sees."""

    def __init__(self, action) -> None:  # type: ignore[no-untyped-def]
        super().__init__(logging.DEBUG)
        self.action = action
        self.done = False
        self.errors: list = []

    def emit(self, record: logging.LogRecord) -> None:
        if self.done:
            return
        self.done = True
        try:
            self.action()
        except BaseException as exc:  # noqa: BLE001
            self.errors.append(exc)


class CallFromLoggingHandlerTest(EmulatorTestCase):
    """Issue 10: closing (or using) a client from a logging handler of the
    same thread during a call used to deadlock."""

    def run_with_handler(self, action) -> tuple:  # type: ignore[no-untyped-def]
        logger = logging.getLogger("mimecast")
        handler = _CallingHandler(action)
        old = logger.level
        logger.setLevel(logging.DEBUG)
        logger.addHandler(handler)
        self.addCleanup(logger.setLevel, old)
        self.addCleanup(logger.removeHandler, handler)
        result: list = []

        def call() -> None:
            try:
                result.append(self.subject.get_account())
            except BaseException as exc:  # noqa: BLE001
                result.append(exc)

        t = threading.Thread(target=call, daemon=True)
        t.start()
        t.join(60)
        self.assertFalse(t.is_alive(), "the call never returned (deadlock)")
        self.assertTrue(handler.done, "the handler never ran")
        return result[0], handler.errors

    def test_close_from_the_handler_frees_after_the_call(self) -> None:
        self.subject = self.client(log=True)
        outcome, errors = self.run_with_handler(lambda: self.subject.close())
        self.assertEqual(errors, [])
        self.assertIsInstance(outcome, mimecast.Account)  # the call itself completes
        self.assertTrue(self.subject.closed)
        with self.assertRaises(mimecast.ClientClosedError):
            self.subject.get_account()
        self.subject.close()  # still idempotent

    def test_using_the_client_from_the_handler_is_refused(self) -> None:
        self.subject = self.client(log=True)
        outcome, errors = self.run_with_handler(lambda: self.subject.get_account())
        self.assertIsInstance(outcome, mimecast.Account)
        self.assertEqual(len(errors), 1)
        self.assertIsInstance(errors[0], RuntimeError)
        self.assertIn("logging handler", str(errors[0]))
        self.assertFalse(self.subject.closed)
        self.assertEqual(self.subject.get_account().account_code, "CUSA12A345")


if __name__ == "__main__":
    unittest.main()
