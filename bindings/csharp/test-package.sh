#!/usr/bin/env bash
# Packs the Mimecast NuGet package into a local folder feed, then builds and runs PackageSmoke (a console app that
# references the *package*, not the project) against the emulator with MIMECAST_LIBRARY unset: proves that the
# runtimes/linux-x64/native/libmimecast.so asset is shipped and found. Exits non-zero on any failure.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
SO="$ROOT/target/release/libmimecast.so"
FEED="$HERE/PackageSmoke/local-feed"
WORK="$(mktemp -d)"
EMU_PID=""
cleanup() {
  if [ -n "$EMU_PID" ]; then kill "$EMU_PID" 2>/dev/null || true; wait "$EMU_PID" 2>/dev/null || true; fi
  rm -rf "$WORK" "$FEED"
}
trap cleanup EXIT

if [ ! -f "$SO" ]; then
  echo "test-package: $SO is missing; run 'cargo build --release' in $ROOT first" >&2
  exit 1
fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
unset MIMECAST_LIBRARY

rm -rf "$FEED"
dotnet pack "$HERE/Mimecast/Mimecast.csproj" -c Release -o "$FEED" --nologo -v quiet
NUPKG="$(ls "$FEED"/Mimecast.*.nupkg | head -n1)"
echo "test-package: packed $(basename "$NUPKG")"
python3 - "$NUPKG" <<'PY'
import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
need = ["runtimes/linux-x64/native/libmimecast.so", "lib/netstandard2.0/Mimecast.dll", "lib/net8.0/Mimecast.dll",
        "lib/netstandard2.0/Mimecast.xml", "lib/net8.0/Mimecast.xml", "README.md"]
missing = [n for n in need if n not in names]
if missing:
    sys.exit("test-package: package lacks " + ", ".join(missing))
print("test-package: package layout ok")
PY

python3 "$ROOT/tests/mimecast_emulator.py" --port 0 > "$WORK/emulator.out" &
EMU_PID=$!
BASE=""
for _ in $(seq 1 100); do
  BASE="$(sed -n 's/^MIMECAST_EMULATOR_READY //p' "$WORK/emulator.out" | head -n1)"
  [ -n "$BASE" ] && break
  sleep 0.1
done
[ -n "$BASE" ] || { echo "test-package: emulator did not start" >&2; exit 1; }

# A private packages folder: never a stale Mimecast from the user's global cache.
dotnet run --project "$HERE/PackageSmoke/PackageSmoke.csproj" -c Release \
  -p:RestorePackagesPath="$WORK/packages" -- "$BASE"
echo "test-package: 1 passed, 0 failed"
