#!/usr/bin/env python3
"""Writes every binding's generated declarations from include/mimecast.h
and bindings/errors.json (see tools/bindgen/).

    python3 tools/generate_bindings.py          # (re)write the files
    python3 tools/generate_bindings.py --check  # fail if a committed file is stale

Standard library only. `make bindings` runs the first form, `make
check-bindings` (part of `make test`) the second.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bindgen import GENERATED_DIRS, generate  # noqa: E402
from bindgen.header import HeaderError, parse_file  # noqa: E402
from bindgen.taxonomy import TaxonomyError, load  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
HEADER = ROOT / "include" / "mimecast.h"
ERRORS = ROOT / "bindings" / "errors.json"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check", action="store_true", help="compare with the committed files instead of writing"
    )
    args = parser.parse_args(argv)
    try:
        header = parse_file(str(HEADER))
        files = generate(header, load(str(ERRORS), header))
    except (HeaderError, TaxonomyError) as exc:
        print(f"generate_bindings: {exc}", file=sys.stderr)
        return 2
    stale = []
    for rel, text in sorted(files.items()):
        path = ROOT / rel
        current = path.read_text("utf-8") if path.is_file() else None
        if current == text:
            continue
        if args.check:
            stale.append(rel)
            diff = difflib.unified_diff(
                (current or "").splitlines(True), text.splitlines(True), rel, rel + " (generated)"
            )
            sys.stderr.writelines(list(diff)[:40])
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, "utf-8")
            print(f"generate_bindings: wrote {rel}")
    for folder in GENERATED_DIRS:
        for path in sorted((ROOT / folder).rglob("*")):
            rel = path.relative_to(ROOT).as_posix()
            if not path.is_file() or rel in files:
                continue
            if args.check:
                stale.append(rel)
                print(f"generate_bindings: {rel} is no longer generated", file=sys.stderr)
            else:
                path.unlink()
                print(f"generate_bindings: removed {rel}")
    if stale:
        print(
            "generate_bindings: stale generated files (run `make bindings` and commit): "
            + ", ".join(stale),
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
