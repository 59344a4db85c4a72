//! Starts the Python emulator (tests/mimecast_emulator.py) for a test and
//! talks to its control endpoints. Each test gets its own emulator, so tests
//! can run in parallel and queue faults without interfering.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;

use serde_json::Value;

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A table of tests/shared/ (the same data every language's suite reads).
pub fn shared(name: &str) -> Value {
    let path = repo().join("tests/shared").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path:?}: {e}"))
}

/// One of the emulator's built-in keys, from the file it reads them from
/// (tests/shared/emulator-keys.json), read once.
pub fn key(name: &str) -> &'static str {
    static KEYS: Mutex<Option<&'static Value>> = Mutex::new(None);
    let mut cached = KEYS.lock().unwrap();
    let keys: &'static Value =
        cached.get_or_insert_with(|| Box::leak(Box::new(shared("emulator-keys.json"))));
    keys["keys"][name]
        .as_str()
        .unwrap_or_else(|| panic!("no key {name}"))
}

pub fn app_id() -> &'static str {
    key("app_id")
}
pub fn app_key() -> &'static str {
    key("app_key")
}
pub fn access_key() -> &'static str {
    key("access_key")
}
pub fn secret_key() -> &'static str {
    key("secret_key")
}
pub fn client_id() -> &'static str {
    key("client_id")
}
pub fn client_secret() -> &'static str {
    key("client_secret")
}

pub struct Emulator {
    child: Child,
    pub base_url: String,
    pub proxy_url: Option<String>,
    control: String,
}

impl Emulator {
    pub fn start(args: &[&str]) -> Emulator {
        // A loaded machine has been seen to lose an emulator at start-up:
        // try again once, and say what it printed if it fails twice.
        match Emulator::try_start(args) {
            Ok(e) => e,
            Err(first) => Emulator::try_start(args).unwrap_or_else(|second| {
                panic!("the emulator did not start: {first}; then: {second}")
            }),
        }
    }

    fn try_start(args: &[&str]) -> Result<Emulator, String> {
        let stderr_path = std::env::temp_dir().join(format!(
            "mimecast-emulator-{}-{:?}.err",
            std::process::id(),
            std::thread::current().id()
        ));
        let stderr = std::fs::File::create(&stderr_path).map_err(|e| e.to_string())?;
        let mut child = Command::new("python3")
            .arg(repo().join("tests/mimecast_emulator.py"))
            .args(["--port", "0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("python3 runs the emulator");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut ready = |prefix: &str| -> Result<String, String> {
            match lines.next() {
                Some(Ok(l)) if l.starts_with(prefix) => Ok(l[prefix.len()..].trim().to_owned()),
                other => {
                    let status = child.try_wait().ok().flatten();
                    let err = std::fs::read_to_string(&stderr_path).unwrap_or_default();
                    Err(format!(
                        "no '{prefix}' line ({other:?}, exit {status:?}): {err}"
                    ))
                }
            }
        };
        let base_url = ready("MIMECAST_EMULATOR_READY ");
        let proxy_url = match (&base_url, args.contains(&"--proxy-port")) {
            (Ok(_), true) => Some(ready("MIMECAST_PROXY_READY ")),
            _ => None,
        };
        let _ = std::fs::remove_file(&stderr_path);
        let (base_url, proxy_url) = match (base_url, proxy_url.transpose()) {
            (Ok(b), Ok(p)) => (b, p),
            (Err(e), _) | (_, Err(e)) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(e);
            }
        };
        // Control requests always go over plain TCP to the same port.
        let port = base_url.rsplit(':').next().unwrap().to_owned();
        Ok(Emulator {
            child,
            base_url,
            proxy_url,
            control: format!("127.0.0.1:{port}"),
        })
    }

    pub fn tls(&self) -> bool {
        self.base_url.starts_with("https")
    }

    fn control(&self, method: &str, path: &str, body: &str) -> Value {
        assert!(!self.tls(), "control requests need the plain emulator");
        let mut s = TcpStream::connect(&self.control).unwrap();
        write!(
            s,
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.control,
            body.len()
        )
        .unwrap();
        let mut response = String::new();
        s.read_to_string(&mut response).unwrap();
        let body = response.split("\r\n\r\n").nth(1).unwrap_or("");
        serde_json::from_str(body).unwrap_or(Value::Null)
    }

    pub fn fault(&self, spec: Value) {
        self.control("POST", "/_emulator/faults", &spec.to_string());
    }

    pub fn stats(&self) -> Value {
        self.control("GET", "/_emulator/stats", "")
    }

    pub fn requests(&self) -> Value {
        self.control("GET", "/_emulator/requests", "")
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
