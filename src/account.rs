//! The Get Account response, typed.

use std::fmt;

use serde_json::Value;

use crate::envelope::Response;
use crate::error::{Error, Result, Status};

/// The path of the Get Account endpoint.
pub const GET_ACCOUNT_PATH: &str = "/api/account/get-account";

/// A Mimecast account, as returned by `/api/account/get-account`.
/// Fields the server leaves out are `None`.
#[derive(Clone, PartialEq)]
pub struct Account {
    pub account_code: Option<String>,
    pub account_name: Option<String>,
    pub admin_email: Option<String>,
    pub archive: Option<bool>,
    pub automated_segment_purge: Option<bool>,
    pub database_code: Option<String>,
    pub domain: Option<String>,
    pub gateway: Option<bool>,
    pub mail_platform: Option<String>,
    /// Days.
    pub max_retention: Option<i64>,
    pub max_retention_confirmed: Option<bool>,
    pub mimecast_id: Option<String>,
    pub packages: Vec<String>,
    /// Support-verification secret: treat as sensitive (never logged).
    pub passphrase: Option<String>,
    pub policy_inheritance: Option<bool>,
    pub region: Option<String>,
    pub support_code: Option<String>,
    /// The account type (`type` in JSON).
    pub account_type: Option<String>,
    pub user_count: Option<i64>,
    /// `data[0]` exactly as received.
    pub json: Value,
    /// The whole response body.
    pub raw_json: String,
    /// How many times the call was retried before it succeeded.
    pub retries: u32,
}

impl Account {
    pub(crate) fn from_response(response: Response) -> Result<Account> {
        let Response {
            http_status,
            body,
            json,
            retries,
        } = response;
        // Move data[0] out rather than clone it: it is most of the response.
        let first = match json {
            Value::Object(mut envelope) => match envelope.remove("data") {
                Some(Value::Array(mut data)) if !data.is_empty() => Some(data.swap_remove(0)),
                _ => None,
            },
            _ => None,
        };
        let json = match first {
            Some(v @ Value::Object(_)) => v,
            _ => {
                return Err(Error::new(
                    Status::MalformedResponse,
                    "Get Account answered without an account object in 'data'",
                )
                .with_http_status(http_status))
            }
        };
        let s = |k: &str| json.get(k).and_then(Value::as_str).map(str::to_owned);
        let b = |k: &str| json.get(k).and_then(Value::as_bool);
        let i = |k: &str| {
            json.get(k)
                .and_then(|v| v.as_i64().or_else(|| v.as_f64().map(|f| f as i64)))
        };
        let packages = json
            .get("packages")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        Ok(Account {
            account_code: s("accountCode"),
            account_name: s("accountName"),
            admin_email: s("adminEmail"),
            archive: b("archive"),
            automated_segment_purge: b("automatedSegmentPurge"),
            database_code: s("databaseCode"),
            domain: s("domain"),
            gateway: b("gateway"),
            mail_platform: s("mailPlatform"),
            max_retention: i("maxRetention"),
            max_retention_confirmed: b("maxRetentionConfirmed"),
            mimecast_id: s("mimecastId"),
            packages,
            passphrase: s("passphrase"),
            policy_inheritance: b("policyInheritance"),
            region: s("region"),
            support_code: s("supportCode"),
            account_type: s("type"),
            user_count: i("userCount"),
            raw_json: body,
            retries,
            json,
        })
    }
}

impl fmt::Debug for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Account")
            .field("account_code", &self.account_code)
            .field("account_name", &self.account_name)
            .field("admin_email", &self.admin_email)
            .field("region", &self.region)
            .field("user_count", &self.user_count)
            .field("max_retention", &self.max_retention)
            .field("packages", &self.packages)
            .field(
                "passphrase",
                &self.passphrase.as_ref().map(|_| "<redacted>"),
            )
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envelope::{interpret, RawResponse};

    fn account(body: &str) -> Result<Account> {
        Account::from_response(interpret(RawResponse::test(200, body))?)
    }

    #[test]
    fn all_fields_are_read() {
        let a = account(r#"{"meta":{"status":200},"fail":[],"data":[{"accountCode":"C1","accountName":"Exämple","adminEmail":"a@b","archive":true,"automatedSegmentPurge":false,"databaseCode":"db","domain":"d","gateway":true,"mailPlatform":"m","maxRetention":30,"maxRetentionConfirmed":true,"mimecastId":"id","packages":["p1","p2"],"passphrase":"pw","policyInheritance":false,"region":"eu","supportCode":"s","type":"full","userCount":20}]}"#).unwrap();
        assert_eq!(a.account_name.as_deref(), Some("Exämple"));
        assert_eq!(a.max_retention, Some(30));
        assert_eq!(a.user_count, Some(20));
        assert_eq!(a.packages, vec!["p1", "p2"]);
        assert_eq!(a.account_type.as_deref(), Some("full"));
        assert_eq!(a.archive, Some(true));
        assert!(!format!("{a:?}").contains("pw"));
    }

    #[test]
    fn empty_data_is_malformed() {
        let e = account(r#"{"meta":{"status":200},"fail":[],"data":[]}"#).unwrap_err();
        assert_eq!(e.status(), Status::MalformedResponse);
    }
}
