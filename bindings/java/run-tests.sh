#!/usr/bin/env bash
# The Java binding's tests (make test-java): builds the jar with build.sh, compiles the JUnit 5
# tests against that jar (not against the sources: the tests load the library the jar carries),
# and runs them with Debian's JUnit console launcher. The tests start tests/mimecast_emulator.py
# themselves, install the jar into a throwaway Maven repository and build examples/java with Maven
# against it. Needs target/release/libmimecast.so (cargo build --release).
#
#   bash bindings/java/run-tests.sh [JUnit console options, e.g. --select-class io.github.libmimecast.PagesTest]
#
# Tests tagged "host-jvm" start other programs with this machine's JVM and Maven: test-arm64.sh
# leaves them out.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
out="$root/target/java"
jna="${JNA_JAR:-/usr/share/java/jna.jar}"
junit="${JUNIT_CONSOLE_JAR:-/usr/share/java/junit-platform-console-standalone.jar}"
[[ -f "$junit" ]] || { echo "run-tests.sh: $junit not found: apt-get install junit5 (make setup)" >&2; exit 1; }

bash bindings/java/build.sh --out "$out"
version="$(python3 -c 'import sys, tomllib; print(tomllib.load(open(sys.argv[1], "rb"))["package"]["version"])' Cargo.toml)"
jar="$out/mimecast-$version.jar"

classes="$out/test-classes"
rm -rf "$classes"
mkdir -p "$classes"
find bindings/java/src/test/java -name '*.java' >"$out/test-files"
javac --release 17 -encoding UTF-8 -Xlint:all,-processing -Werror -cp "$jar:$jna:$junit" -d "$classes" @"$out/test-files"

args=("$@")
[[ ${#args[@]} -gt 0 ]] || args=(--scan-class-path "$classes")
# MIMECAST_TEST_JAVA: the java command to run the tests with (test-arm64.sh runs an arm64 JVM).
read -ra java_cmd <<<"${MIMECAST_TEST_JAVA:-java}"
"${java_cmd[@]}" -Dmimecast.repo.root="$root" -Dmimecast.jar="$jar" -Dmimecast.pom="$out/mimecast-$version.pom" \
    -Dmimecast.jna="$jna" -Dmimecast.test.classes="$classes" \
    -jar "$junit" --class-path "$jar:$jna:$classes" --disable-banner --fail-if-no-tests \
    --details=tree --details-theme=ascii --disable-ansi-colors "${args[@]}"
