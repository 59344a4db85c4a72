//! Issue 16 item 1: a cancelled call returns MC_STATUS_CANCELLED promptly
//! in every phase, against servers that hold each phase open. Bounds are
//! generous (a loaded machine must not fail them); the measured latency of
//! each phase is printed (`cargo test --test cancel -- --nocapture`).

#[path = "common/raw.rs"]
mod raw;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mimecast::{Api1Keys, Call, Cancel, Client, Options, ProxySetting, RetryPolicy, Status};
use raw::{envelope, RawServer};

const KEYS: Api1Keys<'static> = Api1Keys {
    app_id: "app",
    app_key: "key",
    access_key: "access",
    secret_key: "c2VjcmV0",
};

/// Generous: the target is 100 ms; CI machines can be slow.
const BOUND: Duration = Duration::from_millis(1500);

fn options() -> Options {
    Options {
        timeout: Duration::from_secs(30),
        connect_timeout: Duration::from_secs(30),
        proxy: ProxySetting::None,
        retry: RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        },
        ..Options::default()
    }
}

/// Runs `call` with a flag attached and raises it after `after`; returns the
/// status and how long after the cancel the call returned.
fn cancelled<T: std::fmt::Debug>(
    phase: &str,
    after: Duration,
    call: impl FnOnce() -> mimecast::Result<T>,
) -> Duration {
    let cancel = Cancel::new();
    let _attached = cancel.attach();
    let raised_at = Arc::new(Mutex::new(None::<Instant>));
    let (c, r) = (cancel.clone(), raised_at.clone());
    let raiser = std::thread::spawn(move || {
        std::thread::sleep(after);
        *r.lock().unwrap() = Some(Instant::now());
        c.cancel();
    });
    let result = call();
    let returned = Instant::now();
    raiser.join().unwrap();
    let raised = raised_at
        .lock()
        .unwrap()
        .expect("the cancel was raised before the call returned");
    let e = result.expect_err("the call was cancelled");
    assert_eq!(e.status(), Status::Cancelled, "{phase}: {e:?}");
    let latency = returned.saturating_duration_since(raised);
    eprintln!("cancel latency, {phase}: {} ms", latency.as_millis());
    assert!(latency < BOUND, "{phase}: {latency:?}");
    latency
}

#[cfg(unix)]
#[test]
fn while_connecting() {
    // A listener with a full backlog: connect() hangs.
    let (base, _hold) = full_backlog();
    let c = Client::new_api1(&base, KEYS, &options()).unwrap();
    cancelled("connect", Duration::from_millis(300), || c.get_account());
}

#[cfg(unix)]
fn full_backlog() -> (String, Vec<std::net::TcpStream>) {
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
    let addr = listener.local_addr().unwrap();
    let mut held = Vec::new();
    for _ in 0..8 {
        match std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(200)) {
            Ok(s) => held.push(s),
            Err(_) => {
                std::mem::forget(listener);
                return (format!("http://{addr}"), held);
            }
        }
    }
    panic!("a listener with a full backlog should make connect() hang");
}

#[test]
fn in_the_proxy_tunnel() {
    let proxy = RawServer::start(|mut conn| {
        conn.read_request();
        std::thread::sleep(Duration::from_secs(20));
    });
    let o = Options {
        proxy: ProxySetting::Url(proxy.base_url.clone()),
        ..options()
    };
    let c = Client::new_api1("https://eu-api.mimecast.com", KEYS, &o).unwrap();
    cancelled("proxy tunnel", Duration::from_millis(300), || {
        c.get_account()
    });
}

#[test]
fn in_the_tls_handshake() {
    // Accepts TCP, never answers the ClientHello.
    let server = RawServer::start(|conn| {
        let _keep = conn;
        std::thread::sleep(Duration::from_secs(20));
    });
    let port = server.base_url.rsplit(':').next().unwrap().to_owned();
    let c = Client::new_api1(&format!("https://localhost:{port}"), KEYS, &options()).unwrap();
    cancelled("TLS handshake", Duration::from_millis(300), || {
        c.get_account()
    });
}

#[test]
fn while_sending() {
    // Never reads: a large body fills the socket buffers.
    let server = RawServer::start(|conn| {
        let _keep = conn;
        std::thread::sleep(Duration::from_secs(20));
    });
    let c = Client::new_api1(&server.base_url, KEYS, &options()).unwrap();
    let mut call = Call::new("POST", "/api/upload").unwrap();
    let big = vec![b'x'; 30 * 1024 * 1024];
    call.body("application/octet-stream", &big).unwrap();
    cancelled("sending", Duration::from_millis(500), || c.send(&call));
}

#[test]
fn waiting_for_the_answer() {
    let server = RawServer::start(|mut conn| {
        conn.read_request();
        std::thread::sleep(Duration::from_secs(20));
    });
    let c = Client::new_api1(&server.base_url, KEYS, &options()).unwrap();
    cancelled("waiting", Duration::from_millis(300), || c.get_account());
}

#[test]
fn reading_the_body() {
    let server = RawServer::start(|mut conn| {
        conn.read_request();
        conn.send(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n{");
        for _ in 0..200 {
            std::thread::sleep(Duration::from_millis(100));
            if !conn.send(b" ") {
                return;
            }
        }
    });
    let c = Client::new_api1(&server.base_url, KEYS, &options()).unwrap();
    cancelled("reading the body", Duration::from_millis(400), || {
        c.get_account()
    });
}

#[test]
fn during_a_retry_back_off() {
    let server = RawServer::start(|mut conn| {
        while conn.read_request().is_some() {
            conn.send(
                b"HTTP/1.1 429 Too Many\r\nX-RateLimit-Reset: 30000\r\nContent-Length: 2\r\n\r\n{}",
            );
        }
    });
    let o = Options {
        retry: RetryPolicy {
            max_retries: 3,
            ..RetryPolicy::default()
        },
        ..options()
    };
    let c = Client::new_api1(&server.base_url, KEYS, &o).unwrap();
    cancelled("retry back-off", Duration::from_millis(300), || {
        c.get_account()
    });
}

/// A cancelled OAuth fetch does not poison the shared token: a caller that
/// was waiting for it fetches instead and succeeds.
#[test]
fn during_an_oauth_fetch_without_poisoning_others() {
    let token_requests = Arc::new(AtomicUsize::new(0));
    let t = token_requests.clone();
    let server = RawServer::start(move |mut conn| {
        while let Some(req) = conn.read_request() {
            if req.path() == "/oauth/token" {
                if t.fetch_add(1, Ordering::SeqCst) == 0 {
                    // The first fetch hangs.
                    std::thread::sleep(Duration::from_secs(20));
                    return;
                }
                conn.send_json(200, r#"{"access_token":"T2","expires_in":1800}"#);
            } else {
                conn.send_json(200, &envelope("ok"));
            }
        }
    });
    let c = Arc::new(Client::new_api2(Some(&server.base_url), "id", "secret", &options()).unwrap());
    // Another caller arrives while the first fetch hangs, and waits for it.
    let other = {
        let c = c.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(150));
            c.request("/api/x", None)
        })
    };
    cancelled("OAuth token fetch", Duration::from_millis(400), || {
        c.request("/api/x", None)
    });
    let r = other
        .join()
        .unwrap()
        .expect("the waiting caller fetched a token itself");
    assert_eq!(r.data()[0]["marker"], "ok");
    assert_eq!(token_requests.load(Ordering::SeqCst), 2);
}

#[test]
fn a_raised_flag_stops_later_calls_at_once_and_detaching_frees_the_thread() {
    let server = RawServer::start(|mut conn| {
        while conn.read_request().is_some() {
            conn.send_json(200, &envelope("ok"));
        }
    });
    let c = Client::new_api1(&server.base_url, KEYS, &options()).unwrap();
    let cancel = Cancel::new();
    cancel.cancel();
    {
        let _attached = cancel.attach();
        assert_eq!(c.get_account().unwrap_err().status(), Status::Cancelled);
    }
    assert_eq!(server.requests(), 0);
    assert!(c.request("/api/x", None).is_ok());
}
