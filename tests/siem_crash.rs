//! Issue 15 item 5: a consumer killed with SIGKILL at random points, again
//! and again, and restarted from its checkpoint, delivers the emulator's
//! whole event set in order, with duplicates only within the one batch that
//! was not acknowledged when it died. For each kind of source.
//!
//! The consumer is this test binary run again (test `consumer`, which does
//! nothing unless MC_CRASH_CONSUMER is set). Seeds are printed; set
//! MC_CRASH_SEED to replay one.

#![cfg(unix)]

mod common;

use std::collections::HashSet;
use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use common::*;
use mimecast::{Api1Keys, Client, EventStream, Options, ProxySetting, StreamKind, StreamOptions};

const EVENTS: usize = 240;
const PER_FILE: usize = 6;

fn kind_of(name: &str) -> StreamKind {
    match name {
        "siem-v1" => StreamKind::SiemV1,
        "batch" => StreamKind::Batch,
        _ => StreamKind::Stream,
    }
}

/// The consumer: pulls with a checkpoint, writing each event's id and a
/// marker after each acknowledged batch to its own output file.
#[test]
fn consumer() {
    let spec = match std::env::var("MC_CRASH_CONSUMER") {
        Ok(s) => s,
        Err(_) => return,
    };
    let parts: Vec<&str> = spec.splitn(4, '|').collect();
    let (kind, base, checkpoint, output) = (kind_of(parts[0]), parts[1], parts[2], parts[3]);
    let o = Options {
        proxy: ProxySetting::None,
        ..Options::default()
    };
    let client = Arc::new(match kind {
        StreamKind::SiemV1 => Client::new_api1(
            base,
            Api1Keys {
                app_id: app_id(),
                app_key: app_key(),
                access_key: access_key(),
                secret_key: secret_key(),
            },
            &o,
        )
        .unwrap(),
        _ => Client::new_api2(Some(base), client_id(), client_secret(), &o).unwrap(),
    });
    let mut so = StreamOptions::new(kind);
    if kind != StreamKind::SiemV1 {
        so.start = Some("2026-11-30".into());
        so.page_size = if kind == StreamKind::Batch {
            2
        } else {
            PER_FILE as u32
        };
    }
    so.checkpoint = Some(PathBuf::from(checkpoint));
    let mut stream = EventStream::open(client, so).unwrap();
    let mut out = OpenOptions::new()
        .create(true)
        .append(true)
        .open(output)
        .unwrap();
    while stream.next_batch().unwrap() {
        let mut lines = String::new();
        while let Some(e) = stream.next_event().unwrap() {
            let v: serde_json::Value = serde_json::from_str(e).unwrap();
            lines.push_str(&format!("E {}\n", v["id"].as_str().unwrap()));
        }
        // Handled (written and flushed), then acknowledged, then marked.
        out.write_all(lines.as_bytes()).unwrap();
        out.sync_data().unwrap();
        std::thread::sleep(Duration::from_millis(3));
        stream.ack().unwrap();
        out.write_all(b"ACK\n").unwrap();
        out.sync_data().unwrap();
    }
    out.write_all(b"DONE\n").unwrap();
    out.sync_data().unwrap();
}

struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % below
    }
}

/// One run's output: the batches it wrote, and whether its last one was
/// marked as acknowledged.
struct Run {
    /// Events, in order, each with the index of its batch in this run.
    events: Vec<(String, usize)>,
    /// Batches whose ACK marker was written.
    acked_batches: usize,
}

fn read_run(path: &Path) -> (Run, bool) {
    let text = fs::read_to_string(path).unwrap_or_default();
    let mut events = Vec::new();
    let mut batch = 0;
    let mut done = false;
    for line in text.lines() {
        if let Some(id) = line.strip_prefix("E ") {
            events.push((id.to_owned(), batch));
        } else if line == "ACK" {
            batch += 1;
        } else if line == "DONE" {
            done = true;
        }
    }
    (
        Run {
            events,
            acked_batches: batch,
        },
        done,
    )
}

#[test]
// Every child is reaped: by try_wait when it exits, by wait after the kill.
#[allow(clippy::zombie_processes)]
fn kills_at_random_points_lose_nothing() {
    let seed = std::env::var("MC_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        });
    eprintln!("crash test seed {seed} (MC_CRASH_SEED={seed} replays it)");
    let mut rng = Lcg(seed);
    let emu = Emulator::start(&[
        "--siem-events",
        &EVENTS.to_string(),
        "--siem-file-events",
        &PER_FILE.to_string(),
    ]);
    let all: Vec<String> = (1..=EVENTS).map(|n| format!("evt-{n:05}")).collect();
    let exe = std::env::current_exe().unwrap();
    let started = Instant::now();
    for kind in ["siem-v1", "batch", "stream"] {
        let dir = std::env::temp_dir().join(format!("mc-crash-{}-{kind}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let checkpoint = dir.join("checkpoint.json");
        let mut runs = Vec::new();
        let mut kills = 0;
        loop {
            let output = dir.join(format!("run-{}.txt", runs.len()));
            let mut child = Command::new(&exe)
                .args(["--exact", "consumer", "--nocapture", "--test-threads=1"])
                .env(
                    "MC_CRASH_CONSUMER",
                    format!(
                        "{kind}|{}|{}|{}",
                        emu.base_url,
                        checkpoint.display(),
                        output.display()
                    ),
                )
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            // Kill at a random moment, unless it has run long enough (the
            // last runs finish the pull).
            let patience = if kills < 25 {
                20 + rng.next(180)
            } else {
                60_000
            };
            let deadline = Instant::now() + Duration::from_millis(patience);
            let mut exited = None;
            while exited.is_none() && Instant::now() < deadline {
                exited = child.try_wait().unwrap();
                std::thread::sleep(Duration::from_millis(2));
            }
            if exited.is_none() {
                child.kill().unwrap(); // SIGKILL
                child.wait().unwrap();
                kills += 1;
            }
            if let Some(status) = exited {
                assert!(status.success(), "{kind}: the consumer failed ({status})");
            }
            let (run, done) = read_run(&output);
            runs.push(run);
            if done {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(55),
                "{kind}: not done in time"
            );
        }
        // Nothing skipped, in order: the first sighting of each event, run
        // after run, is the whole set.
        let mut seen = HashSet::new();
        let mut firsts = Vec::new();
        for run in &runs {
            for (id, _) in &run.events {
                if seen.insert(id.clone()) {
                    firsts.push(id.clone());
                }
            }
        }
        assert_eq!(
            firsts, all,
            "{kind}: events lost or out of order (seed {seed})"
        );
        // Duplicates only within one batch: what a run delivers again is
        // within its first batch, and was written after the previous run's
        // last acknowledged batch.
        let mut earlier: HashSet<String> = HashSet::new();
        // What the last run that wrote anything had not acknowledged.
        let mut unacked: HashSet<String> = HashSet::new();
        let mut duplicates = 0;
        for (k, run) in runs.iter().enumerate() {
            for (id, batch) in &run.events {
                if earlier.contains(id) {
                    duplicates += 1;
                    assert_eq!(
                        *batch, 0,
                        "{kind}: run {k} repeats {id} outside its first batch (seed {seed})"
                    );
                    assert!(
                        unacked.contains(id),
                        "{kind}: run {k} repeats {id}, which an earlier run had acknowledged (seed {seed})"
                    );
                }
            }
            earlier.extend(run.events.iter().map(|(i, _)| i.clone()));
            if !run.events.is_empty() {
                unacked = run
                    .events
                    .iter()
                    .filter(|(_, b)| *b >= run.acked_batches)
                    .map(|(i, _)| i.clone())
                    .collect();
            }
        }
        eprintln!(
            "{kind}: {} runs, {kills} kills, {duplicates} events delivered twice",
            runs.len()
        );
        assert!(kills >= 5, "{kind}: too few kills to mean anything");
        fs::remove_dir_all(dir).unwrap();
    }
}
