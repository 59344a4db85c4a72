//! JSON text handled as text: checking a caller's body without rewriting
//! it, the nesting limit every response gets, and editing one member of an
//! object while every other byte stays as the caller wrote it.

use std::ops::Range;

use crate::error::{Error, Result, Status};

/// Deepest nesting of arrays and objects accepted, in requests and
/// responses alike, in every language (the bindings read what the core
/// accepted, so they accept exactly this).
pub const MAX_DEPTH: usize = 128;

/// Whether `text` nests arrays and objects deeper than [`MAX_DEPTH`].
/// Iterative, so hostile input cannot exhaust the stack.
pub(crate) fn too_deep(text: &[u8]) -> bool {
    // Text with no more openers than the limit cannot nest deeper: one
    // count (which the compiler vectorises) settles most answers without
    // the exact scan below.
    let openers = text.iter().filter(|&&b| b == b'[' || b == b'{').count();
    if openers <= MAX_DEPTH {
        return false;
    }
    let mut depth = 0usize;
    let mut i = 0;
    while i < text.len() {
        match text[i] {
            b'"' => {
                i = string_end(text, i).unwrap_or(text.len());
                continue;
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return true;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    false
}

/// Checks that a request body is one JSON object, without re-serialising
/// it: the caller's text is what goes on the wire (big numbers, key order,
/// `1e2` and `-0` stay as written).
pub(crate) fn check_object_body(body: &str) -> Result<()> {
    let not_object = || {
        Error::invalid_argument("the request body must be a JSON object, for example {\"data\":[]}")
    };
    if !body.trim_start().starts_with('{') {
        return Err(not_object());
    }
    if too_deep(body.as_bytes()) {
        return Err(Error::invalid_argument(format!(
            "the request body nests arrays and objects deeper than {MAX_DEPTH} levels"
        )));
    }
    serde_json::from_str::<serde::de::IgnoredAny>(body).map_err(|_| not_object())?;
    Ok(())
}

/// One member of an object: its key (unescaped) and where its value is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Member {
    pub key: String,
    pub value: Range<usize>,
}

/// The members of the object that `text[span]` holds. `text` must be valid
/// JSON (checked before); the spans index into `text`.
pub(crate) fn members(text: &str, span: Range<usize>) -> Option<(Vec<Member>, usize)> {
    let bytes = text.as_bytes();
    let mut i = skip_ws(bytes, span.start);
    if bytes.get(i) != Some(&b'{') {
        return None;
    }
    // Index just after `{`, where a new member can be inserted.
    let open = i + 1;
    i = skip_ws(bytes, open);
    let mut out = Vec::new();
    if bytes.get(i) == Some(&b'}') {
        return Some((out, open));
    }
    loop {
        let key_end = string_end(bytes, i)?;
        let raw_key = &text[i..key_end];
        let key = if raw_key.contains('\\') {
            serde_json::from_str::<String>(raw_key).ok()?
        } else {
            raw_key[1..raw_key.len() - 1].to_owned()
        };
        i = skip_ws(bytes, key_end);
        if bytes.get(i) != Some(&b':') {
            return None;
        }
        let value_start = skip_ws(bytes, i + 1);
        let value_end = value_end(bytes, value_start)?;
        out.push(Member {
            key,
            value: value_start..value_end,
        });
        i = skip_ws(bytes, value_end);
        match bytes.get(i) {
            Some(b',') => i = skip_ws(bytes, i + 1),
            Some(b'}') => return Some((out, open)),
            _ => return None,
        }
    }
}

/// The elements of the array that `text[span]` holds (valid JSON).
pub(crate) fn elements(text: &str, span: Range<usize>) -> Option<Vec<Range<usize>>> {
    let bytes = text.as_bytes();
    let mut i = skip_ws(bytes, span.start);
    if bytes.get(i) != Some(&b'[') {
        return None;
    }
    i = skip_ws(bytes, i + 1);
    let mut out = Vec::new();
    if bytes.get(i) == Some(&b']') {
        return Some(out);
    }
    loop {
        let end = value_end(bytes, i)?;
        out.push(i..end);
        i = skip_ws(bytes, end);
        match bytes.get(i) {
            Some(b',') => i = skip_ws(bytes, i + 1),
            Some(b']') => return Some(out),
            _ => return None,
        }
    }
}

fn skip_ws(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'\r' | b'\n') {
        i += 1;
    }
    i
}

/// Index just past the string that starts at `start` (a `"`).
pub(crate) fn string_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// Index just past the JSON value that starts at `start`.
pub(crate) fn value_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = start;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i = string_end(bytes, i)?;
                if depth == 0 {
                    return Some(i);
                }
                continue;
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' if depth == 0 => return Some(i),
            b'}' | b']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            b',' if depth == 0 => return Some(i),
            b' ' | b'\t' | b'\r' | b'\n' if depth == 0 => return Some(i),
            _ => {}
        }
        i += 1;
    }
    if depth == 0 {
        Some(i)
    } else {
        None
    }
}

/// The one member named `key`, refusing a key given twice (which a server
/// could read either way).
fn only_member<'m>(members: &'m [Member], key: &str, owner: &str) -> Result<Option<&'m Member>> {
    let mut found = members.iter().filter(|m| m.key == key);
    let first = found.next();
    if found.next().is_some() {
        return Err(Error::invalid_argument(format!(
            "the request body has '{key}' twice in {owner}"
        )));
    }
    Ok(first)
}

/// `body` (a checked JSON object) with `meta.pagination.pageSize` set to
/// `page_size` (when > 0) and `meta.pagination.pageToken` set to `token` (or
/// removed when None). Everything else is kept byte for byte.
pub(crate) fn with_pagination(body: &str, page_size: u32, token: Option<&str>) -> Result<String> {
    let ours = {
        let mut parts = Vec::new();
        if page_size > 0 {
            parts.push(format!("\"pageSize\":{page_size}"));
        }
        if let Some(t) = token {
            let quoted = serde_json::to_string(t)
                .map_err(|_| Error::invalid_argument("the page token cannot be written as JSON"))?;
            parts.push(format!("\"pageToken\":{quoted}"));
        }
        parts
    };
    let broken = || {
        Error::new(
            Status::InvalidArgument,
            "the request body is not a JSON object",
        )
    };
    let (top, top_open) = members(body, 0..body.len()).ok_or_else(broken)?;
    let meta = match only_member(&top, "meta", "the body")? {
        None => {
            let pagination = format!("\"meta\":{{\"pagination\":{{{}}}}}", ours.join(","));
            return Ok(insert(body, top_open, &pagination, !top.is_empty()));
        }
        Some(m) => m.value.clone(),
    };
    let (meta_members, meta_open) = members(body, meta.clone())
        .ok_or_else(|| Error::invalid_argument("the request body's 'meta' must be an object"))?;
    let pagination = match only_member(&meta_members, "pagination", "'meta'")? {
        None => {
            let pagination = format!("\"pagination\":{{{}}}", ours.join(","));
            return Ok(insert(
                body,
                meta_open,
                &pagination,
                !meta_members.is_empty(),
            ));
        }
        Some(p) => p.value.clone(),
    };
    let (page_members, _) = members(body, pagination.clone()).ok_or_else(|| {
        Error::invalid_argument("the request body's 'meta.pagination' must be an object")
    })?;
    // Rebuild only the pagination object: the caller's other members as
    // written, then ours; a pageSize the caller set stays when we set none.
    let mut kept: Vec<String> = Vec::new();
    for m in &page_members {
        let replaced = (m.key == "pageSize" && page_size > 0) || m.key == "pageToken";
        if !replaced {
            kept.push(format!(
                "{}:{}",
                serde_json::to_string(&m.key).unwrap_or_default(),
                &body[m.value.clone()]
            ));
        }
    }
    kept.extend(ours);
    let mut out = String::with_capacity(body.len() + 64);
    out.push_str(&body[..pagination.start]);
    out.push('{');
    out.push_str(&kept.join(","));
    out.push('}');
    out.push_str(&body[pagination.end..]);
    Ok(out)
}

fn insert(body: &str, at: usize, member: &str, comma: bool) -> String {
    let mut out = String::with_capacity(body.len() + member.len() + 1);
    out.push_str(&body[..at]);
    out.push_str(member);
    if comma {
        out.push(',');
    }
    out.push_str(&body[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    #[test]
    fn bodies_are_checked_not_rewritten() {
        for good in [
            "{}",
            " {\"data\":[]}",
            "{\"n\":12345678901234567890123,\"z\":-0,\"e\":1e2}",
        ] {
            check_object_body(good).unwrap();
        }
        for bad in ["[]", "1", "{", "", "null", "{} x", "{\"a\":1,}"] {
            assert_eq!(
                check_object_body(bad).unwrap_err().status(),
                Status::InvalidArgument,
                "{bad}"
            );
        }
        let deep = format!(
            "{{\"a\":{}{}}}",
            "[".repeat(MAX_DEPTH),
            "]".repeat(MAX_DEPTH)
        );
        assert!(check_object_body(&deep)
            .unwrap_err()
            .message()
            .contains("deeper"));
        let ok = format!(
            "{{\"a\":{}{}}}",
            "[".repeat(MAX_DEPTH - 1),
            "]".repeat(MAX_DEPTH - 1)
        );
        check_object_body(&ok).unwrap();
    }

    #[test]
    fn depth_ignores_brackets_in_strings() {
        let s = format!("{{\"a\":\"{}\\\"{}\"}}", "[".repeat(500), "{".repeat(500));
        assert!(!too_deep(s.as_bytes()));
        assert!(too_deep("[".repeat(MAX_DEPTH + 1).as_bytes()));
        // Many openers side by side are wide, not deep.
        let wide = format!("[{}{{}}]", "{},[],".repeat(500));
        assert!(!too_deep(wide.as_bytes()));
        let deep_after_wide = format!("{}{}", wide, "[".repeat(MAX_DEPTH + 1));
        assert!(too_deep(deep_after_wide.as_bytes()));
    }

    #[test]
    fn elements_are_found_with_their_exact_text() {
        let text = r#"[ 1 , "a]" ,{"b":[2]}, [] ]"#;
        let e = elements(text, 0..text.len()).unwrap();
        let texts: Vec<&str> = e.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(texts, ["1", r#""a]""#, r#"{"b":[2]}"#, "[]"]);
        assert_eq!(elements("[]", 0..2).unwrap().len(), 0);
        assert!(elements("{}", 0..2).is_none());
    }

    #[test]
    fn members_are_found_with_their_exact_text() {
        let text = r#" { "a" : 1e2 , "b\u0063":{"x":[1,"]"]}, "d":"s" } "#;
        let (m, _) = members(text, 0..text.len()).unwrap();
        let keys: Vec<&str> = m.iter().map(|m| m.key.as_str()).collect();
        assert_eq!(keys, ["a", "bc", "d"]);
        assert_eq!(&text[m[0].value.clone()], "1e2");
        assert_eq!(&text[m[1].value.clone()], r#"{"x":[1,"]"]}"#);
        assert_eq!(&text[m[2].value.clone()], r#""s""#);
    }

    fn paged(body: &str, size: u32, token: Option<&str>) -> String {
        let out = with_pagination(body, size, token).unwrap();
        check_object_body(&out).unwrap();
        out
    }

    #[test]
    fn pagination_is_the_only_edit() {
        assert_eq!(
            paged("{}", 50, None),
            r#"{"meta":{"pagination":{"pageSize":50}}}"#
        );
        assert_eq!(
            paged(
                r#"{"data":[{"n":12345678901234567890123}]}"#,
                0,
                Some("T\"1")
            ),
            r#"{"meta":{"pagination":{"pageToken":"T\"1"}},"data":[{"n":12345678901234567890123}]}"#
        );
        assert_eq!(
            paged(r#"{"data":[], "meta" : {"x":1e2}}"#, 5, None),
            r#"{"data":[], "meta" : {"pagination":{"pageSize":5},"x":1e2}}"#
        );
        assert_eq!(
            paged(
                r#"{"meta":{"pagination":{"pageSize":9,"pageToken":"old","extra":-0}},"data":[]}"#,
                0,
                Some("new")
            ),
            r#"{"meta":{"pagination":{"pageSize":9,"extra":-0,"pageToken":"new"}},"data":[]}"#
        );
        let v: Value = serde_json::from_str(&paged(
            r#"{"meta":{"pagination":{"pageToken":"old"}}}"#,
            25,
            None,
        ))
        .unwrap();
        assert_eq!(v, json!({"meta": {"pagination": {"pageSize": 25}}}));
    }

    #[test]
    fn ambiguous_or_misshapen_meta_is_refused() {
        for bad in [
            r#"{"meta":{},"meta":{}}"#,
            r#"{"meta":[]}"#,
            r#"{"meta":{"pagination":1}}"#,
            r#"{"meta":{"pagination":{},"pagination":{}}}"#,
        ] {
            assert_eq!(
                with_pagination(bad, 1, None).unwrap_err().status(),
                Status::InvalidArgument,
                "{bad}"
            );
        }
    }
}
