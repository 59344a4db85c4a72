//! Where an HTTP/1.1 response ends on the connection, and what its head
//! says.
//!
//! The library reads every response head here, once: its framing and its
//! headers. ureq then parses a head cut down to the lines it acts on, and
//! this module follows the body bytes alongside it so that the connection
//! layer knows where the response ends: it hands ureq nothing past that
//! point (a stray byte can never become the start of the next response),
//! notices a body cut short, and bounds every line it has to read. The
//! rules mirror ureq 2.6's, and are stricter where ureq's are unsafe (a
//! length beside `Connection: close` is honoured; a header line without a
//! colon, on which ureq can panic, never reaches it).

use super::proxy::status_code;
use super::refusal::Refusal;

/// Longest chunk-size line (digits and extensions): a server that sends
/// more is not sending HTTP.
const MAX_CHUNK_LINE: u32 = 1024;

/// How the body of a response is delimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Framing {
    /// This many body bytes remain.
    Length(u64),
    /// Chunked transfer coding, at this point of its grammar.
    Chunked(Chunk),
    /// Until the server closes the connection.
    UntilClose,
    /// The response has ended.
    Done,
}

/// Position inside a chunked body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Chunk {
    /// Reading a chunk-size line: its value so far, its length, whether an
    /// extension (after `;`) started.
    Size {
        value: u64,
        len: u32,
        ext: bool,
    },
    /// The size line ended with CR; LF must follow.
    SizeLf {
        value: u64,
    },
    /// Inside a chunk's data: bytes left.
    Data(u64),
    /// After the data: CR, then LF, must follow.
    DataCr,
    DataLf,
    /// After the last (zero) chunk: CR, then LF, end the body. Trailers are
    /// refused, as ureq refuses them.
    EndCr,
    EndLf,
}

/// What a complete head says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum HeadKind {
    /// 1xx (except 101): an interim answer; the real one follows.
    Interim,
    /// The final answer (see [`parse_head`]).
    Final(FinalHead),
}

/// A final response head, as the library reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FinalHead {
    /// How the body is delimited.
    pub framing: Framing,
    /// `(lower-case name, value)`, in order.
    pub headers: Vec<(String, String)>,
    /// The server ends the connection after this response.
    pub close: bool,
}

/// Most header lines a response may have (ureq's limit on header fields).
pub(crate) const MAX_HEADER_COUNT: usize = 100;

/// Reads a complete head (up to and including its blank line): its framing,
/// whether the connection ends with it, and its headers, every one when
/// `all`, else the first of each name the library reads itself
/// ([`READ_HEADERS`]).
///
/// A header counts as ureq 2.6 would count it: its name is a non-empty token
/// (ureq listed a line starting with `:` under an empty name; it is left
/// out here), and its value, trimmed, is printable ASCII.
pub(crate) fn parse_head(head: &[u8], all: bool) -> Result<HeadKind, Refusal> {
    let status = status_code(head);
    if let Some(status) = status {
        if (100..200).contains(&status) && status != 101 {
            return Ok(HeadKind::Interim);
        }
    }
    let http10 = head.starts_with(b"HTTP/1.0");
    let mut chunked = false;
    let mut length: Option<u64> = None;
    let mut close = None;
    let mut headers = Vec::new();
    let mut seen = [false; READ_HEADERS.len()];
    // After the status line, before the blank line.
    let lines = head
        .split(|&b| b == b'\n')
        .map(|line| line.strip_suffix(b"\r").unwrap_or(line))
        .skip(1)
        .take_while(|line| !line.is_empty());
    for (count, line) in lines.enumerate() {
        if count == MAX_HEADER_COUNT {
            return Err(Refusal::BadFraming("more than 100 header lines"));
        }
        let (name, raw_value) = match split_field(line) {
            Some(field) => field,
            None => continue,
        };
        if all {
            if let Some(v) = field_value(raw_value) {
                headers.push((lower(name), v.to_owned()));
            }
        } else if let Some(slot) = READ_HEADERS
            .iter()
            .position(|n| name.eq_ignore_ascii_case(n.as_bytes()))
        {
            // As ureq's `Response::header`: the first header of a name
            // counts, and only when its value is one ureq accepts.
            if !seen[slot] {
                seen[slot] = true;
                if let Some(v) = field_value(raw_value) {
                    headers.push((READ_HEADERS[slot].to_owned(), v.to_owned()));
                }
            }
        }
        if name.eq_ignore_ascii_case(b"transfer-encoding") {
            // Any coding means chunked, as ureq reads it (`head_for_ureq`
            // then tells ureq what was decided here).
            chunked |= !trim(raw_value).is_empty();
        } else if name.eq_ignore_ascii_case(b"content-length") {
            for part in trim(raw_value).split(|&b| b == b',') {
                let n = parse_decimal(trim(part))
                    .ok_or(Refusal::BadFraming("invalid Content-Length"))?;
                if length.map_or(false, |l| l != n) {
                    return Err(Refusal::BadFraming("conflicting Content-Length headers"));
                }
                length = Some(n);
            }
        } else if name.eq_ignore_ascii_case(b"connection") && close.is_none() {
            // ureq: the first Connection header, when its value is one it
            // accepts.
            close = Some(field_value(raw_value).map_or(false, |v| v.eq_ignore_ascii_case("close")));
        }
    }
    let close = close.unwrap_or(false);
    let status = match status {
        Some(s) => s,
        // Not HTTP/1.x as the framing knows it: let ureq judge the whole
        // head (see `head_for_ureq`); read nothing more than it.
        None => {
            return Ok(HeadKind::Final(FinalHead {
                framing: Framing::Done,
                headers,
                close,
            }))
        }
    };
    let framing = if status == 204 || status == 304 {
        Framing::Length(0)
    } else if chunked && !http10 {
        Framing::Chunked(Chunk::Size {
            value: 0,
            len: 0,
            ext: false,
        })
    } else {
        match length {
            Some(n) => Framing::Length(n),
            None => Framing::UntilClose,
        }
    };
    let framing = match framing {
        Framing::Length(0) => Framing::Done,
        f => f,
    };
    Ok(HeadKind::Final(FinalHead {
        framing,
        headers,
        close,
    }))
}

/// Rewrites a final head for ureq: its status line, then only the headers
/// that tell ureq how the body ends and whether the connection does, written
/// from the library's own reading of the head (`framing`, `close`). ureq
/// thus frames every body as the connection layer does, whatever duplicate,
/// odd or invalid lines the server sent (on some, ureq 2.6 panics), and it
/// no longer reads, validates and stores each header again (that was more
/// than all of [`parse_head`]; a real gateway sends a dozen headers).
///
/// A head whose status line the framing does not know is left as it is, for
/// ureq to refuse.
pub(crate) fn head_for_ureq(head: &mut Vec<u8>, framing: Framing, close: bool) {
    if status_code(head).is_none() {
        return;
    }
    let status_line = memchr(b'\n', head).map_or(head.len(), |p| p + 1);
    head.truncate(status_line);
    match framing {
        Framing::Length(n) => {
            head.extend_from_slice(b"Content-Length: ");
            head.extend_from_slice(n.to_string().as_bytes());
            head.extend_from_slice(b"\r\n");
        }
        Framing::Done => head.extend_from_slice(b"Content-Length: 0\r\n"),
        Framing::Chunked(_) => head.extend_from_slice(b"Transfer-Encoding: chunked\r\n"),
        Framing::UntilClose => {}
    }
    if close {
        head.extend_from_slice(b"Connection: close\r\n");
    }
    head.extend_from_slice(b"\r\n");
}

fn memchr(needle: u8, hay: &[u8]) -> Option<usize> {
    hay.iter().position(|&b| b == needle)
}

/// A header line's name (a token: ureq skips any other line) and raw value.
fn split_field(line: &[u8]) -> Option<(&[u8], &[u8])> {
    let colon = line.iter().position(|&b| b == b':')?;
    let name = &line[..colon];
    if name.is_empty() || !name.iter().all(is_tchar) {
        return None;
    }
    Some((name, &line[colon + 1..]))
}

/// A header value as ureq's `Header::value` gives it: UTF-8, trimmed,
/// then only visible ASCII, space and tab.
fn field_value(raw: &[u8]) -> Option<&str> {
    std::str::from_utf8(raw)
        .ok()
        .map(str::trim)
        .filter(|v| v.bytes().all(is_field_byte))
}

/// A byte a header value may hold, as ureq checks it: visible ASCII, space
/// or tab.
pub(crate) fn is_field_byte(b: u8) -> bool {
    b == b' ' || b == b'\t' || (0x21..=0x7e).contains(&b)
}

fn lower(name: &[u8]) -> String {
    // A token is ASCII.
    String::from_utf8_lossy(name).to_ascii_lowercase()
}

/// RFC 9110 `tchar`.
pub(crate) fn is_tchar(b: &u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(b)
}

/// The response headers the library reads (the body's length comes from
/// the framing).
const READ_HEADERS: [&str; 5] = [
    "content-type",
    "x-ratelimit-reset",
    "retry-after",
    "location",
    "mc-siem-token",
];

fn trim(s: &[u8]) -> &[u8] {
    let start = s
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(s.len());
    let end = s
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(start, |e| e + 1);
    &s[start..end.max(start)]
}

fn parse_decimal(s: &[u8]) -> Option<u64> {
    if s.is_empty() || s.len() > 19 || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(s).ok()?.parse().ok()
}

impl Framing {
    /// Follows `bytes` of body. Returns how many belong to this response:
    /// fewer than `bytes.len()` only when the response ended inside them.
    pub(crate) fn advance(&mut self, bytes: &[u8]) -> Result<usize, Refusal> {
        match self {
            Framing::Done => Ok(0),
            Framing::UntilClose => Ok(bytes.len()),
            Framing::Length(left) => {
                let take = (*left).min(bytes.len() as u64);
                *left -= take;
                if *left == 0 {
                    *self = Framing::Done;
                }
                Ok(take as usize)
            }
            Framing::Chunked(chunk) => {
                let mut i = 0;
                while i < bytes.len() {
                    match chunk.step(&bytes[i..])? {
                        Step::Consumed(n) => i += n,
                        Step::End(n) => {
                            *self = Framing::Done;
                            return Ok(i + n);
                        }
                    }
                }
                Ok(i)
            }
        }
    }

    /// Whether the server closing the connection now is a proper end.
    pub(crate) fn may_end_here(&self) -> bool {
        matches!(self, Framing::Done | Framing::UntilClose)
    }
}

enum Step {
    Consumed(usize),
    End(usize),
}

impl Chunk {
    fn step(&mut self, bytes: &[u8]) -> Result<Step, Refusal> {
        let b = bytes[0];
        match *self {
            Chunk::Size { value, len, ext } => {
                if len >= MAX_CHUNK_LINE {
                    return Err(Refusal::BadFraming("chunk-size line too long"));
                }
                let len = len + 1;
                *self = match b {
                    b'\r' => Chunk::SizeLf { value },
                    b';' => Chunk::Size {
                        value,
                        len,
                        ext: true,
                    },
                    _ if ext => Chunk::Size { value, len, ext },
                    b' ' | b'\t' => Chunk::Size { value, len, ext },
                    _ => {
                        let digit = (b as char)
                            .to_digit(16)
                            .ok_or(Refusal::BadFraming("chunk size is not hexadecimal"))?;
                        let value = value
                            .checked_mul(16)
                            .and_then(|v| v.checked_add(u64::from(digit)))
                            .ok_or(Refusal::BadFraming("chunk size overflows"))?;
                        Chunk::Size { value, len, ext }
                    }
                };
                Ok(Step::Consumed(1))
            }
            Chunk::SizeLf { value } => {
                if b != b'\n' {
                    return Err(Refusal::BadFraming("chunk-size line without LF"));
                }
                *self = if value == 0 {
                    Chunk::EndCr
                } else {
                    Chunk::Data(value)
                };
                Ok(Step::Consumed(1))
            }
            Chunk::Data(left) => {
                let take = left.min(bytes.len() as u64);
                *self = if take == left {
                    Chunk::DataCr
                } else {
                    Chunk::Data(left - take)
                };
                Ok(Step::Consumed(take as usize))
            }
            Chunk::DataCr | Chunk::EndCr => {
                if b != b'\r' {
                    return Err(Refusal::BadFraming(if *self == Chunk::EndCr {
                        "chunk trailers are not supported"
                    } else {
                        "chunk data longer than its size"
                    }));
                }
                *self = if *self == Chunk::EndCr {
                    Chunk::EndLf
                } else {
                    Chunk::DataLf
                };
                Ok(Step::Consumed(1))
            }
            Chunk::DataLf => {
                if b != b'\n' {
                    return Err(Refusal::BadFraming("chunk data not followed by CRLF"));
                }
                *self = Chunk::Size {
                    value: 0,
                    len: 0,
                    ext: false,
                };
                Ok(Step::Consumed(1))
            }
            Chunk::EndLf => {
                if b != b'\n' {
                    return Err(Refusal::BadFraming("last chunk not followed by CRLF"));
                }
                Ok(Step::End(1))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(head: &[u8]) -> Result<HeadKind, Refusal> {
        parse_head(head, false)
    }

    fn final_head(head: &[u8], all: bool) -> FinalHead {
        match parse_head(head, all).unwrap() {
            HeadKind::Final(f) => f,
            HeadKind::Interim => panic!("interim"),
        }
    }

    fn framing(head: &str) -> Framing {
        final_head(head.as_bytes(), false).framing
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn heads_note_the_headers_the_library_reads() {
        let head = b"HTTP/1.1 429 Too Many\r\nContent-Type:  application/json \r\nX-Other: 1\r\nX-RateLimit-Reset: 1500\r\nretry-after: 2\r\nRetry-After: 3\r\nLocation: /\xc3\xa9\r\nContent-Length: 2\r\n\r\n";
        let read = final_head(head, false);
        assert_eq!(read.framing, Framing::Length(2));
        assert_eq!(
            read.headers,
            pairs(&[
                ("content-type", "application/json"),
                ("x-ratelimit-reset", "1500"),
                ("retry-after", "2"),
            ])
        );
        // The first of a name counts, even when its value is not one ureq
        // accepts; and a status line the framing does not know still has
        // its headers read.
        let head = b"HTTP/1.2 429 X\r\nRetry-After: \x01\r\nRetry-After: 5\r\n\r\n";
        assert_eq!(final_head(head, false).headers, vec![]);
        let head = b"HTTP/1.2 429 X\r\nRetry-After: 5\r\n\r\n";
        let read = final_head(head, false);
        assert_eq!(read.framing, Framing::Done);
        assert_eq!(read.headers, pairs(&[("retry-after", "5")]));
    }

    #[test]
    fn heads_choose_the_framing_ureq_uses() {
        assert_eq!(
            framing("HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n"),
            Framing::Length(12)
        );
        assert_eq!(
            framing("HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n"),
            Framing::Done
        );
        assert!(matches!(
            framing("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n"),
            Framing::Chunked(_)
        ));
        assert_eq!(
            framing("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"),
            Framing::UntilClose
        );
        // A length beside Connection: close is honoured (ureq would read on).
        assert_eq!(
            framing("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 3\r\n\r\n"),
            Framing::Length(3)
        );
        assert_eq!(
            framing("HTTP/1.1 204 No Content\r\nContent-Length: 9\r\n\r\n"),
            Framing::Done
        );
        assert_eq!(framing("HTTP/1.1 200 OK\r\n\r\n"), Framing::UntilClose);
        assert_eq!(
            framing("HTTP/1.1 200 OK\r\nContent-Length: 7, 7\r\n\r\n"),
            Framing::Length(7)
        );
        assert_eq!(
            parse(b"HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n").unwrap(),
            HeadKind::Interim
        );
        assert_eq!(
            parse(b"HTTP/1.1 100 Continue\r\n\r\n").unwrap(),
            HeadKind::Interim
        );
        for bad in [
            "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n",
        ] {
            assert!(parse(bad.as_bytes()).is_err(), "{bad}");
        }
    }

    /// What ureq is handed for `head`.
    fn for_ureq(head: &[u8]) -> String {
        let read = final_head(head, false);
        let mut head = head.to_vec();
        head_for_ureq(&mut head, read.framing, read.close);
        String::from_utf8(head).unwrap()
    }

    #[test]
    fn ureq_is_handed_the_status_line_and_the_framing_decided_here() {
        assert_eq!(
            for_ureq(b"HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Type: application/json\r\ncontent-length: 2\r\nX-A: 1\r\nConnection: keep-alive\r\nnot a field\r\n\r\n"),
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n"
        );
        // Whatever the server's lines, ureq reads the framing decided here:
        // an empty Transfer-Encoding first (ureq reads only the first) does
        // not hide a chunked one.
        assert_eq!(
            for_ureq(b"HTTP/1.1 200 OK\r\nTransfer-Encoding:\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n"),
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        );
        assert_eq!(
            for_ureq(b"HTTP/1.1 200 OK\r\nContent-Length: 7, 7\r\nConnection: Close\r\nConnection: keep-alive\r\n\r\n"),
            "HTTP/1.1 200 OK\r\nContent-Length: 7\r\nConnection: close\r\n\r\n"
        );
        // A Connection header ureq would not accept is not a close.
        assert_eq!(
            for_ureq(b"HTTP/1.1 200 OK\r\nConnection: close\x01\r\nConnection: close\r\n\r\n"),
            "HTTP/1.1 200 OK\r\n\r\n"
        );
        assert_eq!(
            for_ureq(b"HTTP/1.1 204 No Content\nDate: x\n\n"),
            "HTTP/1.1 204 No Content\nContent-Length: 0\r\n\r\n"
        );
        assert_eq!(
            for_ureq(b"HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\n"),
            "HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\n"
        );
        // A status line the framing does not know: ureq judges all of it.
        let original = "HTTP/2 200 OK\r\nServer: x\r\n\r\n";
        assert_eq!(for_ureq(original.as_bytes()), original);
    }

    #[test]
    fn every_header_is_read_when_asked_in_order_as_ureq_would_accept_it() {
        let head = b"HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nX-Odd\x01: no\r\nContent-Length: 0\r\nset-cookie:  b=2 \r\nX-Bin: \xc3\xa9\r\nX-Nbsp: v\xc2\xa0\r\nno colon\r\n: empty name\r\n folded: line\r\nX-Empty:\r\n\r\n";
        let read = final_head(head, true);
        assert_eq!(read.framing, Framing::Done);
        assert_eq!(
            read.headers,
            pairs(&[
                ("set-cookie", "a=1"),
                ("content-length", "0"),
                ("set-cookie", "b=2"),
                // ureq trims Unicode white space (a no-break space) too.
                ("x-nbsp", "v"),
                ("x-empty", ""),
            ])
        );
    }

    #[test]
    fn more_than_a_hundred_header_lines_are_refused() {
        let head = |n: usize| format!("HTTP/1.1 200 OK\r\n{}\r\n", "A: b\r\n".repeat(n));
        assert!(parse(head(MAX_HEADER_COUNT).as_bytes()).is_ok());
        match parse(head(MAX_HEADER_COUNT + 1).as_bytes()) {
            Err(Refusal::BadFraming(why)) => assert!(why.contains(&MAX_HEADER_COUNT.to_string())),
            other => panic!("{other:?}"),
        }
    }

    fn chunked() -> Framing {
        Framing::Chunked(Chunk::Size {
            value: 0,
            len: 0,
            ext: false,
        })
    }

    #[test]
    fn chunked_end_is_found_byte_by_byte_and_in_one_go() {
        let body = b"4\r\nWiki\r\n5;ext=1\r\npedia\r\n0\r\n\r\nNEXT";
        let mut f = chunked();
        assert_eq!(f.advance(body).unwrap(), body.len() - 4);
        assert_eq!(f, Framing::Done);
        let mut f = chunked();
        let mut used = 0;
        for b in body.iter() {
            used += f.advance(std::slice::from_ref(b)).unwrap();
        }
        assert_eq!(used, body.len() - 4);
    }

    #[test]
    fn chunked_garbage_is_refused_with_bounded_lines() {
        let mut f = chunked();
        let zeros = vec![b'0'; 4096];
        assert_eq!(
            f.advance(&zeros).unwrap_err(),
            Refusal::BadFraming("chunk-size line too long")
        );
        for bad in [
            &b"zz\r\n"[..],
            b"3\r\nabcd",
            b"3\nabc",
            b"0\r\nTrailer: x\r\n\r\n",
            b"fffffffffffffffff\r\n",
        ] {
            let mut f = chunked();
            assert!(
                f.advance(bad).is_err(),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn a_cut_body_cannot_end_there() {
        let mut f = chunked();
        f.advance(b"a\r\n01234").unwrap();
        assert!(!f.may_end_here());
        let mut f = Framing::Length(10);
        f.advance(b"12345").unwrap();
        assert!(!f.may_end_here());
        assert_eq!(f.advance(b"6789012").unwrap(), 5);
        assert!(f.may_end_here());
        assert!(Framing::UntilClose.may_end_here());
    }
}
