#!/usr/bin/env bash
# Tests the Python packaging (what `make test-python-wheel` runs):
#  1. builds the wheel (the backend runs cargo) and checks it like auditwheel
#     and an index would (check_wheel.py: tag from the library's real glibc
#     needs, allowed libraries, RECORD, metadata, licence files, loader choice);
#  2. installs it offline into a fresh plain venv and runs the whole Python test
#     suite against the installed package, from a directory outside the
#     repository (so `import mimecast` can only come from the venv, with the
#     bundled libmimecast);
#  3. an editable install (PEP 660) imports the package from the source tree;
#  4. the sdist carries the crate and licence texts, and a wheel builds from it
#     with cargo alone (no checkout around it).
# Exits non-zero on any failure.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
python="${PYTHON:-python3}"

work="$(mktemp -d "${TMPDIR:-/tmp}/mimecast-wheel-test.XXXXXX")"
cleanup() { rm -rf "$work"; }
trap cleanup EXIT
unset MIMECAST_LIBRARY MIMECAST_BUILD_LIBRARY

echo "== building the wheel"
"$python" -m pip wheel "$here" --no-deps --no-build-isolation -w "$work/dist" -q
shopt -s nullglob
wheels=("$work"/dist/mimecast-*.whl)
if [ "${#wheels[@]}" -ne 1 ]; then
    echo "expected exactly one wheel, got: ${wheels[*]:-none}" >&2
    exit 1
fi
wheel="${wheels[0]}"
echo "   $(basename "$wheel")"
"$python" "$here/check_wheel.py" "$wheel"

echo "== fresh venv + offline install"
"$python" -m venv "$work/venv"
venv_python="$work/venv/bin/python"
"$venv_python" -m pip install --no-index --no-deps --disable-pip-version-check -q "$wheel"

echo "== running the tests against the installed package"
mkdir -p "$work/run"
cp -R "$here/tests" "$work/run/tests"
find "$work/run/tests" -name __pycache__ -prune -exec rm -rf {} +
(
    cd "$work/run"
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
)

echo "== editable install (PEP 660)"
"$python" -m venv "$work/venv-editable"
"$work/venv-editable/bin/python" -m pip install --no-index --no-deps --disable-pip-version-check \
    -q -e "$here"
(cd "$work" && "$work/venv-editable/bin/python" - "$here" "$repo" <<'PY'
import os, sys
import mimecast
src, repo = (os.path.realpath(p) for p in sys.argv[1:3])
where = os.path.realpath(mimecast.__file__)
lib = os.path.realpath(mimecast.library_path())
print("   mimecast from", where)
print("   library from ", lib)
assert where == os.path.join(src, "mimecast", "__init__.py"), where
assert lib.startswith(os.path.join(repo, "target") + os.sep), lib
assert mimecast.native_version() == mimecast.__version__
PY
)

echo "== sdist: carries the crate, builds with cargo alone"
(cd "$here/build_backend" && "$python" -c 'import sys, mimecast_build; print(mimecast_build.build_sdist(sys.argv[1]))' "$work/sdist") >/dev/null
sdists=("$work"/sdist/mimecast-*.tar.gz)
[ "${#sdists[@]}" -eq 1 ] || { echo "expected one sdist" >&2; exit 1; }
"$python" - "${sdists[0]}" "$repo" <<'PY'
import sys, tarfile
from pathlib import Path
names = tarfile.open(sys.argv[1]).getnames()
base = names[0].split("/")[0]
need = ["PKG-INFO", "pyproject.toml", "LICENSE-MIT", "LICENSE-APACHE", "mimecast/__init__.py",
        "build_backend/mimecast_build.py", "build_backend/native_tag.py", "rust/Cargo.toml",
        "rust/build.rs", "rust/cbindgen.toml", "rust/include/mimecast.h", "rust/src/lib.rs",
        "rust/LICENSE-MIT", "rust/LICENSE-APACHE"]
missing = [n for n in need if f"{base}/{n}" not in names]
assert not missing, f"the sdist lacks {missing}"
rs = {n.split("/rust/", 1)[1] for n in names if "/rust/src/" in n}
have = {p.relative_to(sys.argv[2]).as_posix() for p in Path(sys.argv[2], "src").rglob("*.rs")}
assert rs == have, f"the sdist's crate sources differ from src/: {sorted(rs ^ have)}"
print(f"   {Path(sys.argv[1]).name}: {len(names)} files, crate included")
PY
# Unpacked away from the checkout: the backend must find the crate inside the
# sdist. Cargo reuses the checkout's compiled dependencies (same target dir).
mkdir -p "$work/unpacked"
tar -xzf "${sdists[0]}" -C "$work/unpacked"
sdist_dir=("$work"/unpacked/mimecast-*)
(cd "$work" && env -u MIMECAST_REPO_ROOT CARGO_TARGET_DIR="$repo/target" \
    "$python" -m pip wheel "${sdist_dir[0]}" --no-deps -w "$work/from-sdist" -q)
from_sdist=("$work"/from-sdist/mimecast-*.whl)
echo "   wheel from the sdist: $(basename "${from_sdist[0]}")"
"$python" "$here/check_wheel.py" "${from_sdist[0]}"
echo "== wheel test passed"
