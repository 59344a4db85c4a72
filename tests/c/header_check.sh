#!/usr/bin/env bash
# tests/c/header_check.sh - include/mimecast.h must compile on its own as
# C11 and C++17 with -Wall -Wextra -Wpedantic -Werror, and its
# MIMECAST_VERSION macros must equal Cargo.toml's package version.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
CC="${CC:-cc}"
CXX="${CXX:-c++}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/mimecast-hdr.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
fail=0

cat >"$WORK/tu.c" <<'TU'
#include "mimecast.h"
#include "mimecast.h" /* include guard / pragma once */
#include <stdio.h>

static mc_status use_header(const char *path) {
    mc_options *o = mc_options_new();
    mc_status st = mc_options_set_timeout_ms(o, 1000);
    mc_client *c = NULL;
    if (st == MC_STATUS_OK)
        st = mc_client_new("eu", "a", "b", "c", "AAAA", o, &c);
    mc_signed_headers *h = NULL;
    if (st == MC_STATUS_OK)
        st = mc_sign(c, path, NULL, NULL, &h);
    if (st == MC_STATUS_OK)
        printf("%s %s\n", h->authorization, h->date);
    mc_signed_headers_free(h);
    mc_client_free(c);
    mc_options_free(o);
    mc_log_level lvl = MC_LOG_LEVEL_DEBUG;
    mc_account *acc = NULL;
    mc_account_free(acc);
    (void)lvl;
    return st;
}

int main(void) {
    mc_status st = use_header("/api/account/get-account");
    printf("%s %s %d.%d.%d %s\n", mc_version(), MIMECAST_VERSION, MIMECAST_VERSION_MAJOR,
           MIMECAST_VERSION_MINOR, MIMECAST_VERSION_PATCH, mc_status_name((unsigned)st));
    return st == MC_STATUS_OK ? 0 : 1;
}
TU

WARN=(-Wall -Wextra -Wpedantic -Werror)
# Header alone: a TU that includes nothing else, so the header must be
# self-contained. (Compiling the .h itself as the main file would only trip
# GCC's "#pragma once in main file" warning, which says nothing about users.)
printf '#include "mimecast.h"\n' >"$WORK/only.c"
if "$CC" -std=c11 "${WARN[@]}" -Iinclude -x c -fsyntax-only "$WORK/only.c"; then
    echo "ok   header alone as C11"
else echo "FAIL header alone as C11"; fail=1; fi
if "$CXX" -std=c++17 "${WARN[@]}" -Iinclude -x c++ -fsyntax-only "$WORK/only.c"; then
    echo "ok   header alone as C++17"
else echo "FAIL header alone as C++17"; fail=1; fi
# A TU using a few symbols, as C11 and C++17 (compile only: objects, no link).
if "$CC" -std=c11 "${WARN[@]}" -Iinclude -x c -c "$WORK/tu.c" -o "$WORK/tu_c.o"; then
    echo "ok   TU as C11"
else echo "FAIL TU as C11"; fail=1; fi
if "$CXX" -std=c++17 "${WARN[@]}" -Iinclude -x c++ -c "$WORK/tu.c" -o "$WORK/tu_cxx.o"; then
    echo "ok   TU as C++17"
else echo "FAIL TU as C++17"; fail=1; fi
# Symbols keep C linkage in C++ (extern "C"): no mangled mc_ names.
if nm "$WORK/tu_cxx.o" | grep -E ' U _Z.*mc_' >/dev/null; then
    echo "FAIL C++ object references mangled mc_ symbols"; fail=1
else echo "ok   extern \"C\" linkage"; fi
# Also with -std=c99? Not required; C11 is the contract.

# Version macros vs Cargo.toml.
cargo_version="$(sed -n '/^\[package\]/,/^\[/{s/^version *= *"\([^"]*\)".*/\1/p}' Cargo.toml | head -n1)"
hdr_version="$(sed -n 's/^#define MIMECAST_VERSION "\(.*\)"$/\1/p' include/mimecast.h)"
major="$(sed -n 's/^#define MIMECAST_VERSION_MAJOR \([0-9]*\)$/\1/p' include/mimecast.h)"
minor="$(sed -n 's/^#define MIMECAST_VERSION_MINOR \([0-9]*\)$/\1/p' include/mimecast.h)"
patch="$(sed -n 's/^#define MIMECAST_VERSION_PATCH \([0-9]*\)$/\1/p' include/mimecast.h)"
if [[ -n "$cargo_version" && "$hdr_version" == "$cargo_version" && "$major.$minor.$patch" == "${cargo_version%%[-+]*}" ]]; then
    echo "ok   MIMECAST_VERSION $hdr_version ($major.$minor.$patch) == Cargo.toml $cargo_version"
else
    echo "FAIL MIMECAST_VERSION '$hdr_version' ($major.$minor.$patch) != Cargo.toml '$cargo_version'"; fail=1
fi

# If the library is built, mc_version() must agree as well (run the C TU).
if [[ -f target/release/libmimecast.so ]]; then
    if "$CC" -std=c11 "${WARN[@]}" -Iinclude "$WORK/tu.c" -o "$WORK/tu" -Ltarget/release -lmimecast \
          -Wl,-rpath,"$ROOT/target/release" && out="$("$WORK/tu")"; then
        if [[ "$out" == *"$cargo_version $cargo_version $major.$minor.$patch MC_STATUS_OK" ]]; then
            echo "ok   mc_version() == $cargo_version"
        else echo "FAIL runtime output: $out"; fail=1; fi
    else echo "FAIL linking/running the TU"; fail=1; fi
fi

if [[ $fail -eq 0 ]]; then echo "header check passed"; else echo "header check FAILED"; fi
exit $fail
