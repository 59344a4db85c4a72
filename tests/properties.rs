//! Property tests: signing against an independent reference (a small SHA-1,
//! HMAC and base64 written here from the specs, sharing no code with the
//! library), and arbitrary input at the C ABI.

use std::ffi::{CStr, CString};
use std::os::raw::c_char;
use std::ptr;

use mimecast::ffi::*;
use mimecast::{Api1Keys, Client, Options};
use proptest::prelude::*;

/// FIPS 180-4 SHA-1.
fn sha1(data: &[u8]) -> [u8; 20] {
    let mut h: [u32; 5] = [0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0];
    let mut msg = data.to_vec();
    let bit_len = (data.len() as u64) * 8;
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&bit_len.to_be_bytes());
    for block in msg.chunks(64) {
        let mut w = [0u32; 80];
        for i in 0..16 {
            w[i] = u32::from_be_bytes([
                block[4 * i],
                block[4 * i + 1],
                block[4 * i + 2],
                block[4 * i + 3],
            ]);
        }
        for i in 16..80 {
            w[i] = (w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]).rotate_left(1);
        }
        let [mut a, mut b, mut c, mut d, mut e] = h;
        for (i, wi) in w.iter().enumerate() {
            let (f, k) = match i {
                0..=19 => ((b & c) | (!b & d), 0x5A827999),
                20..=39 => (b ^ c ^ d, 0x6ED9EBA1),
                40..=59 => ((b & c) | (b & d) | (c & d), 0x8F1BBCDC),
                _ => (b ^ c ^ d, 0xCA62C1D6),
            };
            let t = a
                .rotate_left(5)
                .wrapping_add(f)
                .wrapping_add(e)
                .wrapping_add(k)
                .wrapping_add(*wi);
            e = d;
            d = c;
            c = b.rotate_left(30);
            b = a;
            a = t;
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d, e]) {
            *x = x.wrapping_add(y);
        }
    }
    let mut out = [0u8; 20];
    for (i, x) in h.iter().enumerate() {
        out[4 * i..4 * i + 4].copy_from_slice(&x.to_be_bytes());
    }
    out
}

/// RFC 2104 HMAC with SHA-1.
fn hmac_sha1(key: &[u8], msg: &[u8]) -> [u8; 20] {
    let mut k = [0u8; 64];
    if key.len() > 64 {
        k[..20].copy_from_slice(&sha1(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let inner: Vec<u8> = k
        .iter()
        .map(|b| b ^ 0x36)
        .chain(msg.iter().copied())
        .collect();
    let outer: Vec<u8> = k.iter().map(|b| b ^ 0x5c).chain(sha1(&inner)).collect();
    sha1(&outer)
}

/// RFC 4648 base64 with padding.
fn b64(data: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[test]
fn reference_matches_known_answers() {
    // RFC 2202 test case 2 and a FIPS 180 vector keep the reference honest.
    assert_eq!(
        b64(&hmac_sha1(b"Jefe", b"what do ya want for nothing?")),
        "7/zfauXrL6LSdBbV8YTfnCWafHk="
    );
    assert_eq!(b64(&sha1(b"abc")), "qZk+NkcGgWq6PiVxeFDCbJzQ2J0=");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn signing_matches_the_reference(
        secret in proptest::collection::vec(any::<u8>(), 1..120),
        app_key in "[^\\s\\x00-\\x1f\\x7f-\\x9f]{1,40}",
        access_key in "[A-Za-z0-9_-]{1,80}",
        path in "/[A-Za-z0-9/_.-]{0,60}",
        seconds in 0u64..4_102_444_800,
        request_id in "[A-Za-z0-9{}-]{1,40}",
    ) {
        // Dot segments are refused (they are not what the server acts on).
        prop_assume!(!path.split('/').any(|s| s == "." || s == ".."));
        let date = httpdate::fmt_http_date(std::time::UNIX_EPOCH + std::time::Duration::from_secs(seconds)).replace("GMT", "UTC");
        let secret_b64 = b64(&secret);
        let keys = Api1Keys { app_id: "app", app_key: &app_key, access_key: &access_key, secret_key: &secret_b64 };
        let client = Client::new_api1("eu", keys, &Options::default()).unwrap();
        let h = client.sign(&path, Some(&date), Some(&request_id)).unwrap();
        let data = format!("{date}:{request_id}:{path}:{app_key}");
        let expected = format!("MC {access_key}:{}", b64(&hmac_sha1(&secret, data.as_bytes())));
        prop_assert_eq!(h.authorization, expected);
    }

    #[test]
    fn arbitrary_bytes_at_the_abi_give_a_status_not_a_crash(
        args in proptest::collection::vec(proptest::collection::vec(1u8..=255, 0..64), 5),
        path in proptest::collection::vec(1u8..=255, 0..64),
    ) {
        let c: Vec<CString> = args.into_iter().map(|a| CString::new(a).unwrap()).collect();
        let sentinel = 0x1 as *mut mc_client;
        let mut out = sentinel;
        let status = unsafe { mc_client_new(c[0].as_ptr(), c[1].as_ptr(), c[2].as_ptr(), c[3].as_ptr(), c[4].as_ptr(), ptr::null(), &mut out) };
        if status == mc_status::Ok {
            let path = CString::new(path).unwrap();
            let mut headers: *mut mc_signed_headers = ptr::null_mut();
            let s = unsafe { mc_sign(out, path.as_ptr(), ptr::null(), ptr::null(), &mut headers) };
            prop_assert_eq!(s == mc_status::Ok, !headers.is_null());
            unsafe { mc_signed_headers_free(headers); mc_client_free(out) };
        } else {
            prop_assert_eq!(out, sentinel, "output written on failure");
            let msg = unsafe { CStr::from_ptr(mc_last_error_message()) }.to_string_lossy().into_owned();
            prop_assert!(!msg.is_empty());
            prop_assert_eq!(mc_last_error_status(), status);
            // The secret argument never shows up in the message.
            let secret = c[4].to_string_lossy();
            if secret.trim().len() > 3 {
                prop_assert!(!msg.contains(secret.trim()), "secret in {}", msg);
            }
        }
    }
}

#[test]
fn null_and_non_utf8_arguments_are_invalid_arguments() {
    let ok = CString::new("eu").unwrap();
    let key = CString::new("AAAA").unwrap();
    let bad = CString::new(vec![0xff, 0xfe]).unwrap();
    let mut out: *mut mc_client = ptr::null_mut();
    let args: [*const c_char; 5] = [
        ok.as_ptr(),
        key.as_ptr(),
        key.as_ptr(),
        key.as_ptr(),
        key.as_ptr(),
    ];
    for i in 0..5 {
        for replacement in [ptr::null(), bad.as_ptr()] {
            let mut a = args;
            a[i] = replacement;
            let s = unsafe { mc_client_new(a[0], a[1], a[2], a[3], a[4], ptr::null(), &mut out) };
            assert_eq!(s, mc_status::InvalidArgument, "argument {i}");
            assert!(out.is_null());
        }
    }
    let s = unsafe {
        mc_client_new(
            args[0],
            args[1],
            args[2],
            args[3],
            args[4],
            ptr::null(),
            ptr::null_mut(),
        )
    };
    assert_eq!(s, mc_status::InvalidArgument);
}
