//! Text that came from a server, made safe to put in a log line or an error
//! message: control characters (which could forge log lines or drive a
//! terminal) are escaped, bidirectional overrides too, and the length is
//! capped.

/// Longest server-provided text kept in a message, in characters.
pub(crate) const MAX_SERVER_TEXT: usize = 256;

/// `text` with control, bidi-override and line-separator characters shown
/// as `\u{..}` escapes, cut to `max` characters (with `...` when cut).
pub(crate) fn sanitize(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max * 2));
    for (count, c) in text.chars().enumerate() {
        if count == max {
            out.push_str("...");
            break;
        }
        if is_unsafe(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{2028}' | '\u{2029}'            // line and paragraph separators
            | '\u{200e}' | '\u{200f}'          // directional marks
            | '\u{202a}'..='\u{202e}'          // embeddings and overrides
            | '\u{2066}'..='\u{2069}'          // isolates
            | '\u{feff}')
}

/// Server text as kept on an error: sanitized and capped.
pub(crate) fn server_text(text: &str) -> String {
    sanitize(text, MAX_SERVER_TEXT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(
            sanitize("0004 Invalid\r\nINFO forged line\x1b[2J", 100),
            "0004 Invalid\\u{d}\\u{a}INFO forged line\\u{1b}[2J"
        );
        assert_eq!(sanitize("a\u{202e}b\u{85}c", 100), "a\\u{202e}b\\u{85}c");
        assert_eq!(sanitize("Exämple ✓", 100), "Exämple ✓");
    }

    #[test]
    fn length_is_capped() {
        assert_eq!(sanitize(&"x".repeat(10), 4), "xxxx...");
        assert_eq!(
            server_text(&"é".repeat(1000)).chars().count(),
            MAX_SERVER_TEXT + 3
        );
    }
}
