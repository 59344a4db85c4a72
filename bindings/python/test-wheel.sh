#!/usr/bin/env bash
# Builds the mimecast wheel, installs it offline into a fresh plain venv and
# runs the whole Python test suite against the installed package, from a
# directory outside the repository sources (so `import mimecast` can only
# come from the venv, with the bundled libmimecast). Exits non-zero on any
# failure.
#
#   bindings/python/test-wheel.sh            (from anywhere)
#   SKIP_CARGO=1 bindings/python/test-wheel.sh   (use the existing target/release build)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
python="${PYTHON:-python3}"

work="$(mktemp -d "${TMPDIR:-/tmp}/mimecast-wheel-test.XXXXXX")"
cleanup() { rm -rf "$work"; }
trap cleanup EXIT

if [ "${SKIP_CARGO:-0}" != "1" ]; then
    echo "== cargo build --release"
    (cd "$repo" && cargo build --release)
fi

echo "== building the wheel"
"$python" -m pip wheel "$here" --no-deps --no-build-isolation -w "$work/dist"
shopt -s nullglob
wheels=("$work"/dist/mimecast-*.whl)
if [ "${#wheels[@]}" -ne 1 ]; then
    echo "expected exactly one wheel, got: ${wheels[*]:-none}" >&2
    exit 1
fi
wheel="${wheels[0]}"
case "$(basename "$wheel")" in
    *-py3-none-any.whl) echo "wheel is tagged pure ($wheel): it must be a platform wheel" >&2; exit 1 ;;
esac
"$python" -c 'import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
sys.exit(0 if any(n.startswith("mimecast/_native/") for n in names) else "the wheel does not bundle libmimecast")' "$wheel"
echo "   $(basename "$wheel")"

echo "== fresh venv + offline install"
"$python" -m venv "$work/venv"
venv_python="$work/venv/bin/python"
"$venv_python" -m pip install --no-index --no-deps --disable-pip-version-check -q "$wheel"

echo "== running the tests against the installed package"
mkdir -p "$work/run"
cp -R "$here/tests" "$work/run/tests"
find "$work/run/tests" -name __pycache__ -prune -exec rm -rf {} +
cd "$work/run"
unset MIMECAST_LIBRARY
export MIMECAST_REPO_ROOT="$repo"   # the tests need the emulator, vectors and TLS files
export MIMECAST_EXPECT_BUNDLED=1
"$venv_python" - "$work/venv" <<'PY'
import os, sys
import mimecast
venv = os.path.realpath(sys.argv[1])
where = os.path.realpath(mimecast.__file__)
lib = os.path.realpath(mimecast.library_path())
print("   mimecast from", where)
print("   library from ", lib)
assert where.startswith(venv + os.sep), f"mimecast imported from {where}, not from the venv {venv}"
assert lib.startswith(venv + os.sep), f"libmimecast loaded from {lib}, not the bundled copy"
PY
"$venv_python" -m unittest discover -s tests -t . -v
echo "== wheel test passed"
