"""The Mimecast API client: a thin, safe wrapper over libmimecast."""

from __future__ import annotations

import json
import logging
import math
import ctypes
import os
import threading
from contextlib import contextmanager
from ctypes import POINTER, byref, c_char_p, c_void_p
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterator, List, Mapping, NoReturn, Optional
from typing import Sequence, Union

from . import _ffi
from ._abi import Status, mc_account, mc_client, mc_pager, mc_response, mc_signed_headers
from ._call import Mode, NativeCall, Query, RequestHeaders
from ._ffi import LOG_CALLBACK, NativeLibrary, take_string
from .errors import (
    STATUS_CLASSES,
    ClientClosedError,
    InvalidArgumentError,
    MalformedResponseError,
    MimecastError,
    RateLimitedError,
)
from .models import Account, SignedHeaders
from .response import Headers, Response

if TYPE_CHECKING:
    from .events import EventStream, Events, StreamKindLike, TimeLike

__all__ = ["Client", "JSONBody", "discover_base_url"]

#: What ``request()`` / ``iter_pages()`` accept as ``data``.
JSONBody = Union[None, Sequence[Any], Mapping[str, Any]]

_LOGGER_NAME = "mimecast"
# The library's ERROR lines each say that a call failed; the binding raises
# that failure as an exception, so it is logged at DEBUG rather than as a
# second, ERROR, report of the same thing (the Azure SDK's rule).
_LOG_LEVELS = {1: logging.DEBUG, 2: logging.WARNING, 3: logging.INFO, 4: logging.DEBUG}
_U32_MAX = 0xFFFFFFFF
_U64_MAX = 0xFFFFFFFFFFFFFFFF


# ----------------------------------------------------------------- helpers


def _text(value: Optional[bytes]) -> str:
    return value.decode("utf-8", "replace") if value else ""


def _status(value: int) -> int:
    """The Status member for a known value (an int all the same)."""
    try:
        return Status(value)
    except ValueError:
        return value


def _invalid(message: str) -> InvalidArgumentError:
    return InvalidArgumentError(
        message, status=Status.INVALID_ARGUMENT, status_name="MC_STATUS_INVALID_ARGUMENT"
    )


def _raise_last_error(lib: NativeLibrary, status: int) -> NoReturn:
    """Reads mc_last_error_* (same thread, right after the failed call) and
    raises the exception class mapped to ``status``."""
    message = _text(lib.mc_last_error_message())
    code = _text(lib.mc_last_error_code())
    api_message = _text(lib.mc_last_error_api_message())
    http_status = int(lib.mc_last_error_http_status())
    retry_after_ms = int(lib.mc_last_error_retry_after_ms())
    status_name = _text(lib.mc_status_name(status & _U32_MAX))
    cls = STATUS_CLASSES.get(status, MimecastError)
    err = cls(
        message or f"libmimecast call failed with {status_name}",
        status=_status(status),
        status_name=status_name,
        http_status=http_status,
        code=code,
        api_message=api_message,
    )
    if isinstance(err, RateLimitedError):
        err.retry_after_ms = retry_after_ms if retry_after_ms >= 0 else None
    raise err


def _call(lib: NativeLibrary, func: Callable[..., int], *args: Any) -> None:
    """Calls a fallible native function and raises on a non-OK status."""
    status = func(*args)
    if status != 0:
        _raise_last_error(lib, status)


def _enc(value: Any, name: str, *, path: bool = False) -> Optional[bytes]:
    """Encodes a str argument as UTF-8 (None stays NULL). Never puts the
    value in an error message: it may be a secret."""
    if value is None:
        return None
    if path:
        value = os.fspath(value)
    data: bytes
    if isinstance(value, bytes):
        data = value
    elif isinstance(value, str):
        data = value.encode("utf-8", "surrogateescape" if path else "strict")
    else:
        raise TypeError(f"{name} must be a str, not {type(value).__name__}")
    if b"\x00" in data:
        raise _invalid(f"{name} contains a NUL character")
    return data


def _option_text(value: Any, name: str, *, path: bool = False) -> Optional[bytes]:
    """_enc for an option: a value of the wrong type is an invalid option."""
    try:
        return _enc(value, name, path=path)
    except TypeError:
        raise _invalid(f"{name} must be a {'path' if path else 'str'} or None") from None


def _option_flag(value: Any, name: str) -> bool:
    # Only a real bool: "no" or 0 must not silently mean something.
    if not isinstance(value, bool):
        raise _invalid(f"{name} must be True or False")
    return value


def _option_int(value: Any, name: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _invalid(f"{name} must be an int from {low} to {high}")
    return value


def _seconds_to_ms(value: Any, name: str) -> Optional[int]:
    """Seconds (int or float) -> whole milliseconds for the library, rounded
    up. Anything that is not a finite number of seconds > 0 fitting 32-bit
    milliseconds (a string, a bool, NaN, infinity, 0, negative) is an
    invalid option."""
    if value is None:
        return None
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not math.isfinite(value)
        or not 0 < value <= _U32_MAX / 1000
    ):
        raise _invalid(f"{name} must be a number of seconds > 0 and at most {_U32_MAX // 1000}")
    return min(max(math.ceil(value * 1000), 1), _U32_MAX)


def _body_json(data: JSONBody) -> str:
    """The request body for ``data`` (see Client.request)."""
    if data is None:
        body: Any = {"data": []}
    elif isinstance(data, Mapping):
        if "data" in data or "meta" in data:
            body = dict(data)
        else:
            body = {"data": [dict(data)]}
    elif isinstance(data, (str, bytes)):
        raise TypeError("data must be a list of objects or a dict, not a string")
    elif isinstance(data, Sequence):
        body = {"data": list(data)}
    else:
        raise TypeError(f"data must be a list or a dict, not {type(data).__name__}")
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


def _malformed(message: str) -> MalformedResponseError:
    return MalformedResponseError(
        message, status=Status.MALFORMED_RESPONSE, status_name="MC_STATUS_MALFORMED_RESPONSE"
    )


def _parse(text: Optional[str]) -> Dict[str, Any]:
    """The envelope the library validated, parsed once. Python's json reads
    every document the library accepts (nesting included: the library's limit
    is far below Python's), so a failure here would be a library bug."""
    try:
        value = json.loads(text or "")
    except (ValueError, RecursionError) as exc:
        raise _malformed(f"the response is not valid JSON: {exc}") from None
    if not isinstance(value, dict):
        raise _malformed("the response is not a JSON object")
    return value


def _item(text: str) -> Any:
    """One item of a pull, as the library validated it."""
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise _malformed(f"an item is not valid JSON: {exc}") from None


def _data_list(envelope: Mapping[str, Any]) -> List[Any]:
    data = envelope.get("data", [])
    if data is None:
        return []
    if not isinstance(data, list):
        raise _malformed("the response's data is not a list")
    return data


def _text_at(ptr: Any) -> Optional[str]:
    return ptr.decode("utf-8", "replace") if ptr is not None else None


def _account(a: mc_account) -> Account:
    """The Account of a C mc_account: the library's values, converted only
    from C's conventions (NULL text = None, -1 = absent number)."""
    count = int(a.packages_len)
    packages = tuple(_text_at(a.packages[i]) or "" for i in range(count)) if count else ()
    return Account(
        account_code=_text_at(a.account_code),
        account_name=_text_at(a.account_name),
        admin_email=_text_at(a.admin_email),
        archive=bool(a.archive),
        automated_segment_purge=bool(a.automated_segment_purge),
        database_code=_text_at(a.database_code),
        domain=_text_at(a.domain),
        gateway=bool(a.gateway),
        mail_platform=_text_at(a.mail_platform),
        max_retention=None if a.max_retention == -1 else int(a.max_retention),
        max_retention_confirmed=bool(a.max_retention_confirmed),
        mimecast_id=_text_at(a.mimecast_id),
        packages=packages,
        passphrase=_text_at(a.passphrase),
        policy_inheritance=bool(a.policy_inheritance),
        region=_text_at(a.region),
        support_code=_text_at(a.support_code),
        type=_text_at(a.account_type),
        user_count=None if a.user_count == -1 else int(a.user_count),
        json=_text_at(a.json) or "{}",
        raw_json=_text_at(a.raw_json) or "",
    )


def _make_log_callback() -> Any:
    logger = logging.getLogger(_LOGGER_NAME)

    def forward(_user_data: Optional[int], level: int, message: Optional[bytes]) -> None:
        # Decided per record, by the logger as configured now: a client made
        # before logging.basicConfig() (or a level change) logs all the same.
        try:
            py_level = _LOG_LEVELS.get(level, logging.DEBUG)
            if logger.isEnabledFor(py_level):
                logger.log(py_level, "%s", _text(message))
        except BaseException:  # never let an exception unwind into C
            pass

    return LOG_CALLBACK(forward)


def _apply_options(
    lib: NativeLibrary,
    opts: Any,
    *,
    timeout: Optional[float] = None,
    connect_timeout: Optional[float] = None,
    ca_bundle: Optional[Union[str, "os.PathLike[str]"]] = None,
    allow_insecure_http: bool = False,
    max_retries: Optional[int] = None,
    retry_budget: Optional[float] = None,
    retry_after_send: bool = False,
    proxy: Optional[str] = None,
    max_response_bytes: Optional[int] = None,
    log: Optional[bool] = None,
) -> Any:
    """Applies the keyword options (see Client) to native options; returns the
    log callback, which must outlive every native object made with them."""
    # Every value is checked before anything is set, so that an invalid
    # option always raises InvalidArgumentError, whatever its type.
    timeout_ms = _seconds_to_ms(timeout, "timeout")
    connect_ms = _seconds_to_ms(connect_timeout, "connect_timeout")
    ca = _option_text(ca_bundle, "ca_bundle", path=True)
    insecure = _option_flag(allow_insecure_http, "allow_insecure_http")
    after_send = _option_flag(retry_after_send, "retry_after_send")
    proxy_b = _option_text(proxy, "proxy")
    if max_response_bytes is not None:
        _option_int(max_response_bytes, "max_response_bytes", 1, _U64_MAX)
    retries = None
    budget_ms = None
    if max_retries is not None or retry_budget is not None:
        retries = _option_int(
            3 if max_retries is None else max_retries, "max_retries", 0, _U32_MAX
        )
        budget_ms = _seconds_to_ms(
            60.0 if retry_budget is None else retry_budget, "retry_budget"
        )
    if log is not None:
        _option_flag(log, "log")

    if timeout_ms is not None:
        _call(lib, lib.mc_options_set_timeout_ms, opts, timeout_ms)
    if connect_ms is not None:
        _call(lib, lib.mc_options_set_connect_timeout_ms, opts, connect_ms)
    if ca is not None:
        _call(lib, lib.mc_options_set_ca_bundle, opts, ca)
    if insecure:
        _call(lib, lib.mc_options_set_allow_insecure_http, opts, True)
    if max_response_bytes is not None:
        _call(lib, lib.mc_options_set_max_response_bytes, opts, max_response_bytes)
    if retries is not None:
        _call(lib, lib.mc_options_set_retry, opts, retries, budget_ms)
    if after_send:
        _call(lib, lib.mc_options_set_retry_after_send, opts, True)
    if proxy_b is not None:
        _call(lib, lib.mc_options_set_proxy, opts, proxy_b)
    if log is False:
        return None
    callback = _make_log_callback()
    _call(lib, lib.mc_options_set_log_callback, opts, callback, None, 4)
    return callback


def _set_discovery_url(lib: NativeLibrary, opts: Any, url: Optional[str]) -> None:
    if url is not None:
        _call(lib, lib.mc_options_set_discovery_url, opts, _option_text(url, "discovery_url"))


def _page_size(page_size: Any) -> int:
    if (
        isinstance(page_size, bool)
        or not isinstance(page_size, int)
        or not 0 <= page_size <= _U32_MAX
    ):
        raise _invalid("page_size must be an int >= 0")
    return page_size


def _response(r: mc_response) -> Response:
    """A Response copied out of a C mc_response (which the caller frees)."""
    count = int(r.headers_len)
    pairs = [
        (_text(r.headers[i].name), _text(r.headers[i].value)) for i in range(count)
    ]
    body = ctypes.string_at(r.body, int(r.body_len)) if r.body_len else b""
    return Response(int(r.http_status), Headers(pairs), body, int(r.retries))


def discover_base_url(
    email: str,
    app_id: Optional[str] = None,
    *,
    discovery_url: Optional[str] = None,
    timeout: Optional[float] = None,
    connect_timeout: Optional[float] = None,
    ca_bundle: Optional[Union[str, "os.PathLike[str]"]] = None,
    allow_insecure_http: bool = False,
    max_retries: Optional[int] = None,
    retry_budget: Optional[float] = None,
    retry_after_send: bool = False,
    proxy: Optional[str] = None,
    max_response_bytes: Optional[int] = None,
    log: Optional[bool] = None,
) -> str:
    """The API base URL of the Mimecast account ``email`` belongs to, e.g.
    ``"https://eu-api.mimecast.com"``, found the way Mimecast's own tools do:
    an unsigned ``POST /api/login/discover-authentication`` to the global
    host ``https://api.mimecast.com`` (``discovery_url`` names another).
    ``app_id`` (the API 1.0 application id) is sent when given. Options as
    for :class:`Client` (timeout, proxy, ca_bundle, ...).

    An address Mimecast knows no region for raises ApiFailureError; an answer
    naming anything but a plain https base URL raises MalformedResponseError.
    """
    email_b = _enc(email, "email")
    app_id_b = _enc(app_id, "app_id")
    lib = _ffi.load()
    opts = lib.mc_options_new()
    try:
        callback = _apply_options(
            lib,
            opts,
            timeout=timeout,
            connect_timeout=connect_timeout,
            ca_bundle=ca_bundle,
            allow_insecure_http=allow_insecure_http,
            max_retries=max_retries,
            retry_budget=retry_budget,
            retry_after_send=retry_after_send,
            proxy=proxy,
            max_response_bytes=max_response_bytes,
            log=log,
        )
        _set_discovery_url(lib, opts, discovery_url)
        out = c_void_p()
        _call(lib, lib.mc_discover_base_url, email_b, app_id_b, opts, byref(out))
        del callback  # the call is over: the library no longer logs through it
    finally:
        lib.mc_options_free(opts)
    return take_string(lib, out.value) or ""


# ------------------------------------------------------------------ client


class Client:
    """A Mimecast API client backed by libmimecast.

    API 1.0 (HMAC-signed) clients are made by ``Client(...)``; API 2.0
    (OAuth 2.0) clients by :meth:`Client.oauth`; :meth:`from_env` and
    :meth:`from_postman` read credentials the same way in every language
    binding (the logic lives in the C library).

    ``base_url`` is ``https://host[:port]`` or a region name (``eu``, ``de``,
    ``us``, ``usb``, ``uspcom``, ``ca``, ``za``, ``au``, ``offshore``).

    Options (keyword-only, shared by every constructor):
        timeout: seconds allowed for a whole request (default 60).
        connect_timeout: seconds allowed to connect, TLS included (default 10).
        ca_bundle: path of a PEM file of extra CA certificates to trust.
        allow_insecure_http: allow plain http:// to non-loopback hosts.
        max_retries: retries on 429 / 5xx / connection failures (default 3,
            0 disables).
        retry_budget: seconds all retries of one call may take (default 60).
        retry_after_send: also retry ``request()`` after failures that may
            have reached the server (5xx, a connection broken mid-answer).
            Off by default: the endpoint may change something, and the retry
            could do it twice. Reads (get_account, iter_pages) always retry.
        proxy: None = from HTTPS_PROXY/ALL_PROXY (honouring NO_PROXY), "" =
            never use a proxy, "http://host:port" = this proxy.
        max_response_bytes: largest accepted response body (default 64 MiB).
        log: None or True (default) = forward the library's log lines to
            ``logging.getLogger("mimecast")``, each decided by that logger's
            level when it is emitted; False = never.

    Every invalid option value (wrong type, NaN, infinity, out of range)
    raises :class:`~mimecast.errors.InvalidArgumentError`; an unknown option
    name raises TypeError, like any unknown keyword argument.

    The client is thread-safe: share one between threads. Use it as a context
    manager or call :meth:`close`; a closed client raises
    :class:`~mimecast.errors.ClientClosedError` (a MimecastError and a
    ValueError). It cannot be copied or pickled (it owns a native connection
    pool): share it, or create one per process.
    """

    def __init__(
        self,
        base_url: str,
        app_id: str,
        app_key: str,
        access_key: str,
        secret_key: str,
        *,
        timeout: Optional[float] = None,
        connect_timeout: Optional[float] = None,
        ca_bundle: Optional[Union[str, "os.PathLike[str]"]] = None,
        allow_insecure_http: bool = False,
        max_retries: Optional[int] = None,
        retry_budget: Optional[float] = None,
        retry_after_send: bool = False,
        proxy: Optional[str] = None,
        max_response_bytes: Optional[int] = None,
        log: Optional[bool] = None,
    ) -> None:
        self._init_state("api1", str(base_url))
        args = (
            _enc(base_url, "base_url"),
            _enc(app_id, "app_id"),
            _enc(app_key, "app_key"),
            _enc(access_key, "access_key"),
            _enc(secret_key, "secret_key"),
        )
        self._create(
            lambda lib, opts, out: _call(lib, lib.mc_client_new, *args, opts, out),
            dict(
                timeout=timeout,
                connect_timeout=connect_timeout,
                ca_bundle=ca_bundle,
                allow_insecure_http=allow_insecure_http,
                max_retries=max_retries,
                retry_budget=retry_budget,
                retry_after_send=retry_after_send,
                proxy=proxy,
                max_response_bytes=max_response_bytes,
                log=log,
            ),
        )

    # -- alternative constructors

    @classmethod
    def oauth(
        cls,
        client_id: str,
        client_secret: str,
        base_url: Optional[str] = None,
        *,
        timeout: Optional[float] = None,
        connect_timeout: Optional[float] = None,
        ca_bundle: Optional[Union[str, "os.PathLike[str]"]] = None,
        allow_insecure_http: bool = False,
        max_retries: Optional[int] = None,
        retry_budget: Optional[float] = None,
        retry_after_send: bool = False,
        proxy: Optional[str] = None,
        max_response_bytes: Optional[int] = None,
        log: Optional[bool] = None,
    ) -> "Client":
        """An API 2.0 client (OAuth 2.0 client credentials).

        ``base_url`` None means ``https://api.services.mimecast.com``; region
        names ``global``, ``uk``, ``us`` or an https URL are accepted. The
        token is fetched on first use, cached and refreshed by the library.
        """
        options = dict(
            timeout=timeout,
            connect_timeout=connect_timeout,
            ca_bundle=ca_bundle,
            allow_insecure_http=allow_insecure_http,
            max_retries=max_retries,
            retry_budget=retry_budget,
            retry_after_send=retry_after_send,
            proxy=proxy,
            max_response_bytes=max_response_bytes,
            log=log,
        )
        self = cls.__new__(cls)
        self._init_state("oauth", base_url or "https://api.services.mimecast.com")
        args = (
            _enc(base_url, "base_url"),
            _enc(client_id, "client_id"),
            _enc(client_secret, "client_secret"),
        )
        self._create(
            lambda lib, opts, out: _call(lib, lib.mc_client_new_oauth, *args, opts, out),
            options,
        )
        return self

    @classmethod
    def from_env(
        cls,
        environ: Optional[Mapping[str, str]] = None,
        *,
        timeout: Optional[float] = None,
        connect_timeout: Optional[float] = None,
        ca_bundle: Optional[Union[str, "os.PathLike[str]"]] = None,
        allow_insecure_http: bool = False,
        max_retries: Optional[int] = None,
        retry_budget: Optional[float] = None,
        retry_after_send: bool = False,
        proxy: Optional[str] = None,
        max_response_bytes: Optional[int] = None,
        log: Optional[bool] = None,
    ) -> "Client":
        """A client from the environment: MIMECAST_BASE_URL, MIMECAST_APP_ID,
        MIMECAST_APP_KEY, MIMECAST_ACCESS_KEY, MIMECAST_SECRET_KEY (API 1.0),
        or MIMECAST_CLIENT_ID + MIMECAST_CLIENT_SECRET (API 2.0, wins when set).
        A missing variable raises InvalidArgumentError naming it.

        ``environ`` (a mapping such as a copy of ``os.environ``) is read
        instead of the process environment when given; the library applies
        the same rules to it."""
        options = dict(
            timeout=timeout,
            connect_timeout=connect_timeout,
            ca_bundle=ca_bundle,
            allow_insecure_http=allow_insecure_http,
            max_retries=max_retries,
            retry_budget=retry_budget,
            retry_after_send=retry_after_send,
            proxy=proxy,
            max_response_bytes=max_response_bytes,
            log=log,
        )
        self = cls.__new__(cls)
        self._init_state("env", "$MIMECAST_BASE_URL")
        if environ is None:
            self._create(
                lambda lib, opts, out: _call(lib, lib.mc_client_new_from_env, opts, out),
                options,
            )
            return self
        pairs = [
            (_enc(k, "environ key"), _enc(v, k))
            for k, v in environ.items()
            if k.startswith("MIMECAST_")
        ]
        names = (c_char_p * max(len(pairs), 1))(*[k for k, _ in pairs])
        values = (c_char_p * max(len(pairs), 1))(*[v for _, v in pairs])
        self._create(
            lambda lib, opts, out: _call(
                lib, lib.mc_client_new_from_variables, names, values, len(pairs), opts, out
            ),
            options,
        )
        return self

    @classmethod
    def from_postman(
        cls,
        path: Union[str, "os.PathLike[str]"],
        *,
        timeout: Optional[float] = None,
        connect_timeout: Optional[float] = None,
        ca_bundle: Optional[Union[str, "os.PathLike[str]"]] = None,
        allow_insecure_http: bool = False,
        max_retries: Optional[int] = None,
        retry_budget: Optional[float] = None,
        retry_after_send: bool = False,
        proxy: Optional[str] = None,
        max_response_bytes: Optional[int] = None,
        log: Optional[bool] = None,
    ) -> "Client":
        """A client from a Postman environment export (JSON with ``values``):
        ApplicationID, ApplicationKey, AccessKey, SecretKey, baseUrl (API 1.0)
        or client_id, client_secret (API 2.0). Unreadable file:
        MimecastIOError."""
        options = dict(
            timeout=timeout,
            connect_timeout=connect_timeout,
            ca_bundle=ca_bundle,
            allow_insecure_http=allow_insecure_http,
            max_retries=max_retries,
            retry_budget=retry_budget,
            retry_after_send=retry_after_send,
            proxy=proxy,
            max_response_bytes=max_response_bytes,
            log=log,
        )
        self = cls.__new__(cls)
        self._init_state("postman", f"postman:{os.fspath(path)}")
        encoded = _enc(path, "path", path=True)
        self._create(
            lambda lib, opts, out: _call(
                lib, lib.mc_client_new_from_postman, encoded, opts, out
            ),
            options,
        )
        return self

    @classmethod
    def discover(
        cls,
        email: str,
        app_id: str,
        app_key: str,
        access_key: str,
        secret_key: str,
        *,
        discovery_url: Optional[str] = None,
        timeout: Optional[float] = None,
        connect_timeout: Optional[float] = None,
        ca_bundle: Optional[Union[str, "os.PathLike[str]"]] = None,
        allow_insecure_http: bool = False,
        max_retries: Optional[int] = None,
        retry_budget: Optional[float] = None,
        retry_after_send: bool = False,
        proxy: Optional[str] = None,
        max_response_bytes: Optional[int] = None,
        log: Optional[bool] = None,
    ) -> "Client":
        """An API 1.0 client for the account ``email`` belongs to: the base URL
        is found first with :func:`mimecast.discover_base_url` (one unsigned
        request to ``discovery_url``, by default Mimecast's global host)."""
        options = dict(
            timeout=timeout,
            connect_timeout=connect_timeout,
            ca_bundle=ca_bundle,
            allow_insecure_http=allow_insecure_http,
            max_retries=max_retries,
            retry_budget=retry_budget,
            retry_after_send=retry_after_send,
            proxy=proxy,
            max_response_bytes=max_response_bytes,
            log=log,
        )
        self = cls.__new__(cls)
        self._init_state("api1", f"discovered for {email}")
        args = (
            _enc(email, "email"),
            _enc(app_id, "app_id"),
            _enc(app_key, "app_key"),
            _enc(access_key, "access_key"),
            _enc(secret_key, "secret_key"),
        )
        self._create(
            lambda lib, opts, out: _call(lib, lib.mc_client_new_discover, *args, opts, out),
            options,
            discovery_url,
        )
        return self

    # -- construction internals

    def _init_state(self, kind: str, where: str) -> None:
        self._handle: Optional[Any] = None  # POINTER(mc_client) while open
        self._lib: Optional[NativeLibrary] = None
        self._kind = kind
        self._where = where
        self._cond = threading.Condition()
        self._active = 0  # native calls in progress, all threads
        self._orphan: Optional[Any] = None  # closed from inside a call: freed after it
        self._tls = threading.local()
        self._log_callback: Any = None

    def _create(
        self,
        make: Callable[[NativeLibrary, Any, Any], None],
        options: Mapping[str, Any],
        discovery_url: Optional[str] = None,
    ) -> None:
        lib = _ffi.load()
        opts = lib.mc_options_new()
        try:
            # Its keyword-only signature rejects unknown options (TypeError).
            self._log_callback = _apply_options(lib, opts, **options)
            _set_discovery_url(lib, opts, discovery_url)
            handle = POINTER(mc_client)()
            make(lib, opts, byref(handle))
        finally:
            lib.mc_options_free(opts)
        if not handle:
            raise MimecastError(
                "libmimecast returned no client",
                status=Status.INTERNAL,
                status_name="MC_STATUS_INTERNAL",
            )
        self._lib = lib
        self._handle = handle

    # -- lifetime

    def _closed_error(self) -> ClientClosedError:
        return ClientClosedError(
            "this mimecast.Client is closed", status=-1, status_name="CLIENT_CLOSED"
        )

    @contextmanager
    def _use(self) -> Iterator[Any]:
        """Holds the native handle for one call. A call on this client from
        inside a call on the same thread can only come from the library's log
        callback (a logging handler), which the header forbids: refuse it
        instead of re-entering the library."""
        if getattr(self._tls, "depth", 0):
            raise RuntimeError(
                "a mimecast.Client cannot be used from a logging handler while it "
                "is making a call on the same thread"
            )
        with self._cond:
            handle = self._handle
            if handle is None:
                raise self._closed_error()
            self._active += 1
        self._tls.depth = 1
        try:
            yield handle
        finally:
            self._tls.depth = 0
            orphan = None
            with self._cond:
                self._active -= 1
                if self._active == 0:
                    orphan, self._orphan = self._orphan, None
                    self._cond.notify_all()
            if orphan is not None:
                self._free(orphan)

    def _free(self, handle: Any) -> None:
        lib = self._lib
        if lib is not None:
            lib.mc_client_free(handle)

    @property
    def closed(self) -> bool:
        """True after :meth:`close`."""
        return self._handle is None

    def close(self) -> None:
        """Closes the client and frees the native client (its keys are wiped).
        Idempotent. New calls raise ClientClosedError at once.

        Calls in progress are never cut short: from another thread, close()
        waits for them to return, then frees. From inside a call on this
        client on the same thread (a logging handler of the ``mimecast``
        logger), it cannot wait for the call it is part of: it returns at
        once and the native client is freed when that call returns."""
        cond = getattr(self, "_cond", None)
        if cond is None:
            return
        inside = bool(getattr(self._tls, "depth", 0))
        with cond:
            handle = self._handle
            if handle is None:
                return
            self._handle = None
            if inside:
                self._orphan = handle
                return
            while self._active:
                cond.wait()
        self._free(handle)

    def __enter__(self) -> "Client":
        if self._handle is None:
            raise self._closed_error()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass

    def __repr__(self) -> str:
        state = "closed" if getattr(self, "_handle", None) is None else "open"
        return (
            f"<mimecast.Client {getattr(self, '_kind', '?')} "
            f"{getattr(self, '_where', '?')!r} {state}>"
        )

    # A copy would share the native handle: whichever copy is collected or
    # closed first would free the client under the other. Refuse clearly.
    def _not_copyable(self, what: str) -> NoReturn:
        raise TypeError(
            f"a mimecast.Client cannot be {what}: it owns a native client and its "
            "connection pool. Share the same client (it is thread-safe), or create "
            "a new one (in each process)."
        )

    def __copy__(self) -> NoReturn:
        self._not_copyable("copied")

    def __deepcopy__(self, memo: Any) -> NoReturn:
        self._not_copyable("copied")

    def __reduce_ex__(self, protocol: Any) -> NoReturn:
        self._not_copyable("pickled")

    # -- calls

    def _request_call(self, func: Callable[..., int], *args: Any) -> None:
        """Runs a request-type native call; records the retry count on this
        thread, success or failure."""
        lib = self._lib
        assert lib is not None
        status = func(*args)
        self._tls.retry_count = int(lib.mc_last_retry_count())
        if status != 0:
            _raise_last_error(lib, status)

    @property
    def last_retry_count(self) -> int:
        """How many retries the last request made by this client on the
        current thread needed (0 if none), success or failure."""
        return int(getattr(self._tls, "retry_count", 0))

    def get_account(self) -> Account:
        """Calls Get Account and returns the typed :class:`Account`, with the
        values libmimecast read from the response."""
        with self._use() as handle:
            lib = self._lib
            assert lib is not None
            out = POINTER(mc_account)()
            self._request_call(lib.mc_get_account, handle, byref(out))
            try:
                return _account(out.contents)
            finally:
                lib.mc_account_free(out)

    def request_raw(
        self, path: str, body: Union[None, str, Mapping[str, Any]] = None
    ) -> Dict[str, Any]:
        """POSTs ``body`` to ``path`` and returns the whole response envelope
        (``meta``, ``data``, ``fail``) as a dict.

        ``body`` is a dict (sent as JSON as is), a JSON text, or None (sends
        ``{"data": []}``). A non-empty ``fail`` raises ApiFailureError.
        """
        if body is None:
            encoded = None
        elif isinstance(body, str):
            encoded = _enc(body, "body")
        elif isinstance(body, Mapping):
            encoded = json.dumps(dict(body), ensure_ascii=False).encode("utf-8")
        else:
            raise TypeError("body must be a dict, a JSON string or None")
        path_b = _enc(path, "path")
        with self._use() as handle:
            lib = self._lib
            assert lib is not None
            out = c_void_p()
            self._request_call(lib.mc_request, handle, path_b, encoded, byref(out))
            text = take_string(lib, out.value)
        return _parse(text)

    def request(self, path: str, data: JSONBody = None) -> List[Any]:
        """Calls any endpoint and returns the response's ``data`` list.

        ``data`` is sent as follows:
          * None -> body ``{"data": []}``
          * a list (or tuple) -> ``{"data": data}``
          * a dict with a ``"data"`` or ``"meta"`` key -> sent as the whole body
          * any other dict -> ``{"data": [data]}`` (one request object)
        """
        return _data_list(self.request_raw(path, _body_json(data)))

    def iter_page_envelopes(
        self, path: str, data: JSONBody = None, page_size: int = 100
    ) -> Iterator[Dict[str, Any]]:
        """Yields the response envelope of every page of a paged endpoint,
        following ``meta.pagination.next`` until the last page (or a page with
        no data). ``data`` as in :meth:`request`; ``page_size`` 0 means the
        server's default. The pull is the library's (mc_pager): a page token
        the server already sent in this pull raises MalformedResponseError
        instead of looping forever."""
        if (
            isinstance(page_size, bool)
            or not isinstance(page_size, int)
            or not 0 <= page_size <= _U32_MAX
        ):
            raise _invalid("page_size must be an int >= 0")
        body = _body_json(data).encode("utf-8")
        path_b = _enc(path, "path")
        pager = POINTER(mc_pager)()
        with self._use() as handle:
            lib = self._lib
            assert lib is not None
            _call(lib, lib.mc_pager_new, handle, path_b, body, page_size, byref(pager))
        try:
            while True:
                # Each page holds the client like any call: close() waits for
                # it, and a closed client raises ClientClosedError here.
                with self._use():
                    out = c_void_p()
                    self._request_call(lib.mc_pager_next, pager, byref(out))
                    text = take_string(lib, out.value)
                if text is None:
                    return
                yield _parse(text)
        finally:
            lib.mc_pager_free(pager)

    def iter_pages(self, path: str, data: JSONBody = None, page_size: int = 100) -> Iterator[Any]:
        """Yields every item of every page of a paged endpoint (e.g.
        ``/api/audit/get-audit-events``), stopping after the last page.
        A ``fail`` in any page raises ApiFailureError."""
        for envelope in self.iter_page_envelopes(path, data, page_size):
            yield from _data_list(envelope)

    paginate = iter_pages

    def send(
        self,
        method: str,
        path: str,
        *,
        query: Optional[Query] = None,
        headers: Optional[RequestHeaders] = None,
        json: Any = None,
        body: Union[None, bytes, bytearray, memoryview, str] = None,
        content_type: Optional[str] = None,
        mode: Mode = "json",
    ) -> Response:
        """Sends any request and returns the whole answer: status, headers, body.

        ``method`` is GET, POST, PUT, PATCH or DELETE; ``path`` the path only
        (no query string). ``query`` is a mapping (a list value repeats the
        name, None leaves it out) or (name, value) pairs, encoded by the
        library. ``headers`` adds request headers; the ones the library sets
        (Authorization, Host, Content-Type, x-mc-*, ...) are refused. The body
        is ``json=`` (any JSON-serialisable value) or ``body=`` (bytes, or str
        sent as UTF-8) with ``content_type`` (default application/octet-stream,
        text/plain for str). Signed for API 1.0, with the token for API 2.0.

        ``mode``: "json" (default) needs a Mimecast JSON answer and raises for
        what it reports (fail, meta.status, API 2.0 errors, HTTP errors);
        "any" also returns other 2xx bodies as they are (a zip, a CSV or STIX
        feed); "raw" returns any answer (after the retries of 429 and 5xx).
        Every mistake of the caller raises before anything is sent.
        """
        lib = _ffi.load()
        with NativeCall.build(
            lib,
            _call,
            method,
            path,
            query=query,
            headers=headers,
            json=json,
            body=body,
            content_type=content_type,
            mode=mode,
        ) as call:
            with self._use() as handle:
                out = POINTER(mc_response)()
                self._request_call(lib.mc_send, handle, call.ptr, byref(out))
                try:
                    return _response(out.contents)
                finally:
                    lib.mc_response_free(out)

    def iter_items(
        self,
        path: str,
        data: JSONBody = None,
        *,
        page_size: int = 100,
        items_key: Optional[str] = None,
    ) -> Iterator[Any]:
        """Yields every item of every page of an API 1.0 paged endpoint:
        the data items, or for the log endpoints that wrap their list
        (``/api/ttp/url/get-logs`` -> ``clickLogs``, attachment and
        impersonation logs, archive search logs) the log entries themselves.
        ``items_key`` names the wrapping member for other endpoints. ``data``
        as in :meth:`request`. A page without items ends the pull. Closing the
        generator (or leaving a ``for`` loop early and dropping it) frees the
        native pull."""
        size = _page_size(page_size)
        body = _body_json(data).encode("utf-8")
        path_b = _enc(path, "path")
        key_b = _enc(items_key, "items_key")
        return self._pull(
            lambda lib, handle, out: _call(
                lib, lib.mc_pager_new, handle, path_b, body, size, out
            ),
            key_b,
            items=True,
        )

    def iter_call_items(
        self,
        method: str,
        path: str,
        *,
        query: Optional[Query] = None,
        headers: Optional[RequestHeaders] = None,
        json: Any = None,
        page_size: int = 100,
        items_key: Optional[str] = None,
    ) -> Iterator[Any]:
        """Yields every item of a pull over any request, built as for
        :meth:`send`. A POST pages as an API 1.0 envelope (``json`` is the
        body object; log lists unwrapped as in :meth:`iter_items`); a GET as
        API 2.0 REST: ``pageSize`` and the ``nextPage`` cursor are added to
        the query, the items are each page's ``value``, and the pull ends when
        the answer says ``isCaughtUp``. Mistakes raise here, before anything
        is sent."""
        return self._pull_call(
            method, path, query, headers, json, page_size, _enc(items_key, "items_key"), True
        )

    def iter_call_pages(
        self,
        method: str,
        path: str,
        *,
        query: Optional[Query] = None,
        headers: Optional[RequestHeaders] = None,
        json: Any = None,
        page_size: int = 100,
    ) -> Iterator[Dict[str, Any]]:
        """As :meth:`iter_call_items`, yielding each page's whole answer as a
        dict (an API 1.0 envelope, or an API 2.0 ``{"value", "@nextPage",
        "isCaughtUp"}`` page), for callers that keep the cursor themselves."""
        return self._pull_call(method, path, query, headers, json, page_size, None, False)

    def _pull_call(
        self,
        method: str,
        path: str,
        query: Optional[Query],
        headers: Optional[RequestHeaders],
        json: Any,
        page_size: int,
        items_key: Optional[bytes],
        items: bool,
    ) -> Iterator[Any]:
        size = _page_size(page_size)
        lib = _ffi.load()
        # Built now, so that a mistake raises at the call site; the pull
        # itself starts with the first next(). An unstarted pull's call is
        # freed when the generator is collected.
        call = NativeCall.build(
            lib, _call, method, path, query=query, headers=headers, json=json
        )

        def make(lib: NativeLibrary, handle: Any, out: Any) -> None:
            try:
                _call(lib, lib.mc_pager_new_call, handle, call.ptr, size, out)
            finally:
                call.close()  # the pager keeps its own copy

        return self._pull(make, items_key, items=items)

    def _pull(
        self,
        make: Callable[[NativeLibrary, Any, Any], None],
        items_key: Optional[bytes],
        *,
        items: bool,
    ) -> Iterator[Any]:
        """The generator of a pull: the pager is made on the first next() and
        freed when the generator ends or is closed."""
        pager = POINTER(mc_pager)()
        with self._use() as handle:
            lib = self._lib
            assert lib is not None
            make(lib, handle, byref(pager))
        try:
            if items_key is not None:
                _call(lib, lib.mc_pager_set_items_key, pager, items_key)
            fetch = lib.mc_pager_next_item if items else lib.mc_pager_next
            while True:
                # Each fetch holds the client like any call: close() waits
                # for it, and a closed client raises ClientClosedError here.
                with self._use():
                    out = c_void_p()
                    self._request_call(fetch, pager, byref(out))
                    text = take_string(lib, out.value)
                if text is None:
                    return
                yield _item(text) if items else _parse(text)
        finally:
            lib.mc_pager_free(pager)

    def events(
        self,
        kind: StreamKindLike,
        *,
        types: Union[None, str, Sequence[str]] = None,
        start: Optional[TimeLike] = None,
        end: Optional[TimeLike] = None,
        page_size: int = 0,
        checkpoint: Union[None, str, "os.PathLike[str]"] = None,
        follow: bool = False,
        poll_interval: float = 60.0,
        path: Optional[str] = None,
        max_batch_bytes: Optional[int] = None,
    ) -> Events:
        """Every SIEM event of a source, in order, as dicts: an iterator that
        is also a context manager (``with client.events(...) as events:``).

        ``kind``: "siem_v1" (API 1.0 ``/api/audit/get-siem-logs``, zip files),
        "batch" (API 2.0 ``/siem/v1/batch/events/cg``, gzip files by link) or
        "stream" (API 2.0 ``/siem/v1/events/cg``), or a mimecast.StreamKind.
        ``types``: the event type(s) (one for siem_v1 and batch; default MTA,
        receipt, all). ``start``/``end``: "YYYY-MM-DD" (for "stream" also
        "YYYY-MM-DDTHH:MM:SS.fffZ"), a date or an aware datetime; default
        seven days ago. ``page_size`` 0: the service's. ``checkpoint``: a file
        where the position is saved (atomically) after each acknowledged
        batch, and resumed from; a corrupt or foreign one raises
        CheckpointError (never a silent restart). ``follow``: when caught up,
        wait ``poll_interval`` seconds (>= 1) and poll again instead of ending.
        ``path``: another endpoint of the source (e.g. ``.../cg`` -> ``.../ci``).
        ``max_batch_bytes``: the most one batch may decompress to.

        A batch is acknowledged when the event after its last one is asked
        for: at least once, nothing skipped. Mistakes raise here; the stream
        opens (and the checkpoint is read) on the first ``next()``.
        """
        from .events import Events, StreamOptions

        options = StreamOptions(
            kind,
            types=types,
            start=start,
            end=end,
            page_size=page_size,
            checkpoint=checkpoint,
            follow=follow,
            poll_interval=poll_interval,
            path=path,
            max_batch_bytes=max_batch_bytes,
        )
        return Events(self, options)

    def open_event_stream(
        self,
        kind: StreamKindLike,
        *,
        types: Union[None, str, Sequence[str]] = None,
        start: Optional[TimeLike] = None,
        end: Optional[TimeLike] = None,
        page_size: int = 0,
        checkpoint: Union[None, str, "os.PathLike[str]"] = None,
        follow: bool = False,
        poll_interval: float = 60.0,
        path: Optional[str] = None,
        max_batch_bytes: Optional[int] = None,
    ) -> EventStream:
        """Opens a :class:`~mimecast.EventStream` (the arguments of
        :meth:`events`) for callers that acknowledge batches themselves:
        ``next_batch()``, ``events()``, ``ack()``, ``progress``. Reads the
        checkpoint now (CheckpointError if it is corrupt or foreign); no
        request is made until ``next_batch()``."""
        from .events import EventStream, StreamOptions

        options = StreamOptions(
            kind,
            types=types,
            start=start,
            end=end,
            page_size=page_size,
            checkpoint=checkpoint,
            follow=follow,
            poll_interval=poll_interval,
            path=path,
            max_batch_bytes=max_batch_bytes,
        )
        return EventStream(self, options)

    def sign(
        self, path: str, date: Optional[str] = None, request_id: Optional[str] = None
    ) -> SignedHeaders:
        """Signs an API 1.0 request to ``path`` without sending it.

        Returns the headers to send: ``Authorization``, ``x-mc-date``,
        ``x-mc-req-id``, ``x-mc-app-id``, ``Content-Type`` and ``Accept``.
        ``date`` (``"Tue, 24 Nov 2015 12:50:11 UTC"``) and ``request_id``
        default to now and a fresh UUID. An OAuth client raises
        UnsupportedError. The result is a ``dict`` whose ``repr`` hides the
        Authorization value (it contains the access key).
        """
        with self._use() as handle:
            lib = self._lib
            assert lib is not None
            out = POINTER(mc_signed_headers)()
            _call(
                lib,
                lib.mc_sign,
                handle,
                _enc(path, "path"),
                _enc(date, "date"),
                _enc(request_id, "request_id"),
                byref(out),
            )
            try:
                h = out.contents
                headers = SignedHeaders(
                    {
                        "Authorization": _text(h.authorization),
                        "x-mc-date": _text(h.date),
                        "x-mc-req-id": _text(h.request_id),
                        "x-mc-app-id": _text(h.app_id),
                        "Content-Type": "application/json",
                        "Accept": "application/json",
                    }
                )
            finally:
                lib.mc_signed_headers_free(out)
        return headers
