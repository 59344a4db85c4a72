"""Issue 14 against the emulator: any request (send), file answers, response
modes, protocol corrections, pulls over log endpoints and API 2.0 pages, and
region discovery. The emulator checks every signature and token itself."""

from __future__ import annotations

import base64
import email.utils
import gc
import io
import json
import math
import re
import time
import zipfile
from typing import Any, List, Tuple

import mimecast

from .support import KEYS, EmulatorTestCase, shared

ECHO = shared("rest-echo.json")
CLICK_LOGS = "/api/ttp/url/get-logs"
SIEM_LOGS = "/api/audit/get-siem-logs"
THREAT_FEED = "/api/ttp/threat-intel/get-feed"
STREAM = "/siem/v1/events/cg"
STREAM_QUERY = {"types": "receipt", "dateRangeStartsAt": "2026-11-30T00:00:00.000Z"}


def pairs(case: dict, key: str) -> List[Tuple[str, str]]:
    return [(n, v) for n, v in case.get(key, [])]


class RestTestCase(EmulatorTestCase):
    def oauth(self, **options: Any) -> mimecast.Client:
        c = mimecast.Client.oauth(
            KEYS["client_id"], KEYS["client_secret"], base_url=self.emu.url, **options
        )
        self.addCleanup(c.close)
        return c

    def send_case(self, client: mimecast.Client, case: dict) -> mimecast.Response:
        kwargs: dict = {"query": pairs(case, "query"), "headers": pairs(case, "headers")}
        if "json" in case:
            # json= takes a value; text sent exactly as written is a body with its type.
            kwargs.update(body=case["json"].encode("utf-8"), content_type="application/json")
        if "body_base64" in case:
            kwargs.update(
                body=base64.b64decode(case["body_base64"]), content_type=case["content_type"]
            )
        return client.send(case["method"], case.get("path", ECHO["path"]), **kwargs)


class SendTest(RestTestCase):
    def test_every_echo_case_signed_and_with_a_token(self) -> None:
        self.assertGreaterEqual(len(ECHO["cases"]), 5)
        for api, client in (("1.0", self.client()), ("2.0", self.oauth())):
            for case in ECHO["cases"]:
                with self.subTest(api=api, case=case["name"]):
                    r = self.send_case(client, case)
                    self.assertEqual(r.status, 200)
                    echo = r.json()
                    expect = case["expect"]
                    for key in ("method", "rawQuery", "bodyBase64"):
                        self.assertEqual(echo[key], expect[key], key)
                    if "query" in expect:
                        self.assertEqual(echo["query"], expect["query"])
                    for name, value in expect["headers"].items():
                        self.assertEqual(echo["headers"].get(name), value, name)

    def test_json_values_and_text_bodies(self) -> None:
        client = self.client()
        echo = client.send("POST", "/api/v2/echo", json={"data": [{"ü": 1}]}).json()
        sent = base64.b64decode(echo["bodyBase64"]).decode("utf-8")
        self.assertEqual(json.loads(sent), {"data": [{"ü": 1}]})
        self.assertEqual(echo["headers"]["content-type"], "application/json")
        echo = client.send("PUT", "/api/v2/echo", body="Grüße").json()
        self.assertEqual(base64.b64decode(echo["bodyBase64"]), "Grüße".encode("utf-8"))
        self.assertEqual(echo["headers"]["content-type"], "text/plain; charset=utf-8")
        echo = client.send("GET", "/api/v2/echo", query={"on": True, "n": 3, "skip": None}).json()
        self.assertEqual(echo["rawQuery"], "on=true&n=3")

    def test_every_refused_case_sends_nothing(self) -> None:
        client = self.client()
        for case in ECHO["refused"]:
            with self.subTest(case["name"]):
                with self.assertRaises(mimecast.InvalidArgumentError) as cm:
                    self.send_case(client, case)
                self.assertEqual(cm.exception.status_name, "MC_STATUS_INVALID_ARGUMENT")
                self.assertTrue(cm.exception.message)
        with self.assertRaises(mimecast.InvalidArgumentError):
            client.send("POST", "/api/v2/echo", json={}, body=b"x")
        with self.assertRaises(mimecast.InvalidArgumentError):
            client.send("GET", "/api/v2/echo", mode="strict")
        with self.assertRaises(mimecast.InvalidArgumentError):
            client.send("POST", "/api/v2/echo", json={"n": float("nan")})
        with self.assertRaises(TypeError):
            client.send("GET", "/api/v2/echo", query="a=b")  # type: ignore[arg-type]
        self.assertEqual(self.emu.stats()["requests"], 0)

    def test_response_object(self) -> None:
        r = self.client().send("GET", "/api/v2/echo")
        self.assertTrue(r.ok)
        self.assertEqual(r.headers["CONTENT-TYPE"], r.headers["content-type"])
        self.assertIn("x-ratelimit-remaining", r.headers)
        self.assertEqual(r.headers.get_all("Content-Type"), [r.content_type])
        self.assertIsInstance(r.body, bytes)
        self.assertEqual(json.loads(r.text), r.json())
        self.assertEqual(r.retries, 0)
        with self.assertRaises(AttributeError):
            r.status = 500  # type: ignore[misc]
        with self.assertRaises(TypeError):
            r.headers["x"] = "y"  # type: ignore[index]
        self.assertNotIn("bodyBase64", repr(r))


class FileAnswerTest(RestTestCase):
    SIEM_BODY = {"data": [{"type": "MTA", "fileFormat": "json", "compress": True}]}

    def test_a_zip_is_refused_where_json_was_asked(self) -> None:
        with self.assertRaises(mimecast.MalformedResponseError) as cm:
            self.client().send("POST", SIEM_LOGS, json=self.SIEM_BODY)
        self.assertEqual(cm.exception.http_status, 200)

    def test_siem_zip_files_with_their_token_headers_to_the_last_token(self) -> None:
        client = self.client()
        body: dict = {"data": [{"type": "MTA", "fileFormat": "json", "compress": True}]}
        events: List[str] = []
        files = 0
        while True:
            r = client.send("POST", SIEM_LOGS, json=body, mode="any")
            self.assertEqual(r.status, 200)
            if "mc-siem-token" not in r.headers:
                self.assertTrue(r.json()["meta"]["isLastToken"])
                break
            # Each answer is a zip named in Content-Disposition, holding one JSON file.
            name = re.search(r'filename="(MTA_\d+)\.zip"', r.headers["Content-Disposition"])
            assert name is not None, r.headers["Content-Disposition"]
            with zipfile.ZipFile(io.BytesIO(r.body)) as z:
                self.assertEqual(z.namelist(), [name.group(1) + ".json"])
                events += [e["id"] for e in json.loads(z.read(z.namelist()[0]))["data"]]
            files += 1
            token = r.headers["mc-siem-token"]
            body = {"data": [{"type": "MTA", "token": token, "compress": True}]}
        self.assertGreaterEqual(files, 2)
        self.assertEqual(events, self.emu.siem_events())  # every event once, in order

    def test_threat_feed_as_csv_and_stix(self) -> None:
        client = self.client()
        csv = client.send("POST", THREAT_FEED, json={"data": [{"fileType": "csv"}]}, mode="any")
        self.assertEqual(csv.content_type, "text/csv")
        self.assertEqual(csv.text.splitlines()[0], "type,value")
        self.assertIn("x-mc-threat-feed-next-token", csv.headers)
        stix = client.send("POST", THREAT_FEED, json={"data": [{}]}, mode="any")
        self.assertEqual(stix.content_type, "application/stix+json")
        self.assertEqual(stix.json()["type"], "bundle")


class ModesAndCorrectionsTest(RestTestCase):
    def test_raw_mode_returns_a_404(self) -> None:
        r = self.client(max_retries=0).send("POST", "/nowhere", mode="raw")
        self.assertEqual(r.status, 404)
        self.assertFalse(r.ok)
        with self.assertRaises(mimecast.HttpError):
            self.client(max_retries=0).send("POST", "/nowhere")

    def test_raw_mode_returns_the_429_after_the_retries(self) -> None:
        self.emu.fault("rate_limited", times=5, reset_ms=10)
        client = self.client(max_retries=2)
        r = client.send("GET", "/api/v2/echo", mode="raw")
        self.assertEqual((r.status, r.retries), (429, 2))
        self.assertEqual(client.last_retry_count, 2)
        self.assertEqual(r.headers["X-RateLimit-Remaining"], "0")

    def test_failures_under_http_200_and_api2_errors(self) -> None:
        client = self.oauth(max_retries=0)
        client.send("GET", "/api/v2/echo")  # the token first
        cases = [
            ({"fault": "meta_status", "status": 403}, mimecast.AuthenticationError, 403, ""),
            ({"fault": "fail_top_level", "code": "err_x"}, mimecast.ApiFailureError, 200, "err_x"),
            (
                {"fault": "api2_error", "status": 400, "code": "invalid_page_size"},
                mimecast.HttpError,
                400,
                "invalid_page_size",
            ),
            (
                {"fault": "api2_error", "status": 429, "code": "rate"},
                mimecast.RateLimitedError,
                429,
                "rate",
            ),
        ]
        for fault, cls, http, code in cases:
            with self.subTest(fault):
                spec = dict(fault)
                self.emu.fault(spec.pop("fault"), **spec)
                with self.assertRaises(cls) as cm:
                    client.send("GET", "/api/v2/echo")
                self.assertEqual(cm.exception.http_status, http)
                self.assertEqual(cm.exception.code, code)

    def test_a_top_level_token_expired_refreshes_the_token(self) -> None:
        client = self.oauth()
        client.get_account()
        before = self.emu.stats()["tokens_issued"]
        self.emu.fault("fail_top_level", code="token_expired")
        self.assertEqual(client.get_account().account_code, "CUSA12A345")
        self.assertEqual(self.emu.stats()["tokens_issued"] - before, 1)

    def test_retry_after_as_an_http_date(self) -> None:
        at = email.utils.formatdate(time.time() + 30, usegmt=True)
        self.emu.fault("rate_limited", reset_ms=10, retry_after=at)
        with self.assertRaises(mimecast.RateLimitedError) as cm:
            self.client(max_retries=0).get_account()
        ms = cm.exception.retry_after_ms
        assert ms is not None
        self.assertTrue(25_000 <= ms <= 30_000, ms)


class PullTest(RestTestCase):
    def test_click_logs_entry_by_entry_across_pages(self) -> None:
        ids = [i["id"] for i in self.client().iter_items(CLICK_LOGS, page_size=3)]
        self.assertEqual(ids, [f"click-{i}" for i in range(1, 8)])
        self.assertEqual(self.emu.stats()["requests"], 3)
        # The same over a request built as for send().
        items = list(self.client().iter_call_items("POST", CLICK_LOGS, page_size=3))
        self.assertEqual(len(items), 7)

    def test_an_items_key_unwraps_any_endpoint(self) -> None:
        envelope = {
            "meta": {"status": 200, "pagination": {"pageSize": 2}},
            "data": [{"rows": [{"n": 1}, {"n": 2}]}, {"rows": [{"n": 3}]}],
            "fail": [],
        }
        self.emu.fault("raw_body", body=json.dumps(envelope))
        got = list(self.client().iter_items("/api/custom/rows", items_key="rows"))
        self.assertEqual(got, [{"n": 1}, {"n": 2}, {"n": 3}])

    def test_an_empty_page_with_a_token_ends_the_pull(self) -> None:
        self.emu.fault("empty_page_with_next")
        self.assertEqual(list(self.client().iter_items("/api/audit/get-audit-events")), [])
        self.assertEqual(self.emu.stats()["requests"], 1)

    def test_api2_items_until_caught_up(self) -> None:
        ids = self.emu.siem_events()
        self.assertGreater(len(ids), 20)
        client = self.oauth()
        items = list(client.iter_call_items("GET", STREAM, query=STREAM_QUERY, page_size=10))
        self.assertEqual([i["id"] for i in items], ids)
        sent = [r for r in self.emu.requests() if r["path"] == STREAM]
        self.assertEqual(len(sent), math.ceil(len(ids) / 10))
        self.assertIn("nextPage=", sent[1]["query"])

    def test_api2_pages_carry_the_cursor(self) -> None:
        total = len(self.emu.siem_events())
        pages = list(self.oauth().iter_call_pages("GET", STREAM, query=STREAM_QUERY, page_size=10))
        sizes = [10] * (total // 10) + ([total % 10] if total % 10 else [])
        self.assertEqual([len(p["value"]) for p in pages], sizes)
        self.assertEqual([p["isCaughtUp"] for p in pages], [False] * (len(sizes) - 1) + [True])
        self.assertTrue(pages[0]["@nextPage"])

    def test_mistakes_raise_at_the_call_and_unstarted_pulls_leave_nothing(self) -> None:
        client = self.client()
        with self.assertRaises(mimecast.InvalidArgumentError):
            client.iter_call_items("GET", STREAM, headers={"Authorization": "x"})
        with self.assertRaises(mimecast.InvalidArgumentError):
            client.iter_items(CLICK_LOGS, page_size=-1)
        pull = client.iter_call_items("GET", STREAM, query=STREAM_QUERY)
        del pull
        gc.collect()
        self.assertEqual(self.emu.stats()["requests"], 0)

    def test_a_closed_pull_ends_and_a_closed_client_ends_its_pulls(self) -> None:
        client = self.oauth()
        pull = client.iter_call_items("GET", STREAM, query=STREAM_QUERY, page_size=10)
        next(pull)
        pull.close()  # runs the generator's finally: mc_pager_free
        self.assertEqual(list(pull), [])
        other = client.iter_call_items("GET", STREAM, query=STREAM_QUERY, page_size=10)
        self.assertEqual(next(other)["id"], self.emu.siem_events()[0])
        client.close()
        with self.assertRaises(mimecast.ClientClosedError):
            next(other)  # each item is a call on the client, even from a page already here
        with self.assertRaises(mimecast.ClientClosedError):
            list(client.iter_call_items("GET", STREAM, query=STREAM_QUERY))


class DiscoveryTest(RestTestCase):
    def test_discover_base_url_and_the_discovering_constructor(self) -> None:
        url = mimecast.discover_base_url(
            "admin@example.com", KEYS["app_id"], discovery_url=self.emu.url
        )
        self.assertEqual(url, self.emu.url)
        with mimecast.Client.discover(
            "admin@example.com",
            KEYS["app_id"],
            KEYS["app_key"],
            KEYS["access_key"],
            KEYS["secret_key"],
            discovery_url=self.emu.url,
        ) as client:
            self.assertEqual(client.get_account().account_code, "CUSA12A345")
        first = self.emu.requests()[0]
        self.assertEqual(first["path"], "/api/login/discover-authentication")
        self.assertNotIn("Authorization", first["headers"])

    def test_an_unknown_address_fails_clearly(self) -> None:
        with self.assertRaises(mimecast.ApiFailureError) as cm:
            mimecast.discover_base_url("admin@unknown.example", discovery_url=self.emu.url)
        self.assertIn("no region", cm.exception.message)
        with self.assertRaises(mimecast.InvalidArgumentError):
            mimecast.discover_base_url("not an address", discovery_url=self.emu.url)
        with self.assertRaises(mimecast.ApiFailureError):
            mimecast.Client.discover(
                "admin@unknown.example", "a", "b", "c", "AAAA", discovery_url=self.emu.url
            )
