//! Any request, REST-style: a method, a path, query parameters, extra
//! headers and a body of any type. API 2.0 endpoints are GETs with query
//! parameters and answer in shapes other than the 1.0 envelope; some 1.0
//! endpoints answer with files (a zip of SIEM logs, a STIX feed) whose
//! headers carry the next token. [`Call`] describes such a request;
//! [`crate::Client::send`] sends it and returns an [`HttpResponse`].
//!
//! Everything is checked before anything is sent: a mistake of the caller's
//! never reaches the server.

use std::fmt;

use crate::envelope;
use crate::error::{Error, Result, Status};
use crate::json;
use crate::transport;

/// Largest request body the library sends. Mimecast's requests are small;
/// anything this big is a mistake in the caller's code.
pub const MAX_REQUEST_BYTES: usize = 33_554_432; // 32 MiB

/// How the answer is read.
#[repr(C)]
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum mc_response_mode {
    /// The answer must be Mimecast JSON: a body that is not JSON is
    /// MC_STATUS_MALFORMED_RESPONSE; failures it reports (a `fail` entry,
    /// `meta.status` of 400 or more, an API 2.0 `error` object) and every
    /// HTTP status outside 2xx are errors. The default.
    Json = 0,
    /// As Json for a JSON answer; any other 2xx body (a zip, a CSV or STIX
    /// feed) is returned as it is.
    Any = 1,
    /// Nothing is interpreted: the answer is returned whatever its status
    /// and body (after retries of 429 and 5xx, as for every call).
    Raw = 2,
}

/// The Rust name of the response mode.
pub type ResponseMode = mc_response_mode;

impl ResponseMode {
    pub(crate) fn from_u32(v: u32) -> Option<ResponseMode> {
        match v {
            0 => Some(ResponseMode::Json),
            1 => Some(ResponseMode::Any),
            2 => Some(ResponseMode::Raw),
            _ => None,
        }
    }
}

/// Methods the library sends.
const METHODS: [&str; 5] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

/// Headers the library sets itself (or that only the connection may set):
/// a caller's value would break signing, framing or the connection.
const OWNED_HEADERS: [&str; 14] = [
    "authorization",
    "proxy-authorization",
    "host",
    "content-length",
    "content-type",
    "transfer-encoding",
    "connection",
    "keep-alive",
    "upgrade",
    "te",
    "trailer",
    "expect",
    "user-agent",
    "cookie",
];

/// A request to send with [`crate::Client::send`].
#[derive(Clone)]
pub struct Call {
    pub(crate) method: &'static str,
    pub(crate) path: String,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
    pub(crate) content_type: Option<String>,
    pub(crate) mode: ResponseMode,
}

impl fmt::Debug for Call {
    // Header values and the body may be the caller's secrets: names only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call")
            .field("method", &self.method)
            .field("path", &self.path)
            .field(
                "query",
                &self.query.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            )
            .field(
                "headers",
                &self.headers.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            )
            .field("body_bytes", &self.body.len())
            .field("mode", &self.mode)
            .finish()
    }
}

impl Call {
    /// A request: `method` is GET, POST, PUT, PATCH or DELETE (any case);
    /// `path` is the path only, as for [`crate::Client::request`] (no query
    /// string: add parameters with [`Call::query`]).
    pub fn new(method: &str, path: &str) -> Result<Call> {
        let method = METHODS
            .iter()
            .find(|m| m.eq_ignore_ascii_case(method.trim()))
            .copied()
            .ok_or_else(|| {
                Error::invalid_argument(format!("the method must be one of {}", METHODS.join(", ")))
            })?;
        crate::sign::validate_path(path)?;
        Ok(Call {
            method,
            path: path.to_owned(),
            query: Vec::new(),
            headers: Vec::new(),
            body: Vec::new(),
            content_type: None,
            mode: ResponseMode::Json,
        })
    }

    /// Adds a query parameter. The library encodes it; the name must be
    /// non-empty text without control characters, the value any text.
    pub fn query(&mut self, name: &str, value: &str) -> Result<&mut Call> {
        if name.is_empty() {
            return Err(Error::invalid_argument("a query parameter name is empty"));
        }
        if name.chars().any(char::is_control) || value.chars().any(|c| c == '\0') {
            return Err(Error::invalid_argument(
                "a query parameter contains control characters",
            ));
        }
        self.query.push((name.to_owned(), value.to_owned()));
        Ok(self)
    }

    /// Adds a request header. Headers the library owns (Authorization,
    /// Host, Content-Type, Content-Length, the `x-mc-*` signing headers...)
    /// are refused; set the body's type with [`Call::body`].
    pub fn header(&mut self, name: &str, value: &str) -> Result<&mut Call> {
        if !transport::is_token(name) {
            return Err(Error::invalid_argument(
                "a header name must be letters, digits or one of !#$%&'*+-.^_`|~",
            ));
        }
        let lower = name.to_ascii_lowercase();
        if OWNED_HEADERS.contains(&lower.as_str()) || lower.starts_with("x-mc-") {
            return Err(Error::invalid_argument(format!(
                "the {name} header is set by the library and cannot be given"
            )));
        }
        if !transport::is_header_value(value) {
            return Err(Error::invalid_argument(format!(
                "the value of the {name} header must be printable ASCII (no CR, LF or other control characters)"
            )));
        }
        self.headers.push((name.to_owned(), value.to_owned()));
        Ok(self)
    }

    /// Sets a JSON body (`Content-Type: application/json`), sent exactly as
    /// written after checking that it is one JSON value.
    pub fn json(&mut self, json_text: &str) -> Result<&mut Call> {
        check_size(json_text.len())?;
        if json::too_deep(json_text.as_bytes()) {
            return Err(Error::invalid_argument(format!(
                "the request body nests arrays and objects deeper than {} levels",
                json::MAX_DEPTH
            )));
        }
        serde_json::from_str::<serde::de::IgnoredAny>(json_text)
            .map_err(|_| Error::invalid_argument("the request body is not valid JSON"))?;
        self.body = json_text.as_bytes().to_vec();
        self.content_type = Some("application/json".to_owned());
        Ok(self)
    }

    /// Sets a body of any type.
    pub fn body(&mut self, content_type: &str, bytes: &[u8]) -> Result<&mut Call> {
        check_size(bytes.len())?;
        if content_type.is_empty() || !content_type.bytes().all(|b| (0x20..0x7f).contains(&b)) {
            return Err(Error::invalid_argument(
                "the content type must be printable ASCII, for example application/octet-stream",
            ));
        }
        self.body = bytes.to_vec();
        self.content_type = Some(content_type.to_owned());
        Ok(self)
    }

    /// How the answer is read (default [`ResponseMode::Json`]).
    pub fn mode(&mut self, mode: ResponseMode) -> &mut Call {
        self.mode = mode;
        self
    }

    /// Whether repeating this request after it may have reached the server
    /// is harmless by HTTP's rules.
    pub(crate) fn idempotent(&self) -> bool {
        matches!(self.method, "GET" | "PUT" | "DELETE")
    }

    /// `path?query` as sent.
    pub(crate) fn target(&self) -> String {
        if self.query.is_empty() {
            return self.path.clone();
        }
        let query = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(self.query.iter())
            .finish()
            // form encoding writes spaces as '+'; %20 is unambiguous in a URL
            .replace('+', "%20");
        format!("{}?{}", self.path, query)
    }

    /// Sets (replacing any) query parameter `name`.
    pub(crate) fn set_query(&mut self, name: &str, value: &str) {
        self.query.retain(|(n, _)| n != name);
        self.query.push((name.to_owned(), value.to_owned()));
    }
}

fn check_size(len: usize) -> Result<()> {
    if len > MAX_REQUEST_BYTES {
        return Err(Error::invalid_argument(format!(
            "the request body is larger than {MAX_REQUEST_BYTES} bytes"
        )));
    }
    Ok(())
}

/// The answer to a [`Call`].
#[derive(Clone)]
pub struct HttpResponse {
    /// The HTTP status.
    pub status: u16,
    /// Header names in lower case, values as sent, in order.
    pub headers: Vec<(String, String)>,
    /// The body as received.
    pub body: Vec<u8>,
    /// How many times the call was retried before this answer.
    pub retries: u32,
}

impl fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .field("headers", &self.headers.len())
            .field("body_bytes", &self.body.len())
            .field("retries", &self.retries)
            .finish()
    }
}

impl HttpResponse {
    /// The first value of header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        envelope::header(&self.headers, name)
    }

    /// The body as text, when it is UTF-8.
    pub fn text(&self) -> Option<&str> {
        std::str::from_utf8(&self.body).ok()
    }

    /// The body parsed as JSON.
    pub fn json(&self) -> Result<serde_json::Value> {
        serde_json::from_slice(&self.body).map_err(|_| {
            Error::new(Status::MalformedResponse, "the response body is not JSON")
                .with_http_status(self.status)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_paths_and_queries() {
        let mut c = Call::new("get", "/siem/v1/batch/events/cg").unwrap();
        assert_eq!(c.method, "GET");
        c.query("type", "receipt").unwrap();
        c.query("dateRangeStartsAt", "2026-11-30T00:00:00.000Z")
            .unwrap();
        c.query("q", "a b&c=d+é").unwrap();
        assert_eq!(
            c.target(),
            "/siem/v1/batch/events/cg?type=receipt&dateRangeStartsAt=2026-11-30T00%3A00%3A00.000Z&q=a%20b%26c%3Dd%2B%C3%A9"
        );
        for bad in ["HEAD", "TRACE", "", "CONNECT"] {
            assert_eq!(
                Call::new(bad, "/x").unwrap_err().status(),
                Status::InvalidArgument
            );
        }
        assert!(Call::new("GET", "/x?y=1").is_err());
        assert!(c.query("", "v").is_err());
        assert!(c.query("a\nb", "v").is_err());
    }

    #[test]
    fn owned_and_malformed_headers_are_refused() {
        let mut c = Call::new("GET", "/x").unwrap();
        c.header("Accept", "text/csv").unwrap();
        c.header("X-Request-Tag", "7").unwrap();
        for name in [
            "Authorization",
            "x-mc-date",
            "X-MC-APP-ID",
            "Host",
            "Content-Length",
            "content-type",
            "Transfer-Encoding",
        ] {
            let e = c.header(name, "v").unwrap_err();
            assert!(e.message().contains("set by the library"), "{name}");
        }
        for (name, value) in [
            ("bad name", "v"),
            ("", "v"),
            ("X-A", "a\r\nInjected: 1"),
            ("X-A", "é"),
        ] {
            assert!(c.header(name, value).is_err(), "{name:?} {value:?}");
        }
    }

    #[test]
    fn bodies_are_checked() {
        let mut c = Call::new("POST", "/x").unwrap();
        c.json(r#"{"n": 1e2}"#).unwrap();
        assert_eq!(c.body, br#"{"n": 1e2}"#);
        assert!(c.json("{").is_err());
        c.body("application/zip", &[0, 1, 2]).unwrap();
        assert_eq!(c.content_type.as_deref(), Some("application/zip"));
        assert!(c.body("", b"x").is_err());
        assert!(c.body("a\nb", b"x").is_err());
        let big = vec![0u8; MAX_REQUEST_BYTES + 1];
        assert!(c.body("application/octet-stream", &big).is_err());
    }

    #[test]
    fn debug_shows_no_values() {
        let mut c = Call::new("POST", "/x").unwrap();
        c.header("X-Api-Key", "s3cr3t").unwrap();
        c.json(r#"{"password":"hunter2"}"#).unwrap();
        let shown = format!("{c:?}");
        assert!(
            !shown.contains("s3cr3t") && !shown.contains("hunter2"),
            "{shown}"
        );
    }
}
