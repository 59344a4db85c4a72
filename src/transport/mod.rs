//! HTTP exchanges: one ureq agent per client (a keep-alive connection
//! pool), strict TLS, redirects never followed, and every exchange bounded
//! in time and in bytes by the layers in this module (see `connection`).

mod connection;
mod connector;
mod framing;
pub(crate) mod proxy;
mod refusal;
mod scope;
pub(crate) mod tls;

use std::cell::{Cell, RefCell};
use std::error::Error as StdError;
use std::io::{self, Read};
use std::sync::Arc;
use std::time::{Duration, Instant};

use url::Url;

use crate::envelope::RawResponse;
use crate::error::{Error, Result, Status};
use crate::log::Log;
use crate::options::{LogLevel, Options, ProxySetting};
use connection::MAX_HEAD;
use proxy::{choose_proxy, Proxy};
use refusal::{refusal_of, Refusal};

/// Idle connections kept per host: enough for a few threads sharing one
/// client without reconnecting, few enough not to hoard server sockets.
const IDLE_CONNECTIONS_PER_HOST: usize = 8;

pub(crate) struct Transport {
    agent: ureq::Agent,
    max_response_bytes: u64,
    timeout: Duration,
    connect_timeout: Duration,
    proxy_setting: ProxySetting,
    // The proxy for the base URL's host, decided once, and what every
    // request to it needs: the URL ureq is given and the Host header.
    base: Url,
    base_proxy: Option<Arc<Proxy>>,
    base_for_ureq: String,
    /// The Host header to send, when it differs from the one ureq writes
    /// for the URL it is given (only `http://host` on the default port 80:
    /// ureq sees `https://host:80`). Not setting it spares a header ureq
    /// would otherwise validate, copy and look up on every request.
    base_host: Option<String>,
}

/// Where a request goes.
pub(crate) enum Target<'a> {
    /// `path?query` (already percent-encoded) on the client's base URL:
    /// the common case, assembled without parsing a URL.
    Base(&'a str),
    /// Any URL (presigned file links, discovery).
    Url(&'a Url),
}

/// One request to send.
pub(crate) struct Exchange<'a> {
    pub method: &'a str,
    pub target: Target<'a>,
    pub headers: &'a [(&'a str, &'a str)],
    pub body: &'a [u8],
    /// Keep every response header (for the caller), not only those the
    /// library reads.
    pub all_headers: bool,
}

impl Transport {
    /// `base_url` is the (validated) host most requests go to.
    pub(crate) fn new(options: &Options, base_url: &str, log: &Log) -> Result<Transport> {
        let base =
            Url::parse(base_url).map_err(|_| Error::new(Status::InvalidUrl, "invalid base URL"))?;
        // ureq writes the User-Agent as given: check it as any header.
        if !is_header_value(&options.user_agent) {
            return Err(Error::invalid_argument(
                "the user agent must be printable ASCII (no CR, LF or other control characters)",
            ));
        }
        let base_proxy = choose_proxy(&options.proxy, &base, |name| std::env::var(name).ok())?;
        match &base_proxy {
            Some(p) => log.emit(LogLevel::Debug, || {
                format!("using proxy {} for {base_url}", p.shown())
            }),
            None => log.emit(LogLevel::Debug, || format!("no proxy for {base_url}")),
        }
        let agent = ureq::AgentBuilder::new()
            .timeout_connect(options.connect_timeout)
            // A redirect would replay the Authorization header to wherever
            // the server points: never follow one.
            .redirects(0)
            .user_agent(&options.user_agent)
            .max_idle_connections_per_host(IDLE_CONNECTIONS_PER_HOST)
            .resolver(connector::Resolver)
            .tls_connector(Arc::new(connector::Connector {
                tls: tls::config(options)?,
            }))
            .build();
        Ok(Transport {
            agent,
            max_response_bytes: options.max_response_bytes,
            timeout: options.timeout,
            connect_timeout: options.connect_timeout,
            proxy_setting: options.proxy.clone(),
            base_for_ureq: ureq_url(&base).as_str().trim_end_matches('/').to_owned(),
            base_host: host_header(&base, &ureq_url(&base)),
            base,
            base_proxy: base_proxy.map(Arc::new),
        })
    }

    /// The deadline of an attempt that starts now.
    pub(crate) fn attempt_deadline(&self) -> Instant {
        Instant::now() + self.timeout
    }

    fn proxy_for(&self, url: &Url) -> Result<Option<Arc<Proxy>>> {
        if url.host_str() == self.base.host_str()
            && url.port_or_known_default() == self.base.port_or_known_default()
            && url.scheme() == self.base.scheme()
        {
            return Ok(self.base_proxy.clone());
        }
        Ok(choose_proxy(&self.proxy_setting, url, |name| std::env::var(name).ok())?.map(Arc::new))
    }

    /// Sends `exchange` and reads the whole response, all before `deadline`.
    pub(crate) fn execute(
        &self,
        exchange: &Exchange<'_>,
        deadline: Instant,
    ) -> Result<RawResponse> {
        let (plaintext, proxy, ureq_target, host) = match exchange.target {
            Target::Base(target) => (
                self.base.scheme() == "http",
                self.base_proxy.clone(),
                [self.base_for_ureq.as_str(), target].concat(),
                self.base_host.clone(),
            ),
            Target::Url(url) => {
                let wire = ureq_url(url);
                (
                    url.scheme() == "http",
                    self.proxy_for(url)?,
                    wire.to_string(),
                    host_header(url, &wire),
                )
            }
        };
        // ureq is given only the Accept header (it writes `*/*` unless it
        // is given one) and Host where its own would be wrong: every header
        // it is handed costs it about 5k instructions (it formats, clones,
        // validates and compares each against the others several times).
        // The connection layer writes the others into the head ureq writes.
        let mut request_headers = Vec::with_capacity(512);
        let mut accept = None;
        for &(name, value) in exchange.headers {
            if name.eq_ignore_ascii_case("accept") {
                accept = Some(value);
            } else {
                header_line(&mut request_headers, name, value)?;
            }
        }
        let _scope = scope::enter(scope::Scope {
            deadline,
            connect_timeout: self.connect_timeout,
            connect_deadline: Cell::new(None),
            response_limit: self.max_response_bytes.saturating_add(MAX_HEAD as u64),
            plaintext,
            proxy,
            target: RefCell::new(String::new()),
            cancel: crate::cancel::current(),
            request_headers,
            all_headers: exchange.all_headers,
            read_headers: RefCell::new(Vec::new()),
            body_length: Cell::new(0),
        });
        crate::cancel::check()?;
        let mut request = self.agent.request(exchange.method, &ureq_target);
        // Each target has its own Host (None: the one ureq writes is right).
        if let Some(host) = host.as_deref() {
            request = request.set("Host", host);
        }
        if let Some(accept) = accept {
            request = request.set("Accept", accept);
        }
        let sent = if exchange.body.is_empty() && exchange.method != "POST" {
            request.call()
        } else {
            request.send_bytes(exchange.body)
        };
        let response = match sent {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(ureq::Error::Transport(t)) => return Err(map_transport_error(&t)),
        };
        let status = response.status();
        // The headers were read from the head as it arrived (ureq is handed
        // only those it acts on itself).
        let scope = scope::current();
        let headers = scope.read_headers.take();
        let limit = self.max_response_bytes;
        // Room for what the server announces, up to a point: a length is
        // only a claim until the bytes arrive (64 MiB announced before two
        // bytes must not cost 64 MiB, nor a huge raised limit an abort).
        let announced = scope.body_length.get().min(limit).min(PREALLOCATED_BODY);
        let mut body = Vec::with_capacity(announced as usize + 1);
        response
            .into_reader()
            .take(limit.saturating_add(1))
            .read_to_end(&mut body)
            .map_err(|e| map_io_error(&e, "reading the response body").with_http_status(status))?;
        if body.len() as u64 > limit {
            return Err(too_large(limit).with_http_status(status));
        }
        Ok(RawResponse {
            status,
            body,
            headers,
        })
    }
}

/// Appends `name: value` CR LF to `lines`, after the checks ureq would make
/// (a token name; a value of visible ASCII, spaces and tabs): no header can
/// end early or smuggle another in. Callers' headers were checked when
/// given; this keeps it true of every header whatever its source. The value
/// is not quoted in the error (it can be a credential).
fn header_line(lines: &mut Vec<u8>, name: &str, value: &str) -> Result<()> {
    // ureq writes these itself; a second one would make the request
    // ambiguous (callers cannot give them: `Call::header` refuses them).
    debug_assert!(
        ![
            "host",
            "user-agent",
            "accept",
            "content-length",
            "transfer-encoding"
        ]
        .iter()
        .any(|owned| name.eq_ignore_ascii_case(owned)),
        "{name} is ureq's to write"
    );
    let token = is_token(name);
    let visible = is_header_value(value);
    if !token || !visible {
        return Err(Error::invalid_argument(format!(
            "the {} header cannot be sent: its name or value has a character HTTP does not allow",
            if token { name } else { "request" }
        )));
    }
    lines.extend_from_slice(name.as_bytes());
    lines.extend_from_slice(b": ");
    lines.extend_from_slice(value.as_bytes());
    lines.extend_from_slice(b"\r\n");
    Ok(())
}

/// An HTTP token (a header name), as ureq checks it.
pub(crate) fn is_token(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| framing::is_tchar(&b))
}

/// A header value ureq accepts: visible ASCII, spaces and tabs.
pub(crate) fn is_header_value(value: &str) -> bool {
    value.bytes().all(framing::is_field_byte)
}

/// Most of a response body allocated before its bytes arrive.
const PREALLOCATED_BODY: u64 = 1024 * 1024;

/// What ureq is asked for: always https (so that our connector sees every
/// connection), with the real port spelled out.
fn ureq_url(url: &Url) -> Url {
    if url.scheme() == "https" {
        return url.clone();
    }
    let mut wire = url.clone();
    let port = url.port_or_known_default();
    // Both are special schemes, so the change is always allowed.
    let _ = wire.set_scheme("https");
    let _ = wire.set_port(port);
    wire
}

/// The Host header `url` needs, when ureq, given `wire` (`ureq_url(url)`),
/// would write another: ureq writes the host, and the port unless it is
/// 443, as `authority` does for the https URL it sees.
fn host_header(url: &Url, wire: &Url) -> Option<String> {
    let host = authority(url);
    (host != authority(wire)).then_some(host)
}

/// The Host header: host, and the port unless it is the scheme's default.
fn authority(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    }
}

fn too_large(limit: u64) -> Error {
    Error::new(
        Status::ResponseTooLarge,
        format!("the response is larger than the {limit}-byte limit; raise the max-response-bytes option if this is expected"),
    )
}

fn refusal_error(r: Refusal) -> Error {
    match r {
        Refusal::TooLarge(limit) => too_large(limit.saturating_sub(MAX_HEAD as u64)),
        Refusal::HeadTooLarge(_) | Refusal::BadFraming(_) => {
            Error::new(Status::MalformedResponse, r.to_string()).maybe_delivered()
        }
        Refusal::Truncated => Error::new(
            Status::Transport,
            "the connection closed before the response ended",
        )
        .maybe_delivered(),
        Refusal::ProxyStatus(407) => Error::new(
            Status::Transport,
            "the proxy requires authentication (HTTP 407); check the user and password in the proxy option or HTTPS_PROXY",
        ),
        Refusal::ProxyStatus(status) => Error::new(
            Status::Transport,
            format!("the proxy refused the connection (HTTP {status}); check the proxy option or HTTPS_PROXY"),
        ),
        Refusal::ProxyAnswer(what) => Error::new(
            Status::Transport,
            format!("the proxy failed the connection ({what}); check the proxy option or HTTPS_PROXY"),
        ),
        Refusal::StaleConnection(_) => {
            Error::new(Status::Transport, r.to_string()).maybe_delivered()
        }
        Refusal::Cancelled => crate::cancel::cancelled_error(),
    }
}

/// Whether the failure happened while a connection was being opened (then
/// nothing was sent).
fn while_connecting() -> bool {
    scope::current().connect_deadline.get().is_some()
}

fn map_transport_error(t: &ureq::Transport) -> Error {
    use ureq::ErrorKind as K;
    let connecting = while_connecting() || matches!(t.kind(), K::Dns | K::ConnectionFailed);
    let error = classify_transport(t);
    if connecting {
        error
    } else {
        error.maybe_delivered()
    }
}

fn classify_transport(t: &ureq::Transport) -> Error {
    use ureq::ErrorKind as K;
    if let Some(r) = io_errors(t).find_map(refusal_of) {
        return refusal_error(r);
    }
    if let Some(tls) = find_tls_error(t) {
        return Error::new(
            Status::Tls,
            format!("TLS failed ({tls}); if a proxy inspects TLS, pass its CA certificate with the CA bundle option"),
        );
    }
    if io_errors(t).any(is_timeout) {
        return timeout_error(match t.kind() {
            K::Dns => "resolving the host name",
            K::ConnectionFailed => "opening the connection",
            _ if while_connecting() => "opening the connection",
            _ => "waiting for the server",
        });
    }
    let what = match t.kind() {
        K::Dns => "the host name could not be resolved",
        K::ConnectionFailed => "the connection could not be opened",
        K::BadStatus | K::BadHeader => "the server's answer is not valid HTTP",
        _ => "the connection failed",
    };
    let status = match t.kind() {
        K::BadStatus | K::BadHeader => Status::MalformedResponse,
        _ => Status::Transport,
    };
    // Only the OS error text: ureq's own message can quote request headers,
    // and the Authorization header holds the access key.
    match io_errors(t).last().filter(|e| e.raw_os_error().is_some()) {
        Some(io) => Error::new(status, format!("{what}: {io}")),
        None => Error::new(status, what),
    }
}

fn map_io_error(e: &io::Error, during: &str) -> Error {
    if let Some(r) = refusal_of(e) {
        return refusal_error(r);
    }
    if is_timeout(e) {
        return timeout_error(during).maybe_delivered();
    }
    if let Some(tls) = tls_inside_io(e) {
        return Error::new(Status::Tls, format!("TLS failed while {during} ({tls})"))
            .maybe_delivered();
    }
    Error::new(
        Status::Transport,
        format!("the connection broke while {during}: {}", os_text(e)),
    )
    .maybe_delivered()
}

/// The OS's description of an I/O error, never a message that a lower
/// layer may have built from request data.
fn os_text(e: &io::Error) -> String {
    match e.raw_os_error() {
        Some(_) => e.to_string(),
        None => format!("{:?}", e.kind()),
    }
}

fn timeout_error(during: &str) -> Error {
    Error::new(
        Status::Timeout,
        format!("the request timed out while {during}; the server may be slow or unreachable, or raise the timeout option"),
    )
}

fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
    )
}

/// Every I/O error in the chain of causes of `t`, outermost first.
fn io_errors(t: &ureq::Transport) -> impl Iterator<Item = &io::Error> {
    let mut source: Option<&(dyn StdError + 'static)> = t.source();
    std::iter::from_fn(move || {
        while let Some(s) = source {
            source = s.source();
            if let Some(io) = s.downcast_ref::<io::Error>() {
                // An io::Error's inner error is its source too.
                return Some(io);
            }
        }
        None
    })
}

fn tls_inside_io(e: &io::Error) -> Option<&rustls::Error> {
    e.get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The Host header a request to `target` carries, from a client whose
    /// base URL is `base` (a listener on loopback answers and records it).
    fn host_sent(base: &str, target: impl FnOnce(u16) -> String) -> String {
        use std::io::Write;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = std::thread::spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && s.read(&mut byte).unwrap() == 1 {
                head.push(byte[0]);
            }
            s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
                .unwrap();
            String::from_utf8(head).unwrap()
        });
        let options = Options {
            proxy: ProxySetting::None,
            ..Options::default()
        };
        let t = Transport::new(&options, base, &Log::default()).unwrap();
        let url = Url::parse(&target(port)).unwrap();
        let exchange = Exchange {
            method: "GET",
            target: Target::Url(&url),
            headers: &[],
            body: &[],
            all_headers: false,
        };
        t.execute(&exchange, Instant::now() + Duration::from_secs(10))
            .unwrap();
        let head = server.join().unwrap();
        let hosts: Vec<&str> = head
            .lines()
            .filter_map(|l| l.strip_prefix("Host: "))
            .collect();
        assert_eq!(hosts.len(), 1, "{head}");
        hosts[0].to_owned()
    }

    #[test]
    fn a_url_target_carries_its_own_host_whatever_the_base() {
        for base in [
            "http://gw.invalid",
            "http://gw.invalid:8080",
            "https://gw.invalid",
        ] {
            let mut expected = String::new();
            let host = host_sent(base, |port| {
                expected = format!("127.0.0.1:{port}");
                format!("http://127.0.0.1:{port}/file")
            });
            assert_eq!(host, expected, "{base}");
        }
    }

    #[test]
    fn http_targets_reach_ureq_as_https_with_their_port() {
        let u = |s: &str| Url::parse(s).unwrap();
        assert_eq!(
            ureq_url(&u("http://127.0.0.1:8080/api/x")).as_str(),
            "https://127.0.0.1:8080/api/x"
        );
        assert_eq!(
            ureq_url(&u("http://gw.example/api/x?a=1")).as_str(),
            "https://gw.example:80/api/x?a=1"
        );
        assert_eq!(
            ureq_url(&u("https://eu-api.mimecast.com/api/x")).as_str(),
            "https://eu-api.mimecast.com/api/x"
        );
        assert_eq!(authority(&u("http://gw.example/x")), "gw.example");
        assert_eq!(authority(&u("http://[::1]:81/x")), "[::1]:81");
        assert_eq!(authority(&u("https://h.example:443/x")), "h.example");
        // ureq's own Host header is used where it is the same as ours.
        for (url, host) in [
            ("http://gw.example/x", Some("gw.example")),
            ("http://gw.example:8080/x", None),
            ("http://[::1]:81/x", None),
            ("https://h.example/x", None),
            ("https://h.example:8443/x", None),
        ] {
            let url = u(url);
            assert_eq!(host_header(&url, &ureq_url(&url)).as_deref(), host, "{url}");
        }
    }
}
