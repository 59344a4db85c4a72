#!/usr/bin/env bash
# tests/c/run.sh - build libmimecast, start the Mimecast emulators, run the C
# test suite (tests/c/test_mimecast.c) and the C examples against them.
#
#   bash tests/c/run.sh              # test against the shared library
#   bash tests/c/run.sh --valgrind   # same binary under valgrind (leaks = failure)
#   bash tests/c/run.sh --asan       # static library + -fsanitize=address,undefined
#
# Environment knobs: CC (default cc), MC_TEST_ONLY (substring filter of test
# names, see main() in test_mimecast.c), MC_TEST_VERBOSE=1 (print log lines).
#
# Exits non-zero on any failure.
set -euo pipefail

MODE=plain
for arg in "$@"; do
    case "$arg" in
        --valgrind) MODE=valgrind ;;
        --asan) MODE=asan ;;
        -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
        *) echo "unknown argument: $arg" >&2; exit 2 ;;
    esac
done

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
CC="${CC:-cc}"
LIBDIR="$ROOT/target/release"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/mimecast-ctest.XXXXXX")"
PIDS=()

cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The tests decide about proxies themselves; an inherited proxy must not interfere.
unset HTTPS_PROXY https_proxy HTTP_PROXY http_proxy ALL_PROXY all_proxy NO_PROXY no_proxy || true

# ------------------------------------------------------------------ build
if [[ ! -f "$LIBDIR/libmimecast.so" || ! -f "$LIBDIR/libmimecast.a" ]] \
   || [[ -n "$(find src include build.rs Cargo.toml -newer "$LIBDIR/libmimecast.so" 2>/dev/null | head -n1)" ]]; then
    echo "== cargo build --release"
    cargo build --release
fi

CFLAGS=(-std=c11 -Wall -Wextra -Wpedantic -Werror -g -O1 -I"$ROOT/include")
TEST_BIN="$WORK/test_mimecast"
if [[ "$MODE" == asan ]]; then
    echo "== compiling test against libmimecast.a with ASan/UBSan"
    "$CC" "${CFLAGS[@]}" -fsanitize=address,undefined -fno-omit-frame-pointer \
        -fno-sanitize-recover=undefined \
        tests/c/test_mimecast.c -o "$TEST_BIN" \
        "$LIBDIR/libmimecast.a" -lpthread -ldl -lm
else
    echo "== compiling test against libmimecast.so"
    "$CC" "${CFLAGS[@]}" tests/c/test_mimecast.c -o "$TEST_BIN" \
        -L"$LIBDIR" -lmimecast -Wl,-rpath,"$LIBDIR" -lpthread
fi

echo "== compiling examples (-Werror)"
for ex in get_account sign_only cancel; do
    "$CC" "${CFLAGS[@]}" -pthread "examples/c/$ex.c" -o "$WORK/$ex" \
        -L"$LIBDIR" -lmimecast -Wl,-rpath,"$LIBDIR"
done

# ------------------------------------------------------------------ vectors
VECTORS="$WORK/signing.tsv"
python3 - tests/vectors/signing.json "$VECTORS" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
h = lambda s: s.encode("utf-8").hex() or "-"   # "-" stands for the empty string
with open(sys.argv[2], "w") as out:
    for v in d["vectors"]:
        f = [v[k] for k in ("name", "app_id", "app_key", "access_key", "secret_key",
                            "path", "date", "request_id", "authorization")]
        out.write("V\t" + "\t".join(h(x) for x in f) + "\n")
    for v in d["invalid"]:
        out.write("I\t" + "\t".join(h(x) for x in (v["name"], v["secret_key"], v["error"])) + "\n")
EOF

# ------------------------------------------------------------------ emulators
# start_emulator NAME ARGS...: starts it in the background, waits for the
# READY line(s), and sets ${NAME}_URL (and ${NAME}_PROXY with --proxy-port).
start_emulator() {
    local name="$1"; shift
    local out="$WORK/$name.out"
    python3 tests/mimecast_emulator.py --port 0 "$@" >"$out" 2>"$WORK/$name.err" &
    PIDS+=("$!")
    local want=1
    [[ " $* " == *" --proxy-port "* ]] && want=2
    local i
    for i in $(seq 1 100); do
        if [[ "$(grep -c READY "$out" || true)" -ge "$want" ]]; then
            printf -v "${name}_URL" '%s' "$(awk '/MIMECAST_EMULATOR_READY/ {print $2}' "$out")"
            printf -v "${name}_PROXY" '%s' "$(awk '/MIMECAST_PROXY_READY/ {print $2}' "$out")"
            return 0
        fi
        sleep 0.1
    done
    echo "emulator $name did not start:" >&2
    cat "$WORK/$name.err" >&2
    exit 1
}

start_emulator PLAIN
start_emulator TLS --tls
start_emulator PROXY --proxy-port 0
echo "== emulators: $PLAIN_URL  $TLS_URL  $PROXY_URL (proxy $PROXY_PROXY)"

export MC_TEST_BASE_URL="$PLAIN_URL"
export MC_TEST_TLS_BASE_URL="$TLS_URL"
export MC_TEST_PROXY_BASE_URL="$PROXY_URL"
export MC_TEST_PROXY_URL="$PROXY_PROXY"
export MC_TEST_CA_BUNDLE="$ROOT/tests/tls/ca.pem"
export MC_TEST_VECTORS="$VECTORS"
export MC_TEST_PAGE_ITEMS=7
export TMPDIR="$WORK"

# ------------------------------------------------------------------ test
status=0
case "$MODE" in
    plain)
        echo "== running test_mimecast"
        "$TEST_BIN" || status=$?
        ;;
    valgrind)
        echo "== running test_mimecast under valgrind"
        VG=(valgrind --leak-check=full --error-exitcode=99
            --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect
            --track-origins=yes --num-callers=30 --log-file="$WORK/valgrind.log")
        if [[ -f tests/c/valgrind.supp ]]; then
            VG+=(--suppressions=tests/c/valgrind.supp)
        fi
        "${VG[@]}" "$TEST_BIN" || status=$?
        echo "-- valgrind summary"
        sed -n '/HEAP SUMMARY/,$p' "$WORK/valgrind.log" | sed 's/^==[0-9]*== //'
        if ! grep -q "definitely lost: 0 bytes" "$WORK/valgrind.log" \
           && grep -q "definitely lost:" "$WORK/valgrind.log"; then
            echo "valgrind: definite leaks" >&2; status=1
        fi
        if ! grep -q "indirectly lost: 0 bytes" "$WORK/valgrind.log" \
           && grep -q "indirectly lost:" "$WORK/valgrind.log"; then
            echo "valgrind: indirect leaks" >&2; status=1
        fi
        if ! grep -q "ERROR SUMMARY: 0 errors" "$WORK/valgrind.log"; then
            echo "valgrind: errors reported" >&2
            cp "$WORK/valgrind.log" /tmp/mimecast-valgrind.log 2>/dev/null && echo "full log: /tmp/mimecast-valgrind.log" >&2
            status=1
        fi
        ;;
    asan)
        echo "== running test_mimecast with ASan/UBSan"
        ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1:strict_string_checks=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}" \
        UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
            "$TEST_BIN" || status=$?
        ;;
esac
[[ $status -eq 0 ]] || echo "test_mimecast FAILED (exit $status)" >&2

# ------------------------------------------------------------------ examples
echo "== running examples/c/get_account against the emulator"
ex_out="$WORK/get_account.out"
if MIMECAST_BASE_URL="$PLAIN_URL" \
   MIMECAST_APP_ID="6f6b3f73-1a2b-4c3d-9e8f-0123456789ab" \
   MIMECAST_APP_KEY="c2f1c8a0-5d8e-4f5a-9b7c-abcdef012345" \
   MIMECAST_ACCESS_KEY="$(python3 -c 'import sys; sys.path.insert(0, "tests"); from mimecast_emulator import DEFAULT_KEYS as K; print(K["access_key"])')" \
   MIMECAST_SECRET_KEY="$(python3 -c 'import sys; sys.path.insert(0, "tests"); from mimecast_emulator import DEFAULT_KEYS as K; print(K["secret_key"])')" \
   "$WORK/get_account" >"$ex_out" 2>&1; then
    cat "$ex_out"
    if ! grep -q "Exämple Corp Ltd" "$ex_out"; then
        echo "get_account output lacks the account name" >&2; status=1
    fi
    if grep -q "Ventilator-Harbour-42" "$ex_out"; then
        echo "get_account printed the passphrase" >&2; status=1
    fi
else
    cat "$ex_out"; echo "get_account example failed" >&2; status=1
fi
# Error path: no credentials -> non-zero exit and a message.
if env -u MIMECAST_BASE_URL -u MIMECAST_APP_ID -u MIMECAST_CLIENT_ID -u MIMECAST_CLIENT_SECRET \
       "$WORK/get_account" >"$ex_out" 2>&1; then
    echo "get_account succeeded without credentials" >&2; status=1
elif ! grep -q "MIMECAST_" "$ex_out"; then
    cat "$ex_out"; echo "get_account error does not name the variable" >&2; status=1
fi

echo "== running examples/c/cancel against a slow emulator answer"
KEYS_ENV=(MIMECAST_BASE_URL="$PLAIN_URL" MIMECAST_APP_ID="6f6b3f73-1a2b-4c3d-9e8f-0123456789ab"
          MIMECAST_APP_KEY="c2f1c8a0-5d8e-4f5a-9b7c-abcdef012345"
          MIMECAST_ACCESS_KEY="$(python3 -c 'import sys; sys.path.insert(0, "tests"); from mimecast_emulator import DEFAULT_KEYS as K; print(K["access_key"])')"
          MIMECAST_SECRET_KEY="$(python3 -c 'import sys; sys.path.insert(0, "tests"); from mimecast_emulator import DEFAULT_KEYS as K; print(K["secret_key"])')")
curl -s -o /dev/null -X POST "$PLAIN_URL/_emulator/faults" -H 'Content-Type: application/json' \
    --data '{"fault": "slow", "delay_s": 5}'
if env "${KEYS_ENV[@]}" "$WORK/cancel" 300 >"$ex_out" 2>&1 && grep -q "^cancelled after 300 ms" "$ex_out"; then
    cat "$ex_out"
else
    cat "$ex_out"; echo "cancel example did not cancel the slow call" >&2; status=1
fi
if env "${KEYS_ENV[@]}" "$WORK/cancel" 5000 >"$ex_out" 2>&1 && grep -q "^finished: Exämple Corp Ltd" "$ex_out"; then
    cat "$ex_out"
else
    cat "$ex_out"; echo "cancel example did not finish a normal call" >&2; status=1
fi

echo "== running examples/c/sign_only"
SECRET="$(python3 -c 'import sys; sys.path.insert(0, "tests"); from mimecast_emulator import DEFAULT_KEYS as K; print(K["secret_key"])')"
if MIMECAST_BASE_URL="$PLAIN_URL" MIMECAST_APP_ID="6f6b3f73-1a2b-4c3d-9e8f-0123456789ab" \
   MIMECAST_APP_KEY="c2f1c8a0-5d8e-4f5a-9b7c-abcdef012345" \
   MIMECAST_ACCESS_KEY="$(python3 -c 'import sys; sys.path.insert(0, "tests"); from mimecast_emulator import DEFAULT_KEYS as K; print(K["access_key"])')" \
   MIMECAST_SECRET_KEY="$SECRET" "$WORK/sign_only" /api/account/get-account >"$ex_out" 2>"$WORK/sign_only.err"; then
    cat "$ex_out"
    if grep -qF "$SECRET" "$ex_out"; then
        echo "sign_only printed the secret key" >&2; status=1
    fi
    # The printed curl command must really work against the emulator.
    if command -v curl >/dev/null; then
        if ! (bash "$ex_out" 2>/dev/null || true) | grep -q "accountCode"; then
            echo "the curl command printed by sign_only did not authenticate" >&2; status=1
        fi
    fi
else
    cat "$ex_out" "$WORK/sign_only.err"; echo "sign_only example failed" >&2; status=1
fi

if [[ $status -eq 0 ]]; then
    echo "== all C tests passed ($MODE)"
else
    echo "== C tests FAILED ($MODE)" >&2
fi
exit "$status"
