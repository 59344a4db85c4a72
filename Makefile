# libmimecast: build, demo, tests. `make help` lists the targets.
SHELL := /bin/bash
export PATH := $(HOME)/.dotnet/tools:$(PATH)

.PHONY: help setup build demo test lint debian-crates check-header bindings check-bindings test-rust test-emulator test-c test-c-valgrind test-c-asan \
        test-readme test-python test-python-wheel test-csharp test-csharp-package test-powershell java test-java test-java-arm64 bench clean

help:
	@echo "make setup    install build/test dependencies (Debian, offline crates)"
	@echo "make build    build target/release/libmimecast.{so,a} and include/mimecast.h"
	@echo "make demo     start the emulator and fetch the account through the library"
	@echo "make test     run every test suite (what CI runs)"
	@echo "make bench    run the benchmarks (not part of the tests)"
	@echo "make bindings regenerate the bindings' declarations from include/mimecast.h"
	@echo "make java     build the Java binding's jar, POM, sources and javadoc into target/java"

setup:
	bash scripts/setup.sh

build:
	cargo build --release

demo:
	bash scripts/demo.sh

# Every suite; prints one summary line and fails if any suite failed.
test:
	bash scripts/test-all.sh

# Python style: PEP 8 with 99-column lines (black's output; Debian's
# pycodestyle and mypy run under /usr/bin/python3, where apt installs them).
# Java: Debian's checkstyle with bindings/java/checkstyle.xml.
PY_SOURCES := bindings/python examples/python tests/*.py tests/vectors/generate.py tools
lint:
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings
	/usr/bin/python3 -m pycodestyle --max-line-length=99 --ignore=E203,W503 $(PY_SOURCES)
	/usr/bin/python3 -m mypy --strict bindings/python/mimecast
	checkstyle -c bindings/java/checkstyle.xml bindings/java/src examples/java

# The committed header must be what build.rs generates from the sources.
check-header: build
	git diff --exit-code -- include/mimecast.h || { echo "include/mimecast.h is stale: commit the regenerated header"; exit 1; }
	bash tests/c/header_check.sh

# The bindings' declarations (Python ctypes, C# P/Invoke, enums, struct
# layouts, status -> exception maps) are generated from include/mimecast.h and
# bindings/errors.json by tools/generate_bindings.py (standard library only).
bindings:
	python3 tools/generate_bindings.py

# The committed generated files must be what the generator writes from the
# committed header (check-header keeps the header itself fresh); plus the
# generator's own tests.
check-bindings:
	python3 tools/generate_bindings.py --check
	python3 -m unittest discover -s tools -p 'test_*.py'

test-rust:
	cargo test

test-emulator:
	python3 -m unittest tests/test_emulator.py
	python3 tests/vectors/generate.py --check

test-readme: build
	bash scripts/check-readme.sh

test-c: build
	bash tests/c/run.sh

test-c-valgrind: build
	bash tests/c/run.sh --valgrind

test-c-asan: build
	bash tests/c/run.sh --asan

test-python: build
	python3 -m unittest discover -s bindings/python/tests -t bindings/python -v

test-python-wheel: build
	bash bindings/python/test-wheel.sh

# Both builds of the library: net8.0, and netstandard2.0 (what Windows
# PowerShell 5.1 and .NET Framework load).
test-csharp: build
	dotnet test bindings/csharp/Mimecast.Tests
	dotnet test bindings/csharp/Mimecast.Tests -p:MimecastLibraryTfm=netstandard2.0

test-csharp-package: build
	bash bindings/csharp/test-package.sh

test-powershell: build
	bash bindings/powershell/run-tests.sh

# The Java binding: the jar (with every native library built, under JNA's layout), its POM,
# sources and javadoc jars, into target/java; javac/jar, no Maven (bindings/java/README.md).
java: build
	bash bindings/java/build.sh

# JUnit 5 against the jar and the emulator; installs the jar into a throwaway Maven repository
# and builds examples/java with Maven against it.
test-java: build
	bash bindings/java/run-tests.sh

# The same suite on Linux arm64: an arm64 JVM under qemu-aarch64 loads the jar's
# linux-aarch64/libmimecast.so. Needs target/aarch64-unknown-linux-gnu/release/libmimecast.so;
# not part of make test (about four minutes).
test-java-arm64: build
	bash bindings/java/test-arm64.sh

bench: build
	bash bench/run.sh

# Regenerates the list of Debian crate packages that scripts/setup.sh
# installs: every package in cargo's resolution (all targets, so that
# resolution works offline), as Debian names them.
debian-crates:
	cargo metadata --format-version 1 | python3 -c 'import json,sys; print("\n".join(sorted({"librust-" + p["name"].replace("_", "-") + "-dev" for p in json.load(sys.stdin)["packages"] if p["name"] != "mimecast"})))' > .ci/debian-crates.txt

clean:
	cargo clean
