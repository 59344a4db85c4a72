//! Why the connection layer stopped an exchange. These travel inside
//! `io::Error` through ureq and are turned into the library's statuses by
//! the transport.

use std::fmt;
use std::io;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// More than this many bytes arrived for one response.
    TooLarge(u64),
    /// A response head (status line and headers) longer than the limit.
    HeadTooLarge(usize),
    /// The response's framing is broken (a chunk-size line too long or not
    /// hexadecimal, conflicting lengths...).
    BadFraming(&'static str),
    /// The connection ended before the response did.
    Truncated,
    /// The proxy answered CONNECT with this status.
    ProxyStatus(u16),
    /// The proxy's answer to CONNECT is unusable.
    ProxyAnswer(&'static str),
    /// A pooled connection cannot carry another request (inherited across
    /// fork(), unread bytes left on it, or closed by the server). ureq opens
    /// a new connection when this happens on a reused one.
    StaleConnection(&'static str),
    /// The call's cancellation flag was raised.
    Cancelled,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::TooLarge(limit) => write!(f, "the response is larger than {limit} bytes"),
            Refusal::HeadTooLarge(limit) => {
                write!(f, "the response headers are larger than {limit} bytes")
            }
            Refusal::BadFraming(what) => write!(f, "the response is not valid HTTP: {what}"),
            Refusal::Truncated => f.write_str("the connection closed before the response ended"),
            Refusal::ProxyStatus(status) => write!(f, "the proxy answered HTTP {status}"),
            Refusal::ProxyAnswer(what) => f.write_str(what),
            Refusal::StaleConnection(why) => write!(f, "stale pooled connection: {why}"),
            Refusal::Cancelled => f.write_str("cancelled"),
        }
    }
}

impl std::error::Error for Refusal {}

impl From<Refusal> for io::Error {
    fn from(r: Refusal) -> io::Error {
        let kind = match r {
            Refusal::Truncated => io::ErrorKind::UnexpectedEof,
            Refusal::StaleConnection(_) => io::ErrorKind::ConnectionAborted,
            // Not Interrupted: std::io retries reads that fail with it.
            Refusal::Cancelled => io::ErrorKind::Other,
            _ => io::ErrorKind::InvalidData,
        };
        io::Error::new(kind, r)
    }
}

/// The refusal inside an I/O error, if that is what it carries.
pub(crate) fn refusal_of(e: &io::Error) -> Option<Refusal> {
    e.get_ref()
        .and_then(|inner| inner.downcast_ref::<Refusal>())
        .copied()
}
