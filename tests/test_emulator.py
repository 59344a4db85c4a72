"""Checks for tests/mimecast_emulator.py, using its own small http.client client.

Run: python3 -m unittest tests/test_emulator.py -v
The emulator runs as a subprocess (as the library's tests will use it).
"""
import base64
import datetime
import hashlib
import hmac
import http.client
import json
import os
import socket
import ssl
import socketserver
import subprocess
import sys
import time
import unittest
import uuid
from unittest import mock
from urllib.parse import urlencode, urlsplit

HERE = os.path.dirname(os.path.abspath(__file__))
EMULATOR = os.path.join(HERE, "mimecast_emulator.py")
sys.path.insert(0, HERE)
from mimecast_emulator import DEFAULT_KEYS  # noqa: E402  (keys only, not logic)

K = DEFAULT_KEYS
ACCOUNT_FIELDS = {
    "accountCode",
    "accountName",
    "adminEmail",
    "archive",
    "automatedSegmentPurge",
    "databaseCode",
    "domain",
    "gateway",
    "mailPlatform",
    "maxRetention",
    "maxRetentionConfirmed",
    "mimecastId",
    "packages",
    "passphrase",
    "policyInheritance",
    "region",
    "supportCode",
    "type",
    "userCount",
}


# ---------------------------------------------------------------- tiny client


def http_date(ts=None):
    # strftime %a/%b are locale dependent; build it by hand.
    d = datetime.datetime.fromtimestamp(time.time() if ts is None else ts, datetime.timezone.utc)
    wd = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][d.weekday()]
    mon = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][
        d.month - 1
    ]
    return f"{wd}, {d.day:02d} {mon} {d.year} {d:%H:%M:%S} UTC"


def signed_headers(
    path, date=None, req_id=None, secret=None, app_id=None, access_key=None, sign_path=None
):
    date = date or http_date()
    req_id = req_id or str(uuid.uuid4())
    key = base64.b64decode(secret or K["secret_key"])
    msg = f"{date}:{req_id}:{sign_path or path}:{K['app_key']}".encode()
    sig = base64.b64encode(hmac.new(key, msg, hashlib.sha1).digest()).decode()
    return {
        "x-mc-app-id": app_id or K["app_id"],
        "x-mc-date": date,
        "x-mc-req-id": req_id,
        "Authorization": f"MC {access_key or K['access_key']}:{sig}",
        "Content-Type": "application/json",
        "Accept": "application/json",
    }


class Resp:
    def __init__(self, r):
        self.status = r.status
        self.headers = r.headers
        self.raw = r.read()

    def json(self):
        return json.loads(self.raw.decode("utf-8"))

    def codes(self):
        return [e["code"] for f in self.json()["fail"] for e in f["errors"]]


class EmulatorProcess:
    def __init__(self, *args):
        self.proc = subprocess.Popen(
            [sys.executable, EMULATOR, "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        line = self.proc.stdout.readline().strip()
        assert line.startswith("MIMECAST_EMULATOR_READY "), line
        self.base = line.split(" ", 1)[1]
        self.proxy = None
        if "--proxy-port" in args:
            line = self.proc.stdout.readline().strip()
            assert line.startswith("MIMECAST_PROXY_READY "), line
            self.proxy = line.split(" ", 1)[1]
        u = urlsplit(self.base)
        self.host, self.port = u.hostname, u.port

    def conn(self, timeout=10):
        if self.base.startswith("https"):
            ctx = ssl.create_default_context(cafile=os.path.join(HERE, "tls", "ca.pem"))
            return http.client.HTTPSConnection(self.host, self.port, timeout=timeout, context=ctx)
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout)

    def request(self, method, path, body=None, headers=None, conn=None, timeout=10):
        c = conn or self.conn(timeout)
        try:
            if isinstance(body, (dict, list)):
                body = json.dumps(body)
            c.request(method, path, body=body, headers=headers or {})
            return Resp(c.getresponse())
        finally:
            if conn is None:
                c.close()

    def api(self, path, data=None, conn=None, **kw):
        body = data if data is not None else {"data": []}
        return self.request("POST", path, body, signed_headers(path, **kw), conn=conn)

    def control(self, method, path, body=None):
        r = self.request(
            method,
            "/_emulator/" + path,
            body,
            {"Content-Type": "application/json"} if body is not None else {},
        )
        assert r.status == 200, (r.status, r.raw)
        return r.json()

    def fault(self, name, **params):
        return self.control("POST", "faults", {"fault": name, **params})

    def stop(self):
        self.proc.terminate()
        try:
            rc = self.proc.wait(10)
        finally:
            self.proc.stdout.close()
            self.proc.stderr.close()
        return rc


# ---------------------------------------------------------------- tests


class EmulatorTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.emu = EmulatorProcess("--proxy-port", "0")

    @classmethod
    def tearDownClass(cls):
        cls.emu.stop()

    def setUp(self):
        self.emu.control("POST", "reset")

    # -- API 1.0 auth

    def test_get_account(self):
        r = self.emu.api("/api/account/get-account")
        self.assertEqual(r.status, 200)
        self.assertTrue(r.headers["Content-Type"].startswith("application/json"))
        for h in ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"):
            self.assertTrue(r.headers[h].isdigit(), h)
        env = r.json()
        self.assertEqual(env["meta"]["status"], 200)
        self.assertEqual(env["fail"], [])
        acct = env["data"][0]
        self.assertEqual(set(acct), ACCOUNT_FIELDS)
        self.assertEqual(acct["accountName"], "Exämple Corp Ltd")
        self.assertIn("Exämple".encode("utf-8"), r.raw)  # raw UTF-8 on the wire
        self.assertEqual(acct["userCount"], 250)
        self.assertGreater(len(acct["packages"]), 2)

    def test_bad_signature(self):
        r = self.emu.api(
            "/api/account/get-account", secret=base64.b64encode(b"wrong secret key bytes").decode()
        )
        self.assertEqual(r.status, 401)
        self.assertEqual(r.codes(), ["err_xdk_invalid_signature"])
        self.assertEqual(r.json()["fail"][0]["errors"][0]["message"], "0004 Invalid Signature")

    def test_full_url_signed_is_rejected(self):
        r = self.emu.api(
            "/api/account/get-account", sign_path=self.emu.base + "/api/account/get-account"
        )
        self.assertEqual(r.codes(), ["err_xdk_invalid_signature"])

    def test_wrong_app_id_and_access_key(self):
        r = self.emu.api("/api/account/get-account", app_id="00000000-0000-0000-0000-000000000000")
        self.assertEqual((r.status, r.codes()), (401, ["err_developer_key"]))
        r = self.emu.api("/api/account/get-account", access_key="nope")
        self.assertEqual((r.status, r.codes()), (401, ["err_xdk_invalid_access_key"]))

    def test_dates(self):
        path = "/api/account/get-account"
        gmt = http_date().replace(" UTC", " GMT")
        self.assertEqual(self.emu.api(path, date=gmt).codes(), ["err_xdk_invalid_date"])
        unpadded = "Tue, 3 Mar 2026 09:05:07 UTC"
        self.assertEqual(self.emu.api(path, date=unpadded).codes(), ["err_xdk_invalid_date"])
        old = http_date(time.time() - 3600)
        r = self.emu.api(path, date=old)
        self.assertEqual((r.status, r.codes()), (401, ["err_xdk_date_skew"]))
        self.assertEqual(self.emu.api(path, date=http_date(time.time() - 600)).status, 200)

    def test_missing_header(self):
        h = signed_headers("/api/account/get-account")
        del h["x-mc-req-id"]
        r = self.emu.request("POST", "/api/account/get-account", {"data": []}, h)
        self.assertEqual((r.status, r.codes()), (401, ["err_xdk_missing_header"]))

    def test_method_and_body_validation(self):
        path = "/api/account/get-account"
        r = self.emu.request("GET", path, None, signed_headers(path))
        self.assertEqual(r.status, 405)
        self.assertEqual(r.json()["meta"]["status"], 405)
        r = self.emu.request("POST", path, "{'data': []}", signed_headers(path))  # Python repr
        self.assertEqual((r.status, r.codes()), (400, ["err_validation_invalid_json"]))
        h = signed_headers(path)
        h["Content-Type"] = "text/plain"
        r = self.emu.request("POST", path, '{"data": []}', h)
        self.assertEqual(r.status, 400)

    def test_generic_echo_and_request_log(self):
        r = self.emu.api("/api/directory/find-groups", {"data": [{"query": "sales"}]})
        self.assertEqual(
            r.json()["data"],
            [{"path": "/api/directory/find-groups", "echo": [{"query": "sales"}]}],
        )
        log = self.emu.control("GET", "requests")
        self.assertEqual(log[-1]["path"], "/api/directory/find-groups")
        self.assertEqual(log[-1]["body"], {"data": [{"query": "sales"}]})
        auth = [v for k, v in log[-1]["headers"].items() if k.lower() == "authorization"]
        self.assertEqual(auth, ["<redacted>"])
        self.assertNotIn(K["access_key"], json.dumps(log))

    # -- keep-alive

    def test_keep_alive_counts_one_connection(self):
        c = self.emu.conn()
        try:
            for _ in range(2):
                self.assertEqual(self.emu.api("/api/account/get-account", conn=c).status, 200)
        finally:
            c.close()
        stats = self.emu.control("GET", "stats")
        self.assertEqual((stats["connections"], stats["requests"]), (1, 2))

    # -- faults

    def expect_fault(self, name, status, fail_code=None, **params):
        self.emu.fault(name, **params)
        r = self.emu.api("/api/account/get-account")
        self.assertEqual(r.status, status, name)
        if fail_code:
            self.assertEqual(r.codes(), [fail_code], name)
        return r

    def test_envelope_faults(self):
        self.expect_fault("unauthorized", 401, "err_xdk_invalid_signature")
        self.expect_fault("forbidden", 403)
        self.expect_fault("binding_expired", 418, "err_xdk_binding_expired")
        self.expect_fault("server_error", 500)
        self.expect_fault("token_expired", 401, "token_expired")
        r = self.expect_fault("api_fail", 200, "err_validation_blank")
        self.assertEqual(r.json()["data"], [])
        self.expect_fault("api_fail", 200, "err_custom", code="err_custom")
        # Queue drained: next call is normal.
        self.assertEqual(self.emu.api("/api/account/get-account").status, 200)

    def test_rate_limited(self):
        r = self.expect_fault("rate_limited", 429, reset_ms=2500)
        self.assertEqual(r.headers["X-RateLimit-Reset"], "2500")
        self.assertEqual(r.headers["X-RateLimit-Remaining"], "0")
        self.assertEqual(r.headers["X-RateLimit-Limit"], "100")
        self.assertNotIn("Retry-After", r.headers)
        r = self.expect_fault("rate_limited", 429, reset_ms=10, retry_after="7")
        self.assertEqual(r.headers["Retry-After"], "7")

    def test_times_and_auth_precedes_faults(self):
        self.emu.fault("server_error", times=2)
        bad = self.emu.api("/api/account/get-account", secret=base64.b64encode(b"x" * 20).decode())
        self.assertEqual(bad.status, 401)  # failed auth does not consume the fault
        self.assertEqual(self.emu.api("/api/a/b").status, 500)
        self.assertEqual(self.emu.api("/api/a/b").status, 500)
        self.assertEqual(self.emu.api("/api/a/b").status, 200)

    def test_a_fault_with_a_path_waits_for_that_path(self):
        self.emu.fault("server_error", path="/api/account/get-account")
        self.assertEqual(self.emu.api("/api/a/b").status, 200)  # another path: not taken
        self.assertEqual(self.emu.api("/api/account/get-account").status, 500)
        self.assertEqual(self.emu.api("/api/account/get-account").status, 200)

    def test_body_faults(self):
        r = self.expect_fault("malformed", 200)
        self.assertTrue(r.headers["Content-Type"].startswith("application/json"))
        with self.assertRaises(ValueError):
            r.json()
        r = self.expect_fault("html", 502)
        self.assertTrue(r.headers["Content-Type"].startswith("text/html"))
        r = self.expect_fault("wrong_content_type", 200)
        self.assertEqual((r.headers["Content-Type"], r.raw), ("text/plain", b"OK"))
        r = self.expect_fault("huge", 200)
        self.assertGreater(len(r.raw), 10 * 1024 * 1024)
        self.assertEqual(r.json()["fail"], [])

    def test_truncated(self):
        self.emu.fault("truncated")
        with self.assertRaises(http.client.IncompleteRead):
            self.emu.api("/api/account/get-account")

    def test_drop(self):
        self.emu.fault("drop")
        with self.assertRaises((http.client.RemoteDisconnected, ConnectionError)):
            self.emu.api("/api/account/get-account")

    def test_reset(self):
        self.emu.fault("reset")
        with self.assertRaises((ConnectionResetError, http.client.IncompleteRead)) as cm:
            self.emu.api("/api/account/get-account")
        if isinstance(cm.exception, http.client.IncompleteRead):
            self.skipTest("platform reported RST as EOF")

    def test_slow(self):
        self.emu.fault("slow", delay_s=0.5)
        t0 = time.monotonic()
        self.assertEqual(self.emu.api("/api/account/get-account").status, 200)
        self.assertGreaterEqual(time.monotonic() - t0, 0.45)
        self.emu.fault("slow", delay_s=3)
        with self.assertRaises(socket.timeout):
            self.emu.request(
                "POST",
                "/api/account/get-account",
                {"data": []},
                signed_headers("/api/account/get-account"),
                timeout=0.5,
            )

    def test_trickle(self):
        self.emu.fault("trickle", interval_s=0.05)
        c = self.emu.conn(timeout=5)
        path = "/api/account/get-account"
        c.request("POST", path, json.dumps({"data": []}), signed_headers(path))
        r = c.getresponse()
        self.assertEqual(r.status, 200)
        t0 = time.monotonic()
        got = r.read(8)  # 8 bytes take ~0.4 s
        self.assertEqual(got, b'{"meta":')
        self.assertGreater(time.monotonic() - t0, 0.25)
        c.close()

    def test_redirect(self):
        r = self.expect_fault("redirect", 302)
        loc = urlsplit(r.headers["Location"])
        self.assertEqual(loc.path, "/_emulator/redirect-target")
        self.emu.request("POST", loc.path, {"data": []}, {"Content-Type": "application/json"})
        s = self.emu.control("GET", "stats")
        self.assertEqual((s["redirect_target_hits"], s["redirect_target_auth_seen"]), (1, False))
        self.emu.request("POST", loc.path, {"data": []}, signed_headers(loc.path))
        s = self.emu.control("GET", "stats")
        self.assertEqual((s["redirect_target_hits"], s["redirect_target_auth_seen"]), (2, True))

    def test_raw_body(self):
        text = '{"meta":{"status":200},"data":[{"userCount":30.0,"userCount":"x"}],"fail":[]}'
        self.emu.fault("raw_body", body=text)
        r = self.emu.api("/api/account/get-account")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.raw, text.encode("utf-8"))  # byte for byte: duplicates, 30.0
        self.assertTrue(r.headers["Content-Type"].startswith("application/json"))
        self.emu.fault("raw_body", body="nope", status=503, content_type="text/plain")
        r = self.emu.api("/api/x/y")
        self.assertEqual((r.status, r.raw), (503, b"nope"))
        account = self.emu.api("/api/account/get-account").json()["data"][0]
        self.assertEqual(account["userCount"], 250)

    def test_keys_come_from_the_shared_file(self):
        with open(os.path.join(HERE, "shared", "emulator-keys.json"), encoding="utf-8") as f:
            self.assertEqual(json.load(f)["keys"], K)
        self.assertEqual(base64.b64decode(K["secret_key"]), bytes(range(64)))

    def test_unknown_fault_rejected(self):
        r = self.emu.request(
            "POST", "/_emulator/faults", {"fault": "nope"}, {"Content-Type": "application/json"}
        )
        self.assertEqual(r.status, 400)

    # -- OAuth / API 2.0

    def token(self, cid=None, secret=None):
        body = urlencode(
            {
                "client_id": cid or K["client_id"],
                "client_secret": secret or K["client_secret"],
                "grant_type": "client_credentials",
            }
        )
        return self.emu.request(
            "POST", "/oauth/token", body, {"Content-Type": "application/x-www-form-urlencoded"}
        )

    def bearer(self, token, path="/api/account/get-account"):
        return self.emu.request(
            "POST",
            path,
            {"data": []},
            {"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )

    def test_oauth(self):
        r = self.token()
        self.assertEqual(r.status, 200)
        tok = r.json()
        self.assertEqual((tok["token_type"], tok["expires_in"]), ("Bearer", 1800))
        self.assertEqual(
            self.bearer(tok["access_token"]).json()["data"][0]["accountCode"], "CUSA12A345"
        )
        bad = self.token(secret="wrong")
        self.assertEqual((bad.status, bad.json()["error"]), (401, "invalid_client"))
        unknown = self.bearer("not-a-token")
        self.assertEqual(unknown.status, 401)
        self.assertEqual(self.emu.control("GET", "stats")["tokens_issued"], 1)
        log = json.dumps(self.emu.control("GET", "requests"))
        self.assertNotIn(K["client_secret"], log)
        self.assertNotIn(tok["access_token"], log)
        self.emu.control("POST", "expire-tokens", {})
        r = self.bearer(tok["access_token"])
        self.assertEqual((r.status, r.codes()), (401, ["token_expired"]))
        # A fault is consumed by the token endpoint too.
        self.emu.fault("server_error")
        self.assertEqual(self.token().status, 500)
        self.assertEqual(self.token().status, 200)

    # -- pagination

    def audit(self, size=None, token=None):
        pag = {}
        if size is not None:
            pag["pageSize"] = size
        if token is not None:
            pag["pageToken"] = token
        return self.emu.api(
            "/api/audit/get-audit-events", {"meta": {"pagination": pag}, "data": [{}]}
        )

    def test_pagination(self):
        ids, token, pages = [], None, []
        while True:
            env = self.audit(3, token).json()
            pages.append(env["meta"]["pagination"])
            ids += [e["id"] for e in env["data"]]
            token = env["meta"]["pagination"].get("next")
            if not token:
                break
        self.assertEqual(ids, list(range(1, 8)))
        self.assertEqual(len(pages), 3)
        self.assertNotIn("previous", pages[0])
        self.assertIn("previous", pages[1])
        self.assertIn("previous", pages[2])
        self.assertEqual(pages[0]["totalCount"], 7)
        default = self.audit().json()
        self.assertEqual(len(default["data"]), 7)
        self.assertNotIn("next", default["meta"]["pagination"])
        self.assertEqual(default["meta"]["pagination"]["pageSize"], 25)
        r = self.audit(3, "garbage-token")
        self.assertEqual((r.status, r.codes()), (400, ["err_invalid_page_token"]))

    def test_page_fail(self):
        self.emu.fault("page_fail", page=2)
        first = self.audit(3).json()
        self.assertEqual(len(first["data"]), 3)
        second = self.audit(3, first["meta"]["pagination"]["next"])
        self.assertEqual(second.status, 200)
        self.assertEqual(second.json()["data"], [])
        self.assertEqual(len(second.codes()), 1)
        again = self.audit(3, first["meta"]["pagination"]["next"]).json()  # consumed
        self.assertEqual([e["id"] for e in again["data"]], [4, 5, 6])

    # -- proxy

    def test_proxy_connect(self):
        p = urlsplit(self.emu.proxy)
        c = http.client.HTTPConnection(p.hostname, p.port, timeout=10)
        c.set_tunnel(self.emu.host, self.emu.port)
        try:
            for _ in range(2):
                r = self.emu.api("/api/account/get-account", conn=c)
                self.assertEqual(r.status, 200)
        finally:
            c.close()
        s = self.emu.control("GET", "stats")
        self.assertEqual((s["proxy_tunnels"], s["connections"], s["requests"]), (1, 1, 2))
        # Non-loopback targets are refused.
        c = http.client.HTTPConnection(p.hostname, p.port, timeout=10)
        c.set_tunnel("example.com", 443)
        with self.assertRaises(OSError) as cm:
            c.request("GET", "/")
        self.assertIn("403", str(cm.exception))
        c.close()

    def test_proxy_absolute_uri(self):
        p = urlsplit(self.emu.proxy)
        c = http.client.HTTPConnection(p.hostname, p.port, timeout=10)
        path = "/api/account/get-account"
        try:
            c.request("POST", self.emu.base + path, json.dumps({"data": []}), signed_headers(path))
            r = Resp(c.getresponse())
        finally:
            c.close()
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json()["data"][0]["accountCode"], "CUSA12A345")
        self.assertEqual(self.emu.control("GET", "stats")["proxy_requests"], 1)


class VectorsTest(unittest.TestCase):
    """signing.json is current, and the emulator's verifier agrees with it."""

    def test_generate_check(self):
        gen = os.path.join(HERE, "vectors", "generate.py")
        r = subprocess.run([sys.executable, gen, "--check"], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_emulator_agrees_with_vectors(self):
        import mimecast_emulator as m

        with open(os.path.join(HERE, "vectors", "signing.json"), encoding="utf-8") as f:
            doc = json.load(f)
        self.assertGreaterEqual(len(doc["vectors"]), 8)
        for v in doc["vectors"]:
            sig = m.mc_signature(
                v["secret_key"], v["date"], v["request_id"], v["path"], v["app_key"]
            )
            self.assertEqual(sig, v["signature"], v["name"])
            self.assertEqual(v["authorization"], f"MC {v['access_key']}:{sig}")
            self.assertIsNotNone(m.parse_mc_date(v["date"]), v["name"])
        for v in doc["invalid"]:
            if v["secret_key"]:
                with self.assertRaises(ValueError, msg=v["name"]):
                    m.mc_signature(v["secret_key"], "d", "r", "/p", "k")


class TlsAndLifecycleTest(unittest.TestCase):
    def test_tls_and_custom_keys(self):
        secret = base64.b64encode(bytes(range(100, 120))).decode()
        emu = EmulatorProcess("--tls", "--secret-key", secret, "--token-ttl", "60")
        try:
            self.assertTrue(emu.base.startswith("https://localhost:"))
            r = emu.api("/api/account/get-account", secret=secret)
            self.assertEqual(r.status, 200)
            self.assertEqual(emu.api("/api/account/get-account").status, 401)  # default secret
            tok = emu.request(
                "POST",
                "/oauth/token",
                urlencode(
                    {
                        "client_id": K["client_id"],
                        "client_secret": K["client_secret"],
                        "grant_type": "client_credentials",
                    }
                ),
                {"Content-Type": "application/x-www-form-urlencoded"},
            ).json()
            self.assertEqual(tok["expires_in"], 60)
            emu.fault("reset")
            with self.assertRaises((ConnectionError, http.client.IncompleteRead, ssl.SSLError)):
                emu.api("/api/account/get-account", secret=secret)
            self.assertEqual(emu.api("/api/account/get-account", secret=secret).status, 200)
        finally:
            self.assertEqual(emu.stop(), 0)

    def test_each_response_is_one_write_on_a_nodelay_socket(self):
        # In process, to see the writes: headers and body in separate writes
        # stall every keep-alive request after the first (Nagle + delayed ACK).
        import mimecast_emulator as m

        writes = []
        nodelay = []
        write = socketserver._SocketWriter.write
        handle = m.Handler.handle

        def counting_write(self_, data):
            writes.append(bytes(data[:12]))
            return write(self_, data)

        def recording_handle(self_):
            nodelay.append(self_.connection.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            return handle(self_)

        with mock.patch.object(
            socketserver._SocketWriter, "write", counting_write
        ), mock.patch.object(m.Handler, "handle", recording_handle):
            emu = m.Emulator(m.Config())
            url = urlsplit(emu.start())
            try:
                conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
                path = "/api/account/get-account"
                for _ in range(3):
                    conn.request("POST", path, body=b'{"data":[]}', headers=signed_headers(path))
                    r = conn.getresponse()
                    self.assertEqual(r.status, 200)
                    r.read()
                conn.close()
            finally:
                emu.stop()
        self.assertEqual(writes, [b"HTTP/1.1 200"] * 3)  # one write per response
        self.assertEqual(len(nodelay), 1)  # one keep-alive connection...
        self.assertNotEqual(nodelay[0], 0)  # ...with TCP_NODELAY

    def test_sigterm_exits_cleanly_and_quietly(self):
        emu = EmulatorProcess()
        emu.api("/api/account/get-account")
        emu.proc.terminate()
        out, err = emu.proc.communicate(timeout=10)
        self.assertEqual(emu.proc.returncode, 0)
        self.assertEqual((out, err), ("", ""))


if __name__ == "__main__":
    unittest.main()
