//! The Get Account response, typed.
//!
//! One set of rules for every language (the bindings read these fields, they
//! do not parse the JSON again): a field that is absent or `null` is absent;
//! a field of the wrong type, a count that is negative, fractional, beyond
//! 2^53 as a float or beyond i64 as an integer, and a field given twice are
//! errors (MC_STATUS_MALFORMED_RESPONSE naming the field), because a wrong
//! value must never pass for a valid one. `30.0` is the count 30.

use std::fmt;

use serde::Deserialize;
use serde_json::Value;

use crate::envelope::Response;
use crate::error::{Error, Result, Status};
use crate::plain;

/// The path of the Get Account endpoint.
pub const GET_ACCOUNT_PATH: &str = "/api/account/get-account";

/// A Mimecast account, as returned by `/api/account/get-account`.
/// Fields the server leaves out are `None`.
#[derive(Clone, PartialEq, Eq)]
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
    /// `data[0]`, the account object, exactly as the server sent it.
    pub json: String,
    /// The whole response body.
    pub raw_json: String,
    /// How many times the call was retried before it succeeded.
    pub retries: u32,
}

/// The fields as sent; each is checked and converted below. A field given
/// twice fails this parse (serde refuses duplicate fields).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Fields {
    account_code: Option<Value>,
    account_name: Option<Value>,
    admin_email: Option<Value>,
    archive: Option<Value>,
    automated_segment_purge: Option<Value>,
    database_code: Option<Value>,
    domain: Option<Value>,
    gateway: Option<Value>,
    mail_platform: Option<Value>,
    max_retention: Option<Value>,
    max_retention_confirmed: Option<Value>,
    mimecast_id: Option<Value>,
    packages: Option<Value>,
    passphrase: Option<Value>,
    policy_inheritance: Option<Value>,
    region: Option<Value>,
    support_code: Option<Value>,
    #[serde(rename = "type")]
    account_type: Option<Value>,
    user_count: Option<Value>,
}

fn malformed(text: String) -> Error {
    Error::new(Status::MalformedResponse, text)
}

fn text(name: &str, v: Option<Value>) -> Result<Option<String>> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(malformed(format!(
            "Get Account's {name} is {}, not a string",
            kind(&other)
        ))),
    }
}

fn flag(name: &str, v: Option<Value>) -> Result<Option<bool>> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(b)),
        Some(other) => Err(malformed(format!(
            "Get Account's {name} is {}, not true or false",
            kind(&other)
        ))),
    }
}

/// Largest whole number a float represents exactly.
const MAX_EXACT_FLOAT: f64 = 9_007_199_254_740_992.0;

fn count(name: &str, v: Option<Value>) -> Result<Option<i64>> {
    let n = match v {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Number(n)) => n,
        Some(other) => {
            return Err(malformed(format!(
                "Get Account's {name} is {}, not a number",
                kind(&other)
            )))
        }
    };
    let value = if let Some(i) = n.as_i64() {
        Some(i)
    } else if n.as_u64().is_some() {
        None
    } else {
        n.as_f64()
            .filter(|f| f.fract() == 0.0 && f.abs() <= MAX_EXACT_FLOAT)
            .map(|f| f as i64)
    };
    match value {
        Some(v) if v >= 0 => Ok(Some(v)),
        Some(_) => Err(malformed(format!("Get Account's {name} is negative ({n})"))),
        None => Err(malformed(format!(
            "Get Account's {name} ({n}) is not a whole number this library can represent exactly"
        ))),
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn strings(name: &str, v: Option<Value>) -> Result<Vec<String>> {
    match v {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .into_iter()
            .enumerate()
            .map(|(i, item)| match item {
                Value::String(s) => Ok(s),
                other => Err(malformed(format!(
                    "Get Account's {name}[{i}] is {}, not a string",
                    kind(&other)
                ))),
            })
            .collect(),
        Some(other) => Err(malformed(format!(
            "Get Account's {name} is {}, not an array",
            kind(&other)
        ))),
    }
}

impl Account {
    /// An account read from `data[0]` of `response` (by
    /// [`Account::read_plain_at`]), completed from the response.
    pub(crate) fn with_response(account: Account, response: Response) -> Account {
        let json = response.data_items().next().unwrap_or_default().to_owned();
        Account {
            json,
            raw_json: response.body,
            retries: response.retries,
            ..account
        }
    }

    pub(crate) fn from_response(response: Response) -> Result<Account> {
        let http_status = response.http_status;
        let retries = response.retries;
        let json = match response.data_items().next() {
            Some(item) if item.starts_with('{') => item.to_owned(),
            _ => {
                return Err(malformed(
                    "Get Account answered without an account object in 'data'".to_owned(),
                )
                .with_http_status(http_status))
            }
        };
        Account::from_parts(json, response.body, retries)
            .map_err(|e| e.with_http_status(http_status))
    }

    fn from_parts(json: String, raw_json: String, retries: u32) -> Result<Account> {
        if let Some(account) = Account::read_plain(&json) {
            return Ok(Account {
                json,
                raw_json,
                retries,
                ..account
            });
        }
        Account::read_with_serde(json, raw_json, retries)
    }

    /// The fields of a plain account object, read in one pass (see
    /// `plain`): each known field has its type or is null, strings have no
    /// escapes, counts are whole numbers written with digits only. Declines
    /// anything else; serde then reads the object and words the error.
    fn read_plain(json: &str) -> Option<Account> {
        let mut c = plain::Cursor::new(json);
        let account = Account::read_plain_at(&mut c)?;
        c.end()?;
        Some(account)
    }

    /// [`Account::read_plain`] of the object at the cursor: how Get Account
    /// reads `data[0]` in the same pass as the envelope around it.
    pub(crate) fn read_plain_at(c: &mut plain::Cursor<'_>) -> Option<Account> {
        #[derive(Default)]
        struct Seen<'a> {
            account_code: Option<Option<&'a str>>,
            account_name: Option<Option<&'a str>>,
            admin_email: Option<Option<&'a str>>,
            archive: Option<Option<bool>>,
            automated_segment_purge: Option<Option<bool>>,
            database_code: Option<Option<&'a str>>,
            domain: Option<Option<&'a str>>,
            gateway: Option<Option<bool>>,
            mail_platform: Option<Option<&'a str>>,
            max_retention: Option<Option<i64>>,
            max_retention_confirmed: Option<Option<bool>>,
            mimecast_id: Option<Option<&'a str>>,
            packages: Option<Vec<&'a str>>,
            passphrase: Option<Option<&'a str>>,
            policy_inheritance: Option<Option<bool>>,
            region: Option<Option<&'a str>>,
            support_code: Option<Option<&'a str>>,
            account_type: Option<Option<&'a str>>,
            user_count: Option<Option<i64>>,
        }
        use plain::first;
        let mut s = Seen::default();
        c.object(|c, key| match key {
            b"accountCode" => first(&mut s.account_code, c.text()?),
            b"accountName" => first(&mut s.account_name, c.text()?),
            b"adminEmail" => first(&mut s.admin_email, c.text()?),
            b"archive" => first(&mut s.archive, c.flag()?),
            b"automatedSegmentPurge" => first(&mut s.automated_segment_purge, c.flag()?),
            b"databaseCode" => first(&mut s.database_code, c.text()?),
            b"domain" => first(&mut s.domain, c.text()?),
            b"gateway" => first(&mut s.gateway, c.flag()?),
            b"mailPlatform" => first(&mut s.mail_platform, c.text()?),
            b"maxRetention" => first(&mut s.max_retention, c.count()?),
            b"maxRetentionConfirmed" => first(&mut s.max_retention_confirmed, c.flag()?),
            b"mimecastId" => first(&mut s.mimecast_id, c.text()?),
            b"packages" => first(&mut s.packages, c.strings()?),
            b"passphrase" => first(&mut s.passphrase, c.text()?),
            b"policyInheritance" => first(&mut s.policy_inheritance, c.flag()?),
            b"region" => first(&mut s.region, c.text()?),
            b"supportCode" => first(&mut s.support_code, c.text()?),
            b"type" => first(&mut s.account_type, c.text()?),
            b"userCount" => first(&mut s.user_count, c.count()?),
            _ => c.skip_value().map(drop),
        })?;
        let text = |v: Option<Option<&str>>| v.flatten().map(str::to_owned);
        Some(Account {
            account_code: text(s.account_code),
            account_name: text(s.account_name),
            admin_email: text(s.admin_email),
            archive: s.archive.flatten(),
            automated_segment_purge: s.automated_segment_purge.flatten(),
            database_code: text(s.database_code),
            domain: text(s.domain),
            gateway: s.gateway.flatten(),
            mail_platform: text(s.mail_platform),
            max_retention: s.max_retention.flatten(),
            max_retention_confirmed: s.max_retention_confirmed.flatten(),
            mimecast_id: text(s.mimecast_id),
            packages: s
                .packages
                .unwrap_or_default()
                .into_iter()
                .map(str::to_owned)
                .collect(),
            passphrase: text(s.passphrase),
            policy_inheritance: s.policy_inheritance.flatten(),
            region: text(s.region),
            support_code: text(s.support_code),
            account_type: text(s.account_type),
            user_count: s.user_count.flatten(),
            json: String::new(),
            raw_json: String::new(),
            retries: 0,
        })
    }

    /// [`Account::from_parts`], the object read by serde.
    fn read_with_serde(json: String, raw_json: String, retries: u32) -> Result<Account> {
        let f: Fields = serde_json::from_str(&json).map_err(|e| {
            let why = e.to_string();
            match why.strip_prefix("duplicate field `") {
                Some(rest) => malformed(format!(
                    "Get Account's {} is given twice in the account object",
                    rest.split('`').next().unwrap_or("field")
                )),
                None => malformed("Get Account's account object cannot be read".to_owned()),
            }
        })?;
        Ok(Account {
            account_code: text("accountCode", f.account_code)?,
            account_name: text("accountName", f.account_name)?,
            admin_email: text("adminEmail", f.admin_email)?,
            archive: flag("archive", f.archive)?,
            automated_segment_purge: flag("automatedSegmentPurge", f.automated_segment_purge)?,
            database_code: text("databaseCode", f.database_code)?,
            domain: text("domain", f.domain)?,
            gateway: flag("gateway", f.gateway)?,
            mail_platform: text("mailPlatform", f.mail_platform)?,
            max_retention: count("maxRetention", f.max_retention)?,
            max_retention_confirmed: flag("maxRetentionConfirmed", f.max_retention_confirmed)?,
            mimecast_id: text("mimecastId", f.mimecast_id)?,
            packages: strings("packages", f.packages)?,
            passphrase: text("passphrase", f.passphrase)?,
            policy_inheritance: flag("policyInheritance", f.policy_inheritance)?,
            region: text("region", f.region)?,
            support_code: text("supportCode", f.support_code)?,
            account_type: text("type", f.account_type)?,
            user_count: count("userCount", f.user_count)?,
            json,
            raw_json,
            retries,
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

    fn with(fields: &str) -> Result<Account> {
        account(&format!(
            r#"{{"meta":{{"status":200}},"fail":[],"data":[{{{fields}}}]}}"#
        ))
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
        assert!(a.json.starts_with(r#"{"accountCode":"C1""#));
        assert!(!format!("{a:?}").contains("pw"));
    }

    #[test]
    fn empty_data_is_malformed() {
        let e = account(r#"{"meta":{"status":200},"fail":[],"data":[]}"#).unwrap_err();
        assert_eq!(e.status(), Status::MalformedResponse);
    }

    #[test]
    fn counts_are_whole_numbers_or_errors() {
        assert_eq!(with(r#""userCount":30"#).unwrap().user_count, Some(30));
        assert_eq!(with(r#""userCount":30.0"#).unwrap().user_count, Some(30));
        assert_eq!(with(r#""userCount":3e1"#).unwrap().user_count, Some(30));
        assert_eq!(with(r#""userCount":null"#).unwrap().user_count, None);
        assert_eq!(with("").unwrap().user_count, None);
        assert_eq!(
            with(r#""userCount":9223372036854775807"#)
                .unwrap()
                .user_count,
            Some(i64::MAX)
        );
        for bad in [
            r#""userCount":9223372036854775808"#,
            r#""userCount":1.9"#,
            r#""userCount":-5"#,
            r#""userCount":"12""#,
            r#""userCount":1e300"#,
            r#""userCount":true"#,
            r#""maxRetention":[30]"#,
        ] {
            let e = with(bad).unwrap_err();
            assert_eq!(e.status(), Status::MalformedResponse, "{bad}");
            let name = bad.split('"').nth(1).unwrap();
            assert!(e.message().contains(name), "{bad}: {}", e.message());
        }
    }

    #[test]
    fn wrong_types_and_duplicates_are_errors() {
        for bad in [
            r#""accountName":5"#,
            r#""archive":"yes""#,
            r#""packages":"p1""#,
            r#""packages":["p1",2]"#,
            r#""accountName":"a","accountName":"b""#,
        ] {
            let e = with(bad).unwrap_err();
            assert_eq!(e.status(), Status::MalformedResponse, "{bad}");
            assert!(
                e.message().contains("accountName")
                    || e.message().contains("archive")
                    || e.message().contains("packages"),
                "{}",
                e.message()
            );
        }
        // Unknown members, duplicated or not, are not read and not refused.
        assert!(with(r#""x":1,"x":2,"accountName":"a""#).is_ok());
    }
}

#[cfg(test)]
mod plain_agrees_with_serde {
    //! The one-pass reader (`read_plain`) against serde, on account objects
    //! generated near the edges of what it accepts.
    use super::*;
    use crate::plain::gen;
    use proptest::prelude::*;

    const TEXTS: [&str; 11] = [
        "accountCode",
        "accountName",
        "adminEmail",
        "databaseCode",
        "domain",
        "mailPlatform",
        "mimecastId",
        "passphrase",
        "region",
        "supportCode",
        "type",
    ];
    const FLAGS: [&str; 5] = [
        "archive",
        "automatedSegmentPurge",
        "gateway",
        "maxRetentionConfirmed",
        "policyInheritance",
    ];
    const COUNTS: [&str; 2] = ["maxRetention", "userCount"];

    /// A known field with a value of its type (or null) most of the time.
    fn field() -> impl Strategy<Value = (String, String)> {
        let strings = proptest::collection::vec(gen::string(), 0..3)
            .prop_map(|s| format!("[{}]", s.join(",")));
        prop_oneof![
            4 => (proptest::sample::select(&TEXTS[..]), prop_oneof![6 => gen::string(), 1 => Just("null".to_owned()), 1 => gen::value()])
                .prop_map(|(k, v)| (k.to_owned(), v)),
            2 => (proptest::sample::select(&FLAGS[..]), prop_oneof![6 => proptest::sample::select(&["true", "false", "null"][..]).prop_map(str::to_owned), 1 => gen::value()])
                .prop_map(|(k, v)| (k.to_owned(), v)),
            2 => (proptest::sample::select(&COUNTS[..]), prop_oneof![6 => gen::number(), 1 => Just("null".to_owned()), 1 => gen::value()])
                .prop_map(|(k, v)| (k.to_owned(), v)),
            1 => prop_oneof![6 => strings, 1 => Just("null".to_owned()), 1 => gen::value()]
                .prop_map(|v| ("packages".to_owned(), v)),
            1 => ("[a-zA-Z]{1,8}", gen::value()).prop_map(|(k, v)| (k, v)),
            1 => proptest::sample::select(&["account\\u0043ode", "userCount\\n"][..])
                .prop_map(|k| (k.to_owned(), "\"x\"".to_owned())),
        ]
    }

    fn account() -> impl Strategy<Value = String> {
        (
            proptest::collection::vec(field(), 0..12),
            proptest::collection::vec(gen::ws(), 1..3),
            gen::tail(),
        )
            .prop_map(|(fields, spaces, tail)| {
                let members: Vec<(String, String)> = fields
                    .into_iter()
                    .map(|(k, v)| (format!("\"{k}\""), v))
                    .collect();
                gen::object(&members, &spaces, &tail)
            })
    }

    fn check_agreement(json: &str) -> bool {
        let serde = Account::read_with_serde(json.to_owned(), "raw".to_owned(), 3);
        let both = Account::from_parts(json.to_owned(), "raw".to_owned(), 3);
        match (&serde, &both) {
            (Ok(s), Ok(b)) => assert_eq!(s, b, "{json}"),
            (Err(s), Err(b)) => {
                assert_eq!(s.status(), b.status(), "{json}");
                assert_eq!(s.message(), b.message(), "{json}");
            }
            _ => panic!("{json}\nserde: {serde:?}\nwith the plain reader: {both:?}"),
        }
        Account::read_plain(json).is_some()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(6000))]

        #[test]
        fn generated_accounts_read_the_same(json in account()) {
            check_agreement(&json);
        }
    }

    /// Get Account's one pass (envelope and `data[0]` together) against
    /// serde reading both.
    fn check_get_account(body: &str) {
        use crate::envelope::{interpret_reading, interpret_with_serde, RawResponse};
        let serde =
            interpret_with_serde(RawResponse::test(200, body)).and_then(Account::from_response);
        let both = interpret_reading(RawResponse::test(200, body), Account::read_plain_at)
            .and_then(|(response, account)| match account {
                Some(account) => Ok(Account::with_response(account, response)),
                None => Account::from_response(response),
            });
        match (&serde, &both) {
            (Ok(s), Ok(b)) => assert_eq!(s, b, "{body}"),
            (Err(s), Err(b)) => {
                assert_eq!(s.status(), b.status(), "{body}");
                assert_eq!(s.message(), b.message(), "{body}");
            }
            _ => panic!("{body}\nserde: {serde:?}\nin one pass: {both:?}"),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        #[test]
        fn get_account_in_one_pass_reads_the_same(
            first in account(),
            rest in proptest::collection::vec(gen::value(), 0..2),
            space in gen::ws(),
        ) {
            let mut items = vec![first];
            items.extend(rest);
            let body = format!(
                r#"{{"meta":{{"status":200}},"data":[{space}{}{space}],"fail":[]}}"#,
                items.join(",")
            );
            check_get_account(&body);
        }
    }

    /// The generated objects reach both readers, each often enough for the
    /// agreement above to mean something.
    #[test]
    fn the_generator_reaches_both_readers() {
        use proptest::strategy::ValueTree;
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        let strategy = account();
        let total = 3000;
        let plain = (0..total)
            .filter(|_| {
                Account::read_plain(&strategy.new_tree(&mut runner).unwrap().current()).is_some()
            })
            .count();
        assert!(
            plain * 10 >= total && plain * 10 <= total * 9,
            "{plain} of {total}"
        );
    }

    /// The names serde's derive gave [`Fields`] (it hands them to the
    /// deserializer of a struct): the list the plain reader is checked
    /// against, so that a field added there cannot be missed here.
    fn serde_field_names() -> &'static [&'static str] {
        use serde::de::{Error as _, Visitor};
        struct Names(Option<&'static [&'static str]>);
        impl<'de> serde::Deserializer<'de> for &mut Names {
            type Error = serde::de::value::Error;
            fn deserialize_any<V: Visitor<'de>>(
                self,
                _: V,
            ) -> std::result::Result<V::Value, Self::Error> {
                Err(Self::Error::custom("a struct was expected"))
            }
            fn deserialize_struct<V: Visitor<'de>>(
                self,
                _: &'static str,
                fields: &'static [&'static str],
                _: V,
            ) -> std::result::Result<V::Value, Self::Error> {
                self.0 = Some(fields);
                Err(Self::Error::custom("names taken"))
            }
            serde::forward_to_deserialize_any! {
                bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
                byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map enum
                identifier ignored_any
            }
        }
        let mut names = Names(None);
        let _ = Fields::deserialize(&mut names);
        names.0.expect("Fields is a struct")
    }

    #[test]
    fn the_plain_reader_knows_every_field_serde_reads() {
        let names = serde_field_names();
        assert_eq!(names.len(), 19);
        for name in names {
            // An object is no field's type: serde refuses it, and so must
            // the plain reader, which would skip it as unknown if it did not
            // know the name.
            let json = format!(r#"{{"{name}":{{}}}}"#);
            assert!(Account::read_plain(&json).is_none(), "{name}");
            assert!(
                Account::read_with_serde(json, String::new(), 0).is_err(),
                "{name}"
            );
        }
    }

    #[test]
    fn plain_accounts_take_the_one_pass_reader() {
        let bench = include_str!("../bench/server/account.json");
        let r = crate::envelope::interpret(crate::envelope::RawResponse::test(200, bench)).unwrap();
        let item = r.data_items().next().unwrap();
        assert!(check_agreement(item));
        let a = Account::read_plain(item).unwrap();
        assert_eq!(a.account_code.as_deref(), Some("CUSA12A345"));
        assert_eq!(a.user_count, Some(20));
        assert_eq!(a.packages.len(), 2);
        assert!(check_agreement(
            r#"{"accountName":null,"packages":null,"x":[1e999,{"a":"\u00e9\n"}]}"#
        ));
    }

    #[test]
    fn unusual_accounts_are_left_to_serde() {
        for json in [
            r#"{"accountName":"a\"b"}"#,
            r#"{"accountName":5}"#,
            r#"{"userCount":30.0}"#,
            r#"{"userCount":-1}"#,
            r#"{"userCount":1e2}"#,
            r#"{"userCount":9999999999999999999}"#,
            r#"{"archive":"yes"}"#,
            r#"{"packages":["a",1]}"#,
            r#"{"accountName":"a","accountName":"b"}"#,
            r#"{"accountName":"a","accountName":null}"#,
            r#"{"account\u004eame":"a"}"#,
            r#"{"accountName":"a"} x"#,
            r#"["a"]"#,
        ] {
            assert!(!check_agreement(json), "accepted: {json}");
        }
    }
}
