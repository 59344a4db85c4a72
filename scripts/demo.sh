#!/usr/bin/env bash
# The main job, offline: start the local Mimecast emulator, point the
# standard MIMECAST_* variables at it, and fetch the account through the
# library (the Rust example; examples/ has C, Python, C# and PowerShell ones).
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --example get_account -q

out=$(mktemp -d)
python3 tests/mimecast_emulator.py --port 0 >"$out/ready" &
emulator=$!
trap 'kill $emulator 2>/dev/null; rm -rf "$out"' EXIT
for _ in $(seq 100); do grep -q READY "$out/ready" 2>/dev/null && break; sleep 0.05; done
base_url=$(awk '/MIMECAST_EMULATOR_READY/ {print $2}' "$out/ready")
echo "emulator: $base_url"

eval "$(python3 - <<'PY'
import sys
sys.path.insert(0, "tests")
from mimecast_emulator import DEFAULT_KEYS as k
for var, key in [("APP_ID", "app_id"), ("APP_KEY", "app_key"), ("ACCESS_KEY", "access_key"), ("SECRET_KEY", "secret_key")]:
    print(f"export MIMECAST_{var}='{k[key]}'")
PY
)"
export MIMECAST_BASE_URL="$base_url"
./target/release/examples/get_account
