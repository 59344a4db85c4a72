//! Proxies: which one applies to a target, and the HTTP CONNECT tunnel.
//!
//! The tunnel is opened here rather than by ureq so that it obeys the
//! exchange's deadline and limits, reads a proxy answer that arrives in
//! several TCP segments, and never panics on a proxy that stops reading.

use std::fmt;
use std::io::{self, Read, Write};

use url::{Host, Url};
use zeroize::Zeroizing;

use super::refusal::Refusal;
use crate::error::{Error, Result, Status};
use crate::options::{redact_url, ProxySetting};

/// Longest proxy URL accepted: user names and passwords beyond this are not
/// credentials but an attempt to overflow something.
const MAX_PROXY_URL: usize = 2048;
/// Longest proxy answer to a CONNECT.
const MAX_PROXY_ANSWER: usize = 16 * 1024;

/// An HTTP proxy reached with CONNECT.
pub(crate) struct Proxy {
    host: String,
    port: u16,
    // `Basic base64(user:password)`, when the URL carries credentials.
    authorization: Option<Zeroizing<String>>,
    shown: String,
}

impl fmt::Debug for Proxy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.shown)
    }
}

fn invalid_proxy() -> Error {
    Error::new(
        Status::InvalidUrl,
        "the proxy URL must look like http://[user:password@]host:port",
    )
}

impl Proxy {
    /// Parses `http://[user:password@]host[:port]` (a bare `host:port`, as
    /// environment variables often hold, means http).
    pub(crate) fn parse(u: &str) -> Result<Proxy> {
        let u = u.trim();
        if u.len() > MAX_PROXY_URL {
            return Err(Error::new(
                Status::InvalidUrl,
                format!("the proxy URL is longer than {MAX_PROXY_URL} bytes"),
            ));
        }
        let full = Zeroizing::new(if u.contains("://") {
            u.to_owned()
        } else {
            format!("http://{u}")
        });
        let url = Url::parse(&full).map_err(|_| invalid_proxy())?;
        if url.scheme() != "http" {
            return Err(invalid_proxy());
        }
        let host = match url.host() {
            Some(Host::Domain(d)) => d.to_owned(),
            Some(Host::Ipv4(ip)) => ip.to_string(),
            Some(Host::Ipv6(ip)) => format!("[{ip}]"),
            None => return Err(invalid_proxy()),
        };
        let authorization = if url.username().is_empty() && url.password().is_none() {
            None
        } else {
            let decode =
                |s: &str| -> Zeroizing<Vec<u8>> { Zeroizing::new(percent_decode(s.as_bytes())) };
            let mut pair = decode(url.username());
            pair.push(b':');
            pair.extend_from_slice(&decode(url.password().unwrap_or("")));
            Some(Zeroizing::new(format!("Basic {}", base64::encode(&*pair))))
        };
        Ok(Proxy {
            host,
            port: url.port().unwrap_or(80),
            authorization,
            shown: redact_url(&full),
        })
    }

    /// `host:port` of the proxy, for the resolver.
    pub(crate) fn netloc(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }

    /// The proxy URL with any password replaced, for logs.
    pub(crate) fn shown(&self) -> &str {
        &self.shown
    }

    /// Asks the proxy for a tunnel to `target` (`host:port`) and reads its
    /// answer. Afterwards the stream talks to the target.
    pub(crate) fn tunnel<S: Read + Write>(&self, stream: &mut S, target: &str) -> io::Result<()> {
        let mut request =
            Zeroizing::new(format!("CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n"));
        if let Some(auth) = &self.authorization {
            request.push_str("Proxy-Authorization: ");
            request.push_str(auth);
            request.push_str("\r\n");
        }
        request.push_str("\r\n");
        stream.write_all(request.as_bytes())?;
        stream.flush()?;

        // The answer is a status line and headers, and nothing after them:
        // the target speaks only once we do.
        let mut answer = Vec::with_capacity(256);
        let mut chunk = [0u8; 1024];
        loop {
            let n = stream.read(&mut chunk)?;
            if n == 0 {
                return Err(Refusal::ProxyAnswer("the proxy closed the connection").into());
            }
            answer.extend_from_slice(&chunk[..n]);
            if let Some(end) = find_head_end(&answer) {
                if end != answer.len() {
                    return Err(Refusal::ProxyAnswer(
                        "the proxy sent data after its answer to CONNECT",
                    )
                    .into());
                }
                break;
            }
            if answer.len() > MAX_PROXY_ANSWER {
                return Err(Refusal::ProxyAnswer("the proxy's answer is too long").into());
            }
        }
        let status =
            status_code(&answer).ok_or(Refusal::ProxyAnswer("the proxy's answer is not HTTP"))?;
        match status {
            200..=299 => Ok(()),
            407 => Err(Refusal::ProxyStatus(status).into()),
            _ => Err(Refusal::ProxyStatus(status).into()),
        }
    }
}

/// Index just past the blank line that ends an HTTP head, if it is there.
/// Accepts bare LF line ends, as HTTP parsers (ureq's included) do.
pub(crate) fn find_head_end(bytes: &[u8]) -> Option<usize> {
    HeadScan::default().find(bytes)
}

/// [`find_head_end`] over a head that arrives in pieces: each call looks
/// only at the bytes added since the last one, and knows where the line
/// they continue started (resuming at an arbitrary point could take the
/// CR LF of a line split across two reads for a blank line).
#[derive(Debug, Default)]
pub(crate) struct HeadScan {
    scanned: usize,
    line_start: usize,
}

impl HeadScan {
    /// `bytes` is what arrived so far: what the last call saw, and more.
    pub(crate) fn find(&mut self, bytes: &[u8]) -> Option<usize> {
        for (i, &b) in bytes.iter().enumerate().skip(self.scanned) {
            if b == b'\n' {
                let line = &bytes[self.line_start..i];
                if line.is_empty() || line == b"\r" {
                    return Some(i + 1);
                }
                self.line_start = i + 1;
            }
        }
        self.scanned = bytes.len();
        None
    }
}

/// The status code of `HTTP/1.x NNN ...`.
pub(crate) fn status_code(head: &[u8]) -> Option<u16> {
    let rest = head
        .strip_prefix(b"HTTP/1.1 ")
        .or_else(|| head.strip_prefix(b"HTTP/1.0 "))?;
    let digits = rest.get(..3)?;
    if !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    match rest.get(3) {
        None | Some(b' ') | Some(b'\r') | Some(b'\n') => {}
        _ => return None,
    }
    std::str::from_utf8(digits).ok()?.parse().ok()
}

fn percent_decode(s: &[u8]) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if s[i] == b'%' && i + 2 < s.len() {
            if let (Some(h), Some(l)) = (hex(s[i + 1]), hex(s[i + 2])) {
                out.push(h * 16 + l);
                i += 3;
                continue;
            }
        }
        out.push(s[i]);
        i += 1;
    }
    out
}

/// The proxy for requests to `target_url`, following curl's conventions:
/// `https_proxy`/`HTTPS_PROXY` for https, `http_proxy` (lower case only, as
/// upper case is attacker-settable in CGI) for http, then `all_proxy`;
/// `no_proxy` lists hosts (or `.domain` suffixes, or `*`) to reach directly.
/// A loopback target never goes through a proxy from the environment: the
/// request would leave the machine (with its credentials, in clear text for
/// http://) only to come back. An explicit proxy is used as asked.
pub(crate) fn choose_proxy(
    setting: &ProxySetting,
    target_url: &Url,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Option<Proxy>> {
    match setting {
        ProxySetting::None => return Ok(None),
        ProxySetting::Url(u) => return Proxy::parse(u).map(Some),
        ProxySetting::FromEnvironment => {}
    }
    if is_loopback(target_url) {
        return Ok(None);
    }
    let host = target_url
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
    let candidate = match target_url.scheme() {
        "https" => first(&["https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"]),
        _ => first(&["http_proxy", "all_proxy", "ALL_PROXY"]),
    };
    let candidate = match candidate {
        Some(c) => Zeroizing::new(c),
        None => return Ok(None),
    };
    if let Some(no_proxy) = first(&["no_proxy", "NO_PROXY"]) {
        if no_proxy_matches(&no_proxy, &host) {
            return Ok(None);
        }
    }
    Proxy::parse(&candidate).map(Some)
}

/// `localhost` or a loopback address.
pub(crate) fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(d)) => {
            let d = d.trim_end_matches('.');
            d.eq_ignore_ascii_case("localhost") || d.to_ascii_lowercase().ends_with(".localhost")
        }
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
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

    fn chosen(setting: &ProxySetting, target: &str, vars: &[(&str, &str)]) -> Option<String> {
        choose_proxy(setting, &Url::parse(target).unwrap(), env(vars))
            .unwrap()
            .map(|p| p.netloc())
    }

    #[test]
    fn proxy_from_environment_follows_curl() {
        let fe = ProxySetting::FromEnvironment;
        let vars = [
            ("HTTPS_PROXY", "proxy.corp:3128"),
            ("NO_PROXY", "localhost,.internal.example"),
        ];
        assert_eq!(
            chosen(&fe, "https://eu-api.mimecast.com", &vars).as_deref(),
            Some("proxy.corp:3128")
        );
        assert_eq!(chosen(&fe, "https://a.internal.example", &vars), None);
        // Upper-case HTTP_PROXY is ignored for http (httpoxy).
        assert_eq!(
            chosen(&fe, "http://gw.example", &[("HTTP_PROXY", "http://p:1")]),
            None
        );
        assert_eq!(
            chosen(
                &fe,
                "https://x.example",
                &[("NO_PROXY", "*"), ("https_proxy", "http://p:1")]
            ),
            None
        );
        assert_eq!(chosen(&fe, "https://x.example", &[]), None);
    }

    #[test]
    fn loopback_targets_never_use_an_environment_proxy() {
        let fe = ProxySetting::FromEnvironment;
        let all = [
            ("ALL_PROXY", "http://p:1"),
            ("all_proxy", "http://p:1"),
            ("http_proxy", "http://p:1"),
            ("https_proxy", "http://p:1"),
        ];
        for target in [
            "http://127.0.0.1:8080",
            "http://127.1.2.3:1",
            "http://[::1]:1",
            "http://localhost:1",
            "https://LOCALHOST.:1",
            "http://app.localhost:1",
        ] {
            assert_eq!(chosen(&fe, target, &all), None, "{target}");
        }
        assert!(chosen(&fe, "http://10.0.0.1:1", &all).is_some());
        // An explicit proxy is the caller's choice.
        let set = ProxySetting::Url("http://p:8080".into());
        assert_eq!(
            chosen(&set, "http://127.0.0.1:1", &[]).as_deref(),
            Some("p:8080")
        );
    }

    #[test]
    fn explicit_proxy_settings() {
        assert_eq!(
            chosen(
                &ProxySetting::None,
                "https://x.example",
                &[("HTTPS_PROXY", "http://p:1")]
            ),
            None
        );
        let p = Proxy::parse("http://u%40x:p%3Aw@p:8080").unwrap();
        assert_eq!(p.netloc(), "p:8080");
        assert_eq!(
            p.authorization.as_deref().map(String::as_str),
            Some(format!("Basic {}", base64::encode("u@x:p:w")).as_str())
        );
        assert!(!p.shown().contains("p%3Aw"));
        assert!(!format!("{p:?}").contains("p%3Aw"));
        for bad in ["socks5://p:1", "http://", "https://p:1"] {
            assert_eq!(
                Proxy::parse(bad).unwrap_err().status(),
                Status::InvalidUrl,
                "{bad}"
            );
        }
        let long = format!("http://u:{}@p:1", "x".repeat(5000));
        let e = Proxy::parse(&long).unwrap_err();
        assert_eq!(e.status(), Status::InvalidUrl);
        assert!(!e.message().contains("xxxx"));
        assert_eq!(Proxy::parse("[::1]:3128").unwrap().netloc(), "[::1]:3128");
    }

    #[test]
    fn tunnel_reads_an_answer_split_across_reads() {
        struct Script {
            reads: Vec<&'static [u8]>,
            written: Vec<u8>,
        }
        impl Read for Script {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                if self.reads.is_empty() {
                    return Ok(0);
                }
                let next = self.reads.remove(0);
                buf[..next.len()].copy_from_slice(next);
                Ok(next.len())
            }
        }
        impl Write for Script {
            fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
                self.written.extend_from_slice(buf);
                Ok(buf.len())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let p = Proxy::parse("http://user:pw@p:1").unwrap();
        let mut s = Script {
            reads: vec![b"HTTP/1.1 2", b"00 Connection established\r", b"\n\r\n"],
            written: vec![],
        };
        p.tunnel(&mut s, "api.example:443").unwrap();
        let sent = String::from_utf8(s.written).unwrap();
        assert!(sent.starts_with("CONNECT api.example:443 HTTP/1.1\r\nHost: api.example:443\r\n"));
        assert!(sent.contains("Proxy-Authorization: Basic dXNlcjpwdw==\r\n"));

        for (reads, _why) in [
            (vec![&b"HTTP/1.1 407 Auth\r\n\r\n"[..]], "refused"),
            (vec![&b"HTTP/1.1 200 OK\r\n\r\nextra"[..]], "data after"),
            (vec![&b"SSH-2.0\r\n\r\n"[..]], "not http"),
            (vec![&b"HTTP/1.1 200 OK\r\n"[..]], "closed early"),
        ] {
            let mut s = Script {
                reads,
                written: vec![],
            };
            assert!(p.tunnel(&mut s, "a:1").is_err());
        }
    }

    #[test]
    fn heads_and_status_codes() {
        assert_eq!(find_head_end(b"HTTP/1.1 200 OK\r\n\r\nbody"), Some(19));
        assert_eq!(find_head_end(b"HTTP/1.1 200 OK\n\nbody"), Some(17));
        assert_eq!(find_head_end(b"HTTP/1.1 200 OK\r\nA: b\r\n"), None);
        // Arriving in two pieces, split anywhere: found where it ends.
        for head in [
            &b"HTTP/1.1 200 OK\r\nA: b\r\nCo: d\r\n\r\nbody"[..],
            b"HTTP/1.1 200 OK\nA: b\n\nbody",
        ] {
            let end = find_head_end(head).unwrap();
            for split in 0..head.len() {
                let mut scan = HeadScan::default();
                let found = scan.find(&head[..split]).or_else(|| scan.find(head));
                assert_eq!(found, Some(end), "split at {split}");
            }
        }
        assert_eq!(status_code(b"HTTP/1.1 103 Early Hints\r\n"), Some(103));
        assert_eq!(status_code(b"HTTP/1.0 200\r\n"), Some(200));
        assert_eq!(status_code(b"HTTP/1.1 2000\r\n"), None);
        assert_eq!(status_code(b"HTTP/2 200\r\n"), None);
    }
}
