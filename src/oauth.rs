//! API 2.0: OAuth 2.0 client credentials with a shared, self-refreshing
//! token.
//!
//! One fetch at a time, and nobody waits longer than their own deadline:
//! the first caller that finds the token missing or stale fetches it without
//! holding the lock; the others wait for that fetch (or until their own
//! deadline) and share its outcome, success or failure, instead of queueing
//! one fetch after another behind a hanging server.

use std::fmt;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde::Deserialize;
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

#[derive(Default)]
struct State {
    token: Option<Token>,
    /// Numbers every token fetched.
    generation: u64,
    /// A fetch is in progress.
    fetching: bool,
    /// Numbers every fetch started, and the outcome of the last finished
    /// one (None: it succeeded).
    fetches: u64,
    last_outcome: Option<(u64, Option<Error>)>,
}

pub(crate) struct OAuth {
    client_id: String,
    client_secret: Zeroizing<String>,
    state: Mutex<State>,
    changed: Condvar,
}

/// A token handed to a request, with the generation needed to invalidate
/// exactly that token after a 401.
pub(crate) struct Lease {
    pub value: Arc<Zeroizing<String>>,
    pub generation: u64,
}

/// Shortest lifetime trusted: a server claiming a token lasts a nanosecond
/// would otherwise get a token request before every call; with this floor
/// it gets at most one a second.
const MIN_LIFETIME: Duration = Duration::from_secs(2);
/// Longest lifetime trusted.
const MAX_LIFETIME: Duration = Duration::from_secs(86_400);

impl OAuth {
    pub(crate) fn new(client_id: &str, client_secret: &str) -> Result<OAuth> {
        let client_id = required("client id", client_id)?;
        let client_secret = required("client secret", client_secret)?;
        Ok(OAuth {
            client_id: client_id.to_owned(),
            client_secret: Zeroizing::new(client_secret.to_owned()),
            state: Mutex::new(State::default()),
            changed: Condvar::new(),
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

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The current token, fetched with `fetch` when missing or due for
    /// refresh, waiting no later than `deadline` for a fetch another caller
    /// started. Returns whether this call fetched.
    pub(crate) fn lease(
        &self,
        deadline: Instant,
        fetch: impl FnOnce() -> Result<RawResponse>,
    ) -> Result<(Lease, bool)> {
        let mut state = self.lock();
        loop {
            if let Some(token) = state.token.as_ref() {
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
            if !state.fetching {
                break;
            }
            // Someone else is fetching: wait for that fetch's outcome.
            let awaited = state.fetches;
            while state.fetching && state.fetches == awaited {
                let left = match deadline.checked_duration_since(Instant::now()) {
                    Some(d) if !d.is_zero() => d,
                    _ => {
                        return Err(Error::new(
                            Status::Timeout,
                            "the request timed out waiting for the OAuth token that another call is fetching",
                        ))
                    }
                };
                crate::cancel::check()?;
                // Short waits, so that a cancel is seen promptly.
                state = self
                    .changed
                    .wait_timeout(state, left.min(crate::cancel::SLICE))
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .0;
            }
            if let Some((id, Some(error))) = &state.last_outcome {
                // A fetch cancelled by its own caller is nobody else's
                // failure: the next waiter fetches instead.
                if *id == awaited && error.status() != Status::Cancelled {
                    return Err(error.clone());
                }
            }
        }
        state.fetching = true;
        state.fetches += 1;
        let this_fetch = state.fetches;
        drop(state);

        // Whatever happens below (a panic included), the fetch ends and the
        // waiters are woken.
        let mut finish = FetchDone {
            oauth: self,
            id: this_fetch,
            outcome: Some(Error::new(
                Status::Internal,
                "the OAuth token fetch did not finish",
            )),
        };
        let (value, lifetime) = match fetch().and_then(parse_token_response) {
            Ok(t) => t,
            Err(e) => {
                finish.outcome = Some(e.clone());
                return Err(e);
            }
        };
        finish.outcome = None;
        let mut state = self.lock();
        state.generation += 1;
        let token = Token {
            value: Arc::new(value),
            refresh_at: Instant::now() + refresh_after(lifetime),
            generation: state.generation,
        };
        let lease = Lease {
            value: token.value.clone(),
            generation: token.generation,
        };
        state.token = Some(token);
        drop(state);
        Ok((lease, true))
    }

    /// Drops the token of `generation` after the server refused it, unless a
    /// newer one already replaced it.
    pub(crate) fn invalidate(&self, generation: u64) {
        let mut state = self.lock();
        if state.token.as_ref().map(|t| t.generation) == Some(generation) {
            state.token = None;
        }
    }
}

/// Ends a fetch when dropped: records its outcome and wakes the waiters.
struct FetchDone<'a> {
    oauth: &'a OAuth,
    id: u64,
    outcome: Option<Error>,
}

impl Drop for FetchDone<'_> {
    fn drop(&mut self) {
        let mut state = self.oauth.lock();
        state.fetching = false;
        state.last_outcome = Some((self.id, self.outcome.take()));
        drop(state);
        self.oauth.changed.notify_all();
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
fn refresh_after(lifetime: Duration) -> Duration {
    let margin = (lifetime / 2).min(Duration::from_secs(60));
    lifetime - margin
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: Option<String>,
    token_type: Option<String>,
    expires_in: Option<serde_json::Value>,
}

fn parse_token_response(raw: RawResponse) -> Result<(Zeroizing<String>, Duration)> {
    let status = raw.status;
    // The body holds the token: wiped when dropped.
    let body = Zeroizing::new(raw.body);
    if status == 400 || status == 401 || status == 403 {
        return Err(Error::new(
            Status::Unauthorized,
            format!("the OAuth token request was refused (HTTP {status}); check the API 2.0 client id and client secret"),
        )
        .with_http_status(status));
    }
    if !(200..300).contains(&status) {
        let raw = RawResponse {
            status,
            body: body.to_vec(),
            headers: raw.headers,
        };
        return Err(crate::envelope::interpret(raw).err().unwrap_or_else(|| {
            Error::new(
                Status::HttpError,
                format!("the OAuth token request answered HTTP {status}"),
            )
            .with_http_status(status)
        }));
    }
    let malformed = |what: &str| {
        Error::new(
            Status::MalformedResponse,
            format!("the OAuth token response {what}"),
        )
        .with_http_status(status)
    };
    let answer: TokenAnswer =
        serde_json::from_slice(&body).map_err(|_| malformed("is not a JSON object"))?;
    let token = Zeroizing::new(answer.access_token.unwrap_or_default());
    if token.is_empty() {
        return Err(malformed("has no access_token"));
    }
    // The token goes into a header: visible ASCII only.
    if !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(malformed(
            "has an access_token with characters a header cannot carry",
        ));
    }
    if let Some(kind) = &answer.token_type {
        if !kind.eq_ignore_ascii_case("bearer") {
            return Err(malformed(&format!(
                "has token_type '{}', but only Bearer tokens are supported",
                crate::text::server_text(kind)
            )));
        }
    }
    let lifetime = answer
        .expires_in
        .as_ref()
        .and_then(|v| v.as_f64())
        .filter(|s| s.is_finite() && *s > 0.0)
        .map(|s| Duration::from_secs_f64(s.min(MAX_LIFETIME.as_secs_f64())))
        .unwrap_or(Duration::from_secs(1800))
        .max(MIN_LIFETIME);
    Ok((token, lifetime))
}

/// How much stack below its caller [`scrub_stack`] zeroes: more than a
/// token exchange reaches (ureq copies a request body through an 8 KiB
/// buffer on the stack, several frames down).
const SCRUBBED_STACK: usize = 32 * 1024;

/// Zeroes the stack just below the caller's frame, where the exchange that
/// just returned left its buffers. The token request's body holds the
/// client secret, and ureq's `io::copy` leaves a copy of it there; the
/// allocator wipes the heap, but a stack is only reused, never freed.
#[inline(never)]
pub(crate) fn scrub_stack() {
    let mut area = [0u64; SCRUBBED_STACK / 8];
    for word in area.iter_mut() {
        // SAFETY: a valid, aligned, exclusively borrowed u64. Volatile, so
        // the stores to a dead array are not optimised away.
        unsafe { std::ptr::write_volatile(word, 0) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn raw(status: u16, body: &str) -> RawResponse {
        RawResponse::test(status, body)
    }

    fn soon() -> Instant {
        Instant::now() + Duration::from_secs(5)
    }

    #[test]
    fn token_is_cached_until_refresh_time() {
        let oauth = OAuth::new("id", "secret").unwrap();
        let (a, fetched) = oauth
            .lease(soon(), || {
                Ok(raw(200, r#"{"access_token":"T1","expires_in":1800}"#))
            })
            .unwrap();
        assert!(fetched);
        let (b, fetched) = oauth.lease(soon(), || panic!("must not fetch")).unwrap();
        assert!(!fetched);
        assert_eq!(a.value.as_str(), b.value.as_str());
    }

    #[test]
    fn invalidate_only_drops_the_named_generation() {
        let oauth = OAuth::new("id", "secret").unwrap();
        let (a, _) = oauth
            .lease(soon(), || {
                Ok(raw(200, r#"{"access_token":"T1","expires_in":1800}"#))
            })
            .unwrap();
        oauth.invalidate(a.generation + 5);
        assert!(!oauth.lease(soon(), || panic!("still cached")).unwrap().1);
        oauth.invalidate(a.generation);
        let (b, fetched) = oauth
            .lease(soon(), || {
                Ok(raw(200, r#"{"access_token":"T2","expires_in":1800}"#))
            })
            .unwrap();
        assert!(fetched);
        assert_eq!(b.value.as_str(), "T2");
        assert_eq!(b.generation, a.generation + 1);
    }

    #[test]
    fn refresh_is_early_and_lifetimes_are_bounded() {
        assert_eq!(
            refresh_after(Duration::from_secs(1800)),
            Duration::from_secs(1740)
        );
        assert_eq!(
            refresh_after(Duration::from_secs(2)),
            Duration::from_secs(1)
        );
        let (_, lifetime) =
            parse_token_response(raw(200, r#"{"access_token":"T","expires_in":1e-9}"#)).unwrap();
        assert_eq!(lifetime, MIN_LIFETIME);
        let (_, lifetime) =
            parse_token_response(raw(200, r#"{"access_token":"T","expires_in":1e300}"#)).unwrap();
        assert_eq!(lifetime, MAX_LIFETIME);
    }

    #[test]
    fn bad_token_responses_are_errors_without_secrets() {
        let oauth = OAuth::new("id", "s3cr3t").unwrap();
        let e = oauth
            .lease(soon(), || Ok(raw(401, r#"{"error":"invalid_client"}"#)))
            .err()
            .unwrap();
        assert_eq!(e.status(), Status::Unauthorized);
        assert!(!e.message().contains("s3cr3t"));
        for body in [
            "{}",
            r#"{"access_token":"tök"}"#,
            r#"{"access_token":"a b"}"#,
            r#"{"access_token":"T","token_type":"mac"}"#,
            "not json",
        ] {
            let e = oauth.lease(soon(), || Ok(raw(200, body))).err().unwrap();
            assert_eq!(e.status(), Status::MalformedResponse, "{body}");
        }
        assert!(oauth
            .lease(soon(), || Ok(raw(
                200,
                r#"{"access_token":"T","token_type":"bearer"}"#
            )))
            .is_ok());
        assert!(!format!("{oauth:?}").contains("s3cr3t"));
        assert!(oauth
            .token_request_body()
            .contains("grant_type=client_credentials"));
    }

    #[test]
    fn waiters_share_a_failed_fetch_and_keep_their_own_deadline() {
        let oauth = Arc::new(OAuth::new("id", "secret").unwrap());
        let fetches = Arc::new(AtomicUsize::new(0));
        let started = Instant::now();
        let threads: Vec<_> = (0..8)
            .map(|i| {
                let oauth = oauth.clone();
                let fetches = fetches.clone();
                std::thread::spawn(move || {
                    // Thread 0 starts the fetch; the others arrive during it.
                    if i > 0 {
                        std::thread::sleep(Duration::from_millis(100));
                    }
                    let deadline = Instant::now() + Duration::from_secs(3);
                    oauth.lease(deadline, || {
                        fetches.fetch_add(1, Ordering::SeqCst);
                        std::thread::sleep(Duration::from_millis(600));
                        Ok(raw(503, "{}"))
                    })
                })
            })
            .collect();
        for t in threads {
            let e = t.join().unwrap().err().unwrap();
            assert_eq!(e.status(), Status::HttpError);
        }
        // One fetch served all eight, in about its own duration.
        assert_eq!(fetches.load(Ordering::SeqCst), 1);
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{:?}",
            started.elapsed()
        );

        // A waiter whose deadline comes first gives up on its own.
        let oauth = Arc::new(OAuth::new("id", "secret").unwrap());
        let o = oauth.clone();
        let slow = std::thread::spawn(move || {
            o.lease(soon(), || {
                std::thread::sleep(Duration::from_millis(1500));
                Ok(raw(200, r#"{"access_token":"T"}"#))
            })
        });
        std::thread::sleep(Duration::from_millis(100));
        let waited = Instant::now();
        let e = oauth
            .lease(Instant::now() + Duration::from_millis(200), || {
                panic!("not me")
            })
            .err()
            .unwrap();
        assert_eq!(e.status(), Status::Timeout);
        assert!(waited.elapsed() < Duration::from_millis(1200));
        assert!(slow.join().unwrap().is_ok());
    }
}
