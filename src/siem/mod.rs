//! Event streams with checkpoints: pulling SIEM logs the way a production
//! collector must, once for every language.
//!
//! Three sources (shared/mimecast-api.md, "Logs and SIEM"):
//! - [`StreamKind::SiemV1`]: API 1.0 `POST /api/audit/get-siem-logs`, a file
//!   (a zip of JSON) per call with the next token in `mc-siem-token`, JSON
//!   with `meta.isLastToken` when caught up;
//! - [`StreamKind::Batch`]: API 2.0 `GET /siem/v1/batch/events/cg`, pages of
//!   presigned links to gzip files of newline-delimited events on a storage
//!   host, fetched without any credential;
//! - [`StreamKind::Stream`]: API 2.0 `GET /siem/v1/events/cg`, pages of
//!   events.
//!
//! A pull goes batch by batch: a batch is one file (1.0, batch) or one page
//! (stream); its events come one at a time, decompressed as they are read,
//! so memory holds one compressed file and one event. The caller
//! acknowledges a batch once it has handled it; only then does the position
//! move, and, with a checkpoint file, only then is it saved. Delivery is at
//! least once: after a crash, at most the batch that was not acknowledged
//! comes again, and nothing is skipped.

mod checkpoint;
mod decode;

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use url::Url;

use crate::call::{Call, ResponseMode};
use crate::client::Client;
use crate::error::{Error, Result, Status};
use crate::options::LogLevel;
use checkpoint::{Identity, Position};
use decode::Events;

pub use decode::MAX_EVENT_BYTES;

/// Which source a stream pulls.
#[repr(C)]
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum mc_stream_kind {
    /// API 1.0 SIEM logs (`/api/audit/get-siem-logs`), zip files.
    SiemV1 = 1,
    /// API 2.0 batch (`/siem/v1/batch/events/cg`), gzip files by link.
    Batch = 2,
    /// API 2.0 streaming (`/siem/v1/events/cg`), pages of events.
    Stream = 3,
}

/// The Rust name of the stream kind.
pub type StreamKind = mc_stream_kind;

impl StreamKind {
    pub(crate) fn from_u32(v: u32) -> Option<StreamKind> {
        match v {
            1 => Some(StreamKind::SiemV1),
            2 => Some(StreamKind::Batch),
            3 => Some(StreamKind::Stream),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            StreamKind::SiemV1 => "siem-v1",
            StreamKind::Batch => "batch",
            StreamKind::Stream => "stream",
        }
    }

    fn default_path(self) -> &'static str {
        match self {
            StreamKind::SiemV1 => "/api/audit/get-siem-logs",
            StreamKind::Batch => "/siem/v1/batch/events/cg",
            StreamKind::Stream => "/siem/v1/events/cg",
        }
    }
}

/// What a stream pulls and how.
#[derive(Debug, Clone)]
pub struct StreamOptions {
    pub kind: StreamKind,
    /// Event types: 1.0 takes one (`MTA` by default); the 2.0 batch source
    /// takes one (`receipt` by default); 2.0 streaming takes several.
    pub types: Vec<String>,
    /// Where a first pull starts: a date (`2026-11-30`) for the batch
    /// source, a time (`2026-11-30T00:00:00.000Z`, or a date) for
    /// streaming. Default: seven days ago, as far back as Mimecast keeps
    /// data. Not used by API 1.0 (it starts where the service holds the
    /// oldest undelivered file).
    pub start: Option<String>,
    /// Where the pull ends (same forms); none by default.
    pub end: Option<String>,
    /// Files (batch) or events (streaming) a page; 0 for the service's
    /// default.
    pub page_size: u32,
    /// The checkpoint file; none keeps the position in memory only.
    pub checkpoint: Option<PathBuf>,
    /// When caught up: wait `poll_interval` and look again, instead of
    /// ending the pull.
    pub follow: bool,
    pub poll_interval: Duration,
    /// The endpoint path, for a variant (e.g. `/siem/v1/batch/events/ci`
    /// for Cloud Integrated accounts).
    pub path: Option<String>,
    /// Most bytes one batch may decompress to.
    pub max_batch_bytes: u64,
}

impl StreamOptions {
    pub fn new(kind: StreamKind) -> StreamOptions {
        StreamOptions {
            kind,
            types: Vec::new(),
            start: None,
            end: None,
            page_size: 0,
            checkpoint: None,
            follow: false,
            poll_interval: Duration::from_secs(60),
            path: None,
            max_batch_bytes: 256 * 1024 * 1024,
        }
    }
}

/// How far a stream has come.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StreamStats {
    /// Events handed out since the stream opened.
    pub events: u64,
    /// Bytes of those events (decompressed JSON).
    pub bytes: u64,
    /// Batches acknowledged since the stream opened.
    pub batches: u64,
    /// Events and bytes acknowledged over the checkpoint's whole life.
    pub total_events: u64,
    pub total_bytes: u64,
}

/// A link of a batch page.
struct Link {
    id: String,
    url: String,
}

/// A page of the batch source, while its files are delivered.
struct BatchPage {
    links: Vec<Link>,
    next_cursor: Option<String>,
    caught_up: bool,
}

/// The batch being delivered, and what acknowledging it changes.
struct Current {
    events: Events,
    file: Option<String>,
    after_ack: Ack,
    events_in_batch: u64,
    bytes_in_batch: u64,
}

enum Ack {
    /// 1.0: the next token.
    Token(String),
    /// Batch: this file of the page is done.
    File(String),
    /// Streaming: the next cursor, and whether that page was caught up.
    Cursor(Option<String>, bool),
}

/// A pull of SIEM events. Not thread-safe: one thread at a time.
pub struct EventStream {
    client: Arc<Client>,
    options: StreamOptions,
    path: String,
    identity: Identity,
    position: Position,
    current: Option<Current>,
    page: Option<BatchPage>,
    caught_up: bool,
    stats: StreamStats,
}

impl EventStream {
    /// Opens a pull, resuming from the checkpoint when the file exists.
    pub fn open(client: Arc<Client>, options: StreamOptions) -> Result<EventStream> {
        let path = options
            .path
            .clone()
            .unwrap_or_else(|| options.kind.default_path().to_owned());
        crate::sign::validate_path(&path)?;
        if options.poll_interval < Duration::from_secs(1) {
            return Err(Error::invalid_argument(
                "the poll interval must be at least 1 s",
            ));
        }
        if options.max_batch_bytes == 0 {
            return Err(Error::invalid_argument(
                "the batch size limit must be at least 1 byte",
            ));
        }
        for t in &options.types {
            if t.is_empty() || t.contains(',') || t.chars().any(char::is_control) {
                return Err(Error::invalid_argument(format!(
                    "the event type '{}' is not a single type name",
                    crate::text::server_text(t)
                )));
            }
        }
        if options.kind != StreamKind::Stream && options.types.len() > 1 {
            return Err(Error::invalid_argument(
                "this source takes one event type per stream: open one stream per type",
            ));
        }
        for (what, value) in [("start", &options.start), ("end", &options.end)] {
            if let Some(v) = value {
                check_time(what, v, options.kind)?;
            }
        }
        let identity = Identity {
            kind: options.kind.name(),
            source: client.identity(),
            // The start date is not part of it: it says where a first pull
            // begins, and a collector that computes it ("a day ago") on each
            // run must still resume. The end date is: a resumed backfill
            // must not run past the end it was started with.
            query: format!(
                "{} types={} end={}",
                path,
                options.types.join(","),
                options.end.as_deref().unwrap_or("-")
            ),
        };
        let mut stats = StreamStats::default();
        let position = match &options.checkpoint {
            Some(file) => match checkpoint::load(file, &identity)? {
                Some((p, events, bytes)) => {
                    stats.total_events = events;
                    stats.total_bytes = bytes;
                    p
                }
                None => Position::default(),
            },
            None => Position::default(),
        };
        Ok(EventStream {
            client,
            options,
            path,
            identity,
            position,
            current: None,
            page: None,
            caught_up: false,
            stats,
        })
    }

    /// Progress so far.
    pub fn stats(&self) -> StreamStats {
        self.stats
    }

    /// Moves to the next batch; false when the pull is caught up (never in
    /// follow mode, which waits and polls instead). The batch before must
    /// have been acknowledged.
    pub fn next_batch(&mut self) -> Result<bool> {
        if self.current.is_some() {
            return Err(Error::invalid_argument(
                "acknowledge the current batch (mc_stream_ack) before asking for the next",
            ));
        }
        loop {
            crate::cancel::check()?;
            if self.caught_up {
                if !self.options.follow {
                    return Ok(false);
                }
                self.log(LogLevel::Debug, || {
                    "caught up; waiting for the next poll".to_owned()
                });
                crate::cancel::sleep(self.options.poll_interval)?;
                self.caught_up = false;
            }
            let found = match self.options.kind {
                StreamKind::SiemV1 => self.next_v1(),
                StreamKind::Batch => self.next_file(),
                StreamKind::Stream => self.next_page(),
            };
            match found {
                Ok(true) => return Ok(true),
                Ok(false) => continue,
                // A follower waits out a rate limit instead of stopping.
                Err(e) if self.options.follow && e.status() == Status::RateLimited => {
                    let wait = e
                        .retry_after_ms()
                        .map(Duration::from_millis)
                        .unwrap_or(self.options.poll_interval);
                    self.log(LogLevel::Warn, || {
                        format!("rate limited; waiting {} ms", wait.as_millis())
                    });
                    crate::cancel::sleep(wait)?;
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// The next event of the current batch (borrowed until the next call),
    /// or None when the batch has no more.
    pub fn next_event(&mut self) -> Result<Option<&str>> {
        let current = match self.current.as_mut() {
            Some(c) => c,
            None => return Ok(None),
        };
        let event = current.events.next()?;
        if let Some(e) = event {
            current.events_in_batch += 1;
            current.bytes_in_batch += e.len() as u64;
            self.stats.events += 1;
            self.stats.bytes += e.len() as u64;
        }
        Ok(event)
    }

    /// The file the current batch came from (the zip entry of the event
    /// last returned, for API 1.0), when there is one.
    pub fn batch_file(&self) -> Option<&str> {
        let c = self.current.as_ref()?;
        c.events.entry_name().or(c.file.as_deref())
    }

    /// Acknowledges the current batch: the position moves past it and, with
    /// a checkpoint file, is saved. When saving fails (disk full, read-only)
    /// the error is returned, the previous checkpoint and position stay, and
    /// the batch may be acknowledged again.
    pub fn ack(&mut self) -> Result<()> {
        let current = match self.current.as_ref() {
            Some(c) => c,
            None => return Err(Error::invalid_argument("there is no batch to acknowledge")),
        };
        let mut next = self.position.clone();
        let mut page_done = false;
        let mut caught_up = false;
        match &current.after_ack {
            Ack::Token(t) => next.token = Some(t.clone()),
            Ack::File(id) => {
                next.acked_files.push(id.clone());
                if let Some(page) = &self.page {
                    let acked: HashSet<&String> = next.acked_files.iter().collect();
                    if page.links.iter().all(|l| acked.contains(&l.id)) {
                        next.cursor = page.next_cursor.clone().or(next.cursor);
                        next.acked_files.clear();
                        page_done = true;
                        caught_up = page.caught_up;
                    }
                }
            }
            Ack::Cursor(c, up) => {
                next.cursor = c.clone().or(next.cursor);
                caught_up = *up;
            }
        }
        let (events, bytes) = (current.events_in_batch, current.bytes_in_batch);
        let total = (
            self.stats.total_events + events,
            self.stats.total_bytes + bytes,
        );
        if let Some(file) = &self.options.checkpoint {
            checkpoint::save(file, &self.identity, &next, total.0, total.1)?;
        }
        self.position = next;
        self.current = None;
        self.stats.batches += 1;
        self.stats.total_events = total.0;
        self.stats.total_bytes = total.1;
        if page_done {
            self.page = None;
        }
        if caught_up {
            self.caught_up = true;
        }
        let s = self.stats;
        self.log(LogLevel::Info, || {
            format!(
                "batch acknowledged: {events} events, {bytes} bytes; {} events, {} bytes in all",
                s.total_events, s.total_bytes
            )
        });
        Ok(())
    }

    fn log(&self, level: LogLevel, line: impl FnOnce() -> String) {
        self.client.log().emit(level, || {
            format!("{} stream: {}", self.options.kind.name(), line())
        });
    }

    fn limit(&self) -> u64 {
        self.options.max_batch_bytes
    }

    // ---- API 1.0

    fn next_v1(&mut self) -> Result<bool> {
        let mut request = serde_json::Map::new();
        let kind = self
            .options
            .types
            .first()
            .map(String::as_str)
            .unwrap_or("MTA");
        request.insert("type".into(), kind.into());
        if let Some(t) = &self.position.token {
            request.insert("token".into(), t.as_str().into());
        }
        request.insert("fileFormat".into(), "json".into());
        request.insert("compress".into(), true.into());
        let body = serde_json::json!({ "data": [request] }).to_string();
        let mut call = Call::new("POST", &self.path)?;
        call.json(&body)?.mode(ResponseMode::Any);
        let r = self.client.send_read(&call)?;
        let is_json = r
            .header("content-type")
            .map_or(false, |t| t.to_ascii_lowercase().contains("json"));
        if is_json {
            let last = r
                .json()?
                .pointer("/meta/isLastToken")
                .and_then(serde_json::Value::as_bool);
            if last == Some(true) {
                self.caught_up = true;
                return Ok(false);
            }
        }
        let next = r
            .header("mc-siem-token")
            .map(str::to_owned)
            .ok_or_else(|| {
                Error::new(
                    Status::MalformedResponse,
                    "a SIEM log file came without its mc-siem-token header",
                )
                .with_http_status(r.status)
            })?;
        let file = r.header("content-disposition").and_then(file_name);
        let events = if r.body.starts_with(b"PK") {
            Events::zip(r.body, self.limit())?
        } else {
            let text = String::from_utf8(r.body).map_err(|_| {
                Error::new(
                    Status::MalformedResponse,
                    "the SIEM log file is neither a zip archive nor UTF-8 JSON",
                )
            })?;
            Events::document(text)?
        };
        self.current = Some(Current {
            events,
            file,
            after_ack: Ack::Token(next),
            events_in_batch: 0,
            bytes_in_batch: 0,
        });
        Ok(true)
    }

    // ---- API 2.0 streaming

    fn page_call(&self, date_is_day: bool) -> Result<Call> {
        let mut call = Call::new("GET", &self.path)?;
        let types_param = if self.options.kind == StreamKind::Stream {
            "types"
        } else {
            "type"
        };
        let default_type = if self.options.kind == StreamKind::Batch {
            "receipt"
        } else {
            ""
        };
        let types = self.options.types.join(",");
        let types = if types.is_empty() {
            default_type.to_owned()
        } else {
            types
        };
        if !types.is_empty() {
            call.query(types_param, &types)?;
        }
        if self.options.page_size > 0 {
            call.query("pageSize", &self.options.page_size.to_string())?;
        }
        match &self.position.cursor {
            Some(cursor) => {
                call.query(crate::pager::CURSOR_PARAMETER, cursor)?;
            }
            None => {
                let start = match &self.options.start {
                    Some(s) => s.clone(),
                    None => default_start(date_is_day),
                };
                call.query("dateRangeStartsAt", &start)?;
                if let Some(end) = &self.options.end {
                    call.query("dateRangeEndsAt", end)?;
                }
            }
        }
        Ok(call)
    }

    fn next_page(&mut self) -> Result<bool> {
        let call = self.page_call(false)?;
        let r = self.client.send_read(&call)?;
        let status = r.status;
        let body = String::from_utf8(r.body).map_err(|_| {
            Error::new(Status::MalformedResponse, "the page is not UTF-8 text")
                .with_http_status(status)
        })?;
        let page = crate::pager::RestPage::parse(&body, status)?;
        if page.items.is_empty() {
            // Nothing new: move on (an empty page that is not caught up is
            // followed at once; a caught-up one ends the pull or waits).
            let unchanged = page.cursor.is_none() || page.cursor == self.position.cursor;
            if page.cursor.is_some() {
                self.position.cursor = page.cursor;
            }
            self.caught_up = page.caught_up;
            if !page.caught_up && unchanged {
                // The same position again: do not spin.
                crate::cancel::sleep(Duration::from_secs(1))?;
            }
            return Ok(false);
        }
        self.current = Some(Current {
            events: Events::spans(body, page.items),
            file: None,
            after_ack: Ack::Cursor(page.cursor, page.caught_up),
            events_in_batch: 0,
            bytes_in_batch: 0,
        });
        Ok(true)
    }

    // ---- API 2.0 batch

    fn fetch_batch_page(&mut self) -> Result<()> {
        let call = self.page_call(true)?;
        let r = self.client.send_read(&call)?;
        let links: serde_json::Value = r.json()?;
        let status = r.status;
        let bad = |what: &str| {
            Error::new(Status::MalformedResponse, format!("the batch page {what}"))
                .with_http_status(status)
        };
        let values = links
            .get("value")
            .and_then(|v| v.as_array())
            .ok_or_else(|| bad("has no 'value' array"))?;
        let mut out = Vec::with_capacity(values.len());
        for v in values {
            let url = v
                .get("url")
                .and_then(|u| u.as_str())
                .ok_or_else(|| bad("has a file without 'url'"))?;
            let parsed = Url::parse(url).map_err(|_| bad("has a file whose url is not a URL"))?;
            match parsed.scheme() {
                "https" => {}
                // Only to this machine (the emulator's storage host).
                "http" if crate::transport::proxy::is_loopback(&parsed) => {}
                _ => return Err(bad("has a file url that is not https")),
            }
            out.push(Link {
                id: parsed.path().to_owned(),
                url: url.to_owned(),
            });
        }
        let next_cursor = links
            .get("@nextPage")
            .and_then(|c| c.as_str())
            .filter(|c| !c.is_empty())
            .map(str::to_owned);
        let caught_up = links
            .get("isCaughtUp")
            .and_then(|c| c.as_bool())
            .unwrap_or(false);
        self.page = Some(BatchPage {
            links: out,
            next_cursor,
            caught_up,
        });
        Ok(())
    }

    fn next_file(&mut self) -> Result<bool> {
        if self.page.is_none() {
            self.fetch_batch_page()?;
        }
        // Presigned links expire: an expired one is asked for again through
        // the page's own cursor, a bounded number of times.
        for _ in 0..3 {
            let page = self.page.as_ref().expect("page");
            let acked: HashSet<&String> = self.position.acked_files.iter().collect();
            let link = match page.links.iter().find(|l| !acked.contains(&l.id)) {
                Some(l) => l,
                None => {
                    // Every file of the page is done (or it had none).
                    let (cursor, up) = (page.next_cursor.clone(), page.caught_up);
                    if cursor.is_some() {
                        self.position.cursor = cursor;
                    }
                    self.position.acked_files.clear();
                    self.page = None;
                    self.caught_up = up;
                    return Ok(false);
                }
            };
            let (id, url) = (link.id.clone(), link.url.clone());
            match self.client.download(&url) {
                Ok(file) => {
                    self.current = Some(Current {
                        events: Events::gzip_lines(file, self.limit()),
                        file: Some(id.rsplit('/').next().unwrap_or(&id).to_owned()),
                        after_ack: Ack::File(id),
                        events_in_batch: 0,
                        bytes_in_batch: 0,
                    });
                    return Ok(true);
                }
                Err(e) if e.http_status() == Some(403) => {
                    self.log(LogLevel::Warn, || {
                        "a file link has expired; asking for the page again".to_owned()
                    });
                    self.fetch_batch_page()?;
                }
                Err(e) => return Err(e),
            }
        }
        Err(Error::new(
            Status::HttpError,
            "the storage host refused a file three times (HTTP 403): its links expire before they can be used; check the system clock",
        )
        .with_http_status(403))
    }
}

/// `filename="x.zip"` of a Content-Disposition header.
fn file_name(disposition: &str) -> Option<String> {
    let at = disposition.find("filename=")?;
    let name = disposition[at + 9..]
        .split(';')
        .next()?
        .trim()
        .trim_matches('"');
    (!name.is_empty()).then(|| crate::text::server_text(name))
}

/// Seven days ago: a day for the batch source, a time for streaming.
fn default_start(date_is_day: bool) -> String {
    let then = SystemTime::now() - Duration::from_secs(7 * 24 * 3600);
    let http = httpdate::fmt_http_date(then); // e.g. "Tue, 24 Nov 2026 12:50:11 GMT"
    let parsed = parse_http_parts(&http);
    match parsed {
        Some((y, m, d, ..)) if date_is_day => format!("{y:04}-{m:02}-{d:02}"),
        Some((y, m, d, hh, mm, ss)) => format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}.000Z"),
        None => "1970-01-01".to_owned(),
    }
}

fn parse_http_parts(s: &str) -> Option<(u32, u32, u32, u32, u32, u32)> {
    // "Tue, 24 Nov 2026 12:50:11 GMT"
    let parts: Vec<&str> = s.split_whitespace().collect();
    let day: u32 = parts.get(1)?.parse().ok()?;
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let name = parts.get(2)?;
    let month = months.iter().position(|m| m == name)? as u32 + 1;
    let year: u32 = parts.get(3)?.parse().ok()?;
    let mut hms = parts.get(4)?.split(':').map(|x| x.parse::<u32>().ok());
    Some((year, month, day, hms.next()??, hms.next()??, hms.next()??))
}

/// A start or end the source understands: `YYYY-MM-DD`, or for streaming
/// also `YYYY-MM-DDTHH:MM:SS[.fff]Z`.
fn check_time(what: &str, v: &str, kind: StreamKind) -> Result<()> {
    let b = v.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).map_or(false, |s| s.iter().all(u8::is_ascii_digit));
    let date = b.len() >= 10
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10);
    let ok = match b.len() {
        10 => date,
        20 | 24 if kind == StreamKind::Stream => {
            date && b[10] == b'T'
                && digits(11..13)
                && b[13] == b':'
                && digits(14..16)
                && b[16] == b':'
                && digits(17..19)
                && (b.len() == 20 || (b[19] == b'.' && digits(20..23)))
                && b[b.len() - 1] == b'Z'
        }
        _ => false,
    };
    if !ok {
        let shape = if kind == StreamKind::Stream {
            "YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS.fffZ (UTC)"
        } else {
            "YYYY-MM-DD"
        };
        return Err(Error::invalid_argument(format!(
            "the {what} must look like {shape}"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_checked_per_source() {
        assert!(check_time("start", "2026-11-30", StreamKind::Batch).is_ok());
        assert!(check_time("start", "2026-11-30T00:00:00.000Z", StreamKind::Stream).is_ok());
        assert!(check_time("start", "2026-11-30T00:00:00Z", StreamKind::Stream).is_ok());
        for bad in ["2026-11-30T00:00:00.000Z", "30/11/2026", "2026-1-30", ""] {
            assert!(
                check_time("start", bad, StreamKind::Batch).is_err(),
                "{bad}"
            );
        }
        assert!(check_time("start", "2026-11-30T00:00:00+01:00", StreamKind::Stream).is_err());
        let d = default_start(true);
        assert_eq!(d.len(), 10);
        assert!(
            check_time("start", &default_start(false), StreamKind::Stream).is_ok(),
            "{}",
            default_start(false)
        );
    }

    #[test]
    fn content_disposition_names() {
        assert_eq!(
            file_name(r#"attachment; filename="MTA_1.zip""#).as_deref(),
            Some("MTA_1.zip")
        );
        assert_eq!(
            file_name("attachment; filename=a.zip; x=1").as_deref(),
            Some("a.zip")
        );
        assert_eq!(file_name("attachment"), None);
    }
}
