"""Test helpers: locating the repository and running the emulator."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import unittest
import urllib.request
from pathlib import Path
from typing import Any, Dict, List, Optional


def repo_root() -> Path:
    """The repository root: $MIMECAST_REPO_ROOT, else found upwards from this file."""
    env = os.environ.get("MIMECAST_REPO_ROOT")
    if env:
        return Path(env).resolve()
    for parent in Path(__file__).resolve().parents:
        if (parent / "tests" / "mimecast_emulator.py").is_file() and (
            parent / "Cargo.toml"
        ).is_file():
            return parent
    raise RuntimeError("cannot find the repository root; set MIMECAST_REPO_ROOT")


ROOT = repo_root()
EMULATOR = ROOT / "tests" / "mimecast_emulator.py"
VECTORS = json.loads((ROOT / "tests" / "vectors" / "signing.json").read_text("utf-8"))
CA_PEM = ROOT / "tests" / "tls" / "ca.pem"


SHARED = ROOT / "tests" / "shared"


def shared(name: str) -> Any:
    """A table of tests/shared/ (the same data every language's suite reads)."""
    return json.loads((SHARED / name).read_text("utf-8"))


#: The emulator's built-in keys (tests/shared/emulator-keys.json).
KEYS: Dict[str, str] = shared("emulator-keys.json")["keys"]
#: The taxonomy every binding shares: mc_status name -> kind (bindings/errors.json).
ERROR_KINDS = {
    status: kind
    for kind in json.loads((ROOT / "bindings" / "errors.json").read_text("utf-8"))["kinds"]
    for status in kind["statuses"]
}
SECRETS = [KEYS["app_key"], KEYS["access_key"], KEYS["secret_key"], KEYS["client_secret"]]


class Emulator:
    """tests/mimecast_emulator.py run as a subprocess."""

    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(EMULATOR), "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        self.url = self._ready("MIMECAST_EMULATOR_READY")
        self.proxy_url: Optional[str] = None
        if "--proxy-port" in args:
            self.proxy_url = self._ready("MIMECAST_PROXY_READY")

    def _ready(self, tag: str) -> str:
        assert self.proc.stdout is not None
        result: List[str] = []

        def read() -> None:
            result.append(self.proc.stdout.readline())  # type: ignore[union-attr]

        t = threading.Thread(target=read, daemon=True)
        t.start()
        t.join(30)
        line = result[0].strip() if result else ""
        if not line.startswith(tag + " "):
            self.stop()
            raise RuntimeError(f"emulator did not start (got {line!r})")
        return line.split(" ", 1)[1]

    def _control(self, method: str, path: str, payload: Any = None) -> Any:
        data = None if payload is None else json.dumps(payload).encode()
        req = urllib.request.Request(
            self.url + path, data=data, method=method, headers={"Content-Type": "application/json"}
        )
        ctx = None
        if self.url.startswith("https:"):
            import ssl

            ctx = ssl.create_default_context(cafile=str(CA_PEM))
        with urllib.request.urlopen(req, timeout=10, context=ctx) as resp:
            body = resp.read()
        return json.loads(body) if body else None

    def fault(self, name: str, times: int = 1, **params: Any) -> None:
        """Queues a fault."""
        self._control("POST", "/_emulator/faults", {"fault": name, "times": times, **params})

    def reset(self) -> None:
        self._control("POST", "/_emulator/reset", {})

    def stats(self) -> Dict[str, int]:
        return self._control("GET", "/_emulator/stats")

    def requests(self) -> Any:
        return self._control("GET", "/_emulator/requests")

    def siem_events(self) -> List[str]:
        """The ids of the emulator's SIEM event set, in order (every SIEM source serves it)."""
        ids: List[str] = self._control("GET", "/_emulator/siem-events")
        return ids

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdout:
            self.proc.stdout.close()


class EmulatorTestCase(unittest.TestCase):
    """Starts one emulator per test class; resets it before every test."""

    emulator_args: tuple = ()
    emu: Emulator

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.emu = Emulator(*cls.emulator_args)

    @classmethod
    def tearDownClass(cls) -> None:
        cls.emu.stop()
        super().tearDownClass()

    def setUp(self) -> None:
        self.emu.reset()

    def client(self, **options: Any):  # type: ignore[no-untyped-def]
        import mimecast

        c = mimecast.Client(
            self.emu.url,
            KEYS["app_id"],
            KEYS["app_key"],
            KEYS["access_key"],
            KEYS["secret_key"],
            **options,
        )
        self.addCleanup(c.close)
        return c

    def assert_no_secret(self, text: str) -> None:
        for secret in SECRETS:
            self.assertNotIn(secret, text)
