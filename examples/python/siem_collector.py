#!/usr/bin/env python3
"""A SIEM collector with the mimecast Python binding: every event of a
Mimecast SIEM source written as JSON lines, resumable from a checkpoint,
stopped cleanly by Ctrl+C or SIGTERM.

    python3 examples/python/siem_collector.py --kind batch --type receipt \\
        --start 2026-11-30 --checkpoint siem.checkpoint --out events.jsonl [--follow]

Credentials come from the environment, read by the C library (see
get_account.py): MIMECAST_CLIENT_ID and MIMECAST_CLIENT_SECRET for the API
2.0 sources (batch, stream), the API 1.0 keys for siem_v1.

Each batch is written and flushed to disk (fsync) before it is
acknowledged, so the checkpoint never runs ahead of the output: after a
crash, at most the batch in progress is written again. Ctrl+C cancels the
asyncio task; the library's call in flight (a download, a follow poll)
returns within milliseconds, and the checkpoint stays at the last batch
written. Progress goes to stderr through the ``mimecast`` logger.
"""

import argparse
import asyncio
import json
import logging
import os
import signal
import sys
from typing import IO

try:
    import mimecast
    import mimecast.aio
except ImportError:  # running from a source checkout without installing
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, os.path.join(here, "..", "..", "bindings", "python"))
    import mimecast
    import mimecast.aio

log = logging.getLogger("siem_collector")


async def collect(args: argparse.Namespace, out: IO[str]) -> None:
    async with mimecast.aio.AsyncClient.from_env() as client:
        stream = await client.open_event_stream(
            args.kind,
            types=args.type,
            start=args.start,
            checkpoint=args.checkpoint,
            follow=args.follow,
            poll_interval=args.poll_interval,
        )
        async with stream:
            while await stream.next_batch():
                async for event in stream.events():
                    out.write(json.dumps(event, ensure_ascii=False, separators=(",", ":")))
                    out.write("\n")
                out.flush()
                if out is not sys.stdout:
                    os.fsync(out.fileno())
                await stream.ack()  # only now does the checkpoint move past the batch
            p = stream.progress
            log.info("caught up: %d events, %d bytes this run", p.events, p.bytes)


async def main_task(args: argparse.Namespace, out: IO[str]) -> None:
    task = asyncio.current_task()
    assert task is not None
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, task.cancel)
    await collect(args, out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kind", default="batch", choices=["siem_v1", "batch", "stream"])
    parser.add_argument("--type", default=None, help="event type (MTA, receipt, ...)")
    parser.add_argument("--start", default=None, help="YYYY-MM-DD (default: seven days ago)")
    parser.add_argument("--checkpoint", required=True, help="file the position is kept in")
    parser.add_argument("--out", default="-", help="JSON lines file (default: stdout)")
    parser.add_argument("--follow", action="store_true", help="keep polling when caught up")
    parser.add_argument("--poll-interval", type=float, default=60.0, help="seconds (>= 1)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")

    out = sys.stdout if args.out == "-" else open(args.out, "a", encoding="utf-8")
    try:
        asyncio.run(main_task(args, out))
    except asyncio.CancelledError:
        log.info("stopped; the checkpoint is at the last batch written")
        return 130
    except mimecast.CheckpointError as exc:
        print(f"siem_collector: {exc} (move the file away to start over)", file=sys.stderr)
        return 2
    except mimecast.MimecastError as exc:
        print(f"siem_collector: {exc}", file=sys.stderr)
        return 1
    finally:
        if out is not sys.stdout:
            out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
