//! The C API of general requests (mc_call, mc_send, mc_response), of
//! pulls over any request (mc_pager_new_call, mc_pager_next_item) and of
//! region discovery.

use std::ffi::CString;
use std::os::raw::c_char;
use std::ptr;
use std::sync::Arc;

use super::guard::{
    counting_retries, guard, guard_void, handle_mut, handle_ref, opt_str_arg, out_arg, str_arg,
    to_cstring,
};
use super::{into_c_string, mc_client, mc_options, mc_pager, new_client, options_or_default};
use crate::call::{Call, HttpResponse, ResponseMode};
use crate::client::{Api1Keys, Client};
use crate::error::{mc_status, Error};
use crate::pager::PageCursor;

/// A request to send with mc_send(): a method, a path, query parameters,
/// headers and a body. Made by mc_call_new(), changed by the mc_call_*()
/// functions, freed by mc_call_free(). It is only read by mc_send(), so it
/// may be sent many times, from many threads once it is no longer changed.
pub struct mc_call {
    inner: Call,
}

/// One response header. Both strings are NUL-terminated and owned by the
/// mc_response they belong to.
#[repr(C)]
pub struct mc_header {
    /// The name, in lower case.
    pub name: *const c_char,
    /// The value as sent.
    pub value: *const c_char,
}

/// The answer to mc_send(). Read-only; freed with mc_response_free(). Only
/// the library allocates this struct, so fields may be appended in later
/// versions.
#[repr(C)]
pub struct mc_response {
    /// The HTTP status.
    pub http_status: i32,
    /// The body: `body_len` bytes, followed by a NUL that is not part of it
    /// (so a text body can be used as a C string). Never NULL.
    pub body: *const u8,
    /// Bytes in `body`, the NUL excluded.
    pub body_len: usize,
    /// The response headers, in the order received.
    pub headers: *const mc_header,
    /// Entries in `headers`.
    pub headers_len: usize,
    /// How many times the request was retried before this answer.
    pub retries: u32,
}

#[repr(C)]
struct ResponseBox {
    public: mc_response,
    body: Vec<u8>,
    strings: Vec<CString>,
    headers: Vec<mc_header>,
}

impl ResponseBox {
    fn new(r: HttpResponse) -> Box<ResponseBox> {
        let mut body = r.body;
        body.push(0);
        let mut strings = Vec::with_capacity(r.headers.len() * 2);
        let mut headers = Vec::with_capacity(r.headers.len());
        for (name, value) in &r.headers {
            let name = to_cstring(name);
            let value = to_cstring(value);
            headers.push(mc_header {
                name: name.as_ptr(),
                value: value.as_ptr(),
            });
            strings.push(name);
            strings.push(value);
        }
        let public = mc_response {
            http_status: i32::from(r.status),
            body: body.as_ptr(),
            body_len: body.len() - 1,
            headers: if headers.is_empty() {
                ptr::null()
            } else {
                headers.as_ptr()
            },
            headers_len: headers.len(),
            retries: r.retries,
        };
        Box::new(ResponseBox {
            public,
            body,
            strings,
            headers,
        })
    }
}

/// Starts a request. `method` is GET, POST, PUT, PATCH or DELETE (any case);
/// `path` is the path only, as for mc_request() (no query string: add
/// parameters with mc_call_add_query()). Anything else gives
/// MC_STATUS_INVALID_ARGUMENT. Free with mc_call_free().
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn mc_call_new(
    method: *const c_char,
    path: *const c_char,
    out: *mut *mut mc_call,
) -> mc_status {
    guard(|| {
        out_arg("out", out)?;
        let call = Call::new(str_arg("method", method)?, str_arg("path", path)?)?;
        *out = Box::into_raw(Box::new(mc_call { inner: call }));
        Ok(())
    })
}

/// Frees a request. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn mc_call_free(call: *mut mc_call) {
    if !call.is_null() {
        guard_void(|| drop(Box::from_raw(call)));
    }
}

/// Adds a query parameter; the library encodes it. The name must be
/// non-empty and free of control characters; the value may be any text.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn mc_call_add_query(
    call: *mut mc_call,
    name: *const c_char,
    value: *const c_char,
) -> mc_status {
    guard(|| {
        let call = handle_mut("call", call)?;
        call.inner
            .query(str_arg("name", name)?, str_arg("value", value)?)?;
        Ok(())
    })
}

/// Adds a request header. Headers the library sets itself are refused with
/// MC_STATUS_INVALID_ARGUMENT: Authorization, Proxy-Authorization, Host,
/// Content-Type (give it with the body), Content-Length, Transfer-Encoding,
/// Connection, Keep-Alive, Upgrade, TE, Trailer, Expect, User-Agent, Cookie
/// and every x-mc-* header. Names are HTTP tokens; values printable ASCII.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn mc_call_add_header(
    call: *mut mc_call,
    name: *const c_char,
    value: *const c_char,
) -> mc_status {
    guard(|| {
        let call = handle_mut("call", call)?;
        call.inner
            .header(str_arg("name", name)?, str_arg("value", value)?)?;
        Ok(())
    })
}

/// Sets a JSON body, sent exactly as written after checking that it is one
/// JSON value (Content-Type: application/json).
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn mc_call_set_json(call: *mut mc_call, json: *const c_char) -> mc_status {
    guard(|| {
        let call = handle_mut("call", call)?;
        call.inner.json(str_arg("json", json)?)?;
        Ok(())
    })
}

/// Sets a body of any type: `len` bytes at `bytes` (NULL only when `len` is
/// 0), with the given Content-Type. At most 32 MiB.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn mc_call_set_body(
    call: *mut mc_call,
    content_type: *const c_char,
    bytes: *const u8,
    len: usize,
) -> mc_status {
    guard(|| {
        let call = handle_mut("call", call)?;
        let content_type = str_arg("content_type", content_type)?;
        let body: &[u8] = if len == 0 {
            &[]
        } else if bytes.is_null() {
            return Err(Error::invalid_argument("bytes is NULL"));
        } else {
            std::slice::from_raw_parts(bytes, len)
        };
        call.inner.body(content_type, body)?;
        Ok(())
    })
}

/// How the answer is read: one of the mc_response_mode values
/// (MC_RESPONSE_MODE_JSON by default). An integer rather than the enum so
/// that no value a C caller can pass is undefined behaviour; others give
/// MC_STATUS_INVALID_ARGUMENT.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn mc_call_set_response_mode(call: *mut mc_call, mode: u32) -> mc_status {
    guard(|| {
        let call = handle_mut("call", call)?;
        let mode = ResponseMode::from_u32(mode).ok_or_else(|| {
            Error::invalid_argument(
                "mode must be MC_RESPONSE_MODE_JSON (0), MC_RESPONSE_MODE_ANY (1) or MC_RESPONSE_MODE_RAW (2)",
            )
        })?;
        call.inner.mode(mode);
        Ok(())
    })
}

/// Sends a request, signed (API 1.0) or with the bearer token (API 2.0),
/// and reads the whole answer.
///
/// On success `*out` receives the response; free it with
/// mc_response_free(). What counts as success depends on the call's
/// response mode (see mc_response_mode). Retries: a 429 or a connection
/// that never opened always; a failure once the request may have reached
/// the server only for GET, PUT and DELETE, or with
/// mc_options_set_retry_after_send(). Blocks as the header's Blocking rule
/// says. Thread-safe.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn mc_send(
    client: *const mc_client,
    call: *const mc_call,
    out: *mut *mut mc_response,
) -> mc_status {
    guard(|| {
        out_arg("out", out)?;
        let client = handle_ref("client", client)?;
        let call = handle_ref("call", call)?;
        let response = counting_retries(client.inner.send(&call.inner), |r| r.retries)?;
        *out = Box::into_raw(ResponseBox::new(response)) as *mut mc_response;
        Ok(())
    })
}

/// The first value of the response header `name` (any case), or NULL when
/// there is none. Borrowed from the response: valid until it is freed.
#[no_mangle]
pub unsafe extern "C" fn mc_response_header(
    response: *const mc_response,
    name: *const c_char,
) -> *const c_char {
    let response = match response.as_ref() {
        Some(r) => r,
        None => return ptr::null(),
    };
    let name = match opt_str_arg("name", name) {
        Ok(Some(n)) => n,
        _ => return ptr::null(),
    };
    if response.headers.is_null() {
        return ptr::null();
    }
    let headers = std::slice::from_raw_parts(response.headers, response.headers_len);
    for h in headers {
        let n = std::ffi::CStr::from_ptr(h.name).to_bytes();
        if n.eq_ignore_ascii_case(name.as_bytes()) {
            return h.value;
        }
    }
    ptr::null()
}

/// Frees a response returned by mc_send(). NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn mc_response_free(response: *mut mc_response) {
    if !response.is_null() {
        guard_void(|| drop(Box::from_raw(response as *mut ResponseBox)));
    }
}

/// Starts a pull over every page of any paged request: a POST pages as an
/// API 1.0 envelope (its body, a JSON object or none, gets
/// `meta.pagination`), anything else as API 2.0 REST (`pageSize` and
/// `nextPage` query parameters; the answer's `@nextPage` is the next
/// cursor and `isCaughtUp: true` ends the pull). The call is copied: it may
/// be freed afterwards. Use mc_pager_next() for pages, mc_pager_next_item()
/// for items. Free with mc_pager_free().
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn mc_pager_new_call(
    client: *const mc_client,
    call: *const mc_call,
    page_size: u32,
    out: *mut *mut mc_pager,
) -> mc_status {
    guard(|| {
        out_arg("out", out)?;
        let client = handle_ref("client", client)?;
        let call = handle_ref("call", call)?;
        let cursor = PageCursor::for_call(&call.inner, page_size)?;
        *out = Box::into_raw(Box::new(mc_pager {
            client: client.inner.clone(),
            cursor,
        }));
        Ok(())
    })
}

/// For an API 1.0 pull: takes the items from the member `key` (an array) of
/// each data item instead of the data items themselves. The log endpoints
/// that wrap their list do this by default: /api/ttp/url/get-logs
/// (clickLogs), /api/ttp/attachment/get-logs (attachmentLogs),
/// /api/ttp/impersonation/get-logs (impersonationLogs),
/// /api/archive/get-archive-search-logs and
/// /api/audit/get-archive-search-logs (logs). NULL restores the data items.
/// Call before the first mc_pager_next_item().
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn mc_pager_set_items_key(
    pager: *mut mc_pager,
    key: *const c_char,
) -> mc_status {
    guard(|| {
        let pager = handle_mut("pager", pager)?;
        pager.cursor.set_items_key(opt_str_arg("key", key)?)?;
        Ok(())
    })
}

/// Fetches the next item of the pull, fetching pages as needed.
///
/// On success `*item_json` receives the item's JSON text exactly as the
/// server sent it (free with mc_free()), or NULL when the pull is over.
/// Pages without items end the pull, as for mc_pager_next(); the same
/// cycle rule applies. Do not mix with mc_pager_next() on one pager.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn mc_pager_next_item(
    pager: *mut mc_pager,
    item_json: *mut *mut c_char,
) -> mc_status {
    guard(|| {
        out_arg("item_json", item_json)?;
        let pager = handle_mut("pager", pager)?;
        let client: Arc<Client> = pager.client.clone();
        let item = pager.cursor.next_item(&client)?;
        *item_json = match item {
            Some(text) => into_c_string(text).into_raw(),
            None => ptr::null_mut(),
        };
        Ok(())
    })
}

/// Sets the host that answers region discovery (mc_discover_base_url):
/// NULL for the global https://api.mimecast.com (the default), or an
/// https://host[:port] URL (http:// only to loopback, as for base URLs).
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn mc_options_set_discovery_url(
    options: *mut mc_options,
    url: *const c_char,
) -> mc_status {
    guard(|| {
        let options = handle_mut("options", options)?;
        options.inner.discovery_url = opt_str_arg("url", url)?.map(str::to_owned);
        Ok(())
    })
}

/// Finds the API base URL of the account `email` belongs to, as Mimecast's
/// own tools do: POST /api/login/discover-authentication on the discovery
/// host (unsigned; `app_id` is sent when not NULL). On success `*base_url`
/// receives e.g. "https://eu-api.mimecast.com" (free with mc_free()). An
/// address Mimecast knows no region for gives MC_STATUS_API_FAILURE; an
/// answer that names something other than a plain API base URL gives
/// MC_STATUS_MALFORMED_RESPONSE. `options` may be NULL.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn mc_discover_base_url(
    email: *const c_char,
    app_id: *const c_char,
    options: *const mc_options,
    base_url: *mut *mut c_char,
) -> mc_status {
    guard(|| {
        out_arg("base_url", base_url)?;
        let email = str_arg("email", email)?;
        let app_id = opt_str_arg("app_id", app_id)?;
        let found =
            crate::discover::discover_base_url(email, app_id, &options_or_default(options))?;
        *base_url = to_cstring(&found).into_raw();
        Ok(())
    })
}

/// Creates an API 1.0 client for the account `email` belongs to: like
/// mc_client_new(), with the base URL found by mc_discover_base_url() first.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn mc_client_new_discover(
    email: *const c_char,
    app_id: *const c_char,
    app_key: *const c_char,
    access_key: *const c_char,
    secret_key: *const c_char,
    options: *const mc_options,
    out: *mut *mut mc_client,
) -> mc_status {
    guard(|| {
        out_arg("out", out)?;
        let keys = Api1Keys {
            app_id: str_arg("app_id", app_id)?,
            app_key: str_arg("app_key", app_key)?,
            access_key: str_arg("access_key", access_key)?,
            secret_key: str_arg("secret_key", secret_key)?,
        };
        let email = str_arg("email", email)?;
        let client = Client::discover_api1(email, keys, &options_or_default(options))?;
        *out = new_client(client);
        Ok(())
    })
}
