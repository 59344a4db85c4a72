//! libmimecast: a client for the Mimecast email-security API.
//!
//! - API 1.0: requests signed with the "MC" HMAC-SHA1 scheme ([`sign`]).
//! - Calls over HTTPS with keep-alive, timeouts, strict TLS ([`Client`]).
//! - A C ABI ([`ffi`]) described by the generated `include/mimecast.h`.
//!
//! ```no_run
//! use mimecast::{Api1Keys, Client, Options};
//! let client = Client::new_api1("eu", Api1Keys {
//!     app_id: "...", app_key: "...", access_key: "...", secret_key: "...",
//! }, &Options::default())?;
//! let account = client.get_account()?;
//! println!("{:?}", account.account_name);
//! # Ok::<(), mimecast::Error>(())
//! ```

pub mod account;
pub mod call;
pub mod cancel;
pub mod client;
mod credentials;
pub mod discover;
pub mod envelope;
pub mod error;
pub mod ffi;
pub mod json;
mod log;
mod oauth;
pub mod options;
pub mod pager;
mod plain;
pub mod region;
mod retry;
pub mod siem;
pub mod sign;
mod text;
mod transport;
#[cfg(feature = "wipe-heap")]
mod wipe;

pub use account::Account;
pub use call::{Call, HttpResponse, ResponseMode};
pub use cancel::Cancel;
pub use client::{Api1Keys, Client};
pub use discover::discover_base_url;
pub use envelope::Response;
pub use error::{Error, Result, Status};
pub use options::{LogLevel, Logger, Options, ProxySetting, RetryPolicy};
pub use pager::{Items, Page, Pages};
pub use siem::{EventStream, StreamKind, StreamOptions, StreamStats};
pub use sign::SignedHeaders;

/// The library version (from Cargo.toml).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
