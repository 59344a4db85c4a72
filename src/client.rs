//! The client: credentials, base URL and a connection pool. `Client` is
//! `Send + Sync`; share one across threads.

use std::fmt;
use std::path::Path;
use std::time::Instant;

use crate::account::{Account, GET_ACCOUNT_PATH};
use crate::credentials::{self, Found, Gathered};
use crate::envelope::{self, RawResponse, Response};
use crate::error::{Error, Result, Status};
use crate::json;
use crate::log::Log;
use crate::oauth::OAuth;
use crate::options::{self, LogLevel, Options};
use crate::pager::{PageCursor, Pages};
use crate::region;
use crate::retry;
use crate::sign::{self, Api1Signer, SignedHeaders};
use crate::transport::{Exchange, Transport};

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
        self.send(path, body.as_bytes(), self.options.retry.retry_after_send)
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
        let response = self.send(path, body.as_bytes(), true)?;
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

    /// Every page of a paged endpoint, in order, fetched as the iterator
    /// advances. The pull ends after the last page (no `next` token, or a
    /// page with no data); a token the server already sent in this pull is
    /// an error (a cycle would never end).
    pub fn pages<'c>(&'c self, path: &str, body: Option<&str>, page_size: u32) -> Pages<'c> {
        Pages {
            client: self,
            cursor: PageCursor::new(path, body, page_size),
        }
    }

    /// Calls Get Account.
    pub fn get_account(&self) -> Result<Account> {
        Account::from_response(self.send(GET_ACCOUNT_PATH, EMPTY_BODY.as_bytes(), true)?)
    }

    /// `idempotent`: whether a request that may have been processed can be
    /// sent again (see [`retry::delay_for`]).
    fn send(&self, path: &str, body: &[u8], idempotent: bool) -> Result<Response> {
        sign::validate_path(path)?;
        // Sign exactly what goes on the wire: the URL parser percent-encodes
        // non-ASCII paths, and the server checks the encoded form.
        let url = url::Url::parse(&format!("{}{}", self.base_url, path))
            .map_err(|_| Error::invalid_argument("the request path does not form a valid URL"))?;
        let wire_path = url.path().to_owned();
        let (result, retries) = retry::run(
            &self.options.retry,
            idempotent,
            &self.log,
            &wire_path,
            || self.attempt(&url, &wire_path, body),
        );
        match result {
            Ok(mut r) => {
                r.retries = retries;
                Ok(r)
            }
            Err(e) => {
                self.log.emit(LogLevel::Error, || {
                    format!(
                        "POST {wire_path} failed: {} ({})",
                        e.status().name(),
                        e.message()
                    )
                });
                Err(e.with_retries(retries))
            }
        }
    }

    /// One attempt, within one timeout: for API 2.0 that includes fetching
    /// a token when needed and the single re-authentication the protocol
    /// calls for after a refused token.
    fn attempt(&self, url: &url::Url, path: &str, body: &[u8]) -> Result<Response> {
        let deadline = self.transport.attempt_deadline();
        match &self.auth {
            Auth::Api1(signer) => {
                let signed = signer.sign(path, None, None)?;
                let mut headers: Vec<(&str, &str)> = signed.pairs().to_vec();
                headers.extend_from_slice(&JSON_HEADERS);
                self.post_logged(path, url, &headers, body, deadline)
            }
            Auth::Api2(oauth) => {
                let (lease, _) = oauth.lease(deadline, || self.fetch_token(oauth, deadline))?;
                match self.post_bearer(path, url, &lease.value, body, deadline) {
                    Err(e) if is_token_refused(&e) => {
                        self.log.emit(LogLevel::Warn, || {
                            format!(
                                "POST {path}: token refused ({}); fetching a new one",
                                e.api_code().unwrap_or("HTTP 401")
                            )
                        });
                        oauth.invalidate(lease.generation);
                        let (lease, _) =
                            oauth.lease(deadline, || self.fetch_token(oauth, deadline))?;
                        self.post_bearer(path, url, &lease.value, body, deadline)
                    }
                    other => other,
                }
            }
        }
    }

    fn post_bearer(
        &self,
        path: &str,
        url: &url::Url,
        token: &str,
        body: &[u8],
        deadline: Instant,
    ) -> Result<Response> {
        let authorization = zeroize::Zeroizing::new(format!("Bearer {token}"));
        let mut headers: Vec<(&str, &str)> = vec![("Authorization", authorization.as_str())];
        headers.extend_from_slice(&JSON_HEADERS);
        self.post_logged(path, url, &headers, body, deadline)
    }

    fn post_logged(
        &self,
        path: &str,
        url: &url::Url,
        headers: &[(&str, &str)],
        body: &[u8],
        deadline: Instant,
    ) -> Result<Response> {
        let started = Instant::now();
        let exchange = Exchange {
            method: "POST",
            url,
            headers,
            body,
        };
        let raw = self.transport.execute(&exchange, deadline);
        let status = raw.as_ref().map(|r| r.status).unwrap_or(0);
        self.log.emit(LogLevel::Info, || {
            format!(
                "POST {path} -> HTTP {status} in {} ms",
                started.elapsed().as_millis()
            )
        });
        envelope::interpret(raw?)
    }

    fn fetch_token(&self, oauth: &OAuth, deadline: Instant) -> Result<RawResponse> {
        self.log.emit(LogLevel::Info, || {
            format!(
                "fetching an OAuth token for client id {}",
                oauth.client_id()
            )
        });
        let body = oauth.token_request_body();
        let url = url::Url::parse(&format!("{}{}", self.base_url, TOKEN_PATH))
            .map_err(|_| Error::invalid_argument("the base URL does not form a valid URL"))?;
        let headers = [
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Accept", "application/json"),
        ];
        let started = Instant::now();
        let exchange = Exchange {
            method: "POST",
            url: &url,
            headers: &headers,
            body: body.as_bytes(),
        };
        let raw = self.transport.execute(&exchange, deadline);
        let status = raw.as_ref().map(|r| r.status).unwrap_or(0);
        self.log.emit(LogLevel::Info, || {
            format!(
                "POST {TOKEN_PATH} -> HTTP {status} in {} ms",
                started.elapsed().as_millis()
            )
        });
        raw
    }
}

const JSON_HEADERS: [(&str, &str); 2] = [
    ("Content-Type", "application/json"),
    ("Accept", "application/json"),
];

/// A 401, or Mimecast's `token_expired` failure code, means the bearer token
/// was refused.
fn is_token_refused(e: &Error) -> bool {
    e.http_status() == Some(401) || e.api_code() == Some("token_expired")
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
