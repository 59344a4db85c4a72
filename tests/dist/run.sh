#!/usr/bin/env bash
# tests/dist/run.sh - installs every artefact of dist/ (make dist) the way its README tells users to, in
# clean environments, and uses it against the emulator. What runs where:
#
#   integrity   sha256sum -c SHA256SUMS; MANIFEST.json lists every file
#   C           x86_64 tarball: extracted as into /usr/local, then tests/c/install-test.sh --tree
#               (pkg-config dynamic + static, CMake); aarch64 tarball: the README program built with
#               pkg-config and aarch64-linux-gnu-gcc, run under qemu; Windows zip: built with mingw-w64
#               against the import library, run under Wine
#   Python      check_wheel.py --stripped on every wheel; `pip install --no-index --find-links dist
#               mimecast` into a fresh venv, Get Account; for arm64, pip's own choice with
#               --platform manylinux_2_34_aarch64 (it must take the aarch64 wheel) and that wheel's
#               library used under qemu (this machine has no arm64 Python to run the package itself)
#   .NET        a new console app: dotnet new nugetconfig / nuget add source / add package, as the C#
#               README says; dotnet run (linux-x64) and a self-contained linux-arm64 publish run under
#               qemu; the netstandard2.0 assembly in a net<minimum .NET Framework> app run by Mono
#   PowerShell  Install-PSResource from dist/powershell registered as a folder repository, then
#               Import-Module Mimecast by name in a clean pwsh, Connect-Mimecast, Get-MimecastAccount; the
#               installed module's manifest metadata; for each of linux-x64, linux-arm64 and win-x64 the
#               .NET loader's candidate paths find exactly that platform's library in the installed module
#
# Nothing is installed outside a temporary directory (HOME is a temporary one for pip, dotnet's
# NuGet config and PowerShell). The last line is "N passed, M failed".
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DIST="${1:-$ROOT/dist}"
cd "$ROOT"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/mimecast-dist-test.XXXXXX")"
EMU=""
cleanup() { [[ -n "$EMU" ]] && kill "$EMU" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
passed=0; failed=0
ok() { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; }
check() { local what="$1"; shift; if "$@" >"$WORK/last.log" 2>&1; then ok "$what"; else cat "$WORK/last.log"; fail "$what"; fi; }
VERSION="$(sed -n '/^\[package\]/,/^\[/{s/^version *= *"\([^"]*\)".*/\1/p}' Cargo.toml | head -n1)"
REAL_HOME="$HOME"
export PATH="$REAL_HOME/.dotnet/tools:$PATH" DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
unset MIMECAST_LIBRARY

[[ -f "$DIST/SHA256SUMS" ]] || { echo "no $DIST/SHA256SUMS: run make dist"; echo "0 passed, 1 failed"; exit 1; }

# ------------------------------------------------------------------ integrity
check "sha256sum -c SHA256SUMS" bash -c "cd '$DIST' && sha256sum -c --quiet SHA256SUMS"
check "MANIFEST.json lists every file with a target and a size" python3 - "$DIST" <<'PY'
import json, sys
from pathlib import Path
dist = Path(sys.argv[1])
m = json.loads((dist / "MANIFEST.json").read_text())
listed = {a["file"] for a in m["artefacts"]}
files = {p.relative_to(dist).as_posix() for p in dist.rglob("*") if p.is_file()} - {"SHA256SUMS", "MANIFEST.json"}
assert listed == files, sorted(listed ^ files)
for a in m["artefacts"]:
    assert a["size"] == (dist / a["file"]).stat().st_size and a["target"], a
    if a["kind"] in ("python wheel", "C library") and "linux" in a["target"]:
        assert a["min_glibc"] and a["min_glibc"].startswith("2."), a
PY

# ------------------------------------------------------------------ emulator + keys
python3 tests/mimecast_emulator.py --port 0 >"$WORK/emu.out" 2>&1 &
EMU=$!
for _ in $(seq 100); do grep -q READY "$WORK/emu.out" 2>/dev/null && break; sleep 0.05; done
eval "$(python3 -c '
import sys; sys.path.insert(0, "tests")
from mimecast_emulator import DEFAULT_KEYS as k
for v, key in [("APP_ID","app_id"),("APP_KEY","app_key"),("ACCESS_KEY","access_key"),("SECRET_KEY","secret_key")]:
    print(f"export MIMECAST_{v}={k[key]!r}")')"
export MIMECAST_BASE_URL="$(awk '/READY/ {print $2}' "$WORK/emu.out")"
ACCOUNT="Exämple Corp Ltd"
awk '/^```c$/ {grab=1; next} /^```$/ {grab=0} grab' README.md >"$WORK/hello_mimecast.c"

# ------------------------------------------------------------------ C
mkdir -p "$WORK/c-x64/usr/local"
tar -xzf "$DIST/libmimecast-$VERSION-x86_64-linux-gnu.tar.gz" -C "$WORK/c-x64/usr/local" --strip-components=1
if bash tests/c/install-test.sh --tree "$WORK/c-x64" /usr/local >"$WORK/c-x64.log" 2>&1; then
    ok "x86_64 tarball: $(tail -n1 "$WORK/c-x64.log")"
else cat "$WORK/c-x64.log"; fail "x86_64 tarball"; fi
for f in LICENSE-MIT LICENSE-APACHE; do
    check "x86_64 tarball carries $f" cmp "$WORK/c-x64/usr/local/$f" "$f"
done

mkdir -p "$WORK/c-arm64/usr/local"
tar -xzf "$DIST/libmimecast-$VERSION-aarch64-linux-gnu.tar.gz" -C "$WORK/c-arm64/usr/local" --strip-components=1
arm_lib="$WORK/c-arm64/usr/local/lib"
check "aarch64 tarball: README program via pkg-config, run under qemu" bash -c "
    export PKG_CONFIG_PATH='$arm_lib/pkgconfig' PKG_CONFIG_SYSROOT_DIR='$WORK/c-arm64'
    aarch64-linux-gnu-gcc -std=c11 -Wall -Werror '$WORK/hello_mimecast.c' -o '$WORK/hello-arm64' \$(pkg-config --cflags --libs mimecast) -Wl,-rpath,'$arm_lib'
    out=\$(qemu-aarch64 '$WORK/hello-arm64') && echo \"\$out\" && grep -q '$ACCOUNT' <<<\"\$out\""

python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' \
    "$DIST/libmimecast-$VERSION-x86_64-windows-gnu.zip" "$WORK/c-win"
win="$WORK/c-win/libmimecast-$VERSION-x86_64-windows-gnu"
check "Windows zip: README program with the import library, run under Wine" bash -c "
    x86_64-w64-mingw32-gcc -std=c11 -Wall -Werror -I'$win/include' '$WORK/hello_mimecast.c' -o '$win/bin/hello.exe' -L'$win/lib' -l:mimecast.dll.a
    export WINEPREFIX='${MIMECAST_WINEPREFIX:-$REAL_HOME/.cache/mimecast-wine}' WINEDEBUG=-all
    out=\$(wine '$win/bin/hello.exe' | tr -d '\r') && echo \"\$out\" && grep -q '$ACCOUNT' <<<\"\$out\""

# ------------------------------------------------------------------ Python
check "every wheel passes check_wheel.py --stripped" python3 bindings/python/check_wheel.py --stripped "$DIST"/*.whl
export HOME="$WORK/home"; mkdir -p "$HOME"
python3 -m venv "$WORK/venv"
check "pip install --no-index --find-links dist mimecast (fresh venv)" \
    "$WORK/venv/bin/python" -m pip install --no-index --find-links "$DIST" --disable-pip-version-check -q mimecast
check "Python: installed wheel, bundled library, Get Account" bash -c "cd '$WORK' && '$WORK/venv/bin/python' - <<'PY'
import os, mimecast
lib = os.path.realpath(mimecast.library_path())
assert lib.startswith(os.path.realpath('$WORK/venv')), lib
with mimecast.Client.from_env() as c:
    a = c.get_account()
print(lib, a.account_name)
assert a.account_name == '$ACCOUNT'
PY"
check "pip picks the aarch64 wheel for an arm64 glibc 2.34 system" \
    "$WORK/venv/bin/python" -m pip install --no-index --find-links "$DIST" --disable-pip-version-check -q \
    --platform manylinux_2_34_aarch64 --only-binary=:all: --target "$WORK/arm64-site" mimecast
cat >"$WORK/dlopen.c" <<'C'
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include "mimecast.h"
/* Loads the wheel's library by path, as the Python package does, and fetches the account. */
int main(int argc, char **argv) {
    void *h = dlopen(argv[1], RTLD_NOW);
    if (!h) { fprintf(stderr, "%s\n", dlerror()); return 1; }
    mc_status (*from_env)(const mc_options *, mc_client **) = (mc_status (*)(const mc_options *, mc_client **))dlsym(h, "mc_client_new_from_env");
    mc_status (*get)(const mc_client *, mc_account **) = (mc_status (*)(const mc_client *, mc_account **))dlsym(h, "mc_get_account");
    mc_client *c = NULL; mc_account *a = NULL;
    if (!from_env || !get || from_env(NULL, &c) != MC_STATUS_OK || get(c, &a) != MC_STATUS_OK) return 1;
    printf("%s: %s\n", argv[1], a->account_name);
    return strcmp(a->account_name, argc > 2 ? argv[2] : "") == 0 ? 0 : 1;
}
C
check "the aarch64 wheel's library works under qemu" bash -c "
    aarch64-linux-gnu-gcc -std=c11 -Iinclude '$WORK/dlopen.c' -o '$WORK/dlopen-arm64' -ldl &&
    qemu-aarch64 '$WORK/dlopen-arm64' '$WORK/arm64-site/mimecast/_native/libmimecast.so' '$ACCOUNT'"

# ------------------------------------------------------------------ .NET
app="$WORK/dotnet/MyApp"
mkdir -p "$WORK/dotnet"
cat >"$WORK/Program.cs" <<'CS'
using Mimecast;
using var client = MimecastClient.FromEnvironment();
Account account = client.GetAccount();
System.Console.WriteLine(account.AccountName + " via " + MimecastClient.NativeLibraryPath);
return account.AccountName == "Exämple Corp Ltd" ? 0 : 1;
CS
check ".NET: dotnet new console + the C# README's commands (SDK $(dotnet --version))" bash -c "
    set -e
    cd '$WORK/dotnet' && dotnet new console -o MyApp >/dev/null && cd MyApp
    dotnet new nugetconfig >/dev/null
    dotnet nuget add source '$DIST' --name mimecast-local --configfile nuget.config >/dev/null
    dotnet add package Mimecast --source '$DIST'
    cp '$WORK/Program.cs' Program.cs"
check ".NET: dotnet run (linux-x64) loads the package's library" bash -c "
    cd '$app' && out=\$(dotnet run) && echo \"\$out\" && grep -q 'runtimes/linux-x64/native/libmimecast.so' <<<\"\$out\""
check ".NET: self-contained linux-arm64 publish runs under qemu" bash -c "
    cd '$app' && dotnet publish -c Release -r linux-arm64 --self-contained -o '$WORK/pub-arm64' -v quiet >/dev/null &&
    out=\$(DOTNET_EnableWriteXorExecute=0 qemu-aarch64 '$WORK/pub-arm64/MyApp') && echo \"\$out\" && grep -q '$ACCOUNT' <<<\"\$out\""

# .NET Framework: the netstandard2.0 assembly and its dependencies in an app for the minimum version.
netfx="$(sed -n 's:.*<MimecastNetFrameworkMinimum>\(.*\)</MimecastNetFrameworkMinimum>.*:\1:p' bindings/csharp/Directory.Build.props)"
tfm="net${netfx//./}"
mkdir -p "$WORK/netfx"
cp "$app/nuget.config" "$WORK/netfx/"
cat >"$WORK/netfx/NetFx.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>$tfm</TargetFramework>
    <LangVersion>latest</LangVersion>
    <!-- Mono on Linux stands in for .NET Framework: take the linux-x64 native asset. -->
    <RuntimeIdentifier>linux-x64</RuntimeIdentifier>
    <SelfContained>false</SelfContained>
  </PropertyGroup>
  <ItemGroup><PackageReference Include="Mimecast" Version="$VERSION" /></ItemGroup>
</Project>
XML
cat >"$WORK/netfx/Program.cs" <<'CS'
using System;
using Mimecast;
static class Program
{
    static int Main()
    {
        using (var client = MimecastClient.FromEnvironment())
        {
            Account account = client.GetAccount();
            Console.WriteLine(account.AccountName + " via " + MimecastClient.NativeLibraryPath
                + " on " + System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription);
            return account.AccountName == "Exämple Corp Ltd" ? 0 : 1;
        }
    }
}
CS
check ".NET Framework $netfx ($tfm) app with the netstandard2.0 assembly runs on Mono" bash -c "
    cd '$WORK/netfx' && dotnet build -c Release -o out -v quiet >/dev/null &&
    out=\$(mono out/NetFx.exe) && echo \"\$out\" && grep -q '$ACCOUNT' <<<\"\$out\" && grep -q Mono <<<\"\$out\""

# ------------------------------------------------------------------ PowerShell
cat >"$WORK/ps-install.ps1" <<'PS'
param([string] $Repository, [string] $Version)
$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name mimecast-dist -Uri $Repository -Trusted
Install-PSResource -Name Mimecast -Repository mimecast-dist -Version $Version -Scope CurrentUser -Quiet
(Get-Module -ListAvailable Mimecast).ModuleBase
PS
cat >"$WORK/ps-use.ps1" <<'PS'
param([string] $Netfx, [string] $Version)
$ErrorActionPreference = 'Stop'
Import-Module Mimecast
$m = Get-Module Mimecast
"imported $($m.Name) $($m.Version) from $($m.ModuleBase)"
if ($m.Version -ne [version]$Version) { throw "version $($m.Version)" }
Connect-Mimecast -FromEnvironment | Out-Null
$a = Get-MimecastAccount
"account: $($a.AccountName)"
if ($a.AccountName -ne 'Exämple Corp Ltd') { throw "account $($a.AccountName)" }
# Manifest metadata.
$d = Import-PowerShellDataFile (Join-Path $m.ModuleBase 'Mimecast.psd1')
$psdata = $d.PrivateData.PSData
foreach ($k in 'ProjectUri', 'LicenseUri', 'ReleaseNotes') { if (-not $psdata[$k]) { throw "manifest lacks $k" } }
if ($d.Copyright -notmatch 'Copyright') { throw "Copyright is '$($d.Copyright)'" }
if ($d.DotNetFrameworkVersion -ne $Netfx) { throw "DotNetFrameworkVersion $($d.DotNetFrameworkVersion), the library says $Netfx" }
foreach ($f in 'LICENSE-MIT', 'LICENSE-APACHE') { if (-not (Test-Path (Join-Path $m.ModuleBase $f))) { throw "no $f" } }
"metadata: ProjectUri $($psdata.ProjectUri), DotNetFrameworkVersion $($d.DotNetFrameworkVersion)"
# The loader's choice per platform, in the installed module.
$asm = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'Mimecast' } | Select-Object -First 1
$loader = $asm.GetType('Mimecast.Native.NativeLibraryLoader')
$flags = [Reflection.BindingFlags]'NonPublic,Static'
# ProbeOrder: everything the loader tries on an OS and architecture (before the default search).
$probe = $loader.GetMethod('ProbeOrder', $flags)
$dir = Split-Path $asm.Location
foreach ($p in @(@('linux', 'X64', 62), @('linux', 'Arm64', 183), @('win', 'X64', 0x8664))) {
    $os, $arch, $machine = $p
    $list = $probe.Invoke($null, [object[]]@($null, [string]$dir, [string]$os, [System.Runtime.InteropServices.Architecture]$arch))
    $found = @($list | Where-Object { Test-Path -LiteralPath $_ })
    if ($found.Count -ne 1) { throw "$os-$arch`: $($found.Count) candidates exist: $($found -join ', ')" }
    $bytes = [IO.File]::ReadAllBytes($found[0])
    if ($os -eq 'win') { $pe = [BitConverter]::ToInt32($bytes, 0x3c); $got = [BitConverter]::ToUInt16($bytes, $pe + 4) }
    else { $got = [BitConverter]::ToUInt16($bytes, 18) }
    if ($got -ne $machine) { throw "$os-$arch`: $($found[0]) is for machine $got" }
    "loader choice $os-$arch -> $($found[0].Substring($dir.Length + 1))"
}
PS
PWSH="$(command -v pwsh)"
check "Install-PSResource Mimecast from dist/powershell (folder repository)" \
    "$PWSH" -NoProfile -NonInteractive -File "$WORK/ps-install.ps1" -Repository "$DIST/powershell" -Version "$VERSION"
check "clean pwsh: Import-Module Mimecast by name, Get-MimecastAccount, metadata, loader choice per platform" \
    "$PWSH" -NoProfile -NonInteractive -File "$WORK/ps-use.ps1" -Netfx "$netfx" -Version "$VERSION"
cat "$WORK/last.log" | sed 's/^/     /'

echo "dist test: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
