//! rustls configuration: the system's roots plus an optional CA bundle.
//! There is deliberately no way to disable verification.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;
use std::sync::Arc;

use crate::error::{Error, Result, Status};
use crate::options::Options;

/// Largest CA bundle read. The biggest public bundles (Mozilla's, a
/// corporate store) are well under 1 MiB; a device or a huge file is refused
/// before it can exhaust memory.
pub(crate) const MAX_CA_BUNDLE_BYTES: u64 = 8 * 1024 * 1024;

pub(crate) fn config(options: &Options) -> Result<Arc<rustls::ClientConfig>> {
    let mut roots = rustls::RootCertStore::empty();
    // A machine without a system store can still use a CA bundle.
    if let Ok(certs) = rustls_native_certs::load_native_certs() {
        for cert in certs {
            let _ = roots.add(&rustls::Certificate(cert.0));
        }
    }
    if let Some(path) = &options.ca_bundle {
        add_bundle(&mut roots, path)?;
    }
    let config = rustls::ClientConfig::builder()
        .with_safe_defaults()
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

fn add_bundle(roots: &mut rustls::RootCertStore, path: &Path) -> Result<()> {
    let shown = path.display();
    let text = read_capped(path, MAX_CA_BUNDLE_BYTES, "CA bundle")?;
    let certs = rustls_pemfile::certs(&mut BufReader::new(&text[..])).map_err(|e| {
        Error::new(
            Status::Io,
            format!("cannot read the CA bundle {shown}: {e}"),
        )
    })?;
    if certs.is_empty() {
        return Err(Error::new(
            Status::Io,
            format!("the CA bundle {shown} holds no PEM certificate"),
        ));
    }
    for der in certs {
        roots.add(&rustls::Certificate(der)).map_err(|e| {
            Error::new(
                Status::Io,
                format!("the CA bundle {shown} holds an invalid certificate: {e}"),
            )
        })?;
    }
    Ok(())
}

/// Reads a whole file of at most `cap` bytes; a larger one (or an endless
/// device such as /dev/zero) is MC_STATUS_IO, read no further than the cap.
pub(crate) fn read_capped(path: &Path, cap: u64, what: &str) -> Result<Vec<u8>> {
    let shown = path.display();
    let file = File::open(path)
        .map_err(|e| Error::new(Status::Io, format!("cannot open the {what} {shown}: {e}")))?;
    let mut bytes = Vec::new();
    file.take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::new(Status::Io, format!("cannot read the {what} {shown}: {e}")))?;
    if bytes.len() as u64 > cap {
        return Err(Error::new(
            Status::Io,
            format!("the {what} {shown} is larger than {cap} bytes"),
        ));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn endless_files_are_refused_at_the_cap() {
        let e = read_capped(Path::new("/dev/zero"), 1024, "CA bundle").unwrap_err();
        assert_eq!(e.status(), Status::Io);
        assert!(
            e.message().contains("larger than 1024 bytes"),
            "{}",
            e.message()
        );
    }

    #[test]
    fn missing_files_are_io_errors() {
        let e = read_capped(Path::new("/nonexistent/ca.pem"), 10, "CA bundle").unwrap_err();
        assert_eq!(e.status(), Status::Io);
    }
}
