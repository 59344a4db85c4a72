//! Issue 10 item 11: once a client is freed, none of its credentials is
//! left in the process's writable memory (heap, anonymous mappings, thread
//! stacks). The scan reads /proc/self/mem, so it runs on Linux only; it is
//! its own test binary so that no other test's keys are in memory.

#![cfg(target_os = "linux")]

mod common;

use std::fs::File;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::os::unix::fs::FileExt;

use common::Emulator;
use mimecast::{Api1Keys, Client, Options, ProxySetting};

/// A secret kept only masked, so that the scan never finds the test's own
/// copy.
struct Needle {
    name: &'static str,
    masked: Vec<u8>,
}

const MASK: u8 = 0xA5;

impl Needle {
    fn new(name: &'static str, secret: &[u8]) -> Needle {
        Needle {
            name,
            masked: secret.iter().map(|b| b ^ MASK).collect(),
        }
    }

    fn count_in(&self, hay: &[u8]) -> usize {
        let n = &self.masked;
        let first = n[0] ^ MASK;
        let mut count = 0;
        let mut at = 0;
        // A plain loop, fast enough unoptimised (`cargo test`) and
        // optimised (`cargo test --release`, as `make test-rust` also runs it).
        while at + n.len() <= hay.len() {
            match memchr(first, &hay[at..hay.len() - n.len() + 1]) {
                None => break,
                Some(i) => {
                    let start = at + i;
                    let mut k = 1;
                    while k < n.len() && hay[start + k] == n[k] ^ MASK {
                        k += 1;
                    }
                    if k == n.len() {
                        count += 1;
                    }
                    at = start + 1;
                }
            }
        }
        count
    }
}

fn memchr(byte: u8, hay: &[u8]) -> Option<usize> {
    // SAFETY: libc's memchr reads within the slice.
    let p = unsafe { libc::memchr(hay.as_ptr() as *const libc::c_void, byte as i32, hay.len()) };
    if p.is_null() {
        None
    } else {
        Some(p as usize - hay.as_ptr() as usize)
    }
}

/// Every writable private mapping: heap, anonymous memory, stacks.
fn writable_regions() -> Vec<(u64, u64, String)> {
    let mut maps = String::new();
    File::open("/proc/self/maps")
        .unwrap()
        .read_to_string(&mut maps)
        .unwrap();
    maps.lines()
        .filter_map(|line| {
            let mut parts = line.split_whitespace();
            let range = parts.next()?;
            let perms = parts.next()?;
            let path = parts.nth(3).unwrap_or("").to_owned();
            if !perms.starts_with("rw") || path.starts_with("[v") {
                return None;
            }
            // File-backed writable data (.data of the test binary) holds
            // the test's constants; the library keeps nothing there.
            if path.starts_with('/') {
                return None;
            }
            let (a, b) = range.split_once('-')?;
            Some((
                u64::from_str_radix(a, 16).ok()?,
                u64::from_str_radix(b, 16).ok()?,
                path,
            ))
        })
        .collect()
}

fn scan(needles: &[Needle]) -> Vec<(&'static str, usize, String)> {
    let mem = File::open("/proc/self/mem").unwrap();
    let mut found = Vec::new();
    // The scan buffer is a mapping of its own (not heap, which malloc may
    // place inside a region being scanned), skipped by the scan.
    let size = 1 << 20;
    // SAFETY: a fresh private anonymous mapping, unmapped below.
    let base = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            size,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        )
    };
    assert_ne!(base, libc::MAP_FAILED);
    // SAFETY: the mapping is `size` bytes, readable and writable.
    let buffer = unsafe { std::slice::from_raw_parts_mut(base as *mut u8, size) };
    let own = base as u64;
    for (start, end, path) in writable_regions() {
        if (start..end).contains(&own) {
            continue;
        }
        let mut at = start;
        while at < end {
            // Overlap chunks so a secret across a boundary is still seen.
            let len = ((end - at) as usize).min(buffer.len());
            let n = match mem.read_at(&mut buffer[..len], at) {
                Ok(n) if n > 0 => n,
                _ => break,
            };
            for needle in needles {
                let hits = needle.count_in(&buffer[..n]);
                if hits > 0 {
                    found.push((needle.name, hits, format!("{path} at {at:#x}")));
                }
            }
            if n < len {
                break;
            }
            at += (n as u64).saturating_sub(256).max(1);
        }
    }
    // SAFETY: unmaps the mapping made above; `buffer` is not used again.
    unsafe { libc::munmap(base, size) };
    found
}

fn issued_tokens(emu: &Emulator) -> Vec<Needle> {
    let port = emu.base_url.rsplit(':').next().unwrap().to_owned();
    let mut s = TcpStream::connect(format!("127.0.0.1:{port}")).unwrap();
    write!(
        s,
        "GET /_emulator/tokens HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = Vec::new();
    s.read_to_end(&mut answer).unwrap();
    let body = answer
        .split(|&b| b == b'[')
        .nth(1)
        .unwrap_or_default()
        .to_vec();
    let tokens: Vec<Needle> = body
        .split(|&b| b == b'"')
        .filter(|t| t.len() > 20)
        .map(|t| Needle::new("bearer token", t))
        .collect();
    // Wipe the plain copies before the scan.
    for b in answer.iter_mut() {
        unsafe { std::ptr::write_volatile(b, 0) };
    }
    tokens
}

/// The emulator's keys, read here rather than through tests/common (which
/// keeps them for the whole run): every plain copy this test makes is freed,
/// and so zeroed, before the scan.
fn with_keys<T>(use_keys: impl FnOnce(&[&str; 6]) -> T) -> T {
    let keys = common::shared("emulator-keys.json");
    let k = |name: &str| keys["keys"][name].as_str().unwrap().to_owned();
    let plain = [
        k("app_id"),
        k("app_key"),
        k("access_key"),
        k("secret_key"),
        k("client_id"),
        k("client_secret"),
    ];
    let refs = [
        plain[0].as_str(),
        plain[1].as_str(),
        plain[2].as_str(),
        plain[3].as_str(),
        plain[4].as_str(),
        plain[5].as_str(),
    ];
    use_keys(&refs)
}

#[test]
fn freed_clients_leave_no_credentials_in_memory() {
    let emu = Emulator::start(&[]);
    let options = Options {
        proxy: ProxySetting::None,
        ..Options::default()
    };
    let mut needles = with_keys(
        |[app_id, app_key, access_key, secret_key, client_id, client_secret]| {
            let c = Client::new_api1(
                &emu.base_url,
                Api1Keys {
                    app_id,
                    app_key,
                    access_key,
                    secret_key,
                },
                &options,
            )
            .unwrap();
            c.get_account().unwrap();
            c.request("/api/directory/find-groups", None).unwrap();
            c.sign("/api/x", None, None).unwrap();
            for page in c.pages("/api/audit/get-audit-events", None, 50) {
                page.unwrap();
            }
            let o =
                Client::new_api2(Some(&emu.base_url), client_id, client_secret, &options).unwrap();
            o.get_account().unwrap();
            o.request("/api/directory/find-groups", None).unwrap();
            vec![
                Needle::new("access key", access_key.as_bytes()),
                Needle::new("secret key", secret_key.as_bytes()),
                Needle::new("application key", app_key.as_bytes()),
                Needle::new("client secret", client_secret.as_bytes()),
            ]
        },
    );
    let tokens = issued_tokens(&emu);
    assert!(!tokens.is_empty(), "the emulator issued a token");
    needles.extend(tokens);
    let found = scan(&needles);
    assert!(found.is_empty(), "credentials left in memory: {found:?}");

    // The scan can find what is there: a live copy of each is found.
    let live: Vec<Vec<u8>> = needles
        .iter()
        .map(|n| n.masked.iter().map(|b| b ^ MASK).collect())
        .collect();
    let seen = scan(&needles);
    assert!(
        needles
            .iter()
            .all(|n| seen.iter().any(|(name, _, _)| *name == n.name)),
        "the scan misses live copies: {seen:?}"
    );
    drop(live);
}
