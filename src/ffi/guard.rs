//! The plumbing every export uses: the panic boundary, the thread-local last
//! error, and checked conversion of C arguments.

use std::cell::{Cell, RefCell};
use std::ffi::{CStr, CString};
use std::os::raw::c_char;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Once;

use crate::error::{Error, Result, Status};

/// The last failure on this thread, with its strings kept alive as C strings
/// so the `mc_last_error_*` accessors can hand out borrowed pointers.
struct LastError {
    status: Status,
    http_status: i32,
    retry_after_ms: i64,
    message: CString,
    code: CString,
    api_message: CString,
}

impl LastError {
    fn none() -> LastError {
        LastError {
            status: Status::Ok,
            http_status: 0,
            retry_after_ms: -1,
            message: CString::default(),
            code: CString::default(),
            api_message: CString::default(),
        }
    }

    fn is_none(&self) -> bool {
        self.status == Status::Ok
            && self.http_status == 0
            && self.retry_after_ms == -1
            && [&self.message, &self.code, &self.api_message]
                .iter()
                .all(|s| s.as_bytes().is_empty())
    }
}

thread_local! {
    static LAST_ERROR: RefCell<LastError> = RefCell::new(LastError::none());
}

/// C strings cannot hold NUL: replace it rather than lose the whole message.
pub(crate) fn to_cstring(s: &str) -> CString {
    CString::new(s.replace('\0', "\u{FFFD}")).unwrap_or_default()
}

fn set_last_error(e: &Error) {
    let last = LastError {
        status: e.status(),
        http_status: e.http_status().map(i32::from).unwrap_or(0),
        retry_after_ms: e
            .retry_after_ms()
            .map(|ms| ms.min(i64::MAX as u64) as i64)
            .unwrap_or(-1),
        message: to_cstring(e.message()),
        code: to_cstring(e.api_code().unwrap_or("")),
        api_message: to_cstring(e.api_message().unwrap_or("")),
    };
    LAST_ERROR.with(|cell| *cell.borrow_mut() = last);
}

fn clear_last_error() {
    LAST_ERROR.with(|cell| {
        let mut last = cell.borrow_mut();
        // No three empty C strings allocated per successful call.
        if !last.is_none() {
            *last = LastError::none();
        }
    });
}

pub(crate) fn last_status() -> Status {
    LAST_ERROR.with(|cell| cell.borrow().status)
}

pub(crate) fn last_http_status() -> i32 {
    LAST_ERROR.with(|cell| cell.borrow().http_status)
}

pub(crate) fn last_retry_after_ms() -> i64 {
    LAST_ERROR.with(|cell| cell.borrow().retry_after_ms)
}

/// A pointer into the thread-local record: valid until the record is
/// replaced by the next fallible call on this thread.
pub(crate) fn last_string(pick: for<'a> fn(&LastErrorStrings<'a>) -> &'a CString) -> *const c_char {
    LAST_ERROR.with(|cell| {
        let last = cell.borrow();
        let strings = LastErrorStrings {
            message: &last.message,
            code: &last.code,
            api_message: &last.api_message,
        };
        pick(&strings).as_ptr()
    })
}

pub(crate) struct LastErrorStrings<'a> {
    pub message: &'a CString,
    pub code: &'a CString,
    pub api_message: &'a CString,
}

/// Runs the body of a fallible export: clears the last error, catches any
/// panic, records a failure, and returns its status.
///
/// Unwind safety is asserted: after a panic the caller only gets a status,
/// and the objects involved hold no invariant a half-done call could break
/// (the connection pool and token cache recover from poisoning).
pub(crate) fn guard<F>(body: F) -> Status
where
    F: FnOnce() -> Result<()>,
{
    clear_last_error();
    let error = match quietly(body) {
        Ok(Ok(())) => return Status::Ok,
        Ok(Err(e)) => e,
        Err(_) => Error::new(
            Status::Internal,
            "internal error in libmimecast (a caught panic); please report it",
        ),
    };
    set_last_error(&error);
    error.status()
}

/// Runs the body of an infallible export (the `_free` functions): a panic is
/// swallowed, because unwinding into C is undefined behaviour.
pub(crate) fn guard_void<F: FnOnce()>(body: F) {
    let _ = quietly(body);
}

thread_local! {
    // How deep this thread is inside calls through the C ABI.
    static INSIDE: Cell<u32> = const { Cell::new(0) };
}

static QUIET_HOOK: Once = Once::new();

/// Runs `body`, catching a panic without letting Rust's panic message reach
/// the host's stderr: a library must not write there. The hook installed
/// once stays silent only for panics on a thread that is inside a call into
/// the library, and hands every other panic to the hook it replaced.
fn wrap_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if INSIDE.with(Cell::get) == 0 {
            previous(info);
        }
    }));
}

fn quietly<T>(body: impl FnOnce() -> T) -> std::thread::Result<T> {
    QUIET_HOOK.call_once(wrap_panic_hook);
    INSIDE.with(|c| c.set(c.get() + 1));
    let result = catch_unwind(AssertUnwindSafe(body));
    INSIDE.with(|c| c.set(c.get() - 1));
    result
}

/// Borrows a required UTF-8 string argument.
///
/// # Safety
/// `ptr` is NULL or points to a NUL-terminated string that outlives the call.
pub(crate) unsafe fn str_arg<'a>(name: &str, ptr: *const c_char) -> Result<&'a str> {
    match opt_str_arg(name, ptr)? {
        Some(s) => Ok(s),
        None => Err(Error::invalid_argument(format!("{name} is NULL"))),
    }
}

/// Borrows an optional UTF-8 string argument (NULL means absent).
///
/// # Safety
/// As for [`str_arg`].
pub(crate) unsafe fn opt_str_arg<'a>(name: &str, ptr: *const c_char) -> Result<Option<&'a str>> {
    if ptr.is_null() {
        return Ok(None);
    }
    CStr::from_ptr(ptr)
        .to_str()
        .map(Some)
        .map_err(|_| Error::invalid_argument(format!("{name} is not valid UTF-8")))
}

/// Borrows the object behind a handle.
///
/// # Safety
/// `ptr` is NULL or a live handle of this type.
pub(crate) unsafe fn handle_ref<'a, T>(name: &str, ptr: *const T) -> Result<&'a T> {
    ptr.as_ref()
        .ok_or_else(|| Error::invalid_argument(format!("{name} is NULL")))
}

/// Checks an output argument before any work is done.
pub(crate) fn out_arg<T>(name: &str, ptr: *mut T) -> Result<()> {
    if ptr.is_null() {
        return Err(Error::invalid_argument(format!(
            "the output argument {name} is NULL"
        )));
    }
    Ok(())
}

/// Mutably borrows the object behind a handle.
///
/// # Safety
/// `ptr` is NULL or a live handle of this type, not used by another thread.
pub(crate) unsafe fn handle_mut<'a, T>(name: &str, ptr: *mut T) -> Result<&'a mut T> {
    ptr.as_mut()
        .ok_or_else(|| Error::invalid_argument(format!("{name} is NULL")))
}

thread_local! {
    static LAST_RETRIES: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// Records how many retries the last request call on this thread needed.
pub(crate) fn set_last_retries(n: u32) {
    LAST_RETRIES.with(|c| c.set(n));
}

pub(crate) fn last_retries() -> u32 {
    LAST_RETRIES.with(|c| c.get())
}

/// Runs a request and records its retry count, on success and failure alike.
pub(crate) fn counting_retries<T>(result: Result<T>, retries_of: impl Fn(&T) -> u32) -> Result<T> {
    set_last_retries(match &result {
        Ok(v) => retries_of(v),
        Err(e) => e.retries(),
    });
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    thread_local! {
        static HOOK_RAN: Cell<u32> = const { Cell::new(0) };
    }

    #[test]
    fn panics_inside_calls_are_silent_and_become_internal() {
        // The host's hook (recording, per thread), then the library's
        // wrapper around it, as the first call into the library installs.
        std::panic::set_hook(Box::new(|_| HOOK_RAN.with(|h| h.set(h.get() + 1))));
        QUIET_HOOK.call_once(|| {});
        wrap_panic_hook();
        let status = guard(|| panic!("boom inside a call"));
        assert_eq!(status, Status::Internal);
        assert_eq!(
            HOOK_RAN.with(Cell::get),
            0,
            "a library panic reached the host's hook"
        );
        assert_eq!(INSIDE.with(Cell::get), 0);
        // Outside a call, the host's hook still sees its own panics.
        let _ = catch_unwind(|| panic!("boom outside"));
        assert_eq!(
            HOOK_RAN.with(Cell::get),
            1,
            "the host's hook lost a panic of its own"
        );
        let _ = std::panic::take_hook();
    }
}
