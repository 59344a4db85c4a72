//! Opening connections, in the two places ureq lets us take part: name
//! resolution (with a deadline, and to the proxy when there is one) and the
//! step after the TCP connect (the proxy tunnel, then TLS, then the guard).
//!
//! ureq is always given `https://` URLs so that every connection passes
//! through [`Connector`]; for an `http://` target the scope says
//! `plaintext` and no TLS is started.

use std::convert::TryFrom;
use std::io;
use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::{mpsc, Arc};
use std::time::Duration;

use super::connection::{Conn, Wire};
use super::scope;

/// Name resolution that honours the connect deadline. getaddrinfo cannot
/// be interrupted, so it runs on a short-lived thread and is abandoned when
/// the deadline passes (as curl's threaded resolver does).
pub(crate) struct Resolver;

impl ureq::Resolver for Resolver {
    fn resolve(&self, netloc: &str) -> io::Result<Vec<SocketAddr>> {
        let scope = scope::current();
        scope.begin_connect();
        *scope.target.borrow_mut() = netloc.to_owned();
        let lookup = match &scope.proxy {
            Some(proxy) => proxy.netloc(),
            None => netloc.to_owned(),
        };
        let addrs = resolve_with(&lookup, &scope, |name| {
            name.to_socket_addrs().map(|a| a.collect())
        })?;
        if scope.cancel.is_none() {
            return Ok(addrs);
        }
        // ureq's own TCP connect cannot be interrupted. A call that can be
        // cancelled opens the connection here first, in slices that watch
        // the flag, and hands ureq only the address that answered: its
        // connect then completes at once. (The server sees one extra,
        // empty connection per new connection of a cancellable call.)
        probe(&addrs, &scope).map(|addr| vec![addr])
    }
}

/// Resolves `netloc` on a short-lived thread, waiting in slices until the
/// deadline (or a cancel).
fn resolve_with(
    netloc: &str,
    scope: &scope::Scope,
    lookup: impl FnOnce(String) -> io::Result<Vec<SocketAddr>> + Send + 'static,
) -> io::Result<Vec<SocketAddr>> {
    // Addresses need no lookup.
    if let Ok(addr) = netloc.parse::<SocketAddr>() {
        return Ok(vec![addr]);
    }
    let (tx, rx) = mpsc::channel();
    let name = netloc.to_owned();
    std::thread::Builder::new()
        .name("mimecast-dns".into())
        .spawn(move || {
            let _ = tx.send(lookup(name));
        })?;
    loop {
        let wait = scope.time_left().map_err(|e| {
            if e.kind() == io::ErrorKind::TimedOut {
                io::Error::new(
                    io::ErrorKind::TimedOut,
                    "resolving the host name took longer than the connect timeout",
                )
            } else {
                e
            }
        })?;
        match rx.recv_timeout(wait.min(crate::cancel::SLICE)) {
            Ok(result) => return result,
            Err(mpsc::RecvTimeoutError::Timeout) => continue,
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return Err(io::Error::new(
                    io::ErrorKind::Other,
                    "the host name lookup failed",
                ))
            }
        }
    }
}

/// Opens (and closes) a connection to the first address that accepts one,
/// watching the deadline and the cancellation flag.
fn probe(addrs: &[SocketAddr], scope: &scope::Scope) -> io::Result<SocketAddr> {
    let mut last = io::Error::new(io::ErrorKind::Other, "no address to connect to");
    for addr in addrs {
        match probe_one(addr, scope) {
            Ok(()) => return Ok(*addr),
            Err(e)
                if e.kind() == io::ErrorKind::TimedOut
                    || super::refusal::refusal_of(&e).is_some() =>
            {
                return Err(e)
            }
            Err(e) => last = e,
        }
    }
    Err(last)
}

fn probe_one(addr: &SocketAddr, scope: &scope::Scope) -> io::Result<()> {
    use socket2::{Domain, Socket, Type};
    let socket = Socket::new(Domain::for_address(*addr), Type::STREAM, None)?;
    socket.set_nonblocking(true)?;
    match socket.connect(&(*addr).into()) {
        Ok(()) => return Ok(()),
        Err(e) if in_progress(&e) => {}
        Err(e) => return Err(e),
    }
    loop {
        let wait = scope.time_left()?.min(crate::cancel::SLICE);
        if writable(&socket, wait)? {
            return match socket.take_error()? {
                Some(e) => Err(e),
                None => Ok(()),
            };
        }
    }
}

fn in_progress(e: &io::Error) -> bool {
    #[cfg(unix)]
    if e.raw_os_error() == Some(libc::EINPROGRESS) {
        return true;
    }
    e.kind() == io::ErrorKind::WouldBlock
}

/// Whether a connecting socket finished (either way) within `wait`.
#[cfg(unix)]
fn writable(socket: &socket2::Socket, wait: Duration) -> io::Result<bool> {
    use std::os::unix::io::AsRawFd;
    let mut fd = libc::pollfd {
        fd: socket.as_raw_fd(),
        events: libc::POLLOUT,
        revents: 0,
    };
    let ms = wait.as_millis().clamp(1, 1000) as libc::c_int;
    // SAFETY: one valid pollfd.
    match unsafe { libc::poll(&mut fd, 1, ms) } {
        n if n > 0 => Ok(true),
        0 => Ok(false),
        _ => {
            let e = io::Error::last_os_error();
            if e.kind() == io::ErrorKind::Interrupted {
                Ok(false)
            } else {
                Err(e)
            }
        }
    }
}

#[cfg(not(unix))]
fn writable(socket: &socket2::Socket, wait: Duration) -> io::Result<bool> {
    // No poll without more dependencies: look every few milliseconds.
    std::thread::sleep(wait.min(Duration::from_millis(5)));
    Ok(socket.peer_addr().is_ok() || socket.take_error().map(|e| e.is_some()).unwrap_or(true))
}

/// The step after the TCP connect.
pub(crate) struct Connector {
    pub tls: Arc<rustls::ClientConfig>,
}

impl ureq::TlsConnector for Connector {
    fn connect(
        &self,
        dns_name: &str,
        io: Box<dyn ureq::ReadWrite>,
    ) -> Result<Box<dyn ureq::ReadWrite>, ureq::Error> {
        let scope = scope::current();
        let result = self.open(&scope, dns_name, io);
        scope.end_connect();
        result.map_err(ureq::Error::from)
    }
}

impl Connector {
    fn open(
        &self,
        scope: &scope::Scope,
        dns_name: &str,
        io: Box<dyn ureq::ReadWrite>,
    ) -> io::Result<Box<dyn ureq::ReadWrite>> {
        let mut wire = Wire::new(io);
        if let Some(proxy) = &scope.proxy {
            let target = scope.target.borrow().clone();
            proxy.tunnel(&mut wire, &target)?;
        }
        if scope.plaintext {
            return Ok(Box::new(Conn::plain(wire)));
        }
        let name = rustls::ServerName::try_from(dns_name)
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "invalid TLS server name"))?;
        let mut tls = rustls::ClientConnection::new(self.tls.clone(), name)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
        while tls.is_handshaking() {
            tls.complete_io(&mut wire)?;
        }
        Ok(Box::new(Conn::tls(rustls::StreamOwned::new(tls, wire))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    fn scope(wait: Duration) -> scope::Scope {
        scope::Scope {
            deadline: Instant::now() + wait,
            connect_timeout: wait,
            connect_deadline: std::cell::Cell::new(None),
            response_limit: 1,
            plaintext: true,
            proxy: None,
            target: std::cell::RefCell::new(String::new()),
            cancel: None,
            request_headers: Vec::new(),
            all_headers: false,
            read_headers: std::cell::RefCell::new(Vec::new()),
            body_length: std::cell::Cell::new(0),
        }
    }

    #[test]
    fn addresses_resolve_without_a_lookup() {
        let started = Instant::now();
        let s = scope(Duration::from_millis(10));
        let never = |_: String| -> io::Result<Vec<SocketAddr>> { panic!("no lookup") };
        assert_eq!(
            resolve_with("127.0.0.1:80", &s, never).unwrap(),
            vec!["127.0.0.1:80".parse::<SocketAddr>().unwrap()]
        );
        assert_eq!(
            resolve_with("[::1]:443", &s, never).unwrap(),
            vec!["[::1]:443".parse::<SocketAddr>().unwrap()]
        );
        assert!(started.elapsed() < Duration::from_secs(1));
    }

    #[test]
    fn lookups_give_up_at_the_deadline_or_the_cancel() {
        let started = Instant::now();
        let slow = |_: String| {
            std::thread::sleep(Duration::from_secs(3));
            Ok(vec![])
        };
        let e =
            resolve_with("slow.example:80", &scope(Duration::from_millis(100)), slow).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::TimedOut);
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );

        let mut s = scope(Duration::from_secs(10));
        let cancel = crate::cancel::Cancel::new();
        s.cancel = Some(cancel.clone());
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(100));
            cancel.cancel();
        });
        let started = Instant::now();
        let e = resolve_with("slow.example:80", &s, slow).unwrap_err();
        assert_eq!(
            super::super::refusal::refusal_of(&e),
            Some(super::super::refusal::Refusal::Cancelled)
        );
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );

        let fast = resolve_with("fast.example:80", &scope(Duration::from_secs(5)), |_| {
            Ok(vec!["10.0.0.1:80".parse().unwrap()])
        })
        .unwrap();
        assert_eq!(fast.len(), 1);
    }

    #[test]
    fn probes_connect_or_fail() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let open = listener.local_addr().unwrap();
        probe(&[open], &scope(Duration::from_secs(2))).unwrap();
        drop(listener);
        assert!(probe(&[open], &scope(Duration::from_secs(2))).is_err());
    }
}
