//! `onshi_error`: where a call reports the detail of a failure, in two parts for two
//! audiences — a Japanese text for reception staff and an English detail for developers —
//! next to the status code.
//!
//! Methods of a handle keep their failure in the handle (`onshi_<type>_last_error`, or
//! `onshi_error_from_handle` for all three parts). Constructors and free functions that can
//! fail on the *content* they are given (an identifier, a JSON record, an XML file) take an
//! optional `onshi_error *err` as their first parameter; the terminal client's methods take
//! one right after the client, so that two threads sharing one client each get their own
//! outcome. Functions that can only fail through misuse (NULL, bad UTF-8, unknown enumeration
//! value) do not, because their status says it all. Nothing is thread-local, so a .NET
//! `async` continuation on another thread still finds its error.

use super::handle::{
    Castable, TextOut, check_live, free, handle_ref, into_raw, last_failure_of_any, replace,
};
use super::panic::{Failure, catch, guard, guard_or};
use super::status::*;
use std::ffi::{c_char, c_void};

/// An error object: the status, the staff text and the detail of the last call it was passed
/// to.
///
/// Methods: `onshi_error_new`, `onshi_error_free`, `onshi_error_status`,
/// `onshi_error_staff_message`, `onshi_error_message`, `onshi_error_from_handle`. A call that
/// takes an `onshi_error *` overwrites it every time: with `ONSHI_OK` and empty texts on
/// success, with the failure otherwise.
///
/// Threads: an error object may be shared between threads (each call replaces its content
/// whole, so a reader sees one call's outcome or another's, never a mix); give each thread
/// its own to know which call failed.
pub struct onshi_error {
    _private: [u8; 0],
}

impl Castable for onshi_error {
    type Rust = Failure;
    const TAG: u64 = u64::from_le_bytes(*b"onshiERR");
}

/// Runs a function's body and records its outcome in `err` (NULL accepted).
///
/// # Safety
/// `err` is NULL or a live `onshi_error` (anything else is refused, not read).
pub(crate) unsafe fn with_error(
    err: *mut onshi_error,
    f: impl FnOnce() -> Result<(), Failure>,
) -> onshi_status {
    guard(|| {
        if !err.is_null() {
            // SAFETY: forwarded from the caller.
            unsafe { check_live(err.cast_const()) }?;
        }
        let r = catch(f);
        if !err.is_null() {
            let outcome = match &r {
                Ok(()) => Failure::ok(),
                Err(e) => e.clone(),
            };
            // SAFETY: forwarded from the caller. A failure here means another thread freed
            // `err` meanwhile: the outcome then has nowhere to go.
            let _ = unsafe { replace(err, outcome) };
        }
        r
    })
}

/// Creates an error object holding `ONSHI_OK`.
///
/// The caller owns the returned handle and must free it with onshi_error_free.
/// Returns NULL only if the library failed internally.
#[unsafe(no_mangle)]
pub extern "C" fn onshi_error_new() -> *mut onshi_error {
    guard_or(std::ptr::null_mut(), || {
        into_raw::<onshi_error>(Failure::ok())
    })
}

/// Frees an error object.
///
/// NULL is accepted. A second free of the same pointer is detected and ignored.
///
/// # Safety
/// `err` is any value; only a live `onshi_error` is freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_error_free(err: *mut onshi_error) {
    // SAFETY: forwarded from the caller.
    guard_or((), || unsafe { free(err) })
}

/// The status of the last call `err` was passed to (`ONSHI_OK` after a success).
///
/// Returns `ONSHI_NULL_PARAMETER` when `err` is NULL and `ONSHI_INVALID_HANDLE` when it is not
/// a live error object.
///
/// # Safety
/// `err` is any value; only a live `onshi_error` is read.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_error_status(err: *const onshi_error) -> onshi_status {
    guard_or(ONSHI_PANIC, || {
        // SAFETY: forwarded from the caller.
        match unsafe { handle_ref(err) } {
            Ok(h) => h.value.status,
            Err(e) => e.status,
        }
    })
}

/// Copies the English detail of the last call `err` was passed to ("" after a success),
/// UTF-8: for developers and logs (what failed and where; personal values redacted).
///
/// Text out: size query then fill (see `onshi.h`'s introduction).
/// Out-parameters are written only on success, except `*out_len`, which is also written with
/// `ONSHI_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `err` is any value; `buf` is NULL or writable for `cap` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_error_message(
    err: *const onshi_error,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> onshi_status {
    guard(|| {
        let out = TextOut::new(buf, cap, out_len)?;
        // SAFETY: forwarded from the caller.
        let h = unsafe { handle_ref(err) }?;
        out.write(&h.value.message)
    })
}

/// Copies the Japanese text for reception staff of the last call `err` was passed to ("" after
/// a success), UTF-8: what happened and what to do, without personal data. Show it on the
/// screen; log `onshi_error_message`.
///
/// Out-parameters are written only on success, except `*out_len`, which is also written with
/// `ONSHI_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `err` is any value; `buf` is NULL or writable for `cap` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_error_staff_message(
    err: *const onshi_error,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> onshi_status {
    guard(|| {
        let out = TextOut::new(buf, cap, out_len)?;
        // SAFETY: forwarded from the caller.
        let h = unsafe { handle_ref(err) }?;
        out.write(h.value.staff_ja())
    })
}

/// Copies the last failure of `handle` — a live handle of any type (`onshi_client *`,
/// `onshi_qualification *` …) — into the error object `dst`: its status, staff text and
/// detail, as `onshi_<type>_last_error` keeps them. `dst` holds `ONSHI_OK` when no call on the
/// handle failed yet.
///
/// Returns `ONSHI_NULL_PARAMETER` for a NULL `dst` or `handle`, `ONSHI_INVALID_HANDLE` when
/// either is not a live handle (`dst` is then left alone).
///
/// # Safety
/// `dst` and `handle` are any values; only live handles are read or written.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_error_from_handle(
    dst: *mut onshi_error,
    handle: *const c_void,
) -> onshi_status {
    guard(|| {
        // SAFETY: forwarded from the caller.
        unsafe { check_live(dst.cast_const()) }?;
        let f = last_failure_of_any(handle)?;
        // SAFETY: forwarded from the caller.
        unsafe { replace(dst, f) }
    })
}

/// Copies the symbolic name of a status (`"ONSHI_NULL_PARAMETER"`), ASCII.
///
/// Returns `ONSHI_NOT_PRESENT` for a number without a name (an unassigned one).
/// Out-parameters are written only on success, except `*out_len`, which is also written with
/// `ONSHI_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `buf` is NULL or writable for `cap` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_status_name(
    status: onshi_status,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> onshi_status {
    guard(|| {
        let out = TextOut::new(buf, cap, out_len)?;
        out.write(name(status).ok_or(Failure::of(ONSHI_NOT_PRESENT))?)
    })
}

/// Copies a short English description of a status, UTF-8, for developers. Every number has
/// one (unassigned numbers are described by their family).
///
/// Out-parameters are written only on success, except `*out_len`, which is also written with
/// `ONSHI_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `buf` is NULL or writable for `cap` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_status_message(
    status: onshi_status,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> onshi_status {
    guard(|| {
        let out = TextOut::new(buf, cap, out_len)?;
        out.write(describe(status))
    })
}

/// Copies a Japanese description of a status for reception staff, UTF-8: what happened and
/// what to do. Every number has one (unassigned numbers are described by their family). The
/// error of a call (`onshi_error_staff_message`) is more precise when there is one.
///
/// Out-parameters are written only on success, except `*out_len`, which is also written with
/// `ONSHI_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `buf` is NULL or writable for `cap` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_status_message_ja(
    status: onshi_status,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> onshi_status {
    guard(|| {
        let out = TextOut::new(buf, cap, out_len)?;
        out.write(status_message_ja(status))
    })
}
