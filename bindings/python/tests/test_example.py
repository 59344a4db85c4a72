"""examples/python/get_account.py and siem_collector.py run against the emulator."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .support import KEYS, ROOT, EmulatorTestCase

EXAMPLE = ROOT / "examples" / "python" / "get_account.py"


class ExampleTest(EmulatorTestCase):
    def run_example(self, **env: str) -> subprocess.CompletedProcess:
        full = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("MIMECAST_") or k in ("MIMECAST_LIBRARY", "MIMECAST_REPO_ROOT")
        }
        full.update(env)
        return subprocess.run(
            [sys.executable, str(EXAMPLE)],
            env=full,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=60,
        )

    def test_prints_account_without_passphrase(self) -> None:
        proc = self.run_example(
            MIMECAST_BASE_URL=self.emu.url,
            MIMECAST_APP_ID=KEYS["app_id"],
            MIMECAST_APP_KEY=KEYS["app_key"],
            MIMECAST_ACCESS_KEY=KEYS["access_key"],
            MIMECAST_SECRET_KEY=KEYS["secret_key"],
            PYTHONIOENCODING="utf-8",
        )
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("Exämple Corp Ltd (CUSA12A345)", proc.stdout)
        self.assertNotIn("Ventilator-Harbour-42", proc.stdout)
        self.assert_no_secret(proc.stdout + proc.stderr)

    def test_missing_configuration(self) -> None:
        proc = self.run_example()
        self.assertEqual(proc.returncode, 2)
        self.assertIn("MIMECAST_", proc.stderr)


COLLECTOR = ROOT / "examples" / "python" / "siem_collector.py"


class SiemCollectorTest(EmulatorTestCase):
    """examples/python/siem_collector.py: a whole pull, a resumed one, and a
    follower stopped by SIGINT (its cancellation reaches the native wait)."""

    def setUp(self) -> None:
        super().setUp()
        self.dir = Path(tempfile.mkdtemp(prefix="mimecast-collector-"))
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("MIMECAST_") or k in ("MIMECAST_LIBRARY", "MIMECAST_REPO_ROOT")
        }
        self.env.update(
            MIMECAST_BASE_URL=self.emu.url,
            MIMECAST_CLIENT_ID=KEYS["client_id"],
            MIMECAST_CLIENT_SECRET=KEYS["client_secret"],
            PYTHONIOENCODING="utf-8",
        )
        self.out = self.dir / "events.jsonl"
        self.args = [
            sys.executable,
            str(COLLECTOR),
            "--kind",
            "stream",
            "--start",
            "2026-11-30",
            "--checkpoint",
            str(self.dir / "cp"),
            "--out",
            str(self.out),
        ]

    def ids(self) -> list:
        return [json.loads(line)["id"] for line in self.out.read_text("utf-8").splitlines()]

    def test_pull_and_resume(self) -> None:
        proc = subprocess.run(self.args, env=self.env, capture_output=True, text=True, timeout=60)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(self.ids(), self.emu.siem_events())
        self.assertIn("batch acknowledged", proc.stderr)
        self.assert_no_secret(proc.stdout + proc.stderr)
        again = subprocess.run(self.args, env=self.env, capture_output=True, text=True, timeout=60)
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertEqual(self.ids(), self.emu.siem_events())  # nothing new, nothing repeated

    def test_ctrl_c_stops_a_follower_at_once(self) -> None:
        all_ids = self.emu.siem_events()
        proc = subprocess.Popen(
            self.args + ["--follow", "--poll-interval", "30"],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                if self.out.is_file() and len(self.out.read_text("utf-8").splitlines()) == len(
                    all_ids
                ):
                    break
                time.sleep(0.05)
            time.sleep(0.5)  # acknowledged, now in the 30 s follow wait
            sent = time.monotonic()
            proc.send_signal(signal.SIGINT)
            _, stderr = proc.communicate(timeout=30)
            took = time.monotonic() - sent
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        print(f"\n    SIGINT -> collector exit: {took * 1000:.0f} ms", file=sys.stderr, end=" ")
        self.assertEqual(proc.returncode, 130, stderr)
        self.assertLess(took, 5.0)  # generous: the follow wait alone is 30 s
        self.assertEqual(self.ids(), all_ids)
        resumed = subprocess.run(
            self.args, env=self.env, capture_output=True, text=True, timeout=60
        )
        self.assertEqual(resumed.returncode, 0, resumed.stderr)
        self.assertEqual(self.ids(), all_ids)  # every batch was acknowledged after its write
