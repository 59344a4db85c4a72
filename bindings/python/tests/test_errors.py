"""Every fault of the emulator maps to the right exception class."""

from __future__ import annotations

import unittest

import mimecast

from .support import CA_PEM, ERROR_KINDS, KEYS, EmulatorTestCase, shared


class FaultTableTest(EmulatorTestCase):
    """tests/shared/faults.json: fault -> status; the class comes from
    bindings/errors.json, like in every other suite."""

    def test_every_fault_of_the_table(self) -> None:
        cases = shared("faults.json")["cases"]
        self.assertGreaterEqual(len(cases), 15)
        for case in cases:
            with self.subTest(case["name"]):
                self.run_case(case)

    def run_case(self, case: dict) -> None:
        options = case.get("options", {})
        client = self.client(
            max_retries=0,
            timeout=options.get("timeout_ms", 10_000) / 1000,
            max_response_bytes=options.get("max_response_bytes"),
        )
        fault = dict(case["fault"])
        self.emu.fault(fault.pop("fault"), **fault)
        call = {
            "account": client.get_account,
            "request": lambda: client.request("/api/some/endpoint", []),
        }[case["call"]]
        cls = getattr(mimecast, ERROR_KINDS[case["status"]]["python"])
        with self.assertRaises(mimecast.MimecastError) as cm:
            call()
        err = cm.exception
        self.assertIs(type(err), cls, str(err))
        self.assertEqual(err.status_name, case["status"])
        self.assertEqual(err.status, getattr(mimecast.Status, case["status"][len("MC_STATUS_") :]))
        if "http_status" in case:
            self.assertEqual(err.http_status, case["http_status"])
        if "code" in case:
            self.assertEqual(err.code, case["code"])
        if "api_message" in case:
            self.assertEqual(err.api_message, case["api_message"])
        if "retry_after_ms" in case:
            assert isinstance(err, mimecast.RateLimitedError)
            self.assertEqual(err.retry_after_ms, case["retry_after_ms"])
        self.assertTrue(err.message)
        self.assert_no_secret(str(err) + repr(err) + err.message)
        self.assertEqual(client.last_retry_count, 0)
        call()  # the client works again

    def test_timeout_is_also_a_builtin_timeout_error(self) -> None:
        self.emu.fault("slow", delay_s=3)
        with self.assertRaises(TimeoutError):
            self.client(max_retries=0, timeout=0.5).get_account()

    def test_rate_limited_seconds(self) -> None:
        self.emu.fault("rate_limited", reset_ms=1234)
        with self.assertRaises(mimecast.RateLimitedError) as cm:
            self.client(max_retries=0).get_account()
        self.assertAlmostEqual(cm.exception.retry_after, 1.234)

    def test_bad_keys_rejected_by_server(self) -> None:
        with mimecast.Client(
            self.emu.url,
            KEYS["app_id"],
            KEYS["app_key"],
            KEYS["access_key"],
            "AAAA" + KEYS["secret_key"][4:],
            max_retries=0,
        ) as c:
            with self.assertRaises(mimecast.AuthenticationError) as cm:
                c.get_account()
        self.assertEqual(cm.exception.code, "err_xdk_invalid_signature")

    def test_connection_refused(self) -> None:
        import socket

        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        with mimecast.Client(
            f"http://127.0.0.1:{port}",
            KEYS["app_id"],
            KEYS["app_key"],
            KEYS["access_key"],
            KEYS["secret_key"],
            max_retries=0,
        ) as c:
            with self.assertRaises(mimecast.TransportError):
                c.get_account()

    def test_unreadable_ca_bundle(self) -> None:
        with self.assertRaises(mimecast.MimecastIOError) as cm:
            self.client(ca_bundle="/nonexistent/ca.pem")
        self.assertIsInstance(cm.exception, OSError)


class TlsTest(EmulatorTestCase):
    emulator_args = ("--tls",)

    def test_untrusted_certificate(self) -> None:
        self.assertTrue(self.emu.url.startswith("https://"))
        with self.assertRaises(mimecast.TlsError) as cm:
            self.client(max_retries=0).get_account()
        self.assertIsInstance(cm.exception, mimecast.TransportError)

    def test_with_ca_bundle(self) -> None:
        account = self.client(ca_bundle=str(CA_PEM)).get_account()
        self.assertEqual(account.account_name, "Exämple Corp Ltd")


if __name__ == "__main__":
    unittest.main()
