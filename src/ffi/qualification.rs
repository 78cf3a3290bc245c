//! `onshi_qualification`: one qualification record (資格), as the terminal returns it or as
//! the clinic holds it — an adapter over [`crate::model::Qualification`].
//!
//! Fields are read and written by `onshi_field` id, as text (any field) or typed (date,
//! date-time, integer); lists by `(onshi_list, index)`. Whole records cross as JSON in the
//! documented schema (`ONSHI_RECORD_SCHEMA_VERSION`).

use super::error::{onshi_error, with_error};
use super::field::*;
use super::handle::{
    Castable, Out, TextOut, free, handle_ref, into_raw, method, method_mut, read_in, text_in,
};
use super::panic::{Failure, guard, guard_or};
use super::status::*;
use crate::model::Qualification;
use std::ffi::c_char;

/// A qualification record (資格).
///
/// Methods: `onshi_qualification_new`, `_free`, `_clone`, `_equal`, `_from_json`,
/// `_to_json`, `_last_error`; fields: `_get_text`/`_set_text`/`_clear`, `_get_date`/
/// `_set_date`, `_get_datetime`/`_set_datetime`, `_get_u32`/`_set_u32`; lists: `_count`,
/// `_item_add`, `_item_remove` and the `_item_*` forms of the field accessors; facts:
/// `_is_public_assistance`, `_confirmable_by_card_number`, `_card_number_reason`,
/// `_consent_valid_at`.
///
/// Threads: functions taking `const onshi_qualification *` may run concurrently on one
/// record; a function taking a non-const pointer needs the record to itself.
pub struct onshi_qualification {
    _private: [u8; 0],
}

impl Castable for onshi_qualification {
    type Rust = Qualification;
    const TAG: u64 = u64::from_le_bytes(*b"onshiQUA");
}

type Q = onshi_qualification;

fn read(q: &Qualification, t: Target, id: onshi_field, want: Want) -> Result<Value, Failure> {
    let (kind, v) = get(q, t, id)?;
    check_want(kind, want)?;
    v.ok_or(Failure::of(ONSHI_NOT_PRESENT))
}

/// Creates an empty record.
///
/// The caller owns the returned handle and must free it with onshi_qualification_free.
/// Returns NULL only if the library failed internally.
#[unsafe(no_mangle)]
pub extern "C" fn onshi_qualification_new() -> *mut onshi_qualification {
    guard_or(std::ptr::null_mut(), || {
        into_raw::<Q>(Qualification::default())
    })
}

/// Frees a record.
///
/// NULL is accepted. Must not be called twice with the same pointer.
///
/// # Safety
/// `q` is NULL or a live `onshi_qualification`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_qualification_free(q: *mut onshi_qualification) {
    // SAFETY: forwarded from the caller.
    guard_or((), || unsafe { free(q) })
}

/// Copies a record.
///
/// The caller owns the returned handle and must free it with onshi_qualification_free.
/// Out-parameters are written only on success.
///
/// # Safety
/// `q` is NULL or a live `onshi_qualification`; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_qualification_clone(
    q: *const onshi_qualification,
    out: *mut *mut onshi_qualification,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method(q, |q| {
            Out::new(out)?.set(into_raw::<Q>(q.clone()));
            Ok(())
        })
    }
}

/// Tells whether two records hold the same values (every field, list and kept unknown
/// element).
///
/// Out-parameters are written only on success.
///
/// # Safety
/// `a` and `b` are NULL or live `onshi_qualification`s; `out_equal` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_qualification_equal(
    a: *const onshi_qualification,
    b: *const onshi_qualification,
    out_equal: *mut bool,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method(a, |a| {
            let out = Out::new(out_equal)?;
            let b = handle_ref(b)?;
            out.set(*a == *b.value);
            Ok(())
        })
    }
}

/// Reads a record from JSON (the documented record schema, UTF-8).
///
/// Returns `ONSHI_JSON` when the text is not a record (the message of `err` says where).
/// `err`: NULL is accepted.
/// The caller owns the returned handle and must free it with onshi_qualification_free.
/// Out-parameters are written only on success.
///
/// # Safety
/// `err` is NULL or a live `onshi_error`; `json` is NULL or readable for `json_len` bytes;
/// `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_qualification_from_json(
    err: *mut onshi_error,
    json: *const u8,
    json_len: usize,
    out: *mut *mut onshi_qualification,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_error(err, || {
            let out = Out::new(out)?;
            let q = Qualification::from_json(text_in(json, json_len)?)?;
            out.set(into_raw::<Q>(q));
            Ok(())
        })
    }
}

/// Copies the record as JSON (the documented record schema), UTF-8.
///
/// Out-parameters are written only on success, except `*out_len`, which is also written with
/// `ONSHI_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `q` is NULL or a live `onshi_qualification`; `buf` is NULL or writable for `cap` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_qualification_to_json(
    q: *const onshi_qualification,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { method(q, |q| TextOut::new(buf, cap, out_len)?.write(&q.to_json())) }
}

/// Copies the message of the most recent failed call on this record ("" if none failed),
/// UTF-8. A successful call does not change it; `ONSHI_BUFFER_TOO_SMALL` and
/// `ONSHI_NOT_PRESENT` are not failures and do not change it either.
///
/// Out-parameters are written only on success, except `*out_len`, which is also written with
/// `ONSHI_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `q` is NULL or a live `onshi_qualification`; `buf` is NULL or writable for `cap` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_qualification_last_error(
    q: *const onshi_qualification,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> onshi_status {
    guard(|| {
        let out = TextOut::new(buf, cap, out_len)?;
        // SAFETY: forwarded from the caller.
        let h = unsafe { handle_ref(q) }?;
        out.write(&h.last_error())
    })
}

// ---- shared bodies of the record and item accessors ----

unsafe fn get_text_at(
    q: *const Q,
    t: Target,
    field: onshi_field,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method(q, |q| {
            let out = TextOut::new(buf, cap, out_len)?;
            out.write(&read(q, t, field, Want::Text)?.to_text())
        })
    }
}

unsafe fn set_text_at(
    q: *mut Q,
    t: Target,
    field: onshi_field,
    value: *const u8,
    value_len: usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method_mut(q, |q| {
            let v = text_in(value, value_len)?;
            set(q, t, field, Want::Text, Some(Value::Text(v.to_string())))
        })
    }
}

unsafe fn clear_at(q: *mut Q, t: Target, field: onshi_field) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { method_mut(q, |q| set(q, t, field, Want::Text, None)) }
}

unsafe fn get_date_at(
    q: *const Q,
    t: Target,
    field: onshi_field,
    out: *mut onshi_date,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method(q, |q| {
            let out = Out::new(out)?;
            match read(q, t, field, Want::Date)? {
                Value::Date(d) => out.set(onshi_date::from_naive(d)),
                _ => return Err(Failure::of(ONSHI_TYPE_MISMATCH)),
            }
            Ok(())
        })
    }
}

unsafe fn set_date_at(
    q: *mut Q,
    t: Target,
    field: onshi_field,
    value: *const onshi_date,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method_mut(q, |q| {
            let d = read_in(value)?.to_naive()?;
            set(q, t, field, Want::Date, Some(Value::Date(d)))
        })
    }
}

unsafe fn get_datetime_at(
    q: *const Q,
    t: Target,
    field: onshi_field,
    out: *mut onshi_datetime,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method(q, |q| {
            let out = Out::new(out)?;
            match read(q, t, field, Want::DateTime)? {
                Value::DateTime(d) => out.set(onshi_datetime::from_naive(d)),
                _ => return Err(Failure::of(ONSHI_TYPE_MISMATCH)),
            }
            Ok(())
        })
    }
}

unsafe fn set_datetime_at(
    q: *mut Q,
    t: Target,
    field: onshi_field,
    value: *const onshi_datetime,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method_mut(q, |q| {
            let d = read_in(value)?.to_naive()?;
            set(q, t, field, Want::DateTime, Some(Value::DateTime(d)))
        })
    }
}

unsafe fn get_u32_at(q: *const Q, t: Target, field: onshi_field, out: *mut u32) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method(q, |q| {
            let out = Out::new(out)?;
            match read(q, t, field, Want::U32)? {
                Value::U32(n) => out.set(n),
                _ => return Err(Failure::of(ONSHI_TYPE_MISMATCH)),
            }
            Ok(())
        })
    }
}

unsafe fn set_u32_at(q: *mut Q, t: Target, field: onshi_field, value: u32) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { method_mut(q, |q| set(q, t, field, Want::U32, Some(Value::U32(value)))) }
}

// ---- fields of the record ----

/// Copies a field of the record as text (the JSON schema's form: codes as wire values, dates
/// `YYYY-MM-DD`, date-times `YYYY-MM-DDTHH:MM:SS`, numbers in decimal), UTF-8.
///
/// Returns `ONSHI_NOT_PRESENT` when the field holds no value, `ONSHI_INVALID_ARGUMENT` for an
/// unknown field and `ONSHI_TYPE_MISMATCH` for a field of a list item.
/// Out-parameters are written only on success, except `*out_len`, which is also written with
/// `ONSHI_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `q` is NULL or a live `onshi_qualification`; `buf` is NULL or writable for `cap` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_qualification_get_text(
    q: *const onshi_qualification,
    field: onshi_field,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { get_text_at(q, Target::Record, field, buf, cap, out_len) }
}

/// Sets a field of the record from text, UTF-8, read as the field's type: identifiers are
/// parsed leniently (check digit not verified; an `ONSHI_ID_*` status when malformed), codes
/// keep unknown values, dates and date-times must be in the JSON schema's form
/// (`ONSHI_INVALID_VALUE` otherwise). `(NULL, 0)` is the empty string, which only text
/// fields accept; use `onshi_qualification_clear` to remove a value.
///
/// # Safety
/// `q` is NULL or a live `onshi_qualification`; `value` is NULL or readable for `value_len`
/// bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_qualification_set_text(
    q: *mut onshi_qualification,
    field: onshi_field,
    value: *const u8,
    value_len: usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { set_text_at(q, Target::Record, field, value, value_len) }
}

/// Removes the value of a field of the record (it becomes absent).
///
/// # Safety
/// `q` is NULL or a live `onshi_qualification`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_qualification_clear(
    q: *mut onshi_qualification,
    field: onshi_field,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { clear_at(q, Target::Record, field) }
}

/// Reads a date field of the record.
///
/// Returns `ONSHI_NOT_PRESENT` when absent, `ONSHI_TYPE_MISMATCH` for a field that is
/// not a date.
/// Out-parameters are written only on success.
///
/// # Safety
/// `q` is NULL or a live `onshi_qualification`; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_qualification_get_date(
    q: *const onshi_qualification,
    field: onshi_field,
    out: *mut onshi_date,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { get_date_at(q, Target::Record, field, out) }
}

/// Sets a date field of the record (`ONSHI_INVALID_VALUE` for a day that does not exist).
///
/// # Safety
/// `q` is NULL or a live `onshi_qualification`; `value` is NULL or readable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_qualification_set_date(
    q: *mut onshi_qualification,
    field: onshi_field,
    value: *const onshi_date,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { set_date_at(q, Target::Record, field, value) }
}

/// Reads a date-time field of the record.
///
/// Returns `ONSHI_NOT_PRESENT` when absent, `ONSHI_TYPE_MISMATCH` for a field that is
/// not a date-time.
/// Out-parameters are written only on success.
///
/// # Safety
/// `q` is NULL or a live `onshi_qualification`; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_qualification_get_datetime(
    q: *const onshi_qualification,
    field: onshi_field,
    out: *mut onshi_datetime,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { get_datetime_at(q, Target::Record, field, out) }
}

/// Sets a date-time field of the record (`ONSHI_INVALID_VALUE` for a time that does not
/// exist).
///
/// # Safety
/// `q` is NULL or a live `onshi_qualification`; `value` is NULL or readable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_qualification_set_datetime(
    q: *mut onshi_qualification,
    field: onshi_field,
    value: *const onshi_datetime,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { set_datetime_at(q, Target::Record, field, value) }
}

/// Reads an integer or ratio field of the record (a ratio as a percentage: 30 = 3割).
///
/// Returns `ONSHI_NOT_PRESENT` when absent, `ONSHI_TYPE_MISMATCH` for a field that is
/// neither.
/// Out-parameters are written only on success.
///
/// # Safety
/// `q` is NULL or a live `onshi_qualification`; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_qualification_get_u32(
    q: *const onshi_qualification,
    field: onshi_field,
    out: *mut u32,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { get_u32_at(q, Target::Record, field, out) }
}

/// Sets an integer or ratio field of the record (a ratio above 100 is `ONSHI_INVALID_VALUE`).
///
/// # Safety
/// `q` is NULL or a live `onshi_qualification`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_qualification_set_u32(
    q: *mut onshi_qualification,
    field: onshi_field,
    value: u32,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { set_u32_at(q, Target::Record, field, value) }
}

// ---- lists ----

/// The number of items of a list of the record.
///
/// Returns `ONSHI_INVALID_ARGUMENT` for an unknown list.
/// Out-parameters are written only on success.
///
/// # Safety
/// `q` is NULL or a live `onshi_qualification`; `out_count` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_qualification_count(
    q: *const onshi_qualification,
    list: onshi_list,
    out_count: *mut usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method(q, |q| {
            let out = Out::new(out_count)?;
            out.set(count(q, list)?);
            Ok(())
        })
    }
}

/// Appends an empty item to a list of the record and reports its index.
///
/// Returns `ONSHI_READ_ONLY` for `ONSHI_LIST_CONSENTS`, whose items are fixed.
/// Out-parameters are written only on success.
///
/// # Safety
/// `q` is NULL or a live `onshi_qualification`; `out_index` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_qualification_item_add(
    q: *mut onshi_qualification,
    list: onshi_list,
    out_index: *mut usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method_mut(q, |q| {
            let out = Out::new(out_index)?;
            out.set(add(q, list)?);
            Ok(())
        })
    }
}

/// Removes an item from a list of the record; the items after it move down by one.
///
/// Returns `ONSHI_OUT_OF_RANGE` for an index past the end, `ONSHI_READ_ONLY` for
/// `ONSHI_LIST_CONSENTS`.
///
/// # Safety
/// `q` is NULL or a live `onshi_qualification`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_qualification_item_remove(
    q: *mut onshi_qualification,
    list: onshi_list,
    index: usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { method_mut(q, |q| remove(q, list, index)) }
}

/// `onshi_qualification_get_text` for a field of a list item.
///
/// Returns `ONSHI_OUT_OF_RANGE` for an index past the end and `ONSHI_TYPE_MISMATCH`
/// for a field of another list.
/// Out-parameters are written only on success, except `*out_len`, which is also written with
/// `ONSHI_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `q` is NULL or a live `onshi_qualification`; `buf` is NULL or writable for `cap` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_qualification_item_get_text(
    q: *const onshi_qualification,
    list: onshi_list,
    index: usize,
    field: onshi_field,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { get_text_at(q, Target::Item(list, index), field, buf, cap, out_len) }
}

/// `onshi_qualification_set_text` for a field of a list item.
///
/// # Safety
/// `q` is NULL or a live `onshi_qualification`; `value` is NULL or readable for `value_len`
/// bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_qualification_item_set_text(
    q: *mut onshi_qualification,
    list: onshi_list,
    index: usize,
    field: onshi_field,
    value: *const u8,
    value_len: usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { set_text_at(q, Target::Item(list, index), field, value, value_len) }
}

/// `onshi_qualification_clear` for a field of a list item.
///
/// # Safety
/// `q` is NULL or a live `onshi_qualification`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_qualification_item_clear(
    q: *mut onshi_qualification,
    list: onshi_list,
    index: usize,
    field: onshi_field,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { clear_at(q, Target::Item(list, index), field) }
}

/// `onshi_qualification_get_date` for a field of a list item.
///
/// Out-parameters are written only on success.
///
/// # Safety
/// `q` is NULL or a live `onshi_qualification`; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_qualification_item_get_date(
    q: *const onshi_qualification,
    list: onshi_list,
    index: usize,
    field: onshi_field,
    out: *mut onshi_date,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { get_date_at(q, Target::Item(list, index), field, out) }
}

/// `onshi_qualification_set_date` for a field of a list item.
///
/// # Safety
/// `q` is NULL or a live `onshi_qualification`; `value` is NULL or readable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_qualification_item_set_date(
    q: *mut onshi_qualification,
    list: onshi_list,
    index: usize,
    field: onshi_field,
    value: *const onshi_date,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { set_date_at(q, Target::Item(list, index), field, value) }
}

/// `onshi_qualification_get_datetime` for a field of a list item.
///
/// Out-parameters are written only on success.
///
/// # Safety
/// `q` is NULL or a live `onshi_qualification`; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_qualification_item_get_datetime(
    q: *const onshi_qualification,
    list: onshi_list,
    index: usize,
    field: onshi_field,
    out: *mut onshi_datetime,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { get_datetime_at(q, Target::Item(list, index), field, out) }
}

/// `onshi_qualification_set_datetime` for a field of a list item.
///
/// # Safety
/// `q` is NULL or a live `onshi_qualification`; `value` is NULL or readable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_qualification_item_set_datetime(
    q: *mut onshi_qualification,
    list: onshi_list,
    index: usize,
    field: onshi_field,
    value: *const onshi_datetime,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { set_datetime_at(q, Target::Item(list, index), field, value) }
}

/// `onshi_qualification_get_u32` for a field of a list item.
///
/// Out-parameters are written only on success.
///
/// # Safety
/// `q` is NULL or a live `onshi_qualification`; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_qualification_item_get_u32(
    q: *const onshi_qualification,
    list: onshi_list,
    index: usize,
    field: onshi_field,
    out: *mut u32,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { get_u32_at(q, Target::Item(list, index), field, out) }
}

/// `onshi_qualification_set_u32` for a field of a list item.
///
/// # Safety
/// `q` is NULL or a live `onshi_qualification`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_qualification_item_set_u32(
    q: *mut onshi_qualification,
    list: onshi_list,
    index: usize,
    field: onshi_field,
    value: u32,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { set_u32_at(q, Target::Item(list, index), field, value) }
}

// ---- facts about the record ----

/// Tells whether the record is 医療扶助 (生活保護): card class `A1`, or a 公費負担者番号
/// with 法別 12.
///
/// Out-parameters are written only on success.
///
/// # Safety
/// `q` is NULL or a live `onshi_qualification`; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_qualification_is_public_assistance(
    q: *const onshi_qualification,
    out: *mut bool,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method(q, |q| {
            Out::new(out)?.set(q.is_public_assistance());
            Ok(())
        })
    }
}

/// Tells whether this coverage can be confirmed by its insurance card number (個別照会 by
/// 記号・番号); `onshi_qualification_card_number_reason` says why not.
///
/// Out-parameters are written only on success.
///
/// # Safety
/// `q` is NULL or a live `onshi_qualification`; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_qualification_confirmable_by_card_number(
    q: *const onshi_qualification,
    out: *mut bool,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method(q, |q| {
            Out::new(out)?.set(q.confirmable_by_card_number().is_ok());
            Ok(())
        })
    }
}

/// Copies, in Japanese for staff, why this coverage cannot be confirmed by its insurance
/// card number, UTF-8.
///
/// Returns `ONSHI_NOT_PRESENT` when it can be.
/// Out-parameters are written only on success, except `*out_len`, which is also written with
/// `ONSHI_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `q` is NULL or a live `onshi_qualification`; `buf` is NULL or writable for `cap` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_qualification_card_number_reason(
    q: *const onshi_qualification,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method(q, |q| {
            let out = TextOut::new(buf, cap, out_len)?;
            match q.confirmable_by_card_number() {
                Ok(()) => Err(Failure::of(ONSHI_NOT_PRESENT)),
                Err(reason) => out.write(reason.message_ja()),
            }
        })
    }
}

/// Tells whether the consent at `index` of `ONSHI_LIST_CONSENTS` is valid at `now`: agreed
/// and `now` not past its available time.
///
/// Out-parameters are written only on success.
///
/// # Safety
/// `q` is NULL or a live `onshi_qualification`; `now` is NULL or readable; `out` is NULL or
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_qualification_consent_valid_at(
    q: *const onshi_qualification,
    index: usize,
    now: *const onshi_datetime,
    out: *mut bool,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method(q, |q| {
            let out = Out::new(out)?;
            let now = read_in(now)?.to_naive()?;
            let entries = q.consents.entries();
            let (_, c) = entries.get(index).ok_or(Failure::of(ONSHI_OUT_OF_RANGE))?;
            out.set(c.is_valid_at(now));
            Ok(())
        })
    }
}

// ---- what a field is ----

/// The value type of a field (`ONSHI_VALUE_TYPE_*`).
///
/// Returns `ONSHI_INVALID_ARGUMENT` for an unknown field.
/// Out-parameters are written only on success.
///
/// # Safety
/// `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_field_value_type(
    field: onshi_field,
    out: *mut onshi_value_type,
) -> onshi_status {
    guard(|| {
        let out = Out::new(out)?;
        out.set(super::catalog::meta(field)?.kind.ty);
        Ok(())
    })
}

/// The code table of a code field (`ONSHI_CODE_TABLE_*`), for `onshi_code_label`.
///
/// Returns `ONSHI_NOT_PRESENT` for a field that is not a code.
/// Out-parameters are written only on success.
///
/// # Safety
/// `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_field_code_table(
    field: onshi_field,
    out: *mut super::codes::onshi_code_table,
) -> onshi_status {
    guard(|| {
        let out = Out::new(out)?;
        let m = super::catalog::meta(field)?;
        if m.kind.ty != ONSHI_VALUE_TYPE_CODE {
            return Err(Failure::of(ONSHI_NOT_PRESENT));
        }
        out.set(m.kind.table);
        Ok(())
    })
}

/// The list a field belongs to (`ONSHI_LIST_NONE` for a field of the record itself).
///
/// Out-parameters are written only on success.
///
/// # Safety
/// `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_field_list(
    field: onshi_field,
    out: *mut onshi_list,
) -> onshi_status {
    guard(|| {
        let out = Out::new(out)?;
        out.set(super::catalog::meta(field)?.list);
        Ok(())
    })
}

/// Copies the field's path in the JSON record schema (`"limit_certificate.valid_end_date"`,
/// `"specific_diseases[].category"`), ASCII.
///
/// Out-parameters are written only on success, except `*out_len`, which is also written with
/// `ONSHI_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `buf` is NULL or writable for `cap` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_field_name(
    field: onshi_field,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> onshi_status {
    guard(|| {
        let out = TextOut::new(buf, cap, out_len)?;
        out.write(super::catalog::meta(field)?.name)
    })
}
