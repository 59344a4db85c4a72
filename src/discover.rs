//! Finding an account's API base URL from a user's email address, as
//! Mimecast's own tools do: `POST /api/login/discover-authentication` on the
//! global host, unsigned, answers with the account's region and its API
//! host (`data[0].region.api`).

use serde::Deserialize;
use url::Url;

use crate::envelope;
use crate::error::{Error, Result, Status};
use crate::log::Log;
use crate::options::{self, LogLevel, Options};
use crate::retry;
use crate::sign;
use crate::text::server_text;
use crate::transport::{Exchange, Transport};

/// The global host that answers discovery for every region.
pub const DISCOVERY_BASE_URL: &str = "https://api.mimecast.com";

/// The discovery path.
pub const DISCOVERY_PATH: &str = "/api/login/discover-authentication";

#[derive(Deserialize)]
struct Discovered {
    region: Option<Region>,
}

#[derive(Deserialize)]
struct Region {
    api: Option<String>,
}

/// The API base URL of the account `email` belongs to. `app_id` (the API
/// 1.0 application id) is sent when given, as Mimecast's tools do. The
/// discovery host is the global one unless the options name another.
pub fn discover_base_url(email: &str, app_id: Option<&str>, options: &Options) -> Result<String> {
    let email = sign::required("email address", email)?;
    if !email.contains('@') || email.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(Error::invalid_argument(
            "the email address must look like user@domain",
        ));
    }
    let discovery = match &options.discovery_url {
        Some(u) => options::validate_base_url(u, options)?,
        None => DISCOVERY_BASE_URL.to_owned(),
    };
    let log = Log::new(options.logger.clone());
    let transport = Transport::new(options, &discovery, &log)?;
    let url = Url::parse(&format!("{discovery}{DISCOVERY_PATH}"))
        .map_err(|_| Error::new(Status::InvalidUrl, "invalid discovery URL"))?;
    let body = serde_json::json!({"data": [{"emailAddress": email}]}).to_string();
    let (result, _) = retry::run(&options.retry, true, &log, DISCOVERY_PATH, || {
        let date = sign::utc_date_now();
        let request_id = uuid::Uuid::new_v4().to_string();
        let mut headers = vec![
            ("x-mc-date", date.as_str()),
            ("x-mc-req-id", request_id.as_str()),
            ("Content-Type", "application/json"),
            ("Accept", "application/json"),
        ];
        if let Some(id) = app_id {
            headers.push(("x-mc-app-id", id));
        }
        let exchange = Exchange {
            method: "POST",
            url: &url,
            headers: &headers,
            body: body.as_bytes(),
        };
        envelope::interpret(transport.execute(&exchange, transport.attempt_deadline())?)
    });
    let response = result?;
    let found: Option<Discovered> = response
        .data_items()
        .next()
        .and_then(|first| serde_json::from_str(first).ok());
    let api = found
        .and_then(|d| d.region)
        .and_then(|r| r.api)
        .ok_or_else(|| {
            Error::new(
                Status::ApiFailure,
                "Mimecast named no region for this email address: check the address (it must belong to the account)",
            )
            .with_http_status(response.http_status)
        })?;
    // The answer decides where the keys go next: it must be a plain API
    // base URL, by the same rules as one a caller gives.
    let base = options::validate_base_url(api.trim_end_matches('/'), options).map_err(|e| {
        Error::new(
            Status::MalformedResponse,
            format!(
                "the discovery answer's API URL '{}' is not usable: {}",
                server_text(&api),
                e.message()
            ),
        )
    })?;
    log.emit(LogLevel::Info, || {
        format!("discovered the API base URL {base}")
    });
    Ok(base)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_checked_before_anything_is_sent() {
        let o = Options {
            discovery_url: Some("http://127.0.0.1:9".into()),
            ..Options::default()
        };
        for bad in ["", "  ", "user", "a b@c", "a@b\nc"] {
            assert_eq!(
                discover_base_url(bad, None, &o).unwrap_err().status(),
                Status::InvalidArgument,
                "{bad:?}"
            );
        }
    }
}
