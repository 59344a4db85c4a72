//! Cancelling calls in flight.
//!
//! A [`Cancel`] is a flag that any thread may raise. Attached to a thread,
//! it governs every call that thread makes until it is detached: each
//! blocking step of a call waits in short slices and checks the flag
//! between them (socket reads and writes, the TLS handshake, the proxy
//! tunnel, name lookup, opening the connection, retry back-offs, waiting
//! for another call's OAuth token), so a call returns MC_STATUS_CANCELLED
//! within about one slice of the cancel. Raising the flag is a single
//! atomic store: safe from any thread and from a signal handler.

use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::error::{Error, Result, Status};

/// How long any wait lasts before the flag is checked again.
pub(crate) const SLICE: Duration = Duration::from_millis(20);

/// A cancellation flag, shared by cloning.
#[derive(Clone, Default, Debug)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    pub fn new() -> Cancel {
        Cancel::default()
    }

    /// Raises the flag: every call governed by it stops.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }

    /// Governs the calls this thread makes until the guard drops (the
    /// previous attachment, if any, comes back then).
    pub fn attach(&self) -> Attached {
        Attached {
            previous: ATTACHED.with(|a| a.replace(Some(self.clone()))),
        }
    }
}

thread_local! {
    static ATTACHED: RefCell<Option<Cancel>> = const { RefCell::new(None) };
}

/// Detaches on drop.
pub struct Attached {
    previous: Option<Cancel>,
}

impl Drop for Attached {
    fn drop(&mut self) {
        let previous = self.previous.take();
        ATTACHED.with(|a| *a.borrow_mut() = previous);
    }
}

/// Attaches without a guard (for the C API, whose caller detaches).
pub(crate) fn attach_raw(cancel: Option<Cancel>) {
    ATTACHED.with(|a| *a.borrow_mut() = cancel);
}

/// The flag governing this thread's calls, if any.
pub(crate) fn current() -> Option<Cancel> {
    ATTACHED.with(|a| a.borrow().clone())
}

pub(crate) fn cancelled_error() -> Error {
    Error::new(
        Status::Cancelled,
        "the call was cancelled (mc_cancel_cancel or the binding's cancellation)",
    )
}

/// Fails with MC_STATUS_CANCELLED when this thread's flag is raised.
pub(crate) fn check() -> Result<()> {
    match current() {
        Some(c) if c.is_cancelled() => Err(cancelled_error()),
        _ => Ok(()),
    }
}

/// Sleeps for `d`, or less when this thread's flag is raised (then the
/// error).
pub(crate) fn sleep(d: Duration) -> Result<()> {
    let until = Instant::now() + d;
    let cancel = current();
    loop {
        if let Some(c) = &cancel {
            if c.is_cancelled() {
                return Err(cancelled_error());
            }
        }
        let left = match until.checked_duration_since(Instant::now()) {
            Some(l) if !l.is_zero() => l,
            _ => return Ok(()),
        };
        std::thread::sleep(if cancel.is_some() {
            left.min(SLICE)
        } else {
            left
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sleeps_end_early_when_cancelled() {
        let c = Cancel::new();
        let _a = c.attach();
        let raiser = c.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(100));
            raiser.cancel();
        });
        let started = Instant::now();
        let e = sleep(Duration::from_secs(10)).unwrap_err();
        assert_eq!(e.status(), Status::Cancelled);
        assert!(started.elapsed() < Duration::from_secs(2));
    }

    #[test]
    fn attachment_is_per_thread_and_nests() {
        let a = Cancel::new();
        let b = Cancel::new();
        b.cancel();
        {
            let _ga = a.attach();
            assert!(check().is_ok());
            {
                let _gb = b.attach();
                assert!(check().is_err());
            }
            assert!(check().is_ok());
            std::thread::spawn(|| assert!(current().is_none()))
                .join()
                .unwrap();
        }
        assert!(current().is_none());
    }
}
