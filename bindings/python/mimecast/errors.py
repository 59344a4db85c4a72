"""Exceptions raised by the mimecast package.

Every failure reported by libmimecast becomes an instance of a
:class:`MimecastError` subclass chosen from the status code (see
``STATUS_CLASSES``). The classes form the tree of ``bindings/errors.json``,
shared with the .NET binding (whose classes have the same parents), and the
status -> class mapping is generated from it (``_taxonomy.py``):

    MimecastError
    |- InvalidArgumentError (also ValueError)
    |- InvalidCredentialsError
    |- ConfigurationError
    |  |- InvalidUrlError
    |  |  `- InsecureUrlError
    |  `- MimecastIOError (also OSError)
    |- TransportError
    |  |- TlsError
    |  `- MimecastTimeoutError (also TimeoutError)
    |- ApiError
    |  |- AuthenticationError
    |  |  `- BindingExpiredError
    |  |- RateLimitedError
    |  |- ApiFailureError
    |  `- HttpError
    |- ResponseError
    |  |- MalformedResponseError
    |  `- ResponseTooLargeError
    |- InternalError
    |- UnsupportedError
    `- ClientClosedError (also ValueError)

Messages come from the library and never contain a secret (keys, client
secret, tokens).
"""

from __future__ import annotations

import builtins
from typing import Dict, Optional, Type

from . import _taxonomy

__all__ = [
    "MimecastError",
    "InvalidArgumentError",
    "InvalidCredentialsError",
    "ConfigurationError",
    "InvalidUrlError",
    "InsecureUrlError",
    "TransportError",
    "TlsError",
    "MimecastTimeoutError",
    "ApiError",
    "AuthenticationError",
    "BindingExpiredError",
    "RateLimitedError",
    "ApiFailureError",
    "HttpError",
    "ResponseError",
    "MalformedResponseError",
    "ResponseTooLargeError",
    "InternalError",
    "UnsupportedError",
    "CancelledError",
    "CheckpointError",
    "MimecastIOError",
    "ClientClosedError",
    "STATUS_CLASSES",
]


class MimecastError(Exception):
    """Base class of every error of this package.

    Attributes:
        status: the libmimecast status code (``mc_status``), e.g. 7 for a
            timeout; -1 for errors raised by the Python layer itself.
        status_name: the status name, e.g. ``"MC_STATUS_TIMEOUT"``.
        http_status: the HTTP status of the response behind the failure, or 0
            when no response was received.
        code: Mimecast's error code from the response ``fail`` array (e.g.
            ``"err_xdk_binding_expired"``), or ``""``.
        api_message: Mimecast's error message (e.g. ``"0004 Invalid
            Signature"``), or ``""``.
        message: the library's explanation of what went wrong and what to do.
    """

    status: int
    status_name: str
    http_status: int
    code: str
    api_message: str
    message: str

    def __init__(
        self,
        message: str,
        *,
        status: int = -1,
        status_name: str = "",
        http_status: int = 0,
        code: str = "",
        api_message: str = "",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.status_name = status_name
        self.http_status = http_status
        self.code = code
        self.api_message = api_message

    def __str__(self) -> str:
        text = self.message
        if self.status_name:
            text = f"{self.status_name}: {text}"
        extra = []
        if self.http_status:
            extra.append(f"HTTP {self.http_status}")
        if self.code:
            extra.append(f"code {self.code}")
        if self.api_message and self.api_message not in self.message:
            extra.append(repr(self.api_message))
        if extra:
            text += " [" + ", ".join(extra) + "]"
        return text

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (
            _rebuild,
            (
                type(self),
                self.message,
                self.status,
                self.status_name,
                self.http_status,
                self.code,
                self.api_message,
                getattr(self, "retry_after_ms", None),
            ),
        )


def _rebuild(
    cls: "Type[MimecastError]",
    message: str,
    status: int,
    status_name: str,
    http_status: int,
    code: str,
    api_message: str,
    retry: Optional[int],
) -> "MimecastError":
    err = cls(
        message,
        status=status,
        status_name=status_name,
        http_status=http_status,
        code=code,
        api_message=api_message,
    )
    if retry is not None and isinstance(err, RateLimitedError):
        err.retry_after_ms = retry
    return err


class InvalidArgumentError(MimecastError, ValueError):
    """A required argument was missing, empty or unusable, or an option is
    invalid (MC_STATUS_INVALID_ARGUMENT). Also a :class:`ValueError`."""


class InvalidCredentialsError(MimecastError):
    """The keys are malformed, e.g. a secret key that is not base64
    (MC_STATUS_INVALID_CREDENTIALS). Nothing was sent."""


class ConfigurationError(MimecastError):
    """The client's configuration is unusable: base URL, region, insecure
    http://, unreadable file. Raised through its subclasses."""


class InvalidUrlError(ConfigurationError):
    """The base URL is not an http(s) URL or not a known region (MC_STATUS_INVALID_URL)."""


class InsecureUrlError(InvalidUrlError):
    """Plain http:// to a non-loopback host without ``allow_insecure_http=True``
    (MC_STATUS_INSECURE_URL)."""


class MimecastIOError(ConfigurationError, OSError):
    """A file (CA bundle, Postman environment) could not be read or parsed
    (MC_STATUS_IO). Also an :class:`OSError`."""


class TransportError(MimecastError):
    """The connection failed or broke: DNS, refused, reset, closed early
    (MC_STATUS_TRANSPORT)."""


class TlsError(TransportError):
    """TLS failed, e.g. an untrusted certificate; see ``ca_bundle`` (MC_STATUS_TLS)."""


class MimecastTimeoutError(TransportError, builtins.TimeoutError):
    """The connect timeout or the overall request timeout expired
    (MC_STATUS_TIMEOUT). Also a builtin :class:`TimeoutError`."""


class ApiError(MimecastError):
    """Mimecast answered, with an error: an HTTP error status or a ``fail``
    entry (see ``http_status`` and ``code``). Raised through its subclasses."""


class AuthenticationError(ApiError):
    """The credentials were refused: HTTP 401/403, bad keys, bad signature,
    clock skew or missing permission (MC_STATUS_UNAUTHORIZED)."""


class BindingExpiredError(AuthenticationError):
    """HTTP 418: the access key / secret key binding expired, so the
    credentials are refused; create new keys (MC_STATUS_BINDING_EXPIRED).

    An :class:`AuthenticationError`, like in the .NET binding: code that
    handles "these credentials do not work" catches it too."""


class RateLimitedError(ApiError):
    """HTTP 429: the quota is exhausted (MC_STATUS_RATE_LIMITED).

    Attributes:
        retry_after_ms: milliseconds to wait before retrying (from
            ``X-RateLimit-Reset``), or None when unknown.
    """

    retry_after_ms: Optional[int] = None

    @property
    def retry_after(self) -> Optional[float]:
        """Seconds to wait before retrying, or None when unknown."""
        if self.retry_after_ms is None:
            return None
        return self.retry_after_ms / 1000.0


class ApiFailureError(ApiError):
    """Mimecast processed the request but reported a failure in the ``fail``
    array, possibly under HTTP 200 (MC_STATUS_API_FAILURE); see ``code``."""


class HttpError(ApiError):
    """Any other unexpected HTTP status: 404, 405, 5xx, a redirect...
    (MC_STATUS_HTTP_ERROR); see ``http_status``."""


class ResponseError(MimecastError):
    """The response cannot be used: not Mimecast's JSON envelope, or larger
    than allowed. Raised through its subclasses."""


class MalformedResponseError(ResponseError):
    """The response is not the JSON envelope Mimecast sends, or a field of it
    is not what it must be; the message names it (MC_STATUS_MALFORMED_RESPONSE)."""


class ResponseTooLargeError(ResponseError):
    """The response exceeded ``max_response_bytes`` (MC_STATUS_RESPONSE_TOO_LARGE)."""


class InternalError(MimecastError):
    """A bug inside libmimecast (MC_STATUS_INTERNAL). Please report it."""


class UnsupportedError(MimecastError):
    """The operation does not apply to this client, e.g. ``sign()`` on an
    OAuth client (MC_STATUS_UNSUPPORTED)."""


class CancelledError(MimecastError):
    """The call was cancelled through a cancellation handle. (The asyncio
    layer raises :class:`asyncio.CancelledError` instead.)"""


class CheckpointError(MimecastError):
    """An event stream's checkpoint file is corrupt or belongs to another
    account, kind of stream or query; nothing starts over silently."""


class ClientClosedError(MimecastError, ValueError):
    """The client was used after ``close()``. Also a :class:`ValueError`,
    like operations on a closed file."""


#: mc_status value -> exception class (generated from bindings/errors.json).
STATUS_CLASSES: Dict[int, Type[MimecastError]] = {
    status: globals()[name] for status, name in _taxonomy.STATUS_CLASS_NAMES.items()
}
