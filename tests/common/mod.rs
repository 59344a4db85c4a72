//! Starts the Python emulator (tests/mimecast_emulator.py) for a test and
//! talks to its control endpoints. Each test gets its own emulator, so tests
//! can run in parallel and queue faults without interfering.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use serde_json::Value;

pub const APP_ID: &str = "6f6b3f73-1a2b-4c3d-9e8f-0123456789ab";
pub const APP_KEY: &str = "c2f1c8a0-5d8e-4f5a-9b7c-abcdef012345";
pub const ACCESS_KEY: &str = "mYtOL3XZCOwG96BOiFTZRmMtmBmXMf4ULJMl0iBEPbQk4hgyl5nORmSY3EG8dS5tZEsQqhHddiO6rrDY6EbZ6ao7FxCpDaTw8QCuiRWOV3ldvoHfXPEgPWdiL0MC-7AIwH9OvEc8lXrJeYVO2tmyWA";
pub const SECRET_KEY: &str =
    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==";
pub const CLIENT_ID: &str = "emulator-client-id-0001";
pub const CLIENT_SECRET: &str = "emulator-client-secret-s3cr3t-0001";

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub struct Emulator {
    child: Child,
    pub base_url: String,
    pub proxy_url: Option<String>,
    control: String,
}

impl Emulator {
    pub fn start(args: &[&str]) -> Emulator {
        let mut child = Command::new("python3")
            .arg(repo().join("tests/mimecast_emulator.py"))
            .args(["--port", "0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 runs the emulator");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let first = lines.next().expect("emulator prints a ready line").unwrap();
        let base_url = first
            .strip_prefix("MIMECAST_EMULATOR_READY ")
            .expect("ready line")
            .trim()
            .to_owned();
        let proxy_url = if args.contains(&"--proxy-port") {
            let l = lines.next().unwrap().unwrap();
            Some(
                l.strip_prefix("MIMECAST_PROXY_READY ")
                    .unwrap()
                    .trim()
                    .to_owned(),
            )
        } else {
            None
        };
        // Control requests always go over plain TCP to the same port.
        let port = base_url.rsplit(':').next().unwrap().to_owned();
        Emulator {
            child,
            base_url,
            proxy_url,
            control: format!("127.0.0.1:{port}"),
        }
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
