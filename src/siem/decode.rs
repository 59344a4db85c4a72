//! Events out of the files SIEM sources deliver, one at a time, in bounded
//! memory: gzip files of newline-delimited JSON (API 2.0 batch) stream line
//! by line; zip archives (API 1.0) are read entry by entry; a JSON document
//! holding an event list gives its items.
//!
//! Every decompressed byte counts against one limit per batch, so a gzip or
//! zip bomb stops at the limit (MC_STATUS_RESPONSE_TOO_LARGE), and no line
//! may be longer than [`MAX_EVENT_BYTES`].
//!
//! The zip container is read here rather than with the `zip` crate: Mimecast
//! sends one or a few entries, stored or deflated (flate2 inflates them), and
//! a reader this small keeps every size check in one place; the crate's
//! default features also pull in bzip2, zstd and AES.

use std::collections::VecDeque;
use std::io::{self, BufRead, BufReader, Cursor, Read};
use std::ops::Range;

use flate2::read::{DeflateDecoder, MultiGzDecoder};

use crate::error::{Error, Result, Status};
use crate::json;

/// Longest single event accepted.
pub const MAX_EVENT_BYTES: usize = 4_194_304; // 4 MiB

fn malformed(text: impl Into<String>) -> Error {
    Error::new(Status::MalformedResponse, text)
}

fn too_large(limit: u64) -> Error {
    Error::new(
        Status::ResponseTooLarge,
        format!("the log file decompresses to more than {limit} bytes (the limit of one batch); refused as a possible decompression bomb"),
    )
}

/// Counts decompressed bytes against the batch limit.
pub(crate) struct Counted<R> {
    inner: R,
    seen: u64,
    limit: u64,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.seen += n as u64;
        if self.seen > self.limit {
            return Err(io::Error::new(io::ErrorKind::Other, Bomb(self.limit)));
        }
        Ok(n)
    }
}

#[derive(Debug)]
struct Bomb(u64);

impl std::fmt::Display for Bomb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "more than {} decompressed bytes", self.0)
    }
}

impl std::error::Error for Bomb {}

fn io_error(e: io::Error, what: &str) -> Error {
    if let Some(Bomb(limit)) = e.get_ref().and_then(|i| i.downcast_ref::<Bomb>()) {
        return too_large(*limit);
    }
    match e.kind() {
        io::ErrorKind::UnexpectedEof => malformed(format!("the {what} is truncated")),
        _ => malformed(format!("the {what} is not valid: {e}")),
    }
}

/// Checks one event's text: JSON, within the nesting limit.
fn check_event(text: &str) -> Result<()> {
    if json::too_deep(text.as_bytes()) {
        return Err(malformed(format!(
            "an event nests deeper than {} levels",
            json::MAX_DEPTH
        )));
    }
    serde_json::from_str::<serde::de::IgnoredAny>(text)
        .map(|_| ())
        .map_err(|_| malformed("an event is not valid JSON"))
}

/// A gzip file read line by line, every decompressed byte counted.
type GzLines = BufReader<Counted<MultiGzDecoder<Cursor<Vec<u8>>>>>;

/// The events of one batch, handed out one at a time.
pub(crate) enum Events {
    /// Newline-delimited JSON read from a gzip stream.
    Lines {
        reader: Box<GzLines>,
        line: Vec<u8>,
        number: u64,
    },
    /// Items of a document held in memory (an API 2.0 page, a JSON file).
    Spans {
        text: String,
        spans: VecDeque<Range<usize>>,
        current: Range<usize>,
    },
    /// Zip entries, each a JSON document or NDJSON, decoded in turn.
    Zip {
        archive: Vec<u8>,
        entries: VecDeque<Entry>,
        seen: u64,
        limit: u64,
        current: Option<Box<Events>>,
        current_name: Option<String>,
    },
}

impl Events {
    /// A gzip file of newline-delimited events.
    pub(crate) fn gzip_lines(file: Vec<u8>, limit: u64) -> Events {
        let decoder = MultiGzDecoder::new(Cursor::new(file));
        Events::Lines {
            reader: Box::new(BufReader::with_capacity(
                64 * 1024,
                Counted {
                    inner: decoder,
                    seen: 0,
                    limit,
                },
            )),
            line: Vec::new(),
            number: 0,
        }
    }

    /// The items of a JSON document that is an event list: an array, an
    /// object whose `data` (or `value`) member is one, or else one event a
    /// line.
    pub(crate) fn document(text: String) -> Result<Events> {
        let trimmed = text.trim_start();
        let spans = if trimmed.starts_with('[') {
            let start = text.len() - trimmed.len();
            Some(
                json::elements(&text, start..text.len())
                    .ok_or_else(|| malformed("the log file is not valid JSON"))?,
            )
        } else if trimmed.starts_with('{')
            && serde_json::from_str::<serde::de::IgnoredAny>(&text).is_ok()
        {
            let (members, _) = json::members(&text, 0..text.len())
                .ok_or_else(|| malformed("the log file is not valid JSON"))?;
            match members.iter().find(|m| m.key == "data" || m.key == "value") {
                Some(m) => Some(json::elements(&text, m.value.clone()).ok_or_else(|| {
                    malformed(format!("the log file's '{}' is not an array", m.key))
                })?),
                // A single event per line, the first line an object.
                None => None,
            }
        } else {
            None
        };
        let spans = match spans {
            Some(s) => s,
            None => line_spans(&text),
        };
        if json::too_deep(text.as_bytes()) {
            return Err(malformed(format!(
                "the log file nests deeper than {} levels",
                json::MAX_DEPTH
            )));
        }
        Ok(Events::Spans {
            text,
            spans: spans.into(),
            current: 0..0,
        })
    }

    /// The items of an API 2.0 page already read (spans into `text`).
    pub(crate) fn spans(text: String, spans: Vec<Range<usize>>) -> Events {
        Events::Spans {
            text,
            spans: spans.into(),
            current: 0..0,
        }
    }

    /// The events of a zip archive.
    pub(crate) fn zip(archive: Vec<u8>, limit: u64) -> Result<Events> {
        let entries = central_directory(&archive)?;
        Ok(Events::Zip {
            archive,
            entries: entries.into(),
            seen: 0,
            limit,
            current: None,
            current_name: None,
        })
    }

    /// The file name of the event last returned, for zip archives.
    pub(crate) fn entry_name(&self) -> Option<&str> {
        match self {
            Events::Zip { current_name, .. } => current_name.as_deref(),
            _ => None,
        }
    }

    /// The next event's JSON text (borrowed until the next call), or None.
    pub(crate) fn next(&mut self) -> Result<Option<&str>> {
        match self {
            Events::Lines {
                reader,
                line,
                number,
            } => loop {
                line.clear();
                let n = read_line(reader, line).map_err(|e| io_error(e, "log file"))?;
                if n == 0 {
                    return Ok(None);
                }
                *number += 1;
                while line.last().map_or(false, |b| *b == b'\n' || *b == b'\r') {
                    line.pop();
                }
                if line.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                let text = std::str::from_utf8(line).map_err(|_| {
                    malformed(format!("line {number} of the log file is not UTF-8"))
                })?;
                check_event(text)
                    .map_err(|e| malformed(format!("line {number}: {}", e.message())))?;
                return Ok(Some(text));
            },
            Events::Spans {
                text,
                spans,
                current,
            } => match spans.pop_front() {
                None => Ok(None),
                Some(span) => {
                    *current = span;
                    let item = &text[current.clone()];
                    check_event(item)?;
                    Ok(Some(item))
                }
            },
            Events::Zip {
                archive,
                entries,
                seen,
                limit,
                current,
                current_name,
            } => loop {
                if let Some(events) = current {
                    // Reborrow trick: decide first, then return the borrow.
                    let done = events.next()?.is_none();
                    if !done {
                        let events = current.as_mut().expect("current entry");
                        return events.last_item();
                    }
                    *current = None;
                }
                let entry = match entries.pop_front() {
                    Some(e) => e,
                    None => return Ok(None),
                };
                let text = entry.inflate(archive, *limit - (*seen).min(*limit))?;
                *seen += text.len() as u64;
                *current_name = Some(entry.name.clone());
                *current = Some(Box::new(Events::document(text)?));
            },
        }
    }

    /// The item `next` last returned (for the zip case's reborrow).
    fn last_item(&mut self) -> Result<Option<&str>> {
        match self {
            Events::Spans { text, current, .. } => Ok(Some(&text[current.clone()])),
            Events::Lines { line, .. } => Ok(Some(std::str::from_utf8(line).unwrap_or_default())),
            Events::Zip { current, .. } => match current {
                Some(e) => e.last_item(),
                None => Ok(None),
            },
        }
    }
}

/// Reads one line, refusing one longer than an event may be.
fn read_line<R: BufRead>(reader: &mut R, line: &mut Vec<u8>) -> io::Result<usize> {
    let mut total = 0;
    loop {
        let available = reader.fill_buf()?;
        if available.is_empty() {
            return Ok(total);
        }
        let (used, done) = match available.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (available.len(), false),
        };
        line.extend_from_slice(&available[..used]);
        reader.consume(used);
        total += used;
        if line.len() > MAX_EVENT_BYTES {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("an event is longer than {MAX_EVENT_BYTES} bytes"),
            ));
        }
        if done {
            return Ok(total);
        }
    }
}

/// Spans of the non-empty lines of `text`.
fn line_spans(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, b) in text.bytes().enumerate() {
        if b == b'\n' {
            push_line(text, start..i, &mut out);
            start = i + 1;
        }
    }
    push_line(text, start..text.len(), &mut out);
    out
}

fn push_line(text: &str, span: Range<usize>, out: &mut Vec<Range<usize>>) {
    let line = &text[span.clone()];
    let trimmed = line.trim();
    if !trimmed.is_empty() {
        let start = span.start + (line.len() - line.trim_start().len());
        out.push(start..start + trimmed.len());
    }
}

/// One entry of a zip archive.
pub(crate) struct Entry {
    name: String,
    method: u16,
    compressed: u64,
    size: u64,
    local_offset: u64,
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// The entries listed in the archive's central directory.
fn central_directory(archive: &[u8]) -> Result<Vec<Entry>> {
    let bad = || malformed("the log file is not a valid zip archive");
    // The end record is in the last 22 + 65535 (comment) bytes.
    let floor = archive.len().saturating_sub(22 + 65_535);
    let eocd = (floor..archive.len().saturating_sub(21))
        .rev()
        .find(|&i| u32_at(archive, i) == Some(0x0605_4b50))
        .ok_or_else(bad)?;
    let count = u16_at(archive, eocd + 10).ok_or_else(bad)? as usize;
    let mut at = u32_at(archive, eocd + 16).ok_or_else(bad)? as usize;
    let mut entries = Vec::with_capacity(count.min(1024));
    for _ in 0..count {
        if u32_at(archive, at) != Some(0x0201_4b50) {
            return Err(bad());
        }
        let method = u16_at(archive, at + 10).ok_or_else(bad)?;
        let compressed = u32_at(archive, at + 20).ok_or_else(bad)?;
        let size = u32_at(archive, at + 24).ok_or_else(bad)?;
        let name_len = u16_at(archive, at + 28).ok_or_else(bad)? as usize;
        let extra_len = u16_at(archive, at + 30).ok_or_else(bad)? as usize;
        let comment_len = u16_at(archive, at + 32).ok_or_else(bad)? as usize;
        let local = u32_at(archive, at + 42).ok_or_else(bad)?;
        let name = archive.get(at + 46..at + 46 + name_len).ok_or_else(bad)?;
        let name = String::from_utf8_lossy(name).into_owned();
        if compressed == u32::MAX || size == u32::MAX || local == u32::MAX {
            return Err(malformed(
                "the log file is a zip64 archive, which is not supported",
            ));
        }
        if !name.ends_with('/') {
            entries.push(Entry {
                name: crate::text::server_text(&name),
                method,
                compressed: u64::from(compressed),
                size: u64::from(size),
                local_offset: u64::from(local),
            });
        }
        at += 46 + name_len + extra_len + comment_len;
    }
    Ok(entries)
}

impl Entry {
    /// The entry's content as text, decompressing at most `budget` bytes.
    fn inflate(&self, archive: &[u8], budget: u64) -> Result<String> {
        let bad = || malformed("the log file's zip entry is damaged");
        let at = self.local_offset as usize;
        if u32_at(archive, at) != Some(0x0403_4b50) {
            return Err(bad());
        }
        let name_len = u16_at(archive, at + 26).ok_or_else(bad)? as usize;
        let extra_len = u16_at(archive, at + 28).ok_or_else(bad)? as usize;
        let start = at + 30 + name_len + extra_len;
        let data = archive
            .get(
                start
                    ..start
                        .checked_add(self.compressed as usize)
                        .ok_or_else(bad)?,
            )
            .ok_or_else(|| malformed("the log file's zip archive is truncated"))?;
        if self.size > budget {
            return Err(too_large(budget));
        }
        let mut out = Vec::with_capacity(self.size.min(budget) as usize);
        let read = match self.method {
            0 => Counted {
                inner: data,
                seen: 0,
                limit: budget,
            }
            .read_to_end(&mut out),
            8 => Counted {
                inner: DeflateDecoder::new(data),
                seen: 0,
                limit: budget,
            }
            .read_to_end(&mut out),
            m => {
                return Err(Error::new(
                    Status::Unsupported,
                    format!("the log file's zip entry uses compression method {m}; only stored and deflate are supported"),
                ))
            }
        };
        read.map_err(|e| io_error(e, "zip entry"))?;
        String::from_utf8(out).map_err(|_| malformed("the log file is not UTF-8 text"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::write::GzEncoder;
    use std::io::Write;

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut e = GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(bytes).unwrap();
        e.finish().unwrap()
    }

    fn all(mut events: Events) -> Result<Vec<String>> {
        let mut out = Vec::new();
        while let Some(e) = events.next()? {
            out.push(e.to_owned());
        }
        Ok(out)
    }

    #[test]
    fn gzip_lines_stream_one_event_at_a_time() {
        let file = gzip(b"{\"id\":1}\n\n{\"id\":2}\r\n{\"id\":3}");
        assert_eq!(
            all(Events::gzip_lines(file, 1000)).unwrap(),
            ["{\"id\":1}", "{\"id\":2}", "{\"id\":3}"]
        );
    }

    #[test]
    fn bombs_truncation_and_garbage_are_refused() {
        let zeros = vec![b' '; 10_000_000];
        let bomb = gzip(&zeros);
        assert!(bomb.len() < 100_000);
        let e = all(Events::gzip_lines(bomb, 1_000_000)).unwrap_err();
        assert_eq!(e.status(), Status::ResponseTooLarge);
        let file = gzip(b"{\"id\":1}\n{\"id\":2}\n");
        let cut = file[..file.len() - 6].to_vec();
        assert_eq!(
            all(Events::gzip_lines(cut, 1000)).unwrap_err().status(),
            Status::MalformedResponse
        );
        assert!(all(Events::gzip_lines(gzip(b"{\"id\":1}\nnot json\n"), 1000)).is_err());
        assert!(all(Events::gzip_lines(b"not gzip".to_vec(), 1000)).is_err());
        let long = format!("{{\"x\":\"{}\"}}\n", "a".repeat(MAX_EVENT_BYTES + 10));
        assert!(all(Events::gzip_lines(gzip(long.as_bytes()), u64::MAX)).is_err());
    }

    #[test]
    fn documents_give_their_list() {
        let d = |t: &str| all(Events::document(t.to_owned()).unwrap()).unwrap();
        assert_eq!(
            d(r#"{"type":"MTA","data":[{"a":1},{"b":2}]}"#),
            [r#"{"a":1}"#, r#"{"b":2}"#]
        );
        assert_eq!(d(r#" [ {"a":1} ] "#), [r#"{"a":1}"#]);
        assert_eq!(d("{\"a\":1}\n{\"a\":2}\n"), [r#"{"a":1}"#, r#"{"a":2}"#]);
    }

    /// A zip archive built with Python's zipfile layout (stored and deflate).
    fn zip(entries: &[(&str, &[u8], bool)]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut central = Vec::new();
        for (name, content, deflate) in entries {
            let data = if *deflate {
                let mut e =
                    flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
                e.write_all(content).unwrap();
                e.finish().unwrap()
            } else {
                content.to_vec()
            };
            let offset = out.len() as u32;
            let method: u16 = if *deflate { 8 } else { 0 };
            out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
            out.extend_from_slice(&[20, 0, 0, 0]);
            out.extend_from_slice(&method.to_le_bytes());
            out.extend_from_slice(&[0; 8]); // time, date, crc
            out.extend_from_slice(&(data.len() as u32).to_le_bytes());
            out.extend_from_slice(&(content.len() as u32).to_le_bytes());
            out.extend_from_slice(&(name.len() as u16).to_le_bytes());
            out.extend_from_slice(&0u16.to_le_bytes());
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(&data);
            central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
            central.extend_from_slice(&[20, 0, 20, 0, 0, 0]);
            central.extend_from_slice(&method.to_le_bytes());
            central.extend_from_slice(&[0; 8]);
            central.extend_from_slice(&(data.len() as u32).to_le_bytes());
            central.extend_from_slice(&(content.len() as u32).to_le_bytes());
            central.extend_from_slice(&(name.len() as u16).to_le_bytes());
            central.extend_from_slice(&[0; 12]);
            central.extend_from_slice(&offset.to_le_bytes());
            central.extend_from_slice(name.as_bytes());
        }
        let cd_offset = out.len() as u32;
        out.extend_from_slice(&central);
        out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
        out.extend_from_slice(&[0; 4]);
        out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
        out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
        out.extend_from_slice(&(central.len() as u32).to_le_bytes());
        out.extend_from_slice(&cd_offset.to_le_bytes());
        out.extend_from_slice(&[0, 0]);
        out
    }

    #[test]
    fn zip_entries_are_read_in_turn() {
        let archive = zip(&[
            ("a.json", br#"{"data":[{"n":1},{"n":2}]}"#, true),
            ("dir/", b"", false),
            ("b.json", br#"[{"n":3}]"#, false),
        ]);
        let mut events = Events::zip(archive, 1_000_000).unwrap();
        let mut seen = Vec::new();
        while let Some(e) = events.next().unwrap() {
            let e = e.to_owned();
            seen.push((events.entry_name().unwrap().to_owned(), e));
        }
        assert_eq!(
            seen,
            [
                ("a.json".to_owned(), r#"{"n":1}"#.to_owned()),
                ("a.json".to_owned(), r#"{"n":2}"#.to_owned()),
                ("b.json".to_owned(), r#"{"n":3}"#.to_owned())
            ]
        );
    }

    #[test]
    fn zip_bombs_and_damage_are_refused() {
        let big = vec![b' '; 5_000_000];
        let archive = zip(&[("a.json", &big, true)]);
        let e = all(Events::zip(archive, 1_000_000).unwrap()).unwrap_err();
        assert_eq!(e.status(), Status::ResponseTooLarge);
        assert!(Events::zip(b"PK not really".to_vec(), 1000).is_err());
        let good = zip(&[("a.json", b"[1]", true)]);
        let cut = good[..good.len() / 2].to_vec();
        assert!(Events::zip(cut, 1000).is_err());
    }
}

#[cfg(test)]
mod fuzz {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        #[test]
        fn random_archives_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
            if let Ok(mut events) = Events::zip(bytes.clone(), 10_000) {
                for _ in 0..100 {
                    match events.next() { Ok(Some(_)) => {}, _ => break }
                }
            }
            let mut lines = Events::gzip_lines(bytes, 10_000);
            for _ in 0..100 {
                match lines.next() { Ok(Some(_)) => {}, _ => break }
            }
        }
    }
}
