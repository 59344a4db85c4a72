#!/usr/bin/env bash
# tests/c/install-test.sh - the C library as a C user installs and consumes it:
#
#   bash tests/c/install-test.sh                  # make install into a DESTDIR, then test it
#   bash tests/c/install-test.sh --tree DIR PREFIX   # test an already installed tree DIR/PREFIX
#                                                   # (tests/dist uses this for the dist tarball)
#
# Checks the layout (header, libmimecast.so.X.Y.Z with SONAME libmimecast.so.X and
# its symlinks, libmimecast.a, mimecast.pc), then builds the README's program
#   - with `pkg-config --cflags --libs mimecast` (dynamic; it must record NEEDED libmimecast.so.X),
#   - statically: the archive plus `pkg-config --static --libs` (no libmimecast.so needed),
#   - from a small CMake project using pkg_check_modules,
# and runs each against the emulator. The last line is "N passed, M failed".
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/mimecast-install.XXXXXX")"
EMU=""
cleanup() { [[ -n "$EMU" ]] && kill "$EMU" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
passed=0; failed=0
ok() { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; }

if [[ "${1:-}" == --tree ]]; then
    DESTDIR="$2"; PREFIX="$3"
else
    DESTDIR="$WORK/root"; PREFIX=/usr/local
    echo "== make install PREFIX=$PREFIX DESTDIR=$DESTDIR"
    make --no-print-directory install PREFIX="$PREFIX" DESTDIR="$DESTDIR"
fi
LIB="$DESTDIR$PREFIX/lib"
version="$(sed -n '/^\[package\]/,/^\[/{s/^version *= *"\([^"]*\)".*/\1/p}' Cargo.toml | head -n1)"
major="${version%%.*}"

# Layout.
[[ -f "$DESTDIR$PREFIX/include/mimecast.h" ]] && cmp -s include/mimecast.h "$DESTDIR$PREFIX/include/mimecast.h" \
    && ok "include/mimecast.h is the committed header" || fail "include/mimecast.h"
[[ -f "$LIB/libmimecast.so.$version" && ! -L "$LIB/libmimecast.so.$version" ]] \
    && ok "lib/libmimecast.so.$version" || fail "lib/libmimecast.so.$version"
[[ "$(readlink "$LIB/libmimecast.so.$major")" == "libmimecast.so.$version" ]] \
    && ok "libmimecast.so.$major -> libmimecast.so.$version" || fail "libmimecast.so.$major symlink"
[[ -L "$LIB/libmimecast.so" && -e "$LIB/libmimecast.so" ]] && ok "libmimecast.so (development symlink)" \
    || fail "libmimecast.so symlink"
soname="$(readelf -d "$LIB/libmimecast.so.$version" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')"
[[ "$soname" == "libmimecast.so.$major" ]] && ok "SONAME $soname" || fail "SONAME is '$soname'"
[[ -f "$LIB/libmimecast.a" ]] && ok "lib/libmimecast.a" || fail "lib/libmimecast.a"
[[ -f "$LIB/pkgconfig/mimecast.pc" ]] && ok "lib/pkgconfig/mimecast.pc" || fail "mimecast.pc"

# pkg-config sees the tree as installed under DESTDIR (the sysroot prefixes -I and -L).
export PKG_CONFIG_PATH="$LIB/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$DESTDIR"
[[ "$(pkg-config --modversion mimecast)" == "$version" ]] && ok "pkg-config --modversion $version" \
    || fail "pkg-config --modversion"
[[ "$(pkg-config --cflags mimecast | xargs)" == "-I$DESTDIR$PREFIX/include" ]] \
    && ok "Cflags: -I\${includedir} (the header is included as \"mimecast.h\")" || fail "Cflags: $(pkg-config --cflags mimecast)"
private="$(pkg-config --static --libs-only-l mimecast | sed 's/-lmimecast//')"

# The README's program.
awk '/^```c$/ {grab=1; next} /^```$/ {grab=0} grab' README.md > "$WORK/hello_mimecast.c"
python3 tests/mimecast_emulator.py --port 0 >"$WORK/emu.out" &
EMU=$!
for _ in $(seq 100); do grep -q READY "$WORK/emu.out" 2>/dev/null && break; sleep 0.05; done
eval "$(python3 -c '
import sys; sys.path.insert(0, "tests")
from mimecast_emulator import DEFAULT_KEYS as k
for v, key in [("APP_ID","app_id"),("APP_KEY","app_key"),("ACCESS_KEY","access_key"),("SECRET_KEY","secret_key")]:
    print(f"export MIMECAST_{v}={k[key]!r}")')"
export MIMECAST_BASE_URL="$(awk '/READY/ {print $2}' "$WORK/emu.out")"
runs() { # runs NAME PROGRAM: runs it and checks the account line
    local out
    if out="$("$2" 2>&1)" && grep -q "Exämple Corp Ltd (CUSA12A345), 250 users" <<<"$out"; then ok "$1 runs: $out"
    else fail "$1 output: $out"; fi
}

# Dynamic, with pkg-config.
if cc -std=c11 -Wall -Wextra -Werror "$WORK/hello_mimecast.c" -o "$WORK/hello-dynamic" \
      $(pkg-config --cflags --libs mimecast) -Wl,-rpath,"$LIB"; then
    needed="$(readelf -d "$WORK/hello-dynamic" | sed -n 's/.*(NEEDED).*\[\(libmimecast[^]]*\)\]/\1/p')"
    [[ "$needed" == "libmimecast.so.$major" ]] && ok "dynamic program records NEEDED $needed" \
        || fail "dynamic program records NEEDED '$needed'"
    runs "pkg-config --cflags --libs (dynamic)" "$WORK/hello-dynamic"
else fail "cc with pkg-config --cflags --libs"; fi

# Static: the archive, and what pkg-config --static says it needs.
if cc -std=c11 -Wall -Wextra -Werror "$WORK/hello_mimecast.c" -o "$WORK/hello-static" \
      $(pkg-config --cflags mimecast) "$(pkg-config --variable=libdir mimecast)/libmimecast.a" $private; then
    if readelf -d "$WORK/hello-static" | grep -q 'NEEDED.*libmimecast'; then fail "static program still needs libmimecast.so"
    else ok "static program needs no libmimecast.so"; fi
    runs "libmimecast.a + pkg-config --static --libs" "$WORK/hello-static"
else fail "cc with libmimecast.a and pkg-config --static"; fi

# CMake with pkg_check_modules.
mkdir -p "$WORK/cmake"
cp "$WORK/hello_mimecast.c" "$WORK/cmake/"
cat >"$WORK/cmake/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.16)
project(hello_mimecast C)
find_package(PkgConfig REQUIRED)
pkg_check_modules(MIMECAST REQUIRED IMPORTED_TARGET mimecast)
add_executable(hello_mimecast hello_mimecast.c)
set_property(TARGET hello_mimecast PROPERTY C_STANDARD 11)
target_link_libraries(hello_mimecast PRIVATE PkgConfig::MIMECAST)
CMAKE
if cmake -S "$WORK/cmake" -B "$WORK/cmake/build" -DCMAKE_BUILD_RPATH="$LIB" >"$WORK/cmake.log" 2>&1 \
   && cmake --build "$WORK/cmake/build" >>"$WORK/cmake.log" 2>&1; then
    runs "CMake pkg_check_modules(IMPORTED_TARGET)" "$WORK/cmake/build/hello_mimecast"
else cat "$WORK/cmake.log"; fail "CMake project"; fi

echo "install test: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
