//! Rust side of the libmimecast benchmarks (driven by bench/run.sh).
//!
//!   mimecast-bench sign  ITERS REPS         Client::sign vs bare HMAC-SHA1
//!   mimecast-bench rt    URL ITERS REPS     Client::get_account vs raw keep-alive TCP client
//!   mimecast-bench conc  URL SECONDS REPS   one Arc<Client> from 1, 2, 4, 8 threads
//!
//! Every result is one JSON line on stdout: {"id", "unit", "median", "reps", "iters"}.

use std::hint::black_box;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use hmac::{Hmac, Mac};
use mimecast::{Api1Keys, Client, Options, ProxySetting};
use sha1::Sha1;

type HmacSha1 = Hmac<Sha1>;

// The same fake keys in every language's benchmark (bench/keys.env).
const APP_ID: &str = "8a2b4c6d-1111-2222-3333-444455556666";
const APP_KEY: &str = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
const ACCESS_KEY: &str = "mYtOL3XZCOwG96BOiFTZRmMZWGxC9rxbKz2a8wnm5Sq0GqPqRX9ngf0LqH8B9TjKbmRvW5lWyIg2Ef8s2hfb7";
const SECRET_KEY: &str =
    "KTOlJxBehyd0JB1BfzT7pODzo3byUZwHbz8Ssjaz+298Gy9171VwGT+fbIW9GKIf3iYfaTDbsI5BxkSUY93twg==";
const DATE: &str = "Tue, 24 Nov 2015 12:50:11 UTC";
const REQ_ID: &str = "5a2a0e0c-5b1b-4c6f-9e0e-3f1b8a7d2c11";
const PATH: &str = "/api/account/get-account";

fn keys() -> Api1Keys<'static> {
    Api1Keys {
        app_id: APP_ID,
        app_key: APP_KEY,
        access_key: ACCESS_KEY,
        secret_key: SECRET_KEY,
    }
}

fn options() -> Options {
    Options {
        proxy: ProxySetting::None,
        ..Options::default()
    }
}

fn median(v: &[f64]) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let n = s.len();
    if n % 2 == 1 {
        s[n / 2]
    } else {
        (s[n / 2 - 1] + s[n / 2]) / 2.0
    }
}

fn emit(id: &str, unit: &str, reps: &[f64], iters: u64) {
    let list: Vec<String> = reps.iter().map(|r| format!("{r:.1}")).collect();
    println!(
        "{{\"id\":\"{id}\",\"unit\":\"{unit}\",\"median\":{:.1},\"reps\":[{}],\"iters\":{iters}}}",
        median(reps),
        list.join(",")
    );
}

/// Warm-up (a tenth of `iters`), then `reps` timed runs of `iters` calls: ns per call.
fn measure(id: &str, iters: u64, reps: usize, mut f: impl FnMut()) {
    for _ in 0..(iters / 10).max(1) {
        f();
    }
    let mut out = Vec::new();
    for _ in 0..reps {
        let t = Instant::now();
        for _ in 0..iters {
            f();
        }
        out.push(t.elapsed().as_nanos() as f64 / iters as f64);
    }
    emit(id, "ns/op", &out, iters);
}

fn sign(iters: u64, reps: usize) {
    let client = Client::new_api1("https://eu-api.mimecast.com", keys(), &options()).unwrap();
    measure("rust.sign.fixed", iters, reps, || {
        black_box(client.sign(black_box(PATH), Some(DATE), Some(REQ_ID)).unwrap());
    });
    measure("rust.sign.generated", iters, reps, || {
        black_box(client.sign(black_box(PATH), None, None).unwrap());
    });
    // The floor: HMAC-SHA1 over exactly the bytes the library signs.
    let key = base64::decode(SECRET_KEY).unwrap();
    let data = format!("{DATE}:{REQ_ID}:{PATH}:{APP_KEY}");
    measure("rust.floor.hmac", iters, reps, || {
        let mut m = HmacSha1::new_from_slice(black_box(&key)).unwrap();
        m.update(black_box(data.as_bytes()));
        black_box(m.finalize().into_bytes());
    });
    let keyed = HmacSha1::new_from_slice(&key).unwrap();
    measure("rust.floor.hmac_prekeyed", iters, reps, || {
        let mut m = black_box(&keyed).clone();
        m.update(black_box(data.as_bytes()));
        black_box(m.finalize().into_bytes());
    });
    measure("rust.floor.hmac_prekeyed_b64", iters, reps, || {
        let mut m = black_box(&keyed).clone();
        m.update(black_box(data.as_bytes()));
        black_box(base64::encode(m.finalize().into_bytes()));
    });
}

/// Reads one HTTP/1.1 response (headers + Content-Length body) into `buf`.
fn read_response(s: &mut TcpStream, buf: &mut Vec<u8>) -> usize {
    buf.clear();
    let mut chunk = [0u8; 16384];
    let mut header_end = None;
    let mut content_length = 0usize;
    loop {
        let n = s.read(&mut chunk).expect("read");
        assert!(n > 0, "server closed the connection");
        buf.extend_from_slice(&chunk[..n]);
        if header_end.is_none() {
            if let Some(p) = find(buf, b"\r\n\r\n") {
                header_end = Some(p + 4);
                let head = std::str::from_utf8(&buf[..p]).unwrap().to_ascii_lowercase();
                for line in head.split("\r\n") {
                    if let Some(v) = line.strip_prefix("content-length:") {
                        content_length = v.trim().parse().unwrap();
                    }
                }
            }
        }
        if let Some(h) = header_end {
            if buf.len() >= h + content_length {
                return h + content_length;
            }
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Makes one library call against a one-shot local listener and returns the
/// exact request bytes the library wrote, so the floor client sends the same.
fn capture_request(canned_response: Vec<u8>) -> Vec<u8> {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let mut buf = Vec::new();
        let mut chunk = [0u8; 16384];
        loop {
            let n = s.read(&mut chunk).unwrap();
            buf.extend_from_slice(&chunk[..n]);
            if let Some(p) = find(&buf, b"\r\n\r\n") {
                let head = std::str::from_utf8(&buf[..p]).unwrap().to_ascii_lowercase();
                let cl: usize = head
                    .split("\r\n")
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .map(|v| v.trim().parse().unwrap())
                    .unwrap_or(0);
                if buf.len() >= p + 4 + cl {
                    break;
                }
            }
        }
        s.write_all(&canned_response).unwrap();
        buf
    });
    let client = Client::new_api1(&format!("http://127.0.0.1:{port}"), keys(), &options()).unwrap();
    client.get_account().expect("capture call");
    server.join().unwrap()
}

fn rt(url: &str, iters: u64, reps: usize) {
    let addr = url.trim_start_matches("http://").trim_end_matches('/').to_owned();
    let client = Client::new_api1(url, keys(), &options()).unwrap();
    let account = client.get_account().expect("get_account against the bench server");
    assert!(account.account_code.is_some());
    measure("rust.rt.lib", iters, reps, || {
        black_box(client.get_account().unwrap());
    });

    // Floor: a minimal keep-alive client writing the library's own request bytes.
    let mut s = TcpStream::connect(&addr).unwrap();
    s.set_nodelay(true).unwrap();
    let probe = format!(
        "POST {PATH} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{{\"data\":[]}}"
    );
    s.write_all(probe.as_bytes()).unwrap();
    let mut buf = Vec::new();
    let n = read_response(&mut s, &mut buf);
    let canned = buf[..n].to_vec();
    let captured = capture_request(canned);
    // Point the Host header at the bench server (the capture listener had another port).
    let text = String::from_utf8(captured).unwrap();
    let request: String = text
        .split_inclusive("\r\n")
        .map(|l| {
            if l.to_ascii_lowercase().starts_with("host:") {
                format!("Host: {addr}\r\n")
            } else {
                l.to_owned()
            }
        })
        .collect();
    eprintln!(
        "floor request ({} bytes):\n{}",
        request.len(),
        request
            .lines()
            .map(|l| if l.starts_with("Authorization") { "Authorization: MC <redacted>" } else { l })
            .collect::<Vec<_>>()
            .join("\n")
    );
    let req = request.into_bytes();
    measure("rust.rt.floor", iters, reps, || {
        s.write_all(black_box(&req)).unwrap();
        black_box(read_response(&mut s, &mut buf));
    });
}

fn conc(url: &str, secs: f64, reps: usize) {
    let client = Arc::new(Client::new_api1(url, keys(), &options()).unwrap());
    client.get_account().expect("get_account against the bench server");
    for threads in [1usize, 2, 4, 8] {
        let mut out = Vec::new();
        for rep in 0..=reps {
            let barrier = Arc::new(Barrier::new(threads + 1));
            let handles: Vec<_> = (0..threads)
                .map(|_| {
                    let c = Arc::clone(&client);
                    let b = Arc::clone(&barrier);
                    std::thread::spawn(move || {
                        b.wait();
                        let end = Instant::now() + Duration::from_secs_f64(secs);
                        let mut n = 0u64;
                        while Instant::now() < end {
                            c.get_account().unwrap();
                            n += 1;
                        }
                        n
                    })
                })
                .collect();
            barrier.wait();
            let t = Instant::now();
            let total: u64 = handles.into_iter().map(|h| h.join().unwrap()).sum();
            let rate = total as f64 / t.elapsed().as_secs_f64();
            if rep > 0 {
                out.push(rate); // rep 0 is the warm-up (opens the extra connections)
            }
        }
        emit(&format!("rust.conc.t{threads}"), "req/s", &out, 0);
    }
}

fn main() {
    let a: Vec<String> = std::env::args().collect();
    match a.get(1).map(String::as_str) {
        Some("sign") => sign(a[2].parse().unwrap(), a[3].parse().unwrap()),
        Some("rt") => rt(&a[2], a[3].parse().unwrap(), a[4].parse().unwrap()),
        Some("conc") => conc(&a[2], a[3].parse().unwrap(), a[4].parse().unwrap()),
        _ => {
            eprintln!("usage: mimecast-bench sign ITERS REPS | rt URL ITERS REPS | conc URL SECONDS REPS");
            std::process::exit(2);
        }
    }
}
