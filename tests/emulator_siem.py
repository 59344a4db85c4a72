"""The emulator's SIEM log sources (shared/mimecast-api.md, "Logs and SIEM").

One deterministic universe of events (ids evt-00001 ... evt-N) is served by
all three interfaces, so a test can check that a pull delivered every event
exactly as the server holds them:

- API 1.0 `POST /api/audit/get-siem-logs`: one file per call (a zip holding
  `{"type": T, "data": [events]}` when `compress`, else that JSON), the next
  token in `mc-siem-token`; JSON with `meta.isLastToken` when caught up.
- API 2.0 batch `GET /siem/v1/batch/events/{cg,ci}`: pages of presigned
  links to gzip files of newline-delimited events, on a second loopback host
  (127.0.0.2) that refuses any request carrying Authorization or x-mc-*
  headers and answers 403 to an expired or forged link.
- API 2.0 streaming `GET /siem/v1/events/{cg,ci}`: pages of events.

Pure functions; tests/mimecast_emulator.py wires them (and the files host).
"""

from __future__ import annotations

import datetime as _dt
import gzip
import hashlib
import hmac
import io
import json
import secrets
import time
import zipfile
from urllib.parse import parse_qs

from emulator_rest import Answer, api2_error, json_answer

#: Defaults of --siem-events and --siem-file-events.
DEFAULT_EVENTS = 60
DEFAULT_FILE_EVENTS = 8

BATCH_PATH_PREFIX = "/siem/v1/batch/events/"
STREAM_PATH_PREFIX = "/siem/v1/events/"
FILES_PREFIX = "/files/"

EPOCH = _dt.datetime(2026, 11, 30, 0, 0, 0, tzinfo=_dt.timezone.utc)

#: A presigned link lives this long.
LINK_TTL_S = 900


def event(n: int) -> dict:
    """Event number n (1-based): realistic in shape and size (~0.5 KiB)."""
    when = EPOCH + _dt.timedelta(seconds=n)
    return {
        "id": f"evt-{n:05d}",
        "type": ("receipt", "delivery", "process")[n % 3],
        "timestamp": when.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "processingId": hashlib.sha1(f"p{n}".encode()).hexdigest(),
        "senderEnvelope": f"sender{n % 97}@example.org",
        "recipients": [f"user{n % 13}@example.com"],
        "subject": f"Invoice {n} for order {n * 7 % 10007}",
        "direction": "Inbound" if n % 2 else "Outbound",
        "senderIp": f"198.51.100.{n % 250 + 1}",
        "tlsVersion": "TLSv1.3",
        "spamScore": n % 10,
        "attachments": [{"name": f"doc{n}.pdf", "size": 1000 + n}],
    }


def event_line(n: int) -> bytes:
    return json.dumps(event(n), separators=(",", ":")).encode("utf-8") + b"\n"


class Universe:
    """The event set and how it is cut into files, plus link signing."""

    def __init__(self, total: int = DEFAULT_EVENTS, per_file: int = DEFAULT_FILE_EVENTS):
        self.total = total
        self.per_file = max(1, per_file)
        self._key = secrets.token_bytes(16)
        self._gz_cache: dict[int, bytes] = {}

    @property
    def files(self) -> int:
        return (self.total + self.per_file - 1) // self.per_file

    def file_events(self, index: int) -> range:
        start = index * self.per_file + 1
        return range(start, min(self.total, start + self.per_file - 1) + 1)

    def ids(self) -> list[str]:
        return [f"evt-{n:05d}" for n in range(1, self.total + 1)]

    def gzip_file(self, index: int) -> bytes:
        if index not in self._gz_cache:
            raw = b"".join(event_line(n) for n in self.file_events(index))
            self._gz_cache[index] = gzip.compress(raw, compresslevel=6, mtime=0)
        return self._gz_cache[index]

    # -- presigned links: /files/<index>.json.gz?expires=...&sig=...

    def _sig(self, index: int, expires: int) -> str:
        return hmac.new(self._key, f"{index}:{expires}".encode(), hashlib.sha256).hexdigest()[:32]

    def link(self, files_base: str, index: int, expired: bool = False) -> dict:
        expires = int(time.time()) + (-60 if expired else LINK_TTL_S)
        sig = self._sig(index, expires)
        url = f"{files_base}{FILES_PREFIX}{index:05d}.json.gz?expires={expires}&sig={sig}"
        when = _dt.datetime.fromtimestamp(expires, tz=_dt.timezone.utc)
        return {
            "url": url,
            "expiry": when.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "size": len(self.gzip_file(index)),
        }

    def check_link(self, name: str, query: str) -> int | str:
        """The file index a link names, or why it is refused."""
        q = parse_qs(query)
        try:
            index = int(name.split(".", 1)[0])
            expires = int(q["expires"][0])
            sig = q["sig"][0]
        except (KeyError, ValueError, IndexError):
            return "malformed link"
        if not 0 <= index < self.files or not hmac.compare_digest(sig, self._sig(index, expires)):
            return "SignatureDoesNotMatch"
        if time.time() > expires:
            return "Request has expired"
        return index


# ---------------------------------------------------------------- API 1.0


def v1_logs(u: Universe, payload, make_token, parse_token) -> Answer:
    """POST /api/audit/get-siem-logs: one file a call."""
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
    if index >= u.files:
        caught_up = {"meta": {"status": 200, "isLastToken": True}, "data": [], "fail": []}
        return json_answer(200, caught_up)
    kind = req.get("type", "MTA")
    name = f"{kind}_{index:05d}.json"
    content = json.dumps(
        {"type": kind, "data": [event(n) for n in u.file_events(index)]}, separators=(",", ":")
    ).encode("utf-8")
    headers = {"mc-siem-token": make_token(index + 1)}
    if req.get("compress"):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr(name, content)
        headers["Content-Disposition"] = f'attachment; filename="{name[:-5]}.zip"'
        return Answer(200, buf.getvalue(), "application/octet-stream", headers)
    headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return Answer(200, content, "application/octet-stream", headers)


# ---------------------------------------------------------------- API 2.0


def _page_request(query: str, date_param: str, parse_token):
    """(page size, offset) of a SIEM page request, or an error Answer."""
    q = parse_qs(query, keep_blank_values=True)
    try:
        size = int(q.get("pageSize", ["10"])[-1])
    except ValueError:
        size = 0
    if not 1 <= size <= 500:
        return api2_error(400, "invalid_page_size", "pageSize must be between 1 and 500")
    cursor = (q.get("nextPage") or q.get("@nextPage") or [None])[-1]
    if cursor is not None:
        offset = parse_token(cursor)
        if offset is None:
            return api2_error(400, "invalid_cursor", "The cursor is not valid")
        return size, offset
    if date_param not in q:
        return api2_error(400, "missing_parameter", f"{date_param} or nextPage is required")
    return size, 0


def batch_page(
    u: Universe, query: str, files_base: str, make_token, parse_token, expire_first: int = 0
) -> Answer:
    """GET /siem/v1/batch/events/<cg|ci>: pageSize files a page."""
    req = _page_request(query, "dateRangeStartsAt", parse_token)
    if isinstance(req, Answer):
        return req
    size, offset = req
    end = min(u.files, offset + size)
    links = [u.link(files_base, i, expired=i - offset < expire_first) for i in range(offset, end)]
    return json_answer(
        200, {"value": links, "@nextPage": make_token(end), "isCaughtUp": end >= u.files}
    )


def stream_page(u: Universe, query: str, make_token, parse_token) -> Answer:
    """GET /siem/v1/events/<cg|ci>: pageSize events a page."""
    req = _page_request(query, "dateRangeStartsAt", parse_token)
    if isinstance(req, Answer):
        return req
    size, offset = req
    end = min(u.total, offset + size)
    return json_answer(
        200,
        {
            "value": [event(n) for n in range(offset + 1, end + 1)],
            "@nextPage": make_token(end),
            "isCaughtUp": end >= u.total,
        },
    )


def empty_page(query: str, make_token, parse_token) -> Answer:
    """A page with nothing in it that is not caught up: the same position."""
    q = parse_qs(query, keep_blank_values=True)
    cursor = (q.get("nextPage") or q.get("@nextPage") or [None])[-1]
    offset = (parse_token(cursor) if cursor else 0) or 0
    return json_answer(200, {"value": [], "@nextPage": make_token(offset), "isCaughtUp": False})
