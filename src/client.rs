//! The client: credentials, base URL and a connection pool. `Client` is
//! `Send + Sync`; share one across threads.

use std::fmt;

use crate::account::{Account, GET_ACCOUNT_PATH};
use crate::envelope::{self, Response};
use crate::error::{Error, Result, Status};
use crate::options::{self, Options};
use crate::sign::{self, Api1Signer, SignedHeaders};
use crate::transport::Transport;

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
}

/// A Mimecast API client.
pub struct Client {
    base_url: String,
    auth: Auth,
    transport: Transport,
}

/// The body sent when the caller gives none.
pub const EMPTY_BODY: &str = r#"{"data":[]}"#;

impl Client {
    /// An API 1.0 client. `base_url_or_region` is a URL such as
    /// `https://eu-api.mimecast.com` or a region name such as `eu`.
    pub fn new_api1(base_url_or_region: &str, keys: Api1Keys<'_>, options: &Options) -> Result<Client> {
        let base_url = options::resolve_api1_base_url(base_url_or_region, options)?;
        let signer = Api1Signer::new(keys.app_id, keys.app_key, keys.access_key, keys.secret_key)?;
        let transport = Transport::new(options)?;
        Ok(Client { base_url, auth: Auth::Api1(signer), transport })
    }

    /// The base URL requests go to, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Signs a request to `path` without sending it (API 1.0 only).
    pub fn sign(&self, path: &str, date: Option<&str>, request_id: Option<&str>) -> Result<SignedHeaders> {
        match &self.auth {
            Auth::Api1(signer) => signer.sign(path, date, request_id),
        }
    }

    /// POSTs `body` (JSON text; `{"data":[]}` when `None`) to `path` and
    /// returns the checked response envelope.
    pub fn request(&self, path: &str, body: Option<&str>) -> Result<Response> {
        sign::validate_path(path)?;
        let body = body.unwrap_or(EMPTY_BODY);
        if !serde_json::from_str::<serde_json::Value>(body).map(|v| v.is_object()).unwrap_or(false) {
            return Err(Error::new(
                Status::InvalidArgument,
                "the request body must be a JSON object, for example {\"data\":[]}",
            ));
        }
        let url = format!("{}{}", self.base_url, path);
        let raw = match &self.auth {
            Auth::Api1(signer) => {
                let signed = signer.sign(path, None, None)?;
                let mut headers: Vec<(&str, &str)> = signed.pairs().to_vec();
                headers.push(("Content-Type", "application/json"));
                headers.push(("Accept", "application/json"));
                self.transport.post(&url, &headers, body.as_bytes())?
            }
        };
        envelope::interpret(raw)
    }

    /// Calls Get Account.
    pub fn get_account(&self) -> Result<Account> {
        Account::from_response(self.request(GET_ACCOUNT_PATH, None)?)
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match &self.auth {
            Auth::Api1(s) => format!("api1 (app id {})", s.app_id()),
        };
        f.debug_struct("Client").field("base_url", &self.base_url).field("auth", &kind).finish_non_exhaustive()
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
}
