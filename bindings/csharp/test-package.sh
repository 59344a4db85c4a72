#!/usr/bin/env bash
# Tests the Mimecast NuGet package (what `make test-csharp-package` runs):
#  1. packs it into a local folder feed with all three native assets (linux-x64, linux-arm64, win-x64;
#     scripts/build-target.sh makes the cross-built ones) and checks its layout: each runtimes/<rid>/native/ file
#     is a library of that platform (ELF x86-64, ELF AArch64, PE x86-64; on Windows named libmimecast.dll, since
#     mimecast.dll would collide with the managed Mimecast.dll), licence texts, nuspec metadata;
#  2. PackageSmoke (a console app that references the *packages*, not the projects; the companion
#     Mimecast.Extensions.DependencyInjection is packed and checked too) runs against the emulator with
#     MIMECAST_LIBRARY unset and must load the package's file for its platform, byte for byte, cancel a call in
#     flight and make a client through AddMimecast:
#       - linux-x64 with `dotnet run`;
#       - win-x64: `dotnet publish -r win-x64 --self-contained`, run under Wine;
#       - linux-arm64: `dotnet publish -r linux-arm64 --self-contained`, run under qemu-aarch64;
#  3. with the native library deleted from the win-x64 and linux-x64 apps, the error lists where it looked.
# Exits non-zero on any failure; the last line is "N passed, M failed".
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
FEED="$HERE/PackageSmoke/local-feed"
WORK="$(mktemp -d)"
EMU_PID=""
passed=0; failed=0
cleanup() {
  if [ -n "$EMU_PID" ]; then kill "$EMU_PID" 2>/dev/null || true; wait "$EMU_PID" 2>/dev/null || true; fi
  rm -rf "$WORK" "$FEED"
}
trap cleanup EXIT
ok() { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; }

SO="$ROOT/target/release/libmimecast.so"
ARM="$ROOT/target/aarch64-unknown-linux-gnu/release/libmimecast.so"
DLL="$ROOT/target/x86_64-pc-windows-gnu/release/mimecast.dll"
for f in "$SO" "$ARM" "$DLL"; do
  if [ ! -f "$f" ]; then
    echo "test-package: $f is missing; run 'cargo build --release', 'make arm64' and 'make windows' first" >&2
    echo "0 passed, 1 failed"; exit 1
  fi
done
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
unset MIMECAST_LIBRARY

rm -rf "$FEED"
dotnet pack "$HERE/Mimecast/Mimecast.csproj" -c Release -o "$FEED" --nologo -v quiet -p:MimecastRequireAllNatives=true
dotnet pack "$HERE/Mimecast.Extensions.DependencyInjection/Mimecast.Extensions.DependencyInjection.csproj" -c Release -o "$FEED" --nologo -v quiet
NUPKG="$(ls "$FEED"/Mimecast.[0-9]*.nupkg | head -n1)"
COMPANION="$(ls "$FEED"/Mimecast.Extensions.DependencyInjection.*.nupkg | head -n1)"
echo "test-package: packed $(basename "$NUPKG") and $(basename "$COMPANION")"

# 1. Layout and metadata.
if python3 "$HERE/check_package.py" "$NUPKG" "$ROOT" > "$WORK/layout.out"; then ok "package layout and metadata"; else fail "package layout and metadata"; fi
cat "$WORK/layout.out"
if python3 "$HERE/check_package.py" "$COMPANION" "$ROOT" > "$WORK/companion.out"; then ok "companion package layout and metadata"; else fail "companion package layout and metadata"; fi
cat "$WORK/companion.out"
# asset MEMBER [windows]: the package's copy of a native file, extracted; its path (Z:\... for Wine).
asset() {
  local out="$WORK/assets/$1"
  mkdir -p "$(dirname "$out")"
  python3 -c 'import sys, zipfile; open(sys.argv[3], "wb").write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))' "$NUPKG" "$1" "$out"
  if [ "${2:-}" = windows ]; then printf 'Z:%s' "${out//\//\\}"; else printf '%s' "$out"; fi
}

python3 "$ROOT/tests/mimecast_emulator.py" --port 0 > "$WORK/emulator.out" &
EMU_PID=$!
BASE=""
for _ in $(seq 1 100); do
  BASE="$(sed -n 's/^MIMECAST_EMULATOR_READY //p' "$WORK/emulator.out" | head -n1)"
  [ -n "$BASE" ] && break
  sleep 0.1
done
[ -n "$BASE" ] || { echo "test-package: emulator did not start" >&2; echo "$passed passed, $((failed + 1)) failed"; exit 1; }

# A private packages folder: never a stale Mimecast from the user's global cache.
PROPS=(-p:RestorePackagesPath="$WORK/packages")
SMOKE="$HERE/PackageSmoke/PackageSmoke.csproj"

# 2a. linux-x64, as `dotnet run` does it (the package's runtimes/ folder in the packages cache).
if dotnet run --project "$SMOKE" -c Release "${PROPS[@]}" -- "$BASE" "$(asset runtimes/linux-x64/native/libmimecast.so)"; then
  ok "linux-x64 app loads runtimes/linux-x64/native/libmimecast.so"
else fail "linux-x64 app"; fi

publish() { # rid -> output directory
  # Its own obj/ and bin/: outputs of the RID-less `dotnet run` above must not mix in.
  dotnet publish "$SMOKE" -c Release -r "$1" --self-contained -o "$WORK/publish-$1" "${PROPS[@]}" \
    --artifacts-path "$WORK/artifacts-$1" \
    -v quiet --nologo >"$WORK/publish-$1.log" 2>&1 || { cat "$WORK/publish-$1.log"; return 1; }
}

# 2b. win-x64 under Wine.
export WINEPREFIX="${MIMECAST_WINEPREFIX:-${XDG_CACHE_HOME:-$HOME/.cache}/mimecast-wine}"
# Wine's own mscoree.dll must stay enabled: Wine's loader hands it every IL image .NET loads.
export WINEDEBUG=-all
unset WINEDLLOVERRIDES
if publish win-x64; then
  if [ -f "$WORK/publish-win-x64/libmimecast.dll" ] && [ ! -e "$WORK/publish-win-x64/libmimecast.so" ]; then
    ok "win-x64 publish carries libmimecast.dll only"
  else fail "win-x64 publish carries libmimecast.dll only"; fi
  if wine "$WORK/publish-win-x64/PackageSmoke.exe" "$BASE" "$(asset runtimes/win-x64/native/libmimecast.dll windows)" 2>&1 | tr -d '\r' | tee "$WORK/win.out" \
     && grep -q "PackageSmoke OK" "$WORK/win.out"; then
    ok "win-x64 app under Wine loads the package's libmimecast.dll"
  else fail "win-x64 app under Wine"; fi
  rm "$WORK/publish-win-x64/libmimecast.dll"
  if wine "$WORK/publish-win-x64/PackageSmoke.exe" --expect-missing 2>&1 | tr -d '\r' | tee "$WORK/win-missing.out" \
     && grep -q "PackageSmoke OK" "$WORK/win-missing.out"; then
    ok "win-x64 app without libmimecast.dll: DllNotFoundException lists where it looked"
  else fail "win-x64 app without libmimecast.dll"; fi
else fail "dotnet publish -r win-x64"; fi

# 2c. linux-arm64 under qemu-user (the multiarch libc6:arm64; no -L).
if publish linux-arm64; then
  if DOTNET_EnableWriteXorExecute=0 qemu-aarch64 "$WORK/publish-linux-arm64/PackageSmoke" "$BASE" \
       "$(asset runtimes/linux-arm64/native/libmimecast.so)" 2>&1 | tee "$WORK/arm.out" \
     && grep -q "PackageSmoke OK" "$WORK/arm.out"; then
    ok "linux-arm64 app under qemu loads the package's libmimecast.so"
  else fail "linux-arm64 app under qemu"; fi
else fail "dotnet publish -r linux-arm64"; fi

# 3. linux-x64 without the library.
if publish linux-x64; then
  rm "$WORK/publish-linux-x64/libmimecast.so"
  if "$WORK/publish-linux-x64/PackageSmoke" --expect-missing; then
    ok "linux-x64 app without libmimecast.so: DllNotFoundException lists where it looked"
  else fail "linux-x64 app without libmimecast.so"; fi
else fail "dotnet publish -r linux-x64"; fi

echo "test-package: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
