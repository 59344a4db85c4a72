"""mimecast.aio.AsyncClient (issue 16): the calls as coroutines, async pulls
and events, and cancellation that reaches the native call (measured against
the emulator's slow fault; generous bounds, the times are printed)."""

from __future__ import annotations

import asyncio
import inspect
import shutil
import sys
import tempfile
import time
import unittest
from pathlib import Path
from typing import Any, Awaitable, Callable, List, TypeVar

import mimecast
import mimecast.aio
from mimecast.aio import AsyncClient

from .support import KEYS, EmulatorTestCase

T = TypeVar("T")

#: The emulator holds the call this long; a cancelled call must end far sooner.
SLOW_S = 5
#: Generous bound on cancel -> CancelledError (the library's target is ~20 ms).
BOUND_S = 2.0


def measured(what: str, seconds: float) -> None:
    print(f"\n    {what}: {seconds * 1000:.0f} ms", file=sys.stderr, end=" ")


class AsyncTest(EmulatorTestCase):
    def run_async(self, factory: Callable[[], Awaitable[T]]) -> T:
        return asyncio.run(factory())  # type: ignore[arg-type]

    def oauth(self, **options: Any) -> AsyncClient:
        return AsyncClient.oauth(
            KEYS["client_id"], KEYS["client_secret"], base_url=self.emu.url, **options
        )

    def api1(self, **options: Any) -> AsyncClient:
        return AsyncClient(
            self.emu.url,
            KEYS["app_id"],
            KEYS["app_key"],
            KEYS["access_key"],
            KEYS["secret_key"],
            **options,
        )

    def test_calls(self) -> None:
        async def main() -> None:
            async with self.api1() as client:
                account = await client.get_account()
                self.assertEqual(account.account_name, "Exämple Corp Ltd")
                data = await client.request("/api/directory/find-groups")
                self.assertIsInstance(data, list)
                envelope = await client.request_raw("/api/directory/find-groups")
                self.assertIn("meta", envelope)
                r = await client.send(
                    "POST",
                    "/api/audit/get-siem-logs",
                    json={"data": [{"type": "MTA", "compress": True}]},
                    mode="any",
                )
                self.assertEqual(r.status, 200)
                self.assertTrue(r.body.startswith(b"PK"))
                self.assertIn("Authorization", client.sign("/api/account/get-account"))
            self.assertTrue(client.closed)
            with self.assertRaises(mimecast.ClientClosedError):
                await client.get_account()

        self.run_async(main)

    def test_async_pulls(self) -> None:
        all_ids = self.emu.siem_events()

        async def main() -> None:
            async with self.oauth() as client:
                query = {"types": "receipt", "dateRangeStartsAt": "2026-11-30T00:00:00.000Z"}
                path = "/siem/v1/events/cg"
                pull = client.iter_call_items("GET", path, query=query, page_size=7)
                ids = [item["id"] async for item in pull]
                self.assertEqual(ids, all_ids)
                pages = [
                    p
                    async for p in client.iter_call_pages(
                        "GET", "/siem/v1/events/cg", query=query, page_size=25
                    )
                ]
                self.assertEqual(len(pages), 3)
                self.assertEqual(sum(len(p["value"]) for p in pages), len(all_ids))
            async with self.api1() as client:
                clicks = [c async for c in client.iter_items("/api/ttp/url/get-logs")]
                self.assertTrue(any("phish.example.net" in c["url"] for c in clicks))
                async with client.iter_pages("/api/audit/get-audit-events", page_size=2) as it:
                    first = await it.__anext__()
                    self.assertIsInstance(first, dict)
                # A mistake raises at the call, before anything is sent.
                with self.assertRaises(mimecast.InvalidArgumentError):
                    client.iter_items("/api/ttp/url/get-logs", page_size=-1)

        self.run_async(main)

    def test_events_and_resume(self) -> None:
        all_ids = self.emu.siem_events()
        work = Path(tempfile.mkdtemp(prefix="mimecast-aio-"))
        self.addCleanup(shutil.rmtree, work, True)
        cp = work / "stream.checkpoint"

        async def main() -> None:
            async with self.oauth() as client:
                first: List[str] = []
                async with client.events(
                    "stream", start="2026-11-30", page_size=5, checkpoint=cp
                ) as events:
                    async for event in events:
                        first.append(event["id"])
                        if len(first) == 12:
                            break
                rest = [
                    e["id"]
                    async for e in client.events(
                        "stream", start="2026-11-30", page_size=5, checkpoint=cp
                    )
                ]
                # Batches of 5: the 11th event acknowledged the second; the third comes again.
                self.assertEqual(rest, all_ids[10:])
                stream = await client.open_event_stream("batch", start="2026-11-30")
                async with stream:
                    ids: List[str] = []
                    while await stream.next_batch():
                        ids += [e["id"] async for e in stream.events()]
                        await stream.ack()
                    self.assertEqual(ids, all_ids)
                    self.assertEqual(stream.progress.total_events, len(all_ids))

        self.run_async(main)

    def test_cancelling_the_task_cancels_the_native_call(self) -> None:
        async def main() -> None:
            async with self.api1(timeout=30) as client:
                await client.get_account()  # connected: the fault holds the next call
                self.emu.fault("slow", delay_s=SLOW_S)
                started = time.monotonic()
                task = asyncio.ensure_future(client.get_account())
                await asyncio.sleep(0.2)
                cancelled_at = time.monotonic()
                task.cancel()
                with self.assertRaises(asyncio.CancelledError):
                    await task
                took = time.monotonic() - cancelled_at
                measured("get_account cancelled after 200 ms, returned after the cancel in", took)
                self.assertLess(took, BOUND_S)
                self.assertLess(time.monotonic() - started, SLOW_S - 1)
                # The client works on; the connection held by the slow call was dropped.
                self.assertEqual((await client.get_account()).account_code, "CUSA12A345")

                # asyncio.wait_for's timeout cancels the same way.
                self.emu.fault("slow", delay_s=SLOW_S)
                started = time.monotonic()
                with self.assertRaises(asyncio.TimeoutError):
                    await asyncio.wait_for(client.request("/api/directory/find-groups"), 0.2)
                took = time.monotonic() - started
                measured("wait_for(request, 0.2 s) raised TimeoutError after", took)
                self.assertLess(took, 0.2 + BOUND_S)

        self.run_async(main)

    def test_cancelling_a_pull_in_flight(self) -> None:
        async def main() -> None:
            async with self.api1(timeout=30) as client:
                pull = client.iter_pages("/api/audit/get-audit-events", page_size=2)
                await pull.__anext__()
                await pull.__anext__()  # the first page is read; the next needs a request
                self.emu.fault("slow", delay_s=SLOW_S)
                task = asyncio.ensure_future(pull.__anext__())
                await asyncio.sleep(0.2)
                cancelled_at = time.monotonic()
                task.cancel()
                with self.assertRaises(asyncio.CancelledError):
                    await task
                took = time.monotonic() - cancelled_at
                measured("page fetch cancelled after 200 ms, returned after the cancel in", took)
                self.assertLess(took, BOUND_S)
                with self.assertRaises(StopAsyncIteration):  # a cancelled pull is over
                    await pull.__anext__()

        self.run_async(main)

    def test_cancelling_a_follower_keeps_the_checkpoint(self) -> None:
        all_ids = self.emu.siem_events()
        work = Path(tempfile.mkdtemp(prefix="mimecast-aio-"))
        self.addCleanup(shutil.rmtree, work, True)
        cp = work / "follow.checkpoint"

        async def main() -> None:
            async with self.oauth() as client:
                got: List[str] = []
                caught_up = asyncio.Event()
                events = client.events(
                    "stream", start="2026-11-30", page_size=20, checkpoint=cp, follow=True
                )

                async def consume() -> None:
                    async for event in events:
                        got.append(event["id"])
                        if len(got) == len(all_ids):
                            caught_up.set()

                task = asyncio.ensure_future(consume())
                await asyncio.wait_for(caught_up.wait(), 30)
                await asyncio.sleep(0.3)  # now in the follow wait (60 s polls)
                cancelled_at = time.monotonic()
                task.cancel()
                with self.assertRaises(asyncio.CancelledError):
                    await task
                took = time.monotonic() - cancelled_at
                measured("follow wait cancelled in", took)
                self.assertLess(took, BOUND_S)
                self.assertEqual(got, all_ids)
                progress = events.progress
                assert progress is not None
                self.assertEqual(progress.total_events, len(all_ids))
                # Every batch was acknowledged (asking for the next acknowledges
                # the last): a new pull from the checkpoint has nothing.
                again = client.events("stream", start="2026-11-30", page_size=20, checkpoint=cp)
                self.assertEqual([e async for e in again], [])

        self.run_async(main)

    def test_a_failure_is_the_library_exception_not_cancellation(self) -> None:
        async def main() -> None:
            async with self.api1(max_retries=0) as client:
                self.emu.fault("unauthorized")
                with self.assertRaises(mimecast.AuthenticationError):
                    await client.get_account()
                self.emu.fault("server_error")
                pull = client.iter_pages("/api/audit/get-audit-events")
                with self.assertRaises(mimecast.HttpError):
                    await pull.__anext__()
                with self.assertRaises(StopAsyncIteration):
                    await pull.__anext__()

        self.run_async(main)

    def test_discover(self) -> None:
        async def main() -> None:
            url = await mimecast.aio.discover_base_url_async(
                "admin@example.com", discovery_url=self.emu.url
            )
            self.assertEqual(url, self.emu.url)
            client = await AsyncClient.discover(
                "admin@example.com",
                KEYS["app_id"],
                KEYS["app_key"],
                KEYS["access_key"],
                KEYS["secret_key"],
                discovery_url=self.emu.url,
            )
            async with client:
                self.assertEqual((await client.get_account()).account_code, "CUSA12A345")

        self.run_async(main)


class TypedOptionsTest(unittest.TestCase):
    """Issue 16: constructor options are typed keywords, not ``**options``."""

    def test_every_constructor_names_its_options(self) -> None:
        def keywords(func: Any) -> List[str]:
            params = inspect.signature(func).parameters.values()
            self.assertFalse(
                any(p.kind is p.VAR_KEYWORD for p in params), f"{func.__qualname__} has **"
            )
            return [p.name for p in params if p.kind is p.KEYWORD_ONLY]

        options = keywords(mimecast.Client.__init__)
        self.assertIn("timeout", options)
        for func in (
            mimecast.Client.oauth,
            mimecast.Client.from_env,
            mimecast.Client.from_postman,
            AsyncClient.__init__,
            AsyncClient.oauth,
            AsyncClient.from_env,
            AsyncClient.from_postman,
        ):
            with self.subTest(func=func.__qualname__):
                self.assertEqual(keywords(func), options)
        for func in (
            mimecast.Client.discover,
            mimecast.discover_base_url,
            AsyncClient.discover,
            mimecast.aio.discover_base_url_async,
        ):
            with self.subTest(func=func.__qualname__):
                self.assertEqual(keywords(func), ["discovery_url"] + options)


if __name__ == "__main__":
    unittest.main()
