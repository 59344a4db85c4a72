//! HTTPS transport: one ureq agent per client (a keep-alive connection pool),
//! strict TLS, timeouts always on, redirects never followed.

use std::error::Error as StdError;
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::sync::Arc;

use crate::envelope::RawResponse;
use crate::error::{Error, Result, Status};
use crate::options::Options;

pub(crate) struct Transport {
    agent: ureq::Agent,
    max_response_bytes: u64,
}

impl Transport {
    pub(crate) fn new(options: &Options) -> Result<Transport> {
        let tls = tls_config(options)?;
        let agent = ureq::AgentBuilder::new()
            .timeout_connect(options.connect_timeout)
            .timeout(options.timeout)
            // A redirect would replay the Authorization header to wherever
            // the server points: never follow one.
            .redirects(0)
            .user_agent(&options.user_agent)
            .tls_config(tls)
            .build();
        Ok(Transport { agent, max_response_bytes: options.max_response_bytes })
    }

    /// POSTs `body` to `url` with `headers` and reads the whole response.
    pub(crate) fn post(&self, url: &str, headers: &[(&str, &str)], body: &[u8]) -> Result<RawResponse> {
        let mut request = self.agent.post(url);
        for (name, value) in headers {
            request = request.set(name, value);
        }
        let response = match request.send_bytes(body) {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(ureq::Error::Transport(t)) => return Err(map_transport_error(&t)),
        };
        let status = response.status();
        let rate_limit_reset_ms = response
            .header("X-RateLimit-Reset")
            .and_then(|v| v.trim().parse::<f64>().ok())
            .filter(|v| v.is_finite() && *v >= 0.0)
            .map(|v| v.ceil() as u64);
        let location = response.header("Location").map(str::to_owned);
        let mut body = Vec::new();
        let limit = self.max_response_bytes;
        response
            .into_reader()
            .take(limit.saturating_add(1))
            .read_to_end(&mut body)
            .map_err(|e| map_io_error(&e, "reading the response body"))?;
        if body.len() as u64 > limit {
            return Err(Error::new(
                Status::ResponseTooLarge,
                format!("the response body is larger than the {limit}-byte limit; raise the max-response-bytes option if this is expected"),
            )
            .with_http_status(status));
        }
        Ok(RawResponse { status, body, rate_limit_reset_ms, location })
    }
}

/// rustls configuration: the system's roots plus an optional CA bundle.
/// There is deliberately no way to disable verification.
fn tls_config(options: &Options) -> Result<Arc<rustls::ClientConfig>> {
    let mut roots = rustls::RootCertStore::empty();
    // A machine without a system store can still use a CA bundle.
    if let Ok(certs) = rustls_native_certs::load_native_certs() {
        for cert in certs {
            let _ = roots.add(&rustls::Certificate(cert.0));
        }
    }
    if let Some(path) = &options.ca_bundle {
        let shown = path.display();
        let file = File::open(path)
            .map_err(|e| Error::new(Status::Io, format!("cannot open the CA bundle {shown}: {e}")))?;
        let certs = rustls_pemfile::certs(&mut BufReader::new(file))
            .map_err(|e| Error::new(Status::Io, format!("cannot read the CA bundle {shown}: {e}")))?;
        if certs.is_empty() {
            return Err(Error::new(Status::Io, format!("the CA bundle {shown} holds no PEM certificate")));
        }
        for der in certs {
            roots.add(&rustls::Certificate(der)).map_err(|e| {
                Error::new(Status::Io, format!("the CA bundle {shown} holds an invalid certificate: {e}"))
            })?;
        }
    }
    let config = rustls::ClientConfig::builder()
        .with_safe_defaults()
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

fn map_transport_error(t: &ureq::Transport) -> Error {
    use ureq::ErrorKind as K;
    if let Some(tls) = find_tls_error(t) {
        return Error::new(
            Status::Tls,
            format!("TLS failed ({tls}); if a proxy inspects TLS, pass its CA certificate with the CA bundle option"),
        );
    }
    if let Some(io) = find_io_error(t) {
        if is_timeout(io) {
            return timeout_error("waiting for the server");
        }
    }
    let what = match t.kind() {
        K::Dns => "the host name could not be resolved",
        K::ConnectionFailed => "the connection could not be opened",
        K::ProxyConnect | K::ProxyUnauthorized | K::InvalidProxyUrl => "the proxy failed",
        K::BadStatus | K::BadHeader => "the server's answer is not valid HTTP",
        _ => "the connection failed",
    };
    let status = match t.kind() {
        K::BadStatus | K::BadHeader => Status::MalformedResponse,
        _ => Status::Transport,
    };
    Error::new(status, format!("{what}: {t}"))
}

fn map_io_error(e: &io::Error, during: &str) -> Error {
    if is_timeout(e) {
        return timeout_error(during);
    }
    if let Some(tls) = tls_inside_io(e) {
        return Error::new(Status::Tls, format!("TLS failed while {during} ({tls})"));
    }
    Error::new(Status::Transport, format!("the connection broke while {during}: {e}"))
}

fn timeout_error(during: &str) -> Error {
    Error::new(
        Status::Timeout,
        format!("the request timed out while {during}; the server may be slow or unreachable, or raise the timeout option"),
    )
}

fn is_timeout(e: &io::Error) -> bool {
    matches!(e.kind(), io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock)
}

fn find_io_error(t: &ureq::Transport) -> Option<&io::Error> {
    let mut source: Option<&(dyn StdError + 'static)> = t.source();
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<io::Error>() {
            return Some(io);
        }
        source = s.source();
    }
    None
}

fn tls_inside_io(e: &io::Error) -> Option<&rustls::Error> {
    e.get_ref().and_then(|inner| inner.downcast_ref::<rustls::Error>())
}

fn find_tls_error(t: &ureq::Transport) -> Option<&rustls::Error> {
    let mut source: Option<&(dyn StdError + 'static)> = t.source();
    while let Some(s) = source {
        if let Some(tls) = s.downcast_ref::<rustls::Error>() {
            return Some(tls);
        }
        if let Some(io) = s.downcast_ref::<io::Error>() {
            if let Some(tls) = tls_inside_io(io) {
                return Some(tls);
            }
        }
        source = s.source();
    }
    None
}
