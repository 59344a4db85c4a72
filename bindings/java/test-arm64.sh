#!/usr/bin/env bash
# The Java binding's tests on Linux arm64 (make test-java-arm64): the same JUnit suite as
# run-tests.sh, run by an arm64 JVM under qemu-aarch64, so that the jar's
# linux-aarch64/libmimecast.so is the library loaded and called. Not part of make test (about
# three minutes, and it needs the arm64 build).
#
# Needs target/aarch64-unknown-linux-gnu/release/libmimecast.so (scripts/build-target.sh arm64,
# or cargo with Debian's rustc 1.63 for aarch64-unknown-linux-gnu) and qemu-user. The arm64 JVM
# is Debian's openjdk-17-jre-headless:arm64 with libjna-jni:arm64 (JNA's dispatch library),
# fetched with `apt-get download` and unpacked under target/java/arm64 (not installed: the
# amd64 JDK stays as it is). qemu's -L points at that tree, where Debian's JNA looks for its
# dispatch library (/usr/lib/aarch64-linux-gnu/jni); the machine's own libc6:arm64 serves the
# rest. Tests tagged host-jvm (Maven, and those that start JVMs of this machine) are left out.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
lib=target/aarch64-unknown-linux-gnu/release/libmimecast.so
[[ -f "$lib" ]] || { echo "test-arm64.sh: $lib missing: build it first (scripts/build-target.sh arm64)" >&2; exit 1; }
command -v qemu-aarch64 >/dev/null || { echo "test-arm64.sh: qemu-aarch64 missing (apt-get install qemu-user)" >&2; exit 1; }

arm="$root/target/java/arm64"
jvm="$arm/root/usr/lib/jvm/java-17-openjdk-arm64/bin/java"
if [[ ! -x "$jvm" || ! -f "$arm/root/usr/lib/aarch64-linux-gnu/jni/libjnidispatch.system.so" ]]; then
    echo "test-arm64.sh: fetching Debian's arm64 JRE and JNA dispatch library"
    rm -rf "$arm"
    mkdir -p "$arm/debs"
    (cd "$arm/debs" && apt-get download -q openjdk-17-jre-headless:arm64 libjna-jni:arm64 >/dev/null 2>&1)
    for deb in "$arm"/debs/*.deb; do dpkg-deb -x "$deb" "$arm/root"; done
fi
qemu-aarch64 -L "$arm/root" "$jvm" -version 2>&1 | head -1

# Processes the tests start (the emulator) are host programs: fork them directly rather than
# through the JDK's arm64 spawn helper, which this machine cannot exec without binfmt_misc.
export MIMECAST_TEST_JAVA="qemu-aarch64 -L $arm/root $jvm -Djdk.lang.Process.launchMechanism=FORK"
exec bash bindings/java/run-tests.sh --scan-class-path "$root/target/java/test-classes" \
    --exclude-tag host-jvm "$@"
