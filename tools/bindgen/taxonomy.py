"""Reads bindings/errors.json, the error taxonomy shared by every binding,
and checks it against the header's status list."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

from .header import Header

__all__ = ["Kind", "Taxonomy", "TaxonomyError", "load"]

STATUS_ENUM = "mc_status"


class TaxonomyError(ValueError):
    """bindings/errors.json is inconsistent or disagrees with the header."""


@dataclass(frozen=True)
class Kind:
    kind: str
    parent: Optional[str]
    statuses: Tuple[str, ...]
    python: str
    python_also: Tuple[str, ...]
    csharp: Optional[str]
    csharp_platform: Optional[str]
    powershell_category: str
    doc: str
    java: Optional[str] = None
    java_platform: Optional[str] = None


@dataclass(frozen=True)
class Taxonomy:
    kinds: Tuple[Kind, ...]

    def by_status(self) -> Dict[str, Kind]:
        """mc_status name (e.g. MC_STATUS_TIMEOUT) -> the kind raised for it."""
        return {s: k for k in self.kinds for s in k.statuses}

    def kind(self, name: str) -> Kind:
        for k in self.kinds:
            if k.kind == name:
                return k
        raise KeyError(name)

    @property
    def root(self) -> Kind:
        return next(k for k in self.kinds if k.parent is None)


_KEYS = {
    "kind",
    "parent",
    "statuses",
    "python",
    "python_also",
    "csharp",
    "csharp_platform",
    "powershell_category",
    "doc",
    "java",
    "java_platform",
}


def load(path: str, header: Header) -> Taxonomy:
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    kinds: List[Kind] = []
    for entry in data.get("kinds", []):
        unknown = set(entry) - _KEYS
        if unknown:
            raise TaxonomyError(f"{path}: unknown keys {sorted(unknown)} in {entry.get('kind')}")
        kinds.append(
            Kind(
                kind=entry["kind"],
                parent=entry["parent"],
                statuses=tuple(entry["statuses"]),
                python=entry["python"],
                python_also=tuple(entry.get("python_also", ())),
                csharp=entry["csharp"],
                csharp_platform=entry.get("csharp_platform"),
                powershell_category=entry["powershell_category"],
                doc=entry["doc"],
                java=entry.get("java"),
                java_platform=entry.get("java_platform"),
            )
        )
    taxonomy = Taxonomy(tuple(kinds))
    _check(path, taxonomy, header)
    return taxonomy


def _check(path: str, taxonomy: Taxonomy, header: Header) -> None:
    names = [k.kind for k in taxonomy.kinds]
    if len(set(names)) != len(names):
        raise TaxonomyError(f"{path}: a kind is listed twice")
    roots = [k for k in taxonomy.kinds if k.parent is None]
    if len(roots) != 1:
        raise TaxonomyError(f"{path}: exactly one kind must have no parent")
    seen = set()
    for k in taxonomy.kinds:  # parents come first: the tree is written top-down
        if k.parent is not None and k.parent not in seen:
            raise TaxonomyError(f"{path}: {k.kind}'s parent {k.parent} is not listed before it")
        seen.add(k.kind)
        if k.csharp is None and k.csharp_platform is None:
            raise TaxonomyError(f"{path}: {k.kind} has neither csharp nor csharp_platform")
        if k.java is None and k.java_platform is None:
            raise TaxonomyError(f"{path}: {k.kind} has neither java nor java_platform")
        if k.java is not None and k.java_platform is not None:
            raise TaxonomyError(f"{path}: {k.kind} has both java and java_platform")
    status = header.enum(STATUS_ENUM)
    ok = status.variants[0].name
    failures = [v.name for v in status.variants if v.value != 0]
    claimed: Dict[str, str] = {}
    for k in taxonomy.kinds:
        for s in k.statuses:
            if s in claimed:
                raise TaxonomyError(f"{path}: {s} is claimed by {claimed[s]} and {k.kind}")
            if s not in failures:
                raise TaxonomyError(f"{path}: {k.kind} claims {s}, which is not a failure status")
            claimed[s] = k.kind
    missing = [s for s in failures if s not in claimed]
    if missing:
        raise TaxonomyError(
            f"{path}: no kind claims {', '.join(missing)} from include/mimecast.h: "
            "add it to a kind (or a new kind) so that every binding raises something for it"
        )
    if ok != status.prefix + "OK":
        raise TaxonomyError(f"the first {STATUS_ENUM} value is {ok}, expected {status.prefix}OK")
