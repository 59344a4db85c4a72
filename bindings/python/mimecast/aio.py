"""asyncio: :class:`AsyncClient`, the same calls as :class:`mimecast.Client`
as coroutines and async iterators.

Each native call runs in a worker thread of the event loop's default
executor (ctypes releases the GIL), with a cancellation flag of the C library
(``mc_cancel``) attached to that thread. Cancelling the task (``task.cancel()``,
``asyncio.wait_for``, ``asyncio.timeout``, a TaskGroup failing) raises the
flag: the native call returns within about 20 ms, whatever it is waiting
for (connecting, TLS, the answer, a retry back-off, a follow poll), and
the task gets :class:`asyncio.CancelledError` once the worker has returned,
so nothing is left running behind it. Nothing more is sent after the
cancel; a request already sent may have been processed.

::

    import asyncio, mimecast.aio

    async def main() -> None:
        async with mimecast.aio.AsyncClient.from_env() as client:
            account = await client.get_account()
            async for click in client.iter_items("/api/ttp/url/get-logs"):
                print(click["url"])
            async with client.events("batch", checkpoint="siem.cp") as events:
                async for event in events:
                    print(event["id"])

    asyncio.run(main())
"""

from __future__ import annotations

import asyncio
import contextvars
import os
import threading
from collections import deque
from typing import (
    Any,
    AsyncIterator,
    Callable,
    Deque,
    Dict,
    Iterator,
    List,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    TypeVar,
    Union,
)

from . import _ffi
from ._call import Mode, Query, RequestHeaders
from ._ffi import NativeLibrary
from .client import Client, JSONBody, _call, discover_base_url
from .events import Events, EventStream, Progress, StreamKindLike, StreamOptions, TimeLike
from .models import Account, SignedHeaders
from .response import Response

__all__ = [
    "AsyncClient",
    "AsyncPull",
    "AsyncEvents",
    "AsyncEventStream",
    "discover_base_url_async",
]

T = TypeVar("T")
PathLike = Union[str, "os.PathLike[str]"]


class _Flag:
    """One mc_cancel flag: raised from the event loop's thread, attached in
    the worker's. The lock keeps a raise from racing the free."""

    def __init__(self, lib: NativeLibrary) -> None:
        self._lib = lib
        self._lock = threading.Lock()
        self._ptr: Any = lib.mc_cancel_new()

    def attach(self) -> None:
        _call(self._lib, self._lib.mc_cancel_attach, self._ptr)

    def cancel(self) -> None:
        with self._lock:
            if self._ptr:
                self._lib.mc_cancel_cancel(self._ptr)

    def free(self) -> None:
        with self._lock:
            ptr, self._ptr = self._ptr, None
        if ptr:
            self._lib.mc_cancel_free(ptr)


async def _in_worker(fn: Callable[[], T]) -> T:
    """Runs ``fn`` (which makes native calls) in a worker thread with a
    cancellation flag attached there; cancelling the awaiting task raises
    the flag and waits for the worker to return before re-raising."""
    lib = _ffi.load()
    loop = asyncio.get_running_loop()
    flag = _Flag(lib)
    context = contextvars.copy_context()  # what asyncio.to_thread does (3.9+)

    def work() -> T:
        flag.attach()
        try:
            return context.run(fn)
        finally:
            lib.mc_cancel_detach()

    try:
        future = loop.run_in_executor(None, work)
    except BaseException:
        flag.free()
        raise
    try:
        return await asyncio.shield(future)
    except asyncio.CancelledError:
        flag.cancel()
        # The native call returns promptly now; wait for it (even if
        # cancelled again) so that nothing it uses is freed under it.
        while not future.done():
            try:
                await asyncio.wait({future})
            except asyncio.CancelledError:
                continue
        if not future.cancelled():
            future.exception()  # retrieved: its CancelledError is this one
        raise
    finally:
        if future.done():
            flag.free()
        else:  # the loop is going away under us: free when the worker is done
            future.add_done_callback(lambda _f: flag.free())


_Chunk = Tuple[List[T], Optional[Exception], bool]


def _take(it: Iterator[T], count: int) -> "_Chunk[T]":
    """Up to ``count`` items of ``it``: (items, the error that stopped it,
    whether it is over). Items read before an error are delivered first."""
    items: List[T] = []
    try:
        for _ in range(count):
            items.append(next(it))
    except StopIteration:
        return items, None, True
    except Exception as exc:  # delivered after the items read before it
        return items, exc, True
    return items, None, False


class AsyncPull(AsyncIterator[T]):
    """An async iterator over a pull of :class:`mimecast.Client` (pages or
    items), fetched in a worker thread a page at a time. Also an async
    context manager; :meth:`aclose` frees the native pull."""

    def __init__(self, pull: Iterator[T], chunk: int) -> None:
        self._pull = pull
        self._chunk = max(1, chunk)
        self._buffer: Deque[T] = deque()
        self._error: Optional[Exception] = None
        self._over = False

    def __aiter__(self) -> "AsyncPull[T]":
        return self

    async def __anext__(self) -> T:
        while not self._buffer:
            if self._error is not None:
                error, self._error = self._error, None
                raise error
            if self._over:
                raise StopAsyncIteration
            try:
                chunk: _Chunk[T] = await _in_worker(lambda: _take(self._pull, self._chunk))
            except BaseException:
                self._over = True
                self._close()
                raise
            self._buffer.extend(chunk[0])
            self._error, self._over = chunk[1], chunk[2]
        return self._buffer.popleft()

    def _close(self) -> None:
        close = getattr(self._pull, "close", None)
        if close is not None:
            close()  # frees the native pull; no I/O

    async def aclose(self) -> None:
        self._over = True
        self._buffer.clear()
        self._close()

    async def __aenter__(self) -> "AsyncPull[T]":
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        await self.aclose()


class AsyncEvents(AsyncIterator[Any]):
    """Every event of a pull (see :meth:`mimecast.Client.events`) as an async
    iterator and async context manager. Batches are acknowledged when the
    event after their last one is asked for; cancelling the task stops the
    pull (a follow wait included) within about 20 ms, keeping the checkpoint
    at the last acknowledged batch."""

    def __init__(self, events: Events) -> None:
        self._events = events
        self._buffer: Deque[Any] = deque()

    def __aiter__(self) -> "AsyncEvents":
        return self

    async def __anext__(self) -> Any:
        if not self._buffer:
            chunk = await _in_worker(lambda: self._events._next_chunk(256, 1 << 20))
            if not chunk:
                raise StopAsyncIteration
            self._buffer.extend(chunk)
        return self._buffer.popleft()

    @property
    def progress(self) -> Optional[Progress]:
        """Events and bytes so far (None before the stream is opened)."""
        return self._events.progress

    async def aclose(self) -> None:
        """Closes the stream; a batch not read to its end is not acknowledged."""
        self._buffer.clear()
        self._events.close()

    async def __aenter__(self) -> "AsyncEvents":
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        await self.aclose()


class AsyncEventStream:
    """:class:`mimecast.EventStream` with its fetching calls as coroutines:
    ``await next_batch()``, ``await read()``, ``await ack()``."""

    def __init__(self, stream: EventStream) -> None:
        self.stream = stream

    async def next_batch(self) -> bool:
        """Moves to the next batch; False when caught up (see EventStream)."""
        return await _in_worker(self.stream.next_batch)

    async def read(self, max_events: int = 1000, max_bytes: int = 1 << 20) -> List[Any]:
        """Up to ``max_events`` further events of the current batch; [] at its end."""
        return await _in_worker(lambda: self.stream.read(max_events, max_bytes))

    async def events(self) -> AsyncIterator[Any]:
        """The remaining events of the current batch."""
        while True:
            chunk = await self.read()
            if not chunk:
                return
            for event in chunk:
                yield event

    async def ack(self) -> None:
        """Acknowledges the current batch (saves the checkpoint: file I/O)."""
        await _in_worker(self.stream.ack)

    @property
    def batch_file(self) -> Optional[str]:
        return self.stream.batch_file

    @property
    def progress(self) -> Progress:
        return self.stream.progress

    async def aclose(self) -> None:
        self.stream.close()

    async def __aenter__(self) -> "AsyncEventStream":
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        await self.aclose()


async def discover_base_url_async(
    email: str,
    app_id: Optional[str] = None,
    *,
    discovery_url: Optional[str] = None,
    timeout: Optional[float] = None,
    connect_timeout: Optional[float] = None,
    ca_bundle: Optional[PathLike] = None,
    allow_insecure_http: bool = False,
    max_retries: Optional[int] = None,
    retry_budget: Optional[float] = None,
    retry_after_send: bool = False,
    proxy: Optional[str] = None,
    max_response_bytes: Optional[int] = None,
    log: Optional[bool] = None,
) -> str:
    """:func:`mimecast.discover_base_url` as a cancellable coroutine."""
    return await _in_worker(
        lambda: discover_base_url(
            email,
            app_id,
            discovery_url=discovery_url,
            timeout=timeout,
            connect_timeout=connect_timeout,
            ca_bundle=ca_bundle,
            allow_insecure_http=allow_insecure_http,
            max_retries=max_retries,
            retry_budget=retry_budget,
            retry_after_send=retry_after_send,
            proxy=proxy,
            max_response_bytes=max_response_bytes,
            log=log,
        )
    )


class AsyncClient:
    """The asyncio client: :class:`mimecast.Client`'s constructors, options
    and calls, with every call that does I/O a coroutine and every pull an
    async iterator. See the module documentation for cancellation.

    ``sign()`` does no I/O and stays a plain method. The client is an async
    context manager; :meth:`aclose` waits (in a worker thread) for calls in
    progress, then frees the native client. :attr:`sync` is the underlying
    thread-safe :class:`mimecast.Client`, usable at the same time.
    """

    def __init__(
        self,
        base_url: str,
        app_id: str,
        app_key: str,
        access_key: str,
        secret_key: str,
        *,
        timeout: Optional[float] = None,
        connect_timeout: Optional[float] = None,
        ca_bundle: Optional[PathLike] = None,
        allow_insecure_http: bool = False,
        max_retries: Optional[int] = None,
        retry_budget: Optional[float] = None,
        retry_after_send: bool = False,
        proxy: Optional[str] = None,
        max_response_bytes: Optional[int] = None,
        log: Optional[bool] = None,
    ) -> None:
        self.sync = Client(
            base_url,
            app_id,
            app_key,
            access_key,
            secret_key,
            timeout=timeout,
            connect_timeout=connect_timeout,
            ca_bundle=ca_bundle,
            allow_insecure_http=allow_insecure_http,
            max_retries=max_retries,
            retry_budget=retry_budget,
            retry_after_send=retry_after_send,
            proxy=proxy,
            max_response_bytes=max_response_bytes,
            log=log,
        )

    @classmethod
    def wrap(cls, client: Client) -> "AsyncClient":
        """An AsyncClient over an existing client (sharing it; closing either
        closes both)."""
        if not isinstance(client, Client):
            raise TypeError("client must be a mimecast.Client")
        self = cls.__new__(cls)
        self.sync = client
        return self

    @classmethod
    def oauth(
        cls,
        client_id: str,
        client_secret: str,
        base_url: Optional[str] = None,
        *,
        timeout: Optional[float] = None,
        connect_timeout: Optional[float] = None,
        ca_bundle: Optional[PathLike] = None,
        allow_insecure_http: bool = False,
        max_retries: Optional[int] = None,
        retry_budget: Optional[float] = None,
        retry_after_send: bool = False,
        proxy: Optional[str] = None,
        max_response_bytes: Optional[int] = None,
        log: Optional[bool] = None,
    ) -> "AsyncClient":
        """An API 2.0 client (see :meth:`mimecast.Client.oauth`)."""
        return cls.wrap(
            Client.oauth(
                client_id,
                client_secret,
                base_url,
                timeout=timeout,
                connect_timeout=connect_timeout,
                ca_bundle=ca_bundle,
                allow_insecure_http=allow_insecure_http,
                max_retries=max_retries,
                retry_budget=retry_budget,
                retry_after_send=retry_after_send,
                proxy=proxy,
                max_response_bytes=max_response_bytes,
                log=log,
            )
        )

    @classmethod
    def from_env(
        cls,
        environ: Optional[Mapping[str, str]] = None,
        *,
        timeout: Optional[float] = None,
        connect_timeout: Optional[float] = None,
        ca_bundle: Optional[PathLike] = None,
        allow_insecure_http: bool = False,
        max_retries: Optional[int] = None,
        retry_budget: Optional[float] = None,
        retry_after_send: bool = False,
        proxy: Optional[str] = None,
        max_response_bytes: Optional[int] = None,
        log: Optional[bool] = None,
    ) -> "AsyncClient":
        """A client from the MIMECAST_* variables (see :meth:`mimecast.Client.from_env`)."""
        return cls.wrap(
            Client.from_env(
                environ,
                timeout=timeout,
                connect_timeout=connect_timeout,
                ca_bundle=ca_bundle,
                allow_insecure_http=allow_insecure_http,
                max_retries=max_retries,
                retry_budget=retry_budget,
                retry_after_send=retry_after_send,
                proxy=proxy,
                max_response_bytes=max_response_bytes,
                log=log,
            )
        )

    @classmethod
    def from_postman(
        cls,
        path: PathLike,
        *,
        timeout: Optional[float] = None,
        connect_timeout: Optional[float] = None,
        ca_bundle: Optional[PathLike] = None,
        allow_insecure_http: bool = False,
        max_retries: Optional[int] = None,
        retry_budget: Optional[float] = None,
        retry_after_send: bool = False,
        proxy: Optional[str] = None,
        max_response_bytes: Optional[int] = None,
        log: Optional[bool] = None,
    ) -> "AsyncClient":
        """A client from a Postman environment export (see
        :meth:`mimecast.Client.from_postman`)."""
        return cls.wrap(
            Client.from_postman(
                path,
                timeout=timeout,
                connect_timeout=connect_timeout,
                ca_bundle=ca_bundle,
                allow_insecure_http=allow_insecure_http,
                max_retries=max_retries,
                retry_budget=retry_budget,
                retry_after_send=retry_after_send,
                proxy=proxy,
                max_response_bytes=max_response_bytes,
                log=log,
            )
        )

    @classmethod
    async def discover(
        cls,
        email: str,
        app_id: str,
        app_key: str,
        access_key: str,
        secret_key: str,
        *,
        discovery_url: Optional[str] = None,
        timeout: Optional[float] = None,
        connect_timeout: Optional[float] = None,
        ca_bundle: Optional[PathLike] = None,
        allow_insecure_http: bool = False,
        max_retries: Optional[int] = None,
        retry_budget: Optional[float] = None,
        retry_after_send: bool = False,
        proxy: Optional[str] = None,
        max_response_bytes: Optional[int] = None,
        log: Optional[bool] = None,
    ) -> "AsyncClient":
        """An API 1.0 client for the account ``email`` belongs to, found first
        (see :meth:`mimecast.Client.discover`); a cancellable coroutine."""
        client = await _in_worker(
            lambda: Client.discover(
                email,
                app_id,
                app_key,
                access_key,
                secret_key,
                discovery_url=discovery_url,
                timeout=timeout,
                connect_timeout=connect_timeout,
                ca_bundle=ca_bundle,
                allow_insecure_http=allow_insecure_http,
                max_retries=max_retries,
                retry_budget=retry_budget,
                retry_after_send=retry_after_send,
                proxy=proxy,
                max_response_bytes=max_response_bytes,
                log=log,
            )
        )
        return cls.wrap(client)

    # -- lifetime

    @property
    def closed(self) -> bool:
        return self.sync.closed

    async def aclose(self) -> None:
        """Closes the client: waits, in a worker thread, for calls in
        progress to return, then frees the native client. Idempotent."""
        if not self.sync.closed:
            await asyncio.get_running_loop().run_in_executor(None, self.sync.close)

    async def __aenter__(self) -> "AsyncClient":
        if self.sync.closed:
            raise self.sync._closed_error()
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return "<mimecast.aio.AsyncClient over " + repr(self.sync)[1:]

    # -- calls

    async def get_account(self) -> Account:
        """See :meth:`mimecast.Client.get_account`."""
        return await _in_worker(self.sync.get_account)

    async def request_raw(
        self, path: str, body: Union[None, str, Mapping[str, Any]] = None
    ) -> Dict[str, Any]:
        """See :meth:`mimecast.Client.request_raw`."""
        return await _in_worker(lambda: self.sync.request_raw(path, body))

    async def request(self, path: str, data: JSONBody = None) -> List[Any]:
        """See :meth:`mimecast.Client.request`."""
        return await _in_worker(lambda: self.sync.request(path, data))

    async def send(
        self,
        method: str,
        path: str,
        *,
        query: Optional[Query] = None,
        headers: Optional[RequestHeaders] = None,
        json: Any = None,
        body: Union[None, bytes, bytearray, memoryview, str] = None,
        content_type: Optional[str] = None,
        mode: Mode = "json",
    ) -> Response:
        """See :meth:`mimecast.Client.send`."""
        return await _in_worker(
            lambda: self.sync.send(
                method,
                path,
                query=query,
                headers=headers,
                json=json,
                body=body,
                content_type=content_type,
                mode=mode,
            )
        )

    def sign(
        self, path: str, date: Optional[str] = None, request_id: Optional[str] = None
    ) -> SignedHeaders:
        """See :meth:`mimecast.Client.sign` (no I/O: not a coroutine)."""
        return self.sync.sign(path, date, request_id)

    # -- pulls: mistakes raise here, the first request with the first item

    def iter_page_envelopes(
        self, path: str, data: JSONBody = None, page_size: int = 100
    ) -> AsyncPull[Dict[str, Any]]:
        """Every page's envelope (see :meth:`mimecast.Client.iter_page_envelopes`)."""
        return AsyncPull(self.sync.iter_page_envelopes(path, data, page_size), 1)

    def iter_pages(
        self, path: str, data: JSONBody = None, page_size: int = 100
    ) -> AsyncPull[Any]:
        """Every data item of every page (see :meth:`mimecast.Client.iter_pages`)."""
        return AsyncPull(self.sync.iter_pages(path, data, page_size), page_size or 100)

    paginate = iter_pages

    def iter_items(
        self,
        path: str,
        data: JSONBody = None,
        *,
        page_size: int = 100,
        items_key: Optional[str] = None,
    ) -> AsyncPull[Any]:
        """Every item (see :meth:`mimecast.Client.iter_items`)."""
        pull = self.sync.iter_items(path, data, page_size=page_size, items_key=items_key)
        return AsyncPull(pull, page_size or 100)

    def iter_call_items(
        self,
        method: str,
        path: str,
        *,
        query: Optional[Query] = None,
        headers: Optional[RequestHeaders] = None,
        json: Any = None,
        page_size: int = 100,
        items_key: Optional[str] = None,
    ) -> AsyncPull[Any]:
        """Every item of a pull over any request (see :meth:`mimecast.Client.iter_call_items`)."""
        pull = self.sync.iter_call_items(
            method,
            path,
            query=query,
            headers=headers,
            json=json,
            page_size=page_size,
            items_key=items_key,
        )
        return AsyncPull(pull, page_size or 100)

    def iter_call_pages(
        self,
        method: str,
        path: str,
        *,
        query: Optional[Query] = None,
        headers: Optional[RequestHeaders] = None,
        json: Any = None,
        page_size: int = 100,
    ) -> AsyncPull[Dict[str, Any]]:
        """Every page's answer (see :meth:`mimecast.Client.iter_call_pages`)."""
        pull = self.sync.iter_call_pages(
            method, path, query=query, headers=headers, json=json, page_size=page_size
        )
        return AsyncPull(pull, 1)

    # -- SIEM event streams

    def events(
        self,
        kind: StreamKindLike,
        *,
        types: Union[None, str, Sequence[str]] = None,
        start: Optional[TimeLike] = None,
        end: Optional[TimeLike] = None,
        page_size: int = 0,
        checkpoint: Optional[PathLike] = None,
        follow: bool = False,
        poll_interval: float = 60.0,
        path: Optional[str] = None,
        max_batch_bytes: Optional[int] = None,
    ) -> AsyncEvents:
        """Every SIEM event of a source as an async iterator (``async with
        client.events(...) as events: async for event in events``); the
        arguments of :meth:`mimecast.Client.events`."""
        return AsyncEvents(
            self.sync.events(
                kind,
                types=types,
                start=start,
                end=end,
                page_size=page_size,
                checkpoint=checkpoint,
                follow=follow,
                poll_interval=poll_interval,
                path=path,
                max_batch_bytes=max_batch_bytes,
            )
        )

    async def open_event_stream(
        self,
        kind: StreamKindLike,
        *,
        types: Union[None, str, Sequence[str]] = None,
        start: Optional[TimeLike] = None,
        end: Optional[TimeLike] = None,
        page_size: int = 0,
        checkpoint: Optional[PathLike] = None,
        follow: bool = False,
        poll_interval: float = 60.0,
        path: Optional[str] = None,
        max_batch_bytes: Optional[int] = None,
    ) -> AsyncEventStream:
        """An :class:`AsyncEventStream` (reads the checkpoint file in a worker
        thread); the arguments of :meth:`mimecast.Client.open_event_stream`."""
        options = StreamOptions(
            kind,
            types=types,
            start=start,
            end=end,
            page_size=page_size,
            checkpoint=checkpoint,
            follow=follow,
            poll_interval=poll_interval,
            path=path,
            max_batch_bytes=max_batch_bytes,
        )
        stream = await _in_worker(lambda: EventStream(self.sync, options))
        return AsyncEventStream(stream)
