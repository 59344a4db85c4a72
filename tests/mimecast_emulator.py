#!/usr/bin/env python3
"""Local Mimecast API emulator: the test oracle for this project.

Independent of the library on purpose: it recomputes every API 1.0 signature
itself (Python hmac/hashlib/base64) and implements API 2.0 OAuth, the response
envelope, pagination, rate-limit headers, fault injection and an HTTP proxy.
Python 3.11 standard library only.

CLI
---
    python3 tests/mimecast_emulator.py [options]

    --host H            bind address (default 127.0.0.1)
    --port N            listen port; 0 picks a free one (default 0)
    --tls               serve HTTPS (base URL becomes https://localhost:PORT)
    --cert F / --key F  TLS cert/key (default tests/tls/server.pem / server.key;
                        clients should trust tests/tls/ca.pem)
    --proxy-port N      also run an HTTP proxy (CONNECT + absolute-URI) on
                        127.0.0.1:N (0 = free port); it only reaches
                        127.0.0.1 / localhost / ::1
    --proxy-auth U:P    make the proxy demand Proxy-Authorization: Basic (407)
    --max-skew S        allowed |now - x-mc-date| in seconds (default 900)
    --token-ttl S       OAuth expires_in in seconds (default 1800)
    --page-items N      items served by /api/audit/get-audit-events (default 7)
    --idle-timeout S    close idle keep-alive connections after S s (default 60)
    --app-id --app-key --access-key --secret-key --client-id --client-secret
                        override the built-in keys (see DEFAULT_KEYS)
    --verbose           log one line per request to stderr (never keys,
                        tokens or Authorization values)

On startup it prints exactly one line to stdout (flushed):
    MIMECAST_EMULATOR_READY http://127.0.0.1:40123
and, with --proxy-port, a second one:
    MIMECAST_PROXY_READY http://127.0.0.1:40124
SIGTERM / SIGINT stop it with exit status 0.

Importable too: ``Emulator(Config(...)).start()`` returns the base URL;
``.stop()`` shuts it down.

API surface
-----------
API 1.0: every ``/api/...`` path needs POST (else 405) and the headers
x-mc-app-id, x-mc-date, x-mc-req-id, Authorization: MC <access_key>:<sig>,
where sig = base64(HMAC-SHA1(b64decode(secret_key),
utf8(date + ":" + req_id + ":" + path + ":" + app_key))), path being the
request path as received (no query string). x-mc-date must look like
``Tue, 24 Nov 2015 12:50:11 UTC`` (zero-padded day, UTC suffix, weekday
consistent) and be within --max-skew. Body must be Content-Type
application/json holding a JSON object. Auth failures are 401 envelopes with
fail codes: err_xdk_missing_header, err_xdk_invalid_date (format),
err_xdk_date_skew (clock skew), err_developer_key (app id),
err_xdk_invalid_access_key (Authorization shape / access key),
err_xdk_invalid_signature ("0004 Invalid Signature"). Bad body: 400
err_validation_invalid_content_type / err_validation_invalid_json.

API 2.0: ``POST /oauth/token`` (form body client_id, client_secret,
grant_type=client_credentials; HTTP Basic client auth also accepted) returns
{"access_token","token_type":"Bearer","expires_in"}; bad credentials 401
{"error":"invalid_client"}. ``/api/...`` then accepts Authorization: Bearer
<token>: expired -> 401 fail code token_expired, unknown -> 401 invalid_token.

Endpoints:
    POST /api/account/get-account     account envelope (19 fields, non-ASCII
                                      accountName "Exämple Corp Ltd")
    POST /api/audit/get-audit-events  paged: request meta.pagination.pageSize
                                      (default 25, max 500) and .pageToken;
                                      response meta.pagination {pageSize,
                                      totalCount, next?, previous?}; bad token
                                      -> 400 err_invalid_page_token
    POST /api/ttp/url/get-logs        paged like get-audit-events; the click logs
                                      wrapped in data[0].clickLogs
    POST /api/audit/get-siem-logs     a SIEM log file (a zip when "compress") with
                                      mc-siem-token and Content-Disposition; JSON
                                      meta.isLastToken when caught up
    POST /api/ttp/threat-intel/get-feed  STIX (or CSV with "fileType": "csv"), next
                                      token in x-mc-threat-feed-next-token
    POST /api/login/discover-authentication  unsigned; data[0].region.api is this
                                      emulator for addresses at example.com
    GET  /siem/v1/events/<cg|ci>      API 2.0 streaming: pageSize, dateRangeStartsAt
                                      or the cursor nextPage (@nextPage accepted);
                                      {"value", "@nextPage", "isCaughtUp"}
    GET  /siem/v1/batch/events/<cg|ci>  API 2.0 batch: pages of pageSize presigned
                                      links to gzip NDJSON files on 127.0.0.2
                                      (tests/emulator_siem.py), which refuses any
                                      request with Authorization or x-mc-* headers
    All SIEM sources serve one event set (--siem-events, cut into files of
    --siem-file-events); GET /_emulator/siem-events lists its ids.
    ANY  /api/v2/echo                 what arrived: method, query, headers, body
    POST /api/<anything else>         {"data":[{"path":..., "echo": <data>}]}
Every response is application/json (except the html / wrong_content_type
faults) and carries X-RateLimit-Limit / -Remaining / -Reset (milliseconds).

Control endpoints (no auth, not counted in stats)
-------------------------------------------------
    POST /_emulator/faults         {"fault": NAME, "times": 1, ...params}
                                   appends to a FIFO queue; GET lists it
    POST /_emulator/reset          clear faults, stats, request log
                                   (issued OAuth tokens stay valid)
    GET  /_emulator/stats          {"connections","requests","tokens_issued",
                                    "proxy_tunnels","proxy_requests",
                                    "redirect_target_hits",
                                    "redirect_target_auth_seen"}
                                   connections = TCP connections that carried
                                   at least one non-control request
    GET  /_emulator/requests       recent requests {method, path, query,
                                   headers (Authorization -> "<redacted>"),
                                   body (parsed JSON / form, secrets redacted),
                                   raw_body (a JSON body's exact text)}
    GET  /_emulator/tokens         every OAuth token issued (for memory scans)
    GET  /_emulator/siem-events    the ids of the SIEM event set, in order
    POST /_emulator/expire-tokens  make every issued OAuth token expired
    ANY  /_emulator/redirect-target  target of the redirect fault; records a
                                   hit and whether Authorization arrived

Faults
------
Each authenticated /api/... request (and each /oauth/token request with good
credentials) consumes the first queued fault (its "times" is decremented;
page_fail only fires on its page and does not block the queue; a fault
given a "path" param only fires on /api requests to that path):

    unauthorized        401 err_xdk_invalid_signature
    forbidden           403 err_xdk_operation_forbidden
    binding_expired     418 err_xdk_binding_expired "Binding expired"
    rate_limited        429 err_rate_limit_exceeded; X-RateLimit-Limit 100,
                        -Remaining 0, -Reset = param reset_ms (1500); with
                        param retry_after (seconds, or an HTTP date) also a
                        Retry-After header, as some API 2.0 gateways send
    server_error        500 envelope err_server_error
    api_fail            200 with fail non-empty; params code
                        (err_validation_blank), message ("Value cannot be blank")
    token_expired       401 fail code token_expired
    malformed           200 application/json, truncated JSON body
    html                502 text/html error page
    wrong_content_type  200 text/plain "OK"
    truncated           Content-Length larger than the bytes sent, then close
    huge                200 valid JSON of param size_bytes (11 MiB)
    slow                sleep param delay_s (5) then answer normally
    trickle             headers, then 1 byte every interval_s (0.5) for up to
                        duration_s (600)
    drop                close the connection without any response
    reset               headers + part of the body, then TCP RST (SO_LINGER 0)
    redirect            302 to /_emulator/redirect-target
    page_cycle          param page (3) of get-audit-events names, as its next
                        token, the one that led to param back_to (2): the
                        pages form a cycle (A -> B -> A when 3 and 2)
    meta_status         HTTP 200 whose meta.status is param status (403), fail []
    fail_top_level      HTTP 200 with fail [{"code": param code (token_expired),
                        "message"}] (no errors array), as some services send
    api2_error          HTTP param status (400) {"error": {"code", "message"}},
                        API 2.0's error shape (params code, message)
    empty_page_with_next  HTTP 200, data [] but a next token
    expire_links        the next SIEM batch page's first param count (1) links
                        are already expired (the files host answers 403)
    truncated_file      the next file download stops short of its length
    empty_not_caught_up the next SIEM 2.0 page is empty, isCaughtUp false
    page_fail           param page (1-based): that page of get-audit-events is
                        HTTP 200 with a fail entry (params code, message)
    raw_body            answer with param body (text, sent byte for byte as
                        UTF-8), HTTP param status (200) and Content-Type param
                        content_type (application/json): a given account
                        body, a deeply nested envelope, a page whose next
                        token repeats an earlier one

Every response leaves in one write on a TCP_NODELAY socket: a response split
into a header write and a body write would wait for the client's delayed ACK
(Nagle), about 40 ms per keep-alive request.
"""
from __future__ import annotations

import argparse
import base64
import binascii
import datetime as _dt
import hashlib
import hmac
import json
import os
import re
import secrets
import select
import signal
import socket
import socketserver
import ssl
import struct
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import emulator_rest as rest  # noqa: E402  (the answers beyond the 1.0 basics)
import emulator_siem as siem  # noqa: E402  (the SIEM log sources)

HERE = os.path.dirname(os.path.abspath(__file__))

# One place for the built-in keys: every test suite reads the same file.
with open(os.path.join(HERE, "shared", "emulator-keys.json"), encoding="utf-8") as _f:
    DEFAULT_KEYS = dict(json.load(_f)["keys"])

FAULTS = (
    "unauthorized",
    "forbidden",
    "binding_expired",
    "rate_limited",
    "server_error",
    "api_fail",
    "token_expired",
    "malformed",
    "html",
    "wrong_content_type",
    "truncated",
    "huge",
    "slow",
    "trickle",
    "drop",
    "reset",
    "redirect",
    "page_cycle",
    "page_fail",
    "raw_body",
    "meta_status",
    "fail_top_level",
    "api2_error",
    "empty_page_with_next",
    "expire_links",
    "truncated_file",
    "empty_not_caught_up",
)

AUDIT_PATH = "/api/audit/get-audit-events"
ACCOUNT_PATH = "/api/account/get-account"
REDIRECT_TARGET = "/_emulator/redirect-target"
# The proxy also reaches this emulator under a name that no resolver knows
# (.test is reserved): a client can only get there through the proxy, which
# is how tests show that an environment proxy applies to a remote host
# (loopback targets never use one).
PROXY_TEST_HOST = "emulator.mimecast.test"
PROXY_ALLOWED_HOSTS = {"127.0.0.1", "localhost", "::1", PROXY_TEST_HOST}

DATE_RE = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} "
    r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} UTC$"
)
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

ACCOUNT = {
    "accountCode": "CUSA12A345",
    "accountName": "Exämple Corp Ltd",  # non-ASCII on purpose: catches encoding bugs
    "adminEmail": "it-admin@example.com",
    "archive": True,
    "automatedSegmentPurge": False,
    "databaseCode": "usterm0412",
    "domain": "cusa12a345.mimecast-customer.com",
    "gateway": True,
    "mailPlatform": "office_365",
    "maxRetention": 2555,
    "maxRetentionConfirmed": True,
    "mimecastId": "01-0412-12345",
    "packages": [
        "Mimecast Secure Email Gateway [1072]",
        "Mailbox Continuity [1014]",
        "Enterprise Archive [1010]",
        "Targeted Threat Protection - URL Protect [1060]",
        "Targeted Threat Protection - Attachment Protection [1061]",
        "Targeted Threat Protection - Impersonation Protect [1074]",
        "Awareness Training [1083]",
    ],
    "passphrase": "Ventilator-Harbour-42",
    "policyInheritance": False,
    "region": "us",
    "supportCode": "SC7Q9",
    "type": "full",
    "userCount": 250,
}

AUDIT_TYPES = [
    ("Logon Authentication Failed", "authentication_logs"),
    ("Application Settings Updated", "account_logs"),
    ("User Logged On", "authentication_logs"),
    ("Policy Definition Created", "policy_logs"),
    ("Message Released From Hold", "message_logs"),
    ("API Application Key Created", "account_logs"),
]


# ---------------------------------------------------------------- helpers


def mc_signature(secret_key: str, date: str, req_id: str, path: str, app_key: str) -> str:
    """The API 1.0 signature, computed independently of the library."""
    key = base64.b64decode(secret_key, validate=True)
    msg = f"{date}:{req_id}:{path}:{app_key}".encode("utf-8")
    return base64.b64encode(hmac.new(key, msg, hashlib.sha1).digest()).decode("ascii")


def mc_date(ts: float | None = None) -> str:
    """Format an x-mc-date value (locale independent)."""
    d = _dt.datetime.fromtimestamp(time.time() if ts is None else ts, _dt.timezone.utc)
    return (
        f"{WEEKDAYS[d.weekday()]}, {d.day:02d} {MONTHS[d.month - 1]} {d.year:04d} "
        f"{d.hour:02d}:{d.minute:02d}:{d.second:02d} UTC"
    )


def parse_mc_date(value: str) -> float | None:
    """Strictly parse x-mc-date; None if malformed (incl. wrong weekday)."""
    if not DATE_RE.match(value):
        return None
    try:
        wd, rest = value.split(", ", 1)
        day, mon, year, hms, _utc = rest.split(" ")
        h, m, s = (int(x) for x in hms.split(":"))
        d = _dt.datetime(
            int(year), MONTHS.index(mon) + 1, int(day), h, m, s, tzinfo=_dt.timezone.utc
        )
    except ValueError:
        return None
    if WEEKDAYS[d.weekday()] != wd:
        return None
    return d.timestamp()


def envelope(data=None, fail=None, status=200, meta_extra=None) -> dict:
    meta = {"status": status}
    if meta_extra:
        meta.update(meta_extra)
    return {"meta": meta, "data": data if data is not None else [], "fail": fail or []}


def fail_envelope(status: int, code: str, message: str, retryable=False, key=None) -> dict:
    entry = {"errors": [{"code": code, "message": message, "retryable": retryable}]}
    if key is not None:
        entry = {"key": key, **entry}
    return envelope([], [entry], status)


def audit_event(i: int) -> dict:
    kind, category = AUDIT_TYPES[(i - 1) % len(AUDIT_TYPES)]
    when = _dt.datetime(2026, 3, 1, 8, 0, 0, tzinfo=_dt.timezone.utc) + _dt.timedelta(
        minutes=17 * i
    )
    return {
        "id": i,
        "auditType": kind,
        "user": f"user{i:03d}@example.com",
        "eventTime": when.strftime("%Y-%m-%dT%H:%M:%S+0000"),
        "eventInfo": (
            f"{kind}, Source IP: 198.51.100.{i % 250 + 1}, Application: Administration Console"
        ),
        "category": category,
    }


class PageTokens:
    """Opaque, tamper-evident page tokens: base64url(offset) + '.' + MAC.
    The MAC key is per process, so tokens from another run are rejected."""

    def __init__(self):
        self._key = secrets.token_bytes(16)

    def _mac(self, payload: str) -> str:
        return hmac.new(self._key, payload.encode(), hashlib.sha256).hexdigest()[:16]

    def make(self, offset: int) -> str:
        payload = base64.urlsafe_b64encode(f"offset={offset}".encode()).decode().rstrip("=")
        return f"{payload}.{self._mac(payload)}"

    def parse(self, token) -> int | None:
        if not isinstance(token, str) or token.count(".") != 1:
            return None
        payload, mac = token.split(".")
        if not hmac.compare_digest(mac, self._mac(payload)):
            return None
        try:
            raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode()
            return int(raw.split("=", 1)[1])
        except (ValueError, IndexError, binascii.Error):
            return None


# ---------------------------------------------------------------- config / state


@dataclass
class Config:
    host: str = "127.0.0.1"
    port: int = 0
    tls: bool = False
    cert: str = os.path.join(HERE, "tls", "server.pem")
    key: str = os.path.join(HERE, "tls", "server.key")
    proxy_port: int | None = None
    proxy_auth: str | None = None
    max_skew: float = 900
    token_ttl: int = 1800
    page_items: int = 7
    siem_events: int = siem.DEFAULT_EVENTS
    siem_file_events: int = siem.DEFAULT_FILE_EVENTS
    idle_timeout: float = 60
    verbose: bool = False
    keys: dict = field(default_factory=lambda: dict(DEFAULT_KEYS))


class State:
    """Everything mutable, shared by all handler threads (guarded by a lock)."""

    RATE_LIMIT = 1000
    RATE_WINDOW_S = 60.0
    LOG_MAX = 200

    def __init__(self):
        self.lock = threading.Lock()
        self.tokens: dict[str, float] = {}  # token -> absolute expiry (time.time())
        self.tokens_issued = 0
        self.page_tokens = PageTokens()
        self.reset()

    def reset(self):
        with self.lock:
            self.faults: deque = deque()
            self.connections = 0
            self.requests = 0
            self.proxy_tunnels = 0
            self.proxy_requests = 0
            self.redirect_hits = 0
            self.redirect_auth_seen = False
            self.files_downloads = 0
            self.files_auth_violations = 0
            self.files_refused = 0
            self.log: deque = deque(maxlen=self.LOG_MAX)
            self.window_start = time.monotonic()
            self.window_used = 0

    def bump(self, name: str, n: int = 1):
        with self.lock:
            setattr(self, name, getattr(self, name) + n)

    def stats(self) -> dict:
        with self.lock:
            return {
                "connections": self.connections,
                "requests": self.requests,
                "tokens_issued": self.tokens_issued,
                "proxy_tunnels": self.proxy_tunnels,
                "proxy_requests": self.proxy_requests,
                "redirect_target_hits": self.redirect_hits,
                "redirect_target_auth_seen": self.redirect_auth_seen,
                "files_downloads": self.files_downloads,
                "files_auth_violations": self.files_auth_violations,
                "files_refused": self.files_refused,
            }

    def rate_headers(self, consume: bool) -> dict:
        """Cosmetic fixed-window quota so every response has realistic headers."""
        with self.lock:
            now = time.monotonic()
            if now - self.window_start >= self.RATE_WINDOW_S:
                self.window_start, self.window_used = now, 0
            if consume:
                self.window_used += 1
            reset_ms = int((self.RATE_WINDOW_S - (now - self.window_start)) * 1000)
            return {
                "X-RateLimit-Limit": str(self.RATE_LIMIT),
                "X-RateLimit-Remaining": str(max(0, self.RATE_LIMIT - self.window_used)),
                "X-RateLimit-Reset": str(max(1, reset_ms)),
            }

    def add_fault(self, spec: dict):
        with self.lock:
            self.faults.append(spec)

    def take_fault(self, page: int | None, path: str | None = None) -> dict | None:
        """Consume one use of the first applicable queued fault.
        page_fail and page_cycle only apply to the audit page they name (page
        is None for other requests), so they wait without blocking later
        faults."""
        with self.lock:
            for spec in self.faults:
                if spec["fault"] == "page_fail" and spec.get("page", 1) != page:
                    continue
                if spec["fault"] == "page_cycle" and spec.get("page", 3) != page:
                    continue
                if spec["fault"] == "truncated_file":
                    continue  # taken by the files host (take_file_fault)
                if "path" in spec and spec["path"] != path:
                    continue  # meant for another endpoint
                spec["times"] -= 1
                if spec["times"] <= 0:
                    self.faults.remove(spec)
                return dict(spec)
            return None

    def take_file_fault(self) -> dict | None:
        with self.lock:
            for spec in self.faults:
                if spec["fault"] == "truncated_file":
                    spec["times"] -= 1
                    if spec["times"] <= 0:
                        self.faults.remove(spec)
                    return dict(spec)
            return None

    def issue_token(self, ttl: int) -> str:
        token = secrets.token_urlsafe(32)
        with self.lock:
            self.tokens[token] = time.time() + ttl
            self.tokens_issued += 1
        return token

    def token_status(self, token: str) -> str:
        with self.lock:
            exp = self.tokens.get(token)
        if exp is None:
            return "unknown"
        return "valid" if time.time() < exp else "expired"

    def expire_tokens(self):
        with self.lock:
            for t in self.tokens:
                self.tokens[t] = 0.0


class RawReply(Exception):
    """Ends handling with an Answer of emulator_rest (any body and type)."""

    def __init__(self, answer: "rest.Answer"):
        super().__init__(answer.status)
        self.answer = answer


class Reply(Exception):
    """Raised to short-circuit request handling with a JSON response."""

    def __init__(self, status: int, body, headers=None):
        super().__init__(status)
        self.status, self.body, self.headers = status, body, headers or {}


# ---------------------------------------------------------------- HTTP handler


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive; every response has Content-Length
    server_version = "MimecastEmulator/1.0"
    emulator: "Emulator"  # set on a per-instance subclass

    # -- connection lifecycle

    def setup(self):
        cfg = self.emulator.config
        self.timeout = cfg.idle_timeout
        # Responses leave in one write (send_raw); no Nagle wait on what follows.
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if self.emulator.ssl_context is not None:
            # Handshake here, in the connection's own thread, so a silent
            # client cannot stall the accept loop.
            self.request.settimeout(10)
            self.request = self.emulator.ssl_context.wrap_socket(self.request, server_side=True)
        self.connection_counted = False
        self.aborted = False
        super().setup()

    def finish(self):
        try:
            super().finish()
        except OSError:
            pass  # the socket may already be gone (drop / reset faults)
        if isinstance(self.connection, ssl.SSLSocket):
            # socketserver only closes the pre-TLS socket object; close ours.
            try:
                self.connection.close()
            except OSError:
                pass

    def log_message(self, fmt, *args):
        if self.emulator.config.verbose:
            # Only the request line and status; never headers.
            sys.stderr.write("emulator: %s - %s\n" % (self.address_string(), fmt % args))

    def log_request(self, code="-", size="-"):
        line = self.requestline.split(" ")
        if len(line) >= 2:
            line[1] = line[1].split("?", 1)[0]
        self.log_message('"%s" %s', " ".join(line), str(code))

    # -- dispatch

    def do_POST(self):
        self.dispatch()

    do_GET = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = do_POST

    def dispatch(self):
        st = self.emulator.state
        raw_path = self.path
        if raw_path.startswith(("http://", "https://")):
            raw_path = urlsplit(raw_path).path or "/"  # absolute-form request target
        path, _, query = raw_path.partition("?")
        try:
            body = self.read_body()
        except ValueError:
            self.close_connection = True
            return self.send_json(
                400, fail_envelope(400, "err_bad_request", "Unreadable request body")
            )
        if path.startswith("/_emulator/") and path != REDIRECT_TARGET:
            return self.control(path, body)
        if not self.connection_counted:
            self.connection_counted = True
            st.bump("connections")
        st.bump("requests")
        self.record(path, query, body)
        try:
            if path == REDIRECT_TARGET:
                self.redirect_target()
            elif path == "/oauth/token":
                self.oauth_token(body)
            elif path.startswith(("/siem/", rest.ECHO_PATH)):
                self.api2(path, query, body)
            elif path.startswith("/api/"):
                self.api(path, body)
            else:
                raise Reply(404, fail_envelope(404, "err_not_found", f"No such endpoint: {path}"))
        except Reply as r:
            self.send_json(r.status, r.body, r.headers)
        except RawReply as r:
            a = r.answer
            self.send_raw(a.status, a.body, a.content_type, a.headers)

    def read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            out = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return out
                out += self.rfile.read(size)
                self.rfile.readline()
        n = int(self.headers.get("Content-Length") or 0)
        if n < 0:
            raise ValueError("negative length")
        return self.rfile.read(n) if n else b""

    def record(self, path, query, body):
        headers = {}
        for k, v in self.headers.items():
            headers[k] = (
                "<redacted>" if k.lower() in ("authorization", "proxy-authorization") else v
            )
        parsed = None
        raw = None
        if body:
            try:
                parsed = json.loads(body.decode("utf-8"))
                raw = body.decode("utf-8")
            except (ValueError, UnicodeDecodeError):
                form = parse_qs(body.decode("latin-1"))
                parsed = (
                    {k: ("<redacted>" if k == "client_secret" else v[0]) for k, v in form.items()}
                    if form
                    else body.decode("latin-1")[:2000]
                )
        with self.emulator.state.lock:
            self.emulator.state.log.append(
                {
                    "method": self.command,
                    "path": path,
                    "query": query,
                    "headers": headers,
                    "body": parsed,
                    "raw_body": raw,
                }
            )

    # -- response writers

    def send_raw(
        self,
        status: int,
        body: bytes,
        content_type: str,
        headers=None,
        consume_quota=True,
        content_length=None,
    ):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header(
            "Content-Length", str(len(body) if content_length is None else content_length)
        )
        merged = self.emulator.state.rate_headers(consume_quota)
        merged.update(headers or {})
        for k, v in merged.items():
            self.send_header(k, v)
        if self.close_connection:
            self.send_header("Connection", "close")
        # Headers and body in one write: two writes make every keep-alive
        # request after the first wait for the client's delayed ACK (Nagle).
        self._headers_buffer.append(b"\r\n")
        head = b"".join(self._headers_buffer)
        self._headers_buffer = []
        self.wfile.write(head if self.command == "HEAD" else head + body)

    def send_json(self, status: int, obj, headers=None, consume_quota=True):
        # ensure_ascii=False: non-ASCII travels as raw UTF-8, like the real API.
        data = json.dumps(obj, ensure_ascii=False).encode("utf-8")
        self.send_raw(status, data, "application/json", headers, consume_quota)

    # -- control plane

    def control(self, path, body):
        st = self.emulator.state
        try:
            payload = json.loads(body.decode("utf-8")) if body else {}
        except (ValueError, UnicodeDecodeError):
            return self.send_json(400, {"error": "invalid JSON"}, consume_quota=False)
        if path == "/_emulator/faults" and self.command == "POST":
            name = payload.get("fault") if isinstance(payload, dict) else None
            if name not in FAULTS:
                return self.send_json(
                    400,
                    {"error": f"unknown fault {name!r}", "faults": list(FAULTS)},
                    consume_quota=False,
                )
            spec = dict(payload)
            spec["times"] = int(payload.get("times", 1))
            st.add_fault(spec)
            return self.send_json(200, {"queued": spec}, consume_quota=False)
        if path == "/_emulator/faults" and self.command == "GET":
            with st.lock:
                return self.send_json(200, list(st.faults), consume_quota=False)
        if path == "/_emulator/reset" and self.command == "POST":
            st.reset()
            return self.send_json(200, {"reset": True}, consume_quota=False)
        if path == "/_emulator/stats" and self.command == "GET":
            return self.send_json(200, st.stats(), consume_quota=False)
        if path == "/_emulator/requests" and self.command == "GET":
            with st.lock:
                log = list(st.log)
            return self.send_json(200, log, consume_quota=False)
        if path == "/_emulator/siem-events" and self.command == "GET":
            return self.send_json(200, self.emulator.universe.ids(), consume_quota=False)
        if path == "/_emulator/tokens" and self.command == "GET":
            # For tests that look for the token in a client's memory.
            with st.lock:
                tokens = sorted(st.tokens)
            return self.send_json(200, tokens, consume_quota=False)
        if path == "/_emulator/expire-tokens" and self.command == "POST":
            st.expire_tokens()
            return self.send_json(200, {"expired": True}, consume_quota=False)
        return self.send_json(
            404, {"error": f"no control endpoint {self.command} {path}"}, consume_quota=False
        )

    def redirect_target(self):
        st = self.emulator.state
        with st.lock:
            st.redirect_hits += 1
            if self.headers.get("Authorization"):
                st.redirect_auth_seen = True
        raise Reply(200, envelope([{"redirected": True}]))

    # -- API 2.0 token endpoint

    def oauth_token(self, body):
        cfg = self.emulator.config
        if self.command != "POST":
            raise Reply(
                405,
                {"error": "invalid_request", "error_description": "POST required"},
                {"Allow": "POST"},
            )
        ctype = self.headers.get("Content-Type", "").lower()
        if not ctype.startswith("application/x-www-form-urlencoded"):
            raise Reply(
                400,
                {
                    "error": "invalid_request",
                    "error_description": "Content-Type must be application/x-www-form-urlencoded",
                },
            )
        try:
            form = {
                k: v[0] for k, v in parse_qs(body.decode("utf-8"), keep_blank_values=True).items()
            }
        except UnicodeDecodeError:
            raise Reply(
                400, {"error": "invalid_request", "error_description": "body is not UTF-8"}
            )
        cid, csec = form.get("client_id"), form.get("client_secret")
        auth = self.headers.get("Authorization", "")
        if auth.lower().startswith("basic "):  # RFC 6749 2.3.1 client auth
            try:
                cid, _, csec = base64.b64decode(auth[6:].strip()).decode("utf-8").partition(":")
            except (binascii.Error, UnicodeDecodeError):
                pass
        if form.get("grant_type") != "client_credentials":
            raise Reply(
                400,
                {
                    "error": "unsupported_grant_type",
                    "error_description": "grant_type must be client_credentials",
                },
            )
        if not (
            cid
            and csec
            and hmac.compare_digest(cid, cfg.keys["client_id"])
            and hmac.compare_digest(csec, cfg.keys["client_secret"])
        ):
            raise Reply(
                401,
                {"error": "invalid_client", "error_description": "Client authentication failed"},
            )
        fault = self.emulator.state.take_fault(None)
        if fault:
            return self.apply_fault(fault, lambda: self.send_token())
        self.send_token()

    def send_token(self):
        cfg = self.emulator.config
        token = self.emulator.state.issue_token(cfg.token_ttl)
        self.send_json(
            200, {"access_token": token, "token_type": "Bearer", "expires_in": cfg.token_ttl}
        )

    # -- API 1.0 / 2.0 resources

    def api(self, path, body):
        if path == rest.DISCOVER_PATH and self.command == "POST":
            # Unsigned: it is how a client finds where to sign its calls.
            try:
                payload = json.loads(body.decode("utf-8"))
            except (ValueError, UnicodeDecodeError):
                payload = None
            raise Reply(200, rest.discover(payload, self.emulator.base_url))
        if self.command != "POST":
            raise Reply(
                405,
                fail_envelope(
                    405, "err_method_not_allowed", f"Method {self.command} not allowed; use POST"
                ),
                {"Allow": "POST"},
            )
        self.authenticate(path)
        payload = None
        try:
            payload = json.loads(body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            pass
        page = self.audit_page_number(payload) if path == AUDIT_PATH else None
        self.page_payload = payload
        fault = self.emulator.state.take_fault(page, path)

        def respond():
            self.route(path, payload)

        if fault:
            return self.apply_fault(fault, respond)
        respond()

    def authenticate(self, path):
        cfg, h = self.emulator.config, self.headers
        auth = h.get("Authorization")
        if auth and auth.startswith("Bearer "):
            status = self.emulator.state.token_status(auth[7:].strip())
            if status == "expired":
                raise Reply(
                    401, fail_envelope(401, "token_expired", "The access token has expired")
                )
            if status != "valid":
                raise Reply(401, fail_envelope(401, "invalid_token", "Unknown access token"))
            return
        for name in ("x-mc-app-id", "x-mc-date", "x-mc-req-id", "Authorization"):
            if not h.get(name):
                raise Reply(
                    401,
                    fail_envelope(
                        401, "err_xdk_missing_header", f"Missing required header: {name}"
                    ),
                )
        date = h["x-mc-date"]
        ts = parse_mc_date(date)
        if ts is None:
            raise Reply(
                401,
                fail_envelope(
                    401,
                    "err_xdk_invalid_date",
                    "Invalid x-mc-date: expected 'Tue, 24 Nov 2015 12:50:11 UTC'",
                ),
            )
        if abs(time.time() - ts) > cfg.max_skew:
            raise Reply(
                401,
                fail_envelope(
                    401, "err_xdk_date_skew", "x-mc-date is outside the allowed clock skew"
                ),
            )
        if not hmac.compare_digest(h["x-mc-app-id"].encode(), cfg.keys["app_id"].encode()):
            raise Reply(
                401, fail_envelope(401, "err_developer_key", "0001 Invalid Application ID")
            )
        if not auth.startswith("MC ") or ":" not in auth[3:]:
            raise Reply(
                401,
                fail_envelope(
                    401,
                    "err_xdk_invalid_access_key",
                    "Authorization must be 'MC <accessKey>:<signature>'",
                ),
            )
        access_key, _, sig = auth[3:].partition(":")
        if not hmac.compare_digest(access_key.encode(), cfg.keys["access_key"].encode()):
            raise Reply(
                401, fail_envelope(401, "err_xdk_invalid_access_key", "Invalid access key")
            )
        expected = mc_signature(
            cfg.keys["secret_key"], date, h["x-mc-req-id"], path, cfg.keys["app_key"]
        )
        if not hmac.compare_digest(sig.encode(), expected.encode()):
            raise Reply(
                401, fail_envelope(401, "err_xdk_invalid_signature", "0004 Invalid Signature")
            )

    def route(self, path, payload):
        ctype = self.headers.get("Content-Type", "").lower()
        if not ctype.startswith("application/json"):
            raise Reply(
                400,
                fail_envelope(
                    400,
                    "err_validation_invalid_content_type",
                    "Content-Type must be application/json",
                ),
            )
        if not isinstance(payload, dict):
            raise Reply(
                400,
                fail_envelope(
                    400, "err_validation_invalid_json", "Request body must be a JSON object"
                ),
            )
        if path == ACCOUNT_PATH:
            raise Reply(200, envelope([dict(ACCOUNT)]))
        if path == AUDIT_PATH:
            raise Reply(200, self.audit_page(payload))
        tokens = self.emulator.state.page_tokens
        if path == rest.CLICK_LOGS_PATH:
            size, offset = self.pagination_request(payload)
            total = self.emulator.config.page_items
            raise Reply(200, rest.click_logs_page(size, offset, total, tokens.make))
        if path == rest.SIEM_LOGS_PATH:
            u = self.emulator.universe
            raise RawReply(siem.v1_logs(u, payload, tokens.make, tokens.parse))
        if path == rest.THREAT_FEED_PATH:
            raise RawReply(rest.threat_feed(payload, tokens.make, tokens.parse))
        raise Reply(200, envelope([{"path": path, "echo": payload.get("data")}]))

    def api2(self, path, query, body):
        """API 2.0 REST: GET with query parameters (echo takes any method)."""
        self.authenticate(path)
        tokens = self.emulator.state.page_tokens

        u = self.emulator.universe
        expire_first = 0

        def respond():
            if path == rest.ECHO_PATH:
                raise RawReply(rest.echo(self.command, path, query, self.headers, body))
            if self.command != "GET":
                raise RawReply(rest.api2_error(405, "method_not_allowed", "Use GET"))
            if path.startswith(siem.BATCH_PATH_PREFIX):
                files = self.emulator.files_base
                raise RawReply(
                    siem.batch_page(u, query, files, tokens.make, tokens.parse, expire_first)
                )
            if path.startswith(siem.STREAM_PATH_PREFIX):
                raise RawReply(siem.stream_page(u, query, tokens.make, tokens.parse))
            raise RawReply(rest.api2_error(404, "not_found", f"No such endpoint: {path}"))

        fault = self.emulator.state.take_fault(None)
        if fault and fault["fault"] == "expire_links":
            expire_first = int(fault.get("count", 1))
        elif fault and fault["fault"] == "empty_not_caught_up":
            raise RawReply(siem.empty_page(query, tokens.make, tokens.parse))
        elif fault:
            return self.apply_fault(fault, respond)
        respond()

    # -- pagination

    def pagination_request(self, payload):
        """(page_size, offset) from the request meta, or raise Reply(400)."""
        pag = {}
        if isinstance(payload, dict) and isinstance(payload.get("meta"), dict):
            pag = payload["meta"].get("pagination") or {}
        if not isinstance(pag, dict):
            raise Reply(
                400,
                fail_envelope(
                    400, "err_validation_invalid_json", "meta.pagination must be an object"
                ),
            )
        size = pag.get("pageSize", 25)
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise Reply(
                400,
                fail_envelope(400, "err_invalid_page_size", "pageSize must be a positive integer"),
            )
        size = min(size, 500)
        offset = 0
        if pag.get("pageToken") not in (None, ""):
            offset = self.emulator.state.page_tokens.parse(pag["pageToken"])
            if offset is None or offset < 0 or offset >= max(1, self.emulator.config.page_items):
                raise Reply(
                    400,
                    fail_envelope(
                        400,
                        "err_invalid_page_token",
                        "Invalid page token",
                        key={"pageToken": str(pag["pageToken"])},
                    ),
                )
        return size, offset

    def audit_page_number(self, payload):
        try:
            size, offset = self.pagination_request(payload)
        except Reply:
            return None
        return offset // size + 1

    def audit_page(self, payload) -> dict:
        size, offset = self.pagination_request(payload)
        total = self.emulator.config.page_items
        tokens = self.emulator.state.page_tokens
        items = [audit_event(i) for i in range(offset + 1, min(total, offset + size) + 1)]
        pag = {"pageSize": size, "totalCount": total}
        if offset + size < total:
            pag["next"] = tokens.make(offset + size)
        if offset > 0:
            pag["previous"] = tokens.make(max(0, offset - size))
        return envelope(items, meta_extra={"pagination": pag})

    # -- fault injection

    def apply_fault(self, f: dict, respond):
        name = f["fault"]
        if name == "unauthorized":
            raise Reply(
                401, fail_envelope(401, "err_xdk_invalid_signature", "0004 Invalid Signature")
            )
        if name == "forbidden":
            raise Reply(
                403,
                fail_envelope(
                    403,
                    "err_xdk_operation_forbidden",
                    "The user does not have permission for this operation",
                ),
            )
        if name == "binding_expired":
            raise Reply(
                418,
                fail_envelope(
                    418,
                    "err_xdk_binding_expired",
                    "Binding expired: the access key and secret key have expired",
                ),
            )
        if name == "rate_limited":
            headers = {
                "X-RateLimit-Limit": "100",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": str(int(f.get("reset_ms", 1500))),
            }
            if "retry_after" in f:
                headers["Retry-After"] = str(f["retry_after"])
            raise Reply(
                429,
                fail_envelope(429, "err_rate_limit_exceeded", "Rate limit exceeded", True),
                headers,
            )
        if name == "server_error":
            raise Reply(500, fail_envelope(500, "err_server_error", "Internal Server Error", True))
        if name == "meta_status":
            status = int(f.get("status", 403))
            raise Reply(200, envelope([], [], status))
        if name == "fail_top_level":
            code = f.get("code", "token_expired")
            raise Reply(200, envelope([], [{"code": code, "message": f.get("message", code)}]))
        if name == "api2_error":
            a = rest.api2_error(
                int(f.get("status", 400)), f.get("code", "bad_request"), f.get("message", "Bad")
            )
            raise RawReply(a)
        if name == "empty_page_with_next":
            tokens = self.emulator.state.page_tokens
            pagination = {"pageSize": 1, "next": tokens.make(1)}
            raise Reply(200, envelope([], meta_extra={"pagination": pagination}))
        if name == "page_cycle":
            page = self.audit_page(self.page_payload)
            size = page["meta"]["pagination"]["pageSize"]
            back_to = int(f.get("back_to", 2))
            page["meta"]["pagination"]["next"] = self.emulator.state.page_tokens.make(
                size * (back_to - 1)
            )
            raise Reply(200, page)
        if name in ("api_fail", "page_fail"):
            default = (
                ("err_validation_blank", "Value cannot be blank")
                if name == "api_fail"
                else (
                    "err_audit_log_incorrect_region",
                    "Audit log request sent to the wrong region",
                )
            )
            raise Reply(
                200,
                envelope(
                    [],
                    [
                        {
                            "key": {},
                            "errors": [
                                {
                                    "code": f.get("code", default[0]),
                                    "message": f.get("message", default[1]),
                                    "retryable": False,
                                }
                            ],
                        }
                    ],
                ),
            )
        if name == "token_expired":
            raise Reply(401, fail_envelope(401, "token_expired", "The access token has expired"))
        if name == "malformed":
            return self.send_raw(200, b'{"meta": {"status": 200}, "data": [', "application/json")
        if name == "html":
            page = (
                b"<html><head><title>502 Bad Gateway</title></head><body>"
                b"<center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center>"
                b"</body></html>\n"
            )
            return self.send_raw(502, page, "text/html")
        if name == "wrong_content_type":
            return self.send_raw(200, b"OK", "text/plain")
        if name == "truncated":
            body = json.dumps(envelope([dict(ACCOUNT)]), ensure_ascii=False).encode("utf-8")
            self.close_connection = True
            self.send_raw(
                200, body[: len(body) // 2], "application/json", content_length=len(body)
            )
            return self.hard_close(rst=False)
        if name == "huge":
            return self.send_raw(
                200, huge_body(int(f.get("size_bytes", 11 * 1024 * 1024))), "application/json"
            )
        if name == "slow":
            time.sleep(float(f.get("delay_s", 5)))
            return respond()
        if name == "trickle":
            return self.trickle(float(f.get("interval_s", 0.5)), float(f.get("duration_s", 600)))
        if name == "drop":
            self.close_connection = True
            return self.hard_close(rst=False)
        if name == "reset":
            body = json.dumps(envelope([dict(ACCOUNT)]), ensure_ascii=False).encode("utf-8")
            self.close_connection = True
            self.send_raw(200, body[:40], "application/json", content_length=len(body))
            return self.hard_close(rst=True)
        if name == "raw_body":
            return self.send_raw(
                int(f.get("status", 200)),
                str(f.get("body", "")).encode("utf-8"),
                str(f.get("content_type", "application/json")),
            )
        if name == "redirect":
            scheme = "https" if self.emulator.ssl_context else "http"
            host = self.headers.get("Host") or f"{self.emulator.config.host}:{self.emulator.port}"
            raise Reply(302, envelope([]), {"Location": f"{scheme}://{host}{REDIRECT_TARGET}"})
        raise Reply(500, fail_envelope(500, "err_emulator", f"unhandled fault {name}"))

    def trickle(self, interval, duration):
        body = json.dumps(envelope([dict(ACCOUNT)]), ensure_ascii=False).encode("utf-8")
        pad = body + b" " * 1_000_000  # JSON allows trailing whitespace
        self.close_connection = True
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(pad)))
        for k, v in self.emulator.state.rate_headers(True).items():
            self.send_header(k, v)
        self.send_header("Connection", "close")
        self.end_headers()
        deadline = time.monotonic() + duration
        try:
            for i in range(len(pad)):
                if time.monotonic() > deadline:
                    break
                self.wfile.write(pad[i : i + 1])
                time.sleep(interval)
        except OSError:
            pass  # client gave up: that is the point
        self.hard_close(rst=False)

    def hard_close(self, rst: bool):
        """Close the TCP connection now; with rst, abort it (SO_LINGER 0 -> RST)."""
        self.aborted = True
        sock = self.connection
        try:
            if rst:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            else:
                sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        # Close the file objects too: the fd is only released (and the RST only
        # sent) once every makefile() reference is gone.
        for f in (self.rfile, self.wfile):
            try:
                f.close()
            except OSError:
                pass
        try:
            sock.close()  # SSLSocket.close() sends no close_notify: still abortive
        except OSError:
            pass


_HUGE_CACHE: dict[int, bytes] = {}


def huge_body(size: int) -> bytes:
    """Valid JSON envelope of at least `size` bytes (cached: built once)."""
    if size not in _HUGE_CACHE:
        head = b'{"meta": {"status": 200}, "data": [{"path": "/api/huge", "blob": "'
        tail = b'"}], "fail": []}'
        _HUGE_CACHE[size] = head + b"A" * max(0, size - len(head) - len(tail)) + tail
    return _HUGE_CACHE[size]


# ---------------------------------------------------------------- proxy


class ProxyHandler(socketserver.StreamRequestHandler):
    """Minimal forward proxy: CONNECT tunnels and absolute-URI requests,
    only to loopback targets so tests can never reach the network."""

    rbufsize = 0  # unbuffered: no bytes past the header may be swallowed
    emulator: "Emulator"

    def handle(self):
        self.connection.settimeout(60)
        try:
            line = self.rfile.readline(65537).decode("latin-1")
            head_lines = []
            while True:
                h = self.rfile.readline(65537)
                if h in (b"\r\n", b"\n", b""):
                    break
                head_lines.append(h.decode("latin-1"))
            parts = line.split()
            if len(parts) != 3:
                return self.reply(400, "Bad Request")
            method, target, _version = parts
            headers = {
                k.strip().lower(): v.strip()
                for k, v in (x.split(":", 1) for x in head_lines if ":" in x)
            }
            if not self.proxy_authorized(headers):
                return self.reply(
                    407,
                    "Proxy Authentication Required",
                    'Proxy-Authenticate: Basic realm="mimecast-emulator"\r\n',
                )
            if method.upper() == "CONNECT":
                self.connect(target)
            else:
                self.forward(method, target, head_lines)
        except (OSError, ValueError):
            pass

    def proxy_authorized(self, headers) -> bool:
        want = self.emulator.config.proxy_auth
        if not want:
            return True
        got = headers.get("proxy-authorization", "")
        expected = "Basic " + base64.b64encode(want.encode()).decode()
        return hmac.compare_digest(got.encode(), expected.encode())

    def reply(self, status, reason, extra=""):
        body = f"{status} {reason}\n".encode()
        self.wfile.write(
            f"HTTP/1.1 {status} {reason}\r\nContent-Type: text/plain\r\n{extra}"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode() + body
        )

    @staticmethod
    def split_host_port(hostport, default_port):
        if hostport.startswith("["):
            host, _, rest = hostport[1:].partition("]")
            port = rest[1:] if rest.startswith(":") else ""
        elif hostport.count(":") == 1:
            host, port = hostport.split(":")
        else:
            host, port = hostport, ""
        return host, int(port) if port else default_port

    def open_upstream(self, host, port):
        if host.lower() not in PROXY_ALLOWED_HOSTS:
            self.reply(403, "Forbidden")
            return None
        if host.lower() == PROXY_TEST_HOST:
            host = "127.0.0.1"
        try:
            return socket.create_connection((host, port), timeout=10)
        except OSError:
            self.reply(502, "Bad Gateway")
            return None

    def connect(self, target):
        host, port = self.split_host_port(target, 443)
        upstream = self.open_upstream(host, port)
        if upstream is None:
            return
        self.emulator.state.bump("proxy_tunnels")
        self.wfile.write(b"HTTP/1.1 200 Connection Established\r\n\r\n")
        self.pump(upstream)

    def forward(self, method, target, head_lines):
        url = urlsplit(target)
        if url.scheme != "http" or not url.hostname:
            return self.reply(400, "Bad Request")
        upstream = self.open_upstream(url.hostname, url.port or 80)
        if upstream is None:
            return
        self.emulator.state.bump("proxy_requests")
        path = (url.path or "/") + (f"?{url.query}" if url.query else "")
        hop = ("proxy-connection", "proxy-authorization", "connection", "keep-alive")
        kept = [h for h in head_lines if h.split(":", 1)[0].strip().lower() not in hop]
        # One request per proxied connection: upstream closes after answering,
        # which ends the pump and tells the client (Connection: close) too.
        head = f"{method} {path} HTTP/1.1\r\n" + "".join(kept) + "Connection: close\r\n\r\n"
        upstream.sendall(head.encode("latin-1"))
        self.pump(upstream)

    def pump(self, upstream):
        """Copy bytes both ways until either side closes."""
        client = self.connection
        client.settimeout(None)
        upstream.settimeout(None)
        socks = [client, upstream]
        try:
            while True:
                readable, _, _ = select.select(socks, [], [], 120)
                if not readable:
                    break
                for s in readable:
                    data = s.recv(65536)
                    if not data:
                        return
                    (upstream if s is client else client).sendall(data)
        except OSError:
            pass
        finally:
            upstream.close()


class FilesHandler(BaseHTTPRequestHandler):
    """The presigned-link host of the SIEM batch files (127.0.0.2)."""

    protocol_version = "HTTP/1.1"
    emulator: "Emulator"

    def log_message(self, fmt, *args):
        pass

    def do_GET(self):
        st = self.emulator.state
        path, _, query = self.path.partition("?")
        names = [k.lower() for k in self.headers]
        if any(k == "authorization" or k.startswith("x-mc-") for k in names):
            st.bump("files_auth_violations")
            refused = b"credentials must never reach the storage host\n"
            return self.answer(400, refused, "text/plain")
        if not path.startswith(siem.FILES_PREFIX):
            return self.answer(404, b"not found\n", "text/plain")
        index = self.emulator.universe.check_link(path[len(siem.FILES_PREFIX) :], query)
        if isinstance(index, str):
            st.bump("files_refused")
            body = f"<Error><Code>AccessDenied</Code><Message>{index}</Message></Error>"
            return self.answer(403, body.encode(), "application/xml")
        st.bump("files_downloads")
        data = self.emulator.universe.gzip_file(index)
        if st.take_file_fault():
            # Announce the whole file, send half, close.
            self.send_response(200)
            self.send_header("Content-Type", "application/gzip")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[: len(data) // 2])
            self.close_connection = True
            return
        self.answer(200, data, "application/gzip")

    def answer(self, status, body, content_type):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class QuietThreadingTCPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    block_on_close = False

    def handle_error(self, request, client_address):
        pass  # a client vanishing mid-tunnel is normal


class EmulatorHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    verbose = False
    # socketserver's default backlog of 5 resets bursts of parallel clients
    # that a real server would accept.
    request_queue_size = 128

    def handle_error(self, request, client_address):
        # TLS handshake failures and clients hanging up are expected in tests.
        if self.verbose:
            exc = sys.exc_info()[1]
            sys.stderr.write(f"emulator: connection error from {client_address[0]}: {exc!r}\n")


# ---------------------------------------------------------------- assembly


class Emulator:
    def __init__(self, config: Config | None = None):
        self.config = config or Config()
        self.state = State()
        self.ssl_context = None
        self.httpd = None
        self.proxyd = None
        self.port = None
        self.base_url = None
        self.proxy_url = None
        self.filesd = None
        self.files_base = None
        self.universe = siem.Universe(self.config.siem_events, self.config.siem_file_events)
        self._threads = []

    def start(self) -> str:
        cfg = self.config
        if cfg.tls:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(cfg.cert, cfg.key)
            self.ssl_context = ctx
        handler = type("BoundHandler", (Handler,), {"emulator": self})
        server_cls = EmulatorHTTPServer
        if ":" in cfg.host:  # IPv6 literal such as ::1
            server_cls = type(
                "EmulatorHTTPServer6", (EmulatorHTTPServer,), {"address_family": socket.AF_INET6}
            )
        self.httpd = server_cls((cfg.host, cfg.port), handler)
        self.httpd.verbose = cfg.verbose
        self.port = self.httpd.server_address[1]
        host = "localhost" if cfg.tls else (f"[{cfg.host}]" if ":" in cfg.host else cfg.host)
        self.base_url = f"{'https' if cfg.tls else 'http'}://{host}:{self.port}"
        self._serve(self.httpd)
        # The storage host of the presigned SIEM files: another loopback
        # address, so that it is another host to the client.
        fhandler = type("BoundFilesHandler", (FilesHandler,), {"emulator": self})
        self.filesd = EmulatorHTTPServer(("127.0.0.2", 0), fhandler)
        self.files_base = f"http://127.0.0.2:{self.filesd.server_address[1]}"
        self._serve(self.filesd)
        if cfg.proxy_port is not None:
            phandler = type("BoundProxyHandler", (ProxyHandler,), {"emulator": self})
            self.proxyd = QuietThreadingTCPServer(("127.0.0.1", cfg.proxy_port), phandler)
            self.proxy_url = f"http://127.0.0.1:{self.proxyd.server_address[1]}"
            self._serve(self.proxyd)
        return self.base_url

    def _serve(self, server):
        t = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True
        )
        t.start()
        self._threads.append(t)

    def stop(self):
        for server in (self.httpd, self.proxyd, self.filesd):
            if server is not None:
                server.shutdown()
                server.server_close()


def parse_args(argv=None) -> Config:
    p = argparse.ArgumentParser(description="Local Mimecast API emulator (see module docstring).")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--tls", action="store_true")
    p.add_argument("--cert", default=Config.cert)
    p.add_argument("--key", default=Config.key)
    p.add_argument("--proxy-port", type=int, default=None)
    p.add_argument("--proxy-auth", default=None, metavar="USER:PASS")
    p.add_argument("--max-skew", type=float, default=900)
    p.add_argument("--token-ttl", type=int, default=1800)
    p.add_argument("--page-items", type=int, default=7)
    p.add_argument("--siem-events", type=int, default=siem.DEFAULT_EVENTS)
    p.add_argument("--siem-file-events", type=int, default=siem.DEFAULT_FILE_EVENTS)
    p.add_argument("--idle-timeout", type=float, default=60)
    p.add_argument("--verbose", action="store_true")
    for k in DEFAULT_KEYS:
        p.add_argument("--" + k.replace("_", "-"), dest=k, default=DEFAULT_KEYS[k])
    a = p.parse_args(argv)
    try:
        base64.b64decode(a.secret_key, validate=True)
    except (binascii.Error, ValueError):
        p.error("--secret-key is not valid base64")
    return Config(
        host=a.host,
        port=a.port,
        tls=a.tls,
        cert=a.cert,
        key=a.key,
        proxy_port=a.proxy_port,
        proxy_auth=a.proxy_auth,
        max_skew=a.max_skew,
        token_ttl=a.token_ttl,
        page_items=a.page_items,
        siem_events=a.siem_events,
        siem_file_events=a.siem_file_events,
        idle_timeout=a.idle_timeout,
        verbose=a.verbose,
        keys={k: getattr(a, k) for k in DEFAULT_KEYS},
    )


def main(argv=None) -> int:
    cfg = parse_args(argv)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    emu = Emulator(cfg)
    emu.start()
    print(f"MIMECAST_EMULATOR_READY {emu.base_url}", flush=True)
    if emu.proxy_url:
        print(f"MIMECAST_PROXY_READY {emu.proxy_url}", flush=True)
    while not stop.wait(0.5):
        pass
    emu.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
