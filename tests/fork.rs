//! Issue 10 item 2: after fork() a child process never uses the parent's
//! pooled connections. Before the fix, a child and its parent sharing one
//! keep-alive socket read each other's responses. Its own test binary, so
//! that no other test's threads are running when it forks.

#![cfg(unix)]

mod common;

use common::{access_key, app_id, app_key, secret_key, Emulator};
use mimecast::{Api1Keys, Client, Options, ProxySetting};

/// Sends `count` requests whose path names the caller and returns how many
/// answers echoed another path (the emulator answers with the path it got).
fn mismatches(c: &Client, who: &str, count: usize) -> usize {
    (0..count)
        .filter(|i| {
            let path = format!("/api/{who}/{i}");
            match c.request(&path, None) {
                Ok(r) => r.data()[0]["path"] != path.as_str(),
                Err(_) => true,
            }
        })
        .count()
}

#[test]
fn forked_children_never_read_the_parents_responses() {
    let emu = Emulator::start(&[]);
    let options = Options {
        proxy: ProxySetting::None,
        ..Options::default()
    };
    let keys = Api1Keys {
        app_id: app_id(),
        app_key: app_key(),
        access_key: access_key(),
        secret_key: secret_key(),
    };
    let client = Client::new_api1(&emu.base_url, keys, &options).unwrap();
    // A pooled connection for the children to inherit.
    assert_eq!(mismatches(&client, "warm-up", 1), 0);

    let mut children = Vec::new();
    for k in 0..4 {
        // SAFETY: the child only makes requests and leaves with _exit, never
        // returning into the test harness.
        let pid = unsafe { libc::fork() };
        assert!(pid >= 0, "fork failed");
        if pid == 0 {
            let bad = mismatches(&client, &format!("child{k}"), 30);
            unsafe {
                libc::_exit(if bad == 0 {
                    0
                } else {
                    10 + bad.min(100) as i32
                })
            };
        }
        children.push(pid);
    }
    let parent_bad = mismatches(&client, "parent", 60);
    for pid in children {
        let mut status = 0;
        // SAFETY: waiting for a child this test forked.
        assert_eq!(unsafe { libc::waitpid(pid, &mut status, 0) }, pid);
        assert!(libc::WIFEXITED(status), "child {pid} did not exit normally");
        assert_eq!(
            libc::WEXITSTATUS(status),
            0,
            "child {pid} got answers meant for others"
        );
    }
    assert_eq!(parent_bad, 0, "the parent got answers meant for others");
}
