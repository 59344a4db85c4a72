"""Building a native request (mc_call) from Python arguments (internal).

Python checks only the types; the library checks the values (methods,
headers it owns, query names, JSON, sizes), so every binding refuses the same
mistakes, and before anything is sent.
"""

from __future__ import annotations

import json as _json
from ctypes import POINTER, byref
from typing import Any, Callable, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from ._abi import ResponseMode, Status, mc_call
from ._ffi import NativeLibrary
from .errors import InvalidArgumentError

__all__ = ["NativeCall", "Query", "RequestHeaders", "Mode"]

#: A query value: text, or a number or flag written as text (True -> "true").
QueryScalar = Union[str, int, float, bool]
#: ``query=``: a mapping (a list or tuple value repeats the name; None skips
#: it) or (name, value) pairs in order.
Query = Union[
    Mapping[str, Union[QueryScalar, Sequence[QueryScalar], None]],
    Iterable[Tuple[str, QueryScalar]],
]
#: ``headers=``: a mapping or (name, value) pairs.
RequestHeaders = Union[Mapping[str, Union[str, int]], Iterable[Tuple[str, Union[str, int]]]]
#: ``mode=``: "json" (default), "any", "raw", or a ResponseMode.
Mode = Union[str, ResponseMode]

_MODES = {"json": ResponseMode.JSON, "any": ResponseMode.ANY, "raw": ResponseMode.RAW}


def _invalid(message: str) -> InvalidArgumentError:
    return InvalidArgumentError(
        message, status=Status.INVALID_ARGUMENT, status_name="MC_STATUS_INVALID_ARGUMENT"
    )


def _utf8(value: str, what: str) -> bytes:
    data = value.encode("utf-8")
    if b"\x00" in data:
        raise _invalid(f"{what} contains a NUL character")
    return data


def _text(value: Any, what: str) -> bytes:
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, not {type(value).__name__}")
    return _utf8(value, what)


def _query_value(value: Any, name: str) -> str:
    if isinstance(value, bool):  # before int: bool is an int
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    raise TypeError(f"query parameter {name!r} must be a str, int, float or bool")


def query_pairs(query: Optional[Query]) -> List[Tuple[str, str]]:
    """``query=`` as ordered (name, value) text pairs."""
    if query is None:
        return []
    if isinstance(query, (str, bytes)):
        raise TypeError("query must be a mapping or (name, value) pairs, not a string")
    pairs: List[Tuple[str, str]] = []
    if isinstance(query, Mapping):
        for name, value in query.items():
            if not isinstance(name, str):
                raise TypeError("query parameter names must be str")
            if value is None:
                continue
            if isinstance(value, (list, tuple)):
                pairs.extend((name, _query_value(v, name)) for v in value)
            else:
                pairs.append((name, _query_value(value, name)))
        return pairs
    for pair in query:
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise TypeError("query pairs must be (name, value) tuples")
        name, value = pair
        if not isinstance(name, str):
            raise TypeError("query parameter names must be str")
        pairs.append((name, _query_value(value, name)))
    return pairs


def header_pairs(headers: Optional[RequestHeaders]) -> List[Tuple[str, str]]:
    """``headers=`` as ordered (name, value) text pairs."""
    if headers is None:
        return []
    if isinstance(headers, (str, bytes)):
        raise TypeError("headers must be a mapping or (name, value) pairs, not a string")
    items: Iterable[Any] = headers.items() if isinstance(headers, Mapping) else headers
    pairs: List[Tuple[str, str]] = []
    for pair in items:
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise TypeError("header pairs must be (name, value) tuples")
        name, value = pair
        if not isinstance(name, str) or isinstance(value, bool):
            raise TypeError("header names must be str and values str or int")
        if not isinstance(value, (str, int)):
            raise TypeError(f"the value of header {name!r} must be a str or int")
        pairs.append((name, str(value)))
    return pairs


def response_mode(mode: Mode) -> int:
    if isinstance(mode, ResponseMode):
        return int(mode)
    if isinstance(mode, str) and mode.lower() in _MODES:
        return int(_MODES[mode.lower()])
    raise _invalid('mode must be "json", "any", "raw" or a mimecast.ResponseMode')


class NativeCall:
    """Owns one mc_call; freed by :meth:`close` (idempotent) or when collected."""

    def __init__(self, lib: NativeLibrary, check: Callable[..., None], method: Any, path: Any):
        self._lib = lib
        self._check = check
        self.ptr: Any = POINTER(mc_call)()
        check(lib, lib.mc_call_new, _text(method, "method"), _text(path, "path"), byref(self.ptr))

    @classmethod
    def build(
        cls,
        lib: NativeLibrary,
        check: Callable[..., None],
        method: Any,
        path: Any,
        *,
        query: Optional[Query] = None,
        headers: Optional[RequestHeaders] = None,
        json: Any = None,
        body: Union[None, bytes, bytearray, memoryview, str] = None,
        content_type: Optional[str] = None,
        mode: Mode = "json",
    ) -> "NativeCall":
        """Checks every argument's type first, then builds the call (the
        library checks the values); on any failure nothing is left allocated."""
        queries = query_pairs(query)
        extra = header_pairs(headers)
        mode_value = response_mode(mode)
        if json is not None and body is not None:
            raise _invalid("give the body as json= or as body=, not both")
        if content_type is not None and not isinstance(content_type, str):
            raise TypeError("content_type must be a str")
        payload: Optional[bytes] = None
        if json is not None:
            try:
                text = _json.dumps(
                    json, ensure_ascii=False, separators=(",", ":"), allow_nan=False
                )
            except ValueError as exc:  # NaN, infinity, a cycle: JSON cannot say it
                raise _invalid(f"json= cannot be written as JSON: {exc}") from None
            payload = text.encode("utf-8")
        elif isinstance(body, str):
            payload = body.encode("utf-8")
            content_type = content_type or "text/plain; charset=utf-8"
        elif isinstance(body, (bytes, bytearray, memoryview)):
            payload = bytes(body)
            content_type = content_type or "application/octet-stream"
        elif body is not None:
            raise TypeError(f"body must be bytes or str, not {type(body).__name__}")
        elif content_type is not None:
            raise _invalid("content_type was given without a body")
        if content_type is not None and content_type.strip().lower() == "application/json":
            # JSON text given as it is: the library checks it is one JSON value.
            content_type = None

        call = cls(lib, check, method, path)
        try:
            for name, value in queries:
                encoded = (_utf8(name, "a query name"), _utf8(value, f"query parameter {name!r}"))
                check(lib, lib.mc_call_add_query, call.ptr, *encoded)
            for name, value in extra:
                encoded = (_utf8(name, "a header name"), _utf8(value, f"header {name!r}"))
                check(lib, lib.mc_call_add_header, call.ptr, *encoded)
            if payload is not None and content_type is None:
                if b"\x00" in payload:
                    raise _invalid("the JSON body contains a NUL byte")
                check(lib, lib.mc_call_set_json, call.ptr, payload)
            elif payload is not None:
                kind = _utf8(content_type or "", "content_type")
                check(lib, lib.mc_call_set_body, call.ptr, kind, payload, len(payload))
            check(lib, lib.mc_call_set_response_mode, call.ptr, mode_value)
        except BaseException:
            call.close()
            raise
        return call

    def close(self) -> None:
        ptr, self.ptr = self.ptr, None
        if ptr:
            self._lib.mc_call_free(ptr)

    def __enter__(self) -> "NativeCall":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass
