#!/usr/bin/env bash
# Builds the Java binding with the JDK's own tools (javac, jar, javadoc), offline; no Maven
# (bindings/java/README.md says why). From the repository root or anywhere:
#
#   bash bindings/java/build.sh [--out DIR] [--native PREFIX=FILE]... [--require-all] [--no-strip]
#
# writes to DIR (default target/java):
#   mimecast-V.jar           the classes, META-INF/maven/.../pom.xml, the licence texts, and
#                            every native library found, under JNA's resource layout:
#                              linux-x86-64/libmimecast.so   target/release (on an x86-64 host)
#                              linux-aarch64/libmimecast.so  target/aarch64-unknown-linux-gnu/release
#                              win32-x86-64/mimecast.dll     target/x86_64-pc-windows-gnu/release
#   mimecast-V-sources.jar   the Java sources
#   mimecast-V-javadoc.jar   the API documentation (javadoc with every doclint check)
#   mimecast-V.pom           the POM (groupId io.github.libmimecast, artifactId mimecast), for
#                            mvn install:install-file / deploy:deploy-file
#
# V is Cargo.toml's version (the one source); description, licence and repository URL come from
# Cargo.toml too. --native PREFIX=FILE takes the library for one JNA prefix from FILE instead
# (make dist passes its stripped builds); --require-all fails unless all three platforms are
# there. Libraries are copied stripped of debug info (--no-strip keeps it).
# Environment: JNA_JAR (default /usr/share/java/jna.jar).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
java_dir="$root/bindings/java"
out="$root/target/java"
require_all=0
strip=1
declare -A native=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --out) out="$(mkdir -p "$2" && cd "$2" && pwd)"; shift 2 ;;
        --native) native["${2%%=*}"]="${2#*=}"; shift 2 ;;
        --require-all) require_all=1; shift ;;
        --no-strip) strip=0; shift ;;
        *) echo "build.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
jna="${JNA_JAR:-/usr/share/java/jna.jar}"
[[ -f "$jna" ]] || { echo "build.sh: $jna not found: apt-get install libjna-java (make setup)" >&2; exit 1; }

# The version: Cargo.toml's (the one source; tomllib is Python 3.11's).
version="$(python3 -c 'import sys, tomllib; print(tomllib.load(open(sys.argv[1], "rb"))["package"]["version"])' "$root/Cargo.toml")"

# The native libraries: JNA prefix -> (file, strip tool). The host build is target/release.
case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) host_prefix=linux-x86-64 ;;
    Linux-aarch64) host_prefix=linux-aarch64 ;;
    *) host_prefix="" ;;
esac
declare -A found=() strip_tool=(
    [linux-x86-64]=x86_64-linux-gnu-strip [linux-aarch64]=aarch64-linux-gnu-strip
    [win32-x86-64]=x86_64-w64-mingw32-strip)
[[ -n "$host_prefix" ]] && found[$host_prefix]="$root/target/release/libmimecast.so"
found[linux-aarch64]="${found[linux-aarch64]:-$root/target/aarch64-unknown-linux-gnu/release/libmimecast.so}"
found[win32-x86-64]="$root/target/x86_64-pc-windows-gnu/release/mimecast.dll"
for prefix in "${!native[@]}"; do
    [[ -n "${strip_tool[$prefix]:-}" ]] || { echo "build.sh: unknown prefix $prefix" >&2; exit 2; }
    [[ -f "${native[$prefix]}" ]] || { echo "build.sh: ${native[$prefix]} not found" >&2; exit 1; }
    found[$prefix]="${native[$prefix]}"
done

build="$out/build"
rm -rf "$build"
mkdir -p "$build/classes" "$build/sources" "$out"
trap 'rm -rf "$build"' EXIT

echo "build.sh: compiling mimecast $version"
find "$java_dir/src/main/java" "$java_dir/src/generated/java" -name '*.java' >"$build/files"
javac --release 17 -encoding UTF-8 -Xlint:all -Werror -cp "$jna" -d "$build/classes" @"$build/files"

bundled=()
for prefix in linux-x86-64 linux-aarch64 win32-x86-64; do
    file="${found[$prefix]:-}"
    if [[ -z "$file" || ! -f "$file" ]]; then
        if [[ $require_all == 1 ]]; then echo "build.sh: no library for $prefix" >&2; exit 1; fi
        continue
    fi
    name="$(basename "$file")"
    [[ "$prefix" == win32-* ]] && name=mimecast.dll || name=libmimecast.so
    mkdir -p "$build/classes/$prefix"
    cp "$file" "$build/classes/$prefix/$name"
    tool="${strip_tool[$prefix]}"
    command -v "$tool" >/dev/null || tool=strip
    if [[ $strip == 1 ]] && ! "$tool" --strip-debug "$build/classes/$prefix/$name" 2>/dev/null; then
        cp "$file" "$build/classes/$prefix/$name" # a strip that cannot read it: keep it as built
    fi
    bundled+=("$prefix/$name")
done
[[ ${#bundled[@]} -gt 0 ]] || { echo "build.sh: no native library: run cargo build --release" >&2; exit 1; }

# The POM: a consumer POM (what a Maven repository serves), filled from Cargo.toml.
python3 - "$root/Cargo.toml" "$java_dir/pom.xml.in" "$out/mimecast-$version.pom" <<'PY'
import sys, tomllib
from xml.sax.saxutils import escape
with open(sys.argv[1], "rb") as f:
    p = tomllib.load(f)["package"]
urls = {"MIT": "https://opensource.org/licenses/MIT",
        "Apache-2.0": "https://www.apache.org/licenses/LICENSE-2.0"}
licenses = "".join(
    f"    <license>\n      <name>{escape(i)}</name>\n"
    f"      <url>{urls.get(i, 'https://spdx.org/licenses/' + i + '.html')}</url>\n    </license>\n"
    for i in p["license"].split(" OR "))
repo = p.get("repository")
project_url = f"  <url>{escape(repo)}</url>\n  <scm>\n    <url>{escape(repo)}</url>\n  </scm>\n" if repo else ""
text = open(sys.argv[2], encoding="utf-8").read()
for key, value in (("@VERSION@", p["version"]), ("@DESCRIPTION@", escape(p["description"])),
                   ("@LICENSES@\n", licenses), ("@PROJECT_URL@\n", project_url)):
    text = text.replace(key, value)
open(sys.argv[3], "w", encoding="utf-8").write(text)
PY

meta="$build/classes/META-INF"
mkdir -p "$meta/maven/io.github.libmimecast/mimecast"
cp "$out/mimecast-$version.pom" "$meta/maven/io.github.libmimecast/mimecast/pom.xml"
printf 'groupId=io.github.libmimecast\nartifactId=mimecast\nversion=%s\n' "$version" \
    >"$meta/maven/io.github.libmimecast/mimecast/pom.properties"
for f in LICENSE-MIT LICENSE-APACHE; do
    [[ -f "$root/$f" ]] && cp "$root/$f" "$meta/" && cp "$root/$f" "$build/sources/"
done
cat >"$build/manifest" <<EOF
Automatic-Module-Name: io.github.libmimecast
Implementation-Title: mimecast
Implementation-Version: $version
Implementation-Vendor: libmimecast
Specification-Version: $version
EOF

# Reproducible archives: every entry dated by the last commit (or SOURCE_DATE_EPOCH).
epoch="${SOURCE_DATE_EPOCH:-$(git -C "$root" log -1 --format=%ct 2>/dev/null || echo 315532800)}"
date="$(date -u -d "@$epoch" +%Y-%m-%dT%H:%M:%SZ)"
rm -f "$out/mimecast-$version"*.jar
jar --create --date="$date" --file "$out/mimecast-$version.jar" --manifest "$build/manifest" \
    -C "$build/classes" .

cp -r "$java_dir/src/main/java/." "$java_dir/src/generated/java/." "$build/sources/"
jar --create --date="$date" --file "$out/mimecast-$version-sources.jar" -C "$build/sources" .

javadoc -quiet -Xdoclint:all -Werror -encoding UTF-8 -cp "$jna" -d "$build/javadoc" \
    -windowtitle "mimecast $version" -doctitle "mimecast $version (Java binding of libmimecast)" \
    -sourcepath "$java_dir/src/main/java:$java_dir/src/generated/java" \
    -subpackages io.github.libmimecast -exclude io.github.libmimecast.internal >/dev/null
jar --create --date="$date" --file "$out/mimecast-$version-javadoc.jar" -C "$build/javadoc" .

echo "build.sh: $out/mimecast-$version.jar (native: ${bundled[*]})"
