//! The client: credentials, base URL and a connection pool. `Client` is
//! `Send + Sync`; share one across threads.

use std::fmt;
use std::path::Path;
use std::time::Instant;

use crate::account::{Account, GET_ACCOUNT_PATH};
use crate::call::{Call, HttpResponse, ResponseMode};
use crate::credentials::{self, Found, Gathered};
use crate::envelope::{self, Expect, RawResponse, Response};
use crate::error::{Error, Result, Status};
use crate::json;
use crate::log::Log;
use crate::oauth::OAuth;
use crate::options::{self, LogLevel, Options};
use crate::pager::{Items, PageCursor, Pages};
use crate::plain;
use crate::region;
use crate::retry;
use crate::sign::{self, Api1Signer, SignedHeaders};
use crate::transport::{Exchange, Target, Transport};

/// API 1.0 keys, as in Mimecast's console and Postman environment.
#[derive(Clone, Copy)]
pub struct Api1Keys<'a> {
    pub app_id: &'a str,
    pub app_key: &'a str,
    pub access_key: &'a str,
    pub secret_key: &'a str,
}

enum Auth {
    Api1(Api1Signer),
    Api2(OAuth),
}

/// A Mimecast API client.
pub struct Client {
    base_url: String,
    auth: Auth,
    transport: Transport,
    options: Options,
    log: Log,
}

/// The body sent when the caller gives none.
pub const EMPTY_BODY: &str = r#"{"data":[]}"#;

const TOKEN_PATH: &str = "/oauth/token";

impl Client {
    /// An API 1.0 client. `base_url_or_region` is a URL such as
    /// `https://eu-api.mimecast.com` or a region name such as `eu`.
    pub fn new_api1(
        base_url_or_region: &str,
        keys: Api1Keys<'_>,
        options: &Options,
    ) -> Result<Client> {
        let base_url = options::resolve_api1_base_url(base_url_or_region, options)?;
        let signer = Api1Signer::new(keys.app_id, keys.app_key, keys.access_key, keys.secret_key)?;
        Client::build(base_url, Auth::Api1(signer), options)
    }

    /// An API 1.0 client for the account `email` belongs to: its base URL is
    /// found with [`crate::discover_base_url`] first.
    pub fn discover_api1(email: &str, keys: Api1Keys<'_>, options: &Options) -> Result<Client> {
        // The keys are checked before anything is sent.
        let signer = Api1Signer::new(keys.app_id, keys.app_key, keys.access_key, keys.secret_key)?;
        let base = crate::discover::discover_base_url(email, Some(keys.app_id), options)?;
        let base = options::resolve_api1_base_url(&base, options)?;
        Client::build(base, Auth::Api1(signer), options)
    }

    /// An API 2.0 client (OAuth 2.0 client credentials). `base_url_or_region`
    /// defaults to the global host; `global`, `uk` and `us` are accepted.
    pub fn new_api2(
        base_url_or_region: Option<&str>,
        client_id: &str,
        client_secret: &str,
        options: &Options,
    ) -> Result<Client> {
        let base_url = match base_url_or_region.map(str::trim) {
            None => region::API2_DEFAULT_BASE_URL.to_owned(),
            Some("") => return Err(Error::invalid_argument("the base URL is empty; pass none for the global API 2.0 host")),
            Some(input) if !input.contains("://") => region::api2_base_url(input).map(str::to_owned).ok_or_else(|| {
                Error::new(
                    Status::InvalidUrl,
                    format!("{} is neither a URL nor an API 2.0 region; use https://... or one of: {}", region::shown(input), region::api2_region_names()),
                )
            })?,
            Some(input) => options::validate_base_url(input, options)?,
        };
        let oauth = OAuth::new(client_id, client_secret)?;
        Client::build(base_url, Auth::Api2(oauth), options)
    }

    /// A client from the `MIMECAST_*` environment variables: API 2.0 when
    /// `MIMECAST_CLIENT_ID`/`MIMECAST_CLIENT_SECRET` are set, else API 1.0
    /// from `MIMECAST_BASE_URL`, `_APP_ID`, `_APP_KEY`, `_ACCESS_KEY`,
    /// `_SECRET_KEY`.
    pub fn from_env(options: &Options) -> Result<Client> {
        Client::from_gathered(&credentials::from_env(), options)
    }

    /// A client from `MIMECAST_*` variables given as (name, value) pairs, with
    /// the rules of [`Client::from_env`]; other names are ignored.
    pub fn from_variables<N: AsRef<str>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (N, V)>,
        options: &Options,
    ) -> Result<Client> {
        Client::from_gathered(&credentials::from_variables(pairs), options)
    }

    /// A client from a Postman environment export, the file Mimecast's
    /// Postman guide has users fill in.
    pub fn from_postman_file(path: &Path, options: &Options) -> Result<Client> {
        Client::from_gathered(&credentials::from_postman(path)?, options)
    }

    fn from_gathered(gathered: &Gathered, options: &Options) -> Result<Client> {
        match gathered.resolve()? {
            Found::Api1 {
                base_url,
                app_id,
                app_key,
                access_key,
                secret_key,
            } => Client::new_api1(
                base_url,
                Api1Keys {
                    app_id,
                    app_key,
                    access_key,
                    secret_key,
                },
                options,
            ),
            Found::Api2 {
                base_url,
                client_id,
                client_secret,
            } => Client::new_api2(base_url, client_id, client_secret, options),
        }
    }

    fn build(base_url: String, auth: Auth, options: &Options) -> Result<Client> {
        let log = Log::new(options.logger.clone());
        let transport = Transport::new(options, &base_url, &log)?;
        Ok(Client {
            base_url,
            auth,
            transport,
            options: options.clone(),
            log,
        })
    }

    /// The base URL requests go to, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// True for API 2.0 (OAuth) clients.
    pub fn is_oauth(&self) -> bool {
        matches!(self.auth, Auth::Api2(_))
    }

    /// Signs a request to `path` without sending it (API 1.0 only).
    pub fn sign(
        &self,
        path: &str,
        date: Option<&str>,
        request_id: Option<&str>,
    ) -> Result<SignedHeaders> {
        match &self.auth {
            Auth::Api1(signer) => signer.sign(path, date, request_id),
            Auth::Api2(_) => Err(Error::new(
                Status::Unsupported,
                "this client uses API 2.0 (OAuth) credentials; request signing applies to API 1.0 keys only",
            )),
        }
    }

    /// POSTs `body` (a JSON object as text; `{"data":[]}` when `None`) to
    /// `path` and returns the checked response envelope. The body is sent
    /// exactly as given, after checking that it is one JSON object. Retries
    /// per the options' retry policy; a failure after the request may have
    /// reached the server is retried only with
    /// [`RetryPolicy::retry_after_send`], since the endpoint may change
    /// something.
    ///
    /// [`RetryPolicy::retry_after_send`]: crate::RetryPolicy::retry_after_send
    pub fn request(&self, path: &str, body: Option<&str>) -> Result<Response> {
        let body = body.unwrap_or(EMPTY_BODY);
        json::check_object_body(body)?;
        self.post_envelope(path, body.as_bytes(), self.options.retry.retry_after_send)
    }

    /// One page of a paged endpoint: sets `meta.pagination.pageSize` (when
    /// `page_size` > 0) and `pageToken` in the body, changing nothing else
    /// in it. The response's [`Response::next_page_token`] is `None` on the
    /// last page. To walk every page use [`Client::pages`], which also
    /// stops a server that sends the pull round in a cycle.
    pub fn request_page(
        &self,
        path: &str,
        body: Option<&str>,
        page_size: u32,
        page_token: Option<&str>,
    ) -> Result<Response> {
        if page_token == Some("") {
            return Err(Error::invalid_argument(
                "the page token is empty; pass none for the first page",
            ));
        }
        let body = body.unwrap_or(EMPTY_BODY);
        json::check_object_body(body)?;
        let body = json::with_pagination(body, page_size, page_token)?;
        // Paged endpoints list things: repeating a page request is harmless.
        let response = self.post_envelope(path, body.as_bytes(), true)?;
        // A server that hands back the token it was given would make every
        // caller's page loop endless: stop it here, once for all bindings.
        if page_token.is_some() && response.next_page_token() == page_token {
            return Err(Error::new(
                Status::MalformedResponse,
                "the server returned the page token it was given as the next one; stopping to avoid an endless loop",
            )
            .with_http_status(response.http_status));
        }
        Ok(response)
    }

    /// Every page of a paged endpoint (API 1.0 envelope paging), in order,
    /// fetched as the iterator advances. The pull ends after the last page
    /// (no `next` token, or a page with no items); a token the server
    /// already sent in this pull is an error (a cycle would never end).
    pub fn pages<'c>(&'c self, path: &str, body: Option<&str>, page_size: u32) -> Pages<'c> {
        Pages {
            client: self,
            cursor: PageCursor::new(path, body, page_size),
        }
    }

    /// Every item of every page of a paged endpoint: the `data` items, or,
    /// for the log endpoints that wrap their list (`/api/ttp/url/get-logs`
    /// and the others of [`crate::pager::LOG_LISTS`]), the log entries
    /// inside. Each item is the exact JSON text the server sent.
    pub fn items<'c>(&'c self, path: &str, body: Option<&str>, page_size: u32) -> Items<'c> {
        Items {
            client: self,
            cursor: PageCursor::new(path, body, page_size),
        }
    }

    /// Every page of any paged request: a POST pages as a 1.0 envelope, a
    /// GET as API 2.0 REST (`pageSize` and `nextPage` in the query; the
    /// answer's `@nextPage` is the next cursor and `isCaughtUp` ends the
    /// pull).
    pub fn call_pages<'c>(&'c self, call: &Call, page_size: u32) -> Result<Pages<'c>> {
        Ok(Pages {
            client: self,
            cursor: PageCursor::for_call(call, page_size)?,
        })
    }

    /// Every item of [`Client::call_pages`]: the envelope's data (or log
    /// entries), or API 2.0's `value` items.
    pub fn call_items<'c>(&'c self, call: &Call, page_size: u32) -> Result<Items<'c>> {
        Ok(Items {
            client: self,
            cursor: PageCursor::for_call(call, page_size)?,
        })
    }

    /// Calls Get Account.
    pub fn get_account(&self) -> Result<Account> {
        // data[0] is read in the same pass as the envelope when both are
        // plain; otherwise by serde, from the response.
        let (response, account) = self.post_envelope_reading(
            GET_ACCOUNT_PATH,
            EMPTY_BODY.as_bytes(),
            true,
            Account::read_plain_at,
        )?;
        match account {
            Some(account) => Ok(Account::with_response(account, response)),
            None => Account::from_response(response),
        }
    }

    /// Sends any request (see [`Call`]): a method, query parameters, extra
    /// headers, a body of any type, and an answer read as its
    /// [`ResponseMode`] says. Signed (API 1.0) or with the bearer token (API
    /// 2.0) like every call. Retried per the options: always after a 429 or a
    /// connection that never opened; after a failure once the request may
    /// have reached the server only for GET, PUT and DELETE, or with
    /// [`RetryPolicy::retry_after_send`].
    ///
    /// [`RetryPolicy::retry_after_send`]: crate::RetryPolicy::retry_after_send
    pub fn send(&self, call: &Call) -> Result<HttpResponse> {
        self.send_as(
            call,
            call.idempotent() || self.options.retry.retry_after_send,
        )
    }

    /// Sends a request that only reads (a log pull), retried like one.
    pub(crate) fn send_read(&self, call: &Call) -> Result<HttpResponse> {
        self.send_as(call, true)
    }

    fn send_as(&self, call: &Call, idempotent: bool) -> Result<HttpResponse> {
        let target = self.wire_target(&call.target())?;
        let wire_path = target.split('?').next().unwrap_or_default().to_owned();
        let mut headers: Vec<(&str, &str)> = Vec::with_capacity(call.headers.len() + 2);
        if let Some(t) = &call.content_type {
            headers.push(("Content-Type", t));
        }
        if !call
            .headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("accept"))
        {
            headers.push(("Accept", "application/json"));
        }
        headers.extend(call.headers.iter().map(|(n, v)| (n.as_str(), v.as_str())));
        // In raw mode a 429 or 5xx answer is still retried; when retrying
        // ends, that last answer is what the caller gets.
        let mut last_raw: Option<RawResponse> = None;
        let (result, retries) = retry::run(
            &self.options.retry,
            idempotent,
            &self.log,
            &wire_path,
            || {
                let deadline = self.transport.attempt_deadline();
                let raw = self.authed(
                    call.method,
                    &target,
                    &wire_path,
                    &headers,
                    &call.body,
                    deadline,
                    true,
                )?;
                match call.mode {
                    ResponseMode::Raw => {
                        let retryable = raw.status == 429 || (500..=599).contains(&raw.status);
                        if retryable {
                            let e = envelope::check_answer(&raw, Expect::Any).err();
                            last_raw = Some(raw);
                            return Err(e.unwrap_or_else(|| {
                                Error::new(Status::HttpError, "retryable status")
                            }));
                        }
                        Ok(raw)
                    }
                    ResponseMode::Json => envelope::check_answer(&raw, Expect::Json).map(|_| raw),
                    ResponseMode::Any => envelope::check_answer(&raw, Expect::Any).map(|_| raw),
                }
            },
        );
        let raw = match result {
            Ok(raw) => raw,
            Err(e) => match last_raw.take() {
                Some(raw) if call.mode == ResponseMode::Raw => raw,
                _ => {
                    self.log_failure(call.method, &wire_path, &e);
                    return Err(e.with_retries(retries));
                }
            },
        };
        Ok(HttpResponse {
            status: raw.status,
            headers: raw.headers,
            body: raw.body,
            retries,
        })
    }

    /// Downloads a presigned file: a GET to an absolute URL with no
    /// credential of any kind (the link is its own authorisation, and the
    /// storage host must never see a Mimecast key or token). Retried like a
    /// read; any status but 2xx is an error carrying it.
    pub(crate) fn download(&self, link: &str) -> Result<Vec<u8>> {
        let url = url::Url::parse(link)
            .map_err(|_| Error::new(Status::MalformedResponse, "a file link is not a URL"))?;
        let shown = url.path().to_owned();
        let headers = [("Accept", "*/*")];
        let (result, _) = retry::run(&self.options.retry, true, &self.log, &shown, || {
            let deadline = self.transport.attempt_deadline();
            let raw = self.exchange(
                "GET",
                &shown,
                Target::Url(&url),
                &headers,
                &[],
                deadline,
                true,
            )?;
            if (200..=299).contains(&raw.status) {
                return Ok(raw.body);
            }
            let status = if raw.status == 429 {
                Status::RateLimited
            } else {
                Status::HttpError
            };
            Err(Error::new(
                status,
                format!("the storage host answered HTTP {} for a file", raw.status),
            )
            .with_http_status(raw.status)
            .with_retry_after_ms(raw.retry_after_ms()))
        });
        result
    }

    /// Who this client is, as a stream's checkpoint records it: a hash of
    /// the base URL and the credential's public part (never a secret).
    pub(crate) fn identity(&self) -> String {
        use sha1::{Digest, Sha1};
        let who = match &self.auth {
            Auth::Api1(s) => format!("api1 {}", s.app_id()),
            Auth::Api2(o) => format!("api2 {}", o.client_id()),
        };
        let digest = Sha1::digest(format!("{}\n{}", self.base_url, who).as_bytes());
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }

    pub(crate) fn log(&self) -> &Log {
        &self.log
    }

    /// `path?query` as it goes on the wire. Sign exactly that: the URL
    /// parser percent-encodes non-ASCII paths, and the server checks the
    /// encoded form. Targets made only of characters a URL carries as they
    /// are need no parsing (the common case, on every call).
    fn wire_target(&self, target: &str) -> Result<String> {
        let plain = target
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@%?".contains(&b));
        if plain {
            return Ok(target.to_owned());
        }
        let url = url::Url::parse(&format!("{}{}", self.base_url, target))
            .map_err(|_| Error::invalid_argument("the request path does not form a valid URL"))?;
        Ok(match url.query() {
            Some(q) => format!("{}?{}", url.path(), q),
            None => url.path().to_owned(),
        })
    }

    fn log_failure(&self, method: &str, path: &str, e: &Error) {
        self.log.emit(LogLevel::Error, || {
            format!(
                "{method} {path} failed: {} ({})",
                e.status().name(),
                e.message()
            )
        });
    }

    /// POSTs an envelope request. `idempotent`: whether a request that may
    /// have been processed can be sent again (see [`retry::delay_for`]).
    fn post_envelope(&self, path: &str, body: &[u8], idempotent: bool) -> Result<Response> {
        self.post_envelope_reading(path, body, idempotent, |c| c.skip_value().map(drop))
            .map(|(response, _)| response)
    }

    /// [`Client::post_envelope`], with `data[0]` of a plain answer read by
    /// `first_item` as the envelope is (see [`envelope::interpret_reading`]).
    fn post_envelope_reading<T>(
        &self,
        path: &str,
        body: &[u8],
        idempotent: bool,
        mut first_item: impl for<'a> FnMut(&mut plain::Cursor<'a>) -> Option<T>,
    ) -> Result<(Response, Option<T>)> {
        sign::validate_path(path)?;
        let wire_path = self.wire_target(path)?;
        let (result, retries) = retry::run(
            &self.options.retry,
            idempotent,
            &self.log,
            &wire_path,
            || {
                let deadline = self.transport.attempt_deadline();
                let raw = self.authed(
                    "POST",
                    &wire_path,
                    &wire_path,
                    &JSON_HEADERS,
                    body,
                    deadline,
                    false,
                )?;
                envelope::interpret_reading(raw, &mut first_item)
            },
        );
        match result {
            Ok((mut r, first)) => {
                r.retries = retries;
                Ok((r, first))
            }
            Err(e) => {
                self.log_failure("POST", &wire_path, &e);
                Err(e.with_retries(retries))
            }
        }
    }

    /// One exchange, authenticated, within one attempt's deadline: signed
    /// for API 1.0; for API 2.0 with the bearer token, fetched when needed,
    /// and fetched again once if the server refuses it (401 or
    /// `token_expired`), as the protocol calls for.
    // Private plumbing of one exchange's parts.
    #[allow(clippy::too_many_arguments)]
    fn authed(
        &self,
        method: &str,
        target: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
        deadline: Instant,
        all_headers: bool,
    ) -> Result<RawResponse> {
        match &self.auth {
            Auth::Api1(signer) => {
                let signed = signer.sign(path, None, None)?;
                // The caller's headers, then the four signing headers.
                let mut all: Vec<(&str, &str)> = headers.to_vec();
                all.extend_from_slice(&signed.pairs());
                self.exchange(
                    method,
                    path,
                    Target::Base(target),
                    &all,
                    body,
                    deadline,
                    all_headers,
                )
            }
            Auth::Api2(oauth) => {
                let (lease, _) = oauth.lease(deadline, || self.fetch_token(oauth, deadline))?;
                let raw = self.exchange_bearer(
                    method,
                    path,
                    target,
                    &lease.value,
                    headers,
                    body,
                    deadline,
                    all_headers,
                )?;
                if let Some(why) = token_refused(&raw) {
                    self.log.emit(LogLevel::Warn, || {
                        format!("{method} {path}: token refused ({why}); fetching a new one")
                    });
                    oauth.invalidate(lease.generation);
                    let (lease, _) = oauth.lease(deadline, || self.fetch_token(oauth, deadline))?;
                    return self.exchange_bearer(
                        method,
                        path,
                        target,
                        &lease.value,
                        headers,
                        body,
                        deadline,
                        all_headers,
                    );
                }
                Ok(raw)
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn exchange_bearer(
        &self,
        method: &str,
        path: &str,
        target: &str,
        token: &str,
        headers: &[(&str, &str)],
        body: &[u8],
        deadline: Instant,
        all_headers: bool,
    ) -> Result<RawResponse> {
        let authorization = zeroize::Zeroizing::new(format!("Bearer {token}"));
        let mut all: Vec<(&str, &str)> = vec![("Authorization", authorization.as_str())];
        all.extend_from_slice(headers);
        self.exchange(
            method,
            path,
            Target::Base(target),
            &all,
            body,
            deadline,
            all_headers,
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn exchange(
        &self,
        method: &str,
        path: &str,
        target: Target<'_>,
        headers: &[(&str, &str)],
        body: &[u8],
        deadline: Instant,
        all_headers: bool,
    ) -> Result<RawResponse> {
        let started = Instant::now();
        let exchange = Exchange {
            method,
            target,
            headers,
            body,
            all_headers,
        };
        let raw = self.transport.execute(&exchange, deadline);
        let status = raw.as_ref().map(|r| r.status).unwrap_or(0);
        self.log.emit(LogLevel::Info, || {
            format!(
                "{method} {path} -> HTTP {status} in {} ms",
                started.elapsed().as_millis()
            )
        });
        raw
    }

    fn fetch_token(&self, oauth: &OAuth, deadline: Instant) -> Result<RawResponse> {
        self.log.emit(LogLevel::Info, || {
            format!(
                "fetching an OAuth token for client id {}",
                oauth.client_id()
            )
        });
        let body = oauth.token_request_body();
        let headers = [
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Accept", "application/json"),
        ];
        let answer = self.exchange(
            "POST",
            TOKEN_PATH,
            Target::Base(TOKEN_PATH),
            &headers,
            body.as_bytes(),
            deadline,
            false,
        );
        crate::oauth::scrub_stack();
        answer
    }
}

const JSON_HEADERS: [(&str, &str); 2] = [
    ("Content-Type", "application/json"),
    ("Accept", "application/json"),
];

/// Why the server refused the bearer token, if it did: a 401, or Mimecast's
/// `token_expired` failure code (which can come under other statuses).
fn token_refused(raw: &RawResponse) -> Option<String> {
    if raw.status == 401 {
        return Some("HTTP 401".to_owned());
    }
    // Cheap test first: most answers never mention it.
    let mentions = raw.body.windows(13).any(|w| w == b"token_expired");
    if !mentions {
        return None;
    }
    match envelope::check_answer(raw, Expect::Any) {
        Err(e) if e.api_code() == Some("token_expired") => Some("token_expired".to_owned()),
        _ => None,
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let auth = match &self.auth {
            Auth::Api1(s) => format!("API 1.0, app id {}", s.app_id()),
            Auth::Api2(o) => format!("API 2.0, client id {}", o.client_id()),
        };
        f.debug_struct("Client")
            .field("base_url", &self.base_url)
            .field("auth", &auth)
            .field("options", &self.options)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Client>();
    }

    #[test]
    fn api2_base_urls() {
        let o = Options::default();
        assert_eq!(
            Client::new_api2(None, "i", "s", &o).unwrap().base_url(),
            "https://api.services.mimecast.com"
        );
        assert_eq!(
            Client::new_api2(Some("uk"), "i", "s", &o)
                .unwrap()
                .base_url(),
            "https://uk-api.services.mimecast.com"
        );
        assert_eq!(
            Client::new_api2(Some("eu"), "i", "s", &o)
                .unwrap_err()
                .status(),
            Status::InvalidUrl
        );
        assert_eq!(
            Client::new_api2(None, "", "s", &o).unwrap_err().status(),
            Status::InvalidArgument
        );
        let c = Client::new_api2(None, "i", "super-secret", &o).unwrap();
        assert_eq!(
            c.sign("/p", None, None).unwrap_err().status(),
            Status::Unsupported
        );
        assert!(!format!("{c:?}").contains("super-secret"));
    }

    #[test]
    fn bodies_must_be_json_objects() {
        let c = Client::new_api2(None, "i", "s", &Options::default()).unwrap();
        for bad in ["[]", "1", "{", "", "null"] {
            assert_eq!(
                c.request("/api/x", Some(bad)).unwrap_err().status(),
                Status::InvalidArgument,
                "{bad}"
            );
        }
    }
}
