"""Typed results returned by :class:`mimecast.Client`."""

from __future__ import annotations

import json as _json
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Dict, Mapping, Optional, Tuple

__all__ = ["Account", "SignedHeaders"]


@dataclass(frozen=True)
class Account:
    """The account returned by Get Account (``/api/account/get-account``).

    The values are the ones libmimecast read from the response (the C
    ``mc_account``), so every language binding sees the same account: a
    text attribute is None when Mimecast left the field out, a number
    (``max_retention``, ``user_count``) is None when absent or null, a flag
    is False when absent. A number that is not an integer (``30.0`` counts
    as 30) or does not fit 64 bits fails the call with
    MalformedResponseError naming the field, in every language.

    ``json`` is the account object (``data[0]``) exactly as the server sent
    it, ``raw_json`` the whole response body, and ``raw`` the account object
    parsed into a dict (on first use). ``passphrase`` (a support
    verification secret) and those three, which contain it, are left out of
    ``repr()``.
    """

    account_code: Optional[str]
    account_name: Optional[str]
    admin_email: Optional[str]
    archive: bool
    automated_segment_purge: bool
    database_code: Optional[str]
    domain: Optional[str]
    gateway: bool
    mail_platform: Optional[str]
    max_retention: Optional[int]
    max_retention_confirmed: bool
    mimecast_id: Optional[str]
    packages: Tuple[str, ...]
    passphrase: Optional[str] = field(repr=False)
    policy_inheritance: bool
    region: Optional[str]
    support_code: Optional[str]
    type: Optional[str]
    user_count: Optional[int]
    json: str = field(default="{}", repr=False, compare=False, hash=False)
    raw_json: str = field(default="", repr=False, compare=False, hash=False)

    @cached_property
    def raw(self) -> Dict[str, Any]:
        """The account object (``data[0]``) as a dict, parsed from ``json``."""
        value = _json.loads(self.json)
        return value if isinstance(value, dict) else {}

    @classmethod
    def from_dict(cls, obj: Mapping[str, Any]) -> "Account":
        """Builds an Account from a mapping shaped like ``data[0]``, for tests
        and fixtures. Values of the right type are taken as they are (a number
        must be an ``int``); anything else counts as absent. The client never
        uses this: :meth:`Client.get_account` takes the library's values."""

        def text(key: str) -> Optional[str]:
            value = obj.get(key)
            return value if isinstance(value, str) else None

        def flag(key: str) -> bool:
            return obj.get(key) is True

        def number(key: str) -> Optional[int]:
            value = obj.get(key)
            return value if isinstance(value, int) and not isinstance(value, bool) else None

        packages = obj.get("packages")
        return cls(
            account_code=text("accountCode"),
            account_name=text("accountName"),
            admin_email=text("adminEmail"),
            archive=flag("archive"),
            automated_segment_purge=flag("automatedSegmentPurge"),
            database_code=text("databaseCode"),
            domain=text("domain"),
            gateway=flag("gateway"),
            mail_platform=text("mailPlatform"),
            max_retention=number("maxRetention"),
            max_retention_confirmed=flag("maxRetentionConfirmed"),
            mimecast_id=text("mimecastId"),
            packages=tuple(p for p in packages if isinstance(p, str))
            if isinstance(packages, (list, tuple))
            else (),
            passphrase=text("passphrase"),
            policy_inheritance=flag("policyInheritance"),
            region=text("region"),
            support_code=text("supportCode"),
            type=text("type"),
            user_count=number("userCount"),
            json=_json.dumps(dict(obj), ensure_ascii=False),
        )


class SignedHeaders(Dict[str, str]):
    """The headers of a signed API 1.0 request: a plain ``dict`` (pass it to
    ``urllib`` or ``requests`` as is) whose ``repr`` hides the Authorization
    value, which contains the access key, so printing or logging it is safe."""

    def __repr__(self) -> str:
        shown = {
            k: ("MC <redacted>" if k.lower() == "authorization" else v) for k, v in self.items()
        }
        return f"SignedHeaders({shown!r})"

    __str__ = __repr__
