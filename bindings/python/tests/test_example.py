"""examples/python/get_account.py runs against the emulator."""

from __future__ import annotations

import os
import subprocess
import sys

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
