//! Hostile and broken servers: each test is a defect an attack run found,
//! kept fixed (the issue's item number is in the test's comment). The
//! servers are scripted raw sockets (tests/common/raw.rs) or the emulator.

#[path = "common/raw.rs"]
mod raw;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use mimecast::{Api1Keys, Client, Options, ProxySetting, RetryPolicy, Status};
use raw::{envelope, response, RawServer};

const KEYS: Api1Keys<'static> = Api1Keys {
    app_id: "app",
    app_key: "key",
    access_key: "access",
    secret_key: "c2VjcmV0",
};

fn options(timeout_ms: u64, retries: u32) -> Options {
    Options {
        timeout: Duration::from_millis(timeout_ms),
        connect_timeout: Duration::from_millis(timeout_ms),
        proxy: ProxySetting::None,
        retry: RetryPolicy {
            max_retries: retries,
            base_delay: Duration::from_millis(10),
            ..RetryPolicy::default()
        },
        ..Options::default()
    }
}

fn client(base: &str, o: &Options) -> Client {
    Client::new_api1(base, KEYS, o).unwrap()
}

fn marker(c: &Client, path: &str) -> String {
    let r = c.request(path, None).unwrap();
    r.data()[0]["marker"].as_str().unwrap().to_owned()
}

/// Item 1: a chunk-size line that never ends cannot grow memory: it is
/// refused after a bounded line, long before any limit or timeout.
#[test]
fn an_endless_chunk_size_line_is_refused_at_once() {
    let sent = Arc::new(AtomicUsize::new(0));
    let s = sent.clone();
    let server = RawServer::start(move |mut conn| {
        conn.read_request();
        conn.send(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
        let zeros = vec![b'0'; 64 * 1024];
        while conn.send(&zeros) {
            s.fetch_add(zeros.len(), Ordering::SeqCst);
            if s.load(Ordering::SeqCst) > 1 << 30 {
                break;
            }
        }
    });
    for limit in [1024, 64 * 1024 * 1024] {
        let o = Options {
            max_response_bytes: limit,
            ..options(4000, 0)
        };
        let started = Instant::now();
        let e = client(&server.base_url, &o).get_account().unwrap_err();
        assert_eq!(e.status(), Status::MalformedResponse, "{e:?}");
        assert!(e.message().contains("chunk"), "{}", e.message());
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{:?}",
            started.elapsed()
        );
    }
    // The client stopped reading: what was sent is what the socket buffers
    // hold, not a stream that ran until the timeout.
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        sent.load(Ordering::SeqCst) < 64 << 20,
        "{}",
        sent.load(Ordering::SeqCst)
    );
}

/// Item 1: valid chunks without end stop at max_response_bytes counted on
/// the connection.
#[test]
fn endless_valid_chunks_stop_at_the_limit() {
    let server = RawServer::start(|mut conn| {
        conn.read_request();
        conn.send(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
        let chunk = format!("4000\r\n{}\r\n", "x".repeat(0x4000));
        while conn.send(chunk.as_bytes()) {}
    });
    let o = Options {
        max_response_bytes: 1 << 20,
        ..options(10_000, 0)
    };
    let e = client(&server.base_url, &o).get_account().unwrap_err();
    assert_eq!(e.status(), Status::ResponseTooLarge, "{e:?}");
}

/// Item 7: interim 1xx answers before the real one are skipped.
#[test]
fn interim_answers_are_skipped() {
    let server = RawServer::start(|mut conn| {
        while conn.read_request().is_some() {
            let mut bytes = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </x>; rel=preload\r\n\r\n".to_vec();
            bytes.extend_from_slice(response(200, &envelope("final")).as_bytes());
            conn.send(&bytes);
        }
    });
    let c = client(&server.base_url, &options(3000, 0));
    assert_eq!(marker(&c, "/api/a"), "final");
    assert_eq!(marker(&c, "/api/b"), "final");
    assert_eq!(server.connections(), 1, "the connection stays usable");
}

/// Item 8: bytes a server sends after a response are never read as the
/// answer to the next request, whether they arrive with the response or
/// later, while the connection sits in the pool.
#[test]
fn stray_bytes_never_answer_the_next_request() {
    for delayed in [false, true] {
        let server = RawServer::start(move |mut conn| {
            let mut n = 0;
            while conn.read_request().is_some() {
                n += 1;
                let mut bytes =
                    response(200, &envelope(&format!("c{}r{n}", conn.index))).into_bytes();
                let stray = response(200, &envelope("STRAY"));
                if conn.index == 0 && n == 1 {
                    if delayed {
                        conn.send(&bytes);
                        std::thread::sleep(Duration::from_millis(100));
                        bytes = stray.into_bytes();
                    } else {
                        bytes.extend_from_slice(stray.as_bytes());
                    }
                }
                conn.send(&bytes);
            }
        });
        let c = client(&server.base_url, &options(3000, 0));
        assert_eq!(marker(&c, "/api/first"), "c0r1");
        std::thread::sleep(Duration::from_millis(300));
        assert_eq!(marker(&c, "/api/second"), "c1r1", "delayed: {delayed}");
        assert_eq!(server.connections(), 2);
    }
}

/// Item 18: a chunked body cut inside a chunk is a broken connection (and
/// a read is retried like one), even when what arrived is valid JSON.
#[test]
fn a_cut_chunked_body_is_a_broken_connection() {
    let server = RawServer::start(|mut conn| {
        conn.read_request();
        let body = envelope("partial");
        let bytes = format!(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n{body}",
            body.len() + 10
        );
        conn.send(bytes.as_bytes());
    });
    let e = client(&server.base_url, &options(3000, 0))
        .get_account()
        .unwrap_err();
    assert_eq!(e.status(), Status::Transport, "{e:?}");
    assert!(
        e.message().contains("before the response ended"),
        "{}",
        e.message()
    );
    let e = client(&server.base_url, &options(3000, 2))
        .get_account()
        .unwrap_err();
    assert_eq!(e.retries(), 2);
}

/// A body shorter than its Content-Length is the same broken connection.
#[test]
fn a_short_body_is_a_broken_connection() {
    let server = RawServer::start(|mut conn| {
        conn.read_request();
        let body = envelope("short");
        conn.send(
            format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}",
                body.len() + 5
            )
            .as_bytes(),
        );
    });
    let e = client(&server.base_url, &options(3000, 0))
        .get_account()
        .unwrap_err();
    assert_eq!(e.status(), Status::Transport, "{e:?}");
}

/// Heads are bounded too.
#[test]
fn endless_headers_are_refused() {
    let server = RawServer::start(|mut conn| {
        conn.read_request();
        conn.send(b"HTTP/1.1 200 OK\r\n");
        let header = format!("X-Pad: {}\r\n", "p".repeat(1000));
        while conn.send(header.as_bytes()) {}
    });
    let e = client(&server.base_url, &options(5000, 0))
        .get_account()
        .unwrap_err();
    assert_eq!(e.status(), Status::MalformedResponse, "{e:?}");
}

/// Item 23: a connection that never opens within the connect timeout is
/// retried like a refused one (nothing was sent).
#[cfg(unix)]
#[test]
fn connect_timeouts_are_retried() {
    let (base, _hold) =
        unreachable_listener().expect("a listener with a full backlog makes connect() hang");
    let o = Options {
        connect_timeout: Duration::from_millis(300),
        ..options(5000, 2)
    };
    let started = Instant::now();
    let e = client(&base, &o).get_account().unwrap_err();
    assert_eq!(e.status(), Status::Timeout, "{e:?}");
    assert!(
        e.message().contains("opening the connection"),
        "{}",
        e.message()
    );
    assert_eq!(e.retries(), 2);
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
}

/// A listener whose backlog is full: connecting to it hangs. Returns its
/// base URL and what must stay open.
#[cfg(unix)]
fn unreachable_listener() -> Option<(String, Vec<std::net::TcpStream>)> {
    use std::net::{SocketAddr, TcpStream};
    use std::os::unix::io::FromRawFd;
    // SAFETY: plain socket calls on a descriptor this function owns.
    let listener = unsafe {
        let fd = libc::socket(libc::AF_INET, libc::SOCK_STREAM, 0);
        let mut addr: libc::sockaddr_in = std::mem::zeroed();
        addr.sin_family = libc::AF_INET as libc::sa_family_t;
        addr.sin_addr.s_addr = u32::from_ne_bytes([127, 0, 0, 1]);
        let len = std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t;
        assert_eq!(
            libc::bind(fd, &addr as *const _ as *const libc::sockaddr, len),
            0
        );
        assert_eq!(libc::listen(fd, 0), 0);
        std::net::TcpListener::from_raw_fd(fd)
    };
    let addr: SocketAddr = listener.local_addr().unwrap();
    let mut held = Vec::new();
    for _ in 0..8 {
        match TcpStream::connect_timeout(&addr, Duration::from_millis(200)) {
            Ok(s) => held.push(s),
            Err(_) => {
                std::mem::forget(listener);
                return Some((format!("http://{addr}"), held));
            }
        }
    }
    None
}

/// Item 10: one API 2.0 attempt (token, request, token again after a
/// refusal, request again) fits in one timeout.
#[test]
fn an_oauth_attempt_fits_in_one_timeout() {
    let server = RawServer::start(|mut conn| {
        while let Some(req) = conn.read_request() {
            if req.path() == "/oauth/token" {
                std::thread::sleep(Duration::from_millis(800));
                conn.send_json(200, r#"{"access_token":"T","expires_in":1800}"#);
            } else {
                conn.send_json(
                    401,
                    r#"{"meta":{"status":401},"data":[],"fail":[{"errors":[{"code":"token_expired","message":"expired"}]}]}"#,
                );
            }
        }
    });
    let c = Client::new_api2(Some(&server.base_url), "id", "secret", &options(2000, 0)).unwrap();
    let started = Instant::now();
    let e = c.get_account().unwrap_err();
    let took = started.elapsed();
    // Token (0.8 s), 401, token (0.8 s), 401: 1.6 s, within the 2 s budget;
    // without the shared deadline a slower server could stretch it to 4x.
    assert!(
        matches!(e.status(), Status::Unauthorized | Status::Timeout),
        "{e:?}"
    );
    assert!(took < Duration::from_millis(3000), "{took:?}");

    let slow = RawServer::start(|mut conn| {
        while let Some(req) = conn.read_request() {
            std::thread::sleep(Duration::from_millis(1200));
            if req.path() == "/oauth/token" {
                conn.send_json(200, r#"{"access_token":"T","expires_in":1800}"#);
            } else {
                conn.send_json(401, r#"{"data":[],"fail":[{"code":"token_expired"}]}"#);
            }
        }
    });
    let c = Client::new_api2(Some(&slow.base_url), "id", "secret", &options(2000, 0)).unwrap();
    let started = Instant::now();
    let e = c.get_account().unwrap_err();
    assert_eq!(e.status(), Status::Timeout, "{e:?}");
    assert!(
        started.elapsed() < Duration::from_millis(3000),
        "{:?}",
        started.elapsed()
    );
}

/// Item 4: a hanging token endpoint does not make callers queue: each waits
/// for the one fetch in progress, up to its own deadline.
#[test]
fn callers_share_a_hanging_token_fetch() {
    let server = RawServer::start(|mut conn| {
        while let Some(_req) = conn.read_request() {
            std::thread::sleep(Duration::from_secs(20));
        }
    });
    let c = Arc::new(
        Client::new_api2(Some(&server.base_url), "id", "secret", &options(2000, 0)).unwrap(),
    );
    let started = Instant::now();
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let c = c.clone();
            std::thread::spawn(move || c.get_account().unwrap_err().status())
        })
        .collect();
    for t in threads {
        assert_eq!(t.join().unwrap(), Status::Timeout);
    }
    let took = started.elapsed();
    assert!(took < Duration::from_secs(5), "8 callers took {took:?}");
    assert_eq!(server.requests(), 1, "one token request for all");
}

/// Item 5: a loopback target never goes through a proxy from the
/// environment (the keys would leave the machine in clear text).
#[test]
fn loopback_targets_never_use_an_environment_proxy() {
    let proxy = RawServer::start(|mut conn| {
        conn.read_request();
    });
    let server = RawServer::start(|mut conn| {
        while conn.read_request().is_some() {
            conn.send_json(200, &envelope("direct"));
        }
    });
    for name in ["ALL_PROXY", "all_proxy", "http_proxy"] {
        std::env::set_var(name, &proxy.base_url);
    }
    let o = Options {
        proxy: ProxySetting::FromEnvironment,
        ..options(3000, 0)
    };
    let result = client(&server.base_url, &o).request("/api/x", None);
    for name in ["ALL_PROXY", "all_proxy", "http_proxy"] {
        std::env::remove_var(name);
    }
    assert_eq!(result.unwrap().data()[0]["marker"], "direct");
    assert_eq!(proxy.connections(), 0);
}

/// Item 21: a proxy URL long enough to fill a socket buffer is refused
/// up front (it once drove ureq into a panic that printed to stderr).
#[test]
fn absurd_proxy_urls_are_refused() {
    let o = Options {
        proxy: ProxySetting::Url(format!("http://u:{}@127.0.0.1:9", "p".repeat(1 << 20))),
        ..options(1000, 0)
    };
    let e = Client::new_api1("http://127.0.0.1:1", KEYS, &o).unwrap_err();
    assert_eq!(e.status(), Status::InvalidUrl);
    assert!(!e.message().contains("ppppp"));
}

/// Item 22: option files are read up to a cap, so a device or a huge file
/// is an I/O error, not an abort.
#[cfg(unix)]
#[test]
fn option_files_are_capped() {
    let e = Client::from_postman_file(std::path::Path::new("/dev/zero"), &options(1000, 0))
        .unwrap_err();
    assert_eq!(e.status(), Status::Io, "{e:?}");
    let o = Options {
        ca_bundle: Some("/dev/zero".into()),
        ..options(1000, 0)
    };
    let e = Client::new_api1("https://eu-api.mimecast.com", KEYS, &o).unwrap_err();
    assert_eq!(e.status(), Status::Io, "{e:?}");
}

/// Item 19: a token a header cannot carry is refused when it arrives, not
/// sent as garbage on every call.
#[test]
fn unusable_tokens_are_refused_at_the_token_response() {
    let server = RawServer::start(|mut conn| {
        while let Some(req) = conn.read_request() {
            if req.path() == "/oauth/token" {
                conn.send_json(200, r#"{"access_token":"tök\u00e9n","expires_in":1800}"#);
            } else {
                conn.send_json(200, &envelope("never"));
            }
        }
    });
    let c = Client::new_api2(Some(&server.base_url), "id", "secret", &options(2000, 0)).unwrap();
    let e = c.get_account().unwrap_err();
    assert_eq!(e.status(), Status::MalformedResponse, "{e:?}");
    assert!(e.message().contains("access_token"), "{}", e.message());
    assert_eq!(server.requests(), 1, "no API call with a bad token");
}

/// ureq 2.6 panics on a header line that has a name it reads itself and no
/// colon (`Connection`): ureq is never handed such a line (only the status
/// line and the framing headers reach it), and a header sent twice is
/// listed once per line, in order.
#[test]
fn odd_header_lines_are_skipped_and_repeated_ones_listed_once_each() {
    let server = RawServer::start(|mut conn| {
        while conn.read_request().is_some() {
            let body = r#"{"ok":true}"#;
            let head = format!(
                "HTTP/1.1 200 OK\r\nConnection\r\nSet-Cookie: a=1\r\nno colon\r\nset-cookie: b=2\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                body.len()
            );
            if !conn.send(head.as_bytes()) || !conn.send(body.as_bytes()) {
                break;
            }
        }
    });
    let c = client(&server.base_url, &options(3000, 0));
    let mut call = mimecast::Call::new("GET", "/api/v2/odd").unwrap();
    call.mode(mimecast::ResponseMode::Any);
    for _ in 0..2 {
        let r = c.send(&call).unwrap();
        assert_eq!(r.body, br#"{"ok":true}"#);
        let cookies: Vec<&str> = r
            .headers
            .iter()
            .filter(|(n, _)| n == "set-cookie")
            .map(|(_, v)| v.as_str())
            .collect();
        assert_eq!(cookies, ["a=1", "b=2"]);
        assert_eq!(r.header("content-type"), Some("application/json"));
        assert_eq!(r.header("connection"), None);
    }
    // One connection: the odd lines did not stop it from being reused.
    assert_eq!(server.connections(), 1);
}

fn any_call(path: &str) -> mimecast::Call {
    let mut call = mimecast::Call::new("GET", path).unwrap();
    call.mode(mimecast::ResponseMode::Any);
    call
}

/// A head that arrives in two pieces, split at any byte: read whole every
/// time (resuming the search for its end in the middle of a line once took
/// a split CR LF for the blank line, losing headers, the body, or reaching
/// ureq's panic), on one connection throughout.
#[test]
fn a_head_split_anywhere_is_read_whole() {
    const HEAD: &str = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nRetry-After: 1\r\nSet-Cookie: a=1\r\nConnection\r\nContent-Length: 11\r\n\r\n";
    let server = RawServer::start(|mut conn| {
        let mut split = 1;
        while conn.read_request().is_some() {
            let (first, rest) = HEAD.split_at(split.min(HEAD.len()));
            if !conn.send(first.as_bytes()) {
                break;
            }
            std::thread::sleep(Duration::from_millis(3));
            if !conn.send(format!("{rest}{{\"ok\":true}}").as_bytes()) {
                break;
            }
            split += 1;
        }
    });
    let c = client(&server.base_url, &options(3000, 0));
    let call = any_call("/api/v2/split");
    for split in 1..=HEAD.len() {
        let r = c
            .send(&call)
            .unwrap_or_else(|e| panic!("split at {split}: {e:?}"));
        assert_eq!(r.body, br#"{"ok":true}"#, "split at {split}");
        assert_eq!(r.header("retry-after"), Some("1"), "split at {split}");
        assert_eq!(r.header("set-cookie"), Some("a=1"), "split at {split}");
    }
    assert_eq!(server.connections(), 1);
}

/// ureq reads only the first Transfer-Encoding header; the connection layer
/// any of them. ureq is handed the framing the library decided, so an empty
/// one before `chunked` cannot make them read the body differently.
#[test]
fn the_body_is_framed_once_whatever_the_framing_headers_say() {
    let server = RawServer::start(|mut conn| {
        while conn.read_request().is_some() {
            let answer = "HTTP/1.1 200 OK\r\nTransfer-Encoding:\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\nb\r\n{\"ok\":true}\r\n0\r\n\r\n";
            if !conn.send(answer.as_bytes()) {
                break;
            }
        }
    });
    let c = client(&server.base_url, &options(3000, 0));
    for _ in 0..2 {
        let r = c.send(&any_call("/api/v2/te")).unwrap();
        assert_eq!(r.body, br#"{"ok":true}"#);
    }
    assert_eq!(server.connections(), 1);
}

/// A length is only a claim until the bytes arrive: announcing a terabyte
/// (under a limit a caller raised that far) allocates nothing for it up
/// front; before, the allocation failed and aborted the process.
#[test]
fn a_huge_announced_length_is_not_allocated_up_front() {
    let server = RawServer::start(|mut conn| {
        conn.read_request();
        conn.send(b"HTTP/1.1 200 OK\r\nContent-Length: 1099511627776\r\n\r\nab");
    });
    let o = Options {
        max_response_bytes: 1 << 41,
        ..options(3000, 0)
    };
    let e = client(&server.base_url, &o)
        .send(&any_call("/api/v2/huge"))
        .unwrap_err();
    assert_eq!(e.status(), Status::Transport, "{e:?}");
}

/// The connection layer writes a request's own headers into the head ureq
/// writes: each header arrives exactly once, before the blank line, and the
/// body after it byte for byte, small or larger than the send buffer.
#[test]
fn requests_carry_each_header_once_and_the_body_intact() {
    let seen: Arc<std::sync::Mutex<Vec<raw::Request>>> = Arc::default();
    let store = seen.clone();
    let server = RawServer::start(move |mut conn| {
        while let Some(request) = conn.read_request() {
            store.lock().unwrap().push(request);
            if !conn.send(response(200, &envelope("m")).as_bytes()) {
                break;
            }
        }
    });
    let c = client(&server.base_url, &options(5000, 0));
    c.get_account().unwrap();
    let body: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
    let mut put = mimecast::Call::new("PUT", "/api/v2/things").unwrap();
    put.header("X-Trace", "t1")
        .unwrap()
        .body("application/octet-stream", &body)
        .unwrap()
        .mode(mimecast::ResponseMode::Any);
    c.send(&put).unwrap();
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2);
    let signed = [
        "host",
        "user-agent",
        "accept",
        "content-length",
        "content-type",
        "authorization",
        "x-mc-date",
        "x-mc-req-id",
        "x-mc-app-id",
    ];
    for (request, extra, sent) in [
        (&seen[0], None, &br#"{"data":[]}"#[..]),
        (&seen[1], Some("x-trace"), &body[..]),
    ] {
        let names: Vec<String> = request
            .head
            .lines()
            .skip(1)
            .filter(|l| !l.is_empty())
            .map(|l| l.split(':').next().unwrap().to_ascii_lowercase())
            .collect();
        for name in signed.iter().copied().chain(extra) {
            let count = names.iter().filter(|n| *n == name).count();
            assert_eq!(count, 1, "{name} in {:?}", request.head);
        }
        assert_eq!(
            names.len(),
            signed.len() + extra.iter().count(),
            "{:?}",
            request.head
        );
        assert_eq!(request.body, sent);
    }
    let value = |request: &raw::Request, name: &str| {
        request
            .head
            .lines()
            .find_map(|l| {
                let (n, v) = l.split_once(':')?;
                n.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
            })
            .unwrap()
    };
    assert_eq!(value(&seen[0], "accept"), "application/json");
    assert_eq!(value(&seen[0], "content-type"), "application/json");
    assert_eq!(value(&seen[1], "content-type"), "application/octet-stream");
    assert_eq!(value(&seen[1], "x-trace"), "t1");
    // The second request went out on the first one's connection.
    assert_eq!(server.connections(), 1);
}

/// The user agent is written as given (by ureq): one that could end the
/// line is refused when the client is made.
#[test]
fn a_user_agent_that_could_end_its_line_is_refused() {
    for bad in ["x\n", "x\r\nX-Evil: 1", "caf\u{e9}"] {
        let o = Options {
            user_agent: bad.to_owned(),
            ..options(1000, 0)
        };
        let e = Client::new_api1("http://127.0.0.1:9", KEYS, &o).unwrap_err();
        assert_eq!(e.status(), Status::InvalidArgument, "{bad:?}");
    }
}
