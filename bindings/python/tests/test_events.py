"""SIEM event streams (issue 15): Client.events() and EventStream against the
emulator's event set (GET /_emulator/siem-events), checkpoints, faults."""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import tempfile
import unittest
from pathlib import Path
from typing import Any, List

import mimecast

from .support import KEYS, EmulatorTestCase

#: Every source, with the options the tests pull it with: API 2.0 sources get
#: a start the emulator's events come after and small pages (several batches).
KINDS = {
    "siem_v1": {},
    "batch": {"start": "2026-11-30", "page_size": 3},
    "stream": {"start": "2026-11-30", "page_size": 7},
}


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: List[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class EventsTest(EmulatorTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.dir = Path(tempfile.mkdtemp(prefix="mimecast-events-"))
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.all = self.emu.siem_events()
        self.assertGreater(len(self.all), 20)

    def for_kind(self, kind: str, **options: Any) -> mimecast.Client:
        """An API 1.0 client for siem_v1, else API 2.0."""
        if kind == "siem_v1":
            return self.client(**options)
        c = mimecast.Client.oauth(
            KEYS["client_id"], KEYS["client_secret"], base_url=self.emu.url, **options
        )
        self.addCleanup(c.close)
        return c

    def test_every_source_delivers_the_whole_set_in_order(self) -> None:
        for kind, opts in KINDS.items():
            with self.subTest(kind=kind):
                with self.for_kind(kind).events(kind, **opts) as events:
                    ids = [e["id"] for e in events]
                self.assertEqual(ids, self.all)
                progress = events.progress
                assert progress is not None
                self.assertEqual(progress.events, len(self.all))
                self.assertEqual(progress.total_events, len(self.all))
                self.assertGreater(progress.bytes, 100 * len(self.all))
                self.assertGreater(progress.batches, 1)

    def test_a_checkpoint_resumes_after_the_last_acknowledged_batch(self) -> None:
        # A batch is a page of 3 events (stream) or a file of 8 (batch,
        # siem_v1). Stopping at the second event of the third batch: two
        # batches were acknowledged (the second when the event after its
        # last was asked for), the third was not and comes again.
        for kind, size in (("stream", 3), ("batch", 8), ("siem_v1", 8)):
            with self.subTest(kind=kind):
                cp = self.dir / f"{kind}.checkpoint"
                client = self.for_kind(kind)
                opts: Any = {} if kind == "siem_v1" else {"start": "2026-11-30", "page_size": 3}
                first: List[str] = []
                with client.events(kind, checkpoint=cp, **opts) as ev:
                    for event in ev:
                        first.append(event["id"])
                        if len(first) == 2 * size + 2:
                            break
                self.assertTrue(cp.is_file())
                with client.events(kind, checkpoint=cp, **opts) as ev:
                    second = [e["id"] for e in ev]
                self.assertEqual(first, self.all[: 2 * size + 2])
                # The unacknowledged batch again, then the rest: nothing skipped.
                self.assertEqual(second, self.all[2 * size :])
                progress = ev.progress
                assert progress is not None
                self.assertEqual(progress.total_events, len(self.all))
                # Caught up and saved: a third run has nothing new.
                self.assertEqual(list(client.events(kind, checkpoint=cp, **opts)), [])

    def test_a_corrupt_or_foreign_checkpoint_is_refused(self) -> None:
        client = self.for_kind("stream")
        corrupt = self.dir / "corrupt.checkpoint"
        corrupt.write_text("{not json", "utf-8")
        events = client.events("stream", start="2026-11-30", checkpoint=corrupt)
        with self.assertRaises(mimecast.CheckpointError) as caught:
            next(events)
        self.assertEqual(caught.exception.status, mimecast.Status.CHECKPOINT)
        self.assertEqual(corrupt.read_text("utf-8"), "{not json")  # never overwritten
        with self.assertRaises(mimecast.CheckpointError):
            client.open_event_stream("stream", start="2026-11-30", checkpoint=corrupt)
        # A checkpoint of the batch source is not the streaming source's.
        batch_cp = self.dir / "batch.checkpoint"
        with client.events("batch", start="2026-11-30", page_size=3, checkpoint=batch_cp) as ev:
            for _ in range(9):  # files of 8: the 9th acknowledges the first
                next(ev)
        self.assertTrue(batch_cp.is_file())
        with self.assertRaises(mimecast.CheckpointError) as caught:
            client.open_event_stream("stream", start="2026-11-30", checkpoint=batch_cp)
        self.assert_no_secret(str(caught.exception))

    def test_expired_links_and_truncated_files_are_fetched_again(self) -> None:
        client = self.for_kind("batch")
        client.get_account()  # a token first, so that the faults reach the SIEM calls
        self.emu.fault("expire_links", count=2)
        self.emu.fault("truncated_file")
        ids = [e["id"] for e in client.events("batch", start="2026-11-30", page_size=3)]
        self.assertEqual(ids, self.all)
        stats = self.emu.stats()
        self.assertGreaterEqual(stats["files_refused"], 1, stats)
        self.assertEqual(stats["files_auth_violations"], 0, stats)

    def test_event_stream_acknowledged_by_the_caller(self) -> None:
        cp = self.dir / "v1.checkpoint"
        client = self.for_kind("siem_v1")
        seen: List[str] = []
        files = set()
        with client.open_event_stream("siem_v1", types="MTA", checkpoint=cp) as stream:
            self.assertTrue(stream.next_batch())
            with self.assertRaises(mimecast.InvalidArgumentError):
                stream.next_batch()  # the batch before must be acknowledged first
            while True:
                for event in stream.events():
                    seen.append(event["id"])
                    files.add(stream.batch_file)
                stream.ack()
                self.assertEqual(stream.progress.total_events, len(seen))
                if not stream.next_batch():
                    break
            self.assertEqual(stream.progress.events, len(self.all))
        self.assertTrue(stream.closed)
        self.assertEqual(seen, self.all)
        self.assertTrue(all(f and f.startswith("MTA_") for f in files), files)
        self.assertGreater(len(files), 1)

    def test_progress_is_logged_through_the_mimecast_logger(self) -> None:
        logger = logging.getLogger("mimecast")
        handler = Capture()
        old = logger.level
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        self.addCleanup(logger.removeHandler, handler)
        self.addCleanup(logger.setLevel, old)
        client = self.for_kind("stream")
        list(client.events("stream", start="2026-11-30", page_size=20))
        lines = [r.getMessage() for r in handler.records if r.levelno == logging.INFO]
        acked = [line for line in lines if "batch acknowledged" in line]
        self.assertEqual(len(acked), 3, lines)  # 60 events in pages of 20
        self.assertIn(f"{len(self.all)} events", acked[-1])
        self.assertTrue(any("caught up" in line for line in lines), lines)
        for record in handler.records:
            self.assert_no_secret(record.getMessage())

    def test_dates_and_datetimes(self) -> None:
        client = self.for_kind("stream")
        start = dt.datetime(2026, 11, 30, 1, 0, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
        ids = [e["id"] for e in client.events("stream", start=start, page_size=30)]
        self.assertEqual(ids, self.all)  # 00:00 UTC: every event comes after it
        ids = [e["id"] for e in client.events("batch", start=dt.date(2026, 11, 30))]
        self.assertEqual(ids, self.all)

    def test_bad_arguments_raise_before_anything_is_sent(self) -> None:
        client = self.for_kind("stream")
        before = len(self.emu.requests())
        bad: List[Any] = [
            dict(kind="nope"),
            dict(kind="stream", start=dt.datetime(2026, 11, 30)),  # naive: which zone?
            dict(kind="stream", types=[1]),
            dict(kind="stream", page_size=-1),
            dict(kind="stream", follow="yes"),
            dict(kind="stream", poll_interval=0.5),
            dict(kind="stream", max_batch_bytes=0),
            dict(kind="stream", checkpoint="a\0b"),
        ]
        for args in bad:
            with self.subTest(args=args):
                with self.assertRaises(mimecast.InvalidArgumentError):
                    client.events(**args)
        # Values only the library can judge raise when the stream opens.
        for args in (
            dict(kind="batch", types=["a", "b"]),
            dict(kind="stream", start="yesterday"),
        ):
            with self.subTest(args=args):
                with self.assertRaises(mimecast.InvalidArgumentError):
                    next(client.events(**args))
        self.assertEqual(len(self.emu.requests()), before)


if __name__ == "__main__":
    unittest.main()
