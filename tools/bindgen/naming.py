"""Name conversions shared by the emitters."""

from __future__ import annotations

__all__ = ["strip_prefix", "pascal", "camel", "ACRONYMS"]

#: Words kept in capitals in PascalCase names (.NET writes two-letter
#: acronyms in capitals: IO, not Io).
ACRONYMS = {"io": "IO"}


def strip_prefix(name: str, prefix: str) -> str:
    if not name.startswith(prefix):
        raise ValueError(f"{name} does not start with {prefix}")
    return name[len(prefix) :]


def pascal(snake: str) -> str:
    """INVALID_ARGUMENT / invalid_argument -> InvalidArgument; IO -> IO."""
    words = [w for w in snake.lower().split("_") if w]
    return "".join(ACRONYMS.get(w, w[:1].upper() + w[1:]) for w in words)


def camel(snake: str) -> str:
    """max_total_ms -> maxTotalMs."""
    p = pascal(snake)
    return p[:1].lower() + p[1:]
