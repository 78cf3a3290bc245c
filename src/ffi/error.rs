//! `onshi_error`: where a function without a handle of its own reports the detail of a
//! failure.
//!
//! Methods of a handle keep their detail in the handle (`onshi_<type>_last_error`).
//! Constructors and free functions that can fail on the *content* they are given (an
//! identifier, a JSON record, later an XML file) take an optional `onshi_error *err` as their
//! first parameter instead; functions that can only fail through misuse (NULL, bad UTF-8,
//! unknown enumeration value) do not, because their status says it all. Nothing is
//! thread-local, so a .NET `async` continuation on another thread still finds its error.

use super::handle::{Castable, TextOut, free, handle_mut, handle_ref, into_raw};
use super::panic::{Failure, catch, guard, guard_or};
use super::status::*;
use std::ffi::c_char;

/// An error object: the status and message of the last call it was passed to.
///
/// Methods: `onshi_error_new`, `onshi_error_free`, `onshi_error_status`,
/// `onshi_error_message`. A call that takes an `onshi_error *` overwrites it every time: with
/// `ONSHI_OK` and an empty message on success, with the failure otherwise. One error object
/// must not be used by two threads at once.
pub struct onshi_error {
    _private: [u8; 0],
}

impl Castable for onshi_error {
    type Rust = Failure;
    const TAG: u64 = u64::from_le_bytes(*b"onshiERR");
}

/// Runs a free function's body and records its outcome in `err` (NULL accepted).
///
/// # Safety
/// `err` is NULL or a live `onshi_error`.
pub(crate) unsafe fn with_error(
    err: *mut onshi_error,
    f: impl FnOnce() -> Result<(), Failure>,
) -> onshi_status {
    guard(|| {
        let slot = if err.is_null() {
            None
        } else {
            // SAFETY: forwarded from the caller.
            Some(unsafe { handle_mut(err) }?)
        };
        let r = catch(f);
        if let Some(slot) = slot {
            slot.value = match &r {
                Ok(()) => Failure::new(ONSHI_OK, ""),
                Err(e) => e.clone(),
            };
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
        into_raw::<onshi_error>(Failure::new(ONSHI_OK, ""))
    })
}

/// Frees an error object.
///
/// NULL is accepted. Must not be called twice with the same pointer.
///
/// # Safety
/// `err` is NULL or a live `onshi_error`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_error_free(err: *mut onshi_error) {
    // SAFETY: forwarded from the caller.
    guard_or((), || unsafe { free(err) })
}

/// The status of the last call `err` was passed to (`ONSHI_OK` after a success).
///
/// Returns `ONSHI_NULL_PARAMETER` when `err` is NULL and `ONSHI_INVALID_HANDLE` when it is not
/// an error object.
///
/// # Safety
/// `err` is NULL or a live `onshi_error`.
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

/// Copies the message of the last call `err` was passed to ("" after a success), UTF-8.
///
/// Text out: size query then fill (see `onshi.h`'s introduction).
/// Out-parameters are written only on success, except `*out_len`, which is also written with
/// `ONSHI_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `err` is NULL or a live `onshi_error`; `buf` is NULL or writable for `cap` bytes.
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

/// Copies a short English description of a status, UTF-8. Every number has one (unassigned
/// numbers are described by their family).
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
