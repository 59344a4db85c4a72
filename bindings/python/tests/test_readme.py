"""The Python examples of the READMEs run against the emulator, as written.

A README block runs here when the line before its fence is an HTML comment
``<!-- example: NAME ... -->``: README.md's ``python`` block and
bindings/python/README.md's ``rest``, ``events`` and ``aio`` blocks. Credentials come from the
MIMECAST_* variables (API 2.0 here) and discovery from
MIMECAST_DISCOVERY_URL, as the examples say."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from .support import KEYS, ROOT, EmulatorTestCase


def readme_example(readme: Path, name: str, language: str) -> str:
    """The code of the block marked ``<!-- example: name ... -->`` in ``readme``."""
    text = readme.read_text("utf-8")
    pattern = rf"<!-- example: {re.escape(name)}\b[^\n]*-->\n```{language}\n(.*?)\n```"
    found = re.findall(pattern, text, re.S)
    if len(found) != 1:
        raise AssertionError(f"{readme} has {len(found)} blocks marked 'example: {name}'")
    return str(found[0])


class ReadmeTest(EmulatorTestCase):
    def run_example(self, code: str) -> subprocess.CompletedProcess:
        env = {k: v for k, v in os.environ.items() if not k.startswith("MIMECAST_")}
        if "MIMECAST_LIBRARY" in os.environ:
            env["MIMECAST_LIBRARY"] = os.environ["MIMECAST_LIBRARY"]
        env.update(
            MIMECAST_BASE_URL=self.emu.url,
            MIMECAST_CLIENT_ID=KEYS["client_id"],
            MIMECAST_CLIENT_SECRET=KEYS["client_secret"],
            MIMECAST_DISCOVERY_URL=self.emu.url,
            PYTHONIOENCODING="utf-8",
        )
        # The package under test, whether installed (test-wheel.sh) or from the checkout.
        import mimecast

        env["PYTHONPATH"] = str(Path(mimecast.__file__).resolve().parent.parent)
        work = tempfile.mkdtemp()
        self.work = Path(work)
        proc = subprocess.run(
            [sys.executable, "-c", code],
            env=env,
            cwd=work,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=120,
        )
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assert_no_secret(proc.stdout + proc.stderr)
        return proc

    def test_binding_readme_rest_example(self) -> None:
        code = readme_example(ROOT / "bindings" / "python" / "README.md", "rest", "python")
        out = self.run_example(code).stdout.splitlines()
        ids = self.emu.siem_events()
        self.assertEqual(out[0], self.emu.url)
        self.assertEqual(out[1 : 1 + len(ids)], ids)
        self.assertIn("https://phish.example.net/7 allow", out)
        self.assertRegex(out[-1], r'^200 attachment; filename="MTA_\d+\.zip" \S+$')
        with zipfile.ZipFile(self.work / "siem-0.zip") as z:
            self.assertEqual(len(z.namelist()), 1)

    def test_binding_readme_events_example(self) -> None:
        code = readme_example(ROOT / "bindings" / "python" / "README.md", "events", "python")
        proc = self.run_example(code)
        out = proc.stdout.splitlines()
        ids = self.emu.siem_events()
        self.assertEqual(out[: len(ids)], ids)
        self.assertRegex(out[len(ids)], rf"^Progress\(events={len(ids)}, bytes=\d+, ")
        batches = [line.split() for line in out[len(ids) + 1 :]]
        self.assertEqual(sum(int(n) for _, n in batches), len(ids))
        self.assertTrue(all(name.endswith(".json.gz") for name, _ in batches), batches)
        self.assertIn("INFO:mimecast:", proc.stderr)  # progress in the log
        self.assertIn("batch acknowledged", proc.stderr)
        self.assertTrue((self.work / "siem.cp").is_file())
        self.assertTrue((self.work / "batch.cp").is_file())

    def test_binding_readme_aio_example(self) -> None:
        code = readme_example(ROOT / "bindings" / "python" / "README.md", "aio", "python")
        out = self.run_example(code).stdout.splitlines()
        ids = self.emu.siem_events()
        self.assertEqual(out[0], "Exämple Corp Ltd")
        self.assertEqual(out[1 : 1 + 2 * len(ids)], ids + ids)
        self.assertRegex(out[-1], rf"^Progress\(events={len(ids)}, ")

    def test_root_readme_python_example(self) -> None:
        code = readme_example(ROOT / "README.md", "python", "python")
        out = self.run_example(code).stdout.splitlines()
        self.assertEqual(out[0], self.emu.url)
        self.assertIn("https://phish.example.net/1", out)
        self.assertIn(self.emu.siem_events()[-1], out)
        self.assertRegex(out[-1], r"^200 \S+ \d+$")
