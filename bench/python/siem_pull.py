"""SIEM pull benchmark, Python binding (issue 15): the pull of
bench/c/siem_pull.c through ``client.events("batch", ...)``: every event
handed to the caller as a dict (parsed once), each batch acknowledged.

    python3 bench/python/siem_pull.py ID BASE_URL [MAX_MB]

MAX_MB > 0 stops after that many MB of events (peak memory must not grow
with the pull); 0 or absent pulls everything. Prints one JSON line like
bench/c/siem_pull.c: events, bytes of decompressed JSON (as the library
counted them), CPU seconds of this process, wall seconds, MB/s per CPU
second and per wall second, peak RSS. CPU time is the "per core" measure:
the emulator (Python) runs in another process.
"""

import json
import os
import resource
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, "bindings", "python"))

import mimecast  # noqa: E402

CLIENT_ID = "emulator-client-id-0001"
CLIENT_SECRET = "emulator-client-secret-s3cr3t-0001"


def cpu() -> float:
    u = resource.getrusage(resource.RUSAGE_SELF)
    return u.ru_utime + u.ru_stime


def main() -> None:
    ident, base = sys.argv[1], sys.argv[2]
    max_bytes = int(float(sys.argv[3]) * 1e6) if len(sys.argv) > 3 else 0
    client = mimecast.Client.oauth(CLIENT_ID, CLIENT_SECRET, base_url=base, proxy="", log=False)
    c0, w0 = cpu(), time.monotonic()
    events = 0
    with client.events("batch", types="receipt", start="2026-11-30", page_size=10) as pull:
        for event in pull:
            events += 1  # the event is a dict: parsed, handed over
            if max_bytes and events % 1000 == 0:
                progress = pull.progress
                if progress is not None and progress.bytes >= max_bytes:
                    break
        progress = pull.progress
    c, w = cpu() - c0, time.monotonic() - w0
    size = progress.bytes if progress is not None else 0
    client.close()
    print(
        json.dumps(
            {
                "id": ident,
                "events": events,
                "bytes": size,
                "cpu_s": round(c, 3),
                "wall_s": round(w, 3),
                "mb_per_cpu_s": round(size / 1e6 / c, 1) if c else 0,
                "mb_per_wall_s": round(size / 1e6 / w, 1) if w else 0,
                "maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            }
        )
    )


if __name__ == "__main__":
    main()
