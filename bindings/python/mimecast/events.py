"""SIEM event streams with checkpoints (the C library's mc_stream).

Two levels:

* :meth:`Client.events() <mimecast.Client.events>` returns :class:`Events`,
  an iterator of events (each a dict, parsed once) that is also a context
  manager. A batch is acknowledged, and the checkpoint saved, when the event
  after its last one is asked for: delivery is at least once, and a consumer
  that stops (or crashes) in the middle of a batch gets that batch again.
* :meth:`Client.open_event_stream() <mimecast.Client.open_event_stream>`
  returns :class:`EventStream` (next_batch / events / ack / progress) for
  callers that acknowledge themselves, for example after a bulk write.

The library logs progress (``batch acknowledged: N events, B bytes; ... in
all``) at INFO through the ``mimecast`` logger.
"""

from __future__ import annotations

import datetime as _dt
import json
import logging
import math
import os
from ctypes import POINTER, byref, c_bool, c_char_p, c_size_t, c_void_p
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterator, List, Optional, Sequence, Union

from ._abi import Status, StreamKind, mc_stream, mc_stream_options, mc_stream_progress
from ._ffi import NativeLibrary
from .errors import InvalidArgumentError, MalformedResponseError

if TYPE_CHECKING:
    from .client import Client

__all__ = ["EventStream", "Events", "Progress", "StreamKind", "StreamKindLike", "TimeLike"]

_U32_MAX = 0xFFFFFFFF
_U64_MAX = 0xFFFFFFFFFFFFFFFF
_LOG = logging.getLogger("mimecast")

#: ``kind=``: a StreamKind, or its name: "siem_v1", "batch", "stream".
StreamKindLike = Union[StreamKind, str]
#: ``start=`` / ``end=``: "YYYY-MM-DD" (or for "stream" an ISO 8601 UTC time
#: with milliseconds), a date, or an aware datetime (written in UTC).
TimeLike = Union[str, _dt.date, _dt.datetime]


def _invalid(message: str) -> InvalidArgumentError:
    return InvalidArgumentError(
        message, status=Status.INVALID_ARGUMENT, status_name="MC_STATUS_INVALID_ARGUMENT"
    )


def _kind(kind: Any) -> StreamKind:
    if isinstance(kind, StreamKind):
        return kind
    if isinstance(kind, str):
        name = kind.strip().upper().replace("-", "_")
        if name in StreamKind.__members__:
            return StreamKind[name]
    names = ", ".join(repr(k.lower()) for k in StreamKind.__members__)
    raise _invalid(f"kind must be a mimecast.StreamKind or one of {names}")


def _time(value: Any, what: str) -> Optional[str]:
    """A start/end as the library takes it: text as given (the library checks
    it); a datetime in UTC with milliseconds; a date as YYYY-MM-DD."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise _invalid(f"{what} must be an aware datetime (give tzinfo, e.g. UTC)")
        utc = value.astimezone(_dt.timezone.utc)
        return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"
    if isinstance(value, _dt.date):
        return value.isoformat()
    raise _invalid(f"{what} must be a str, a date or a datetime")


def _types(types: Any) -> List[str]:
    if types is None:
        return []
    if isinstance(types, str):
        return [types]
    if isinstance(types, Sequence) and all(isinstance(t, str) for t in types):
        return list(types)
    raise _invalid("types must be a str or a list of str")


@dataclass(frozen=True)
class Progress:
    """How far a stream got (``mc_stream_progress``).

    ``events``/``bytes``: handed out since the stream was opened (bytes of
    decompressed JSON); ``batches``: acknowledged since then;
    ``total_events``/``total_bytes``: acknowledged over the checkpoint's
    whole life (across restarts)."""

    events: int
    bytes: int
    batches: int
    total_events: int
    total_bytes: int


class EventStream:
    """One pull of SIEM events, batch by batch (the C ``mc_stream``).

    Made by :meth:`Client.open_event_stream`. Use::

        with client.open_event_stream("batch", types="receipt", checkpoint="cp.json") as s:
            while s.next_batch():
                for event in s.events():
                    handle(event)
                s.ack()              # the checkpoint moves past the batch

    Not thread-safe: one thread at a time (calls in turn from different
    threads are fine). What was not acknowledged is not saved: after a crash
    or a :meth:`close`, the pull resumes at the first unacknowledged batch.
    """

    def __init__(self, client: "Client", options: "StreamOptions") -> None:
        self._client = client
        self._ptr: Any = None
        self._lib: Optional[NativeLibrary] = None
        with client._use() as handle:
            lib = client._lib
            assert lib is not None
            native = options.build(lib)
            try:
                out = POINTER(mc_stream)()
                _check(lib, lib.mc_stream_open, handle, native, byref(out))
            finally:
                lib.mc_stream_options_free(native)
        self._lib = lib
        self._ptr = out
        self._next_fn = lib.mc_stream_next_event
        self._text = c_char_p()
        self._size = c_size_t()
        self._data_ref = byref(c_void_p.from_buffer(self._text))
        self._size_ref = byref(self._size)
        self.kind = options.kind
        self.checkpoint = options.checkpoint

    def _native(self) -> Any:
        if not self._ptr:
            raise ValueError("this event stream is closed")
        return self._ptr

    def next_batch(self) -> bool:
        """Moves to the next batch (a file or a page), fetching it; False when
        the pull is caught up (never when following: it waits and polls).
        The batch before must have been acknowledged."""
        ptr = self._native()
        has = c_bool(False)
        with self._client._use():
            lib = self._lib
            assert lib is not None
            self._client._request_call(lib.mc_stream_next_batch, ptr, byref(has))
        return bool(has.value)

    def next_event(self) -> Optional[Any]:
        """The next event of the current batch, or None when it has no more."""
        text = self._next_text()
        if text is None:
            return None
        try:
            return _DECODER.decode(text.decode("utf-8"))
        except (ValueError, RecursionError) as exc:
            raise _malformed_event(exc) from None

    def _next_text(self) -> Optional[bytes]:
        # The per-event path of every pull: one native call and one copy,
        # with the out-arguments made once (see make bench). The event
        # pointer is written through a c_void_p (the declared type) and read
        # through a c_char_p over the same bytes: .value copies the
        # NUL-terminated text without a second foreign call (string_at).
        status = self._next_fn(self._native(), self._data_ref, self._size_ref)
        if status:
            lib = self._lib
            assert lib is not None
            _check_status(lib, status)
        event: Optional[bytes] = self._text.value
        if event is not None and len(event) != self._size.value:
            raise _malformed_event(ValueError("the event contains a NUL byte"))
        return event

    def events(self) -> Iterator[Any]:
        """The remaining events of the current batch."""
        while True:
            event = self.next_event()
            if event is None:
                return
            yield event

    def read(self, max_events: int = 1000, max_bytes: int = 1 << 20) -> List[Any]:
        """Up to ``max_events`` further events of the current batch (fewer
        once ``max_bytes`` of JSON are read); an empty list at its end."""
        decode = _DECODER.decode
        out: List[Any] = []
        total = 0
        while len(out) < max_events and total < max_bytes:
            text = self._next_text()
            if text is None:
                break
            total += len(text)
            try:
                out.append(decode(text.decode("utf-8")))
            except (ValueError, RecursionError) as exc:
                raise _malformed_event(exc) from None
        return out

    @property
    def batch_file(self) -> Optional[str]:
        """The file the current batch (API 1.0: the event last read) came from."""
        lib = self._lib
        assert lib is not None
        name = lib.mc_stream_batch_file(self._native())
        return name.decode("utf-8", "replace") if name else None

    def ack(self) -> None:
        """Acknowledges the current batch: its events were handled. The
        position moves past it and the checkpoint file (if any) is saved
        atomically. If saving fails (MimecastIOError: disk full, read-only)
        the previous checkpoint stays and the batch may be acknowledged again."""
        lib = self._lib
        assert lib is not None
        _check(lib, lib.mc_stream_ack, self._native())

    @property
    def progress(self) -> Progress:
        """Events and bytes so far (see :class:`Progress`)."""
        lib = self._lib
        assert lib is not None
        p = mc_stream_progress()
        _check(lib, lib.mc_stream_stats, self._native(), byref(p))
        return Progress(
            int(p.events), int(p.bytes), int(p.batches), int(p.total_events), int(p.total_bytes)
        )

    @property
    def closed(self) -> bool:
        return not self._ptr

    def close(self) -> None:
        """Frees the native stream (idempotent). What was not acknowledged is
        not saved."""
        ptr, self._ptr = self._ptr, None
        if ptr and self._lib is not None:
            self._lib.mc_stream_free(ptr)

    def __enter__(self) -> "EventStream":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass

    def __repr__(self) -> str:
        state = "closed" if self.closed else "open"
        return f"<mimecast.EventStream {self.kind.name.lower()} {state}>"


class Events:
    """Every event of a pull, in order: an iterator (a dict per event,
    parsed once) that is also a context manager closing the stream.

    Made by :meth:`Client.events`. The stream is opened on the first
    ``next()``; a batch is acknowledged (the checkpoint saved) when the event
    after its last one is asked for, so a consumer that breaks out of the
    loop or crashes gets at most the batch it was in again, and nothing is
    skipped. :attr:`progress` tells how far it got; :attr:`stream` is the
    underlying :class:`EventStream` once open.
    """

    def __init__(self, client: "Client", options: "StreamOptions") -> None:
        self._client = client
        self._options = options
        self.stream: Optional[EventStream] = None
        self._in_batch = False
        self._done = False
        self._last_progress: Optional[Progress] = None

    def __iter__(self) -> "Events":
        return self

    def __next__(self) -> Any:
        # One event at a time: a consumer that drops each event frees it at
        # once (a buffer of parsed events costs the cyclic GC's time).
        if self._done:
            raise StopIteration
        try:
            stream = self._open()
            while True:
                if self._in_batch:
                    event = stream.next_event()
                    if event is not None:
                        return event
                if not self._next_batch(stream):
                    raise StopIteration
        except BaseException:
            self.close()
            raise

    def _next_chunk(self, max_events: int, max_bytes: int) -> List[Any]:
        """The next events (at most one batch's), acknowledging a finished
        batch first; an empty list when the pull is over. What the asyncio
        layer runs in its worker thread."""
        if self._done:
            return []
        try:
            stream = self._open()
            while True:
                if self._in_batch:
                    chunk = stream.read(max_events, max_bytes)
                    if chunk:
                        return chunk
                if not self._next_batch(stream):
                    return []
        except BaseException:
            self.close()
            raise

    def _open(self) -> EventStream:
        if self.stream is None:
            self.stream = EventStream(self._client, self._options)
        return self.stream

    def _next_batch(self, stream: EventStream) -> bool:
        """Acknowledges the batch read to its end (its every event was asked
        for, and one more), then moves to the next; False when caught up."""
        if self._in_batch:
            stream.ack()
            self._in_batch = False
        if not stream.next_batch():
            self._finish()
            return False
        self._in_batch = True
        return True

    def _finish(self) -> None:
        if self.stream is not None:
            p = self.stream.progress
            _LOG.info(
                "%s stream caught up: %d events, %d bytes in %d batches (%d events in all)",
                self._options.kind.name.lower(),
                p.events,
                p.bytes,
                p.batches,
                p.total_events,
            )
        self.close()

    @property
    def progress(self) -> Optional[Progress]:
        """Events and bytes so far (None before the stream is opened)."""
        if self.stream is None:
            return None
        if self.stream.closed:
            return self._last_progress
        return self.stream.progress

    def close(self) -> None:
        """Closes the stream (idempotent). A batch not read to its end is not
        acknowledged."""
        self._done = True
        stream = self.stream
        if stream is not None and not stream.closed:
            self._last_progress = stream.progress
            stream.close()

    def __enter__(self) -> "Events":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass


class StreamOptions:
    """What a stream pulls, checked in Python for types and by the library
    for values (mc_stream_options_*)."""

    def __init__(
        self,
        kind: StreamKindLike,
        *,
        types: Union[None, str, Sequence[str]] = None,
        start: Optional[TimeLike] = None,
        end: Optional[TimeLike] = None,
        page_size: int = 0,
        checkpoint: Union[None, str, "os.PathLike[str]"] = None,
        follow: bool = False,
        poll_interval: float = 60.0,
        path: Optional[str] = None,
        max_batch_bytes: Optional[int] = None,
    ) -> None:
        from .client import _enc

        self.kind = _kind(kind)
        self.types = [_enc(t, "an event type") for t in _types(types)]
        self.start = _enc(_time(start, "start"), "start")
        self.end = _enc(_time(end, "end"), "end")
        if isinstance(page_size, bool) or not isinstance(page_size, int):
            raise _invalid("page_size must be an int >= 0")
        if not 0 <= page_size <= _U32_MAX:
            raise _invalid("page_size must be an int >= 0")
        self.page_size = page_size
        self.checkpoint = None if checkpoint is None else os.fspath(checkpoint)
        self.checkpoint_b = _enc(checkpoint, "checkpoint", path=True)
        if not isinstance(follow, bool):
            raise _invalid("follow must be True or False")
        self.follow = follow
        if (
            isinstance(poll_interval, bool)
            or not isinstance(poll_interval, (int, float))
            or not math.isfinite(poll_interval)
            or not 1 <= poll_interval <= _U32_MAX / 1000
        ):
            raise _invalid("poll_interval must be a number of seconds >= 1")
        self.poll_ms = math.ceil(poll_interval * 1000)
        self.path = _enc(path, "path")
        if max_batch_bytes is not None and (
            isinstance(max_batch_bytes, bool)
            or not isinstance(max_batch_bytes, int)
            or not 1 <= max_batch_bytes <= _U64_MAX
        ):
            raise _invalid("max_batch_bytes must be an int >= 1")
        self.max_batch_bytes = max_batch_bytes

    def build(self, lib: NativeLibrary) -> Any:
        """Native options (the caller frees them with mc_stream_options_free)."""
        out = POINTER(mc_stream_options)()
        _check(lib, lib.mc_stream_options_new, int(self.kind), byref(out))
        try:
            for t in self.types:
                _check(lib, lib.mc_stream_options_add_type, out, t)
            if self.start is not None:
                _check(lib, lib.mc_stream_options_set_start, out, self.start)
            if self.end is not None:
                _check(lib, lib.mc_stream_options_set_end, out, self.end)
            _check(lib, lib.mc_stream_options_set_page_size, out, self.page_size)
            if self.checkpoint_b is not None:
                _check(lib, lib.mc_stream_options_set_checkpoint, out, self.checkpoint_b)
            _check(lib, lib.mc_stream_options_set_follow, out, self.follow, self.poll_ms)
            if self.path is not None:
                _check(lib, lib.mc_stream_options_set_path, out, self.path)
            if self.max_batch_bytes is not None:
                _check(lib, lib.mc_stream_options_set_max_batch_bytes, out, self.max_batch_bytes)
        except BaseException:
            lib.mc_stream_options_free(out)
            raise
        return out


def _check(lib: NativeLibrary, func: Any, *args: Any) -> None:
    from .client import _call

    _call(lib, func, *args)


_DECODER = json.JSONDecoder()


def _malformed_event(exc: BaseException) -> MalformedResponseError:
    return MalformedResponseError(
        f"an event is not valid JSON: {exc}",
        status=Status.MALFORMED_RESPONSE,
        status_name="MC_STATUS_MALFORMED_RESPONSE",
    )


def _check_status(lib: NativeLibrary, status: int) -> None:
    from .client import _raise_last_error

    _raise_last_error(lib, status)
