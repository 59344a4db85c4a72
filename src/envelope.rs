//! Turns an HTTP response into the response data or a precise error.
//!
//! Mimecast wraps every answer in `{"meta": ..., "data": [...], "fail": [...]}`
//! and can report a failure in `fail` under HTTP 200, so the HTTP status alone
//! never decides success.

use serde_json::Value;

use crate::error::{Error, Result, Status};

/// What the transport read off the wire.
#[derive(Debug)]
pub(crate) struct RawResponse {
    pub status: u16,
    pub body: Vec<u8>,
    pub rate_limit_reset_ms: Option<u64>,
    pub location: Option<String>,
}

#[cfg(test)]
impl RawResponse {
    /// A response with just a status and a body, for tests.
    pub(crate) fn test(status: u16, body: &str) -> RawResponse {
        RawResponse {
            status,
            body: body.as_bytes().to_vec(),
            rate_limit_reset_ms: None,
            location: None,
        }
    }
}

/// A successful response: the raw body and its parsed envelope.
#[derive(Debug, Clone)]
pub struct Response {
    /// The HTTP status (2xx).
    pub http_status: u16,
    /// The body exactly as received.
    pub body: String,
    /// The parsed envelope.
    pub json: Value,
    /// How many times the call was retried before it succeeded.
    pub retries: u32,
}

impl Response {
    /// The `data` array of the envelope.
    pub fn data(&self) -> &[Value] {
        self.json
            .get("data")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// `meta.pagination.next`, the token of the next page, if there is one.
    pub fn next_page_token(&self) -> Option<&str> {
        self.json
            .pointer("/meta/pagination/next")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
    }
}

/// The byte range of `data[0]` in an envelope's text, found by scanning the
/// (already validated) JSON instead of re-serialising a parsed value: cheaper,
/// and the element comes back exactly as the server wrote it.
pub(crate) fn first_data_item_span(body: &str) -> Option<std::ops::Range<usize>> {
    let bytes = body.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    // Key of the last string seen at depth 1, to spot `"data"`.
    let mut key_at_top: Option<&str> = None;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                let end = string_end(bytes, i)?;
                if depth == 1 {
                    key_at_top = Some(&body[i + 1..end - 1]);
                }
                i = end;
                continue;
            }
            b'{' | b'[' => {
                if depth == 1 && bytes[i] == b'[' && key_at_top == Some("data") {
                    let start = i
                        + 1
                        + bytes[i + 1..]
                            .iter()
                            .position(|b| !b.is_ascii_whitespace())?;
                    if bytes[start] == b']' {
                        return None;
                    }
                    return Some(start..value_end(bytes, start)?);
                }
                depth += 1;
            }
            b'}' | b']' => depth = depth.checked_sub(1)?,
            b',' if depth == 1 => key_at_top = None,
            _ => {}
        }
        i += 1;
    }
    None
}

/// Index just past the string that starts at `start` (a `"`).
fn string_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// Index just past the JSON value that starts at `start`.
fn value_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = start;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i = string_end(bytes, i)?;
                if depth == 0 {
                    return Some(i);
                }
                continue;
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' if depth == 0 => return Some(i),
            b'}' | b']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            b',' if depth == 0 => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

/// The first error of a `fail` array: (code, message, number of errors).
fn first_failure(json: &Value) -> Option<(Option<String>, Option<String>, usize)> {
    let fails = json.get("fail")?.as_array()?;
    if fails.is_empty() {
        return None;
    }
    let errors: Vec<&Value> = fails
        .iter()
        .flat_map(|f| {
            f.get("errors")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
        })
        .collect();
    let first = errors.first();
    let code = first
        .and_then(|e| e.get("code"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let message = first
        .and_then(|e| e.get("message"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    Some((code, message, errors.len().max(fails.len())))
}

fn describe(code: &Option<String>, message: &Option<String>) -> String {
    match (code, message) {
        (Some(c), Some(m)) => format!(" ({c}: {m})"),
        (Some(c), None) => format!(" ({c})"),
        (None, Some(m)) => format!(" ({m})"),
        (None, None) => String::new(),
    }
}

/// Maps a response to data or to the error a caller can act on.
pub(crate) fn interpret(raw: RawResponse) -> Result<Response> {
    let status = raw.status;
    let parsed: Option<Value> = serde_json::from_slice(&raw.body).ok();
    let (code, message, _) = parsed
        .as_ref()
        .and_then(first_failure)
        .unwrap_or((None, None, 0));
    let detail = describe(&code, &message);
    let fail = |s: Status, text: String| {
        Err(Error::new(s, text)
            .with_http_status(status)
            .with_api_error(code.clone(), message.clone()))
    };

    match status {
        200..=299 => {}
        300..=399 => {
            // Only scheme, host and path: a query could carry a token.
            let to = raw
                .location
                .as_deref()
                .map(|l| l.split(['?', '#']).next().unwrap_or_default().chars().take(200).collect::<String>())
                .unwrap_or_else(|| "an unknown location".to_owned());
            return fail(
                Status::HttpError,
                format!("the server answered HTTP {status}, redirecting to {to}; redirects are not followed because the request carries credentials: check the base URL"),
            );
        }
        401 | 403 => {
            return fail(
                Status::Unauthorized,
                format!("Mimecast refused the credentials (HTTP {status}{detail}); check the application id, application key, access key and secret key, that this user has the permission the endpoint needs, and that the system clock is correct"),
            )
        }
        418 => {
            return fail(
                Status::BindingExpired,
                format!("the access key and secret key have expired (HTTP 418 binding expired{detail}); create new keys for this application in the Mimecast Administration Console"),
            )
        }
        429 => {
            let wait = match raw.rate_limit_reset_ms {
                Some(ms) => format!("wait at least {ms} ms (X-RateLimit-Reset) before retrying"),
                None => "wait before retrying".to_owned(),
            };
            return Err(Error::new(Status::RateLimited, format!("Mimecast rate limit exceeded (HTTP 429{detail}); {wait}"))
                .with_http_status(status)
                .with_api_error(code.clone(), message.clone())
                .with_retry_after_ms(raw.rate_limit_reset_ms));
        }
        _ => {
            return fail(
                Status::HttpError,
                format!("Mimecast answered HTTP {status}{detail}"),
            )
        }
    }

    let body = match String::from_utf8(raw.body) {
        Ok(b) => b,
        Err(_) => {
            return fail(
                Status::MalformedResponse,
                format!("the HTTP {status} response body is not UTF-8 text"),
            )
        }
    };
    let json = match parsed {
        Some(Value::Object(map)) => Value::Object(map),
        _ => {
            return fail(
                Status::MalformedResponse,
                format!("the HTTP {status} response is not a JSON object ({} bytes); is the base URL a Mimecast API host?", body.len()),
            )
        }
    };
    if let Some((code, message, count)) = first_failure(&json) {
        let text = format!(
            "Mimecast reported {count} failure(s) under HTTP {status}{}",
            describe(&code, &message)
        );
        return Err(Error::new(Status::ApiFailure, text)
            .with_http_status(status)
            .with_api_error(code, message));
    }
    if !json.get("data").map(Value::is_array).unwrap_or(false) {
        return fail(
            Status::MalformedResponse,
            "the response has no 'data' array".to_owned(),
        );
    }
    Ok(Response {
        http_status: status,
        body,
        json,
        retries: 0,
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
            r#"{"meta":{"status":200,"pagination":{"next":"T2"}},"data":[{"a":1}],"fail":[]}"#,
        ))
        .unwrap();
        assert_eq!(r.data().len(), 1);
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
    fn rate_limit_reset_is_reported() {
        let mut r = raw(429, "{}");
        r.rate_limit_reset_ms = Some(1500);
        let e = interpret(r).unwrap_err();
        assert_eq!(e.retry_after_ms(), Some(1500));
        assert!(e.message().contains("1500 ms"));
    }

    #[test]
    fn non_utf8_is_malformed() {
        let r = RawResponse {
            status: 200,
            body: vec![0xff, 0xfe],
            rate_limit_reset_ms: None,
            location: None,
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

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn data_span_never_panics(body in ".{0,200}") {
            let _ = first_data_item_span(&body);
        }

        #[test]
        fn random_bytes_never_panic(body in proptest::collection::vec(any::<u8>(), 0..512), status in 100u16..600) {
            let raw = RawResponse { status, body, rate_limit_reset_ms: None, location: None };
            let _ = interpret(raw);
        }

        #[test]
        fn truncated_envelopes_are_malformed(cut in 0usize..GOOD.len()) {
            let body = GOOD.as_bytes()[..cut].to_vec();
            let r = interpret(RawResponse { status: 200, body, rate_limit_reset_ms: None, location: None });
            prop_assert_eq!(r.unwrap_err().status(), Status::MalformedResponse);
        }

        #[test]
        fn mutated_envelopes_never_panic(pos in 0usize..GOOD.len(), byte in any::<u8>()) {
            let mut body = GOOD.as_bytes().to_vec();
            body[pos] = byte;
            if let Ok(r) = interpret(RawResponse { status: 200, body, rate_limit_reset_ms: None, location: None }) {
                let _ = crate::account::Account::from_response(r);
            }
        }

        #[test]
        fn data_span_is_exactly_the_first_item(v in arb_json(), first in arb_json(), pretty in any::<bool>()) {
            let mut envelope = serde_json::json!({"meta": {"status": 200}, "x": v, "data": [first, 1], "fail": []});
            if let serde_json::Value::Object(m) = &mut envelope {
                m.insert("zz".into(), serde_json::json!({"data": ["decoy"]}));
            }
            let text = if pretty { serde_json::to_string_pretty(&envelope).unwrap() } else { envelope.to_string() };
            let span = first_data_item_span(&text).expect("span");
            let item: serde_json::Value = serde_json::from_str(text[span].trim()).unwrap();
            // Compared with what the same parser reads for data[0] (its float
            // parsing does not round-trip every f64 exactly).
            let whole: serde_json::Value = serde_json::from_str(&text).unwrap();
            prop_assert_eq!(&item, &whole["data"][0]);
        }

        #[test]
        fn arbitrary_json_shapes_never_panic(v in arb_json()) {
            let body = serde_json::to_vec(&v).unwrap();
            if let Ok(r) = interpret(RawResponse { status: 200, body, rate_limit_reset_ms: None, location: None }) {
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
