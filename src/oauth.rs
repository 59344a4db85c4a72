//! API 2.0: OAuth 2.0 client credentials with a shared, self-refreshing
//! token. One refresh at a time: the lock is held while fetching, so threads
//! that find the token stale wait for that one fetch instead of stampeding.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;
use zeroize::Zeroizing;

use crate::envelope::RawResponse;
use crate::error::{Error, Result, Status};
use crate::sign::required;

/// A bearer token and the moment to stop using it.
struct Token {
    value: Arc<Zeroizing<String>>,
    refresh_at: Instant,
    generation: u64,
}

pub(crate) struct OAuth {
    client_id: String,
    client_secret: Zeroizing<String>,
    // The token, and a counter that numbers every token fetched.
    state: Mutex<(Option<Token>, u64)>,
}

/// A token handed to a request, with the generation needed to invalidate
/// exactly that token after a 401.
pub(crate) struct Lease {
    pub value: Arc<Zeroizing<String>>,
    pub generation: u64,
}

impl OAuth {
    pub(crate) fn new(client_id: &str, client_secret: &str) -> Result<OAuth> {
        let client_id = required("client id", client_id)?;
        let client_secret = required("client secret", client_secret)?;
        Ok(OAuth {
            client_id: client_id.to_owned(),
            client_secret: Zeroizing::new(client_secret.to_owned()),
            state: Mutex::new((None, 0)),
        })
    }

    pub(crate) fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The form body of a token request.
    pub(crate) fn token_request_body(&self) -> Zeroizing<String> {
        Zeroizing::new(
            url::form_urlencoded::Serializer::new(String::new())
                .append_pair("client_id", &self.client_id)
                .append_pair("client_secret", &self.client_secret)
                .append_pair("grant_type", "client_credentials")
                .finish(),
        )
    }

    /// The current token, fetched with `fetch` when missing or due for
    /// refresh. Returns whether a fetch happened.
    pub(crate) fn lease(
        &self,
        fetch: impl FnOnce() -> Result<RawResponse>,
    ) -> Result<(Lease, bool)> {
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(token) = state.0.as_ref() {
            if Instant::now() < token.refresh_at {
                return Ok((
                    Lease {
                        value: token.value.clone(),
                        generation: token.generation,
                    },
                    false,
                ));
            }
        }
        let (value, expires_in) = parse_token_response(fetch()?)?;
        state.1 += 1;
        let generation = state.1;
        let token = Token {
            value: Arc::new(value),
            refresh_at: Instant::now() + refresh_after(expires_in),
            generation,
        };
        let lease = Lease {
            value: token.value.clone(),
            generation,
        };
        state.0 = Some(token);
        Ok((lease, true))
    }

    /// Drops the token of `generation` after the server refused it, unless a
    /// newer one already replaced it.
    pub(crate) fn invalidate(&self, generation: u64) {
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if state.0.as_ref().map(|t| t.generation) == Some(generation) {
            state.0 = None;
        }
    }
}

impl fmt::Debug for OAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuth")
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .field("token", &"<redacted>")
            .finish()
    }
}

/// Refresh a minute early, or halfway through a short-lived token.
fn refresh_after(expires_in: Duration) -> Duration {
    let margin = (expires_in / 2).min(Duration::from_secs(60));
    expires_in - margin
}

fn parse_token_response(raw: RawResponse) -> Result<(Zeroizing<String>, Duration)> {
    let status = raw.status;
    if status == 400 || status == 401 || status == 403 {
        return Err(Error::new(
            Status::Unauthorized,
            format!("the OAuth token request was refused (HTTP {status}); check the API 2.0 client id and client secret"),
        )
        .with_http_status(status));
    }
    if !(200..300).contains(&status) {
        return Err(crate::envelope::interpret(raw).err().unwrap_or_else(|| {
            Error::new(
                Status::HttpError,
                format!("the OAuth token request answered HTTP {status}"),
            )
            .with_http_status(status)
        }));
    }
    let json: Value = serde_json::from_slice(&raw.body).map_err(|_| {
        Error::new(
            Status::MalformedResponse,
            "the OAuth token response is not JSON",
        )
        .with_http_status(status)
    })?;
    let token = json
        .get("access_token")
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            Error::new(
                Status::MalformedResponse,
                "the OAuth token response has no access_token",
            )
            .with_http_status(status)
        })?;
    if token.bytes().any(|b| b <= 0x20 || b == 0x7f) {
        return Err(Error::new(
            Status::MalformedResponse,
            "the OAuth access token contains invalid characters",
        ));
    }
    let expires_in = json
        .get("expires_in")
        .and_then(Value::as_f64)
        .filter(|s| s.is_finite() && *s > 0.0)
        .unwrap_or(1800.0);
    Ok((
        Zeroizing::new(token.to_owned()),
        Duration::from_secs_f64(expires_in.min(86_400.0)),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(status: u16, body: &str) -> RawResponse {
        RawResponse::test(status, body)
    }

    #[test]
    fn token_is_cached_until_refresh_time() {
        let oauth = OAuth::new("id", "secret").unwrap();
        let (a, fetched) = oauth
            .lease(|| Ok(raw(200, r#"{"access_token":"T1","expires_in":1800}"#)))
            .unwrap();
        assert!(fetched);
        let (b, fetched) = oauth.lease(|| panic!("must not fetch")).unwrap();
        assert!(!fetched);
        assert_eq!(a.value.as_str(), b.value.as_str());
    }

    #[test]
    fn invalidate_only_drops_the_named_generation() {
        let oauth = OAuth::new("id", "secret").unwrap();
        let (a, _) = oauth
            .lease(|| Ok(raw(200, r#"{"access_token":"T1","expires_in":1800}"#)))
            .unwrap();
        oauth.invalidate(a.generation + 5);
        assert!(!oauth.lease(|| panic!("still cached")).unwrap().1);
        oauth.invalidate(a.generation);
        let (b, fetched) = oauth
            .lease(|| Ok(raw(200, r#"{"access_token":"T2","expires_in":1800}"#)))
            .unwrap();
        assert!(fetched);
        assert_eq!(b.value.as_str(), "T2");
        assert_eq!(b.generation, a.generation + 1);
    }

    #[test]
    fn refresh_is_early() {
        assert_eq!(
            refresh_after(Duration::from_secs(1800)),
            Duration::from_secs(1740)
        );
        assert_eq!(
            refresh_after(Duration::from_secs(2)),
            Duration::from_secs(1)
        );
    }

    #[test]
    fn bad_token_responses_are_errors_without_secrets() {
        let oauth = OAuth::new("id", "s3cr3t").unwrap();
        let e = oauth
            .lease(|| Ok(raw(401, r#"{"error":"invalid_client"}"#)))
            .err()
            .unwrap();
        assert_eq!(e.status(), Status::Unauthorized);
        assert!(!e.message().contains("s3cr3t"));
        let e = oauth.lease(|| Ok(raw(200, "{}"))).err().unwrap();
        assert_eq!(e.status(), Status::MalformedResponse);
        assert!(!format!("{oauth:?}").contains("s3cr3t"));
        assert!(oauth
            .token_request_body()
            .contains("grant_type=client_credentials"));
    }
}
