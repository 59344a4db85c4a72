#!/usr/bin/env bash
# tests/c/run.sh - build libmimecast, start the Mimecast emulators, run the C
# test suite (tests/c/main.c, harness.c and test_<topic>.c) and the C examples
# against them.
#
#   bash tests/c/run.sh              # test against the shared library
#   bash tests/c/run.sh --valgrind   # same binary under valgrind (leaks = failure)
#   bash tests/c/run.sh --asan       # static library + -fsanitize=address,undefined
#   bash tests/c/run.sh --windows    # mimecast.dll, suite built with mingw-w64, run under Wine
#   bash tests/c/run.sh --arm64      # aarch64 libmimecast.so, run under qemu-aarch64
#
# The cross modes use the libraries of scripts/build-target.sh (built when
# missing or older than the sources) and also build and run the README's C
# program. Environment knobs: CC (native modes, default cc), MC_TEST_ONLY
# (substring filter of topic names, see main.c), MC_TEST_VERBOSE=1 (print
# log lines).
#
# Exits non-zero on any failure.
set -euo pipefail

MODE=plain
for arg in "$@"; do
    case "$arg" in
        --valgrind) MODE=valgrind ;;
        --asan) MODE=asan ;;
        --windows) MODE=windows ;;
        --arm64) MODE=arm64 ;;
        -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
        *) echo "unknown argument: $arg" >&2; exit 2 ;;
    esac
done

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
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
SOURCES=(tests/c/main.c tests/c/harness.c tests/c/test_*.c)
CFLAGS=(-std=c11 -Wall -Wextra -Wpedantic -Werror -g -O1 -I"$ROOT/include")
RUN=()          # what runs a test program (valgrind, wine, qemu-aarch64)
EXE=""          # file name suffix of programs
stale() { # stale FILE: missing, or older than the library sources
    [[ ! -f "$1" ]] || [[ -n "$(find src include build.rs Cargo.toml -newer "$1" 2>/dev/null | head -n1)" ]]
}
case "$MODE" in
    plain|valgrind|asan)
        CC="${CC:-cc}"
        LIBDIR="$ROOT/target/release"
        if stale "$LIBDIR/libmimecast.so" || stale "$LIBDIR/libmimecast.a"; then
            echo "== cargo build --release"
            cargo build --release
        fi
        LINK=(-L"$LIBDIR" -lmimecast -Wl,-rpath,"$LIBDIR" -lpthread)
        ;;
    windows)
        CC=x86_64-w64-mingw32-gcc
        LIBDIR="$ROOT/target/x86_64-pc-windows-gnu/release"
        bash scripts/build-target.sh windows    # incremental: cargo decides what to rebuild
        # mingw's own printf (C99 formats such as %zu), not msvcrt's.
        CFLAGS+=(-D__USE_MINGW_ANSI_STDIO=1)
        LINK=("$LIBDIR/mimecast.dll.a" -lws2_32 -lversion -lcrypt32)
        EXE=.exe
        # Windows finds a DLL next to the program.
        cp "$LIBDIR/mimecast.dll" "$WORK/"
        # A Wine prefix of our own, created once (about 10 s); no Mono/Gecko prompts.
        export WINEPREFIX="${MIMECAST_WINEPREFIX:-${XDG_CACHE_HOME:-$HOME/.cache}/mimecast-wine}"
        export WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
        if [[ ! -f "$WINEPREFIX/system.reg" ]]; then
            echo "== creating the Wine prefix $WINEPREFIX"
            mkdir -p "$WINEPREFIX"
            wineboot --init >/dev/null 2>&1 || true
            wineserver --wait || true
        fi
        # SSL_CERT_FILE would replace the Windows certificate store (rustls-native-certs
        # honours it on every system), which the tests exercise: not inherited.
        RUN=(env -u SSL_CERT_FILE -u SSL_CERT_DIR wine)
        ;;
    arm64)
        CC=aarch64-linux-gnu-gcc
        LIBDIR="$ROOT/target/aarch64-unknown-linux-gnu/release"
        bash scripts/build-target.sh arm64
        # The library's SONAME is libmimecast.so.MAJOR: give the loader that name.
        soname="$(aarch64-linux-gnu-readelf -d "$LIBDIR/libmimecast.so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')"
        mkdir -p "$WORK/lib"
        cp "$LIBDIR/libmimecast.so" "$WORK/lib/libmimecast.so"
        [[ -z "$soname" || "$soname" == libmimecast.so ]] || ln -s libmimecast.so "$WORK/lib/$soname"
        LINK=(-L"$WORK/lib" -lmimecast -Wl,-rpath,"$WORK/lib" -lpthread)
        # The multiarch libc6:arm64 is found by the program's own interpreter;
        # no -L (threaded programs hang with it).
        RUN=(qemu-aarch64)
        ;;
esac

TEST_BIN="$WORK/test_mimecast$EXE"
if [[ "$MODE" == asan ]]; then
    echo "== compiling the tests against libmimecast.a with ASan/UBSan"
    "$CC" "${CFLAGS[@]}" -fsanitize=address,undefined -fno-omit-frame-pointer \
        -fno-sanitize-recover=undefined \
        "${SOURCES[@]}" -o "$TEST_BIN" \
        "$LIBDIR/libmimecast.a" -lpthread -ldl -lm
else
    echo "== compiling the tests with $CC ($MODE)"
    "$CC" "${CFLAGS[@]}" "${SOURCES[@]}" -o "$TEST_BIN" "${LINK[@]}"
fi

echo "== compiling examples (-Werror)"
# cancel.c runs a worker thread: POSIX threads (winpthreads, linked
# statically, under mingw).
PTHREAD=(-pthread)
[[ "$MODE" != windows ]] || PTHREAD=(-pthread -static)
for ex in get_account sign_only cancel siem_events; do
    extra=()
    [[ "$ex" != cancel ]] || extra=("${PTHREAD[@]}")
    "$CC" "${CFLAGS[@]}" "${extra[@]}" "examples/c/$ex.c" -o "$WORK/$ex$EXE" "${LINK[@]}"
done
if [[ "$MODE" == windows || "$MODE" == arm64 ]]; then
    # The README's program, exactly as printed there.
    awk '/^```c$/ {grab=1; next} /^```$/ {grab=0} grab' README.md > "$WORK/hello_mimecast.c"
    grep -q 'mc_get_account' "$WORK/hello_mimecast.c"
    "$CC" -std=c11 -Wall -Wextra -Werror -Iinclude "$WORK/hello_mimecast.c" -o "$WORK/hello_mimecast$EXE" "${LINK[@]}"
fi

# Paths handed to the programs: Windows programs get Windows paths (Z: is /).
native_path() {
    if [[ "$MODE" == windows ]]; then printf 'Z:%s' "${1//\//\\}"; else printf '%s' "$1"; fi
}

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
export MC_TEST_CA_BUNDLE="$(native_path "$ROOT/tests/tls/ca.pem")"
export MC_TEST_VECTORS="$(native_path "$VECTORS")"
export MC_TEST_PAGE_ITEMS=7
export TMPDIR="$WORK"
# Under Wine, output has CRLF line ends: compare text without the CR.
no_cr() { tr -d '\r'; }

# ------------------------------------------------------------------ test
status=0
case "$MODE" in
    plain|windows|arm64)
        echo "== running the C tests${RUN[0]:+ under ${RUN[*]}}"
        set +e
        MC_TEST_TMPDIR="$(native_path "$WORK")" "${RUN[@]}" "$TEST_BIN" 2>&1 | no_cr
        status=${PIPESTATUS[0]}
        set -e
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
[[ $status -eq 0 ]] || echo "C tests FAILED (exit $status)" >&2

# ------------------------------------------------------------------ examples
echo "== running examples/c/get_account against the emulator"
ex_out="$WORK/get_account.out"
if MIMECAST_BASE_URL="$PLAIN_URL" \
   MIMECAST_APP_ID="6f6b3f73-1a2b-4c3d-9e8f-0123456789ab" \
   MIMECAST_APP_KEY="c2f1c8a0-5d8e-4f5a-9b7c-abcdef012345" \
   MIMECAST_ACCESS_KEY="$(python3 -c 'import sys; sys.path.insert(0, "tests"); from mimecast_emulator import DEFAULT_KEYS as K; print(K["access_key"])')" \
   MIMECAST_SECRET_KEY="$(python3 -c 'import sys; sys.path.insert(0, "tests"); from mimecast_emulator import DEFAULT_KEYS as K; print(K["secret_key"])')" \
   "${RUN[@]}" "$WORK/get_account$EXE" 2>&1 | no_cr >"$ex_out"; [[ ${PIPESTATUS[0]} -eq 0 ]]; then
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
       "${RUN[@]}" "$WORK/get_account$EXE" >"$ex_out" 2>&1; then
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
if env "${KEYS_ENV[@]}" "${RUN[@]}" "$WORK/cancel$EXE" 300 2>&1 | no_cr >"$ex_out" && grep -q "^cancelled after 300 ms" "$ex_out"; then
    cat "$ex_out"
else
    cat "$ex_out"; echo "cancel example did not cancel the slow call" >&2; status=1
fi
if env "${KEYS_ENV[@]}" "${RUN[@]}" "$WORK/cancel$EXE" 5000 2>&1 | no_cr >"$ex_out" && grep -q "^finished: Exämple Corp Ltd" "$ex_out"; then
    cat "$ex_out"
else
    cat "$ex_out"; echo "cancel example did not finish a normal call" >&2; status=1
fi

echo "== running examples/c/siem_events: a whole pull, then a resumed one with nothing new"
OAUTH_ENV=(MIMECAST_BASE_URL="$PLAIN_URL" MIMECAST_CLIENT_ID=emulator-client-id-0001
           MIMECAST_CLIENT_SECRET=emulator-client-secret-s3cr3t-0001)
want_events="$(curl -s "$PLAIN_URL/_emulator/siem-events" | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))')"
cp_file="$(native_path "$WORK/siem-checkpoint.json")"
for run in 1 2; do
    if env "${OAUTH_ENV[@]}" "${RUN[@]}" "$WORK/siem_events$EXE" batch "$cp_file" 2026-11-30 \
            2>"$WORK/siem.err" | no_cr >"$ex_out"; then
        got="$(grep -c '"id":"evt-' "$ex_out" || true)"
        want=$([[ $run == 1 ]] && echo "$want_events" || echo 0)
        echo "run $run: $got events ($(no_cr <"$WORK/siem.err"))"
        [[ "$got" == "$want" ]] || { echo "siem_events run $run wrote $got events, want $want" >&2; status=1; }
    else
        cat "$WORK/siem.err"; echo "siem_events run $run failed" >&2; status=1
    fi
done

echo "== running examples/c/sign_only"
SECRET="$(python3 -c 'import sys; sys.path.insert(0, "tests"); from mimecast_emulator import DEFAULT_KEYS as K; print(K["secret_key"])')"
if MIMECAST_BASE_URL="$PLAIN_URL" MIMECAST_APP_ID="6f6b3f73-1a2b-4c3d-9e8f-0123456789ab" \
   MIMECAST_APP_KEY="c2f1c8a0-5d8e-4f5a-9b7c-abcdef012345" \
   MIMECAST_ACCESS_KEY="$(python3 -c 'import sys; sys.path.insert(0, "tests"); from mimecast_emulator import DEFAULT_KEYS as K; print(K["access_key"])')" \
   MIMECAST_SECRET_KEY="$SECRET" "${RUN[@]}" "$WORK/sign_only$EXE" /api/account/get-account 2>"$WORK/sign_only.err" | no_cr >"$ex_out"; [[ ${PIPESTATUS[0]} -eq 0 ]]; then
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

if [[ "$MODE" == windows || "$MODE" == arm64 ]]; then
    echo "== running the README's C program"
    if readme_out="$(MIMECAST_BASE_URL="$PLAIN_URL" MIMECAST_APP_ID="6f6b3f73-1a2b-4c3d-9e8f-0123456789ab" \
        MIMECAST_APP_KEY="c2f1c8a0-5d8e-4f5a-9b7c-abcdef012345" \
        MIMECAST_ACCESS_KEY="$(python3 -c 'import sys; sys.path.insert(0, "tests"); from mimecast_emulator import DEFAULT_KEYS as K; print(K["access_key"])')" \
        MIMECAST_SECRET_KEY="$SECRET" "${RUN[@]}" "$WORK/hello_mimecast$EXE" | no_cr)"; then
        echo "README program printed: $readme_out"
        grep -q "Exämple Corp Ltd (CUSA12A345), 250 users" <<<"$readme_out" \
            || { echo "the README program printed the wrong account" >&2; status=1; }
    else
        echo "the README program failed: $readme_out" >&2; status=1
    fi
fi

if [[ $status -eq 0 ]]; then
    echo "== all C tests passed ($MODE)"
else
    echo "== C tests FAILED ($MODE)" >&2
fi
exit "$status"
