#!/usr/bin/env bash
# libmimecast benchmarks: signing, round trips, concurrency, memory.
#   make bench            (builds the library, then runs this)
#   bash bench/run.sh [--quick]
# Prints a table and writes bench/results.json. Not part of the tests.
# Everything it builds goes to bench/.build/; it starts its own nginx on a free
# loopback port (own prefix and config) and stops it on exit.
set -euo pipefail

QUICK=0
for a in "$@"; do
    case "$a" in
        --quick) QUICK=1 ;;
        -h|--help) sed -n 2,7p "$0"; exit 0 ;;
        *) echo "unknown argument: $a (use --quick)" >&2; exit 2 ;;
    esac
done

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH/.." && pwd)"
B="$BENCH/.build"
mkdir -p "$B"
RAW="$B/raw.jsonl"
: > "$RAW"
LOG="$B/run.log"
: > "$LOG"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
# Loopback only: no proxy may get in the way.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
export PATH="$HOME/.dotnet/tools:$PATH"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

if [ "$QUICK" = 1 ]; then
    REPS=3; SIGN_N=50000; PY_SIGN_N=10000; CS_SIGN_N=20000; PS_SIGN_N=500
    RT_N=1000; PY_RT_N=500; PY_REF_N=100; CS_RT_N=1000; PS_RT_N=100; CONC_S=0.5; MEM_N=20000
    SIEM_EVENTS=130000      # ~50 MB of events
else
    REPS=7; SIGN_N=200000; PY_SIGN_N=50000; CS_SIGN_N=100000; PS_SIGN_N=3000
    RT_N=5000; PY_RT_N=3000; PY_REF_N=500; CS_RT_N=5000; PS_RT_N=500; CONC_S=2; MEM_N=100000
    SIEM_EVENTS=520000      # ~200 MB of events (issue 15: at least 200 MB)
fi

say() { printf '== %s\n' "$*" >&2; }
unavailable() { # id reason
    "$PY" -c 'import json,sys; print(json.dumps({"id": sys.argv[1], "unavailable": sys.argv[2]}))' "$1" "$2" >> "$RAW"
}

# --- Debian packages the benchmarks need (installed when missing and possible) ---
need=()
dpkg -s libssl-dev >/dev/null 2>&1 || need+=(libssl-dev)
dpkg -s libcurl4-openssl-dev >/dev/null 2>&1 || need+=(libcurl4-openssl-dev)
dpkg -s libcjson-dev >/dev/null 2>&1 || need+=(libcjson-dev)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
"$PY" -c 'import requests' >/dev/null 2>&1 || need+=(python3-requests)
if [ ${#need[@]} -gt 0 ]; then
    say "installing ${need[*]}"
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo -n"
    { $SUDO apt-get install -y --no-install-recommends "${need[@]}" || { $SUDO apt-get update && $SUDO apt-get install -y --no-install-recommends "${need[@]}"; }; } >>"$LOG" 2>&1 \
        || say "could not install ${need[*]} (see $LOG); the rows that need them say so"
fi
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"

# --- Builds (release) ---
say "building libmimecast (cargo build --release)"
(cd "$ROOT" && cargo build --release) >>"$LOG" 2>&1 || { tail -30 "$LOG"; exit 1; }
LIB="$ROOT/target/release/libmimecast.so"
export MIMECAST_LIBRARY="$LIB"

say "building the Rust benchmark"
(cd "$BENCH/rust" && CARGO_TARGET_DIR="$B/rust" cargo build --release) >>"$LOG" 2>&1 || { tail -30 "$LOG"; exit 1; }
RUSTB="$B/rust/release/mimecast-bench"

say "building the C benchmark"
HAVE_C=1
if ! gcc -O2 -Wall -Wextra -I"$ROOT/include" "$BENCH/c/bench.c" -o "$B/bench_c" \
        -L"$ROOT/target/release" -lmimecast -Wl,-rpath,"$ROOT/target/release" -lcrypto >>"$LOG" 2>&1; then
    HAVE_C=0; say "C benchmark did not build (see $LOG)"
fi

say "building the libcurl + OpenSSL + cJSON baseline client"
HAVE_CURL=1
if ! gcc -O2 -Wall -Wextra "$BENCH/c/curl_client.c" -o "$B/curl_client" -lcurl -lcjson -lcrypto >>"$LOG" 2>&1; then
    HAVE_CURL=0; say "the libcurl baseline did not build (see $LOG)"
fi
if ! gcc -O2 -Wall -Wextra -I"$ROOT/include" "$BENCH/c/siem_pull.c" -o "$B/siem_pull" \
        -L"$ROOT/target/release" -lmimecast -Wl,-rpath,"$ROOT/target/release" >>"$LOG" 2>&1; then
    HAVE_C=0; say "the C SIEM pull did not build (see $LOG)"
fi
if ! gcc -O2 -Wall -Wextra -pthread -I"$ROOT/include" "$BENCH/c/cancel_latency.c" -o "$B/cancel_latency" \
        -L"$ROOT/target/release" -lmimecast -Wl,-rpath,"$ROOT/target/release" >>"$LOG" 2>&1; then
    HAVE_C=0; say "the C cancellation benchmark did not build (see $LOG)"
fi

say "building the C# benchmark"
HAVE_CS=0; CS_REASON=""
if command -v dotnet >/dev/null 2>&1; then
    csbuild() {
        rm -rf "$B/csharp" "$B/csharp-obj"
        dotnet build "$BENCH/csharp/Bench.csproj" -c Release -nologo -v q "$@" -o "$B/csharp" \
            -p:BaseIntermediateOutputPath="$B/csharp-obj/" >"$B/csharp-build.log" 2>&1
    }
    if csbuild -p:WithBinding=true; then
        HAVE_CS=1
    else
        CS_REASON="the C# binding (bindings/csharp/Mimecast) does not compile: $(grep -m1 -o 'error [A-Z]*[0-9]*:[^[]*' "$B/csharp-build.log" || echo 'see bench/.build/csharp-build.log')"
        cat "$B/csharp-build.log" >>"$LOG"
        say "$CS_REASON; building the .NET reference rows only"
        csbuild && HAVE_CS=2 || say "C# benchmark did not build"
    fi
else
    CS_REASON="dotnet not installed"
fi
export BENCH_CS_BINDING_REASON="$CS_REASON"

PWSH="$(command -v pwsh || true)"
# The PowerShell module is compiled: build its folder (bindings/powershell/build.ps1) into bench/.build.
PS_MODULE="$B/powershell/Mimecast/Mimecast.psd1"
if [ -n "$PWSH" ]; then
    rm -rf "$B/powershell"
    "$PWSH" -NoProfile -NonInteractive -File "$ROOT/bindings/powershell/build.ps1" -SkipNative -OutputPath "$B/powershell" >>"$LOG" 2>&1 \
        || say "the PowerShell module did not build (see bench/.build/run.log); its rows are unavailable"
fi

# --- Server ---
PORT="$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
URL="http://127.0.0.1:$PORT"
NGX="$(mktemp -d /tmp/mimecast-bench-nginx.XXXXXX)"
NGINX_PID=""
EMU_PID=""
cleanup() {
    if [ -n "$NGINX_PID" ]; then kill "$NGINX_PID" 2>/dev/null || true; fi
    if [ -n "$EMU_PID" ]; then kill "$EMU_PID" 2>/dev/null || true; fi
    rm -rf "$NGX"
}
trap cleanup EXIT
if [ -x "$NGINX" ]; then
    BODY="$(tr -d '\n' < "$BENCH/server/account.json")"
    sed -e "s|@PREFIX@|$NGX|g" -e "s|@PORT@|$PORT|g" "$BENCH/server/nginx.conf.in" \
        | "$PY" -c 'import sys; sys.stdout.write(sys.stdin.read().replace("@BODY@", sys.argv[1]))' "$BODY" > "$NGX/nginx.conf"
    [ "$(id -u)" = 0 ] && sed -i '1i user root;' "$NGX/nginx.conf"
    "$NGINX" -p "$NGX" -c "$NGX/nginx.conf" -e "$NGX/error.log" >>"$LOG" 2>&1
    for _ in $(seq 50); do [ -s "$NGX/nginx.pid" ] && break; sleep 0.1; done
    NGINX_PID="$(cat "$NGX/nginx.pid")"
    SERVER="nginx $("$NGINX" -v 2>&1 | sed 's|.*/||'), 1 worker, keep-alive, fixed JSON envelope"
else
    echo "nginx is not available (apt-get install nginx-light)" >&2
    exit 1
fi
say "server: $SERVER on $URL"

# --- Machine info ---
"$PY" - "$QUICK" "$REPS" "$SERVER" > "$B/machine.json" <<'EOF'
import json, os, platform, subprocess, sys, datetime
def out(*cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=20).stdout.strip().splitlines()[0]
    except Exception:
        return "n/a"
cpu = "unknown CPU"
for line in open("/proc/cpuinfo"):
    if line.startswith("model name"):
        cpu = line.split(":", 1)[1].strip(); break
print(json.dumps({
    "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
    "quick": sys.argv[1] == "1", "reps": int(sys.argv[2]), "server": sys.argv[3],
    "cpu": cpu, "nproc": os.cpu_count(), "kernel": platform.release(),
    "loadavg": open("/proc/loadavg").read().split()[:3],
    "git": out("git", "-C", os.environ.get("ROOT", "."), "rev-parse", "--short", "HEAD"),
    "tools": "; ".join([out("rustc", "--version"), out("gcc", "--version"), "Python " + platform.python_version(),
                        "dotnet " + out("dotnet", "--version"), out("pwsh", "--version")]),
}))
EOF

run() { # label cmd...
    say "$1"; shift
    if ! "$@" >>"$RAW" 2>>"$LOG"; then say "  failed (see $LOG)"; fi
}

# --- Signing ---
run "signing: Rust" "$RUSTB" sign "$SIGN_N" "$REPS"
if [ "$HAVE_C" = 1 ]; then run "signing: C" "$B/bench_c" sign "$SIGN_N" "$REPS"; else unavailable c.sign.fixed "C benchmark did not build"; fi
run "signing: Python" "$PY" "$BENCH/python/bench.py" sign "$PY_SIGN_N" "$REPS"
if [ "$HAVE_CS" != 0 ]; then run "signing: C#" dotnet "$B/csharp/Bench.dll" sign "$CS_SIGN_N" "$REPS"
else unavailable cs.sign.generated "$CS_REASON"; unavailable cs.ref.sign "C# benchmark did not build"; fi
if [ -n "$PWSH" ]; then run "signing: PowerShell" "$PWSH" -NoProfile -NonInteractive -File "$BENCH/powershell/bench.ps1" -Mode sign -Iters "$PS_SIGN_N" -Reps "$REPS" -ModulePath "$PS_MODULE"
else unavailable ps.sign.module "pwsh is not installed"; unavailable ps.ref.sign "pwsh is not installed"; fi

# --- Round trips ---
# The Rust and C libraries, the raw floor and the libcurl client take turns,
# one repetition (a process with its own warm-up) each: the host's noise
# drifts over minutes, and rows measured minutes apart would carry that
# drift into the ratios the targets are about.
say "round trips: Rust + floor, C, C libcurl baseline (interleaved, $REPS repetitions)"
RT_RAW="$B/rt.jsonl"
: > "$RT_RAW"
for _ in $(seq "$REPS"); do
    "$RUSTB" rt "$URL" "$RT_N" 1 >>"$RT_RAW" 2>>"$LOG" || say "  Rust round trips failed (see $LOG)"
    if [ "$HAVE_C" = 1 ]; then
        "$B/bench_c" rt "$URL" "$RT_N" 1 >>"$RT_RAW" 2>>"$LOG" || say "  C round trips failed (see $LOG)"
    fi
    if [ "$HAVE_CURL" = 1 ]; then
        "$B/curl_client" rt "$URL" "$RT_N" 1 >>"$RT_RAW" 2>>"$LOG" || say "  libcurl round trips failed (see $LOG)"
    fi
done
"$PY" - "$RT_RAW" >>"$RAW" <<'PYEOF'
import json, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    d = json.loads(line)
    if d["id"] in rows:
        rows[d["id"]]["reps"] += d["reps"]
    else:
        rows[d["id"]] = d
for d in rows.values():
    d["median"] = round(statistics.median(d["reps"]), 1)
    print(json.dumps(d))
PYEOF
if [ "$HAVE_CURL" != 1 ]; then unavailable c.curl.rt "the libcurl baseline did not build (libcurl4-openssl-dev, libcjson-dev)"; fi
run "round trips: Python" "$PY" "$BENCH/python/bench.py" rt "$URL" "$PY_RT_N" "$REPS" "$PY_REF_N"
if [ "$HAVE_CS" != 0 ]; then run "round trips: C#" dotnet "$B/csharp/Bench.dll" rt "$URL" "$CS_RT_N" "$REPS"
else unavailable cs.rt.lib "$CS_REASON"; fi
if [ -n "$PWSH" ]; then run "round trips: PowerShell" "$PWSH" -NoProfile -NonInteractive -File "$BENCH/powershell/bench.ps1" -Mode rt -Iters "$PS_RT_N" -Reps "$REPS" -Url "$URL" -ModulePath "$PS_MODULE"
else unavailable ps.rt.module "pwsh is not installed"; unavailable ps.ref.rt "pwsh is not installed"; fi

# --- Concurrency ---
run "concurrency: Rust Arc<Client>, 1/2/4/8 threads" "$RUSTB" conc "$URL" "$CONC_S" 3

# --- Memory ---
if [ "$HAVE_C" = 1 ]; then
    run "memory: $MEM_N mc_get_account" "$B/bench_c" mem-rt "$URL" 1000 "$MEM_N"
    run "memory: $MEM_N mc_sign" "$B/bench_c" mem-sign 1000 "$MEM_N"
fi

# --- SIEM pull (API 2.0 batch: pages of presigned links to gzip files) ---
# The emulator generates the events once (cached); a first pull warms it and
# is not reported. Then: a quarter of the pull (peak memory at that point),
# the whole pull, the same pull by a hand-written stdlib Python collector.
say "SIEM pull: starting the emulator with $SIEM_EVENTS events"
"$PY" "$ROOT/tests/mimecast_emulator.py" --siem-events "$SIEM_EVENTS" --siem-file-events 5000 \
    > "$B/emulator.out" 2>>"$LOG" &
EMU_PID=$!
for _ in $(seq 100); do grep -q MIMECAST_EMULATOR_READY "$B/emulator.out" 2>/dev/null && break; sleep 0.1; done
EMU_URL="$(awk '/MIMECAST_EMULATOR_READY/ {print $2}' "$B/emulator.out")"
if [ -z "$EMU_URL" ]; then
    unavailable c.siem.batch "the emulator did not start"
elif [ "$HAVE_C" = 1 ]; then
    "$B/siem_pull" warm "$EMU_URL" batch 0 >/dev/null 2>>"$LOG" || say "  warm-up pull failed (see $LOG)"
    run "SIEM pull: C, first quarter" "$B/siem_pull" c.siem.batch.quarter "$EMU_URL" batch "$((SIEM_EVENTS / 4 * 390 / 1000000))"
    run "SIEM pull: C, whole" "$B/siem_pull" c.siem.batch "$EMU_URL" batch 0
    run "SIEM pull: Python stdlib collector (baseline)" "$PY" "$BENCH/python/siem_pull_ref.py" py.ref.siem "$EMU_URL"
    run "SIEM pull: Python binding, client.events()" "$PY" "$BENCH/python/siem_pull.py" py.siem.lib "$EMU_URL"
    if [ "$HAVE_CS" = 1 ]; then run "SIEM pull: C# client.Events()" dotnet "$B/csharp/Bench.dll" siem "$EMU_URL"
    else unavailable cs.siem.lib "${CS_REASON:-C# benchmark did not build}"; fi
    if [ -n "$PWSH" ]; then run "SIEM pull: PowerShell Get-MimecastSiemEvent (-AsJson, then objects)" "$PWSH" -NoProfile -NonInteractive -File "$BENCH/powershell/bench.ps1" -Mode siem -Url "$EMU_URL" -ModulePath "$PS_MODULE"
    else unavailable ps.siem.json "pwsh is not installed"; fi
    # --- Cancellation: a call held by the emulator's slow fault, cancelled from another thread ---
    run "cancellation: C, 20 calls cancelled while waiting for the answer" "$B/cancel_latency" "$EMU_URL" 20
    run "cancellation: Python asyncio, 20 tasks cancelled while waiting for the answer" "$PY" "$BENCH/python/cancel_latency.py" "$EMU_URL" 20
    if [ "$HAVE_CS" = 1 ]; then run "cancellation: C#, 20 GetAccountAsync cancelled by their token" dotnet "$B/csharp/Bench.dll" cancel "$EMU_URL" 20
    else unavailable cs.cancel.token "${CS_REASON:-C# benchmark did not build}"; fi
fi

echo >&2
ROOT="$ROOT" "$PY" "$BENCH/report.py" "$RAW" "$B/machine.json" "$BENCH/results.json"
echo
echo "raw results: bench/.build/raw.jsonl; log: bench/.build/run.log; summary: bench/results.json"
