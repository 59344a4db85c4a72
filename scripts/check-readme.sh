#!/usr/bin/env bash
# Keeps the README honest: extracts its C example, builds it exactly as the
# README says, and runs it against the emulator; then runs `make demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'kill ${emulator:-} 2>/dev/null || true; rm -rf "$work"' EXIT

awk '/^```c$/ {grab=1; next} /^```$/ {grab=0} grab' README.md > "$work/hello_mimecast.c"
grep -q 'mc_get_account' "$work/hello_mimecast.c"
cc -std=c11 -Wall -Wextra -Werror -Iinclude "$work/hello_mimecast.c" -Ltarget/release -lmimecast \
   -Wl,-rpath,"$PWD/target/release" -o "$work/hello_mimecast"

python3 tests/mimecast_emulator.py --port 0 >"$work/ready" &
emulator=$!
for _ in $(seq 100); do grep -q READY "$work/ready" 2>/dev/null && break; sleep 0.05; done
eval "$(python3 -c '
import sys; sys.path.insert(0, "tests")
from mimecast_emulator import DEFAULT_KEYS as k
for v, key in [("APP_ID","app_id"),("APP_KEY","app_key"),("ACCESS_KEY","access_key"),("SECRET_KEY","secret_key")]:
    print(f"export MIMECAST_{v}={k[key]!r}")')"
export MIMECAST_BASE_URL=$(awk '{print $2}' "$work/ready")
out=$("$work/hello_mimecast")
echo "README example printed: $out"
grep -q "Exämple Corp Ltd (CUSA12A345), 250 users" <<<"$out"

demo=$(bash scripts/demo.sh)
grep -q "Account name:   Exämple Corp Ltd" <<<"$demo"
echo "README example and make demo: ok"
