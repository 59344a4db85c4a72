//! A strict one-pass JSON reader for plain answers.
//!
//! serde reads every answer exactly and says what is wrong with a bad one
//! (`envelope.rs`, `account.rs`). But most answers are plain: an envelope
//! with a whole-number `meta.status`, no failure, names without escapes.
//! For those, a reader built on this [`Cursor`] reads the body in a single
//! pass that also validates it as JSON, at a fraction of serde's cost (two
//! passes, a `serde_json::Value` per field, an allocation per name).
//!
//! Every method *declines* (returns `None`) on anything outside the plain
//! subset: an escape where a name or a value is read, an unusual type or
//! number, deep nesting, invalid JSON. The caller then lets serde read the
//! answer as before, so declining is always safe. What the cursor accepts
//! serde accepts too, and reads the same; the tests of each reader check
//! that against serde on generated answers.

use std::ops::Range;

use crate::json::MAX_DEPTH;

/// Reads `text` as one object (and nothing after it but white space):
/// calls `member` with each key (its raw text: keys with escapes are
/// declined, as they could spell a name the caller knows) and the cursor
/// at its value, which `member` must read.
pub(crate) fn object<'a>(
    text: &'a str,
    member: impl FnMut(&mut Cursor<'a>, &'a [u8]) -> Option<()>,
) -> Option<()> {
    let mut c = Cursor::new(text);
    c.object(member)?;
    c.end()
}

/// A member seen for the first time: stores `value` in `slot`; declines
/// the second (serde refuses a known member given twice).
pub(crate) fn first<T>(slot: &mut Option<T>, value: T) -> Option<()> {
    if slot.is_some() {
        return None;
    }
    *slot = Some(value);
    Some(())
}

/// Bytes a string may hold as they are (not `"`, `\` or a control byte).
static PLAIN: [bool; 256] = {
    let mut t = [true; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = false;
        i += 1;
    }
    t[b'"' as usize] = false;
    t[b'\\' as usize] = false;
    t
};

/// Most digits of a whole number read as one (below i64::MAX).
const MAX_DIGITS: usize = 18;

pub(crate) struct Cursor<'a> {
    text: &'a str,
    b: &'a [u8],
    i: usize,
    depth: usize,
}

impl<'a> Cursor<'a> {
    pub(crate) fn new(text: &'a str) -> Cursor<'a> {
        Cursor {
            text,
            b: text.as_bytes(),
            i: 0,
            depth: 0,
        }
    }

    /// Where the cursor is.
    pub(crate) fn position(&self) -> usize {
        self.i
    }

    /// Moves past white space.
    pub(crate) fn skip_ws(&mut self) {
        self.ws();
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.b.get(self.i) {
            self.i += 1;
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.b.get(self.i).copied()
    }

    fn eat(&mut self, byte: u8) -> bool {
        if self.peek() == Some(byte) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn literal(&mut self, word: &[u8]) -> bool {
        self.ws();
        if self.b[self.i..].starts_with(word) {
            self.i += word.len();
            true
        } else {
            false
        }
    }

    /// Only white space is left.
    pub(crate) fn end(&mut self) -> Option<()> {
        self.ws();
        (self.i == self.b.len()).then_some(())
    }

    fn enter(&mut self) -> Option<()> {
        self.depth += 1;
        (self.depth <= MAX_DEPTH).then_some(())
    }

    /// `{ "key": value, ... }`: calls `member` with each key (raw text)
    /// and the cursor at its value, which `member` must read.
    pub(crate) fn object(
        &mut self,
        mut member: impl FnMut(&mut Self, &'a [u8]) -> Option<()>,
    ) -> Option<()> {
        if !self.eat(b'{') {
            return None;
        }
        self.enter()?;
        if !self.eat(b'}') {
            loop {
                self.ws();
                let key = self.string(false)?;
                if !self.eat(b':') {
                    return None;
                }
                let text = self.b;
                member(self, &text[key.start + 1..key.end - 1])?;
                if self.eat(b'}') {
                    break;
                }
                if !self.eat(b',') {
                    return None;
                }
            }
        }
        self.depth -= 1;
        Some(())
    }

    /// `[ value, ... ]`: calls `element` with the cursor at each element.
    pub(crate) fn array(&mut self, mut element: impl FnMut(&mut Self) -> Option<()>) -> Option<()> {
        if !self.eat(b'[') {
            return None;
        }
        self.enter()?;
        if !self.eat(b']') {
            loop {
                element(self)?;
                if self.eat(b']') {
                    break;
                }
                if !self.eat(b',') {
                    return None;
                }
            }
        }
        self.depth -= 1;
        Some(())
    }

    /// Skips any value, validating it; returns where it is.
    pub(crate) fn skip_value(&mut self) -> Option<Range<usize>> {
        let start = match self.peek()? {
            b'{' => {
                let start = self.i;
                self.object(|c, _| c.skip_value().map(|_| ()))?;
                start
            }
            b'[' => {
                let start = self.i;
                self.array(|c| c.skip_value().map(|_| ()))?;
                start
            }
            b'"' => return self.string(true),
            b't' | b'f' | b'n' => {
                let start = self.i;
                if !(self.literal(b"true") || self.literal(b"false") || self.literal(b"null")) {
                    return None;
                }
                start
            }
            _ => return self.number(),
        };
        Some(start..self.i)
    }

    /// A string at the cursor, validated: returns its span, quotes
    /// included. Escapes are accepted only when `escapes` (a string that is
    /// skipped, not read), and then only those serde accepts in any mode (a
    /// `\u` surrogate is declined).
    fn string(&mut self, escapes: bool) -> Option<Range<usize>> {
        let start = self.i;
        if self.b.get(start) != Some(&b'"') {
            return None;
        }
        let mut i = start + 1;
        loop {
            while i < self.b.len() && PLAIN[self.b[i] as usize] {
                i += 1;
            }
            match self.b.get(i)? {
                b'"' => break,
                b'\\' if escapes => {
                    i += 1;
                    match self.b.get(i)? {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => i += 1,
                        b'u' => {
                            let hex = self.b.get(i + 1..i + 5)?;
                            if !hex.iter().all(u8::is_ascii_hexdigit) {
                                return None;
                            }
                            let code =
                                u16::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?;
                            if (0xD800..=0xDFFF).contains(&code) {
                                return None;
                            }
                            i += 5;
                        }
                        _ => return None,
                    }
                }
                // A control byte (serde refuses it) or an escape.
                _ => return None,
            }
        }
        self.i = i + 1;
        Some(start..self.i)
    }

    /// A string without escapes: its content.
    fn plain_str(&mut self) -> Option<&'a str> {
        self.ws();
        let span = self.string(false)?;
        self.text.get(span.start + 1..span.end - 1)
    }

    /// A JSON number at the cursor, validated by the grammar of RFC 8259.
    fn number(&mut self) -> Option<Range<usize>> {
        self.ws();
        let start = self.i;
        let b = self.b;
        let mut i = start;
        if b.get(i) == Some(&b'-') {
            i += 1;
        }
        match b.get(i)? {
            b'0' => i += 1,
            b'1'..=b'9' => {
                while b.get(i).map_or(false, u8::is_ascii_digit) {
                    i += 1;
                }
            }
            _ => return None,
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            let digits = i;
            while b.get(i).map_or(false, u8::is_ascii_digit) {
                i += 1;
            }
            if i == digits {
                return None;
            }
        }
        if let Some(b'e' | b'E') = b.get(i) {
            i += 1;
            if let Some(b'+' | b'-') = b.get(i) {
                i += 1;
            }
            let digits = i;
            while b.get(i).map_or(false, u8::is_ascii_digit) {
                i += 1;
            }
            if i == digits {
                return None;
            }
        }
        self.i = i;
        Some(start..i)
    }

    /// A non-negative whole number written with digits only (no sign,
    /// fraction or exponent) and short enough to be exact.
    fn whole_number(&mut self) -> Option<i64> {
        let span = self.number()?;
        let digits = &self.b[span];
        if digits.len() > MAX_DIGITS || !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(digits).ok()?.parse().ok()
    }

    /// `null`, consumed when it is there.
    pub(crate) fn null(&mut self) -> bool {
        self.literal(b"null")
    }

    /// A string without escapes, or null.
    pub(crate) fn text(&mut self) -> Option<Option<&'a str>> {
        if self.null() {
            return Some(None);
        }
        self.plain_str().map(Some)
    }

    /// true, false or null.
    pub(crate) fn flag(&mut self) -> Option<Option<bool>> {
        if self.null() {
            Some(None)
        } else if self.literal(b"true") {
            Some(Some(true))
        } else if self.literal(b"false") {
            Some(Some(false))
        } else {
            None
        }
    }

    /// A non-negative whole number (see `whole_number`), or null.
    pub(crate) fn count(&mut self) -> Option<Option<i64>> {
        if self.null() {
            return Some(None);
        }
        self.whole_number().map(Some)
    }

    /// An array of strings without escapes (null: none).
    pub(crate) fn strings(&mut self) -> Option<Vec<&'a str>> {
        let mut out = Vec::new();
        if !self.null() {
            self.array(|c| {
                out.push(c.plain_str()?);
                Some(())
            })?;
        }
        Some(out)
    }

    /// A value every reader takes as it is: a string without escapes, a
    /// short whole number, true, false or null. (serde reads some members
    /// into a `serde_json::Value` before it looks at them: any of these
    /// goes into one.)
    pub(crate) fn plain_scalar(&mut self) -> Option<()> {
        match self.peek()? {
            b'"' => self.plain_str().map(drop),
            b't' | b'f' | b'n' => self.flag().map(drop),
            _ => self.whole_number().map(drop),
        }
    }
}

/// Generators of JSON text, valid and not, near the plain subset's edges:
/// what the readers built on [`Cursor`] are checked against serde with.
#[cfg(test)]
pub(crate) mod gen {
    use proptest::prelude::*;

    fn pick(options: &'static [&'static str]) -> impl Strategy<Value = String> {
        proptest::sample::select(options).prop_map(str::to_owned)
    }

    /// White space, including none.
    pub(crate) fn ws() -> impl Strategy<Value = String> {
        pick(&["", "", " ", "\n\t ", "\r\n"])
    }

    /// String literals: plain, escaped, non-ASCII.
    pub(crate) fn good_string() -> impl Strategy<Value = String> {
        prop_oneof![
            6 => "[a-zA-Z0-9 @.\\-\\[\\]]{0,12}".prop_map(|s| format!("\"{s}\"")),
            1 => pick(&[
                r#""""#,
                "\"Ex\u{e4}mple \u{1f600}\"",
                r#""a\"b""#,
                r#""\u00e9""#,
                r#""\ud83d\ude00""#,
                r#""\/\\\b\f\n\r\t""#,
            ]),
        ]
    }

    /// String literals serde refuses, or reads only when it skips them.
    fn bad_string() -> impl Strategy<Value = String> {
        pick(&[
            r#""\ud800""#,
            r#""\u12G4""#,
            r#""\x""#,
            "\"tab\there\"",
            "\"nul\u{0}\"",
            r#""open"#,
        ])
    }

    pub(crate) fn string() -> impl Strategy<Value = String> {
        prop_oneof![9 => good_string(), 1 => bad_string()]
    }

    /// Number literals JSON allows, the plain and the unusual.
    pub(crate) fn good_number() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => (0u64..1000).prop_map(|n| n.to_string()),
            1 => pick(&[
                "0", "-0", "-1", "30.0", "1e2", "1.5", "2E-3", "1e999", "-1e999",
                "99999999999999999999", "999999999999999999", "9007199254740993", "401", "599",
                "600", "399",
            ]),
        ]
    }

    pub(crate) fn number() -> impl Strategy<Value = String> {
        prop_oneof![
            9 => good_number(),
            1 => pick(&["007", "1.", ".5", "+1", "-", "1e", "0x10"]),
        ]
    }

    pub(crate) fn scalar() -> impl Strategy<Value = String> {
        prop_oneof![
            30 => string(),
            30 => number(),
            20 => pick(&["true", "false", "null"]),
            1 => pick(&["nul", "True", "nulll", "tru"]),
        ]
    }

    /// Any value, nested a few levels, now and then broken.
    pub(crate) fn value() -> impl Strategy<Value = String> {
        scalar().prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                proptest::collection::vec((ws(), inner.clone()), 0..4).prop_map(|items| {
                    let items: Vec<String> = items.into_iter().map(|(w, v)| w + &v).collect();
                    format!("[{}]", items.join(","))
                }),
                proptest::collection::vec((string(), ws(), inner), 0..4).prop_map(|members| {
                    let members: Vec<String> = members
                        .into_iter()
                        .map(|(k, w, v)| format!("{k}:{w}{v}"))
                        .collect();
                    format!("{{{}}}", members.join(","))
                }),
            ]
        })
    }

    /// An object text from members (key text, value text), spaced by
    /// `spaces` in turn, with `tail` after it.
    pub(crate) fn object(members: &[(String, String)], spaces: &[String], tail: &str) -> String {
        let space = |i: usize| {
            spaces
                .get(i % spaces.len().max(1))
                .cloned()
                .unwrap_or_default()
        };
        let members: Vec<String> = members
            .iter()
            .enumerate()
            .map(|(i, (k, v))| {
                format!(
                    "{}{k}{}:{}{v}{}",
                    space(i),
                    space(i + 1),
                    space(i + 2),
                    space(i + 3)
                )
            })
            .collect();
        format!("{{{}}}{tail}", members.join(","))
    }

    /// What may follow a document: nothing, white space, or garbage.
    pub(crate) fn tail() -> impl Strategy<Value = String> {
        prop_oneof![
            12 => pick(&["", " \n"]),
            1 => pick(&["x", ",", "{}", "]"]),
        ]
    }
}
