//! Retry decisions: 429 waits at least `X-RateLimit-Reset`; 5xx and broken
//! connections back off exponentially with jitter; all within a budget.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, Instant};

use crate::error::{Error, Status};
use crate::log::Log;
use crate::options::{LogLevel, RetryPolicy};

/// How long to wait before retrying after `error`, or `None` when the error
/// is not worth retrying (bad keys, bad input, API failures, timeouts).
/// `idempotent` says whether repeating a request that may have been
/// processed is harmless; a 429 or a connection that never opened is always
/// safe to retry.
pub(crate) fn delay_for(
    policy: &RetryPolicy,
    retries_done: u32,
    error: &Error,
    idempotent: bool,
) -> Option<Duration> {
    if error.may_have_been_processed() && !idempotent {
        return None;
    }
    match error.status() {
        Status::RateLimited => {
            // Without a Reset header, one backoff step is the best guess.
            let reset = error
                .retry_after_ms()
                .map(Duration::from_millis)
                .unwrap_or_else(|| backoff(policy, retries_done));
            // Never earlier than Reset; a little later spreads out clients
            // that were all told the same moment.
            let spread = (reset / 10).min(Duration::from_millis(250));
            Some(reset + jitter(spread))
        }
        Status::HttpError if matches!(error.http_status(), Some(500..=599)) => {
            Some(backoff_with_jitter(policy, retries_done))
        }
        Status::Transport => Some(backoff_with_jitter(policy, retries_done)),
        // A timeout while opening the connection (name lookup, TCP, proxy,
        // TLS) sent nothing: retried like a refused connection. A timeout
        // waiting for the answer is not: the next attempt would wait as long.
        Status::Timeout if !error.may_have_been_processed() => {
            Some(backoff_with_jitter(policy, retries_done))
        }
        _ => None,
    }
}

fn backoff(policy: &RetryPolicy, retries_done: u32) -> Duration {
    let factor = 1u32.checked_shl(retries_done.min(20)).unwrap_or(u32::MAX);
    policy
        .base_delay
        .saturating_mul(factor)
        .min(policy.max_delay)
}

/// "Equal jitter": half the step fixed, half random.
fn backoff_with_jitter(policy: &RetryPolicy, retries_done: u32) -> Duration {
    let step = backoff(policy, retries_done);
    step / 2 + jitter(step / 2)
}

/// A uniformly random duration in [0, max]. `RandomState` is seeded from the
/// OS per instance: enough randomness for spreading retries, without a
/// dependency.
fn jitter(max: Duration) -> Duration {
    let nanos = max.as_nanos() as u64;
    if nanos == 0 {
        return Duration::ZERO;
    }
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(nanos);
    Duration::from_nanos(hasher.finish() % (nanos + 1))
}

/// Runs `attempt` until it succeeds, fails for good, or the policy is spent.
/// Returns the result and how many retries it took.
pub(crate) fn run<T>(
    policy: &RetryPolicy,
    idempotent: bool,
    log: &Log,
    what: &str,
    mut attempt: impl FnMut() -> Result<T, Error>,
) -> (Result<T, Error>, u32) {
    let start = Instant::now();
    let mut retries = 0;
    loop {
        if let Err(e) = crate::cancel::check() {
            return (Err(e), retries);
        }
        let error = match attempt() {
            Ok(v) => return (Ok(v), retries),
            Err(e) => e,
        };
        if retries >= policy.max_retries {
            return (Err(error), retries);
        }
        let delay = match delay_for(policy, retries, &error, idempotent) {
            Some(d) => d,
            None => return (Err(error), retries),
        };
        if start.elapsed() + delay > policy.budget {
            log.emit(LogLevel::Warn, || {
                format!(
                    "{what}: {} and the next wait ({} ms) would exceed the retry budget; giving up",
                    error.status().name(),
                    delay.as_millis()
                )
            });
            return (Err(error), retries);
        }
        log.emit(LogLevel::Warn, || {
            format!(
                "{what}: {} (HTTP {}); retry {} in {} ms",
                error.status().name(),
                error.http_status().unwrap_or(0),
                retries + 1,
                delay.as_millis()
            )
        });
        if let Err(e) = crate::cancel::sleep(delay) {
            return (Err(e), retries);
        }
        retries += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> RetryPolicy {
        RetryPolicy::default()
    }

    #[test]
    fn rate_limit_waits_at_least_reset() {
        let e = Error::new(Status::RateLimited, "x").with_retry_after_ms(Some(1500));
        for _ in 0..50 {
            let d = delay_for(&policy(), 0, &e, true).unwrap();
            assert!(
                d >= Duration::from_millis(1500) && d <= Duration::from_millis(1650),
                "{d:?}"
            );
        }
    }

    #[test]
    fn server_errors_back_off_exponentially_within_bounds() {
        let e = Error::new(Status::HttpError, "x").with_http_status(503);
        for n in 0..8 {
            let step = backoff(&policy(), n);
            let d = delay_for(&policy(), n, &e, true).unwrap();
            assert!(d >= step / 2 && d <= step, "{n}: {d:?} vs {step:?}");
            assert!(step <= policy().max_delay);
        }
        assert_eq!(backoff(&policy(), 1), Duration::from_millis(500));
    }

    #[test]
    fn permanent_errors_are_not_retried() {
        for e in [
            Error::new(Status::Unauthorized, "x").with_http_status(401),
            Error::new(Status::HttpError, "x").with_http_status(404),
            Error::new(Status::ApiFailure, "x"),
            Error::new(Status::Timeout, "x").maybe_delivered(),
            Error::new(Status::InvalidArgument, "x"),
        ] {
            assert_eq!(delay_for(&policy(), 0, &e, true), None, "{e:?}");
        }
    }

    #[test]
    fn run_counts_retries_and_respects_max() {
        let p = RetryPolicy {
            max_retries: 2,
            base_delay: Duration::from_millis(1),
            ..policy()
        };
        let mut calls = 0;
        let (r, retries) = run(&p, true, &Log::default(), "t", || -> Result<(), Error> {
            calls += 1;
            Err(Error::new(Status::Transport, "x"))
        });
        assert!(r.is_err());
        assert_eq!((calls, retries), (3, 2));
        let mut calls = 0;
        let (r, retries) = run(&p, true, &Log::default(), "t", || {
            calls += 1;
            if calls < 2 {
                Err(Error::new(Status::Transport, "x"))
            } else {
                Ok(7)
            }
        });
        assert_eq!((r.unwrap(), retries), (7, 1));
    }

    #[test]
    fn possibly_processed_requests_are_retried_only_when_idempotent() {
        let server = Error::new(Status::HttpError, "x").with_http_status(502);
        let broken = Error::new(Status::Transport, "x").maybe_delivered();
        let refused = Error::new(Status::Transport, "x");
        let connect_timeout = Error::new(Status::Timeout, "x");
        let limited = Error::new(Status::RateLimited, "x").with_retry_after_ms(Some(10));
        for e in [&server, &broken] {
            assert!(delay_for(&policy(), 0, e, true).is_some());
            assert_eq!(delay_for(&policy(), 0, e, false), None, "{e:?}");
        }
        for e in [&refused, &limited, &connect_timeout] {
            assert!(delay_for(&policy(), 0, e, false).is_some(), "{e:?}");
        }
    }

    #[test]
    fn budget_stops_long_waits() {
        let p = RetryPolicy {
            budget: Duration::from_millis(100),
            ..policy()
        };
        let (r, retries) = run(&p, true, &Log::default(), "t", || -> Result<(), Error> {
            Err(Error::new(Status::RateLimited, "x").with_retry_after_ms(Some(5000)))
        });
        assert!(r.is_err());
        assert_eq!(retries, 0);
    }
}
