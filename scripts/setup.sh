#!/usr/bin/env bash
# Installs what building and testing libmimecast needs on a Debian 12 machine
# without crates.io (CI's kind): Debian's packaged Rust crates, valgrind, the
# cross toolchains for Windows x64 and Linux arm64 with Wine and qemu-user,
# packaging tools, a JDK with JNA, JUnit 5 and Maven (with the plugins the
# Java tests run from Debian's Maven repository), and PowerShell as a .NET
# tool. Safe to run again. With crates.io you need none of the crate packages:
# plain `cargo build --release` works.
set -euo pipefail
cd "$(dirname "$0")/.."

# Other platforms (scripts/build-target.sh, tests/c/run.sh --windows/--arm64):
# Debian's Rust 1.63 with the Windows and arm64 standard libraries, cargo-c,
# the schannel crate Debian's rustls-native-certs leaves out, mingw-w64, Wine,
# the aarch64 cross compiler with the multiarch arm64 C library, qemu-user.
# Packaging and install tests (make install, make dist, tests/dist): pkg-config,
# CMake, Mono (runs the netstandard2.0 assembly as .NET Framework would).
platform_pkgs=(rustc cargo cargo-c librust-schannel-dev
  gcc-mingw-w64-x86-64 libstd-rust-dev-windows wine wine64
  gcc-aarch64-linux-gnu libc6:arm64 libstd-rust-dev:arm64 qemu-user
  pkg-config cmake mono-complete python3-venv)

# arm64 packages need the architecture enabled once (then a fresh package list).
new_arch=0
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  echo "setup: enabling the arm64 architecture for multiarch packages"
  dpkg --add-architecture arm64
  new_arch=1
fi

need_apt=()
java_pkgs="default-jdk-headless libjna-java junit5 checkstyle maven libmaven-install-plugin-java
           libmaven-compiler-plugin-java libmaven-resources-plugin-java"
for pkg in $(cat .ci/debian-crates.txt) valgrind python3-pycodestyle python3-mypy "${platform_pkgs[@]}" $java_pkgs; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ] || [ $new_arch -eq 1 ]; then
  echo "setup: installing ${#need_apt[@]} Debian packages"
  # apt and dpkg take a global lock; wait for another install to finish.
  for _ in $(seq 60); do
    if apt-get update -qq; then break; fi
    sleep 5
  done
  if [ ${#need_apt[@]} -gt 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=300 \
      "${need_apt[@]}" >/dev/null
  fi
fi

# Point cargo at Debian's crates in the machine's CARGO_HOME, never in the
# repository (a committed .cargo/config.toml would hijack users' builds).
cargo_home="${CARGO_HOME:-$HOME/.cargo}"
mkdir -p "$cargo_home"
if ! grep -qs 'replace-with = "debian"' "$cargo_home/config.toml"; then
  echo "setup: pointing cargo at /usr/share/cargo/registry in $cargo_home/config.toml"
  cat >> "$cargo_home/config.toml" <<'TOML'

[source.crates-io]
replace-with = "debian"
[source.debian]
directory = "/usr/share/cargo/registry"
[net]
offline = true
TOML
fi

# PowerShell 7 for the PowerShell module's tests.
if ! command -v pwsh >/dev/null 2>&1 && [ ! -x "$HOME/.dotnet/tools/pwsh" ]; then
  echo "setup: installing PowerShell as a .NET global tool"
  dotnet tool install --global PowerShell --version 7.6.9 >/dev/null
fi
echo "setup: done"
