#!/usr/bin/env bash
# Installs what building and testing libmimecast needs on a Debian 12 machine
# without crates.io (CI's kind): Debian's packaged Rust crates, valgrind, the
# JDK with JNA, JUnit 5 and Maven (with the plugins the Java tests run from
# Debian's Maven repository), and PowerShell as a .NET tool. Safe to run
# again. With crates.io you need none of the crate packages: plain
# `cargo build --release` works.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
java_pkgs="default-jdk-headless libjna-java junit5 checkstyle maven libmaven-install-plugin-java
           libmaven-compiler-plugin-java libmaven-resources-plugin-java"
for pkg in $(cat .ci/debian-crates.txt) valgrind python3-pycodestyle python3-mypy $java_pkgs; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: installing ${#need_apt[@]} Debian packages"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
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
