//! One connection as ureq sees it: the socket, TLS when the target is
//! https, and a guard that keeps each exchange within its limits.
//!
//! Layers, bottom up:
//! - [`Wire`]: the TCP socket. Every read and write waits in short slices
//!   and checks the exchange's deadline between them, so no byte moves after
//!   the deadline, whatever phase the exchange is in. The slice length only
//!   changes near the deadline, so the socket timeouts are rarely reset (ureq
//!   resets them before every read).
//! - TLS (rustls), for https targets.
//! - [`Conn`]: what ureq reads and writes. It adds the request's own
//!   headers to the head ureq writes (ureq is handed only Accept and, at
//!   times, Host), and reads each response head itself, handing ureq the
//!   status line and the framing it decided. It follows the response's
//!   framing (see `framing`), so it skips interim 1xx answers, hands ureq
//!   nothing past the end of a response, reports a body cut short, bounds the
//!   head and the whole response in bytes read off the connection, and
//!   refuses to carry a new request when the connection is not clean:
//!   inherited across fork(), bytes left unread, or closed by the server.
//!
//! ureq's own per-read socket handling is bypassed: `socket()` answers None.

use std::fmt;
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use super::framing::{head_for_ureq, parse_head, Framing, HeadKind};
use super::proxy::HeadScan;
use super::refusal::{refusal_of, Refusal};
use super::scope;

/// Longest response head (status line and headers) accepted.
pub(crate) const MAX_HEAD: usize = 64 * 1024;
/// Longest single wait on the socket; the deadline and the cancellation flag
/// are checked between waits.
const SLICE: Duration = crate::cancel::SLICE;

/// The TCP socket, with deadline-bounded reads and writes.
pub(crate) struct Wire {
    // As ureq hands it over; `socket()` reaches the TcpStream.
    io: Box<dyn ureq::ReadWrite>,
    read_wait: Option<Duration>,
    write_wait: Option<Duration>,
}

impl Wire {
    pub(crate) fn new(io: Box<dyn ureq::ReadWrite>) -> Wire {
        Wire {
            io,
            read_wait: None,
            write_wait: None,
        }
    }

    fn tcp(&self) -> Option<&TcpStream> {
        self.io.socket()
    }

    /// The next wait: a slice, or what is left before the deadline.
    fn next_wait(
        current: &mut Option<Duration>,
        set: impl Fn(Duration) -> io::Result<()>,
    ) -> io::Result<()> {
        let left = scope::current().time_left()?;
        let wait = left.min(SLICE).max(Duration::from_millis(1));
        if *current != Some(wait) {
            set(wait)?;
            *current = Some(wait);
        }
        Ok(())
    }

    /// Whether the peer has closed the connection or sent something
    /// unasked, without waiting.
    fn peer_spoke(&self) -> bool {
        match self.tcp() {
            Some(tcp) => peek_nonblocking(tcp),
            None => false,
        }
    }
}

fn is_wait_over(e: &io::Error) -> bool {
    // The library's own refusals (a cancel among them) end the read.
    refusal_of(e).is_none()
        && matches!(
            e.kind(),
            io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut | io::ErrorKind::Interrupted
        )
}

impl Read for Wire {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if let Some(tcp) = self.io.socket() {
                Wire::next_wait(&mut self.read_wait, |d| tcp.set_read_timeout(Some(d)))?;
            }
            match self.io.read(buf) {
                Err(e) if is_wait_over(&e) => continue,
                other => return other,
            }
        }
    }
}

impl Write for Wire {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        loop {
            if let Some(tcp) = self.io.socket() {
                Wire::next_wait(&mut self.write_wait, |d| tcp.set_write_timeout(Some(d)))?;
            }
            match self.io.write(buf) {
                Err(e) if is_wait_over(&e) => continue,
                other => return other,
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        self.io.flush()
    }
}

/// One byte of peek that never blocks: true when the peer closed the
/// connection or data is waiting that nobody asked for.
#[cfg(unix)]
fn peek_nonblocking(tcp: &TcpStream) -> bool {
    use std::os::unix::io::AsRawFd;
    let mut byte = 0u8;
    // SAFETY: a valid socket and a one-byte buffer that outlives the call.
    let n = unsafe {
        libc::recv(
            tcp.as_raw_fd(),
            &mut byte as *mut u8 as *mut libc::c_void,
            1,
            libc::MSG_PEEK | libc::MSG_DONTWAIT,
        )
    };
    if n < 0 {
        // EAGAIN: open and quiet. Anything else: unusable.
        let e = io::Error::last_os_error();
        return e.kind() != io::ErrorKind::WouldBlock;
    }
    true
}

#[cfg(not(unix))]
fn peek_nonblocking(tcp: &TcpStream) -> bool {
    let mut byte = [0u8; 1];
    if tcp.set_nonblocking(true).is_err() {
        return true;
    }
    let spoke = match tcp.peek(&mut byte) {
        Err(e) => e.kind() != io::ErrorKind::WouldBlock,
        Ok(_) => true,
    };
    tcp.set_nonblocking(false).is_err() || spoke
}

/// Plain TCP or TLS over it.
enum Link {
    Plain(Wire),
    Tls(Box<rustls::StreamOwned<rustls::ClientConnection, Wire>>),
}

impl Link {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Link::Plain(w) => w.read(buf),
            Link::Tls(s) => match s.read(buf) {
                // rustls reports a close without close_notify as an error;
                // whether that cut a response short is the framing's call.
                Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Ok(0),
                other => other,
            },
        }
    }

    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Link::Plain(w) => w.write(buf),
            Link::Tls(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Link::Plain(w) => w.flush(),
            Link::Tls(s) => s.flush(),
        }
    }

    /// Something is waiting on the connection that no request asked for,
    /// or the peer closed it.
    fn peer_spoke(&mut self) -> bool {
        match self {
            Link::Plain(w) => w.peer_spoke(),
            Link::Tls(s) => {
                let tls_pending = match s.conn.process_new_packets() {
                    Ok(state) => state.plaintext_bytes_to_read() > 0 || state.peer_has_closed(),
                    Err(_) => true,
                };
                tls_pending || s.sock.peer_spoke()
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Between exchanges (or before the first).
    Idle,
    /// A request is being written.
    Sending,
    /// Reading the response head.
    Head,
    /// Handing the response to ureq.
    Body,
}

/// What ureq reads from and writes to.
pub(crate) struct Conn {
    link: Link,
    phase: Phase,
    framing: Framing,
    // The head being read, then the final head being handed out.
    head: Vec<u8>,
    head_out: usize,
    // Body bytes that arrived with the head, not yet handed out.
    early_body: Vec<u8>,
    early_out: usize,
    // Bytes read off the connection for the current response, and the cap.
    received: u64,
    limit: u64,
    // Bytes past the end of a response were read: never reuse.
    overrun: bool,
    carried_exchange: bool,
    pid: u32,
    // A request is written here and sent in one piece when its answer is
    // first read (ureq writes the head and the body separately: two
    // segments, and over TLS two records, where one does).
    out: Vec<u8>,
    // Where each read of a head lands: zeroed once per connection, not
    // once per response (4 KiB of memset per call showed in profiles).
    scratch: Box<[u8]>,
    // The end of the request head ureq writes is looked for in `out`; the
    // exchange's own headers are added there (see `add_request_headers`).
    request_scan: HeadScan,
    request_head_done: bool,
}

impl fmt::Debug for Conn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Conn")
            .field("tls", &matches!(self.link, Link::Tls(_)))
            .field("phase", &self.phase)
            .finish()
    }
}

impl Conn {
    pub(crate) fn plain(wire: Wire) -> Conn {
        Conn::new(Link::Plain(wire))
    }

    pub(crate) fn tls(stream: rustls::StreamOwned<rustls::ClientConnection, Wire>) -> Conn {
        Conn::new(Link::Tls(Box::new(stream)))
    }

    fn new(link: Link) -> Conn {
        Conn {
            link,
            phase: Phase::Idle,
            framing: Framing::Done,
            head: Vec::new(),
            head_out: 0,
            early_body: Vec::new(),
            early_out: 0,
            received: 0,
            limit: u64::MAX,
            overrun: false,
            carried_exchange: false,
            pid: std::process::id(),
            out: Vec::new(),
            scratch: vec![0u8; 4096].into_boxed_slice(),
            request_scan: HeadScan::default(),
            request_head_done: false,
        }
    }

    /// Called when a request starts on this connection.
    fn start_exchange(&mut self) -> io::Result<()> {
        if self.carried_exchange {
            // A child process must never share the parent's connections:
            // both would read each other's responses.
            if self.pid != std::process::id() {
                return Err(Refusal::StaleConnection("inherited across fork()").into());
            }
            let finished = self.phase == Phase::Body
                && self.framing == Framing::Done
                && self.head_out == self.head.len()
                && self.early_out == self.early_body.len();
            if !finished && self.phase != Phase::Idle {
                return Err(
                    Refusal::StaleConnection("the last response was not read to its end").into(),
                );
            }
            if self.overrun {
                return Err(Refusal::StaleConnection("bytes after the last response").into());
            }
            if self.link.peer_spoke() {
                return Err(Refusal::StaleConnection(
                    "closed or written to by the server while idle",
                )
                .into());
            }
        }
        self.carried_exchange = true;
        self.phase = Phase::Sending;
        debug_assert!(self.out.is_empty(), "a request left unsent");
        self.request_scan = HeadScan::default();
        self.request_head_done = false;
        self.framing = Framing::Done;
        self.head.clear();
        self.head_out = 0;
        self.early_body.clear();
        self.early_out = 0;
        self.received = 0;
        self.limit = scope::current().response_limit;
        Ok(())
    }

    /// Reads until a final (non-1xx) head is complete.
    fn read_head(&mut self) -> io::Result<()> {
        let mut scan = HeadScan::default();
        loop {
            if let Some(end) = scan.find(&self.head) {
                let scope = scope::current();
                // What follows the head: body bytes, or after an interim
                // head, the next head.
                self.early_body.clear();
                self.early_body.extend_from_slice(&self.head[end..]);
                self.head.truncate(end);
                match parse_head(&self.head, scope.all_headers)? {
                    HeadKind::Interim => {
                        std::mem::swap(&mut self.head, &mut self.early_body);
                        self.early_body.clear();
                        scan = HeadScan::default();
                        continue;
                    }
                    HeadKind::Final(head) => {
                        head_for_ureq(&mut self.head, head.framing, head.close);
                        scope.read_headers.replace(head.headers);
                        scope.body_length.set(match head.framing {
                            Framing::Length(n) => n,
                            _ => 0,
                        });
                        self.framing = head.framing;
                        self.phase = Phase::Body;
                        return Ok(());
                    }
                }
            }
            if self.head.len() > MAX_HEAD {
                return Err(Refusal::HeadTooLarge(MAX_HEAD).into());
            }
            let n = read_counted(
                &mut self.link,
                &mut self.received,
                self.limit,
                &mut self.scratch,
            )?;
            self.head.extend_from_slice(&self.scratch[..n]);
            if n == 0 {
                if self.head.is_empty() {
                    // Closed before answering: ureq reports it (and retries
                    // a reused connection when that is safe).
                    self.phase = Phase::Body;
                    self.framing = Framing::Done;
                    return Ok(());
                }
                return Err(Refusal::Truncated.into());
            }
        }
    }
}

/// Reads from the connection, counting against the response's limit.
fn read_counted(
    link: &mut Link,
    received: &mut u64,
    limit: u64,
    buf: &mut [u8],
) -> io::Result<usize> {
    let n = link.read(buf)?;
    *received += n as u64;
    if *received > limit {
        return Err(Refusal::TooLarge(limit).into());
    }
    Ok(n)
}

impl Conn {
    /// Adds the exchange's own header lines (see `Scope::request_headers`)
    /// to the head ureq wrote, before its blank line, which ends at `end`.
    fn add_request_headers(&mut self, end: usize) {
        let blank = if self.out[..end].ends_with(b"\r\n\r\n") {
            end - 2
        } else {
            end - 1
        };
        let scope = scope::current();
        self.out
            .splice(blank..blank, scope.request_headers.iter().copied());
        self.request_head_done = true;
    }

    /// Sends what was written so far.
    fn send_out(&mut self) -> io::Result<()> {
        if !self.out.is_empty() {
            let mut sent = 0;
            while sent < self.out.len() {
                let n = self.link.write(&self.out[sent..])?;
                if n == 0 {
                    return Err(io::Error::new(
                        io::ErrorKind::WriteZero,
                        "the connection took no bytes",
                    ));
                }
                sent += n;
            }
            self.out.clear();
        }
        Ok(())
    }
}

/// A request bigger than this goes out as it is written.
const OUT_BUFFER: usize = 64 * 1024;

impl Read for Conn {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if matches!(self.phase, Phase::Sending | Phase::Idle) {
            if self.phase == Phase::Sending && !self.request_head_done {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    "the request head did not end",
                ));
            }
            self.send_out()?;
            self.link.flush()?;
            self.phase = Phase::Head;
        }
        if self.phase == Phase::Head {
            self.read_head()?;
        }
        if self.head_out < self.head.len() {
            let n = (self.head.len() - self.head_out).min(buf.len());
            buf[..n].copy_from_slice(&self.head[self.head_out..self.head_out + n]);
            self.head_out += n;
            return Ok(n);
        }
        if self.framing == Framing::Done {
            if self.early_out < self.early_body.len() {
                self.overrun = true;
            }
            return Ok(0);
        }
        let n = if self.early_out < self.early_body.len() {
            let n = (self.early_body.len() - self.early_out).min(buf.len());
            buf[..n].copy_from_slice(&self.early_body[self.early_out..self.early_out + n]);
            self.early_out += n;
            n
        } else {
            read_counted(&mut self.link, &mut self.received, self.limit, buf)?
        };
        if n == 0 {
            if self.framing.may_end_here() {
                self.framing = Framing::Done;
                return Ok(0);
            }
            return Err(Refusal::Truncated.into());
        }
        let used = self.framing.advance(&buf[..n])?;
        if used < n {
            self.overrun = true;
        }
        Ok(used)
    }
}

impl Write for Conn {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.phase != Phase::Sending {
            self.start_exchange()?;
        }
        self.out.extend_from_slice(buf);
        if !self.request_head_done {
            match self.request_scan.find(&self.out) {
                Some(end) => self.add_request_headers(end),
                None if self.out.len() > MAX_HEAD => {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidInput,
                        "the request head did not end",
                    ))
                }
                // Nothing leaves before the head is complete.
                None => return Ok(buf.len()),
            }
        }
        if self.out.len() >= OUT_BUFFER {
            self.send_out()?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        // Nothing leaves before the request head is complete and has the
        // request's own headers (ureq 2.6 does not flush mid-head; this
        // keeps it true of any writer).
        if self.phase == Phase::Sending && !self.request_head_done {
            return Ok(());
        }
        self.send_out()?;
        self.link.flush()
    }
}

impl ureq::ReadWrite for Conn {
    // None keeps ureq from setting socket timeouts around every read and
    // from its own pool check: both are done here.
    fn socket(&self) -> Option<&TcpStream> {
        None
    }
}
