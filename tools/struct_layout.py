#!/usr/bin/env python3
"""Prints the C compiler's layout of every struct in include/mimecast.h as
JSON: {"mc_account": {"size": N, "fields": {"json": offset, ...}}, ...}.

The binding tests compare it with the layouts ctypes (Python) and the .NET
marshaller compute from the generated declarations, so a layout that is
wrong for this platform's C ABI fails a test.

    python3 tools/struct_layout.py [--cc gcc]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bindgen.header import parse_file  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cc", default=os.environ.get("CC", "cc"))
    args = parser.parse_args(argv)
    header = parse_file(str(ROOT / "include" / "mimecast.h"))
    lines = [
        "#include <stddef.h>",
        "#include <stdio.h>",
        '#include "mimecast.h"',
        "int main(void) {",
        '    printf("{");',
    ]
    for i, s in enumerate(header.structs):
        sep = "," if i else ""
        lines.append(f'    printf("{sep}\\"{s.name}\\": {{\\"size\\": %zu, \\"fields\\": {{", '
                     f"sizeof({s.name}));")
        for j, f in enumerate(s.fields):
            fsep = "," if j else ""
            lines.append(f'    printf("{fsep}\\"{f.name}\\": %zu", offsetof({s.name}, {f.name}));')
        lines.append('    printf("}}");')
    lines += ['    printf("}\\n");', "    return 0;", "}", ""]
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "layout.c"
        exe = Path(tmp) / "layout"
        src.write_text("\n".join(lines), "utf-8")
        subprocess.run(
            [args.cc, "-std=c11", "-I", str(ROOT / "include"), str(src), "-o", str(exe)],
            check=True,
        )
        out = subprocess.run([str(exe)], check=True, capture_output=True, text=True).stdout
    json.loads(out)  # it must be valid JSON
    sys.stdout.write(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
