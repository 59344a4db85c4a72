//! Issue 15: SIEM event streams against the emulator's three sources, with
//! checkpoints, expired links, truncated files, rate limits, follow mode.

mod common;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use common::*;
use mimecast::{
    Api1Keys, Cancel, Client, EventStream, Options, ProxySetting, Status, StreamKind, StreamOptions,
};
use serde_json::{json, Value};

fn options() -> Options {
    Options {
        proxy: ProxySetting::None,
        ..Options::default()
    }
}

fn api1(emu: &Emulator) -> Arc<Client> {
    let keys = Api1Keys {
        app_id: app_id(),
        app_key: app_key(),
        access_key: access_key(),
        secret_key: secret_key(),
    };
    Arc::new(Client::new_api1(&emu.base_url, keys, &options()).unwrap())
}

fn api2(emu: &Emulator) -> Arc<Client> {
    Arc::new(
        Client::new_api2(
            Some(&emu.base_url),
            client_id(),
            client_secret(),
            &options(),
        )
        .unwrap(),
    )
}

fn client_for(emu: &Emulator, kind: StreamKind) -> Arc<Client> {
    match kind {
        StreamKind::SiemV1 => api1(emu),
        _ => api2(emu),
    }
}

fn stream_options(kind: StreamKind) -> StreamOptions {
    let mut o = StreamOptions::new(kind);
    if kind != StreamKind::SiemV1 {
        o.start = Some("2026-11-30".into());
        o.page_size = 3;
    }
    o
}

fn universe(emu: &Emulator) -> Vec<String> {
    let port = emu.base_url.rsplit(':').next().unwrap();
    let v: Value = ureq_get(&format!("http://127.0.0.1:{port}/_emulator/siem-events"));
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_owned())
        .collect()
}

fn ureq_get(url: &str) -> Value {
    use std::io::{Read, Write};
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_once('/').unwrap();
    let mut s = std::net::TcpStream::connect(host).unwrap();
    write!(
        s,
        "GET /{path} HTTP/1.1\r\nHost: {host}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    serde_json::from_str(out.split("\r\n\r\n").nth(1).unwrap()).unwrap()
}

/// Pulls to the end, acknowledging every batch; returns the event ids.
fn pull(stream: &mut EventStream) -> Vec<String> {
    let mut ids = Vec::new();
    while stream.next_batch().unwrap() {
        while let Some(e) = stream.next_event().unwrap() {
            let v: Value = serde_json::from_str(e).unwrap();
            ids.push(v["id"].as_str().unwrap().to_owned());
        }
        stream.ack().unwrap();
    }
    ids
}

fn temp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("mc-siem-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn every_source_delivers_the_whole_set_in_order() {
    let emu = Emulator::start(&[]);
    let all = universe(&emu);
    assert_eq!(all.len(), 60);
    for kind in [StreamKind::SiemV1, StreamKind::Batch, StreamKind::Stream] {
        let mut s = EventStream::open(client_for(&emu, kind), stream_options(kind)).unwrap();
        assert_eq!(pull(&mut s), all, "{kind:?}");
        let st = s.stats();
        assert_eq!(st.events, 60);
        assert!(st.bytes > 60 * 200, "{st:?}");
    }
    let stats = emu.stats();
    assert_eq!(
        stats["files_auth_violations"], 0,
        "no credential reached the storage host"
    );
    assert!(stats["files_downloads"].as_i64().unwrap() >= 8);
}

#[test]
fn api1_batches_name_their_files() {
    let emu = Emulator::start(&[]);
    let mut s = EventStream::open(api1(&emu), stream_options(StreamKind::SiemV1)).unwrap();
    assert!(s.next_batch().unwrap());
    s.next_event().unwrap().unwrap();
    assert_eq!(s.batch_file(), Some("MTA_00000.json"));
}

#[test]
fn a_checkpoint_resumes_where_the_last_ack_left() {
    let emu = Emulator::start(&[]);
    let all = universe(&emu);
    for kind in [StreamKind::SiemV1, StreamKind::Batch, StreamKind::Stream] {
        let dir = temp(&format!("resume-{kind:?}"));
        let mut o = stream_options(kind);
        o.checkpoint = Some(dir.join("cp.json"));
        let mut got = Vec::new();
        {
            let mut s = EventStream::open(client_for(&emu, kind), o.clone()).unwrap();
            for _ in 0..2 {
                assert!(s.next_batch().unwrap());
                while let Some(e) = s.next_event().unwrap() {
                    got.push(
                        serde_json::from_str::<Value>(e).unwrap()["id"]
                            .as_str()
                            .unwrap()
                            .to_owned(),
                    );
                }
                s.ack().unwrap();
            }
            // A third batch read but not acknowledged: it comes again.
            assert!(s.next_batch().unwrap());
            while s.next_event().unwrap().is_some() {}
        }
        let mut s = EventStream::open(client_for(&emu, kind), o).unwrap();
        assert_eq!(s.stats().total_events, got.len() as u64);
        got.extend(pull(&mut s));
        assert_eq!(got, all, "{kind:?}");
        std::fs::remove_dir_all(dir).unwrap();
    }
}

#[test]
fn foreign_or_corrupt_checkpoints_are_refused() {
    let emu = Emulator::start(&[]);
    let dir = temp("foreign");
    let path = dir.join("cp.json");
    let mut o = stream_options(StreamKind::Batch);
    o.checkpoint = Some(path.clone());
    let mut s = EventStream::open(api2(&emu), o.clone()).unwrap();
    assert!(s.next_batch().unwrap());
    s.ack().unwrap();
    drop(s);
    // Another kind, another query, another account.
    let mut other_kind = stream_options(StreamKind::Stream);
    other_kind.checkpoint = Some(path.clone());
    let e = EventStream::open(api2(&emu), other_kind).err().unwrap();
    assert_eq!(e.status(), Status::Checkpoint, "{e:?}");
    let mut other_query = o.clone();
    other_query.types = vec!["delivery".into()];
    assert_eq!(
        EventStream::open(api2(&emu), other_query)
            .err()
            .unwrap()
            .status(),
        Status::Checkpoint
    );
    let mut other_end = o.clone();
    other_end.end = Some("2026-12-01".into());
    assert_eq!(
        EventStream::open(api2(&emu), other_end)
            .err()
            .unwrap()
            .status(),
        Status::Checkpoint
    );
    let e = EventStream::open(api1(&emu), o.clone()).err().unwrap();
    assert_eq!(e.status(), Status::Checkpoint);
    // Another start date is the same pull: the start applies to a first
    // run only, so a collector that computes it each run still resumes.
    let mut other_start = o.clone();
    other_start.start = Some("2026-11-01".into());
    let mut s = EventStream::open(api2(&emu), other_start).unwrap();
    assert!(s.next_batch().unwrap());
    assert_eq!(
        s.next_event().unwrap().map(|e| e.contains("evt-00009")),
        Some(true)
    );
    drop(s);
    std::fs::write(&path, "{not json").unwrap();
    let e = EventStream::open(api2(&emu), o).err().unwrap();
    assert_eq!(e.status(), Status::Checkpoint);
    assert!(e.message().contains("cp.json"), "{}", e.message());
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_failed_save_keeps_the_old_checkpoint_and_the_batch() {
    let emu = Emulator::start(&[]);
    let dir = temp("failed-save");
    let path = dir.join("cp.json");
    let mut o = stream_options(StreamKind::Stream);
    o.checkpoint = Some(path.clone());
    let mut s = EventStream::open(api2(&emu), o.clone()).unwrap();
    assert!(s.next_batch().unwrap());
    s.ack().unwrap();
    let saved = std::fs::read(&path).unwrap();
    assert!(s.next_batch().unwrap());
    // Where the temporary file goes, a directory: the save fails as on a
    // full or read-only disk.
    let blocker = dir.join(format!("cp.json.tmp-{}", std::process::id()));
    std::fs::create_dir(&blocker).unwrap();
    let e = s.ack().unwrap_err();
    assert_eq!(e.status(), Status::Io);
    assert_eq!(std::fs::read(&path).unwrap(), saved);
    std::fs::remove_dir(&blocker).unwrap();
    s.ack().unwrap(); // the same batch, acknowledged again
    assert_ne!(std::fs::read(&path).unwrap(), saved);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn expired_links_are_asked_for_again_and_truncated_files_fetched_again() {
    let emu = Emulator::start(&[]);
    let all = universe(&emu);
    // A token first, so that the faults reach the SIEM requests.
    let c = api2(&emu);
    c.get_account().unwrap();
    emu.fault(json!({"fault": "expire_links", "count": 2}));
    emu.fault(json!({"fault": "truncated_file"}));
    let mut s = EventStream::open(c, stream_options(StreamKind::Batch)).unwrap();
    assert_eq!(pull(&mut s), all);
    let stats = emu.stats();
    assert!(stats["files_refused"].as_i64().unwrap() >= 1, "{stats}");
    assert_eq!(stats["files_auth_violations"], 0);
}

#[test]
fn empty_pages_that_are_not_caught_up_are_followed() {
    let emu = Emulator::start(&[]);
    let all = universe(&emu);
    let c = api2(&emu);
    c.get_account().unwrap();
    emu.fault(json!({"fault": "empty_not_caught_up"}));
    let mut s = EventStream::open(c, stream_options(StreamKind::Stream)).unwrap();
    assert_eq!(pull(&mut s), all);
}

#[test]
fn rate_limits_on_siem_endpoints_are_waited_out() {
    let emu = Emulator::start(&[]);
    let all = universe(&emu);
    let c = api2(&emu);
    c.get_account().unwrap();
    emu.fault(json!({"fault": "rate_limited", "reset_ms": 200, "times": 2}));
    let mut s = EventStream::open(c, stream_options(StreamKind::Batch)).unwrap();
    assert_eq!(pull(&mut s), all);
}

#[test]
fn a_follower_waits_and_stops_when_cancelled() {
    let emu = Emulator::start(&[]);
    let mut o = stream_options(StreamKind::Stream);
    o.follow = true;
    o.poll_interval = Duration::from_secs(1);
    let mut s = EventStream::open(api2(&emu), o).unwrap();
    let cancel = Cancel::new();
    let _attached = cancel.attach();
    let mut n = 0;
    loop {
        match s.next_batch() {
            Ok(true) => {
                while s.next_event().unwrap().is_some() {
                    n += 1;
                }
                s.ack().unwrap();
                if n == 60 {
                    // Caught up: the next call waits for new events; stop it.
                    let c = cancel.clone();
                    std::thread::spawn(move || {
                        std::thread::sleep(Duration::from_millis(1500));
                        c.cancel();
                    });
                }
            }
            Ok(false) => panic!("a follower never reports the end"),
            Err(e) => {
                assert_eq!(e.status(), Status::Cancelled);
                break;
            }
        }
    }
    assert_eq!(n, 60);
    let requests = emu.requests();
    let polls = requests
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["path"] == "/siem/v1/events/cg")
        .count();
    // 20 pages of 3 hold the 60 events; after catching up it polled again.
    assert!(
        polls >= 21,
        "it polled again after catching up ({polls} requests)"
    );
}

#[test]
fn bad_options_are_refused_before_anything_is_sent() {
    let emu = Emulator::start(&[]);
    let c = api2(&emu);
    let mut bad = stream_options(StreamKind::Batch);
    bad.types = vec!["receipt".into(), "delivery".into()];
    assert_eq!(
        EventStream::open(c.clone(), bad).err().unwrap().status(),
        Status::InvalidArgument
    );
    let mut bad = stream_options(StreamKind::Batch);
    bad.start = Some("30/11/2026".into());
    assert!(EventStream::open(c.clone(), bad).is_err());
    let mut bad = stream_options(StreamKind::Stream);
    bad.poll_interval = Duration::from_millis(10);
    assert!(EventStream::open(c.clone(), bad).is_err());
    let mut s = EventStream::open(c, stream_options(StreamKind::Stream)).unwrap();
    assert!(s.next_batch().unwrap());
    assert_eq!(
        s.next_batch().unwrap_err().status(),
        Status::InvalidArgument,
        "ack first"
    );
    let requests = emu.requests();
    let siem = requests
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["path"].as_str().unwrap().starts_with("/siem/"))
        .count();
    assert_eq!(siem, 1, "only the one good stream asked for a page");
}
