//! Errors: one `Status` code per kind of failure, plus the details a caller
//! needs to act on it (HTTP status, Mimecast's error code, rate-limit reset).

use std::fmt;

/// Outcome of a library call. The numeric values are part of the C ABI: they
/// are stable and never reused. Retired values stay here as comments.
#[repr(C)]
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum mc_status {
    /// Success.
    Ok = 0,
    /// A required argument was NULL, empty, not valid UTF-8, or otherwise
    /// unusable (for example a path that is a full URL). Fix the call.
    InvalidArgument = 1,
    /// The credentials are malformed, for example a secret key that is not
    /// base64. Nothing was sent. Copy the keys again from the console.
    InvalidCredentials = 2,
    /// The base URL is not an http(s) URL, or the region name is unknown.
    InvalidUrl = 3,
    /// Plain http:// to a host that is not loopback, without
    /// mc_options_set_allow_insecure_http().
    InsecureUrl = 4,
    /// The connection failed or broke (DNS, refused, reset, closed early).
    Transport = 5,
    /// TLS failed, for example an untrusted certificate. See
    /// mc_options_set_ca_bundle() for inspecting proxies.
    Tls = 6,
    /// The connect timeout or the overall request timeout expired.
    Timeout = 7,
    /// HTTP 401 or 403: bad keys, bad signature, clock skew, or missing
    /// permission.
    Unauthorized = 8,
    /// HTTP 418: the access key and secret key binding expired. Create new
    /// keys.
    BindingExpired = 9,
    /// HTTP 429: quota exceeded. mc_last_error_retry_after_ms() says how long
    /// to wait.
    RateLimited = 10,
    /// The request was processed but Mimecast reported a failure in the
    /// `fail` array (also under HTTP 200). See mc_last_error_code().
    ApiFailure = 11,
    /// Any other unexpected HTTP status (404, 405, 5xx, a redirect...).
    HttpError = 12,
    /// The response is not the JSON envelope Mimecast sends.
    MalformedResponse = 13,
    /// The response body exceeded the configured maximum size.
    ResponseTooLarge = 14,
    /// A bug inside the library (a caught panic). Please report it.
    Internal = 15,
    /// The operation does not apply to this client's kind of credentials
    /// (for example mc_sign() on an API 2.0 client).
    Unsupported = 16,
    /// A file named in the options (CA bundle) could not be read or parsed.
    Io = 17,
}

/// The Rust name of the status enum.
pub type Status = mc_status;

impl mc_status {
    /// The C name of this status, for example `MC_STATUS_TIMEOUT`.
    pub fn name(self) -> &'static str {
        match self {
            mc_status::Ok => "MC_STATUS_OK",
            mc_status::InvalidArgument => "MC_STATUS_INVALID_ARGUMENT",
            mc_status::InvalidCredentials => "MC_STATUS_INVALID_CREDENTIALS",
            mc_status::InvalidUrl => "MC_STATUS_INVALID_URL",
            mc_status::InsecureUrl => "MC_STATUS_INSECURE_URL",
            mc_status::Transport => "MC_STATUS_TRANSPORT",
            mc_status::Tls => "MC_STATUS_TLS",
            mc_status::Timeout => "MC_STATUS_TIMEOUT",
            mc_status::Unauthorized => "MC_STATUS_UNAUTHORIZED",
            mc_status::BindingExpired => "MC_STATUS_BINDING_EXPIRED",
            mc_status::RateLimited => "MC_STATUS_RATE_LIMITED",
            mc_status::ApiFailure => "MC_STATUS_API_FAILURE",
            mc_status::HttpError => "MC_STATUS_HTTP_ERROR",
            mc_status::MalformedResponse => "MC_STATUS_MALFORMED_RESPONSE",
            mc_status::ResponseTooLarge => "MC_STATUS_RESPONSE_TOO_LARGE",
            mc_status::Internal => "MC_STATUS_INTERNAL",
            mc_status::Unsupported => "MC_STATUS_UNSUPPORTED",
            mc_status::Io => "MC_STATUS_IO",
        }
    }
}

/// A failed library call.
#[derive(Clone, PartialEq, Eq)]
pub struct Error {
    status: Status,
    message: String,
    http_status: Option<u16>,
    api_code: Option<String>,
    api_message: Option<String>,
    retry_after_ms: Option<u64>,
    retries: u32,
    // Whether the request may have reached the server, which decides if a
    // retry could repeat a change.
    maybe_delivered: bool,
}

impl Error {
    pub(crate) fn new(status: Status, message: impl Into<String>) -> Error {
        Error {
            status,
            message: message.into(),
            http_status: None,
            api_code: None,
            api_message: None,
            retry_after_ms: None,
            retries: 0,
            maybe_delivered: false,
        }
    }

    pub(crate) fn invalid_argument(message: impl Into<String>) -> Error {
        Error::new(Status::InvalidArgument, message)
    }

    pub(crate) fn with_http_status(mut self, status: u16) -> Error {
        self.http_status = Some(status);
        self
    }

    pub(crate) fn with_api_error(mut self, code: Option<String>, message: Option<String>) -> Error {
        self.api_code = code;
        self.api_message = message;
        self
    }

    pub(crate) fn with_retry_after_ms(mut self, ms: Option<u64>) -> Error {
        self.retry_after_ms = ms;
        self
    }

    pub(crate) fn maybe_delivered(mut self) -> Error {
        self.maybe_delivered = true;
        self
    }

    /// True when the failure happened after the request may have reached the
    /// server (a 5xx, a connection broken while waiting for the answer):
    /// repeating such a request could repeat its effect.
    pub fn may_have_been_processed(&self) -> bool {
        self.maybe_delivered || matches!(self.http_status, Some(500..=599))
    }

    pub(crate) fn with_retries(mut self, retries: u32) -> Error {
        self.retries = retries;
        self
    }

    /// How many times the call was retried before this final failure.
    pub fn retries(&self) -> u32 {
        self.retries
    }

    /// The kind of failure.
    pub fn status(&self) -> Status {
        self.status
    }

    /// A message for humans that says what went wrong and what to do.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The HTTP status of the response, when there was one.
    pub fn http_status(&self) -> Option<u16> {
        self.http_status
    }

    /// Mimecast's error code, for example `err_xdk_binding_expired`.
    pub fn api_code(&self) -> Option<&str> {
        self.api_code.as_deref()
    }

    /// Mimecast's error message, for example `0004 Invalid Signature`.
    pub fn api_message(&self) -> Option<&str> {
        self.api_message.as_deref()
    }

    /// For `RateLimited`: milliseconds to wait before retrying
    /// (`X-RateLimit-Reset`).
    pub fn retry_after_ms(&self) -> Option<u64> {
        self.retry_after_ms
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("status", &self.status.name())
            .field("message", &self.message)
            .field("http_status", &self.http_status)
            .field("api_code", &self.api_code)
            .field("api_message", &self.api_message)
            .field("retry_after_ms", &self.retry_after_ms)
            .field("retries", &self.retries)
            .finish()
    }
}

impl std::error::Error for Error {}

/// Shorthand for results of this crate.
pub type Result<T> = std::result::Result<T, Error>;
