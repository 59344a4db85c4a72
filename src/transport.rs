//! HTTPS transport: one ureq agent per client (a keep-alive connection pool),
//! strict TLS, timeouts always on, redirects never followed.

use std::error::Error as StdError;
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::sync::Arc;

use url::Url;

use crate::envelope::RawResponse;
use crate::error::{Error, Result, Status};
use crate::log::Log;
use crate::options::{redact_url, LogLevel, Options, ProxySetting};

pub(crate) struct Transport {
    agent: ureq::Agent,
    max_response_bytes: u64,
}

impl Transport {
    /// `base_url` is the (validated) host all requests go to: it decides
    /// whether `NO_PROXY` applies.
    pub(crate) fn new(options: &Options, base_url: &str, log: &Log) -> Result<Transport> {
        let tls = tls_config(options)?;
        let mut builder = ureq::AgentBuilder::new()
            .timeout_connect(options.connect_timeout)
            .timeout(options.timeout)
            // A redirect would replay the Authorization header to wherever
            // the server points: never follow one.
            .redirects(0)
            .user_agent(&options.user_agent)
            .tls_config(tls);
        match choose_proxy(&options.proxy, base_url, |name| std::env::var(name).ok())? {
            Some(proxy_url) => {
                log.emit(LogLevel::Debug, || {
                    format!("using proxy {} for {base_url}", redact_url(&proxy_url))
                });
                let proxy = ureq::Proxy::new(&proxy_url).map_err(|_| invalid_proxy())?;
                builder = builder.proxy(proxy);
            }
            None => log.emit(LogLevel::Debug, || format!("no proxy for {base_url}")),
        }
        Ok(Transport {
            agent: builder.build(),
            max_response_bytes: options.max_response_bytes,
        })
    }

    /// POSTs `body` to `url` with `headers` and reads the whole response.
    pub(crate) fn post(
        &self,
        url: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Result<RawResponse> {
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
        let declared_length = response
            .header("Content-Length")
            .and_then(|v| v.trim().parse::<u64>().ok());
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
        // ureq treats an early close as the end of the body; a body shorter
        // than announced is a broken connection, not a response.
        if let Some(expected) = declared_length {
            if (body.len() as u64) < expected {
                return Err(Error::new(
                    Status::Transport,
                    format!(
                        "the connection closed after {} of {expected} announced body bytes",
                        body.len()
                    ),
                )
                .with_http_status(status)
                .maybe_delivered());
            }
        }
        Ok(RawResponse {
            status,
            body,
            rate_limit_reset_ms,
            location,
        })
    }
}

fn invalid_proxy() -> Error {
    Error::new(
        Status::InvalidUrl,
        "the proxy URL must look like http://[user:password@]host:port",
    )
}

/// The proxy for requests to `base_url`, following curl's conventions:
/// `https_proxy`/`HTTPS_PROXY` for https, `http_proxy` (lower case only, as
/// upper case is attacker-settable in CGI) for http, then `all_proxy`;
/// `no_proxy` lists hosts (or `.domain` suffixes, or `*`) to reach directly.
pub(crate) fn choose_proxy(
    setting: &ProxySetting,
    base_url: &str,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Option<String>> {
    let from_env = match setting {
        ProxySetting::None => return Ok(None),
        ProxySetting::Url(u) => return validate_proxy(u).map(Some),
        ProxySetting::FromEnvironment => true,
    };
    debug_assert!(from_env);
    let url =
        Url::parse(base_url).map_err(|_| Error::new(Status::InvalidUrl, "invalid base URL"))?;
    let host = url
        .host_str()
        .unwrap_or_default()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase();
    let first = |names: &[&str]| {
        names
            .iter()
            .filter_map(|n| env(n))
            .find(|v| !v.trim().is_empty())
    };
    let candidate = match url.scheme() {
        "https" => first(&["https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"]),
        _ => first(&["http_proxy", "all_proxy", "ALL_PROXY"]),
    };
    let candidate = match candidate {
        Some(c) => c,
        None => return Ok(None),
    };
    if let Some(no_proxy) = first(&["no_proxy", "NO_PROXY"]) {
        if no_proxy_matches(&no_proxy, &host) {
            return Ok(None);
        }
    }
    validate_proxy(candidate.trim()).map(Some)
}

fn no_proxy_matches(list: &str, host: &str) -> bool {
    list.split(',')
        .map(|e| e.trim().to_ascii_lowercase())
        .filter(|e| !e.is_empty())
        .any(|entry| {
            let entry = entry.trim_start_matches('*').trim_start_matches('.');
            entry.is_empty() || host == entry || host.ends_with(&format!(".{entry}"))
        })
}

fn validate_proxy(u: &str) -> Result<String> {
    // A scheme-less "host:port" is common in the environment.
    let full = if u.contains("://") {
        u.to_owned()
    } else {
        format!("http://{u}")
    };
    let url = Url::parse(&full).map_err(|_| invalid_proxy())?;
    if url.scheme() != "http" || url.host_str().is_none() {
        return Err(invalid_proxy());
    }
    Ok(full)
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
        let file = File::open(path).map_err(|e| {
            Error::new(
                Status::Io,
                format!("cannot open the CA bundle {shown}: {e}"),
            )
        })?;
        let certs = rustls_pemfile::certs(&mut BufReader::new(file)).map_err(|e| {
            Error::new(
                Status::Io,
                format!("cannot read the CA bundle {shown}: {e}"),
            )
        })?;
        if certs.is_empty() {
            return Err(Error::new(
                Status::Io,
                format!("the CA bundle {shown} holds no PEM certificate"),
            ));
        }
        for der in certs {
            roots.add(&rustls::Certificate(der)).map_err(|e| {
                Error::new(
                    Status::Io,
                    format!("the CA bundle {shown} holds an invalid certificate: {e}"),
                )
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
    let what =
        match t.kind() {
            K::Dns => "the host name could not be resolved",
            K::ConnectionFailed => "the connection could not be opened",
            // The proxy URL may carry a password: say nothing more about it.
            K::ProxyConnect | K::ProxyUnauthorized | K::InvalidProxyUrl => return Error::new(
                Status::Transport,
                "the proxy refused or failed the connection; check the proxy option or HTTPS_PROXY",
            ),
            K::BadStatus | K::BadHeader => "the server's answer is not valid HTTP",
            _ => "the connection failed",
        };
    let status = match t.kind() {
        K::BadStatus | K::BadHeader => Status::MalformedResponse,
        _ => Status::Transport,
    };
    // Only the OS error text: ureq's own message can quote request headers,
    // and the Authorization header holds the access key.
    let error = match find_io_error(t) {
        Some(io) => Error::new(status, format!("{what}: {io}")),
        None => Error::new(status, what),
    };
    // Before a connection exists nothing can have been sent; after, the
    // server may have received the request even if no answer came back.
    match t.kind() {
        K::Dns | K::ConnectionFailed => error,
        _ => error.maybe_delivered(),
    }
}

fn map_io_error(e: &io::Error, during: &str) -> Error {
    if is_timeout(e) {
        return timeout_error(during);
    }
    if let Some(tls) = tls_inside_io(e) {
        return Error::new(Status::Tls, format!("TLS failed while {during} ({tls})"));
    }
    Error::new(
        Status::Transport,
        format!("the connection broke while {during}: {e}"),
    )
    .maybe_delivered()
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

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |n| {
            vars.iter()
                .find(|(k, _)| *k == n)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn proxy_from_environment_follows_curl() {
        let fe = ProxySetting::FromEnvironment;
        let vars = [
            ("HTTPS_PROXY", "proxy.corp:3128"),
            ("NO_PROXY", "localhost,.internal.example"),
        ];
        assert_eq!(
            choose_proxy(&fe, "https://eu-api.mimecast.com", env(&vars))
                .unwrap()
                .as_deref(),
            Some("http://proxy.corp:3128")
        );
        assert_eq!(
            choose_proxy(&fe, "https://localhost:1", env(&vars)).unwrap(),
            None
        );
        assert_eq!(
            choose_proxy(&fe, "https://a.internal.example", env(&vars)).unwrap(),
            None
        );
        // Upper-case HTTP_PROXY is ignored for http (httpoxy).
        assert_eq!(
            choose_proxy(
                &fe,
                "http://127.0.0.1:1",
                env(&[("HTTP_PROXY", "http://p:1")])
            )
            .unwrap(),
            None
        );
        assert_eq!(
            choose_proxy(
                &fe,
                "https://x.example",
                env(&[("NO_PROXY", "*"), ("https_proxy", "http://p:1")])
            )
            .unwrap(),
            None
        );
        assert_eq!(
            choose_proxy(&fe, "https://x.example", env(&[])).unwrap(),
            None
        );
    }

    #[test]
    fn explicit_proxy_settings() {
        let none = env(&[("HTTPS_PROXY", "http://p:1")]);
        assert_eq!(
            choose_proxy(&ProxySetting::None, "https://x.example", none).unwrap(),
            None
        );
        let set = ProxySetting::Url("http://u:pw@p:8080".into());
        assert_eq!(
            choose_proxy(&set, "https://x.example", env(&[]))
                .unwrap()
                .as_deref(),
            Some("http://u:pw@p:8080")
        );
        let bad = ProxySetting::Url("socks5://p:1".into());
        let e = choose_proxy(&bad, "https://x.example", env(&[])).unwrap_err();
        assert_eq!(e.status(), Status::InvalidUrl);
        assert_eq!(redact_url("http://u:pw@p:8080"), "http://u:***@p:8080/");
    }
}
