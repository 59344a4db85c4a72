//! Where an HTTP/1.1 response ends on the connection.
//!
//! ureq parses the response; this module follows the same bytes alongside
//! it so that the connection layer knows where the response ends: it hands
//! ureq nothing past that point (a stray byte can never become the start of
//! the next response), notices a body cut short, and bounds every line it
//! has to read. The rules mirror ureq 2.6's, and are stricter where ureq's
//! are unsafe (a length beside `Connection: close` is honoured).

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
    /// The final answer: the framing of its body, and the headers the
    /// library reads itself (see [`READ_HEADERS`]), noted in the same pass
    /// so that a call does not look each one up again in ureq's list.
    Final(Framing, Vec<(String, String)>),
}

/// Reads a complete head (up to and including its blank line).
pub(crate) fn parse_head(head: &[u8]) -> Result<HeadKind, Refusal> {
    let status = status_code(head);
    if let Some(status) = status {
        if (100..200).contains(&status) && status != 101 {
            return Ok(HeadKind::Interim);
        }
    }
    let http10 = head.starts_with(b"HTTP/1.0");
    let mut chunked = false;
    let mut length: Option<u64> = None;
    let mut read = Vec::new();
    let mut seen = [false; READ_HEADERS.len()];
    for line in head.split(|&b| b == b'\n').skip(1) {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let colon = match line.iter().position(|&b| b == b':') {
            Some(c) => c,
            None => continue,
        };
        let name = &line[..colon];
        let value = trim(&line[colon + 1..]);
        if let Some(at) = READ_HEADERS
            .iter()
            .position(|n| name.eq_ignore_ascii_case(n.as_bytes()))
        {
            // As ureq's `Response::header`: the first header of a name
            // counts, and only when its value is printable ASCII.
            if !seen[at] {
                seen[at] = true;
                if value
                    .iter()
                    .all(|&b| b == b'\t' || (0x20..=0x7e).contains(&b))
                {
                    // ASCII, so UTF-8.
                    let v = String::from_utf8_lossy(value).into_owned();
                    read.push((READ_HEADERS[at].to_owned(), v));
                }
            }
        }
        if name.eq_ignore_ascii_case(b"transfer-encoding") {
            if !value.is_empty() {
                chunked = true;
            }
        } else if name.eq_ignore_ascii_case(b"content-length") {
            for part in value.split(|&b| b == b',') {
                let n = parse_decimal(trim(part))
                    .ok_or(Refusal::BadFraming("invalid Content-Length"))?;
                if length.map_or(false, |l| l != n) {
                    return Err(Refusal::BadFraming("conflicting Content-Length headers"));
                }
                length = Some(n);
            }
        }
    }
    let status = match status {
        Some(s) => s,
        // Not HTTP/1.x as the framing knows it: let ureq judge the head;
        // read nothing more than it.
        None => return Ok(HeadKind::Final(Framing::Done, read)),
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
    Ok(HeadKind::Final(framing, read))
}

/// The response headers the library reads itself (`content-length` for
/// the size of the body buffer).
const READ_HEADERS: [&str; 6] = [
    "content-type",
    "content-length",
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

    fn framing(head: &str) -> Framing {
        match parse_head(head.as_bytes()).unwrap() {
            HeadKind::Final(f, _) => f,
            HeadKind::Interim => panic!("interim"),
        }
    }

    #[test]
    fn heads_note_the_headers_the_library_reads() {
        let head = b"HTTP/1.1 429 Too Many\r\nContent-Type:  application/json \r\nX-Other: 1\r\nX-RateLimit-Reset: 1500\r\nretry-after: 2\r\nRetry-After: 3\r\nLocation: /\xc3\xa9\r\nContent-Length: 2\r\n\r\n";
        match parse_head(head).unwrap() {
            HeadKind::Final(Framing::Length(2), read) => assert_eq!(
                read,
                [
                    ("content-type", "application/json"),
                    ("x-ratelimit-reset", "1500"),
                    ("retry-after", "2"),
                    ("content-length", "2"),
                ]
                .map(|(n, v)| (n.to_owned(), v.to_owned()))
            ),
            other => panic!("{other:?}"),
        }
        // The first of a name counts, even when its value is not one ureq
        // accepts; and a status line the framing does not know still has
        // its headers read.
        let head = b"HTTP/1.2 429 X\r\nRetry-After: \x01\r\nRetry-After: 5\r\n\r\n";
        assert_eq!(
            parse_head(head).unwrap(),
            HeadKind::Final(Framing::Done, vec![])
        );
        let head = b"HTTP/1.2 429 X\r\nRetry-After: 5\r\n\r\n";
        assert_eq!(
            parse_head(head).unwrap(),
            HeadKind::Final(
                Framing::Done,
                vec![("retry-after".to_owned(), "5".to_owned())]
            )
        );
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
            parse_head(b"HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n").unwrap(),
            HeadKind::Interim
        );
        assert_eq!(
            parse_head(b"HTTP/1.1 100 Continue\r\n\r\n").unwrap(),
            HeadKind::Interim
        );
        for bad in [
            "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n",
        ] {
            assert!(parse_head(bad.as_bytes()).is_err(), "{bad}");
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
