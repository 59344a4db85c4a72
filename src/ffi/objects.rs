//! The structs the C API hands out: signed headers and accounts. Each is
//! allocated as a box holding the public `#[repr(C)]` struct first and the
//! storage its pointers point into after it, so one free releases all.

use std::os::raw::c_char;
use std::ptr;

use crate::account::Account;
use crate::error::{Error, Result, Status};
use crate::sign::SignedHeaders;

/// The four headers that authenticate an API 1.0 request, as returned by
/// mc_sign(). All strings are NUL-terminated UTF-8 owned by the struct; the
/// struct is read-only and freed with mc_signed_headers_free().
/// Send them with the request together with
/// `Content-Type: application/json` and `Accept: application/json`.
#[repr(C)]
#[allow(non_camel_case_types)]
pub struct mc_signed_headers {
    /// Value of the `Authorization` header: `MC <access key>:<signature>`.
    /// It contains the access key: do not log it.
    pub authorization: *const c_char,
    /// Value of the `x-mc-date` header, e.g. `Tue, 24 Nov 2015 12:50:11 UTC`.
    pub date: *const c_char,
    /// Value of the `x-mc-req-id` header (the request id that was signed).
    pub request_id: *const c_char,
    /// Value of the `x-mc-app-id` header (the application id).
    pub app_id: *const c_char,
}

#[repr(C)]
pub(crate) struct SignedHeadersBox {
    public: mc_signed_headers,
    // The four values, each NUL-terminated, in one allocation: signing is a
    // hot path, and one buffer is a quarter of the allocator work.
    storage: Vec<u8>,
}

impl SignedHeadersBox {
    pub(crate) fn new(h: &SignedHeaders) -> Box<SignedHeadersBox> {
        // Header values hold no NUL (validated when signing).
        let parts = [&h.authorization, &h.date, &h.request_id, &h.app_id];
        let mut storage = Vec::with_capacity(parts.iter().map(|p| p.len() + 1).sum());
        let mut offsets = [0usize; 4];
        for (offset, part) in offsets.iter_mut().zip(parts) {
            *offset = storage.len();
            storage.extend_from_slice(part.as_bytes());
            storage.push(0);
        }
        let base = storage.as_ptr() as *const c_char;
        // SAFETY: every offset is inside `storage`, whose heap buffer does not
        // move when the Vec is moved into the box below.
        let at = |i: usize| unsafe { base.add(offsets[i]) };
        let public = mc_signed_headers {
            authorization: at(0),
            date: at(1),
            request_id: at(2),
            app_id: at(3),
        };
        Box::new(SignedHeadersBox { public, storage })
    }
}

/// A Mimecast account, as returned by mc_get_account(). Read-only; freed with
/// mc_account_free(). Strings are NUL-terminated UTF-8 owned by the struct,
/// NULL when the server left the field out. Only the library allocates this
/// struct, so fields may be appended in later versions; the first two
/// (`json`, `raw_json`) will always stay first.
#[repr(C)]
#[allow(non_camel_case_types)]
pub struct mc_account {
    /// The account object (`data[0]` of the response) as JSON text, exactly
    /// as the server sent it.
    pub json: *const c_char,
    /// The whole response body as received.
    pub raw_json: *const c_char,
    /// `accountCode`: the unique Mimecast account code.
    pub account_code: *const c_char,
    /// `accountName`.
    pub account_name: *const c_char,
    /// `adminEmail`: the first administrator created on the account.
    pub admin_email: *const c_char,
    /// `databaseCode`.
    pub database_code: *const c_char,
    /// `domain`: the temporary domain Mimecast generated for the account.
    pub domain: *const c_char,
    /// `mailPlatform`.
    pub mail_platform: *const c_char,
    /// `mimecastId`: the unique Mimecast id of the account.
    pub mimecast_id: *const c_char,
    /// `passphrase`: used by Mimecast Support to verify callers. Sensitive.
    pub passphrase: *const c_char,
    /// `region`: where the account is hosted.
    pub region: *const c_char,
    /// `supportCode`.
    pub support_code: *const c_char,
    /// `type`: the type of account.
    pub account_type: *const c_char,
    /// `maxRetention` in days, or -1 when absent.
    pub max_retention: i64,
    /// `userCount`: the number of user licences, or -1 when absent.
    pub user_count: i64,
    /// `archive` (false when absent).
    pub archive: bool,
    /// `automatedSegmentPurge` (false when absent).
    pub automated_segment_purge: bool,
    /// `gateway` (false when absent).
    pub gateway: bool,
    /// `maxRetentionConfirmed` (false when absent).
    pub max_retention_confirmed: bool,
    /// `policyInheritance` (false when absent).
    pub policy_inheritance: bool,
    /// `packages`: `packages_len` strings, the packages enabled on the account.
    pub packages: *const *const c_char,
    /// Number of entries in `packages`.
    pub packages_len: usize,
}

#[repr(C)]
pub(crate) struct AccountBox {
    public: mc_account,
    /// Every string `public` points to, NUL-terminated, in one allocation
    /// (a Get Account call is hot: one block, not one per field).
    text: Vec<u8>,
    packages: Vec<*const c_char>,
}

impl AccountBox {
    pub(crate) fn new(a: &Account) -> Result<Box<AccountBox>> {
        let fields: [Option<&str>; 11] = [
            a.account_code.as_deref(),
            a.account_name.as_deref(),
            a.admin_email.as_deref(),
            a.database_code.as_deref(),
            a.domain.as_deref(),
            a.mail_platform.as_deref(),
            a.mimecast_id.as_deref(),
            a.passphrase.as_deref(),
            a.region.as_deref(),
            a.support_code.as_deref(),
            a.account_type.as_deref(),
        ];
        let size: usize = [a.json.as_str(), a.raw_json.as_str()]
            .into_iter()
            .chain(fields.iter().flatten().copied())
            .chain(a.packages.iter().map(String::as_str))
            .map(|s| s.len() + 1)
            .sum();
        // Filled to exactly its capacity, so it never moves once pointed to.
        let mut text = Vec::with_capacity(size);
        // `json` and `raw_json` are JSON text the library validated, which
        // cannot hold a NUL byte (JSON allows no control character, in a
        // string or out of one): their kilobytes need no scan for one. A
        // field's value, unescaped, can hold one (`\u0000`).
        debug_assert!(!a.raw_json.as_bytes().contains(&0));
        let json_at = put_unchecked(&mut text, &a.json);
        let raw_json_at = put_unchecked(&mut text, &a.raw_json);
        let mut at: [Option<usize>; 11] = [None; 11];
        for (slot, field) in at.iter_mut().zip(fields) {
            if let Some(s) = field {
                *slot = Some(put(&mut text, s)?);
            }
        }
        let package_at = a
            .packages
            .iter()
            .map(|p| put(&mut text, p))
            .collect::<Result<Vec<usize>>>()?;
        let base = text.as_ptr() as *const c_char;
        // SAFETY: every offset was returned by `put`, so it is inside `text`.
        let ptr_at = |o: usize| unsafe { base.add(o) };
        let packages: Vec<*const c_char> = package_at.into_iter().map(ptr_at).collect();
        // In the order of `fields` above.
        let [account_code, account_name, admin_email, database_code, domain, mail_platform, mimecast_id, passphrase, region, support_code, account_type] =
            at.map(|o| o.map_or(ptr::null(), ptr_at));
        let public = mc_account {
            json: ptr_at(json_at),
            raw_json: ptr_at(raw_json_at),
            account_code,
            account_name,
            admin_email,
            database_code,
            domain,
            mail_platform,
            mimecast_id,
            passphrase,
            region,
            support_code,
            account_type,
            max_retention: a.max_retention.unwrap_or(-1),
            user_count: a.user_count.unwrap_or(-1),
            archive: a.archive.unwrap_or(false),
            automated_segment_purge: a.automated_segment_purge.unwrap_or(false),
            gateway: a.gateway.unwrap_or(false),
            max_retention_confirmed: a.max_retention_confirmed.unwrap_or(false),
            policy_inheritance: a.policy_inheritance.unwrap_or(false),
            packages: if packages.is_empty() {
                ptr::null()
            } else {
                packages.as_ptr()
            },
            packages_len: packages.len(),
        };
        Ok(Box::new(AccountBox {
            public,
            text,
            packages,
        }))
    }
}

/// Appends `s` and its NUL to `text`; returns where it starts.
fn put(text: &mut Vec<u8>, s: &str) -> Result<usize> {
    if s.as_bytes().contains(&0) {
        return Err(Error::new(
            Status::MalformedResponse,
            "an account field contains a NUL character",
        ));
    }
    Ok(put_unchecked(text, s))
}

/// [`put`] of a string known to hold no NUL.
fn put_unchecked(text: &mut Vec<u8>, s: &str) -> usize {
    let at = text.len();
    text.extend_from_slice(s.as_bytes());
    text.push(0);
    at
}
