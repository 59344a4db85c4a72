#!/usr/bin/env bash
# Tests of the PowerShell module (what `make test-powershell` runs):
#   1. makes sure pwsh (PowerShell 7, a .NET global tool) and Pester are available, installing them if needed;
#   2. builds the native library, the C# library and the packaged module (build.ps1 -> out/Mimecast);
#   3. copies the package to a temporary directory (the tests import it from there);
#   4. starts the emulator (HTTP, with its proxy) and a second one over TLS;
#   5. runs Pester (tests/*.Tests.ps1, or the files given as arguments). The last line printed is "N passed, M failed".
# Usage: run-tests.sh [tests/Some.Tests.ps1 ...]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
test_paths="$here/tests"
if [ $# -gt 0 ]; then test_paths="$(for f in "$@"; do realpath "$f"; done | paste -sd,)"; fi
repo="$(cd "$here/../.." && pwd)"
cd "$repo"
export PATH="$HOME/.dotnet/tools:$PATH"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

PESTER_VERSION=5.7.1
tools="$here/.tools"
tmp="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]+"${pids[@]}"}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
fail_setup() { echo "powershell tests: $1" >&2; echo "0 passed, 1 failed"; exit 1; }

# 1. pwsh and Pester
if ! command -v pwsh >/dev/null 2>&1; then
  echo "installing PowerShell 7 as a .NET global tool"
  dotnet tool install --global PowerShell --version 7.6.9 >/dev/null || fail_setup "cannot install PowerShell"
fi
pester="$tools/packages/pester/$PESTER_VERSION/tools/Pester.psd1"
if [ ! -f "$pester" ]; then
  echo "fetching Pester $PESTER_VERSION from the NuGet feed"
  mkdir -p "$tools/restore"
  cat > "$tools/restore/PesterDownload.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>netstandard2.0</TargetFramework></PropertyGroup>
  <ItemGroup><PackageDownload Include="Pester" Version="[$PESTER_VERSION]" /></ItemGroup>
</Project>
XML
  dotnet restore "$tools/restore/PesterDownload.csproj" --packages "$tools/packages" -v quiet >/dev/null \
    || fail_setup "cannot restore Pester $PESTER_VERSION"
  [ -f "$pester" ] || fail_setup "Pester.psd1 not found at $pester"
fi

# 2. build
pwsh -NoProfile -NonInteractive -File "$here/build.ps1" -OutputPath "$here/out" || fail_setup "build failed"

# 3. the package, copied away from the repository
cp -r "$here/out/Mimecast" "$tmp/Mimecast"

# 4. emulators
start_emulator() { # name, extra args...; sets $ready_file
  local name=$1; shift
  python3 tests/mimecast_emulator.py --port 0 "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" &
  pids+=($!)
  for _ in $(seq 1 100); do
    if grep -q MIMECAST_EMULATOR_READY "$tmp/$name.out" 2>/dev/null; then
      if [[ " $* " != *" --proxy-port "* ]] || grep -q MIMECAST_PROXY_READY "$tmp/$name.out"; then return 0; fi
    fi
    sleep 0.1
  done
  cat "$tmp/$name.err" >&2
  fail_setup "emulator $name did not start"
}
start_emulator plain --proxy-port 0
start_emulator tls --tls
url="$(awk '/MIMECAST_EMULATOR_READY/ {print $2}' "$tmp/plain.out")"
proxy="$(awk '/MIMECAST_PROXY_READY/ {print $2}' "$tmp/plain.out")"
tls_url="$(awk '/MIMECAST_EMULATOR_READY/ {print $2}' "$tmp/tls.out")"
echo "emulator $url (proxy $proxy), TLS emulator $tls_url, module copy $tmp/Mimecast"

# 5. Pester, without any MIMECAST_* or proxy variable of the caller's environment
env -u MIMECAST_LIBRARY -u MIMECAST_BASE_URL -u MIMECAST_APP_ID -u MIMECAST_APP_KEY -u MIMECAST_ACCESS_KEY \
    -u MIMECAST_SECRET_KEY -u MIMECAST_CLIENT_ID -u MIMECAST_CLIENT_SECRET \
    -u HTTPS_PROXY -u https_proxy -u HTTP_PROXY -u http_proxy -u ALL_PROXY -u all_proxy \
    MIMECAST_TEST_MODULE_DIR="$tmp/Mimecast" MIMECAST_TEST_URL="$url" MIMECAST_TEST_PROXY="$proxy" \
    MIMECAST_TEST_TLS_URL="$tls_url" MIMECAST_TEST_REPO="$repo" MIMECAST_TEST_PWSH="$(command -v pwsh)" \
    pwsh -NoProfile -NonInteractive -File "$here/tests/Invoke-Tests.ps1" -PesterPath "$pester" -TestsPath "$test_paths"
