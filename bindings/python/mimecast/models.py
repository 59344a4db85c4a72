"""Typed results returned by :class:`mimecast.Client`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, Mapping, Optional, Tuple

__all__ = ["Account", "SignedHeaders"]


def _str(obj: Mapping[str, Any], key: str) -> Optional[str]:
    value = obj.get(key)
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


def _bool(obj: Mapping[str, Any], key: str) -> Optional[bool]:
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)


def _int(obj: Mapping[str, Any], key: str) -> Optional[int]:
    value = obj.get(key)
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class Account:
    """The account returned by Get Account (``/api/account/get-account``).

    Every attribute is None when Mimecast left the field out. ``raw`` is
    the account object exactly as received. ``passphrase`` (a support
    verification secret) and ``raw`` (which contains it) are left out of
    ``repr()``.
    """

    account_code: Optional[str]
    account_name: Optional[str]
    admin_email: Optional[str]
    archive: Optional[bool]
    automated_segment_purge: Optional[bool]
    database_code: Optional[str]
    domain: Optional[str]
    gateway: Optional[bool]
    mail_platform: Optional[str]
    max_retention: Optional[int]
    max_retention_confirmed: Optional[bool]
    mimecast_id: Optional[str]
    packages: Tuple[str, ...]
    passphrase: Optional[str] = field(repr=False)
    policy_inheritance: Optional[bool]
    region: Optional[str]
    support_code: Optional[str]
    type: Optional[str]
    user_count: Optional[int]
    raw: Dict[str, Any] = field(default_factory=dict, repr=False, compare=False, hash=False)

    @classmethod
    def from_dict(cls, obj: Mapping[str, Any]) -> "Account":
        """Builds an Account from the account object (``data[0]``)."""
        packages = obj.get("packages") or ()
        if not isinstance(packages, (list, tuple)):
            packages = (packages,)
        return cls(
            account_code=_str(obj, "accountCode"),
            account_name=_str(obj, "accountName"),
            admin_email=_str(obj, "adminEmail"),
            archive=_bool(obj, "archive"),
            automated_segment_purge=_bool(obj, "automatedSegmentPurge"),
            database_code=_str(obj, "databaseCode"),
            domain=_str(obj, "domain"),
            gateway=_bool(obj, "gateway"),
            mail_platform=_str(obj, "mailPlatform"),
            max_retention=_int(obj, "maxRetention"),
            max_retention_confirmed=_bool(obj, "maxRetentionConfirmed"),
            mimecast_id=_str(obj, "mimecastId"),
            packages=tuple(str(p) for p in packages),
            passphrase=_str(obj, "passphrase"),
            policy_inheritance=_bool(obj, "policyInheritance"),
            region=_str(obj, "region"),
            support_code=_str(obj, "supportCode"),
            type=_str(obj, "type"),
            user_count=_int(obj, "userCount"),
            raw=dict(obj),
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
