//! Where credentials come from besides explicit arguments: the environment
//! and Postman environment exports. One implementation serves every
//! language binding, so the same names work everywhere.

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::transport::tls::read_capped;

/// The credential fields, by canonical name.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub(crate) enum Field {
    BaseUrl,
    AppId,
    AppKey,
    AccessKey,
    SecretKey,
    ClientId,
    ClientSecret,
}

const FIELDS: [(Field, &str, &str); 7] = [
    (Field::BaseUrl, "MIMECAST_BASE_URL", "baseUrl"),
    (Field::AppId, "MIMECAST_APP_ID", "ApplicationID"),
    (Field::AppKey, "MIMECAST_APP_KEY", "ApplicationKey"),
    (Field::AccessKey, "MIMECAST_ACCESS_KEY", "AccessKey"),
    (Field::SecretKey, "MIMECAST_SECRET_KEY", "SecretKey"),
    (Field::ClientId, "MIMECAST_CLIENT_ID", "client_id"),
    (
        Field::ClientSecret,
        "MIMECAST_CLIENT_SECRET",
        "client_secret",
    ),
];

/// Credentials gathered from a source, not yet validated.
pub(crate) struct Gathered {
    values: HashMap<Field, Zeroizing<String>>,
    /// How a missing field is named to the user: env var or Postman key.
    naming: fn(Field) -> String,
}

pub(crate) enum Found<'a> {
    Api1 {
        base_url: &'a str,
        app_id: &'a str,
        app_key: &'a str,
        access_key: &'a str,
        secret_key: &'a str,
    },
    Api2 {
        base_url: Option<&'a str>,
        client_id: &'a str,
        client_secret: &'a str,
    },
}

impl Gathered {
    fn get(&self, f: Field) -> Option<&str> {
        self.values
            .get(&f)
            .map(|v| v.as_str())
            .filter(|v| !v.trim().is_empty())
    }

    fn need(&self, f: Field) -> Result<&str> {
        self.get(f)
            .ok_or_else(|| Error::invalid_argument(format!("{} is not set", (self.naming)(f))))
    }

    /// API 2.0 when a client id or secret is present, else API 1.0.
    pub(crate) fn resolve(&self) -> Result<Found<'_>> {
        if self.get(Field::ClientId).is_some() || self.get(Field::ClientSecret).is_some() {
            return Ok(Found::Api2 {
                base_url: self.get(Field::BaseUrl),
                client_id: self.need(Field::ClientId)?,
                client_secret: self.need(Field::ClientSecret)?,
            });
        }
        Ok(Found::Api1 {
            base_url: self.need(Field::BaseUrl)?,
            app_id: self.need(Field::AppId)?,
            app_key: self.need(Field::AppKey)?,
            access_key: self.need(Field::AccessKey)?,
            secret_key: self.need(Field::SecretKey)?,
        })
    }
}

fn env_name(f: Field) -> String {
    FIELDS
        .iter()
        .find(|(x, _, _)| *x == f)
        .map(|(_, env, _)| (*env).to_owned())
        .unwrap_or_default()
}

fn postman_name(f: Field) -> String {
    let key = FIELDS
        .iter()
        .find(|(x, _, _)| *x == f)
        .map(|(_, _, k)| *k)
        .unwrap_or_default();
    format!("the Postman environment's '{key}' value")
}

/// Reads the `MIMECAST_*` environment variables.
pub(crate) fn from_env() -> Gathered {
    from_variables(
        FIELDS
            .iter()
            .filter_map(|(_, name, _)| std::env::var(name).ok().map(|v| (*name, v))),
    )
}

/// Reads `MIMECAST_*` variables from given (name, value) pairs: for runtimes
/// whose environment is not the C library's (.NET on Unix keeps its own).
/// Names that are not `MIMECAST_*` credential variables are ignored.
pub(crate) fn from_variables<N: AsRef<str>, V: Into<String>>(
    pairs: impl IntoIterator<Item = (N, V)>,
) -> Gathered {
    let values = pairs
        .into_iter()
        .filter_map(|(name, value)| {
            let field = FIELDS
                .iter()
                .find(|(_, env, _)| *env == name.as_ref())
                .map(|(f, _, _)| *f)?;
            Some((field, Zeroizing::new(value.into())))
        })
        .collect();
    Gathered {
        values,
        naming: env_name,
    }
}

/// Postman keys are matched case-insensitively, ignoring separators, and in
/// the spellings seen in the wild (the official names are not published).
fn postman_field(key: &str) -> Option<Field> {
    let norm: String = key
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    Some(match norm.as_str() {
        "baseurl" | "url" | "apibaseurl" | "mimecastbaseurl" | "mimecasturl" => Field::BaseUrl,
        "applicationid" | "appid" => Field::AppId,
        "applicationkey" | "appkey" => Field::AppKey,
        "accesskey" => Field::AccessKey,
        "secretkey" => Field::SecretKey,
        "clientid" => Field::ClientId,
        "clientsecret" => Field::ClientSecret,
        _ => return None,
    })
}

/// Largest Postman environment read: real exports are a few KiB.
const MAX_POSTMAN_BYTES: u64 = 1024 * 1024;

/// Reads a Postman environment export (`{"values": [{"key", "value", "enabled"}]}`).
pub(crate) fn from_postman(path: &Path) -> Result<Gathered> {
    let shown = path.display();
    let bytes = Zeroizing::new(read_capped(path, MAX_POSTMAN_BYTES, "Postman environment")?);
    let text = std::str::from_utf8(&bytes).map_err(|_| {
        Error::invalid_argument(format!("the Postman environment {shown} is not UTF-8 text"))
    })?;
    // serde_json's error text quotes no input, so it cannot leak a key.
    let json: Value = serde_json::from_str(text).map_err(|e| {
        Error::invalid_argument(format!("the Postman environment {shown} is not JSON ({e})"))
    })?;
    let entries = json
        .get("values")
        .and_then(Value::as_array)
        .ok_or_else(|| {
            Error::invalid_argument(format!(
                "{shown} is not a Postman environment export (no 'values' array)"
            ))
        })?;
    let mut values = HashMap::new();
    for entry in entries {
        if entry.get("enabled").and_then(Value::as_bool) == Some(false) {
            continue;
        }
        let key = entry.get("key").and_then(Value::as_str).unwrap_or_default();
        let value = entry
            .get("value")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if let Some(field) = postman_field(key) {
            if !value.trim().is_empty() {
                values.insert(field, Zeroizing::new(value.to_owned()));
            }
        }
    }
    Ok(Gathered {
        values,
        naming: postman_name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Status;
    use std::fs;

    #[test]
    fn variables_resolve_like_the_environment() {
        let g = from_variables([
            ("MIMECAST_CLIENT_ID", "cid"),
            ("MIMECAST_CLIENT_SECRET", "cs"),
            ("OTHER", "x"),
        ]);
        assert!(matches!(
            g.resolve().unwrap(),
            Found::Api2 {
                client_id: "cid",
                base_url: None,
                ..
            }
        ));
        let g = from_variables([("MIMECAST_BASE_URL", "eu"), ("MIMECAST_APP_ID", "i")]);
        let e = g.resolve().err().unwrap();
        assert_eq!(e.message(), "MIMECAST_APP_KEY is not set");
        let e = from_variables([("MIMECAST_CLIENT_SECRET", "cs")])
            .resolve()
            .err()
            .unwrap();
        assert_eq!(e.message(), "MIMECAST_CLIENT_ID is not set");
    }

    #[test]
    fn postman_spellings_are_recognised() {
        for (k, f) in [
            ("ApplicationID", Field::AppId),
            ("app_id", Field::AppId),
            ("appId", Field::AppId),
            ("ApplicationKey", Field::AppKey),
            ("Access Key", Field::AccessKey),
            ("SecretKey", Field::SecretKey),
            ("baseUrl", Field::BaseUrl),
            ("BaseURL", Field::BaseUrl),
            ("client-id", Field::ClientId),
            ("client_secret", Field::ClientSecret),
        ] {
            assert_eq!(postman_field(k), Some(f), "{k}");
        }
        assert_eq!(postman_field("token"), None);
    }

    fn write(json: &str) -> std::path::PathBuf {
        let p = std::env::temp_dir().join(format!(
            "mc-postman-{}-{}.json",
            std::process::id(),
            json.len()
        ));
        fs::write(&p, json).unwrap();
        p
    }

    #[test]
    fn postman_file_gives_api1_and_names_missing_keys() {
        let p = write(
            r#"{"name":"Mimecast","values":[{"key":"ApplicationID","value":"i","enabled":true},{"key":"ApplicationKey","value":"k"},{"key":"AccessKey","value":"a"},{"key":"SecretKey","value":"c2VjcmV0"},{"key":"baseUrl","value":"eu"},{"key":"ignored","value":"x"}]}"#,
        );
        let g = from_postman(&p).unwrap();
        match g.resolve().unwrap() {
            Found::Api1 {
                base_url, app_id, ..
            } => assert_eq!((base_url, app_id), ("eu", "i")),
            Found::Api2 { .. } => panic!("api1 expected"),
        }
        let p2 = write(
            r#"{"values":[{"key":"ApplicationID","value":"i"},{"key":"SecretKey","value":"x","enabled":false},{"key":"baseUrl","value":"eu"},{"key":"ApplicationKey","value":"k"},{"key":"AccessKey","value":"a"}]}"#,
        );
        let e = from_postman(&p2).unwrap().resolve().err().unwrap();
        assert!(e.message().contains("SecretKey"), "{}", e.message());
        let _ = (fs::remove_file(p), fs::remove_file(p2));
    }

    #[test]
    fn client_id_selects_api2() {
        let p = write(
            r#"{"values":[{"key":"client_id","value":"cid"},{"key":"client_secret","value":"cs"}]}"#,
        );
        match from_postman(&p).unwrap().resolve().unwrap() {
            Found::Api2 {
                base_url,
                client_id,
                ..
            } => assert_eq!((base_url, client_id), (None, "cid")),
            Found::Api1 { .. } => panic!("api2 expected"),
        }
        let _ = fs::remove_file(p);
    }

    #[test]
    fn unreadable_or_invalid_files_are_clear_errors() {
        assert_eq!(
            from_postman(Path::new("/nonexistent/x.json"))
                .err()
                .unwrap()
                .status(),
            Status::Io
        );
        let p = write("not json at all, SecretKey=abc");
        let e = from_postman(&p).err().unwrap();
        assert_eq!(e.status(), Status::InvalidArgument);
        assert!(!e.message().contains("abc"));
        let _ = fs::remove_file(p);
    }
}
