"""Python binding of libmimecast, a client for the Mimecast email-security API.

Quick start::

    import mimecast

    with mimecast.Client.from_env() as client:
        account = client.get_account()
        print(account.account_name)
        for click in client.iter_items("/api/ttp/url/get-logs", page_size=500):
            print(click["url"])
        r = client.send("GET", "/siem/v1/events/cg", query={"types": "receipt"})
"""

from __future__ import annotations

import logging as _logging

from . import errors
from ._abi import ResponseMode, Status, StreamKind
from ._ffi import LibraryNotFoundError
from ._version import __version__
from .client import Client, discover_base_url
from .errors import (
    ApiError,
    ApiFailureError,
    AuthenticationError,
    BindingExpiredError,
    CancelledError,
    CheckpointError,
    ClientClosedError,
    ConfigurationError,
    HttpError,
    InsecureUrlError,
    InternalError,
    InvalidArgumentError,
    InvalidCredentialsError,
    InvalidUrlError,
    MalformedResponseError,
    MimecastError,
    MimecastIOError,
    MimecastTimeoutError,
    RateLimitedError,
    ResponseError,
    ResponseTooLargeError,
    TlsError,
    TransportError,
    UnsupportedError,
)
from .events import EventStream, Events, Progress
from .models import Account, SignedHeaders
from .response import Headers, Response

# A library adds no handler but this one: without it, records of an
# application that configured no logging would reach logging's last-resort
# handler (stderr). Configure the "mimecast" logger to see them.
_logging.getLogger("mimecast").addHandler(_logging.NullHandler())

__all__ = [
    "__version__",
    "Client",
    "discover_base_url",
    "Response",
    "Headers",
    "ResponseMode",
    "Account",
    "SignedHeaders",
    "Status",
    "StreamKind",
    "EventStream",
    "Events",
    "Progress",
    "errors",
    "library_path",
    "native_version",
    "LibraryNotFoundError",
] + [name for name in errors.__all__ if name != "STATUS_CLASSES"]


def library_path() -> str:
    """The file libmimecast was loaded from (loads it if needed)."""
    from ._ffi import library_path as _library_path

    return _library_path()


def native_version() -> str:
    """mc_version() of the loaded libmimecast."""
    from ._ffi import load

    return (load().mc_version() or b"").decode("utf-8")
