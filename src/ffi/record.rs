//! The record layer shared by every handle with fields: `_get_text`, typed getters and
//! setters, `_count`, `_item_*`, `_to_json`, `_last_error`.
//!
//! A record type implements [`Record`] (usually with the `FieldDef` tables of its module and
//! [`read_field`] / [`write_field`]); its exported functions are one-line calls of the
//! generic bodies below, so every record gives the same answers to the same misuse (NULL,
//! wrong handle, unknown field, field of another list, index past the end, wrong accessor).

use super::field::*;
use super::handle::{Castable, Out, TextOut, handle_ref, method, method_mut, read_in, text_in};
use super::panic::{Failure, guard};
use super::status::*;
use chrono::{NaiveDate, NaiveDateTime};
use std::ffi::c_char;

/// A value that has fields by id and lists by `(onshi_list, index)`.
pub(crate) trait Record: Clone {
    /// Reads a field: its kind and value (`None` when absent). Fails for an unknown field, a
    /// field of another list, or an index past the end.
    fn get(&self, t: Target, id: onshi_field) -> Result<(Kind, Option<Value>), Failure>;

    /// Writes a field (`None` clears it) after checking the accessor fits. Read-only by
    /// default.
    fn set(
        &mut self,
        t: Target,
        id: onshi_field,
        want: Want,
        v: Option<Value>,
    ) -> Result<(), Failure> {
        let _ = (want, v);
        self.get(t, id)?;
        Err(read_only_field(id))
    }

    /// The number of items of a list.
    fn count(&self, list: onshi_list) -> Result<usize, Failure>;

    /// Appends an empty item; returns its index. Read-only by default.
    fn add(&mut self, list: onshi_list) -> Result<usize, Failure> {
        self.count(list)?;
        Err(read_only_list(list))
    }

    /// Removes an item. Read-only by default.
    fn remove(&mut self, list: onshi_list, index: usize) -> Result<(), Failure> {
        let n = self.count(list)?;
        if index >= n {
            return Err(out_of_range(index, n));
        }
        Err(read_only_list(list))
    }
}

/// A record that has a JSON form.
pub(crate) trait Json {
    /// The JSON text.
    fn to_json(&self) -> String;
}

pub(crate) fn read_only_field(id: onshi_field) -> Failure {
    let name = super::catalog::meta(id).map(|m| m.name).unwrap_or("?");
    Failure::new(ONSHI_READ_ONLY, format!("field {id} ({name}) is read-only"))
}

pub(crate) fn read_only_list(list: onshi_list) -> Failure {
    Failure::new(
        ONSHI_READ_ONLY,
        format!("list {list} cannot be changed through this handle"),
    )
}

/// Reads field `id` of `r` with the table `defs`.
pub(crate) fn read_field<R>(
    defs: &'static [FieldDef<R>],
    r: &R,
    id: onshi_field,
) -> Result<(Kind, Option<Value>), Failure> {
    let d = find(defs, id)?;
    Ok((d.kind, (d.get)(r)))
}

/// The kind of a text field.
pub(crate) const TEXT: Kind = kind(ONSHI_VALUE_TYPE_TEXT);
/// The kind of a date field.
pub(crate) const DATE: Kind = kind(ONSHI_VALUE_TYPE_DATE);
/// The kind of a date-time field.
pub(crate) const DATETIME: Kind = kind(ONSHI_VALUE_TYPE_DATETIME);
/// The kind of an integer field.
pub(crate) const INTEGER: Kind = kind(ONSHI_VALUE_TYPE_INTEGER);
/// The kind of an enumeration field.
pub(crate) const ENUM: Kind = kind(ONSHI_VALUE_TYPE_ENUM);

/// A text value.
pub(crate) fn text(s: impl AsRef<str>) -> Option<Value> {
    Some(Value::Text(s.as_ref().to_string()))
}

/// An optional text value.
pub(crate) fn opt_text<S: AsRef<str>>(s: Option<S>) -> Option<Value> {
    s.map(|s| Value::Text(s.as_ref().to_string()))
}

/// An optional date value.
pub(crate) fn opt_date(d: Option<NaiveDate>) -> Option<Value> {
    d.map(Value::Date)
}

/// An optional date-time value.
pub(crate) fn opt_datetime(t: Option<NaiveDateTime>) -> Option<Value> {
    t.map(Value::DateTime)
}

/// An integer value (saturated to `u32`).
pub(crate) fn int(n: impl TryInto<u32>) -> Option<Value> {
    Some(Value::U32(n.try_into().unwrap_or(u32::MAX)))
}

fn read<R: Record>(r: &R, t: Target, id: onshi_field, want: Want) -> Result<Value, Failure> {
    let (kind, v) = r.get(t, id)?;
    check_want(kind, want)?;
    v.ok_or(Failure::of(ONSHI_NOT_PRESENT))
}

/// Body of `_get_text` / `_item_get_text`.
///
/// # Safety
/// `p` is NULL or a live handle of type `C`; `buf` is NULL or writable for `cap` bytes.
pub(crate) unsafe fn get_text<C: Castable>(
    p: *const C,
    t: Target,
    field: onshi_field,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> onshi_status
where
    C::Rust: Record,
{
    // SAFETY: forwarded from the caller.
    unsafe {
        method(p, |r| {
            let out = TextOut::new(buf, cap, out_len)?;
            out.write(&read(r, t, field, Want::Text)?.to_text())
        })
    }
}

/// Body of `_get_date` / `_item_get_date`.
///
/// # Safety
/// `p` is NULL or a live handle of type `C`; `out` is NULL or writable.
pub(crate) unsafe fn get_date<C: Castable>(
    p: *const C,
    t: Target,
    field: onshi_field,
    out: *mut onshi_date,
) -> onshi_status
where
    C::Rust: Record,
{
    // SAFETY: forwarded from the caller.
    unsafe {
        method(p, |r| {
            let out = Out::new(out)?;
            match read(r, t, field, Want::Date)? {
                Value::Date(d) => out.set(onshi_date::from_naive(d)),
                _ => return Err(Failure::of(ONSHI_TYPE_MISMATCH)),
            }
            Ok(())
        })
    }
}

/// Body of `_get_datetime` / `_item_get_datetime`.
///
/// # Safety
/// `p` is NULL or a live handle of type `C`; `out` is NULL or writable.
pub(crate) unsafe fn get_datetime<C: Castable>(
    p: *const C,
    t: Target,
    field: onshi_field,
    out: *mut onshi_datetime,
) -> onshi_status
where
    C::Rust: Record,
{
    // SAFETY: forwarded from the caller.
    unsafe {
        method(p, |r| {
            let out = Out::new(out)?;
            match read(r, t, field, Want::DateTime)? {
                Value::DateTime(d) => out.set(onshi_datetime::from_naive(d)),
                _ => return Err(Failure::of(ONSHI_TYPE_MISMATCH)),
            }
            Ok(())
        })
    }
}

/// Body of `_get_u32` / `_item_get_u32` (integers, ratios, enumerations).
///
/// # Safety
/// `p` is NULL or a live handle of type `C`; `out` is NULL or writable.
pub(crate) unsafe fn get_u32<C: Castable>(
    p: *const C,
    t: Target,
    field: onshi_field,
    out: *mut u32,
) -> onshi_status
where
    C::Rust: Record,
{
    // SAFETY: forwarded from the caller.
    unsafe {
        method(p, |r| {
            let out = Out::new(out)?;
            match read(r, t, field, Want::U32)? {
                Value::U32(n) | Value::Enum(n, _) => out.set(n),
                _ => return Err(Failure::of(ONSHI_TYPE_MISMATCH)),
            }
            Ok(())
        })
    }
}

/// Body of `_set_text` / `_item_set_text`.
///
/// # Safety
/// `p` is NULL or a live handle of type `C`; `value` is NULL or readable for `len` bytes.
pub(crate) unsafe fn set_text<C: Castable>(
    p: *mut C,
    t: Target,
    field: onshi_field,
    value: *const u8,
    len: usize,
) -> onshi_status
where
    C::Rust: Record,
{
    // SAFETY: forwarded from the caller.
    unsafe {
        method_mut(p, |r| {
            let v = text_in(value, len)?;
            r.set(t, field, Want::Text, Some(Value::Text(v.to_string())))
        })
    }
}

/// Body of `_set_date` / `_item_set_date`.
///
/// # Safety
/// `p` is NULL or a live handle of type `C`; `value` is NULL or readable.
pub(crate) unsafe fn set_date<C: Castable>(
    p: *mut C,
    t: Target,
    field: onshi_field,
    value: *const onshi_date,
) -> onshi_status
where
    C::Rust: Record,
{
    // SAFETY: forwarded from the caller.
    unsafe {
        method_mut(p, |r| {
            let d = read_in(value)?.to_naive()?;
            r.set(t, field, Want::Date, Some(Value::Date(d)))
        })
    }
}

/// Body of `_set_datetime` / `_item_set_datetime`.
///
/// # Safety
/// `p` is NULL or a live handle of type `C`; `value` is NULL or readable.
pub(crate) unsafe fn set_datetime<C: Castable>(
    p: *mut C,
    t: Target,
    field: onshi_field,
    value: *const onshi_datetime,
) -> onshi_status
where
    C::Rust: Record,
{
    // SAFETY: forwarded from the caller.
    unsafe {
        method_mut(p, |r| {
            let d = read_in(value)?.to_naive()?;
            r.set(t, field, Want::DateTime, Some(Value::DateTime(d)))
        })
    }
}

/// Body of `_set_u32` / `_item_set_u32`.
///
/// # Safety
/// `p` is NULL or a live handle of type `C`.
pub(crate) unsafe fn set_u32<C: Castable>(
    p: *mut C,
    t: Target,
    field: onshi_field,
    value: u32,
) -> onshi_status
where
    C::Rust: Record,
{
    // SAFETY: forwarded from the caller.
    unsafe { method_mut(p, |r| r.set(t, field, Want::U32, Some(Value::U32(value)))) }
}

/// Body of `_clear` / `_item_clear`.
///
/// # Safety
/// `p` is NULL or a live handle of type `C`.
pub(crate) unsafe fn clear<C: Castable>(p: *mut C, t: Target, field: onshi_field) -> onshi_status
where
    C::Rust: Record,
{
    // SAFETY: forwarded from the caller.
    unsafe { method_mut(p, |r| r.set(t, field, Want::Text, None)) }
}

/// Body of `_count`.
///
/// # Safety
/// `p` is NULL or a live handle of type `C`; `out` is NULL or writable.
pub(crate) unsafe fn count<C: Castable>(
    p: *const C,
    list: onshi_list,
    out: *mut usize,
) -> onshi_status
where
    C::Rust: Record,
{
    // SAFETY: forwarded from the caller.
    unsafe {
        method(p, |r| {
            let out = Out::new(out)?;
            out.set(r.count(list)?);
            Ok(())
        })
    }
}

/// Body of `_item_add`.
///
/// # Safety
/// `p` is NULL or a live handle of type `C`; `out` is NULL or writable.
pub(crate) unsafe fn add<C: Castable>(p: *mut C, list: onshi_list, out: *mut usize) -> onshi_status
where
    C::Rust: Record,
{
    // SAFETY: forwarded from the caller.
    unsafe {
        method_mut(p, |r| {
            let out = Out::new(out)?;
            out.set(r.add(list)?);
            Ok(())
        })
    }
}

/// Body of `_item_remove`.
///
/// # Safety
/// `p` is NULL or a live handle of type `C`.
pub(crate) unsafe fn remove<C: Castable>(p: *mut C, list: onshi_list, index: usize) -> onshi_status
where
    C::Rust: Record,
{
    // SAFETY: forwarded from the caller.
    unsafe { method_mut(p, |r| r.remove(list, index)) }
}

/// Body of `_to_json`.
///
/// # Safety
/// `p` is NULL or a live handle of type `C`; `buf` is NULL or writable for `cap` bytes.
pub(crate) unsafe fn to_json<C: Castable>(
    p: *const C,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> onshi_status
where
    C::Rust: Json,
{
    // SAFETY: forwarded from the caller.
    unsafe { method(p, |r| TextOut::new(buf, cap, out_len)?.write(&r.to_json())) }
}

/// Body of `_last_error`.
///
/// # Safety
/// `p` is NULL or a live handle of type `C`; `buf` is NULL or writable for `cap` bytes.
pub(crate) unsafe fn last_error<C: Castable>(
    p: *const C,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> onshi_status {
    guard(|| {
        let out = TextOut::new(buf, cap, out_len)?;
        // SAFETY: forwarded from the caller.
        let h = unsafe { handle_ref(p) }?;
        out.write(&h.last_error())
    })
}

/// Body of `_clone`.
///
/// # Safety
/// `p` is NULL or a live handle of type `C`; `out` is NULL or writable.
pub(crate) unsafe fn clone<C: Castable>(p: *const C, out: *mut *mut C) -> onshi_status
where
    C::Rust: Clone,
{
    // SAFETY: forwarded from the caller.
    unsafe {
        method(p, |r| {
            Out::new(out)?.set(super::handle::into_raw::<C>(r.clone()));
            Ok(())
        })
    }
}
