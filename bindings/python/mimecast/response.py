"""The answer to :meth:`mimecast.Client.send`: status, headers and body."""

from __future__ import annotations

import codecs
import json as _json
from typing import Any, Dict, Iterable, Iterator, List, Mapping, Optional, Tuple

from ._abi import Status
from .errors import MalformedResponseError

__all__ = ["Headers", "Response"]


class Headers(Mapping[str, str]):
    """Response headers: a read-only mapping whose keys match in any case.

    ``headers["Content-Type"]`` and ``headers["content-type"]`` are the same
    first value; :meth:`get_all` returns every value of a repeated header, and
    :attr:`raw` every (name, value) pair in the order received. Iterating
    gives each name once, in lower case.
    """

    __slots__ = ("_raw", "_first")

    def __init__(self, pairs: Iterable[Tuple[str, str]] = ()) -> None:
        self._raw: Tuple[Tuple[str, str], ...] = tuple((n.lower(), v) for n, v in pairs)
        first: Dict[str, str] = {}
        for name, value in self._raw:
            first.setdefault(name, value)
        self._first: Mapping[str, str] = first

    def __getitem__(self, name: str) -> str:
        if not isinstance(name, str):
            raise KeyError(name)
        return self._first[name.lower()]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._first

    def __iter__(self) -> Iterator[str]:
        return iter(self._first)

    def __len__(self) -> int:
        return len(self._first)

    def get_all(self, name: str) -> List[str]:
        """Every value of header ``name`` (any case), in order; [] when absent."""
        wanted = name.lower()
        return [v for n, v in self._raw if n == wanted]

    @property
    def raw(self) -> Tuple[Tuple[str, str], ...]:
        """Every (lower-case name, value) pair, in the order received."""
        return self._raw

    def __repr__(self) -> str:
        return f"Headers({dict(self._first)!r})"


def _charset(content_type: Optional[str]) -> str:
    """The charset parameter of a Content-Type, when Python knows it; UTF-8 otherwise."""
    for param in (content_type or "").split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            name = value.strip().strip('"')
            try:
                return codecs.lookup(name).name
            except LookupError:
                break
    return "utf-8"


class Response:
    """An HTTP answer, read whole: immutable.

    Attributes:
        status: the HTTP status (``200``; any status in ``mode="raw"``).
        headers: :class:`Headers`, case-insensitive and read-only.
        body: the body as bytes, exactly as received (a zip, a CSV file, JSON).
        retries: how many times the request was retried before this answer.

    ``text`` decodes the body (the Content-Type's charset, else UTF-8, with
    undecodable bytes replaced); ``json()`` parses it.
    """

    __slots__ = ("_status", "_headers", "_body", "_retries")

    def __init__(self, status: int, headers: Headers, body: bytes, retries: int = 0) -> None:
        self._status = status
        self._headers = headers
        self._body = body
        self._retries = retries

    @property
    def status(self) -> int:
        """The HTTP status."""
        return self._status

    @property
    def headers(self) -> Headers:
        """The response headers (case-insensitive, read-only)."""
        return self._headers

    @property
    def body(self) -> bytes:
        """The body as received."""
        return self._body

    @property
    def retries(self) -> int:
        """How many times the request was retried before this answer."""
        return self._retries

    @property
    def ok(self) -> bool:
        """True for a 2xx status."""
        return 200 <= self._status < 300

    @property
    def content_type(self) -> Optional[str]:
        """The Content-Type header, or None."""
        return self._headers.get("content-type")

    @property
    def text(self) -> str:
        """The body as text: the Content-Type's charset, else UTF-8."""
        return self._body.decode(_charset(self.content_type), "replace")

    def json(self) -> Any:
        """The body parsed as JSON; MalformedResponseError when it is not JSON."""
        try:
            return _json.loads(self._body)
        except (ValueError, RecursionError):
            raise MalformedResponseError(
                f"the response body is not JSON (Content-Type {self.content_type or 'none'}, "
                f"{len(self._body)} bytes)",
                status=Status.MALFORMED_RESPONSE,
                status_name="MC_STATUS_MALFORMED_RESPONSE",
                http_status=self._status,
            ) from None

    def __setattr__(self, name: str, value: Any) -> None:
        if hasattr(self, "_retries"):  # every slot is set: the object is complete
            raise AttributeError("a mimecast.Response is read-only")
        object.__setattr__(self, name, value)

    def __repr__(self) -> str:
        # The body may hold data the caller must not log by accident: size only.
        return (
            f"<mimecast.Response {self._status} {self.content_type or 'no content type'}, "
            f"{len(self._body)} bytes>"
        )
