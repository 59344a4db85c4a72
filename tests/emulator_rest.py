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
ECHO_PATH = "/api/v2/echo"

#: Domains discovery knows (any address at them belongs to this account).
KNOWN_DOMAINS = ("example.com", "exämple.com")

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
