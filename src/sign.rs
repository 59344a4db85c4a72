//! API 1.0 request signing: the "MC" HMAC-SHA1 scheme.
//!
//! ```text
//! data_to_sign = x-mc-date ":" x-mc-req-id ":" path ":" application_key
//! Authorization: MC {access_key}:{base64(HMAC-SHA1(base64decode(secret_key), data_to_sign))}
//! ```

use std::fmt;
use std::mem::ManuallyDrop;
use std::time::SystemTime;

use hmac::{Hmac, Mac};
use sha1::Sha1;
use zeroize::Zeroizing;

use crate::error::{Error, Result, Status};

type HmacSha1 = Hmac<Sha1>;

/// The four headers that authenticate an API 1.0 request.
#[derive(Clone, PartialEq, Eq)]
pub struct SignedHeaders {
    /// `Authorization`: `MC {access_key}:{signature}`.
    pub authorization: String,
    /// `x-mc-date`: RFC 1123 in UTC with the `UTC` suffix.
    pub date: String,
    /// `x-mc-req-id`: the request id that was signed.
    pub request_id: String,
    /// `x-mc-app-id`: the application id.
    pub app_id: String,
}

impl SignedHeaders {
    /// The headers as (name, value) pairs, in the order Mimecast documents.
    pub fn pairs(&self) -> [(&'static str, &str); 4] {
        [
            ("Authorization", &self.authorization),
            ("x-mc-date", &self.date),
            ("x-mc-req-id", &self.request_id),
            ("x-mc-app-id", &self.app_id),
        ]
    }
}

impl fmt::Debug for SignedHeaders {
    // The Authorization value carries the access key: never print it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignedHeaders")
            .field("authorization", &"MC <redacted>")
            .field("date", &self.date)
            .field("request_id", &self.request_id)
            .field("app_id", &self.app_id)
            .finish()
    }
}

/// The API 1.0 keys, validated, with the secret already turned into a keyed
/// HMAC state.
pub struct Api1Signer {
    app_id: String,
    app_key: Zeroizing<String>,
    access_key: Zeroizing<String>,
    // Keying HMAC once saves two SHA-1 blocks per signature. The keyed state
    // is as sensitive as the secret itself, so Drop wipes it.
    mac: ManuallyDrop<HmacSha1>,
}

impl Api1Signer {
    /// Validates the four keys. Surrounding whitespace (a copy-paste
    /// artefact) is ignored; anything else malformed is an error that names
    /// the key but never shows its value.
    pub fn new(app_id: &str, app_key: &str, access_key: &str, secret_key: &str) -> Result<Self> {
        let app_id = required("application id", app_id)?;
        let app_key = required("application key", app_key)?;
        let access_key = required("access key", access_key)?;
        let secret_key = required("secret key", secret_key)?;
        // The id and access key travel in headers, so they must be ASCII;
        // the application key is only hashed, so any UTF-8 is fine.
        let checks = [
            ("application id", is_header_safe(app_id)),
            ("access key", is_header_safe(access_key)),
            (
                "application key",
                app_key
                    .chars()
                    .all(|c| !c.is_whitespace() && !c.is_control()),
            ),
        ];
        for (name, ok) in checks {
            if !ok {
                return Err(Error::new(
                    Status::InvalidCredentials,
                    format!("the {name} contains spaces, control or non-ASCII characters; copy it again from the Mimecast console"),
                ));
            }
        }
        let secret = decode_secret(secret_key)?;
        let mac = HmacSha1::new_from_slice(&secret).map_err(|_| {
            Error::new(
                Status::InvalidCredentials,
                "the secret key cannot be used as an HMAC key",
            )
        })?;
        Ok(Api1Signer {
            app_id: app_id.to_owned(),
            app_key: Zeroizing::new(app_key.to_owned()),
            access_key: Zeroizing::new(access_key.to_owned()),
            mac: ManuallyDrop::new(mac),
        })
    }

    /// The application id (not a secret).
    pub fn app_id(&self) -> &str {
        &self.app_id
    }

    /// Signs a request to `path` (the path only, e.g. `/api/account/get-account`).
    /// `date` and `request_id` default to now (UTC) and a fresh random UUID;
    /// pass them to reproduce a signature.
    pub fn sign(
        &self,
        path: &str,
        date: Option<&str>,
        request_id: Option<&str>,
    ) -> Result<SignedHeaders> {
        validate_path(path)?;
        let date = match date {
            Some(d) => validate_date(header_value("date", d)?)?.to_owned(),
            None => utc_date_now(),
        };
        let request_id = match request_id {
            Some(r) => header_value("request id", r)?.to_owned(),
            None => new_request_id(),
        };
        let signature = self.signature(&date, &request_id, path);
        let mut authorization = String::with_capacity(4 + self.access_key.len() + signature.len());
        authorization.push_str("MC ");
        authorization.push_str(&self.access_key);
        authorization.push(':');
        authorization.push_str(&signature);
        Ok(SignedHeaders {
            authorization,
            date,
            request_id,
            app_id: self.app_id.clone(),
        })
    }

    fn signature(&self, date: &str, request_id: &str, path: &str) -> String {
        let mut mac = HmacSha1::clone(&self.mac);
        for part in [
            date.as_bytes(),
            b":",
            request_id.as_bytes(),
            b":",
            path.as_bytes(),
            b":",
            self.app_key.as_bytes(),
        ] {
            mac.update(part);
        }
        base64::encode(mac.finalize().into_bytes())
    }
}

impl Drop for Api1Signer {
    fn drop(&mut self) {
        // SAFETY: HmacSha1 is plain data (hash states and a block buffer, no
        // heap pointers and no Drop glue), so overwriting it with zeros and
        // never dropping it is sound. Volatile writes keep the wipe from
        // being optimised away.
        unsafe {
            let ptr = &mut *self.mac as *mut HmacSha1 as *mut u8;
            for i in 0..std::mem::size_of::<HmacSha1>() {
                std::ptr::write_volatile(ptr.add(i), 0);
            }
        }
    }
}

impl fmt::Debug for Api1Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Api1Signer")
            .field("app_id", &self.app_id)
            .field("app_key", &"<redacted>")
            .field("access_key", &"<redacted>")
            .field("secret_key", &"<redacted>")
            .finish()
    }
}

/// The current time as Mimecast wants it: `Tue, 24 Nov 2015 12:50:11 UTC`.
/// Formatted once a second per thread: signing is a hot path.
pub fn utc_date_now() -> String {
    thread_local! {
        static LAST: std::cell::RefCell<(u64, String)> =
            const { std::cell::RefCell::new((u64::MAX, String::new())) };
    }
    let now = SystemTime::now();
    let second = now
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    LAST.with(|last| {
        let mut last = last.borrow_mut();
        if last.0 != second {
            let mut date = httpdate::fmt_http_date(now);
            // httpdate writes RFC 7231's "GMT"; every current Mimecast sample
            // sends "UTC".
            if date.ends_with("GMT") {
                date.truncate(date.len() - 3);
                date.push_str("UTC");
            }
            *last = (second, date);
        }
        last.1.clone()
    })
}

/// A fresh request id in the form of a random (version 4) UUID. Mimecast
/// needs it unique per request, not secret: 128 bits from SipHash under
/// keys the standard library draws from the OS once per thread (and steps
/// on every use), which costs no system call per request.
pub fn new_request_id() -> String {
    use std::collections::hash_map::RandomState;
    use std::hash::{BuildHasher, Hasher};
    let word = |salt: u64| {
        let mut h = RandomState::new().build_hasher();
        h.write_u64(salt);
        h.finish()
    };
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&word(0x6d63_7265_7169_6430).to_le_bytes());
    bytes[8..].copy_from_slice(&word(0x6d63_7265_7169_6431).to_le_bytes());
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .hyphenated()
        .to_string()
}

/// A caller-supplied date must be what Mimecast checks: RFC 1123 in UTC with
/// the `UTC` suffix. Local times, `GMT` and other formats are the signing
/// bugs public clients are known for, so they are refused here.
fn validate_date(date: &str) -> Result<&str> {
    let as_gmt = date.strip_suffix(" UTC").map(|d| format!("{d} GMT"));
    let parsed = as_gmt.as_deref().map(httpdate::parse_http_date);
    // httpdate also accepts RFC 850 and asctime: require the exact RFC 1123 shape.
    match parsed {
        Some(Ok(t)) if date.len() == 29 && httpdate::fmt_http_date(t) == as_gmt.unwrap_or_default() => Ok(date),
        _ => Err(Error::invalid_argument(
            "the date must be RFC 1123 in UTC with the UTC suffix, for example 'Tue, 24 Nov 2015 12:50:11 UTC'",
        )),
    }
}

/// Decodes the base64 secret key. The error never includes the key or the
/// offending byte: both would leak part of the secret.
pub fn decode_secret(secret_key: &str) -> Result<Zeroizing<Vec<u8>>> {
    let secret_key = secret_key.trim();
    // The decoder tolerates missing padding; Mimecast's keys are always
    // padded, so a length that is not a multiple of 4 is a truncated key.
    let padded = if secret_key.len() % 4 == 0 {
        secret_key
    } else {
        "!"
    };
    let decoded = base64::decode_config(padded, base64::STANDARD)
        .map(Zeroizing::new)
        .map_err(|_| {
            Error::new(
                Status::InvalidCredentials,
                "the secret key is not valid base64 (standard alphabet, with padding); copy it again from the Mimecast console",
            )
        })?;
    if decoded.is_empty() {
        return Err(Error::new(
            Status::InvalidCredentials,
            "the secret key decodes to zero bytes",
        ));
    }
    Ok(decoded)
}

pub(crate) fn required<'a>(name: &str, value: &'a str) -> Result<&'a str> {
    let value = value.trim();
    if value.is_empty() {
        return Err(Error::invalid_argument(format!("the {name} is empty")));
    }
    Ok(value)
}

/// Header values travel as ASCII: anything else is refused up front rather
/// than by the HTTP layer after the request is built.
fn is_header_safe(value: &str) -> bool {
    value.bytes().all(|b| b.is_ascii_graphic())
}

fn header_value<'a>(name: &str, value: &'a str) -> Result<&'a str> {
    if value.is_empty() {
        return Err(Error::invalid_argument(format!("the {name} is empty")));
    }
    if !value.bytes().all(|b| b == b' ' || b.is_ascii_graphic()) {
        return Err(Error::invalid_argument(format!(
            "the {name} must be printable ASCII (a header value cannot hold CR, LF or other bytes)"
        )));
    }
    Ok(value)
}

/// The request path must be a path, not a URL: signing the full URL is a
/// classic client bug that Mimecast answers with "0004 Invalid Signature".
pub(crate) fn validate_path(path: &str) -> Result<()> {
    // The common path (letters, digits, '-', '_', '/') needs none of the
    // checks below: one pass settles it (this runs twice per request).
    if path.starts_with('/')
        && path
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'_'))
    {
        return Ok(());
    }
    if path.is_empty() {
        return Err(Error::invalid_argument("the request path is empty"));
    }
    if path.as_bytes().windows(3).any(|w| w == b"://") {
        return Err(Error::invalid_argument(
            "the request path is a full URL; pass only the path, for example /api/account/get-account",
        ));
    }
    if !path.starts_with('/') {
        return Err(Error::invalid_argument(
            "the request path must start with '/', for example /api/account/get-account",
        ));
    }
    if path.contains('?') || path.contains('#') {
        return Err(Error::invalid_argument(
            "the request path must not carry a query string or fragment: Mimecast signs the path only and takes parameters in the JSON body",
        ));
    }
    if path.bytes().any(|b| b <= 0x20 || b == 0x7f) {
        return Err(Error::invalid_argument(
            "the request path contains spaces or control characters",
        ));
    }
    // A path is signed as written, so it must also be what the server acts
    // on: dot segments (however encoded) and backslashes are resolved by
    // servers and proxies, and /api/../oauth/token is not /api/....
    if path.contains('\\')
        || path
            .as_bytes()
            .windows(3)
            .any(|w| w.eq_ignore_ascii_case(b"%5c"))
    {
        return Err(Error::invalid_argument(
            "the request path contains a backslash",
        ));
    }
    if path.split('/').any(is_dot_segment) {
        return Err(Error::invalid_argument(
            "the request path contains a '.' or '..' segment; give the path the server should act on",
        ));
    }
    Ok(())
}

/// Whether `segment` is `.` or `..`, each dot written as is or as `%2e`
/// (any case).
fn is_dot_segment(segment: &str) -> bool {
    let mut rest = segment.as_bytes();
    let mut dots = 0;
    while !rest.is_empty() {
        if rest[0] == b'.' {
            rest = &rest[1..];
        } else if rest.len() >= 3 && rest[..3].eq_ignore_ascii_case(b"%2e") {
            rest = &rest[3..];
        } else {
            return false;
        }
        dots += 1;
        if dots > 2 {
            return false;
        }
    }
    dots > 0
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str =
        "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==";

    fn signer() -> Api1Signer {
        Api1Signer::new("app-id", "app-key", "access-key", SECRET).unwrap()
    }

    #[test]
    fn date_is_rfc1123_utc() {
        let d = utc_date_now();
        assert!(d.ends_with(" UTC"), "{d}");
        assert_eq!(d.len(), "Tue, 24 Nov 2015 12:50:11 UTC".len(), "{d}");
        assert_eq!(&d[3..5], ", ");
    }

    #[test]
    fn request_ids_are_version_4_uuids_and_never_repeat() {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..100_000 {
            let id = new_request_id();
            let u = uuid::Uuid::parse_str(&id).unwrap();
            assert_eq!(u.get_version_num(), 4, "{id}");
            assert!(seen.insert(id));
        }
        let other = std::thread::spawn(new_request_id).join().unwrap();
        assert!(!seen.contains(&other));
    }

    #[test]
    fn fresh_request_ids_differ_and_are_uuids() {
        let s = signer();
        let a = s.sign("/api/x", None, None).unwrap();
        let b = s.sign("/api/x", None, None).unwrap();
        assert_ne!(a.request_id, b.request_id);
        assert!(uuid::Uuid::parse_str(&a.request_id).is_ok());
    }

    #[test]
    fn fixed_inputs_are_reproducible_and_echoed() {
        let s = signer();
        let a = s
            .sign(
                "/api/x",
                Some("Tue, 24 Nov 2015 12:50:11 UTC"),
                Some("id-1"),
            )
            .unwrap();
        let b = s
            .sign(
                "/api/x",
                Some("Tue, 24 Nov 2015 12:50:11 UTC"),
                Some("id-1"),
            )
            .unwrap();
        assert_eq!(a, b);
        assert_eq!(a.date, "Tue, 24 Nov 2015 12:50:11 UTC");
        assert_eq!(a.request_id, "id-1");
        assert_eq!(a.app_id, "app-id");
        assert!(a.authorization.starts_with("MC access-key:"));
        let c = s
            .sign(
                "/api/y",
                Some("Tue, 24 Nov 2015 12:50:11 UTC"),
                Some("id-1"),
            )
            .unwrap();
        assert_ne!(a.authorization, c.authorization);
    }

    #[test]
    fn bad_paths_are_rejected_with_a_hint() {
        let s = signer();
        let e = s
            .sign("https://eu-api.mimecast.com/api/x", None, None)
            .unwrap_err();
        assert_eq!(e.status(), Status::InvalidArgument);
        assert!(e.message().contains("only the path"));
        for bad in ["", "api/x", "/api/x y", "/api/\nx"] {
            assert_eq!(
                s.sign(bad, None, None).unwrap_err().status(),
                Status::InvalidArgument,
                "{bad:?}"
            );
        }
    }

    #[test]
    fn dates_must_be_rfc1123_utc() {
        let s = signer();
        for bad in [
            "Tue, 24 Nov 2015 12:50:11 GMT",
            "Tue, 24 Nov 2015 12:50:11",
            "Tue, 4 Nov 2015 12:50:11 UTC",
            "Wed, 24 Nov 2015 12:50:11 UTC",
            "2015-11-24T12:50:11Z",
            "Tuesday, 24-Nov-15 12:50:11 UTC",
        ] {
            let e = s.sign("/api/x", Some(bad), None).unwrap_err();
            assert_eq!(e.status(), Status::InvalidArgument, "{bad}");
        }
        assert!(s
            .sign("/api/x", Some("Tue, 03 Mar 2026 09:05:00 UTC"), None)
            .is_ok());
    }

    #[test]
    fn dot_segments_and_backslashes_are_refused() {
        for bad in [
            "/api/../oauth/token",
            "/api/./x",
            "/api/%2e%2e/oauth/token",
            "/api/%2E./x",
            "/api/.%2e",
            "/api\\..\\x",
            "/api/%5Cx",
            "/api/%5cx",
            "/api/%2e",
            "/api/.%2E/",
            "/..",
        ] {
            assert_eq!(
                validate_path(bad).unwrap_err().status(),
                Status::InvalidArgument,
                "{bad}"
            );
        }
        for good in [
            "/api/a.b/c",
            "/api/...x",
            "/api/.well-known",
            "/api/...",
            "/api/%2e%2e%2e",
            "/api/%2ex",
            "/api/%5",
            "/api/%",
        ] {
            validate_path(good).unwrap();
        }
    }

    #[test]
    fn query_strings_are_refused() {
        let e = signer().sign("/api/x?a=b", None, None).unwrap_err();
        assert!(e.message().contains("query string"));
    }

    #[test]
    fn header_injection_is_refused() {
        let s = signer();
        assert!(s.sign("/api/x", Some("Tue\r\nX-Evil: 1"), None).is_err());
        assert!(s.sign("/api/x", None, Some("id\n")).is_err());
        assert!(s.sign("/api/x", Some(""), None).is_err());
    }

    #[test]
    fn credentials_are_validated_without_leaking() {
        for (args, status) in [
            (("", "k", "a", SECRET), Status::InvalidArgument),
            (("i", " ", "a", SECRET), Status::InvalidArgument),
            (("i", "k", "", SECRET), Status::InvalidArgument),
            (("i", "k", "a", ""), Status::InvalidArgument),
            (("i", "k", "a", "not base64!"), Status::InvalidCredentials),
            (("i", "k", "a b", SECRET), Status::InvalidCredentials),
        ] {
            let e = Api1Signer::new(args.0, args.1, args.2, args.3).unwrap_err();
            assert_eq!(e.status(), status, "{args:?}");
            assert!(!e.message().contains("not base64!"));
        }
        let dbg = format!("{:?}", signer());
        assert!(!dbg.contains("access-key") && !dbg.contains("app-key") && !dbg.contains(SECRET));
    }

    #[test]
    fn surrounding_whitespace_is_ignored() {
        let a = signer()
            .sign("/p", Some("Tue, 24 Nov 2015 12:50:11 UTC"), Some("r"))
            .unwrap();
        let b = Api1Signer::new(
            " app-id\n",
            "app-key ",
            "\taccess-key",
            &format!(" {SECRET}\n"),
        )
        .unwrap()
        .sign("/p", Some("Tue, 24 Nov 2015 12:50:11 UTC"), Some("r"))
        .unwrap();
        assert_eq!(a, b);
    }
}

#[cfg(test)]
mod wipe_tests {
    use super::*;
    use std::mem::MaybeUninit;

    #[test]
    fn dropping_a_signer_wipes_the_keyed_hmac_state() {
        let secret = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==";
        let mut slot = MaybeUninit::new(Api1Signer::new("i", "k", "a", secret).unwrap());
        let p = slot.as_mut_ptr();
        // SAFETY: the slot is initialised; after drop_in_place its memory
        // stays ours (MaybeUninit never drops), so reading the bytes is fine.
        unsafe {
            let mac = std::ptr::addr_of!((*p).mac) as *const u8;
            let size = std::mem::size_of::<HmacSha1>();
            let before = (0..size)
                .filter(|&i| std::ptr::read_volatile(mac.add(i)) != 0)
                .count();
            assert!(before > 0, "keyed state present before drop");
            std::ptr::drop_in_place(p);
            let after = (0..size)
                .filter(|&i| std::ptr::read_volatile(mac.add(i)) != 0)
                .count();
            assert_eq!(after, 0, "keyed HMAC state must be zero after drop");
        }
    }
}
