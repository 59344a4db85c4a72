//! A scripted raw-socket server for hostile-server tests: each connection
//! is handed to a script that reads requests and writes whatever bytes the
//! test needs (broken framing, interim answers, stray bytes...), which the
//! emulator, a well-behaved HTTP server, cannot send.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

pub struct RawServer {
    pub base_url: String,
    /// Connections accepted so far.
    pub connections: Arc<AtomicUsize>,
    /// Requests read so far (by `read_request`).
    pub requests: Arc<AtomicUsize>,
}

/// One request as received.
pub struct Request {
    pub head: String,
    pub body: Vec<u8>,
}

impl Request {
    pub fn path(&self) -> &str {
        self.head.split(' ').nth(1).unwrap_or("")
    }
}

/// What a script gets: the connection and the server's counters.
pub struct Conn {
    pub stream: TcpStream,
    reader: BufReader<TcpStream>,
    /// 0 for the first connection, 1 for the second...
    pub index: usize,
    requests: Arc<AtomicUsize>,
}

impl Conn {
    /// Reads one request; None when the client closed the connection.
    pub fn read_request(&mut self) -> Option<Request> {
        let mut head = String::new();
        loop {
            let mut line = String::new();
            match self.reader.read_line(&mut line) {
                Ok(0) | Err(_) => return None,
                Ok(_) => {}
            }
            let end = line == "\r\n";
            head.push_str(&line);
            if end {
                break;
            }
        }
        let length = head
            .lines()
            .find_map(|l| {
                let l = l.to_ascii_lowercase();
                l.strip_prefix("content-length:")
                    .map(|v| v.trim().parse::<usize>().unwrap_or(0))
            })
            .unwrap_or(0);
        let mut body = vec![0; length];
        self.reader.read_exact(&mut body).ok()?;
        self.requests.fetch_add(1, Ordering::SeqCst);
        Some(Request { head, body })
    }

    /// Writes bytes; false once the client has gone.
    pub fn send(&mut self, bytes: &[u8]) -> bool {
        self.stream.write_all(bytes).is_ok() && self.stream.flush().is_ok()
    }

    /// A complete JSON response with Content-Length.
    pub fn send_json(&mut self, status: u16, body: &str) -> bool {
        self.send(response(status, body).as_bytes())
    }
}

/// `HTTP/1.1 <status>` with a JSON body and its length.
pub fn response(status: u16, body: &str) -> String {
    format!(
        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

/// An envelope holding one item that marks which answer this is.
pub fn envelope(marker: &str) -> String {
    format!(r#"{{"meta":{{"status":200}},"data":[{{"marker":"{marker}"}}],"fail":[]}}"#)
}

impl RawServer {
    /// Serves every connection with `script` on its own thread.
    pub fn start(script: impl Fn(Conn) + Send + Sync + 'static) -> RawServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let connections = Arc::new(AtomicUsize::new(0));
        let requests = Arc::new(AtomicUsize::new(0));
        let script = Arc::new(script);
        let (c, r) = (connections.clone(), requests.clone());
        thread::spawn(move || {
            for stream in listener.incoming() {
                let stream = match stream {
                    Ok(s) => s,
                    Err(_) => continue,
                };
                let index = c.fetch_add(1, Ordering::SeqCst);
                let script = script.clone();
                let requests = r.clone();
                thread::spawn(move || {
                    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
                    let reader = BufReader::new(stream.try_clone().unwrap());
                    script(Conn {
                        stream,
                        reader,
                        index,
                        requests,
                    });
                });
            }
        });
        RawServer {
            base_url,
            connections,
            requests,
        }
    }

    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}
