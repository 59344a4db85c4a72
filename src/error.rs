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
    /// The call was cancelled through an mc_cancel handle (see
    /// mc_cancel_attach()). Nothing more was sent after the cancel; a request
    /// already sent may have been processed.
    Cancelled = 18,
    /// An event stream's checkpoint file cannot be used: it is corrupt, or
    /// belongs to another account, kind of stream or query. The library
    /// never starts over silently; see mc_stream_open().
    Checkpoint = 19,
}

/// The Rust name of the status enum.
pub type Status = mc_status;

impl mc_status {
    /// Every status, in numeric order: the one list the rest of the crate
    /// (and the C API's mc_status_name()) derives from.
    pub const ALL: [mc_status; 20] = [
        mc_status::Ok,
        mc_status::InvalidArgument,
        mc_status::InvalidCredentials,
        mc_status::InvalidUrl,
        mc_status::InsecureUrl,
        mc_status::Transport,
        mc_status::Tls,
        mc_status::Timeout,
        mc_status::Unauthorized,
        mc_status::BindingExpired,
        mc_status::RateLimited,
        mc_status::ApiFailure,
        mc_status::HttpError,
        mc_status::MalformedResponse,
        mc_status::ResponseTooLarge,
        mc_status::Internal,
        mc_status::Unsupported,
        mc_status::Io,
        mc_status::Cancelled,
        mc_status::Checkpoint,
    ];

    /// The status with this number, if there is one.
    pub fn from_u32(v: u32) -> Option<mc_status> {
        mc_status::ALL.get(v as usize).copied()
    }

    /// The C name of this status as a NUL-terminated string, for example
    /// `MC_STATUS_TIMEOUT\0`.
    pub fn c_name(self) -> &'static str {
        match self {
            mc_status::Ok => "MC_STATUS_OK\0",
            mc_status::InvalidArgument => "MC_STATUS_INVALID_ARGUMENT\0",
            mc_status::InvalidCredentials => "MC_STATUS_INVALID_CREDENTIALS\0",
            mc_status::InvalidUrl => "MC_STATUS_INVALID_URL\0",
            mc_status::InsecureUrl => "MC_STATUS_INSECURE_URL\0",
            mc_status::Transport => "MC_STATUS_TRANSPORT\0",
            mc_status::Tls => "MC_STATUS_TLS\0",
            mc_status::Timeout => "MC_STATUS_TIMEOUT\0",
            mc_status::Unauthorized => "MC_STATUS_UNAUTHORIZED\0",
            mc_status::BindingExpired => "MC_STATUS_BINDING_EXPIRED\0",
            mc_status::RateLimited => "MC_STATUS_RATE_LIMITED\0",
            mc_status::ApiFailure => "MC_STATUS_API_FAILURE\0",
            mc_status::HttpError => "MC_STATUS_HTTP_ERROR\0",
            mc_status::MalformedResponse => "MC_STATUS_MALFORMED_RESPONSE\0",
            mc_status::ResponseTooLarge => "MC_STATUS_RESPONSE_TOO_LARGE\0",
            mc_status::Internal => "MC_STATUS_INTERNAL\0",
            mc_status::Unsupported => "MC_STATUS_UNSUPPORTED\0",
            mc_status::Io => "MC_STATUS_IO\0",
            mc_status::Cancelled => "MC_STATUS_CANCELLED\0",
            mc_status::Checkpoint => "MC_STATUS_CHECKPOINT\0",
        }
    }

    /// The C name of this status, for example `MC_STATUS_TIMEOUT`.
    pub fn name(self) -> &'static str {
        let c = self.c_name();
        &c[..c.len() - 1]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_complete_and_in_order() {
        for (i, s) in mc_status::ALL.iter().enumerate() {
            assert_eq!(*s as usize, i);
            assert_eq!(mc_status::from_u32(i as u32), Some(*s));
            assert!(s.name().starts_with("MC_STATUS_") && !s.name().contains('\0'));
        }
        assert_eq!(mc_status::from_u32(mc_status::ALL.len() as u32), None);
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
