//! The limits of the exchange in progress on this thread.
//!
//! ureq drives the connection from inside its own calls; the layers we hand
//! it (the resolver, the connector and the connection itself) find the
//! deadline and the byte limit of the current exchange here. An exchange
//! runs entirely on the thread that started it, so a thread-local is exact.

use std::cell::{Cell, RefCell};
use std::io;
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::proxy::Proxy;
use super::refusal::Refusal;
use crate::cancel::Cancel;

/// What one exchange (a request and its response) may use.
pub(crate) struct Scope {
    /// No byte is read or written after this.
    pub deadline: Instant,
    /// Time allowed to open a connection (DNS, TCP, proxy, TLS).
    pub connect_timeout: Duration,
    /// While a connection is being opened: when that must be done by.
    pub connect_deadline: Cell<Option<Instant>>,
    /// Most bytes one response may occupy on the connection, head included.
    pub response_limit: u64,
    /// The target is `http://`: the connector must not start TLS.
    pub plaintext: bool,
    /// The proxy to tunnel through, if any.
    pub proxy: Option<Arc<Proxy>>,
    /// `host:port` of the target, as the resolver was asked for it.
    pub target: RefCell<String>,
    /// The cancellation flag governing the call, if any.
    pub cancel: Option<Cancel>,
    /// The request's own header lines (`Name: value\r\n` each), which the
    /// connection layer adds to the head ureq writes (see `Conn::write`).
    pub request_headers: Vec<u8>,
    /// Whether the caller wants every response header, not only those the
    /// library reads.
    pub all_headers: bool,
    /// The response headers, from the final response head (see
    /// `framing::parse_head`).
    pub read_headers: RefCell<Vec<(String, String)>>,
    /// The body length that head announced (0 when it is chunked or runs
    /// until the connection closes): what the body buffer is sized for.
    pub body_length: Cell<u64>,
}

thread_local! {
    static CURRENT: RefCell<Option<Rc<Scope>>> = const { RefCell::new(None) };
}

/// Makes `scope` current until the returned guard drops (restoring whatever
/// was current before, so a logger that makes a call of its own is safe).
pub(crate) fn enter(scope: Scope) -> Entered {
    let previous = CURRENT.with(|c| c.replace(Some(Rc::new(scope))));
    Entered { previous }
}

pub(crate) struct Entered {
    previous: Option<Rc<Scope>>,
}

impl Drop for Entered {
    fn drop(&mut self) {
        let previous = self.previous.take();
        CURRENT.with(|c| *c.borrow_mut() = previous);
    }
}

/// The current scope. Outside an exchange (which the library never does)
/// a conservative default applies rather than a panic.
pub(crate) fn current() -> Rc<Scope> {
    CURRENT
        .with(|c| c.borrow().clone())
        .unwrap_or_else(|| Rc::new(Scope::fallback()))
}

impl Scope {
    fn fallback() -> Scope {
        Scope {
            deadline: Instant::now() + Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            connect_deadline: Cell::new(None),
            response_limit: 64 * 1024 * 1024,
            plaintext: false,
            proxy: None,
            target: RefCell::new(String::new()),
            cancel: None,
            request_headers: Vec::new(),
            all_headers: false,
            read_headers: RefCell::new(Vec::new()),
            body_length: Cell::new(0),
        }
    }

    /// The deadline that applies now: the connect deadline while a
    /// connection is being opened, the exchange's otherwise.
    pub fn effective_deadline(&self) -> Instant {
        match self.connect_deadline.get() {
            Some(d) => d.min(self.deadline),
            None => self.deadline,
        }
    }

    /// Time left before the effective deadline, or a timeout error (or a
    /// cancellation error once the call's flag is raised).
    pub fn time_left(&self) -> io::Result<Duration> {
        if let Some(c) = &self.cancel {
            if c.is_cancelled() {
                return Err(Refusal::Cancelled.into());
            }
        }
        let deadline = self.effective_deadline();
        match deadline.checked_duration_since(Instant::now()) {
            Some(d) if !d.is_zero() => Ok(d),
            _ => Err(io::Error::new(
                io::ErrorKind::TimedOut,
                if self.connect_deadline.get().is_some() {
                    "timed out opening the connection"
                } else {
                    "timed out"
                },
            )),
        }
    }

    /// Starts the connection phase (called when a new connection is needed).
    pub fn begin_connect(&self) {
        self.connect_deadline
            .set(Some(Instant::now() + self.connect_timeout));
    }

    /// Ends the connection phase: the exchange's own deadline applies again.
    pub fn end_connect(&self) {
        self.connect_deadline.set(None);
    }
}
