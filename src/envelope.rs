//! Turns an HTTP response into the response data or a precise error.
//!
//! Mimecast wraps every answer in `{"meta": ..., "data": [...], "fail": [...]}`
//! and can report a failure in `fail`, or in `meta.status`, under HTTP 200,
//! so the HTTP status alone never decides success. The envelope is read
//! once, into just what is needed: the failure details, the pagination
//! token, and where each `data` item's text is (the items themselves stay
//! exactly as the server wrote them).

use std::ops::Range;
use std::time::SystemTime;

use serde::de::{Deserializer, IgnoredAny};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

use crate::error::{Error, Result, Status};
use crate::json;
use crate::plain;
use crate::text::server_text;

/// What the transport read off the wire.
#[derive(Debug)]
pub(crate) struct RawResponse {
    pub status: u16,
    pub body: Vec<u8>,
    /// Header names in lower case, values as sent, in order.
    pub headers: Vec<(String, String)>,
}

/// Longest wait a server may ask for that is reported as such (a day).
const MAX_WAIT_MS: u64 = 24 * 3600 * 1000;

impl RawResponse {
    #[cfg(test)]
    pub(crate) fn test(status: u16, body: &str) -> RawResponse {
        RawResponse {
            status,
            body: body.as_bytes().to_vec(),
            headers: Vec::new(),
        }
    }

    /// The first value of header `name` (any case).
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }

    /// How long the server asks us to wait: the later of `X-RateLimit-Reset`
    /// (milliseconds, Mimecast's header) and `Retry-After` (seconds or an
    /// HTTP date), as some API 2.0 gateways send the latter.
    pub(crate) fn retry_after_ms(&self) -> Option<u64> {
        let reset = self
            .header("x-ratelimit-reset")
            .and_then(|v| v.trim().parse::<f64>().ok())
            .filter(|v| v.is_finite() && *v >= 0.0)
            .map(|v| v.ceil().min(MAX_WAIT_MS as f64) as u64);
        let retry_after = self.header("retry-after").and_then(parse_retry_after);
        match (reset, retry_after) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        }
    }
}

pub(crate) fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

fn parse_retry_after(v: &str) -> Option<u64> {
    let v = v.trim();
    if let Ok(seconds) = v.parse::<u64>() {
        return Some(seconds.saturating_mul(1000).min(MAX_WAIT_MS));
    }
    let at = httpdate::parse_http_date(v).ok()?;
    let wait = at
        .duration_since(SystemTime::now())
        .unwrap_or_default()
        .as_millis();
    Some((wait as u64).min(MAX_WAIT_MS))
}

/// A successful response: the body as received, and what was read of it.
#[derive(Debug, Clone)]
pub struct Response {
    /// The HTTP status (2xx).
    pub http_status: u16,
    /// The body exactly as received.
    pub body: String,
    /// How many times the call was retried before it succeeded.
    pub retries: u32,
    items: Vec<Range<usize>>,
    next_page: Option<String>,
    headers: Vec<(String, String)>,
}

impl Response {
    /// The items of the envelope's `data` array, each parsed.
    pub fn data(&self) -> Vec<Value> {
        self.data_items()
            .map(|t| serde_json::from_str(t).unwrap_or(Value::Null))
            .collect()
    }

    /// The items of the envelope's `data` array, each as the exact text the
    /// server sent.
    pub fn data_items(&self) -> impl Iterator<Item = &str> + '_ {
        self.items.iter().map(move |r| &self.body[r.clone()])
    }

    /// How many items `data` holds.
    pub fn data_len(&self) -> usize {
        self.items.len()
    }

    /// Where each `data` item is in [`Response::body`].
    pub(crate) fn item_spans(&self) -> &[Range<usize>] {
        &self.items
    }

    /// `meta.pagination.next`, the token of the next page, if there is one.
    pub fn next_page_token(&self) -> Option<&str> {
        self.next_page.as_deref()
    }

    /// The whole body, parsed.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }

    /// The first value of a response header (any case), among those the
    /// library reads from an envelope answer: `content-type`, `retry-after`,
    /// `x-ratelimit-reset`, `location` and `mc-siem-token`. `Client::send`
    /// gives every header of a response.
    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }
}

/// The parts of an envelope the library acts on. Unknown members are
/// skipped; a known member given twice is refused (the library and the
/// caller could otherwise read different values).
#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(default)]
    meta: Lenient<Meta>,
    #[serde(default, borrow)]
    data: Option<Vec<&'a RawValue>>,
    #[serde(default)]
    fail: Lenient<Vec<Lenient<FailEntry>>>,
    /// API 2.0 gateways answer `{"error": {"code", "message"}}`.
    #[serde(default)]
    error: Lenient<CodeMessage>,
}

#[derive(Deserialize, Default)]
struct Meta {
    #[serde(default)]
    status: Lenient<f64>,
    #[serde(default)]
    pagination: Lenient<Pagination>,
}

#[derive(Deserialize, Default)]
struct Pagination {
    #[serde(default)]
    next: Lenient<String>,
}

#[derive(Deserialize, Default)]
struct FailEntry {
    #[serde(default)]
    errors: Lenient<Vec<Lenient<CodeMessage>>>,
    // Some services put the code at the entry's top level.
    #[serde(default)]
    code: Lenient<String>,
    #[serde(default)]
    message: Lenient<String>,
}

#[derive(Deserialize, Default)]
struct CodeMessage {
    #[serde(default)]
    code: Lenient<String>,
    #[serde(default)]
    message: Lenient<String>,
}

/// A member read when it has the expected shape and ignored otherwise
/// (a `meta.status` of "200" must not make a good answer unreadable).
struct Lenient<T>(Option<T>);

impl<T> Default for Lenient<T> {
    fn default() -> Self {
        Lenient(None)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        // Buffer the value, then try to read it as T: values here are small
        // (meta, fail), never the data.
        let v = Value::deserialize(d)?;
        Ok(Lenient(T::deserialize(v).ok()))
    }
}

/// The first failure an envelope reports: (code, message, how many).
fn first_failure(env: &Envelope<'_>) -> Option<(Option<String>, Option<String>, usize)> {
    let fails = env.fail.0.as_ref()?;
    if fails.is_empty() {
        return None;
    }
    let mut count = 0;
    let mut first: Option<(Option<String>, Option<String>)> = None;
    for entry in fails {
        let entry = match &entry.0 {
            Some(e) => e,
            None => continue,
        };
        let errors = entry.errors.0.as_deref().unwrap_or(&[]);
        count += errors.len();
        for e in errors.iter().filter_map(|e| e.0.as_ref()) {
            if first.is_none() {
                first = Some((e.code.0.clone(), e.message.0.clone()));
            }
        }
        if errors.is_empty() && (entry.code.0.is_some() || entry.message.0.is_some()) {
            count += 1;
            if first.is_none() {
                first = Some((entry.code.0.clone(), entry.message.0.clone()));
            }
        }
    }
    let (code, message) = first.unwrap_or((None, None));
    Some((code, message, count.max(fails.len())))
}

fn describe(code: &Option<String>, message: &Option<String>) -> String {
    match (code, message) {
        (Some(c), Some(m)) => format!(" ({c}: {m})"),
        (Some(c), None) => format!(" ({c})"),
        (None, Some(m)) => format!(" ({m})"),
        (None, None) => String::new(),
    }
}

/// The error for a failure status (HTTP, or `meta.status` under HTTP 200).
fn status_error(
    status: u16,
    code: Option<String>,
    message: Option<String>,
    raw: &RawResponse,
) -> Error {
    let detail = describe(&code, &message);
    let error = match status {
        300..=399 => {
            // Only scheme, host and path: a query could carry a token.
            let to = raw
                .header("location")
                .map(|l| server_text(l.split(['?', '#']).next().unwrap_or_default()))
                .unwrap_or_else(|| "an unknown location".to_owned());
            Error::new(
                Status::HttpError,
                format!("the server answered HTTP {status}, redirecting to {to}; redirects are not followed because the request carries credentials: check the base URL"),
            )
        }
        401 | 403 => Error::new(
            Status::Unauthorized,
            format!("Mimecast refused the credentials (HTTP {status}{detail}); check the application id, application key, access key and secret key, that this user has the permission the endpoint needs, and that the system clock is correct"),
        ),
        418 => Error::new(
            Status::BindingExpired,
            format!("the access key and secret key have expired (HTTP 418 binding expired{detail}); create new keys for this application in the Mimecast Administration Console"),
        ),
        429 => {
            let wait = match raw.retry_after_ms() {
                Some(ms) => format!("wait at least {ms} ms before retrying"),
                None => "wait before retrying".to_owned(),
            };
            Error::new(
                Status::RateLimited,
                format!("Mimecast rate limit exceeded (HTTP 429{detail}); {wait}"),
            )
            .with_retry_after_ms(raw.retry_after_ms())
        }
        _ => Error::new(
            Status::HttpError,
            format!("Mimecast answered HTTP {status}{detail}"),
        ),
    };
    error.with_http_status(status).with_api_error(code, message)
}

/// What a body must be for the answer to count as a success.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Expect {
    /// A Mimecast JSON answer (envelope or API 2.0 shape).
    Json,
    /// Anything: JSON is checked for reported failures, other bodies pass.
    Any,
}

/// Checks an answer for every way Mimecast reports a failure: the HTTP
/// status, a `fail` entry, `meta.status` under HTTP 200, an API 2.0 `error`
/// object. Returns the parsed envelope when the body is JSON.
fn check(raw: &RawResponse, expect: Expect) -> Result<Option<Envelope<'_>>> {
    let status = raw.status;
    let text = std::str::from_utf8(&raw.body).ok();
    let deep = json::too_deep(&raw.body);
    let env: Option<Envelope<'_>> = match text {
        Some(t) if !deep => serde_json::from_str(t).ok(),
        _ => None,
    };
    let failure = env.as_ref().and_then(first_failure);
    let api_error = env
        .as_ref()
        .and_then(|e| e.error.0.as_ref())
        .map(|e| (e.code.0.clone(), e.message.0.clone()));
    let (code, message) = match (&failure, api_error) {
        (Some((c, m, _)), _) => (c.clone(), m.clone()),
        (None, Some((c, m))) => (c, m),
        (None, None) => (None, None),
    };
    let code = code.map(|c| server_text(&c));
    let message = message.map(|m| server_text(&m));

    if !(200..=299).contains(&status) {
        return Err(status_error(status, code, message, raw));
    }
    let looks_json = raw
        .header("content-type")
        .map_or(false, |t| t.to_ascii_lowercase().contains("json"))
        || env.is_some();
    if expect == Expect::Any && !looks_json {
        return Ok(None);
    }
    let malformed =
        |text: String| Err(Error::new(Status::MalformedResponse, text).with_http_status(status));
    let body_text = match text {
        Some(t) => t,
        None => return malformed(format!("the HTTP {status} response body is not UTF-8 text")),
    };
    if deep {
        return malformed(format!(
            "the HTTP {status} response nests arrays and objects deeper than {} levels",
            json::MAX_DEPTH
        ));
    }
    let env = match env {
        Some(e) => e,
        None => {
            // Say why, without quoting the server's text.
            let why = match serde_json::from_str::<IgnoredAny>(body_text) {
                Ok(_) if body_text.trim_start().starts_with('{') => {
                    match serde_json::from_str::<Envelope<'_>>(body_text) {
                        Err(e) if e.to_string().starts_with("duplicate field") => {
                            "has a member given twice"
                        }
                        _ => "has a 'data' that is not an array",
                    }
                }
                _ => "is not a JSON object",
            };
            return malformed(format!(
                "the HTTP {status} response {why} ({} bytes); is the base URL a Mimecast API host?",
                body_text.len()
            ));
        }
    };
    if let Some((_, _, count)) = failure {
        let text = format!(
            "Mimecast reported {count} failure(s) under HTTP {status}{}",
            describe(&code, &message)
        );
        return Err(Error::new(Status::ApiFailure, text)
            .with_http_status(status)
            .with_api_error(code, message));
    }
    let meta_status = env
        .meta
        .0
        .as_ref()
        .and_then(|m| m.status.0)
        .filter(|s| s.fract() == 0.0 && (400.0..=599.0).contains(s));
    if let Some(s) = meta_status {
        let e = status_error(s as u16, code, message, raw);
        return Err(Error::new(
            e.status(),
            format!(
                "{} (reported in meta.status under HTTP {status})",
                e.message()
            ),
        )
        .with_http_status(s as u16)
        .with_api_error(
            e.api_code().map(str::to_owned),
            e.api_message().map(str::to_owned),
        )
        .with_retry_after_ms(e.retry_after_ms()));
    }
    Ok(Some(env))
}

/// Checks an answer to a general request (see [`Expect`]).
pub(crate) fn check_answer(raw: &RawResponse, expect: Expect) -> Result<()> {
    check(raw, expect).map(|_| ())
}

/// A plain 2xx envelope read in one pass (see `plain`): the `data` item
/// spans and `meta.pagination.next`. Declines (serde then reads the answer
/// and words any error) a `meta.status` of 400-599, a `fail` other than
/// `[]`, an `error` member, a missing `data` array, and anything `plain`
/// declines. `meta` must hold plain values only: serde reads it into a
/// `Value` first, which a huge number would fail.
///
/// `data[0]` is read by `first_item` (which must read the whole value, or
/// decline) in the same pass: what it returns comes back beside the
/// envelope, `None` when `data` is empty.
fn read_plain_with<'a, T>(
    text: &'a str,
    mut first_item: impl FnMut(&mut plain::Cursor<'a>) -> Option<T>,
) -> Option<(PlainEnvelope, Option<T>)> {
    let (mut data, mut meta, mut fail) = (None, None, None);
    let mut first = None;
    plain::object(text, |c, key| match key {
        b"data" => {
            let mut spans = Vec::new();
            c.array(|c| {
                let span = if spans.is_empty() {
                    c.skip_ws();
                    let start = c.position();
                    first = Some(first_item(c)?);
                    start..c.position()
                } else {
                    c.skip_value()?
                };
                spans.push(span);
                Some(())
            })?;
            plain::first(&mut data, spans)
        }
        b"meta" => {
            let (mut status, mut pagination) = (None, None);
            c.object(|c, key| match key {
                b"status" => {
                    let s = c.count()?;
                    if s.map_or(false, |s| (400..=599).contains(&s)) {
                        return None;
                    }
                    plain::first(&mut status, s)
                }
                b"pagination" => {
                    let mut next = None;
                    c.object(|c, key| match key {
                        b"next" => plain::first(&mut next, c.text()?.map(|t| span_of(text, t))),
                        _ => c.plain_scalar(),
                    })?;
                    plain::first(&mut pagination, next.flatten())
                }
                _ => c.plain_scalar(),
            })?;
            plain::first(&mut meta, pagination.flatten())
        }
        b"fail" => {
            // Only an empty list: a failure is serde's to word.
            c.array(|_| None)?;
            plain::first(&mut fail, ())
        }
        // API 2.0's error object: serde words it.
        b"error" => None,
        _ => c.skip_value().map(drop),
    })?;
    let envelope = PlainEnvelope {
        items: data?,
        next: meta.flatten().filter(|next| !next.is_empty()),
    };
    Some((envelope, first))
}

/// What [`read_plain_with`] reads: where each `data` item is in the body, and
/// where `meta.pagination.next` is when it is a non-empty string.
struct PlainEnvelope {
    items: Vec<Range<usize>>,
    next: Option<Range<usize>>,
}

/// Where `part` (a slice of `text`) is in `text`.
fn span_of(text: &str, part: &str) -> Range<usize> {
    let start = part.as_ptr() as usize - text.as_ptr() as usize;
    start..start + part.len()
}

/// Maps a 1.0 envelope answer to its data, or to the error a caller can act
/// on.
pub(crate) fn interpret(raw: RawResponse) -> Result<Response> {
    interpret_reading(raw, |c| c.skip_value().map(drop)).map(|(response, _)| response)
}

/// [`interpret`], with `data[0]` of a plain envelope read by `first_item`
/// in the same pass (see [`read_plain_with`]); `None` beside the response
/// when serde read the answer or `data` is empty.
pub(crate) fn interpret_reading<T>(
    raw: RawResponse,
    first_item: impl for<'a> FnMut(&mut plain::Cursor<'a>) -> Option<T>,
) -> Result<(Response, Option<T>)> {
    let status = raw.status;
    if (200..=299).contains(&status) {
        let read = std::str::from_utf8(&raw.body)
            .ok()
            .and_then(|text| read_plain_with(text, first_item));
        if let Some((plain, first)) = read {
            let next_page = plain
                .next
                .map(|r| String::from_utf8_lossy(&raw.body[r]).into_owned());
            let RawResponse { body, headers, .. } = raw;
            // SAFETY: std::str::from_utf8 accepted this body just above.
            let body = unsafe { String::from_utf8_unchecked(body) };
            let response = Response {
                http_status: status,
                body,
                retries: 0,
                items: plain.items,
                next_page,
                headers,
            };
            return Ok((response, first));
        }
    }
    interpret_with_serde(raw).map(|response| (response, None))
}

/// [`interpret`], every answer read by serde.
pub(crate) fn interpret_with_serde(raw: RawResponse) -> Result<Response> {
    let status = raw.status;
    let (items, next_page) = {
        let env = match check(&raw, Expect::Json)? {
            Some(env) => env,
            None => {
                return Err(Error::new(
                    Status::MalformedResponse,
                    "the response is not a JSON object",
                )
                .with_http_status(status))
            }
        };
        let items = match &env.data {
            Some(items) => items,
            None => {
                return Err(Error::new(
                    Status::MalformedResponse,
                    "the response has no 'data' array",
                )
                .with_http_status(status))
            }
        };
        let base = raw.body.as_ptr() as usize;
        let spans: Vec<Range<usize>> = items
            .iter()
            .map(|item| {
                let start = item.get().as_ptr() as usize - base;
                start..start + item.get().len()
            })
            .collect();
        let next = env
            .meta
            .0
            .as_ref()
            .and_then(|m| m.pagination.0.as_ref())
            .and_then(|p| p.next.0.clone())
            .filter(|t| !t.is_empty());
        (spans, next)
    };
    let RawResponse { body, headers, .. } = raw;
    // SAFETY: `check` parsed this body as a &str (std::str::from_utf8
    // succeeded), so it is valid UTF-8; validating it again would be a
    // second pass over every response.
    let body = unsafe { String::from_utf8_unchecked(body) };
    Ok(Response {
        http_status: status,
        body,
        retries: 0,
        items,
        next_page,
        headers,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(status: u16, body: &str) -> RawResponse {
        RawResponse::test(status, body)
    }

    const INVALID_SIG: &str = r#"{"meta":{"status":401},"data":[],"fail":[{"errors":[{"code":"err_xdk_invalid_signature","message":"0004 Invalid Signature","retryable":false}]}]}"#;

    #[test]
    fn success_gives_data_and_pagination() {
        let r = interpret(raw(
            200,
            r#"{"meta":{"status":200,"pagination":{"next":"T2"}},"data":[ {"a":1} , 2e0 ],"fail":[]}"#,
        ))
        .unwrap();
        assert_eq!(r.data_len(), 2);
        assert_eq!(r.data_items().collect::<Vec<_>>(), [r#"{"a":1}"#, "2e0"]);
        assert_eq!(r.next_page_token(), Some("T2"));
    }

    #[test]
    fn statuses_map_to_distinct_errors() {
        let cases = [
            (401, INVALID_SIG, Status::Unauthorized),
            (403, "{}", Status::Unauthorized),
            (418, "{}", Status::BindingExpired),
            (429, "{}", Status::RateLimited),
            (500, "{}", Status::HttpError),
            (404, "not json", Status::HttpError),
            (302, "", Status::HttpError),
            (200, "{\"data\": [", Status::MalformedResponse),
            (200, "<html>oops</html>", Status::MalformedResponse),
            (200, "[]", Status::MalformedResponse),
            (200, "{\"meta\":{}}", Status::MalformedResponse),
            (200, "{\"data\":{}}", Status::MalformedResponse),
        ];
        for (status, body, expected) in cases {
            let e = interpret(raw(status, body)).unwrap_err();
            assert_eq!(e.status(), expected, "{status} {body}");
            assert_eq!(e.http_status(), Some(status));
        }
    }

    #[test]
    fn unauthorized_carries_mimecast_code() {
        let e = interpret(raw(401, INVALID_SIG)).unwrap_err();
        assert_eq!(e.api_code(), Some("err_xdk_invalid_signature"));
        assert_eq!(e.api_message(), Some("0004 Invalid Signature"));
        assert!(e.message().contains("0004 Invalid Signature"));
    }

    #[test]
    fn fail_under_http_200_is_an_api_failure() {
        let e = interpret(raw(200, r#"{"meta":{"status":200},"data":[],"fail":[{"key":{},"errors":[{"code":"err_validation_blank","message":"blank"}]}]}"#)).unwrap_err();
        assert_eq!(e.status(), Status::ApiFailure);
        assert_eq!(e.api_code(), Some("err_validation_blank"));
    }

    #[test]
    fn top_level_fail_codes_are_kept() {
        let e = interpret(raw(
            200,
            r#"{"meta":{"status":200},"data":[],"fail":[{"code":"token_expired","message":"expired"}]}"#,
        ))
        .unwrap_err();
        assert_eq!(e.status(), Status::ApiFailure);
        assert_eq!(e.api_code(), Some("token_expired"));
        let e = interpret(raw(200, r#"{"data":[],"fail":["odd"]}"#)).unwrap_err();
        assert_eq!(e.status(), Status::ApiFailure);
        assert_eq!(e.api_code(), None);
    }

    #[test]
    fn meta_status_under_http_200_is_an_error() {
        let e = interpret(raw(200, r#"{"meta":{"status":403},"data":[],"fail":[]}"#)).unwrap_err();
        assert_eq!(e.status(), Status::Unauthorized);
        assert_eq!(e.http_status(), Some(403));
        assert!(e.message().contains("meta.status"), "{}", e.message());
        let e = interpret(raw(200, r#"{"meta":{"status":500},"data":[]}"#)).unwrap_err();
        assert_eq!(e.status(), Status::HttpError);
        // A meta.status of another type is not a reason to refuse data.
        assert!(interpret(raw(200, r#"{"meta":{"status":"500"},"data":[]}"#)).is_ok());
    }

    #[test]
    fn api2_error_objects_give_their_code() {
        let e = interpret(raw(
            401,
            r#"{"error":{"code":"token_expired","message":"The token has expired"}}"#,
        ))
        .unwrap_err();
        assert_eq!(e.status(), Status::Unauthorized);
        assert_eq!(e.api_code(), Some("token_expired"));
    }

    #[test]
    fn duplicate_members_are_refused() {
        let e = interpret(raw(200, r#"{"data":[{"a":1}],"data":[{"a":2}]}"#)).unwrap_err();
        assert_eq!(e.status(), Status::MalformedResponse);
        assert!(e.message().contains("twice"), "{}", e.message());
    }

    #[test]
    fn server_text_is_sanitized() {
        let e = interpret(raw(
            200,
            r#"{"data":[],"fail":[{"errors":[{"code":"x\r\ny","message":"line1\nFAKE LOG \u001b[31m"}]}]}"#,
        ))
        .unwrap_err();
        assert!(!e.message().contains('\n') && !e.message().contains('\u{1b}'));
        assert_eq!(e.api_code(), Some("x\\u{d}\\u{a}y"));
    }

    #[test]
    fn nesting_beyond_the_limit_is_malformed() {
        let deep = format!(
            r#"{{"data":[{}{}]}}"#,
            "[".repeat(json::MAX_DEPTH),
            "]".repeat(json::MAX_DEPTH)
        );
        let e = interpret(raw(200, &deep)).unwrap_err();
        assert_eq!(e.status(), Status::MalformedResponse);
        let ok = format!(
            r#"{{"data":[{}{}]}}"#,
            "[".repeat(json::MAX_DEPTH - 2),
            "]".repeat(json::MAX_DEPTH - 2)
        );
        assert!(interpret(raw(200, &ok)).is_ok());
    }

    #[test]
    fn rate_limit_waits_take_the_later_header() {
        let mut r = raw(429, "{}");
        r.headers.push(("x-ratelimit-reset".into(), "1500".into()));
        let e = interpret(r).unwrap_err();
        assert_eq!(e.retry_after_ms(), Some(1500));
        assert!(e.message().contains("1500 ms"));
        let mut r = raw(429, "{}");
        r.headers.push(("x-ratelimit-reset".into(), "1500".into()));
        r.headers.push(("retry-after".into(), "3".into()));
        assert_eq!(r.retry_after_ms(), Some(3000));
        let mut r = raw(429, "{}");
        let later = SystemTime::now() + std::time::Duration::from_secs(120);
        r.headers
            .push(("Retry-After".into(), httpdate::fmt_http_date(later)));
        let ms = r.retry_after_ms().unwrap();
        assert!((100_000..=120_000).contains(&ms), "{ms}");
        let mut r = raw(429, "{}");
        r.headers.push(("retry-after".into(), "soon".into()));
        assert_eq!(r.retry_after_ms(), None);
    }

    #[test]
    fn non_utf8_is_malformed() {
        let r = RawResponse {
            status: 200,
            body: vec![0xff, 0xfe],
            headers: vec![],
        };
        assert_eq!(
            interpret(r).unwrap_err().status(),
            Status::MalformedResponse
        );
    }
}

#[cfg(test)]
mod fuzz {
    //! Random and truncated bytes thrown at response parsing: it must
    //! always return a status, never panic.
    use super::*;
    use proptest::prelude::*;

    const GOOD: &str = r#"{"meta":{"status":200,"pagination":{"next":"abc"}},"data":[{"accountName":"Exämple","userCount":20,"packages":["a"]}],"fail":[]}"#;

    fn raw(status: u16, body: Vec<u8>) -> RawResponse {
        RawResponse {
            status,
            body,
            headers: vec![],
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn random_bytes_never_panic(body in proptest::collection::vec(any::<u8>(), 0..512), status in 100u16..600) {
            let _ = interpret(raw(status, body));
        }

        #[test]
        fn truncated_envelopes_are_malformed(cut in 0usize..GOOD.len()) {
            let r = interpret(raw(200, GOOD.as_bytes()[..cut].to_vec()));
            prop_assert_eq!(r.unwrap_err().status(), Status::MalformedResponse);
        }

        #[test]
        fn mutated_envelopes_never_panic(pos in 0usize..GOOD.len(), byte in any::<u8>()) {
            let mut body = GOOD.as_bytes().to_vec();
            body[pos] = byte;
            if let Ok(r) = interpret(raw(200, body)) {
                let _ = crate::account::Account::from_response(r);
            }
        }

        #[test]
        fn data_items_are_exactly_the_items(v in arb_json(), first in arb_json(), pretty in any::<bool>()) {
            let mut envelope = serde_json::json!({"meta": {"status": 200}, "x": v, "data": [first, 1], "fail": []});
            if let serde_json::Value::Object(m) = &mut envelope {
                m.insert("zz".into(), serde_json::json!({"data": ["decoy"]}));
            }
            let text = if pretty { serde_json::to_string_pretty(&envelope).unwrap() } else { envelope.to_string() };
            let r = interpret(raw(200, text.clone().into_bytes())).unwrap();
            let items: Vec<&str> = r.data_items().collect();
            prop_assert_eq!(items.len(), 2);
            let item: serde_json::Value = serde_json::from_str(items[0]).unwrap();
            let whole: serde_json::Value = serde_json::from_str(&text).unwrap();
            prop_assert_eq!(&item, &whole["data"][0]);
        }

        #[test]
        fn arbitrary_json_shapes_never_panic(v in arb_json()) {
            let body = serde_json::to_vec(&v).unwrap();
            if let Ok(r) = interpret(raw(200, body)) {
                let _ = r.next_page_token();
                let _ = crate::account::Account::from_response(r);
            }
        }
    }

    fn arb_json() -> impl Strategy<Value = serde_json::Value> {
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::from),
            any::<i64>().prop_map(serde_json::Value::from),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(serde_json::Value::from),
            ".{0,8}".prop_map(serde_json::Value::from),
        ];
        leaf.prop_recursive(4, 64, 8, |inner| {
            let keys = prop_oneof![
                Just("data".to_owned()),
                Just("fail".to_owned()),
                Just("meta".to_owned()),
                Just("errors".to_owned()),
                Just("code".to_owned()),
                Just("pagination".to_owned()),
                Just("next".to_owned()),
                "[a-z]{1,5}"
            ];
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
                proptest::collection::btree_map(keys, inner, 0..4)
                    .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
            ]
        })
    }
}

#[cfg(test)]
mod plain_agrees_with_serde {
    //! The one-pass reader (`read_plain_with`) against serde, on envelopes
    //! generated near the edges of what it accepts.
    use super::*;
    use crate::plain::gen;
    use proptest::prelude::*;

    fn key() -> impl Strategy<Value = String> {
        prop_oneof![
            6 => proptest::sample::select(&["\"data\"", "\"meta\"", "\"fail\""][..]).prop_map(str::to_owned),
            1 => proptest::sample::select(&["\"error\"", "\"d\\u0061ta\"", "\"x\"", "\"Data\""][..]).prop_map(str::to_owned),
            1 => gen::string(),
        ]
    }

    fn meta() -> impl Strategy<Value = String> {
        let status =
            prop_oneof![3 => Just("200".to_owned()), 2 => gen::number(), 1 => gen::scalar()];
        let next = prop_oneof![3 => gen::string(), 1 => gen::scalar()];
        let pagination = (next, gen::number(), gen::value(), any::<u8>()).prop_map(
            |(next, size, other, pick)| {
                let mut m = vec![("\"pageSize\"".to_owned(), size)];
                if pick % 4 != 0 {
                    m.push(("\"next\"".to_owned(), next.clone()));
                }
                if pick % 5 == 0 {
                    m.push(("\"next\"".to_owned(), next));
                }
                if pick % 7 == 0 {
                    m.push(("\"other\"".to_owned(), other));
                }
                gen::object(&m, &[String::new()], "")
            },
        );
        prop_oneof![
            4 => (status, pagination, gen::scalar(), any::<u8>()).prop_map(|(status, pagination, extra, pick)| {
                let mut m = Vec::new();
                if pick % 5 != 0 {
                    m.push(("\"status\"".to_owned(), status.clone()));
                }
                if pick % 2 == 0 {
                    m.push(("\"pagination\"".to_owned(), pagination));
                }
                if pick % 3 == 0 {
                    m.push(("\"isLastToken\"".to_owned(), extra));
                }
                if pick % 11 == 0 {
                    m.push(("\"status\"".to_owned(), status));
                }
                gen::object(&m, &[String::new()], "")
            }),
            1 => gen::value(),
        ]
    }

    fn data() -> impl Strategy<Value = String> {
        prop_oneof![
            8 => proptest::collection::vec(gen::value(), 0..4).prop_map(|items| format!("[{}]", items.join(", "))),
            1 => gen::value(),
        ]
    }

    fn fail() -> impl Strategy<Value = String> {
        prop_oneof![
            8 => Just("[]".to_owned()),
            1 => proptest::collection::vec(gen::value(), 1..3).prop_map(|items| format!("[{}]", items.join(","))),
            1 => gen::value(),
        ]
    }

    /// Usually `data`, `meta` and `fail`, in any order, with other members
    /// (repeated ones, escaped names, `error`) now and then.
    fn envelope() -> impl Strategy<Value = String> {
        let members = (
            data(),
            meta(),
            fail(),
            proptest::collection::vec((key(), gen::value()), 0..3),
            any::<u16>(),
        )
            .prop_map(|(data, meta, fail, others, pick)| {
                let mut m = Vec::new();
                if pick % 10 != 0 {
                    m.push(("\"data\"".to_owned(), data));
                }
                if pick % 5 != 0 {
                    m.push(("\"meta\"".to_owned(), meta));
                }
                if pick % 3 != 0 {
                    m.push(("\"fail\"".to_owned(), fail));
                }
                if pick % 4 == 0 {
                    m.extend(others);
                }
                m
            })
            .prop_shuffle();
        (
            members,
            proptest::collection::vec(gen::ws(), 1..4),
            gen::tail(),
        )
            .prop_map(|(members, spaces, tail)| gen::object(&members, &spaces, &tail))
    }

    fn read_plain(text: &str) -> Option<PlainEnvelope> {
        read_plain_with(text, |c| c.skip_value().map(drop)).map(|(envelope, _)| envelope)
    }

    fn check_agreement(body: &str) -> bool {
        let serde = interpret_with_serde(RawResponse::test(200, body));
        let both = interpret(RawResponse::test(200, body));
        match (&serde, &both) {
            (Ok(s), Ok(b)) => {
                assert_eq!(s.item_spans(), b.item_spans(), "{body}");
                assert_eq!(s.next_page_token(), b.next_page_token(), "{body}");
                assert_eq!(s.body, b.body);
            }
            (Err(s), Err(b)) => {
                assert_eq!(s.status(), b.status(), "{body}");
                assert_eq!(s.message(), b.message(), "{body}");
            }
            _ => panic!("{body}\nserde: {serde:?}\nwith the plain reader: {both:?}"),
        }
        read_plain(body).is_some()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(6000))]

        #[test]
        fn generated_envelopes_read_the_same(body in envelope()) {
            check_agreement(&body);
        }
    }

    /// The generated envelopes reach both readers, each often enough for
    /// the agreement above to mean something.
    #[test]
    fn the_generator_reaches_both_readers() {
        use proptest::strategy::ValueTree;
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        let strategy = envelope();
        let total = 3000;
        let plain = (0..total)
            .filter(|_| read_plain(&strategy.new_tree(&mut runner).unwrap().current()).is_some())
            .count();
        assert!(
            plain * 10 >= total && plain * 10 <= total * 9,
            "{plain} of {total}"
        );
    }

    #[test]
    fn plain_answers_take_the_one_pass_reader() {
        for body in [
            include_str!("../bench/server/account.json").trim_end(),
            r#"{"meta":{"status":200,"pagination":{"pageSize":25,"next":"tok"}},"data":[],"fail":[]}"#,
            r#" { "data" : [ 1 , "two\n" , {"k":[null]} ] , "meta" : { "status" : 200 , "isLastToken" : true } } "#,
            r#"{"data":[{"clickLogs":[{"url":"https:\/\/x"}]}],"meta":{"pagination":{"next":null}}}"#,
        ] {
            assert!(check_agreement(body), "declined: {body}");
        }
    }

    #[test]
    fn unusual_answers_are_left_to_serde() {
        for body in [
            r#"{"meta":{"status":401},"data":[],"fail":[]}"#,
            r#"{"meta":{"status":200},"data":[],"fail":[{"errors":[]}]}"#,
            r#"{"data":[],"error":{"code":"x"}}"#,
            r#"{"d\u0061ta":[]}"#,
            r#"{"data":[],"data":[]}"#,
            r#"{"data":[],"meta":{"status":"200"}}"#,
            r#"{"data":[],"meta":{"status":200.0}}"#,
            r#"{"data":[],"meta":{"x":1e999}}"#,
            r#"{"data":[{"\u0061":1}]}"#,
            r#"{"data":["\ud800"]}"#,
            r#"{"data":{}}"#,
            r#"{"meta":{"status":200}}"#,
            r#"{"data":[]} x"#,
            r#"[[],[]]"#,
        ] {
            assert!(!check_agreement(body), "accepted: {body}");
        }
        let deep = format!("{{\"data\":[{}{}]}}", "[".repeat(127), "]".repeat(127));
        assert!(!check_agreement(&deep));
        let shallow = format!("{{\"data\":[{}{}]}}", "[".repeat(126), "]".repeat(126));
        assert!(check_agreement(&shallow));
    }
}
