"""Pagination, retries, proxies and logging."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import unittest
from pathlib import Path

import mimecast

from .support import KEYS, EmulatorTestCase

AUDIT = "/api/audit/get-audit-events"
PAGE_ITEMS = 23


class PaginationTest(EmulatorTestCase):
    emulator_args = ("--page-items", str(PAGE_ITEMS))

    def test_yields_exactly_all_items(self) -> None:
        items = list(self.client().iter_pages(AUDIT, page_size=5))
        self.assertEqual(len(items), PAGE_ITEMS)
        self.assertEqual(sorted(i["id"] for i in items), list(range(1, PAGE_ITEMS + 1)))
        self.assertEqual(self.emu.stats()["requests"], 5)  # stops at the last page

    def test_single_page_and_alias(self) -> None:
        items = list(self.client().paginate(AUDIT, page_size=100))
        self.assertEqual(len(items), PAGE_ITEMS)
        self.assertEqual(self.emu.stats()["requests"], 1)

    def test_exact_multiple(self) -> None:
        envelopes = list(self.client().iter_page_envelopes(AUDIT, page_size=23))
        self.assertEqual(len(envelopes), 1)
        self.assertEqual(len(envelopes[0]["data"]), 23)

    def test_page_fail(self) -> None:
        self.emu.fault("page_fail", page=2)
        got = []
        with self.assertRaises(mimecast.ApiFailureError):
            for item in self.client(max_retries=0).iter_pages(AUDIT, page_size=5):
                got.append(item)
        self.assertEqual(len(got), 5)

    def test_lazy(self) -> None:
        it = self.client().iter_pages(AUDIT, page_size=5)
        self.assertEqual(self.emu.stats()["requests"], 0)
        next(it)
        self.assertEqual(self.emu.stats()["requests"], 1)

    def test_a_token_cycle_ends_the_pull(self) -> None:
        # Issue 10 item 6: pages A -> B -> A looped forever; the library's
        # pager refuses any token it already saw in the pull.
        for item, token in ((1, "A"), (2, "B"), (3, "A")):
            page = {
                "meta": {"status": 200, "pagination": {"pageSize": 1, "next": token}},
                "data": [{"id": item}],
                "fail": [],
            }
            self.emu.fault("raw_body", body=json.dumps(page))
        got = []
        with self.assertRaises(mimecast.MalformedResponseError) as cm:
            for item in self.client(max_retries=0).iter_pages(AUDIT, page_size=1):
                got.append(item["id"])
        # The third page is new data; the pull ends after it, with no fourth request.
        self.assertEqual(got, [1, 2, 3])
        self.assertEqual(self.emu.stats()["requests"], 3)
        sent = [r["body"]["meta"]["pagination"].get("pageToken") for r in self.emu.requests()]
        self.assertEqual(sent, [None, "A", "B"])
        self.assertIn("already sent", str(cm.exception))

    def test_abandoned_pull_frees_its_pager(self) -> None:
        client = self.client()
        it = client.iter_pages(AUDIT, page_size=5)
        next(it)
        it.close()  # runs the generator's finally: mc_pager_free
        client.close()
        with self.assertRaises(mimecast.ClientClosedError):
            list(client.iter_pages(AUDIT, page_size=5))

    def test_closing_the_client_stops_the_pull(self) -> None:
        client = self.client()
        it = client.iter_pages(AUDIT, page_size=5)
        next(it)
        client.close()
        for _ in range(4):  # the rest of the first page is already here
            next(it)
        with self.assertRaises(mimecast.ClientClosedError):
            next(it)


class RetryTest(EmulatorTestCase):
    def test_rate_limited_once_then_success(self) -> None:
        self.emu.fault("rate_limited", reset_ms=50)
        client = self.client()
        self.assertEqual(client.get_account().account_code, "CUSA12A345")
        self.assertEqual(client.last_retry_count, 1)
        client.get_account()
        self.assertEqual(client.last_retry_count, 0)

    def test_server_error_retried_for_reads(self) -> None:
        self.emu.fault("server_error", times=2)
        client = self.client(max_retries=3, retry_budget=30)
        client.get_account()
        self.assertEqual(client.last_retry_count, 2)

    def test_generic_request_not_repeated_unless_allowed(self) -> None:
        client = self.client(max_retries=3)
        self.emu.fault("server_error")
        with self.assertRaises(mimecast.HttpError):
            client.request("/api/directory/add-group-member")
        self.assertEqual(client.last_retry_count, 0)
        self.emu.fault("server_error")
        opted_in = self.client(max_retries=3, retry_after_send=True)
        opted_in.request("/api/directory/add-group-member")
        self.assertEqual(opted_in.last_retry_count, 1)

    def test_retries_exhausted(self) -> None:
        self.emu.fault("rate_limited", times=5, reset_ms=20)
        client = self.client(max_retries=2)
        with self.assertRaises(mimecast.RateLimitedError) as cm:
            client.get_account()
        self.assertEqual(cm.exception.retry_after_ms, 20)
        self.assertEqual(client.last_retry_count, 2)

    def test_retry_count_is_per_thread(self) -> None:
        import threading

        self.emu.fault("rate_limited", reset_ms=20)
        client = self.client()
        client.get_account()
        seen = []
        t = threading.Thread(target=lambda: seen.append(client.last_retry_count))
        t.start()
        t.join()
        self.assertEqual(seen, [0])
        self.assertEqual(client.last_retry_count, 1)


class ProxyTest(EmulatorTestCase):
    emulator_args = ("--proxy-port", "0")

    def test_through_proxy(self) -> None:
        self.assertIsNotNone(self.emu.proxy_url)
        client = self.client(proxy=self.emu.proxy_url)
        self.assertEqual(client.get_account().account_code, "CUSA12A345")
        stats = self.emu.stats()
        self.assertGreaterEqual(stats["proxy_requests"] + stats["proxy_tunnels"], 1)

    def test_no_proxy(self) -> None:
        client = self.client(proxy="")
        client.get_account()
        stats = self.emu.stats()
        self.assertEqual(stats["proxy_requests"] + stats["proxy_tunnels"], 0)

    def test_bad_proxy_url(self) -> None:
        with self.assertRaises(mimecast.MimecastError):
            self.client(proxy="socks9://nowhere")


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class LoggingTest(EmulatorTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.logger = logging.getLogger("mimecast")
        self.handler = _Capture()
        self.old_level = self.logger.level
        self.logger.addHandler(self.handler)
        self.addCleanup(self.logger.removeHandler, self.handler)
        self.addCleanup(self.logger.setLevel, self.old_level)

    def test_records_without_secrets(self) -> None:
        self.logger.setLevel(logging.DEBUG)
        client = self.client(log=True)
        headers = client.sign("/api/account/get-account")
        signature = headers["Authorization"].rsplit(":", 1)[1]
        self.emu.fault("rate_limited", reset_ms=20)
        client.get_account()
        self.assertGreater(len(self.handler.records), 0)
        for record in self.handler.records:
            self.assertEqual(record.name, "mimecast")
            text = record.getMessage()
            self.assert_no_secret(text)
            self.assertNotIn(signature, text)
        self.assertTrue(
            any(r.levelno in (logging.DEBUG, logging.INFO) for r in self.handler.records)
        )

    def test_auto_when_debug_enabled(self) -> None:
        self.logger.setLevel(logging.DEBUG)
        self.client().get_account()
        self.assertGreater(len(self.handler.records), 0)

    def test_off(self) -> None:
        self.logger.setLevel(logging.DEBUG)
        self.client(log=False).get_account()
        self.assertEqual(self.handler.records, [])
        self.logger.setLevel(logging.WARNING)
        self.client().get_account()  # a success logs nothing at WARNING
        self.assertEqual(self.handler.records, [])

    def test_decided_per_record_at_the_time_of_the_record(self) -> None:
        self.logger.setLevel(logging.WARNING)
        client = self.client()  # made while the logger is not enabled for INFO
        client.get_account()
        self.assertEqual(self.handler.records, [])
        self.logger.setLevel(logging.INFO)
        client.get_account()
        levels = {r.levelno for r in self.handler.records}
        self.assertEqual(levels, {logging.INFO}, [r.getMessage() for r in self.handler.records])

    def test_no_error_record_for_a_failure_that_is_raised(self) -> None:
        self.logger.setLevel(logging.DEBUG)
        client = self.client(max_retries=0)
        self.emu.fault("unauthorized")
        with self.assertRaises(mimecast.AuthenticationError):
            client.get_account()
        self.assertFalse([r for r in self.handler.records if r.levelno >= logging.ERROR])
        failed = [r for r in self.handler.records if "MC_STATUS_UNAUTHORIZED" in r.getMessage()]
        self.assertEqual([r.levelno for r in failed], [logging.DEBUG])

    def test_a_client_made_before_basic_config_logs(self) -> None:
        code = (
            "import logging, sys, mimecast\n"
            "c = mimecast.Client(*sys.argv[1:6])\n"
            "logging.basicConfig(level=logging.INFO, format='%(name)s %(levelname)s %(message)s')"
            "\n"
            "c.get_account()\n"
        )
        import mimecast as package

        env = dict(os.environ, PYTHONPATH=str(Path(package.__file__).resolve().parent.parent))
        keys = [KEYS[k] for k in ("app_id", "app_key", "access_key", "secret_key")]
        proc = subprocess.run(
            [sys.executable, "-c", code, self.emu.url, *keys],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertRegex(proc.stderr, r"mimecast INFO POST /api/account/get-account")
        self.assert_no_secret(proc.stderr)

    def test_no_stderr_without_logging_configured(self) -> None:
        code = (
            "import sys, mimecast\n"
            "c = mimecast.Client(*sys.argv[1:6], max_retries=0)\n"
            "try:\n"
            "    c.get_account()\n"
            "except mimecast.AuthenticationError:\n"
            "    print('raised')\n"
        )
        import mimecast as package

        self.emu.fault("unauthorized")
        env = dict(os.environ, PYTHONPATH=str(Path(package.__file__).resolve().parent.parent))
        keys = [KEYS[k] for k in ("app_id", "app_key", "access_key", "secret_key")]
        proc = subprocess.run(
            [sys.executable, "-c", code, self.emu.url, *keys],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        self.assertEqual((proc.stdout, proc.stderr), ("raised\n", ""))

    def test_oauth_log_has_no_token_or_secret(self) -> None:
        self.logger.setLevel(logging.DEBUG)
        with mimecast.Client.oauth(
            KEYS["client_id"], KEYS["client_secret"], base_url=self.emu.url, log=True
        ) as client:
            client.get_account()
        self.assertGreater(len(self.handler.records), 0)
        for record in self.handler.records:
            self.assert_no_secret(record.getMessage())


if __name__ == "__main__":
    unittest.main()
