//! Client options. New options are added here (and as new `mc_options_set_*`
//! functions in the C API) without changing any existing signature.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use url::{Host, Url};

use crate::error::{Error, Result, Status};
use crate::region;

/// Severity of a log message; lower is more severe.
#[repr(C)]
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum mc_log_level {
    /// A call failed.
    Error = 1,
    /// Something worth attention: a retry, a token refresh after a 401.
    Warn = 2,
    /// One line per request and per token fetch.
    Info = 3,
    /// Details: proxy choice, timings.
    Debug = 4,
}

/// The Rust name of the log level.
pub type LogLevel = mc_log_level;

/// Receives the library's log lines. Secrets are redacted before a line is
/// made, so a logger may store them anywhere.
pub type Logger = Arc<dyn Fn(LogLevel, &str) + Send + Sync>;

/// Which proxy to use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProxySetting {
    /// `HTTPS_PROXY` / `https_proxy` / `ALL_PROXY` / `all_proxy`, honouring
    /// `NO_PROXY` / `no_proxy` (the default).
    FromEnvironment,
    /// Never use a proxy.
    None,
    /// This proxy: `http://[user:password@]host:port` (HTTP CONNECT).
    Url(String),
}

/// When and how failed calls are retried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt; 0 disables retrying. Default 3.
    pub max_retries: u32,
    /// Total time a call may spend waiting between attempts. Default 60 s.
    pub budget: Duration,
    /// First backoff step for 5xx and connection failures. Default 250 ms.
    pub base_delay: Duration,
    /// Longest single backoff. Default 10 s.
    pub max_delay: Duration,
    /// Also retry generic requests ([`crate::Client::request`]) after
    /// failures that happen once the request may have reached the server
    /// (HTTP 5xx, a connection broken while waiting for the answer). Off by
    /// default: the retry could repeat a change, such as adding a group
    /// member twice. Get Account and paged requests are reads and are always
    /// retried; 429s and connections that never opened are always retried.
    pub retry_after_send: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            budget: Duration::from_secs(60),
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(10),
            retry_after_send: false,
        }
    }
}

/// How a client connects. `Options::default()` is what production wants.
#[derive(Clone)]
pub struct Options {
    /// Time allowed to open the TCP (and TLS) connection. Default 10 s.
    pub connect_timeout: Duration,
    /// Time allowed for a whole request, body included. Default 60 s.
    pub timeout: Duration,
    /// Allow plain `http://` to hosts other than loopback. Default false:
    /// the keys would travel in clear text.
    pub allow_insecure_http: bool,
    /// PEM file of extra CA certificates to trust (for TLS-inspecting
    /// proxies or a private test server), in addition to the system's.
    pub ca_bundle: Option<PathBuf>,
    /// Largest response body accepted. Default 64 MiB.
    pub max_response_bytes: u64,
    /// `User-Agent` header.
    pub user_agent: String,
    /// Retries on 429, 5xx and connection failures.
    pub retry: RetryPolicy,
    /// Proxy selection.
    pub proxy: ProxySetting,
    /// Where log lines go (none by default), and the most verbose level sent.
    pub logger: Option<(Logger, LogLevel)>,
    /// Host that answers region discovery (default: the global
    /// `https://api.mimecast.com`).
    pub discovery_url: Option<String>,
}

impl fmt::Debug for Options {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Options")
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("ca_bundle", &self.ca_bundle)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("retry", &self.retry)
            .field("proxy", &self.proxy.redacted())
            .field("logger", &self.logger.as_ref().map(|(_, level)| level))
            .field("discovery_url", &self.discovery_url)
            .finish()
    }
}

impl ProxySetting {
    /// For display: a proxy URL with any password removed.
    pub fn redacted(&self) -> String {
        match self {
            ProxySetting::FromEnvironment => "from environment".to_owned(),
            ProxySetting::None => "none".to_owned(),
            ProxySetting::Url(u) => redact_url(u),
        }
    }
}

/// `http://user:secret@host:1` -> `http://user:***@host:1`.
pub(crate) fn redact_url(u: &str) -> String {
    match Url::parse(u) {
        Ok(mut url) => {
            if url.password().is_some() {
                let _ = url.set_password(Some("***"));
            }
            url.to_string()
        }
        Err(_) => "<unparsable proxy URL>".to_owned(),
    }
}

impl Default for Options {
    fn default() -> Self {
        Options {
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(60),
            allow_insecure_http: false,
            ca_bundle: None,
            max_response_bytes: 64 * 1024 * 1024,
            user_agent: format!("mimecast-native/{}", env!("CARGO_PKG_VERSION")),
            retry: RetryPolicy::default(),
            proxy: ProxySetting::FromEnvironment,
            logger: None,
            discovery_url: None,
        }
    }
}

/// Turns a region name or a URL into a validated base URL without a trailing
/// slash.
pub(crate) fn resolve_api1_base_url(base_url_or_region: &str, options: &Options) -> Result<String> {
    let input = crate::sign::required("base URL or region", base_url_or_region)?;
    if !input.contains("://") {
        return region::api1_base_url(input)
            .map(str::to_owned)
            .ok_or_else(|| {
                Error::new(
                    Status::InvalidUrl,
                    format!(
                        "{} is neither a URL nor a known region; use https://... or one of: {}",
                        region::shown(input),
                        region::api1_region_names()
                    ),
                )
            });
    }
    validate_base_url(input, options)
}

pub(crate) fn validate_base_url(input: &str, options: &Options) -> Result<String> {
    let url = Url::parse(input).map_err(|e| {
        Error::new(
            Status::InvalidUrl,
            format!("the base URL is not a valid URL ({e})"),
        )
    })?;
    match url.scheme() {
        "https" => {}
        "http" => {
            if !options.allow_insecure_http && !is_loopback(&url) {
                return Err(Error::new(
                    Status::InsecureUrl,
                    "plain http:// is only allowed to loopback hosts: the keys would cross the network unencrypted; use https:// or set the allow-insecure-http option",
                ));
            }
        }
        other => {
            return Err(Error::new(
                Status::InvalidUrl,
                format!("the base URL must start with https:// (got scheme '{other}')"),
            ))
        }
    }
    if url.host().is_none() {
        return Err(Error::new(Status::InvalidUrl, "the base URL has no host"));
    }
    // The TLS stack (rustls 0.20 with webpki 0.22) checks certificates
    // against host names only: an https URL with an IP address could never
    // connect, so say so now rather than blame TLS at the first call.
    if url.scheme() == "https" && matches!(url.host(), Some(Host::Ipv4(_)) | Some(Host::Ipv6(_))) {
        return Err(Error::new(
            Status::InvalidUrl,
            "https:// to an IP address is not supported (certificates are checked against host names); use the host name the certificate names",
        ));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::new(
            Status::InvalidUrl,
            "the base URL must not contain a user name or password",
        ));
    }
    if url.query().is_some() || url.fragment().is_some() || url.path() != "/" {
        return Err(Error::new(
            Status::InvalidUrl,
            "the base URL must be only scheme://host[:port], for example https://eu-api.mimecast.com; the API path is given per call",
        ));
    }
    let mut base = url.to_string();
    if base.ends_with('/') {
        base.pop();
    }
    Ok(base)
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(input: &str) -> Result<String> {
        resolve_api1_base_url(input, &Options::default())
    }

    #[test]
    fn regions_and_urls_resolve() {
        assert_eq!(resolve("eu").unwrap(), "https://eu-api.mimecast.com");
        assert_eq!(
            resolve("https://eu-api.mimecast.com/").unwrap(),
            "https://eu-api.mimecast.com"
        );
        assert_eq!(
            resolve("http://127.0.0.1:8080").unwrap(),
            "http://127.0.0.1:8080"
        );
        assert_eq!(resolve("http://localhost:1").unwrap(), "http://localhost:1");
        assert_eq!(resolve("http://[::1]:1").unwrap(), "http://[::1]:1");
    }

    #[test]
    fn bad_urls_have_distinct_statuses() {
        assert_eq!(resolve("").unwrap_err().status(), Status::InvalidArgument);
        assert_eq!(resolve("mars").unwrap_err().status(), Status::InvalidUrl);
        assert_eq!(
            resolve("ftp://x.example").unwrap_err().status(),
            Status::InvalidUrl
        );
        assert_eq!(
            resolve("https://").unwrap_err().status(),
            Status::InvalidUrl
        );
        assert_eq!(
            resolve("https://x.example/api").unwrap_err().status(),
            Status::InvalidUrl
        );
        assert_eq!(
            resolve("https://u:p@x.example").unwrap_err().status(),
            Status::InvalidUrl
        );
        assert_eq!(
            resolve("http://eu-api.mimecast.com").unwrap_err().status(),
            Status::InsecureUrl
        );
        for ip in [
            "https://127.0.0.1:8443",
            "https://[::1]",
            "https://10.1.2.3",
        ] {
            let e = resolve(ip).unwrap_err();
            assert_eq!(e.status(), Status::InvalidUrl, "{ip}");
            assert!(e.message().contains("IP address"), "{ip}");
        }
    }

    #[test]
    fn insecure_http_needs_the_option() {
        let opts = Options {
            allow_insecure_http: true,
            ..Options::default()
        };
        assert_eq!(
            resolve_api1_base_url("http://gateway.internal", &opts).unwrap(),
            "http://gateway.internal"
        );
    }
}
