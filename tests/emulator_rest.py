"""The emulator's answers beyond the API 1.0 envelope basics: API 2.0 REST
(GET with query parameters, {"value", "@nextPage", "isCaughtUp"} pages,
{"error": ...} failures), the log endpoints that wrap their list, files as
answers (SIEM logs as a zip, a threat-intel feed as STIX or CSV, with the
headers that carry the next token), and region discovery.

Pure functions: each returns an Answer, which tests/mimecast_emulator.py
sends. Everything is deterministic, so tests can check completeness. Facts
and sources: shared/mimecast-api.md.
"""

from __future__ import annotations

import base64
import datetime as _dt
import io
import json
import zipfile
from dataclasses import dataclass, field
from urllib.parse import parse_qs

#: Endpoints (API 1.0 paths served by POST; 2.0 paths by GET).
CLICK_LOGS_PATH = "/api/ttp/url/get-logs"
SIEM_LOGS_PATH = "/api/audit/get-siem-logs"
THREAT_FEED_PATH = "/api/ttp/threat-intel/get-feed"
DISCOVER_PATH = "/api/login/discover-authentication"
STREAM_PATH_PREFIX = "/siem/v1/events/"
ECHO_PATH = "/api/v2/echo"

#: Domains discovery knows (any address at them belongs to this account).
KNOWN_DOMAINS = ("example.com", "exämple.com")

#: 1.0 SIEM: how many files a full pull has, and events per file.
SIEM_FILES = 3
SIEM_EVENTS_PER_FILE = 4

#: 2.0 streaming: events in the whole set.
STREAM_EVENTS = 25

EPOCH = _dt.datetime(2026, 3, 1, 8, 0, 0, tzinfo=_dt.timezone.utc)


@dataclass
class Answer:
    status: int
    body: bytes
    content_type: str = "application/json"
    headers: dict = field(default_factory=dict)


def json_answer(status: int, obj, headers=None) -> Answer:
    body = json.dumps(obj, ensure_ascii=False).encode("utf-8")
    return Answer(status, body, headers=headers or {})


def _when(i: int, minutes: int = 7) -> str:
    return (EPOCH + _dt.timedelta(minutes=minutes * i)).strftime("%Y-%m-%dT%H:%M:%S+0000")


# ------------------------------------------------------------ log endpoints


def click_log(i: int) -> dict:
    return {
        "id": f"click-{i}",
        "userEmailAddress": f"user{i:03d}@example.com",
        "url": f"https://phish.example.net/{i}",
        "action": "block" if i % 3 == 0 else "allow",
        "date": _when(i),
    }


def click_logs_page(size: int, offset: int, total: int, make_token) -> dict:
    """An envelope whose data[0].clickLogs holds this page's entries."""
    logs = [click_log(i) for i in range(offset + 1, min(total, offset + size) + 1)]
    pagination = {"pageSize": size}
    if offset + size < total:
        pagination["next"] = make_token(offset + size)
    return {
        "meta": {"status": 200, "pagination": pagination},
        "data": [{"clickLogs": logs}],
        "fail": [],
    }


# ------------------------------------------------------------ discovery


def discover(payload, own_base_url: str) -> dict:
    """data[0] names the region and its API host for a known address
    (here, this emulator); for any other address it names no region, as
    the service does for unknown addresses."""
    try:
        email = payload["data"][0]["emailAddress"]
    except (KeyError, IndexError, TypeError):
        return {
            "meta": {"status": 400},
            "data": [],
            "fail": [
                {
                    "errors": [
                        {"code": "err_validation_blank", "message": "emailAddress is required"}
                    ]
                }
            ],
        }
    domain = str(email).rpartition("@")[2].lower()
    item = {"emailAddress": email, "authenticate": ["cloud"]}
    if domain in KNOWN_DOMAINS:
        item["region"] = {"code": "eu", "api": own_base_url, "name": "Europe"}
    return {"meta": {"status": 200}, "data": [item], "fail": []}


# ------------------------------------------------------------ files


def siem_event(file_index: int, i: int) -> dict:
    n = file_index * SIEM_EVENTS_PER_FILE + i
    return {
        "aCode": f"evt-{n:04d}",
        "acc": "CUSA12A345",
        "datetime": _when(n, 3),
        "Sender": f"sender{n}@example.org",
        "Rcpt": f"user{n % 7}@example.com",
        "Act": "Acc",
    }


def siem_file(file_index: int) -> tuple[str, bytes]:
    """One SIEM log file: its name and its JSON content."""
    events = [siem_event(file_index, i) for i in range(SIEM_EVENTS_PER_FILE)]
    name = f"MTA_{file_index:04d}.json"
    return name, json.dumps({"type": "MTA", "data": events}).encode("utf-8")


def siem_logs(payload, make_token, parse_token) -> Answer:
    """API 1.0 get-siem-logs: while data remains, a file (a zip when
    compress is true) with the next token in mc-siem-token; when caught up,
    JSON with meta.isLastToken."""
    try:
        req = payload["data"][0]
    except (KeyError, IndexError, TypeError):
        req = {}
    token = req.get("token")
    index = 0 if not token else parse_token(token)
    if index is None:
        return json_answer(
            400,
            {
                "meta": {"status": 400},
                "data": [],
                "fail": [{"errors": [{"code": "err_invalid_token", "message": "Invalid token"}]}],
            },
        )
    if index >= SIEM_FILES:
        caught_up = {"meta": {"status": 200, "isLastToken": True}, "data": [], "fail": []}
        return json_answer(200, caught_up)
    name, content = siem_file(index)
    headers = {"mc-siem-token": make_token(index + 1)}
    if req.get("compress"):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr(name, content)
        zip_name = name.replace(".json", ".zip")
        headers["Content-Disposition"] = f'attachment; filename="{zip_name}"'
        return Answer(200, buf.getvalue(), "application/octet-stream", headers)
    headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return Answer(200, content, "application/octet-stream", headers)


THREAT_INDICATORS = [
    ("url", "https://bad.example.net/login"),
    ("domain", "evil.example.org"),
    ("sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
]


def threat_feed(payload, make_token, parse_token) -> Answer:
    """API 1.0 threat-intel feed: one indicator per call, as STIX (JSON) or
    CSV, the next token in x-mc-threat-feed-next-token (none on the last)."""
    try:
        req = payload["data"][0]
    except (KeyError, IndexError, TypeError):
        req = {}
    token = req.get("token")
    index = 0 if not token else parse_token(token)
    if index is None or index >= len(THREAT_INDICATORS):
        index = len(THREAT_INDICATORS) - 1
    kind, value = THREAT_INDICATORS[index]
    headers = {}
    if index + 1 < len(THREAT_INDICATORS):
        headers["x-mc-threat-feed-next-token"] = make_token(index + 1)
    if req.get("fileType") == "csv":
        body = f"type,value\r\n{kind},{value}\r\n".encode("utf-8")
        return Answer(200, body, "text/csv", headers)
    bundle = {
        "type": "bundle",
        "id": f"bundle--0000000{index}",
        "objects": [{"type": "indicator", "pattern": f"[{kind}:value = '{value}']"}],
    }
    return Answer(200, json.dumps(bundle).encode("utf-8"), "application/stix+json", headers)


# ------------------------------------------------------------ API 2.0


def stream_event(i: int) -> dict:
    return {"id": f"stream-{i:04d}", "type": "receipt", "timestamp": _when(i, 1)}


def stream_page(query: str, make_token, parse_token) -> Answer:
    """GET /siem/v1/events/cg: {"value", "@nextPage", "isCaughtUp"}. The
    cursor comes as nextPage (or @nextPage, as another client spells it)."""
    q = parse_qs(query, keep_blank_values=True)
    try:
        size = int(q.get("pageSize", ["10"])[-1])
    except ValueError:
        size = 0
    if not 1 <= size <= 500:
        return api2_error(400, "invalid_page_size", "pageSize must be between 1 and 500")
    cursor = (q.get("nextPage") or q.get("@nextPage") or [None])[-1]
    offset = 0
    if cursor is not None:
        offset = parse_token(cursor)
        if offset is None:
            return api2_error(400, "invalid_cursor", "The cursor is not valid")
    elif "dateRangeStartsAt" not in q:
        return api2_error(400, "missing_parameter", "dateRangeStartsAt or nextPage is required")
    end = min(STREAM_EVENTS, offset + size)
    page = {
        "value": [stream_event(i) for i in range(offset + 1, end + 1)],
        "@nextPage": make_token(end),
        "isCaughtUp": end >= STREAM_EVENTS,
    }
    return json_answer(200, page)


def api2_error(status: int, code: str, message: str) -> Answer:
    return json_answer(status, {"error": {"code": code, "message": message}})


def echo(method: str, path: str, query: str, headers, body: bytes) -> Answer:
    """Any method: what arrived, for tests of query encoding, headers and
    bodies of any type."""
    shown = {
        k.lower(): v
        for k, v in headers.items()
        if k.lower() not in ("authorization", "x-mc-date", "x-mc-req-id", "x-mc-app-id")
    }
    return json_answer(
        200,
        {
            "method": method,
            "path": path,
            "rawQuery": query,
            "query": parse_qs(query, keep_blank_values=True),
            "headers": shown,
            "bodyBase64": base64.b64encode(body).decode("ascii"),
        },
    )
