//! Issue 14: general requests (any method, query, headers, bodies of any
//! type), answers that are files, API 2.0 pages and errors, log lists,
//! protocol corrections and region discovery, against the emulator (which
//! checks every signature and token itself).

mod common;
#[path = "common/raw.rs"]
mod raw;

use std::time::Duration;

use common::*;
use mimecast::{
    discover_base_url, Api1Keys, Call, Client, Options, ProxySetting, ResponseMode, RetryPolicy,
    Status,
};
use serde_json::{json, Value};

fn keys() -> Api1Keys<'static> {
    Api1Keys {
        app_id: app_id(),
        app_key: app_key(),
        access_key: access_key(),
        secret_key: secret_key(),
    }
}

fn options() -> Options {
    Options {
        proxy: ProxySetting::None,
        retry: RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        },
        ..Options::default()
    }
}

fn api1(emu: &Emulator) -> Client {
    Client::new_api1(&emu.base_url, keys(), &options()).unwrap()
}

fn api2(emu: &Emulator) -> Client {
    Client::new_api2(
        Some(&emu.base_url),
        client_id(),
        client_secret(),
        &options(),
    )
    .unwrap()
}

fn echoed(c: &Client, call: &Call) -> Value {
    c.send(call).unwrap().json().unwrap()
}

#[test]
fn any_method_with_query_and_headers_signed_or_with_a_token() {
    let emu = Emulator::start(&[]);
    for c in [api1(&emu), api2(&emu)] {
        let mut call = Call::new("GET", "/api/v2/echo").unwrap();
        call.query("type", "receipt")
            .unwrap()
            .query("dateRangeStartsAt", "2026-11-30T00:00:00.000Z")
            .unwrap()
            .query("q", "a b&c=é")
            .unwrap()
            .header("X-Request-Tag", "t-1")
            .unwrap();
        let e = echoed(&c, &call);
        assert_eq!(e["method"], "GET");
        assert_eq!(e["query"]["type"], json!(["receipt"]));
        assert_eq!(
            e["query"]["dateRangeStartsAt"],
            json!(["2026-11-30T00:00:00.000Z"])
        );
        assert_eq!(e["query"]["q"], json!(["a b&c=é"]));
        assert_eq!(e["headers"]["x-request-tag"], "t-1");
        assert_eq!(e["headers"]["accept"], "application/json");
    }
}

#[test]
fn bodies_of_any_type_arrive_byte_for_byte() {
    let emu = Emulator::start(&[]);
    let c = api1(&emu);
    let mut put = Call::new("PUT", "/api/v2/echo").unwrap();
    put.json(r#"{"n":12345678901234567890123,"z":-0}"#).unwrap();
    let e = echoed(&c, &put);
    assert_eq!(e["method"], "PUT");
    assert_eq!(e["headers"]["content-type"], "application/json");
    assert_eq!(
        base64::decode(e["bodyBase64"].as_str().unwrap()).unwrap(),
        br#"{"n":12345678901234567890123,"z":-0}"#
    );
    let binary: Vec<u8> = (0..=255u8).collect();
    let mut patch = Call::new("patch", "/api/v2/echo").unwrap();
    patch.body("application/octet-stream", &binary).unwrap();
    let e = echoed(&c, &patch);
    assert_eq!(e["method"], "PATCH");
    assert_eq!(
        base64::decode(e["bodyBase64"].as_str().unwrap()).unwrap(),
        binary
    );
    let e = echoed(&c, &Call::new("DELETE", "/api/v2/echo").unwrap());
    assert_eq!(e["method"], "DELETE");
}

#[test]
fn a_callers_mistake_never_reaches_the_server() {
    let emu = Emulator::start(&[]);
    let mut call = Call::new("GET", "/api/v2/echo").unwrap();
    assert!(call.header("Authorization", "Bearer x").is_err());
    assert!(call.header("x-mc-app-id", "x").is_err());
    assert!(call.header("X-Bad", "a\r\nb").is_err());
    assert!(call.query("", "v").is_err());
    assert!(Call::new("TRACE", "/api/v2/echo").is_err());
    assert!(Call::new("GET", "/api/v2/echo?x=1").is_err());
    assert!(Call::new("GET", "/api/../oauth/token").is_err());
    assert_eq!(emu.stats()["requests"], 0);
}

#[test]
fn file_answers_come_with_their_headers() {
    let emu = Emulator::start(&[]);
    let c = api1(&emu);
    let mut siem = Call::new("POST", "/api/audit/get-siem-logs").unwrap();
    siem.json(r#"{"data":[{"type":"MTA","fileFormat":"json","compress":true}]}"#)
        .unwrap();
    // A zip where JSON was asked for is refused, naming the problem.
    let e = c.send(&siem).unwrap_err();
    assert_eq!(e.status(), Status::MalformedResponse, "{e:?}");
    siem.mode(ResponseMode::Any);
    let r = c.send(&siem).unwrap();
    assert_eq!(r.status, 200);
    assert!(r.body.starts_with(b"PK\x03\x04"), "a zip file");
    let token = r
        .header("mc-siem-token")
        .expect("the next token")
        .to_owned();
    assert!(r
        .header("content-disposition")
        .unwrap()
        .contains("filename=\"MTA_0000.zip\""));
    // The pull to its end: JSON with isLastToken.
    let mut token = Some(token);
    let mut files = 1;
    while let Some(t) = token.take() {
        let mut next = Call::new("POST", "/api/audit/get-siem-logs").unwrap();
        next.json(&json!({"data": [{"type": "MTA", "token": t, "compress": true}]}).to_string())
            .unwrap()
            .mode(ResponseMode::Any);
        let r = c.send(&next).unwrap();
        match r.header("mc-siem-token") {
            Some(t) => {
                files += 1;
                token = Some(t.to_owned());
            }
            None => assert_eq!(r.json().unwrap()["meta"]["isLastToken"], true),
        }
    }
    assert_eq!(files, 3);

    let mut feed = Call::new("POST", "/api/ttp/threat-intel/get-feed").unwrap();
    feed.json(r#"{"data":[{"fileType":"csv"}]}"#)
        .unwrap()
        .mode(ResponseMode::Any);
    let r = c.send(&feed).unwrap();
    assert_eq!(r.header("Content-Type"), Some("text/csv"));
    assert!(r.text().unwrap().starts_with("type,value"));
    assert!(r.header("x-mc-threat-feed-next-token").is_some());
}

#[test]
fn raw_mode_returns_any_status() {
    let emu = Emulator::start(&[]);
    let c = api1(&emu);
    let mut call = Call::new("POST", "/nowhere").unwrap();
    call.mode(ResponseMode::Raw);
    let r = c.send(&call).unwrap();
    assert_eq!(r.status, 404);
    // 429 is still retried in raw mode; when retries end, it is the answer.
    emu.fault(json!({"fault": "rate_limited", "reset_ms": 10, "times": 5}));
    let o = Options {
        retry: RetryPolicy {
            max_retries: 2,
            ..RetryPolicy::default()
        },
        ..options()
    };
    let c = Client::new_api1(&emu.base_url, keys(), &o).unwrap();
    let mut call = Call::new("GET", "/api/v2/echo").unwrap();
    call.mode(ResponseMode::Raw);
    let r = c.send(&call).unwrap();
    assert_eq!((r.status, r.retries), (429, 2));
}

#[test]
fn failures_hidden_under_http_200_are_errors() {
    let emu = Emulator::start(&[]);
    let c = api1(&emu);
    emu.fault(json!({"fault": "meta_status", "status": 403}));
    let e = c.request("/api/x", None).unwrap_err();
    assert_eq!(e.status(), Status::Unauthorized);
    assert_eq!(e.http_status(), Some(403));
    emu.fault(json!({"fault": "fail_top_level", "code": "err_validation_blank"}));
    let e = c.request("/api/x", None).unwrap_err();
    assert_eq!(e.status(), Status::ApiFailure);
    assert_eq!(e.api_code(), Some("err_validation_blank"));
}

#[test]
fn a_top_level_token_expired_refreshes_the_token() {
    let emu = Emulator::start(&[]);
    let c = api2(&emu);
    c.get_account().unwrap();
    emu.fault(json!({"fault": "fail_top_level", "code": "token_expired"}));
    c.get_account().unwrap();
    assert_eq!(emu.stats()["tokens_issued"], 2);
}

#[test]
fn api2_errors_map_to_the_same_statuses() {
    let emu = Emulator::start(&[]);
    let c = api2(&emu);
    let call = Call::new("GET", "/api/v2/echo").unwrap();
    // A token first: the emulator's token endpoint takes queued faults too.
    c.send(&call).unwrap();
    emu.fault(json!({"fault": "api2_error", "status": 400, "code": "invalid_page_size", "message": "bad size"}));
    let e = c.send(&call).unwrap_err();
    assert_eq!(e.status(), Status::HttpError);
    assert_eq!(e.api_code(), Some("invalid_page_size"));
    emu.fault(json!({"fault": "api2_error", "status": 403, "code": "forbidden"}));
    assert_eq!(c.send(&call).unwrap_err().status(), Status::Unauthorized);
    emu.fault(json!({"fault": "api2_error", "status": 429, "code": "rate"}));
    assert_eq!(c.send(&call).unwrap_err().status(), Status::RateLimited);
}

#[test]
fn retry_after_as_an_http_date_is_honoured() {
    let emu = Emulator::start(&[]);
    let c = api1(&emu);
    let at = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(30));
    emu.fault(json!({"fault": "rate_limited", "reset_ms": 10, "retry_after": at}));
    let ms = c.get_account().unwrap_err().retry_after_ms().unwrap();
    assert!((25_000..=30_000).contains(&ms), "{ms}");
}

#[test]
fn log_lists_are_iterated_entry_by_entry() {
    let emu = Emulator::start(&[]);
    let c = api1(&emu);
    // 7 click logs, 3 a page, wrapped in data[0].clickLogs.
    let items: Vec<Value> = c
        .items("/api/ttp/url/get-logs", None, 3)
        .map(|i| serde_json::from_str(&i.unwrap()).unwrap())
        .collect();
    let ids: Vec<&str> = items.iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        ["click-1", "click-2", "click-3", "click-4", "click-5", "click-6", "click-7"]
    );
    // Plain data items elsewhere.
    assert_eq!(c.items("/api/audit/get-audit-events", None, 2).count(), 7);
}

#[test]
fn an_empty_page_ends_the_pull_even_with_a_token() {
    let emu = Emulator::start(&[]);
    let c = api1(&emu);
    emu.fault(json!({"fault": "empty_page_with_next"}));
    let pages: Vec<_> = c
        .pages("/api/audit/get-audit-events", None, 2)
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(pages.len(), 1);
    assert_eq!(emu.stats()["requests"], 1, "no request for a bogus page");
}

#[test]
fn api2_pages_follow_the_cursor_until_caught_up() {
    let emu = Emulator::start(&[]);
    let c = api2(&emu);
    let mut call = Call::new("GET", "/siem/v1/events/cg").unwrap();
    call.query("types", "receipt")
        .unwrap()
        .query("dateRangeStartsAt", "2026-11-30T00:00:00.000Z")
        .unwrap();
    let ids: Vec<String> = c
        .call_items(&call, 10)
        .unwrap()
        .map(|i| {
            let v: Value = serde_json::from_str(&i.unwrap()).unwrap();
            v["id"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(ids.len(), 25);
    assert_eq!(ids[0], "stream-0001");
    assert_eq!(ids[24], "stream-0025");
    let log = emu.requests();
    let sent: Vec<&Value> = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["path"] == "/siem/v1/events/cg")
        .collect();
    assert_eq!(sent.len(), 3);
    assert!(sent[1]["query"].as_str().unwrap().contains("nextPage="));
}

#[test]
fn region_discovery_finds_the_base_url() {
    let emu = Emulator::start(&[]);
    let o = Options {
        discovery_url: Some(emu.base_url.clone()),
        ..options()
    };
    assert_eq!(
        discover_base_url("admin@example.com", Some(app_id()), &o).unwrap(),
        emu.base_url
    );
    let e = discover_base_url("admin@unknown.example", None, &o).unwrap_err();
    assert_eq!(e.status(), Status::ApiFailure);
    let c = Client::discover_api1("admin@example.com", keys(), &o).unwrap();
    assert_eq!(c.base_url(), emu.base_url);
    c.get_account().unwrap();
    // The discovery request itself is unsigned.
    let log = emu.requests();
    let first = &log.as_array().unwrap()[0];
    assert_eq!(first["path"], "/api/login/discover-authentication");
    assert!(first["headers"].get("Authorization").is_none());
}

#[test]
fn a_discovery_answer_cannot_send_the_keys_anywhere() {
    for api in [
        "http://evil.example.com",
        "https://eu-api.mimecast.com/api/x",
        "ftp://x.example",
        "https://u:p@eu-api.mimecast.com",
    ] {
        let answer =
            json!({"meta": {"status": 200}, "data": [{"region": {"api": api}}], "fail": []})
                .to_string();
        let server = raw::RawServer::start(move |mut conn| {
            while conn.read_request().is_some() {
                conn.send_json(200, &answer);
            }
        });
        let o = Options {
            discovery_url: Some(server.base_url.clone()),
            ..options()
        };
        let e = Client::discover_api1("a@example.com", keys(), &o).unwrap_err();
        assert_eq!(e.status(), Status::MalformedResponse, "{api}: {e:?}");
    }
}
