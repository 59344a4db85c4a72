"""Every fault of the emulator maps to the right exception class."""

from __future__ import annotations

import unittest

import mimecast

from .support import CA_PEM, KEYS, EmulatorTestCase


class FaultsTest(EmulatorTestCase):
    def no_retry(self, **options):  # type: ignore[no-untyped-def]
        return self.client(max_retries=0, **options)

    def check(self, fault: str, cls: type, **params: object) -> mimecast.MimecastError:
        self.emu.fault(fault, **params)
        client = self.no_retry(timeout=params.pop("_timeout", 10))
        with self.assertRaises(cls) as cm:
            client.get_account()
        err = cm.exception
        self.assertIsInstance(err, mimecast.MimecastError)
        self.assertGreater(err.status, 0)
        self.assertTrue(err.status_name.startswith("MC_STATUS_"))
        self.assert_no_secret(str(err) + repr(err) + err.message)
        self.assertEqual(client.last_retry_count, 0)
        return err

    def test_unauthorized(self) -> None:
        err = self.check("unauthorized", mimecast.AuthenticationError)
        self.assertEqual(err.http_status, 401)
        self.assertEqual(err.code, "err_xdk_invalid_signature")

    def test_forbidden(self) -> None:
        err = self.check("forbidden", mimecast.AuthenticationError)
        self.assertEqual(err.http_status, 403)

    def test_binding_expired(self) -> None:
        err = self.check("binding_expired", mimecast.BindingExpiredError)
        self.assertEqual(err.http_status, 418)
        self.assertEqual(err.code, "err_xdk_binding_expired")

    def test_rate_limited(self) -> None:
        err = self.check("rate_limited", mimecast.RateLimitedError, reset_ms=1234)
        self.assertEqual(err.http_status, 429)
        self.assertEqual(err.retry_after_ms, 1234)
        self.assertAlmostEqual(err.retry_after, 1.234)

    def test_api_fail(self) -> None:
        err = self.check(
            "api_fail",
            mimecast.ApiFailureError,
            code="err_custom_thing",
            message="Something went wrong",
        )
        self.assertEqual(err.code, "err_custom_thing")
        self.assertEqual(err.api_message, "Something went wrong")
        self.assertEqual(err.http_status, 200)

    def test_api_fail_on_request(self) -> None:
        self.emu.fault("api_fail")
        with self.assertRaises(mimecast.ApiFailureError) as cm:
            self.no_retry().request("/api/x/y", [{"a": 1}])
        self.assertEqual(cm.exception.code, "err_validation_blank")

    def test_malformed(self) -> None:
        self.check("malformed", mimecast.MalformedResponseError)

    def test_server_error(self) -> None:
        err = self.check("server_error", mimecast.HttpError)
        self.assertEqual(err.http_status, 500)

    def test_timeout(self) -> None:
        self.emu.fault("slow", delay_s=3)
        client = self.no_retry(timeout=0.5)
        with self.assertRaises(mimecast.MimecastTimeoutError) as cm:
            client.get_account()
        self.assertIsInstance(cm.exception, TimeoutError)
        self.assertEqual(cm.exception.status_name, "MC_STATUS_TIMEOUT")

    def test_drop(self) -> None:
        err = self.check("drop", mimecast.TransportError)
        self.assertNotIsInstance(err, mimecast.TlsError)
        self.assertNotIsInstance(err, mimecast.MimecastTimeoutError)

    def test_huge_response(self) -> None:
        self.emu.fault("huge", size_bytes=200_000)
        client = self.client(max_retries=0, max_response_bytes=50_000)
        with self.assertRaises(mimecast.ResponseTooLargeError):
            client.get_account()

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
