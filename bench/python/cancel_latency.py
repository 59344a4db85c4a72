"""Cancellation latency of the Python binding's asyncio layer (issue 16):
how long ``await client.get_account()`` takes to raise CancelledError after
``task.cancel()``, 200 ms into a call the emulator's "slow" fault holds
(3 s). N rounds; prints one JSON line with the median and the maximum in ns,
like bench/c/cancel_latency.c.

    python3 bench/python/cancel_latency.py BASE_URL N
"""

import asyncio
import json
import os
import statistics
import sys
import time
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, "bindings", "python"))

import mimecast.aio  # noqa: E402

APP_ID = "6f6b3f73-1a2b-4c3d-9e8f-0123456789ab"
APP_KEY = "c2f1c8a0-5d8e-4f5a-9b7c-abcdef012345"
ACCESS_KEY = (
    "mYtOL3XZCOwG96BOiFTZRmMtmBmXMf4ULJMl0iBEPbQk4hgyl5nORmSY3EG8dS5tZEsQqhHdd"
    "iO6rrDY6EbZ6ao7FxCpDaTw8QCuiRWOV3ldvoHfXPEgPWdiL0MC-7AIwH9OvEc8lXrJeYVO2tmyWA"
)
SECRET_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw=="


def slow_fault(base: str) -> None:
    body = json.dumps({"fault": "slow", "delay_s": 3}).encode()
    req = urllib.request.Request(
        base + "/_emulator/faults", data=body, headers={"Content-Type": "application/json"}
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(req, timeout=10):
        pass


async def main(base: str, rounds: int) -> None:
    latencies = []
    client = mimecast.aio.AsyncClient(
        base, APP_ID, APP_KEY, ACCESS_KEY, SECRET_KEY, proxy="", log=False
    )
    async with client:
        await client.get_account()
        for _ in range(rounds):
            slow_fault(base)
            task = asyncio.ensure_future(client.get_account())
            await asyncio.sleep(0.2)
            start = time.perf_counter_ns()
            task.cancel()
            try:
                await task
                raise SystemExit("a call held by the slow fault was not cancelled")
            except asyncio.CancelledError:
                latencies.append(time.perf_counter_ns() - start)
    print(
        json.dumps(
            {
                "id": "py.cancel.task",
                "unit": "ns",
                "median": statistics.median(latencies),
                "max": max(latencies),
                "reps": rounds,
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2])))
