//! The Rust API against the independent emulator: real HTTP over real
//! sockets, signatures checked by the emulator's own implementation.

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::*;
use mimecast::{Api1Keys, Client, LogLevel, Options, ProxySetting, Status};
use serde_json::{json, Value};

fn keys() -> Api1Keys<'static> {
    Api1Keys {
        app_id: app_id(),
        app_key: app_key(),
        access_key: access_key(),
        secret_key: secret_key(),
    }
}

fn quick() -> Options {
    Options {
        proxy: ProxySetting::None,
        ..Options::default()
    }
}

fn api1(emu: &Emulator, options: &Options) -> Client {
    Client::new_api1(&emu.base_url, keys(), options).unwrap()
}

fn no_retry() -> Options {
    let mut o = quick();
    o.retry.max_retries = 0;
    o
}

#[test]
fn get_account_reads_every_field() {
    let emu = Emulator::start(&[]);
    let a = api1(&emu, &quick()).get_account().unwrap();
    assert_eq!(a.account_name.as_deref(), Some("Exämple Corp Ltd"));
    assert!(a.account_code.is_some() && a.mimecast_id.is_some() && a.admin_email.is_some());
    assert!(a.user_count.unwrap() > 0 && a.max_retention.unwrap() > 0);
    assert!(!a.packages.is_empty());
    assert!(a.raw_json.contains("\"meta\""));
    assert_eq!(a.retries, 0);
}

#[test]
fn generic_request_sends_the_body_and_signs_non_ascii_paths() {
    let emu = Emulator::start(&[]);
    let c = api1(&emu, &quick());
    let r = c
        .request(
            "/api/directory/find-groups",
            Some(r#"{"data":[{"query":"sales"}]}"#),
        )
        .unwrap();
    assert_eq!(r.data()[0]["path"], "/api/directory/find-groups");
    assert_eq!(r.data()[0]["echo"], json!([{"query": "sales"}]));
    // The emulator checks the signature of the percent-encoded path it receives.
    c.request("/api/tëst/ünïcode", None).unwrap();
}

#[test]
fn connections_are_reused() {
    let emu = Emulator::start(&[]);
    let c = api1(&emu, &quick());
    for _ in 0..5 {
        c.get_account().unwrap();
    }
    let s = emu.stats();
    assert_eq!(s["requests"], 5);
    assert_eq!(s["connections"], 1, "{s}");
}

#[test]
fn wrong_keys_are_unauthorized_with_mimecast_code() {
    let emu = Emulator::start(&[]);
    let k = Api1Keys {
        app_key: "wrong-app-key",
        ..keys()
    };
    let e = Client::new_api1(&emu.base_url, k, &no_retry())
        .unwrap()
        .get_account()
        .unwrap_err();
    assert_eq!(e.status(), Status::Unauthorized);
    assert_eq!(e.http_status(), Some(401));
    assert_eq!(e.api_code(), Some("err_xdk_invalid_signature"));
    assert!(!e.message().contains(secret_key()) && !e.message().contains(access_key()));
}

/// tests/shared/faults.json: fault -> status, the table every suite runs.
#[test]
fn each_fault_of_the_shared_table_maps_to_its_status() {
    let emu = Emulator::start(&[]);
    let table = shared("faults.json");
    let cases = table["cases"].as_array().unwrap();
    assert!(cases.len() >= 15);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let mut o = no_retry();
        if let Some(ms) = case["options"]["timeout_ms"].as_u64() {
            o.timeout = Duration::from_millis(ms);
        }
        if let Some(bytes) = case["options"]["max_response_bytes"].as_u64() {
            o.max_response_bytes = bytes;
        }
        let c = api1(&emu, &o);
        let call = || match case["call"].as_str().unwrap() {
            "account" => c.get_account().map(|_| ()),
            "request" => c
                .request("/api/some/endpoint", Some(r#"{"data":[]}"#))
                .map(|_| ()),
            other => panic!("{name}: unknown call {other}"),
        };
        emu.fault(case["fault"].clone());
        let e = call().unwrap_err();
        assert_eq!(e.status().name(), case["status"], "{name}: {e:?}");
        if let Some(http) = case["http_status"].as_u64() {
            let got = e.http_status().map(u64::from).unwrap_or(0);
            assert_eq!(got, http, "{name}: {e:?}");
        }
        if let Some(code) = case["code"].as_str() {
            assert_eq!(e.api_code(), Some(code), "{name}");
        }
        if let Some(message) = case["api_message"].as_str() {
            assert_eq!(e.api_message(), Some(message), "{name}");
        }
        if let Some(ms) = case["retry_after_ms"].as_u64() {
            assert_eq!(e.retry_after_ms(), Some(ms), "{name}");
        }
        assert!(!e.message().is_empty(), "{name}");
        assert!(
            !e.message().contains(secret_key()) && !e.message().contains(access_key()),
            "{name}"
        );
        // The client stays usable after every fault.
        call().unwrap();
    }
    let s = emu.stats();
    assert_eq!(
        s["redirect_target_hits"], 0,
        "a redirect must not be followed: {s}"
    );
}

/// tests/shared/account-numbers.json: what Get Account gives for 30, 30.0,
/// huge, negative, string, null, missing and duplicate numbers, the same in
/// every language.
#[test]
fn account_numbers_of_the_shared_table() {
    let emu = Emulator::start(&[]);
    let c = api1(&emu, &no_retry());
    let table = shared("account-numbers.json");
    for case in table["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let body = case["body"].as_str().unwrap();
        emu.fault(json!({"fault": "raw_body", "body": body}));
        let result = c.get_account();
        if let Some(expect) = case.get("expect") {
            let a = result.unwrap_or_else(|e| panic!("{name}: {e:?}"));
            assert_eq!(a.max_retention, expect["max_retention"].as_i64(), "{name}");
            assert_eq!(a.user_count, expect["user_count"].as_i64(), "{name}");
            assert_eq!(a.raw_json, body, "{name}");
        } else {
            let e = result.err().unwrap_or_else(|| panic!("{name}: accepted"));
            assert_eq!(e.status().name(), case["status"], "{name}: {e:?}");
            let field = case["names"].as_str().unwrap();
            assert!(e.message().contains(field), "{name}: {e:?}");
        }
    }
}

/// tests/shared/json-depth.json: the nesting the core accepts.
#[test]
fn json_depth_of_the_shared_table() {
    let emu = Emulator::start(&[]);
    let c = api1(&emu, &no_retry());
    let table = shared("json-depth.json");
    for case in table["cases"].as_array().unwrap() {
        // A number, or MC_MAX_JSON_DEPTH (+ 1) of the header.
        let depth = match &case["depth"] {
            Value::Number(n) => n.as_u64().unwrap() as usize,
            Value::String(s) if s == "MC_MAX_JSON_DEPTH" => mimecast::json::MAX_DEPTH,
            Value::String(s) if s == "MC_MAX_JSON_DEPTH + 1" => mimecast::json::MAX_DEPTH + 1,
            other => panic!("unknown depth {other}"),
        };
        let body = format!(
            r#"{{"meta":{{"status":200}},"fail":[],"data":{}{}}}"#,
            "[".repeat(depth - 1),
            "]".repeat(depth - 1)
        );
        emu.fault(json!({"fault": "raw_body", "body": body}));
        let result = c.request("/api/x/y", None);
        if case["status"] == "MC_STATUS_OK" {
            result.unwrap_or_else(|e| panic!("depth {depth}: {e:?}"));
        } else {
            let e = result.unwrap_err();
            assert_eq!(e.status().name(), case["status"], "depth {depth}");
        }
    }
}

#[test]
fn fault_details_are_exposed() {
    let emu = Emulator::start(&[]);
    let c = api1(&emu, &no_retry());
    emu.fault(json!({"fault": "rate_limited", "reset_ms": 1234}));
    let e = c.get_account().unwrap_err();
    assert_eq!(e.retry_after_ms(), Some(1234), "X-RateLimit-Reset");
    // Retry-After (seconds) as well: the later of the two.
    emu.fault(json!({"fault": "rate_limited", "reset_ms": 1234, "retry_after": 3}));
    assert_eq!(c.get_account().unwrap_err().retry_after_ms(), Some(3000));
    emu.fault(json!({"fault": "rate_limited", "reset_ms": 5000, "retry_after": 3}));
    assert_eq!(c.get_account().unwrap_err().retry_after_ms(), Some(5000));
    emu.fault(json!({"fault": "binding_expired"}));
    assert_eq!(
        c.get_account().unwrap_err().api_code(),
        Some("err_xdk_binding_expired")
    );
    emu.fault(json!({"fault": "api_fail", "code": "err_audit_log_incorrect_region", "message": "wrong region"}));
    let e = c.get_account().unwrap_err();
    assert_eq!(
        (e.api_code(), e.api_message()),
        (Some("err_audit_log_incorrect_region"), Some("wrong region"))
    );
}

#[test]
fn slow_and_trickling_servers_time_out() {
    let emu = Emulator::start(&[]);
    let o = Options {
        timeout: Duration::from_millis(800),
        ..no_retry()
    };
    let c = api1(&emu, &o);
    for fault in [
        json!({"fault": "slow", "delay_s": 5}),
        json!({"fault": "trickle", "interval_s": 0.2, "duration_s": 5}),
    ] {
        emu.fault(fault.clone());
        let t = Instant::now();
        let e = c.get_account().unwrap_err();
        assert_eq!(e.status(), Status::Timeout, "{fault}: {e:?}");
        assert!(
            t.elapsed() < Duration::from_secs(4),
            "bounded wait for {fault}"
        );
    }
}

#[test]
fn oversized_bodies_are_refused() {
    let emu = Emulator::start(&[]);
    let o = Options {
        max_response_bytes: 1 << 20,
        ..no_retry()
    };
    emu.fault(json!({"fault": "huge"}));
    assert_eq!(
        api1(&emu, &o).get_account().unwrap_err().status(),
        Status::ResponseTooLarge
    );
}

#[test]
fn retries_wait_for_the_rate_limit_reset() {
    let emu = Emulator::start(&[]);
    let c = api1(&emu, &quick());
    emu.fault(json!({"fault": "rate_limited", "reset_ms": 400}));
    let t = Instant::now();
    let a = c.get_account().unwrap();
    assert!(
        t.elapsed() >= Duration::from_millis(400),
        "waited {:?}",
        t.elapsed()
    );
    assert_eq!(a.retries, 1);
    // Reads are retried after 5xx and broken connections.
    emu.fault(json!({"fault": "server_error", "times": 2}));
    assert_eq!(c.get_account().unwrap().retries, 2);
    emu.fault(json!({"fault": "drop"}));
    assert_eq!(c.get_account().unwrap().retries, 1);
    emu.fault(json!({"fault": "server_error"}));
    assert_eq!(
        c.request_page("/api/audit/get-audit-events", None, 2, None)
            .unwrap()
            .retries,
        1
    );
    // Permanent failures are not retried.
    emu.fault(json!({"fault": "binding_expired"}));
    assert_eq!(c.get_account().unwrap_err().retries(), 0);
}

#[test]
fn retry_budget_and_limit_are_honoured() {
    let emu = Emulator::start(&[]);
    let mut o = quick();
    o.retry.max_retries = 2;
    emu.fault(json!({"fault": "server_error", "times": 3}));
    let e = api1(&emu, &o).get_account().unwrap_err();
    assert_eq!((e.status(), e.retries()), (Status::HttpError, 2));
    let mut o = quick();
    o.retry.budget = Duration::from_millis(100);
    emu.fault(json!({"fault": "rate_limited", "reset_ms": 5000}));
    let t = Instant::now();
    let e = api1(&emu, &o).get_account().unwrap_err();
    assert_eq!((e.status(), e.retries()), (Status::RateLimited, 0));
    assert!(t.elapsed() < Duration::from_secs(2));
}

#[test]
fn tls_needs_a_trusted_ca() {
    let emu = Emulator::start(&["--tls"]);
    let e = Client::new_api1(&emu.base_url, keys(), &no_retry())
        .unwrap()
        .get_account()
        .unwrap_err();
    assert_eq!(e.status(), Status::Tls, "{e:?}");
    let o = Options {
        ca_bundle: Some(repo().join("tests/tls/ca.pem")),
        ..no_retry()
    };
    let a = Client::new_api1(&emu.base_url, keys(), &o)
        .unwrap()
        .get_account()
        .unwrap();
    assert_eq!(a.account_name.as_deref(), Some("Exämple Corp Ltd"));
    let o = Options {
        ca_bundle: Some(repo().join("tests/tls/missing.pem")),
        ..no_retry()
    };
    assert_eq!(
        Client::new_api1(&emu.base_url, keys(), &o)
            .unwrap_err()
            .status(),
        Status::Io
    );
}

#[test]
fn oauth_token_is_cached_and_refreshed_once_when_refused() {
    let emu = Emulator::start(&[]);
    let c = Client::new_api2(Some(&emu.base_url), client_id(), client_secret(), &quick()).unwrap();
    for _ in 0..3 {
        c.get_account().unwrap();
    }
    assert_eq!(emu.stats()["tokens_issued"], 1);
    emu.fault(json!({"fault": "token_expired"}));
    c.get_account().unwrap();
    assert_eq!(emu.stats()["tokens_issued"], 2);
    c.request("/api/x", None).unwrap();
    assert_eq!(emu.stats()["tokens_issued"], 2);
}

#[test]
fn oauth_refreshes_before_expiry_without_a_stampede() {
    let emu = Emulator::start(&["--token-ttl", "2"]);
    let c = Arc::new(
        Client::new_api2(Some(&emu.base_url), client_id(), client_secret(), &quick()).unwrap(),
    );
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let c = c.clone();
            std::thread::spawn(move || c.get_account().unwrap())
        })
        .collect();
    threads.into_iter().for_each(|t| {
        t.join().unwrap();
    });
    assert_eq!(
        emu.stats()["tokens_issued"],
        1,
        "one fetch for 8 concurrent first calls"
    );
    std::thread::sleep(Duration::from_millis(1100));
    c.get_account().unwrap();
    assert_eq!(
        emu.stats()["tokens_issued"],
        2,
        "refreshed early, before the 2 s expiry"
    );
}

#[test]
fn oauth_errors_hide_the_secret() {
    let emu = Emulator::start(&[]);
    let c = Client::new_api2(
        Some(&emu.base_url),
        client_id(),
        "wrong-secret-value",
        &no_retry(),
    )
    .unwrap();
    let e = c.get_account().unwrap_err();
    assert_eq!(e.status(), Status::Unauthorized);
    assert!(!e.message().contains("wrong-secret-value"));
    assert!(!format!("{e:?}{c:?}").contains("wrong-secret-value"));
}

#[test]
fn pagination_stops_exactly_at_the_last_page() {
    let emu = Emulator::start(&["--page-items", "7"]);
    let c = api1(&emu, &quick());
    let mut token: Option<String> = None;
    let mut ids = Vec::new();
    let mut pages = 0;
    loop {
        let r = c
            .request_page("/api/audit/get-audit-events", None, 3, token.as_deref())
            .unwrap();
        pages += 1;
        ids.extend(r.data().iter().map(|i| i["id"].as_i64().unwrap()));
        token = r.next_page_token().map(str::to_owned);
        if token.is_none() {
            break;
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(ids, (1..=7).collect::<Vec<_>>());
    emu.fault(json!({"fault": "page_fail", "page": 2}));
    let first = c
        .request_page("/api/audit/get-audit-events", None, 3, None)
        .unwrap();
    let e = c
        .request_page(
            "/api/audit/get-audit-events",
            None,
            3,
            first.next_page_token(),
        )
        .unwrap_err();
    assert_eq!(e.status(), Status::ApiFailure);
}

#[test]
fn explicit_proxy_is_used() {
    let emu = Emulator::start(&["--proxy-port", "0"]);
    let o = Options {
        proxy: ProxySetting::Url(emu.proxy_url.clone().unwrap()),
        ..quick()
    };
    api1(&emu, &o).get_account().unwrap();
    let s = emu.stats();
    let through = s["proxy_tunnels"].as_i64().unwrap() + s["proxy_requests"].as_i64().unwrap();
    assert!(through >= 1, "{s}");
    // A dead proxy is a transport error, not a silent direct connection.
    let o = Options {
        proxy: ProxySetting::Url("http://127.0.0.1:9".into()),
        ..no_retry()
    };
    assert_eq!(
        api1(&emu, &o).get_account().unwrap_err().status(),
        Status::Transport
    );
}

#[test]
fn logs_describe_calls_without_secrets() {
    let emu = Emulator::start(&[]);
    let lines = Arc::new(Mutex::new(Vec::<(LogLevel, String)>::new()));
    let sink = lines.clone();
    let o = Options {
        logger: Some((
            Arc::new(move |l, m: &str| sink.lock().unwrap().push((l, m.to_owned()))),
            LogLevel::Debug,
        )),
        ..quick()
    };
    let c = api1(&emu, &o);
    emu.fault(json!({"fault": "rate_limited", "reset_ms": 50}));
    c.get_account().unwrap();
    let c2 = Client::new_api2(Some(&emu.base_url), client_id(), client_secret(), &o).unwrap();
    c2.get_account().unwrap();
    let lines = lines.lock().unwrap();
    assert!(
        lines
            .iter()
            .any(|(l, m)| *l == LogLevel::Warn && m.contains("retry 1")),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .any(|(_, m)| m.contains("/api/account/get-account -> HTTP 200")),
        "{lines:?}"
    );
    for (_, m) in lines.iter() {
        for secret in [secret_key(), access_key(), app_key(), client_secret()] {
            assert!(!m.contains(secret), "secret in log line {m}");
        }
        assert!(!m.contains("Bearer"), "token in log line {m}");
    }
}

#[test]
fn credentials_from_a_postman_export() {
    let emu = Emulator::start(&[]);
    let dir = std::env::temp_dir().join(format!("mc-it-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("Mimecast.postman_environment.json");
    let env = json!({"id": "x", "name": "Mimecast Environment", "_postman_variable_scope": "environment", "values": [
        {"key": "ApplicationID", "value": app_id(), "type": "default", "enabled": true},
        {"key": "ApplicationKey", "value": app_key(), "type": "secret", "enabled": true},
        {"key": "AccessKey", "value": access_key(), "type": "secret", "enabled": true},
        {"key": "SecretKey", "value": secret_key(), "type": "secret", "enabled": true},
        {"key": "baseUrl", "value": emu.base_url, "type": "default", "enabled": true}]});
    std::fs::write(&path, env.to_string()).unwrap();
    let a = Client::from_postman_file(&path, &quick())
        .unwrap()
        .get_account()
        .unwrap();
    assert!(a.account_code.is_some());
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_page_token_that_repeats_is_an_error_not_an_endless_loop() {
    // The emulator never repeats tokens, so check the guard with a server
    // that does: a tiny one-shot HTTP server echoing the request token.
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let server = std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut length = 0;
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = v.trim().parse().unwrap();
            }
            if line == "\r\n" {
                break;
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).unwrap();
        let request: serde_json::Value = serde_json::from_slice(&body).unwrap();
        let token = request["meta"]["pagination"]["pageToken"].clone();
        let reply = json!({"meta": {"status": 200, "pagination": {"next": token}}, "data": [{"id": 1}], "fail": []}).to_string();
        let mut stream = stream;
        write!(stream, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{reply}", reply.len()).unwrap();
    });
    let c = Client::new_api1(&base, keys(), &no_retry()).unwrap();
    let e = c
        .request_page("/api/audit/get-audit-events", None, 1, Some("T1"))
        .unwrap_err();
    assert_eq!(e.status(), Status::MalformedResponse);
    assert!(e.message().contains("endless loop"));
    server.join().unwrap();
}

#[test]
fn generic_requests_that_may_have_been_processed_are_not_repeated() {
    let emu = Emulator::start(&[]);
    let c = api1(&emu, &quick());
    let path = "/api/directory/add-group-member";
    let posts = |emu: &Emulator| {
        emu.requests()
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["path"] == path)
            .count()
    };
    for fault in ["reset", "server_error", "drop"] {
        emu.fault(json!({"fault": fault}));
        let e = c
            .request(path, Some(r#"{"data":[{"id":"g","emailAddress":"a@b"}]}"#))
            .unwrap_err();
        assert!(e.may_have_been_processed(), "{fault}: {e:?}");
        assert_eq!(e.retries(), 0, "{fault}");
    }
    assert_eq!(posts(&emu), 3, "each call reached the server exactly once");
    // 429 means not processed: always retried.
    emu.fault(json!({"fault": "rate_limited", "reset_ms": 50}));
    assert_eq!(c.request(path, None).unwrap().retries, 1);
    // Opting in retries the rest too.
    let mut o = quick();
    o.retry.retry_after_send = true;
    emu.fault(json!({"fault": "server_error"}));
    assert_eq!(api1(&emu, &o).request(path, None).unwrap().retries, 1);
    // A refused connection never reached a server: retried for every call.
    let dead = Client::new_api1("http://127.0.0.1:9", keys(), &quick()).unwrap();
    let e = dead.request(path, None).unwrap_err();
    assert_eq!(
        (e.status(), e.retries(), e.may_have_been_processed()),
        (Status::Transport, 3, false)
    );
}

/// Issue 10 item 6: a pull whose pages come round again (A -> B -> A)
/// ends with an error, not an endless loop.
#[test]
fn a_pagination_cycle_ends_the_pull() {
    let emu = Emulator::start(&[]);
    let c = api1(&emu, &no_retry());
    emu.fault(json!({"fault": "page_cycle", "page": 3, "back_to": 2}));
    let mut pages = 0;
    let mut error = None;
    // The emulator serves 7 events: 4 pages of 2.
    for page in c.pages("/api/audit/get-audit-events", None, 2) {
        match page {
            Ok(_) => pages += 1,
            Err(e) => {
                error = Some(e);
                break;
            }
        }
        assert!(pages < 10, "the pull did not stop");
    }
    let e = error.expect("the cycle is an error");
    assert_eq!(e.status(), Status::MalformedResponse);
    assert!(e.message().contains("cycle"), "{}", e.message());
    assert_eq!(pages, 3);
    // Without the fault the same pull ends at the last page.
    let all: Vec<_> = c
        .pages("/api/audit/get-audit-events", None, 2)
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(all.len(), 4);
    assert!(all.last().unwrap().next_token().is_none());
}

/// Issue 10 item 13: the body goes on the wire as the caller wrote it (big
/// numbers, -0, 1e2, key order, escapes); paging edits only its member.
#[test]
fn request_bodies_are_sent_as_written() {
    let emu = Emulator::start(&[]);
    let c = api1(&emu, &no_retry());
    let body =
        r#"{"data":[{"n":12345678901234567890123,"z":-0,"e":1e2,"k":"\u00e9","b":1,"a":2}] }"#;
    c.request("/api/directory/find-groups", Some(body)).unwrap();
    c.request_page("/api/audit/get-audit-events", Some(body), 7, None)
        .unwrap();
    let log = emu.requests();
    let raw: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["raw_body"].as_str())
        .collect();
    assert_eq!(raw[raw.len() - 2], body);
    assert_eq!(
        raw[raw.len() - 1],
        r#"{"meta":{"pagination":{"pageSize":7}},"data":[{"n":12345678901234567890123,"z":-0,"e":1e2,"k":"\u00e9","b":1,"a":2}] }"#
    );
}

/// Issue 10 item 12: a path with dot segments is refused before anything
/// is sent (it would be signed as one path and act on another).
#[test]
fn dot_segments_never_reach_the_server() {
    let emu = Emulator::start(&[]);
    let c = api1(&emu, &no_retry());
    for path in [
        "/api/../oauth/token",
        "/api/%2e%2e/oauth/token",
        "/api\\..\\x",
    ] {
        assert_eq!(
            c.request(path, None).unwrap_err().status(),
            Status::InvalidArgument
        );
    }
    assert_eq!(emu.stats()["requests"], 0);
}

/// Issue 10 item 14: a server's text cannot forge log lines or drive a
/// terminal: control characters are escaped and the length is capped.
#[test]
fn server_text_cannot_forge_log_lines() {
    let emu = Emulator::start(&[]);
    let lines = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = lines.clone();
    let options = Options {
        logger: Some((
            Arc::new(move |_, line: &str| sink.lock().unwrap().push(line.to_owned())),
            LogLevel::Debug,
        )),
        ..no_retry()
    };
    let c = api1(&emu, &options);
    let evil = format!("bad\r\nINFO forged line\u{1b}[2J{}", "x".repeat(5000));
    emu.fault(json!({"fault": "api_fail", "code": "err\ncode", "message": evil}));
    let e = c.get_account().unwrap_err();
    assert_eq!(e.status(), Status::ApiFailure);
    for text in [e.message(), e.api_message().unwrap(), e.api_code().unwrap()] {
        assert!(!text.contains(['\r', '\n', '\u{1b}']), "{text:?}");
        assert!(text.len() < 1200, "{} bytes", text.len());
    }
    for line in lines.lock().unwrap().iter() {
        assert!(!line.contains(['\r', '\n', '\u{1b}']), "{line:?}");
    }
}
