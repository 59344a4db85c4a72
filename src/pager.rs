//! Walking every page of a paged endpoint, and every item of every page,
//! once for every language.
//!
//! Two paging dialects:
//! - API 1.0 envelopes: the request body carries `meta.pagination`
//!   (`pageSize`, `pageToken`); the answer's `meta.pagination.next` is the
//!   next token; the items are `data` (log endpoints wrap them one level
//!   deeper, `data[0].clickLogs` and so on).
//! - API 2.0 REST: a GET whose query carries `pageSize` and `nextPage`; the
//!   answer is `{"value": [...], "@nextPage": ..., "isCaughtUp": ...}`.
//!
//! A pull remembers every token the server sent (as 64-bit keyed hashes, so
//! a long pull costs 8 bytes a page): a token that comes back means the
//! server is sending the pull round in a cycle, which would otherwise never
//! end. The page that names the old token is still new and is handed out;
//! the call after it is the error. A page without items ends the pull: the
//! service answers a request for the page after an empty one with an error.

use std::collections::hash_map::RandomState;
use std::collections::{HashSet, VecDeque};
use std::hash::{BuildHasher, Hash, Hasher};
use std::ops::Range;

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::call::{Call, ResponseMode};
use crate::client::{Client, EMPTY_BODY};
use crate::error::{Error, Result, Status};
use crate::json;

/// Log endpoints that wrap their list in the first data item, and the
/// member that holds it (see shared/mimecast-api.md).
pub const LOG_LISTS: [(&str, &str); 5] = [
    ("/api/ttp/url/get-logs", "clickLogs"),
    ("/api/ttp/attachment/get-logs", "attachmentLogs"),
    ("/api/ttp/impersonation/get-logs", "impersonationLogs"),
    ("/api/archive/get-archive-search-logs", "logs"),
    ("/api/audit/get-archive-search-logs", "logs"),
];

/// The API 2.0 query parameter that carries the cursor. Servers seen in
/// the wild accept `nextPage`; it is sent consistently.
pub const CURSOR_PARAMETER: &str = "nextPage";

/// How pages are asked for.
enum Dialect {
    Envelope { path: String, body: String },
    Rest { call: Call },
}

/// One page: the body as received, where its items are, and its token.
pub struct Page {
    /// The HTTP status of the answer.
    pub http_status: u16,
    /// The whole answer, as received.
    pub body: String,
    /// How many times the request was retried.
    pub retries: u32,
    items: Vec<Range<usize>>,
    next: Option<String>,
}

impl Page {
    /// The page's items, each as the exact text the server sent.
    pub fn items(&self) -> impl Iterator<Item = &str> + '_ {
        self.items.iter().map(move |r| &self.body[r.clone()])
    }

    /// The token or cursor of the next page, if the server gave one.
    pub fn next_token(&self) -> Option<&str> {
        self.next.as_deref()
    }
}

/// Where a pull stands. Holds no reference to the client, so the C API can
/// keep it beside a shared client handle.
pub(crate) struct PageCursor {
    dialect: Dialect,
    page_size: u32,
    items_key: Option<String>,
    next_token: Option<String>,
    seen: HashSet<u64>,
    hasher: RandomState,
    pages: u64,
    done: bool,
    // A cycle was seen: the error the next call returns.
    cycle: Option<Error>,
    // Items of the current page not yet handed out.
    current: Option<Page>,
    pending: VecDeque<Range<usize>>,
}

impl PageCursor {
    /// A 1.0 pull: POSTs of `body` with `meta.pagination` set.
    pub(crate) fn new(path: &str, body: Option<&str>, page_size: u32) -> PageCursor {
        let items_key = LOG_LISTS
            .iter()
            .find(|(p, _)| *p == path)
            .map(|(_, k)| (*k).to_owned());
        PageCursor::with(
            Dialect::Envelope {
                path: path.to_owned(),
                body: body.unwrap_or(EMPTY_BODY).to_owned(),
            },
            page_size,
            items_key,
        )
    }

    /// A pull of any request: a POST pages as a 1.0 envelope (its body must
    /// be a JSON object, or none), anything else as API 2.0 REST.
    pub(crate) fn for_call(call: &Call, page_size: u32) -> Result<PageCursor> {
        if call.method == "POST" {
            let body = if call.body.is_empty() {
                None
            } else {
                let text = std::str::from_utf8(&call.body).map_err(|_| {
                    Error::invalid_argument("a paged POST needs a JSON object body")
                })?;
                json::check_object_body(text)?;
                Some(text)
            };
            if !call.query.is_empty() {
                return Err(Error::invalid_argument(
                    "a paged POST (API 1.0) takes its parameters in the body, not the query",
                ));
            }
            return Ok(PageCursor::new(&call.path, body, page_size));
        }
        let mut call = call.clone();
        call.mode = ResponseMode::Json;
        Ok(PageCursor::with(Dialect::Rest { call }, page_size, None))
    }

    fn with(dialect: Dialect, page_size: u32, items_key: Option<String>) -> PageCursor {
        PageCursor {
            dialect,
            page_size,
            items_key,
            next_token: None,
            seen: HashSet::new(),
            hasher: RandomState::new(),
            pages: 0,
            done: false,
            cycle: None,
            current: None,
            pending: VecDeque::new(),
        }
    }

    /// Takes items from the member `key` of each data item instead of the
    /// data items themselves (None: the data items; the default for the log
    /// endpoints of [`LOG_LISTS`] is their member).
    pub(crate) fn set_items_key(&mut self, key: Option<&str>) -> Result<()> {
        if matches!(self.dialect, Dialect::Rest { .. }) {
            return Err(Error::invalid_argument(
                "an items key applies to API 1.0 envelope pulls; API 2.0 items are 'value'",
            ));
        }
        if key == Some("") {
            return Err(Error::invalid_argument("the items key is empty"));
        }
        self.items_key = key.map(str::to_owned);
        Ok(())
    }

    /// The next page, or None once the pull is over. After an error the
    /// cursor has not moved: calling again asks for the same page.
    pub(crate) fn next_page(&mut self, client: &Client) -> Result<Option<Page>> {
        if let Some(e) = self.cycle.take() {
            return Err(e);
        }
        if self.done {
            return Ok(None);
        }
        let page = self.fetch(client)?;
        match page.next.as_deref() {
            // An empty page ends the pull even with a token.
            _ if page.items.is_empty() => self.done = true,
            None => self.done = true,
            Some(token) => {
                let mut h = self.hasher.build_hasher();
                token.hash(&mut h);
                if self.seen.insert(h.finish()) {
                    self.next_token = Some(token.to_owned());
                } else {
                    // This page is new; the one it points to is not. Hand
                    // this one out, and end the pull at the next call.
                    self.done = true;
                    self.cycle = Some(Error::new(
                        Status::MalformedResponse,
                        format!(
                            "page {} of this pull named, as the next page, a page token the server already sent in it: the pages form a cycle; stopping to avoid an endless loop",
                            self.pages + 1
                        ),
                    )
                    .with_http_status(page.http_status));
                }
            }
        }
        self.pages += 1;
        Ok(Some(page))
    }

    /// The next item of the pull (its JSON text), or None when it is over.
    pub(crate) fn next_item(&mut self, client: &Client) -> Result<Option<String>> {
        loop {
            if let (Some(span), Some(page)) = (self.pending.pop_front(), self.current.as_ref()) {
                return Ok(Some(page.body[span].to_owned()));
            }
            match self.next_page(client)? {
                None => {
                    self.current = None;
                    return Ok(None);
                }
                Some(page) => {
                    self.pending = page.items.iter().cloned().collect();
                    self.current = Some(page);
                }
            }
        }
    }

    fn fetch(&self, client: &Client) -> Result<Page> {
        match &self.dialect {
            Dialect::Envelope { path, body } => {
                let r = client.request_page(
                    path,
                    Some(body),
                    self.page_size,
                    self.next_token.as_deref(),
                )?;
                let spans: Vec<Range<usize>> = r.item_spans().to_vec();
                let items = match &self.items_key {
                    None => spans,
                    Some(key) => unwrap_items(&r.body, &spans, key, r.http_status)?,
                };
                Ok(Page {
                    http_status: r.http_status,
                    next: r.next_page_token().map(str::to_owned),
                    retries: r.retries,
                    items,
                    body: r.body,
                })
            }
            Dialect::Rest { call } => {
                let mut call = call.clone();
                if self.page_size > 0 {
                    call.set_query("pageSize", &self.page_size.to_string());
                }
                if let Some(t) = &self.next_token {
                    call.set_query(CURSOR_PARAMETER, t);
                }
                let r = client.send(&call)?;
                let status = r.status;
                let body = String::from_utf8(r.body).map_err(|_| {
                    Error::new(Status::MalformedResponse, "the page is not UTF-8 text")
                        .with_http_status(status)
                })?;
                let (items, next) = rest_page(&body, status)?;
                Ok(Page {
                    http_status: status,
                    retries: r.retries,
                    items,
                    next,
                    body,
                })
            }
        }
    }
}

/// The items of each data item's member `key` (an array), in order. A data
/// item without the member gives none (log endpoints send `[{}]` when
/// there is nothing).
fn unwrap_items(
    body: &str,
    data: &[Range<usize>],
    key: &str,
    status: u16,
) -> Result<Vec<Range<usize>>> {
    let mut out = Vec::new();
    for span in data {
        let (members, _) = match json::members(body, span.clone()) {
            Some(m) => m,
            None => continue,
        };
        let mut found = members.iter().filter(|m| m.key == key);
        let member = match found.next() {
            Some(m) => m,
            None => continue,
        };
        if found.next().is_some() {
            return Err(Error::new(
                Status::MalformedResponse,
                format!("a data item has '{key}' twice"),
            )
            .with_http_status(status));
        }
        let elements = json::elements(body, member.value.clone()).ok_or_else(|| {
            Error::new(
                Status::MalformedResponse,
                format!("a data item's '{key}' is not an array"),
            )
            .with_http_status(status)
        })?;
        out.extend(elements);
    }
    Ok(out)
}

#[derive(Deserialize)]
struct RestPageJson<'a> {
    #[serde(borrow)]
    value: Option<Vec<&'a RawValue>>,
    #[serde(rename = "@nextPage", default)]
    next_page: Option<serde_json::Value>,
    #[serde(rename = "isCaughtUp", default)]
    is_caught_up: Option<bool>,
}

/// An API 2.0 page: where its items are, its cursor, whether it is the
/// last one for now.
pub(crate) struct RestPage {
    pub items: Vec<Range<usize>>,
    pub cursor: Option<String>,
    pub caught_up: bool,
}

impl RestPage {
    pub(crate) fn parse(body: &str, status: u16) -> Result<RestPage> {
        let page: RestPageJson<'_> = serde_json::from_str(body).map_err(|e| {
            let why = if e.to_string().starts_with("duplicate field") {
                "has a member given twice"
            } else {
                "is not an API 2.0 page ({\"value\": [...], \"@nextPage\": ...})"
            };
            Error::new(Status::MalformedResponse, format!("the page {why}"))
                .with_http_status(status)
        })?;
        let values = page.value.ok_or_else(|| {
            Error::new(Status::MalformedResponse, "the page has no 'value' array")
                .with_http_status(status)
        })?;
        let base = body.as_ptr() as usize;
        let items = values
            .iter()
            .map(|v| {
                let start = v.get().as_ptr() as usize - base;
                start..start + v.get().len()
            })
            .collect();
        let cursor = match page.next_page {
            Some(serde_json::Value::String(s)) if !s.is_empty() => Some(s),
            _ => None,
        };
        Ok(RestPage {
            items,
            cursor,
            caught_up: page.is_caught_up == Some(true),
        })
    }
}

/// Items and next cursor of an API 2.0 page for a pull: caught up means no
/// next page.
fn rest_page(body: &str, status: u16) -> Result<(Vec<Range<usize>>, Option<String>)> {
    let page = RestPage::parse(body, status)?;
    let next = if page.caught_up { None } else { page.cursor };
    Ok((page.items, next))
}

/// Every page of a paged endpoint: see [`Client::pages`].
pub struct Pages<'c> {
    pub(crate) client: &'c Client,
    pub(crate) cursor: PageCursor,
}

impl Iterator for Pages<'_> {
    type Item = Result<Page>;

    fn next(&mut self) -> Option<Self::Item> {
        self.cursor.next_page(self.client).transpose()
    }
}

/// Every item of every page: see [`Client::items`].
pub struct Items<'c> {
    pub(crate) client: &'c Client,
    pub(crate) cursor: PageCursor,
}

impl Iterator for Items<'_> {
    type Item = Result<String>;

    fn next(&mut self) -> Option<Self::Item> {
        self.cursor.next_item(self.client).transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_lists_are_unwrapped() {
        let body = r#"{"data":[{"clickLogs":[{"a":1}, {"b":2}]},{"clickLogs":[]},{"other":1}]}"#;
        let (top, _) = json::members(body, 0..body.len()).unwrap();
        let data = json::elements(body, top[0].value.clone()).unwrap();
        let items = unwrap_items(body, &data, "clickLogs", 200).unwrap();
        let texts: Vec<&str> = items.iter().map(|r| &body[r.clone()]).collect();
        assert_eq!(texts, [r#"{"a":1}"#, r#"{"b":2}"#]);
        let bad = r#"{"data":[{"clickLogs":{}}]}"#;
        let (top, _) = json::members(bad, 0..bad.len()).unwrap();
        let data = json::elements(bad, top[0].value.clone()).unwrap();
        assert!(unwrap_items(bad, &data, "clickLogs", 200).is_err());
    }

    #[test]
    fn rest_pages_give_items_and_cursor() {
        let body = r#"{"value":[{"id":1},{"id":2}],"@nextPage":"C2","isCaughtUp":false}"#;
        let (items, next) = rest_page(body, 200).unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(&body[items[1].clone()], r#"{"id":2}"#);
        assert_eq!(next.as_deref(), Some("C2"));
        let (_, next) =
            rest_page(r#"{"value":[],"@nextPage":"C3","isCaughtUp":true}"#, 200).unwrap();
        assert_eq!(next, None);
        assert!(rest_page(r#"{"data":[]}"#, 200).is_err());
        assert!(rest_page(r#"{"value":[],"value":[]}"#, 200).is_err());
    }
}
