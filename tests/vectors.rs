//! The shared signing vectors (tests/vectors/signing.json, made by an
//! independent Python implementation) against the Rust signer.

use mimecast::{Api1Keys, Client, Options, Status};
use serde_json::Value;

fn vectors() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/signing.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn s<'a>(v: &'a Value, k: &str) -> &'a str {
    v[k].as_str().unwrap_or_else(|| panic!("vector field {k}"))
}

#[test]
fn every_valid_vector_signs_identically() {
    let all = vectors();
    let list = all["vectors"].as_array().unwrap();
    assert!(list.len() >= 8);
    for v in list {
        let keys = Api1Keys {
            app_id: s(v, "app_id"),
            app_key: s(v, "app_key"),
            access_key: s(v, "access_key"),
            secret_key: s(v, "secret_key"),
        };
        let client = Client::new_api1("eu", keys, &Options::default()).unwrap();
        let h = client
            .sign(s(v, "path"), Some(s(v, "date")), Some(s(v, "request_id")))
            .unwrap();
        assert_eq!(
            h.authorization,
            s(v, "authorization"),
            "vector {}",
            s(v, "name")
        );
        assert_eq!(h.date, s(v, "date"));
        assert_eq!(h.request_id, s(v, "request_id"));
        assert_eq!(h.app_id, s(v, "app_id"));
    }
}

#[test]
fn every_invalid_secret_is_refused_with_its_status() {
    let all = vectors();
    for v in all["invalid"].as_array().unwrap() {
        let keys = Api1Keys {
            app_id: "a",
            app_key: "k",
            access_key: "x",
            secret_key: s(v, "secret_key"),
        };
        let e = Client::new_api1("eu", keys, &Options::default()).unwrap_err();
        let expected = match s(v, "error") {
            "invalid_credentials" => Status::InvalidCredentials,
            "invalid_argument" => Status::InvalidArgument,
            other => panic!("unknown expected error {other}"),
        };
        assert_eq!(e.status(), expected, "vector {}", s(v, "name"));
        if !s(v, "secret_key").trim().is_empty() {
            assert!(
                !e.message().contains(s(v, "secret_key").trim()),
                "secret leaked in {}",
                e.message()
            );
        }
    }
}
