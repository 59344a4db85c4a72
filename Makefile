# libmimecast: build, demo, tests. `make help` lists the targets.
SHELL := /bin/bash
export PATH := $(HOME)/.dotnet/tools:$(PATH)

.PHONY: help setup build windows arm64 demo test lint debian-crates check-header bindings check-bindings test-rust \
        test-emulator test-c test-c-valgrind test-c-asan test-windows test-arm64 install test-install dist test-dist \
        test-readme test-python test-python-wheel test-csharp test-csharp-package test-powershell java test-java \
        test-java-arm64 bench clean

help:
	@echo "make setup    install build/test dependencies (Debian, offline crates)"
	@echo "make build    build target/release/libmimecast.{so,a} and include/mimecast.h"
	@echo "make windows  build target/x86_64-pc-windows-gnu/release/mimecast.dll (+ import library)"
	@echo "make arm64    build target/aarch64-unknown-linux-gnu/release/libmimecast.so"
	@echo "make install  install the C library (PREFIX=/usr/local DESTDIR= LIBDIR=)"
	@echo "make dist     every package for Linux x64/arm64 and Windows x64 into dist/"
	@echo "make demo     start the emulator and fetch the account through the library"
	@echo "make test     run every test suite (what CI runs)"
	@echo "make bench    run the benchmarks (not part of the tests)"
	@echo "make bindings regenerate the bindings' declarations from include/mimecast.h"
	@echo "make java     build the Java binding's jar, POM, sources and javadoc into target/java"

setup:
	bash scripts/setup.sh

build:
	cargo build --release

# Other platforms, cross-built with Debian's Rust 1.63 and cargo-c.
windows:
	bash scripts/build-target.sh windows

arm64:
	bash scripts/build-target.sh arm64

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
	# Again optimised, as the library ships: the optimiser moves buffers
	# (a stack copy of the client secret showed only in release builds).
	cargo test --release --test secrets_in_memory

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

# The C suite and the README's program, cross-built and run: mingw-w64 + Wine,
# aarch64 gcc + qemu-user (each builds its library first, incrementally).
test-windows:
	bash tests/c/run.sh --windows

# C install with cargo-c: include/mimecast.h, libmimecast.so.X.Y.Z (SONAME libmimecast.so.X) and
# its symlinks, libmimecast.a, lib/pkgconfig/mimecast.pc. LIBDIR defaults to $(PREFIX)/lib.
PREFIX ?= /usr/local
DESTDIR ?=
LIBDIR ?=
install:
	bash scripts/build-target.sh --install --prefix "$(PREFIX)" --destdir "$(DESTDIR)" --libdir "$(LIBDIR)" host

# make install into a DESTDIR, then the README's program built with pkg-config (dynamic and
# static) and from a CMake project, run against the emulator.
test-install:
	bash tests/c/install-test.sh

# Every artefact for Linux x64, Linux arm64 and Windows x64 into dist/ (scripts/dist.sh), and the
# test that installs each from dist/ as its README says (tests/dist/run.sh).
dist:
	bash scripts/dist.sh

test-dist: dist
	bash tests/dist/run.sh

test-arm64:
	bash tests/c/run.sh --arm64

test-python: build
	python3 -m unittest discover -s bindings/python/tests -t bindings/python -v

test-python-wheel: build
	bash bindings/python/test-wheel.sh

# Both builds of the library: net8.0, and netstandard2.0 (what Windows
# PowerShell 5.1 and .NET Framework load).
test-csharp: build
	dotnet test bindings/csharp/Mimecast.Tests
	dotnet test bindings/csharp/Mimecast.Tests -p:MimecastLibraryTfm=netstandard2.0
	dotnet test bindings/csharp/Mimecast.Extensions.DependencyInjection.Tests

# The package carries linux-x64, linux-arm64 and win-x64 libraries; its smoke app runs on each
# (natively, under qemu-aarch64, under Wine).
test-csharp-package: build windows arm64
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
