"""Generates each language binding's declarations from include/mimecast.h.

header.py reads the header into a model; taxonomy.py reads
bindings/errors.json; one emit_<language>.py module per binding turns them
into source files. A new binding is one more emitter module with an
`emit(header, taxonomy) -> {path: text}` function, listed in EMITTERS below.
"""

from __future__ import annotations

from typing import Callable, Dict, List

from . import emit_csharp, emit_java, emit_powershell, emit_python
from .header import Header
from .taxonomy import Taxonomy

__all__ = ["EMITTERS", "GENERATED_DIRS", "generate"]

Emitter = Callable[[Header, Taxonomy], Dict[str, str]]

#: Every binding's emitter; each returns {repository-relative path: text}.
EMITTERS: List[Emitter] = [
    emit_python.emit,
    emit_csharp.emit,
    emit_powershell.emit,
    emit_java.emit,
]

#: Directories that hold generated files only: a file there that no emitter
#: writes any more (a kind removed from errors.json) is stale too.
GENERATED_DIRS: List[str] = [emit_java.GENERATED_ROOT]


def generate(header: Header, taxonomy: Taxonomy) -> Dict[str, str]:
    files: Dict[str, str] = {}
    for emit in EMITTERS:
        for path, text in emit(header, taxonomy).items():
            if path in files:
                raise ValueError(f"two emitters write {path}")
            files[path] = text
    return files
