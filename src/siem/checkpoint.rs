//! Where a stream stands, kept in a file the caller names, so that a
//! collector that restarts (after a crash, a kill, a reboot) goes on from
//! the last batch it acknowledged: nothing skipped, at most the batch that
//! was not acknowledged delivered again.
//!
//! Written atomically: a temporary file in the same directory, flushed to
//! disk, then renamed over the old one (and, on Unix, the directory flushed
//! too). A failure (disk full, read-only) leaves the previous checkpoint as
//! it was. A file that cannot be read back, or that belongs to another
//! account, kind of stream or query, is refused: the library never silently
//! starts over.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result, Status};

const FORMAT: &str = "libmimecast-checkpoint";
const VERSION: u32 = 1;
/// Checkpoints are small; anything bigger is not one.
const MAX_BYTES: u64 = 1024 * 1024;

/// The position of a stream: what to ask for next.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Position {
    /// API 1.0: the token of the next file (`mc-siem-token`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// API 2.0: the cursor of the page to ask for next.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// API 2.0 batch: files of that page already acknowledged.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub acked_files: Vec<String>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct File1 {
    format: String,
    version: u32,
    kind: String,
    /// A hash of the base URL and the credential's public id.
    source: String,
    /// The stream's query (types, dates, path) as opened.
    query: String,
    position: Position,
    events: u64,
    bytes: u64,
}

/// What the checkpoint of a stream is tied to.
pub(crate) struct Identity {
    pub kind: &'static str,
    pub source: String,
    pub query: String,
}

fn refused(path: &Path, why: impl std::fmt::Display) -> Error {
    Error::new(
        Status::Checkpoint,
        format!(
            "the checkpoint {} {why}; move it away only if you mean to pull again from the start date",
            path.display()
        ),
    )
}

/// The saved position and counters, or None when the file does not exist
/// (a first run).
pub(crate) fn load(path: &Path, id: &Identity) -> Result<Option<(Position, u64, u64)>> {
    let bytes = match crate::transport::tls::read_capped(path, MAX_BYTES, "checkpoint") {
        Ok(b) => b,
        Err(_) if !path.exists() => return Ok(None),
        Err(e) => return Err(Error::new(Status::Checkpoint, e.message().to_owned())),
    };
    let file: File1 = serde_json::from_slice(&bytes)
        .map_err(|_| refused(path, "is not a libmimecast checkpoint (it cannot be read)"))?;
    if file.format != FORMAT {
        return Err(refused(path, "is not a libmimecast checkpoint"));
    }
    if file.version != VERSION {
        return Err(refused(
            path,
            format!("has version {}, this library reads {VERSION}", file.version),
        ));
    }
    if file.kind != id.kind {
        return Err(refused(
            path,
            format!("belongs to a {} stream, not a {} one", file.kind, id.kind),
        ));
    }
    if file.source != id.source {
        return Err(refused(path, "belongs to another account or host"));
    }
    if file.query != id.query {
        return Err(refused(
            path,
            format!(
                "was written for another query ({}), not {}",
                file.query, id.query
            ),
        ));
    }
    Ok(Some((file.position, file.events, file.bytes)))
}

/// Saves a position atomically; on failure the old file stays as it was.
pub(crate) fn save(
    path: &Path,
    id: &Identity,
    position: &Position,
    events: u64,
    bytes: u64,
) -> Result<()> {
    let file = File1 {
        format: FORMAT.to_owned(),
        version: VERSION,
        kind: id.kind.to_owned(),
        source: id.source.clone(),
        query: id.query.clone(),
        position: position.clone(),
        events,
        bytes,
    };
    let text = serde_json::to_vec_pretty(&file)
        .map_err(|_| Error::new(Status::Internal, "the checkpoint cannot be written as JSON"))?;
    let temp = temp_path(path);
    let io = |what: &str, e: std::io::Error| {
        let _ = fs::remove_file(&temp);
        Error::new(
            Status::Io,
            format!(
                "cannot {what} the checkpoint {} ({e}); the previous checkpoint is unchanged",
                path.display()
            ),
        )
    };
    {
        let mut f = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&temp)
            .map_err(|e| io("create the temporary file for", e))?;
        f.write_all(&text).map_err(|e| io("write", e))?;
        f.sync_all().map_err(|e| io("flush", e))?;
    }
    fs::rename(&temp, path).map_err(|e| io("replace", e))?;
    sync_directory(path);
    Ok(())
}

fn temp_path(path: &Path) -> PathBuf {
    let mut name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(format!(".tmp-{}", std::process::id()));
    path.with_file_name(name)
}

/// Makes the rename itself durable (Unix; Windows has no directory handle
/// to flush, and its rename is atomic on NTFS).
fn sync_directory(path: &Path) {
    #[cfg(unix)]
    {
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if let Ok(d) = fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir() -> PathBuf {
        let d = std::env::temp_dir().join(format!(
            "mc-checkpoint-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = fs::remove_dir_all(&d);
        fs::create_dir_all(&d).unwrap();
        d
    }

    fn id() -> Identity {
        Identity {
            kind: "batch",
            source: "S".into(),
            query: "type=receipt".into(),
        }
    }

    #[test]
    fn round_trip_and_first_run() {
        let d = dir();
        let p = d.join("cp.json");
        assert_eq!(load(&p, &id()).unwrap(), None);
        let pos = Position {
            cursor: Some("C2".into()),
            acked_files: vec!["f1".into()],
            ..Position::default()
        };
        save(&p, &id(), &pos, 10, 2000).unwrap();
        assert_eq!(load(&p, &id()).unwrap(), Some((pos, 10, 2000)));
        fs::remove_dir_all(d).unwrap();
    }

    #[test]
    fn foreign_or_corrupt_checkpoints_are_refused() {
        let d = dir();
        let p = d.join("cp.json");
        save(&p, &id(), &Position::default(), 0, 0).unwrap();
        for other in [
            Identity {
                kind: "stream",
                ..id()
            },
            Identity {
                source: "T".into(),
                ..id()
            },
            Identity {
                query: "type=delivery".into(),
                ..id()
            },
        ] {
            assert_eq!(load(&p, &other).unwrap_err().status(), Status::Checkpoint);
        }
        for bad in ["", "{", "[]", r#"{"format":"other","version":1}"#] {
            fs::write(&p, bad).unwrap();
            assert_eq!(
                load(&p, &id()).unwrap_err().status(),
                Status::Checkpoint,
                "{bad:?}"
            );
        }
        fs::remove_dir_all(d).unwrap();
    }

    #[test]
    fn a_failed_write_keeps_the_old_checkpoint() {
        let d = dir();
        let p = d.join("cp.json");
        let old = Position {
            token: Some("T1".into()),
            ..Position::default()
        };
        save(&p, &id(), &old, 1, 1).unwrap();
        // A directory where the temporary file must go: the write fails (as
        // it does on a full or read-only disk), even for root.
        fs::create_dir(temp_path(&p)).unwrap();
        let new = Position {
            token: Some("T2".into()),
            ..Position::default()
        };
        let e = save(&p, &id(), &new, 2, 2).unwrap_err();
        assert_eq!(e.status(), Status::Io);
        assert!(e.message().contains("unchanged"), "{}", e.message());
        assert_eq!(load(&p, &id()).unwrap().unwrap().0, old);
        fs::remove_dir_all(d).unwrap();
    }
}
