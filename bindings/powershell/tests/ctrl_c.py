"""Presses Ctrl+C in a real terminal: runs a command in a new pseudo-terminal (its own session,
the pty as controlling terminal), waits until the call to stop is in flight, writes ^C (0x03) to
the terminal, as a user's keyboard does, and measures how long the command takes to exit.

    ctrl_c.py --emulator URL (--wait-path GLOB | --wait-text TEXT) [--settle S] -- command...

--wait-path: in flight once the emulator recorded a request whose path matches GLOB (it records
it before a fault holds it). --wait-text: once TEXT appeared in the terminal output. Prints one
JSON object: {"stop_s", "returncode", "output"} (output without terminal escape sequences).
Used by tests/Stop.Tests.ps1; standard library only, POSIX only.
"""

from __future__ import annotations

import argparse
import fcntl
import fnmatch
import json
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
import urllib.request

ESCAPES = re.compile(rb"\x1b(\[[0-9;?]*[A-Za-z]|[=>]|\][^\x07]*\x07)")


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--emulator", required=True)
    p.add_argument("--wait-path")
    p.add_argument("--wait-text")
    p.add_argument("--settle", type=float, default=0.3)
    p.add_argument("--timeout", type=float, default=60.0)
    p.add_argument("command", nargs="+")
    a = p.parse_args()

    master, slave = pty.openpty()
    # A terminal of 40 rows and 160 columns (a new pty has none, which progress bars cannot be drawn in).
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 160, 0, 0))

    def child_setup() -> None:
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)
        signal.signal(signal.SIGINT, signal.SIG_DFL)

    child = subprocess.Popen(
        a.command, stdin=slave, stdout=slave, stderr=slave, preexec_fn=child_setup
    )
    os.close(slave)
    output = bytearray()

    def pump(seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            ready, _, _ = select.select([master], [], [], 0.02)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # the child closed the terminal
                    time.sleep(0.02)
                    continue
                output.extend(chunk)
                # .NET asks the terminal where the cursor is (ESC [ 6 n) and waits for the answer, as a
                # real terminal would give it: answer each question (row 1, column 1).
                for _ in range(chunk.count(b"\x1b[6n")):
                    os.write(master, b"\x1b[1;1R")

    def in_flight() -> bool:
        if a.wait_text is not None:
            return a.wait_text.encode() in ESCAPES.sub(b"", bytes(output))
        url = a.emulator.rstrip("/") + "/_emulator/requests"
        with urllib.request.urlopen(url) as r:
            log = json.load(r)
        return any(fnmatch.fnmatchcase(entry["path"], a.wait_path) for entry in log)

    deadline = time.monotonic() + a.timeout
    while not in_flight():
        if child.poll() is not None or time.monotonic() > deadline:
            child.kill()
            text = ESCAPES.sub(b"", bytes(output)).decode(errors="replace")
            print(json.dumps({"error": "the call was never seen in flight", "output": text}))
            return 1
        pump(0.05)
    pump(a.settle)
    start = time.monotonic()
    os.write(master, b"\x03")
    while child.poll() is None:
        pump(0.01)
        if time.monotonic() - start > a.timeout:
            child.kill()
    stop_s = time.monotonic() - start
    pump(0.1)
    text = ESCAPES.sub(b"", bytes(output)).decode(errors="replace")
    print(json.dumps({"stop_s": stop_s, "returncode": child.returncode, "output": text}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
