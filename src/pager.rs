//! Walking every page of a paged endpoint, once for every language.
//!
//! A pull remembers every token the server sent (as 64-bit keyed hashes, so
//! a long pull costs 8 bytes a page): a token that comes back means the
//! server is sending the pull round in a cycle, which would otherwise never
//! end, and is an error.

use std::collections::hash_map::RandomState;
use std::collections::HashSet;
use std::hash::{BuildHasher, Hash, Hasher};

use crate::client::{Client, EMPTY_BODY};
use crate::envelope::Response;
use crate::error::{Error, Result, Status};

/// Where a pull stands. Holds no reference to the client, so the C API can
/// keep it beside a shared client handle.
pub(crate) struct PageCursor {
    path: String,
    body: String,
    page_size: u32,
    next_token: Option<String>,
    seen: HashSet<u64>,
    hasher: RandomState,
    pages: u64,
    done: bool,
}

impl PageCursor {
    pub(crate) fn new(path: &str, body: Option<&str>, page_size: u32) -> PageCursor {
        PageCursor {
            path: path.to_owned(),
            body: body.unwrap_or(EMPTY_BODY).to_owned(),
            page_size,
            next_token: None,
            seen: HashSet::new(),
            hasher: RandomState::new(),
            pages: 0,
            done: false,
        }
    }

    /// The next page, or None once the pull is over. After an error the
    /// cursor has not moved: calling again asks for the same page.
    pub(crate) fn next_page(&mut self, client: &Client) -> Result<Option<Response>> {
        if self.done {
            return Ok(None);
        }
        let response = client.request_page(
            &self.path,
            Some(&self.body),
            self.page_size,
            self.next_token.as_deref(),
        )?;
        match response.next_page_token() {
            // An empty page ends the pull even with a token: asking for the
            // page after an empty one only earns an error from the service.
            Some(_) if response.data_len() == 0 => self.done = true,
            None => self.done = true,
            Some(token) => {
                let mut h = self.hasher.build_hasher();
                token.hash(&mut h);
                if !self.seen.insert(h.finish()) {
                    self.done = true;
                    return Err(Error::new(
                        Status::MalformedResponse,
                        format!(
                            "page {} of this pull came back with a page token the server already sent in it: the pages form a cycle; stopping to avoid an endless loop",
                            self.pages + 1
                        ),
                    )
                    .with_http_status(response.http_status));
                }
                self.next_token = Some(token.to_owned());
            }
        }
        self.pages += 1;
        Ok(Some(response))
    }
}

/// Every page of a paged endpoint: see [`Client::pages`].
pub struct Pages<'c> {
    pub(crate) client: &'c Client,
    pub(crate) cursor: PageCursor,
}

impl Iterator for Pages<'_> {
    type Item = Result<Response>;

    fn next(&mut self) -> Option<Self::Item> {
        self.cursor.next_page(self.client).transpose()
    }
}
