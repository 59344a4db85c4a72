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
        resolve_within(&lookup, scope.time_left()?)
    }
}

fn resolve_within(netloc: &str, wait: Duration) -> io::Result<Vec<SocketAddr>> {
    resolve_with(netloc, wait, |name| {
        name.to_socket_addrs().map(|a| a.collect())
    })
}

fn resolve_with(
    netloc: &str,
    wait: Duration,
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
    match rx.recv_timeout(wait) {
        Ok(result) => result,
        Err(mpsc::RecvTimeoutError::Timeout) => Err(io::Error::new(
            io::ErrorKind::TimedOut,
            "resolving the host name took longer than the connect timeout",
        )),
        Err(mpsc::RecvTimeoutError::Disconnected) => Err(io::Error::new(
            io::ErrorKind::Other,
            "the host name lookup failed",
        )),
    }
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

    #[test]
    fn addresses_resolve_without_a_lookup() {
        let started = Instant::now();
        assert_eq!(
            resolve_within("127.0.0.1:80", Duration::from_millis(1)).unwrap(),
            vec!["127.0.0.1:80".parse::<SocketAddr>().unwrap()]
        );
        assert_eq!(
            resolve_within("[::1]:443", Duration::from_millis(1)).unwrap(),
            vec!["[::1]:443".parse::<SocketAddr>().unwrap()]
        );
        assert!(started.elapsed() < Duration::from_secs(1));
    }

    #[test]
    fn lookups_give_up_at_the_deadline() {
        let started = Instant::now();
        let e = resolve_with("slow.example:80", Duration::from_millis(100), |_| {
            std::thread::sleep(Duration::from_secs(3));
            Ok(vec![])
        })
        .unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::TimedOut);
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
        let fast = resolve_with("fast.example:80", Duration::from_secs(5), |_| {
            Ok(vec!["10.0.0.1:80".parse().unwrap()])
        })
        .unwrap();
        assert_eq!(fast.len(), 1);
    }
}
