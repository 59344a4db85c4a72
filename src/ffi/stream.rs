//! The C API of event streams (mc_stream_*): SIEM pulls with checkpoints.

use std::ffi::CString;
use std::os::raw::c_char;
use std::path::PathBuf;
use std::ptr;
use std::time::Duration;

use super::guard::{guard, guard_void, handle_mut, handle_ref, opt_str_arg, out_arg, str_arg};
use super::mc_client;
use crate::error::{mc_status, Error};
use crate::siem::{EventStream, StreamKind, StreamOptions};

/// What an event stream pulls: made by mc_stream_options_new(), changed by
/// the mc_stream_options_*() functions, read by mc_stream_open() (which
/// copies it), freed by mc_stream_options_free().
pub struct mc_stream_options {
    inner: StreamOptions,
}

/// A pull of SIEM events, batch by batch, with an optional checkpoint file.
/// Made by mc_stream_open(), freed by mc_stream_free(). Not thread-safe:
/// one thread at a time (other calls on the same client may run elsewhere).
pub struct mc_stream {
    inner: EventStream,
    // The event last returned, NUL-terminated, and the batch's file name.
    event: Vec<u8>,
    file: Option<CString>,
}

/// Progress of a stream, as mc_stream_stats() reports it (a separate name:
/// C keeps one namespace for types and functions).
#[repr(C)]
pub struct mc_stream_progress {
    /// Events handed out since the stream was opened.
    pub events: u64,
    /// Bytes of those events (decompressed JSON).
    pub bytes: u64,
    /// Batches acknowledged since the stream was opened.
    pub batches: u64,
    /// Events acknowledged over the checkpoint's whole life.
    pub total_events: u64,
    /// Bytes acknowledged over the checkpoint's whole life.
    pub total_bytes: u64,
}

/// Options for a stream of `kind`, one of the mc_stream_kind values
/// (MC_STREAM_KIND_SIEM_V1, _BATCH, _STREAM; an integer so that no value is
/// undefined behaviour). Defaults: the source's default endpoint and event
/// type (MTA for 1.0, receipt for batch, all for streaming), a start seven
/// days ago, the service's page size, no checkpoint, no follow (60 s polls
/// when following), batches of at most 256 MiB decompressed. Free with
/// mc_stream_options_free().
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn mc_stream_options_new(
    kind: u32,
    out: *mut *mut mc_stream_options,
) -> mc_status {
    guard(|| {
        out_arg("out", out)?;
        let kind = StreamKind::from_u32(kind).ok_or_else(|| {
            Error::invalid_argument(
                "kind must be MC_STREAM_KIND_SIEM_V1 (1), MC_STREAM_KIND_BATCH (2) or MC_STREAM_KIND_STREAM (3)",
            )
        })?;
        *out = Box::into_raw(Box::new(mc_stream_options {
            inner: StreamOptions::new(kind),
        }));
        Ok(())
    })
}

/// Frees stream options. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn mc_stream_options_free(options: *mut mc_stream_options) {
    if !options.is_null() {
        guard_void(|| drop(Box::from_raw(options)));
    }
}

/// Adds an event type (e.g. "MTA" for 1.0, "receipt" for 2.0). The 1.0 and
/// batch sources take one type per stream; streaming takes several.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn mc_stream_options_add_type(
    options: *mut mc_stream_options,
    event_type: *const c_char,
) -> mc_status {
    guard(|| {
        let o = handle_mut("options", options)?;
        o.inner
            .types
            .push(str_arg("event_type", event_type)?.to_owned());
        Ok(())
    })
}

/// Where a first pull starts: "YYYY-MM-DD", or for streaming also
/// "YYYY-MM-DDTHH:MM:SS.fffZ" (UTC). NULL for the default (seven days ago).
/// Checked by mc_stream_open().
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn mc_stream_options_set_start(
    options: *mut mc_stream_options,
    start: *const c_char,
) -> mc_status {
    guard(|| {
        let o = handle_mut("options", options)?;
        o.inner.start = opt_str_arg("start", start)?.map(str::to_owned);
        Ok(())
    })
}

/// Where the pull ends (same forms as the start); NULL for none.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn mc_stream_options_set_end(
    options: *mut mc_stream_options,
    end: *const c_char,
) -> mc_status {
    guard(|| {
        let o = handle_mut("options", options)?;
        o.inner.end = opt_str_arg("end", end)?.map(str::to_owned);
        Ok(())
    })
}

/// Files (batch source) or events (streaming) a page; 0 for the service's
/// default.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn mc_stream_options_set_page_size(
    options: *mut mc_stream_options,
    page_size: u32,
) -> mc_status {
    guard(|| {
        handle_mut("options", options)?.inner.page_size = page_size;
        Ok(())
    })
}

/// The checkpoint file (NULL for none: the position then lives only as
/// long as the stream). A missing file is a first run; a file that is
/// corrupt or belongs to another account, kind of stream or query (event
/// types, path, end date) makes mc_stream_open() fail with
/// MC_STATUS_CHECKPOINT. The start date is not part of the query: it
/// applies to a first run only, so a start computed on each run resumes.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn mc_stream_options_set_checkpoint(
    options: *mut mc_stream_options,
    path: *const c_char,
) -> mc_status {
    guard(|| {
        let o = handle_mut("options", options)?;
        let path = opt_str_arg("path", path)?;
        if path == Some("") {
            return Err(Error::invalid_argument("the checkpoint path is empty"));
        }
        o.inner.checkpoint = path.map(PathBuf::from);
        Ok(())
    })
}

/// Follow mode: when caught up, wait `poll_interval_ms` (at least 1000) and
/// look again, instead of ending the pull; rate limits are waited out.
/// Stop a follower with an mc_cancel flag.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn mc_stream_options_set_follow(
    options: *mut mc_stream_options,
    follow: bool,
    poll_interval_ms: u32,
) -> mc_status {
    guard(|| {
        let o = handle_mut("options", options)?;
        if follow && poll_interval_ms < 1000 {
            return Err(Error::invalid_argument(
                "the poll interval must be at least 1000 ms",
            ));
        }
        o.inner.follow = follow;
        if follow {
            o.inner.poll_interval = Duration::from_millis(u64::from(poll_interval_ms));
        }
        Ok(())
    })
}

/// The endpoint path, for a variant of the source (for example
/// /siem/v1/batch/events/ci for Cloud Integrated accounts); NULL for the
/// default.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn mc_stream_options_set_path(
    options: *mut mc_stream_options,
    path: *const c_char,
) -> mc_status {
    guard(|| {
        let o = handle_mut("options", options)?;
        o.inner.path = opt_str_arg("path", path)?.map(str::to_owned);
        Ok(())
    })
}

/// The most bytes one batch may decompress to (> 0): a larger file is
/// refused with MC_STATUS_RESPONSE_TOO_LARGE as a possible bomb.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn mc_stream_options_set_max_batch_bytes(
    options: *mut mc_stream_options,
    bytes: u64,
) -> mc_status {
    guard(|| {
        let o = handle_mut("options", options)?;
        if bytes == 0 {
            return Err(Error::invalid_argument(
                "the batch size limit must be at least 1 byte",
            ));
        }
        o.inner.max_batch_bytes = bytes;
        Ok(())
    })
}

/// Opens a pull, resuming from the checkpoint file when there is one. No
/// request is made here. The stream keeps the client alive. Free with
/// mc_stream_free().
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn mc_stream_open(
    client: *const mc_client,
    options: *const mc_stream_options,
    out: *mut *mut mc_stream,
) -> mc_status {
    guard(|| {
        out_arg("out", out)?;
        let client = handle_ref("client", client)?;
        let options = handle_ref("options", options)?;
        let stream = EventStream::open(client.inner.clone(), options.inner.clone())?;
        *out = Box::into_raw(Box::new(mc_stream {
            inner: stream,
            event: Vec::new(),
            file: None,
        }));
        Ok(())
    })
}

/// Frees a stream. NULL is ignored. What was not acknowledged is not saved.
#[no_mangle]
pub unsafe extern "C" fn mc_stream_free(stream: *mut mc_stream) {
    if !stream.is_null() {
        guard_void(|| drop(Box::from_raw(stream)));
    }
}

/// Moves to the next batch (a file or a page), fetching it. On success
/// `*has_batch` is true, or false when the pull is caught up (never in
/// follow mode: it waits and polls, until a batch comes or the call is
/// cancelled). The batch before must have been acknowledged
/// (MC_STATUS_INVALID_ARGUMENT otherwise). Blocks like mc_send() for each
/// request, plus the follow mode's waits.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn mc_stream_next_batch(
    stream: *mut mc_stream,
    has_batch: *mut bool,
) -> mc_status {
    guard(|| {
        out_arg("has_batch", has_batch)?;
        let s = handle_mut("stream", stream)?;
        let has = s.inner.next_batch()?;
        s.file = s.inner.batch_file().map(super::guard::to_cstring);
        *has_batch = has;
        Ok(())
    })
}

/// The next event of the current batch: on success `*event_json` points to
/// its JSON text, NUL-terminated, `*len` bytes long (NULL and 0 when the
/// batch has no more events). Borrowed: valid until the next call on this
/// stream. Events are decompressed as they are read.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn mc_stream_next_event(
    stream: *mut mc_stream,
    event_json: *mut *const c_char,
    len: *mut usize,
) -> mc_status {
    guard(|| {
        out_arg("event_json", event_json)?;
        out_arg("len", len)?;
        let s = handle_mut("stream", stream)?;
        let event = s.inner.next_event()?;
        match event {
            Some(text) => {
                s.event.clear();
                s.event.extend_from_slice(text.as_bytes());
                s.event.push(0);
                *len = s.event.len() - 1;
                *event_json = s.event.as_ptr() as *const c_char;
            }
            None => {
                *len = 0;
                *event_json = ptr::null();
            }
        }
        if s.inner.batch_file().map(str::as_bytes) != s.file.as_ref().map(|c| c.as_bytes()) {
            s.file = s.inner.batch_file().map(super::guard::to_cstring);
        }
        Ok(())
    })
}

/// The file the current batch (for API 1.0, the event last returned) came
/// from, or NULL. Borrowed: valid until the next call on this stream.
#[no_mangle]
pub unsafe extern "C" fn mc_stream_batch_file(stream: *const mc_stream) -> *const c_char {
    match stream.as_ref().and_then(|s| s.file.as_ref()) {
        Some(f) => f.as_ptr(),
        None => ptr::null(),
    }
}

/// Acknowledges the current batch: the caller has handled its events. The
/// position moves past it and, with a checkpoint file, is saved atomically
/// (temporary file, flush, rename). If saving fails (MC_STATUS_IO: disk
/// full, read-only) the previous checkpoint stays and the batch may be
/// acknowledged again. After a crash, at most the batch that was not
/// acknowledged is delivered again; nothing is skipped.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn mc_stream_ack(stream: *mut mc_stream) -> mc_status {
    guard(|| {
        let s = handle_mut("stream", stream)?;
        s.inner.ack()?;
        s.file = None;
        Ok(())
    })
}

/// Progress so far: on success `*out` is filled in.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn mc_stream_stats(
    stream: *const mc_stream,
    out: *mut mc_stream_progress,
) -> mc_status {
    guard(|| {
        out_arg("out", out)?;
        let s = handle_ref("stream", stream)?;
        let st = s.inner.stats();
        *out = mc_stream_progress {
            events: st.events,
            bytes: st.bytes,
            batches: st.batches,
            total_events: st.total_events,
            total_bytes: st.total_bytes,
        };
        Ok(())
    })
}
