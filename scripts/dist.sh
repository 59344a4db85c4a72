#!/usr/bin/env bash
# make dist: every artefact for every target this machine builds, into dist/.
#
#   C library     libmimecast-V-x86_64-linux-gnu.tar.gz, libmimecast-V-aarch64-linux-gnu.tar.gz
#                 (include/, lib/ with libmimecast.so.V, its symlinks, libmimecast.a, pkgconfig/;
#                 extract into /usr/local with --strip-components=1),
#                 libmimecast-V-x86_64-windows-gnu.zip (bin/mimecast.dll, lib/mimecast.dll.a,
#                 lib/mimecast.def, lib/libmimecast.a, include/, lib/pkgconfig/)
#   Python        mimecast-V-py3-none-manylinux_2_N_x86_64.whl, ..._aarch64.whl, ...-win_amd64.whl,
#                 mimecast-V.tar.gz (sdist, carries the crate)
#   .NET          Mimecast.V.nupkg (linux-x64, linux-arm64, win-x64)
#   PowerShell    powershell/Mimecast.V.nupkg (for Install-PSResource from a folder repository),
#                 Mimecast-powershell-V.zip (the module folder)
#   debug/        the DWARF debug info stripped from each library (gdb finds it by debuglink)
#   SHA256SUMS, MANIFEST.json (file, kind, target, minimum glibc, size)
#
# Every library in every package is stripped. Licence texts are in every artefact.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
DIST="$ROOT/dist"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/mimecast-dist.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
export PATH="$HOME/.dotnet/tools:$PATH" DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
VERSION="$(sed -n '/^\[package\]/,/^\[/{s/^version *= *"\([^"]*\)".*/\1/p}' Cargo.toml | head -n1)"
start=$SECONDS

echo "== dist: libraries (cargo-c, Debian's rustc 1.63)"
bash scripts/build-target.sh x64 arm64 windows
rm -rf "$DIST"
mkdir -p "$DIST/debug" "$WORK/natives"

# strip_with PREFIX FILE DEBUGNAME: moves FILE's debug info to dist/debug/DEBUGNAME and
# leaves a debuglink to it.
strip_with() {
    local tools="$1" file="$2" debug="$DIST/debug/$3"
    "${tools}objcopy" --only-keep-debug "$file" "$debug"
    "${tools}strip" --strip-unneeded "$file"
    (cd "$(dirname "$debug")" && "${tools}objcopy" --add-gnu-debuglink="$(basename "$debug")" "$file")
}

# ---------------------------------------------------------------- C: Linux
for t in x86_64-unknown-linux-gnu:x86_64-linux-gnu: aarch64-unknown-linux-gnu:aarch64-linux-gnu:aarch64-linux-gnu-; do
    IFS=: read -r triple name tools <<<"$t"
    stage="$WORK/stage-$name"
    bash scripts/build-target.sh --install --prefix /usr/local --destdir "$stage" "$triple" >/dev/null
    top="libmimecast-$VERSION-$name"
    mkdir -p "$WORK/$top"
    cp -a "$stage/usr/local/." "$WORK/$top/"
    strip_with "$tools" "$WORK/$top/lib/libmimecast.so.$VERSION" "libmimecast.so.$VERSION-$name.debug"
    "${tools}strip" --strip-debug "$WORK/$top/lib/libmimecast.a"
    cp LICENSE-MIT LICENSE-APACHE README.md CHANGELOG.md "$WORK/$top/"
    tar -C "$WORK" --owner=0 --group=0 --numeric-owner -czf "$DIST/$top.tar.gz" "$top"
    case "$name" in x86_64*) rid=linux-x64 ;; *) rid=linux-arm64 ;; esac
    mkdir -p "$WORK/natives/$rid"
    cp "$WORK/$top/lib/libmimecast.so.$VERSION" "$WORK/natives/$rid/libmimecast.so"
done

# ---------------------------------------------------------------- C: Windows
win="libmimecast-$VERSION-x86_64-windows-gnu"
built="$ROOT/target/x86_64-pc-windows-gnu/release"
mkdir -p "$WORK/$win/bin" "$WORK/$win/lib/pkgconfig" "$WORK/$win/include"
cp "$built/mimecast.dll" "$WORK/$win/bin/"
cp "$built/mimecast.dll.a" "$built/mimecast.def" "$built/libmimecast.a" "$WORK/$win/lib/"
sed 's|^prefix=.*|prefix=${pcfiledir}/../..|' "$built/mimecast.pc" >"$WORK/$win/lib/pkgconfig/mimecast.pc"
cp include/mimecast.h "$WORK/$win/include/"
strip_with x86_64-w64-mingw32- "$WORK/$win/bin/mimecast.dll" "mimecast.dll-$VERSION-x86_64-windows-gnu.debug"
x86_64-w64-mingw32-strip --strip-debug "$WORK/$win/lib/libmimecast.a"
cp LICENSE-MIT LICENSE-APACHE README.md CHANGELOG.md "$WORK/$win/"
(cd "$WORK" && python3 -c '
import os, sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    for d, _, files in sorted(os.walk(sys.argv[2])):
        for f in sorted(files):
            z.write(os.path.join(d, f))' "$DIST/$win.zip" "$win")
mkdir -p "$WORK/natives/win-x64"
cp "$WORK/$win/bin/mimecast.dll" "$WORK/natives/win-x64/mimecast.dll"

# ---------------------------------------------------------------- Python
echo "== dist: Python wheels and sdist"
for lib in linux-x64/libmimecast.so linux-arm64/libmimecast.so win-x64/mimecast.dll; do
    MIMECAST_BUILD_LIBRARY="$WORK/natives/$lib" \
        python3 -m pip wheel bindings/python --no-deps --no-build-isolation -q -w "$DIST"
done
(cd bindings/python/build_backend && python3 -c 'import sys, mimecast_build; mimecast_build.build_sdist(sys.argv[1])' "$DIST")

# ---------------------------------------------------------------- .NET
echo "== dist: NuGet package"
dotnet pack bindings/csharp/Mimecast/Mimecast.csproj -c Release -o "$DIST" --nologo -v quiet \
    -p:MimecastRequireAllNatives=true \
    -p:MimecastNativeLinuxX64="$WORK/natives/linux-x64/libmimecast.so" \
    -p:MimecastNativeLinuxArm64="$WORK/natives/linux-arm64/libmimecast.so" \
    -p:MimecastNativeWinX64="$WORK/natives/win-x64/mimecast.dll"

# ---------------------------------------------------------------- PowerShell
echo "== dist: PowerShell module"
pwsh -NoProfile -NonInteractive -File bindings/powershell/build.ps1 -OutputPath "$WORK/ps" >"$WORK/ps-build.log" 2>&1 \
    || { cat "$WORK/ps-build.log"; exit 1; }
pwsh -NoProfile -NonInteractive -File scripts/dist-module.ps1 -Module "$WORK/ps/Mimecast" -Natives "$WORK/natives" \
    -Repository "$DIST/powershell" -Zip "$DIST/Mimecast-powershell-$VERSION.zip"

# ---------------------------------------------------------------- sums, manifest
echo "== dist: SHA256SUMS and MANIFEST.json"
python3 scripts/dist-manifest.py "$DIST" "$VERSION"
(cd "$DIST" && find . -type f ! -name SHA256SUMS | sed 's|^\./||' | sort | xargs sha256sum >SHA256SUMS)
echo "== dist: done in $((SECONDS - start)) s"
(cd "$DIST" && find . -type f | sort | xargs ls -l | awk '{printf "   %10d  %s\n", $5, $9}')
