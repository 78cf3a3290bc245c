//! `onshi_public_expense`: one 公費 (公費負担医療 or a local 医療費助成, PMH) — an adapter over
//! [`crate::model::PublicExpense`].
//!
//! Fields are read and written by `onshi_field` id (`ONSHI_FIELD_PUBLIC_EXPENSE_*`, 801–849),
//! as text or typed; the 指定医療機関 and 券面項目 lists as JSON. The same ids address the items
//! of a qualification's `ONSHI_LIST_PUBLIC_EXPENSES` (what PMH sent with a 資格確認結果). A
//! 公費 has a history of its own: `onshi_history_new_public_expense`.

use super::error::{onshi_error, with_error};
use super::field::*;
use super::handle::{Castable, Out, TextOut, free, handle_ref, into_raw, method, read_in, text_in};
use super::panic::{Failure, guard_or};
use super::qualification::onshi_qualification;
use super::record::{self, Json, Record};
use super::status::*;
use crate::model::PublicExpense;
use std::ffi::c_char;

/// One 公費 (公費負担医療 / 地方単独医療費助成): a 受給者証 as PMH sends it or as staff enter it.
///
/// Methods: `onshi_public_expense_new`, `_free`, `_clone`, `_equal`, `_from_json`,
/// `_to_json`, `_last_error`; fields: `_get_text`/`_set_text`/`_clear`, `_get_date`/
/// `_set_date`, `_get_u32`/`_set_u32`; facts: `_programme_label`, `_valid_on`;
/// `onshi_public_expense_from_medical_assistance`, `onshi_qualification_public_expense_at`.
///
/// Threads: functions taking `const onshi_public_expense *` may run concurrently on one
/// record; a function taking a non-const pointer needs the record to itself.
pub struct onshi_public_expense {
    _private: [u8; 0],
}

impl Castable for onshi_public_expense {
    type Rust = PublicExpense;
    const TAG: u64 = u64::from_le_bytes(*b"onshiPEX");
}

type P = onshi_public_expense;

impl Record for PublicExpense {
    fn get(&self, t: Target, id: onshi_field) -> Result<(Kind, Option<Value>), Failure> {
        match t {
            Target::Record => record::read_field(PUBLIC_EXPENSE_FIELDS, self, id),
            Target::Item(list, _) => Err(unknown_list(list)),
        }
    }

    fn set(
        &mut self,
        t: Target,
        id: onshi_field,
        want: Want,
        v: Option<Value>,
    ) -> Result<(), Failure> {
        match t {
            Target::Record => {
                let d = find(PUBLIC_EXPENSE_FIELDS, id)?;
                check_want(d.kind, want)?;
                write(d, self, v)
            }
            Target::Item(list, _) => Err(unknown_list(list)),
        }
    }

    fn count(&self, list: onshi_list) -> Result<usize, Failure> {
        Err(unknown_list(list))
    }
}

impl Json for PublicExpense {
    fn to_json(&self) -> String {
        PublicExpense::to_json(self)
    }
}

/// Creates an empty 公費 (for one entered from a paper 受給者証, set `source` to `paper`).
///
/// The caller owns the returned handle and must free it with onshi_public_expense_free.
/// Returns NULL only if the library failed internally.
#[unsafe(no_mangle)]
pub extern "C" fn onshi_public_expense_new() -> *mut onshi_public_expense {
    guard_or(std::ptr::null_mut(), || {
        into_raw::<P>(PublicExpense::default())
    })
}

/// Frees a 公費.
///
/// NULL is accepted. Must not be called twice with the same pointer.
///
/// # Safety
/// `p` is NULL or a live `onshi_public_expense`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_public_expense_free(p: *mut onshi_public_expense) {
    // SAFETY: forwarded from the caller.
    guard_or((), || unsafe { free(p) })
}

/// Copies a 公費.
///
/// The caller owns the returned handle and must free it with onshi_public_expense_free.
/// Out-parameters are written only on success.
///
/// # Safety
/// `p` is NULL or a live `onshi_public_expense`; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_public_expense_clone(
    p: *const onshi_public_expense,
    out: *mut *mut onshi_public_expense,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::clone(p, out) }
}

/// Tells whether two 公費 hold the same values (every field and kept unknown element).
///
/// Out-parameters are written only on success.
///
/// # Safety
/// `a` and `b` are NULL or live `onshi_public_expense`s; `out_equal` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_public_expense_equal(
    a: *const onshi_public_expense,
    b: *const onshi_public_expense,
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

/// Reads a 公費 from JSON (the documented record schema, `PublicExpense`), UTF-8.
///
/// Returns `ONSHI_JSON` when the text is not a 公費 record.
/// `err`: NULL is accepted.
/// The caller owns the returned handle and must free it with onshi_public_expense_free.
/// Out-parameters are written only on success.
///
/// # Safety
/// `err` is NULL or a live `onshi_error`; `json` is NULL or readable for `json_len` bytes;
/// `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_public_expense_from_json(
    err: *mut onshi_error,
    json: *const u8,
    json_len: usize,
    out: *mut *mut onshi_public_expense,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_error(err, || {
            let out = Out::new(out)?;
            let p = PublicExpense::from_json(text_in(json, json_len)?)?;
            out.set(into_raw::<P>(p));
            Ok(())
        })
    }
}

/// Copies the 公費 as JSON (the documented record schema), UTF-8.
///
/// Out-parameters are written only on success, except `*out_len`, which is also written with
/// `ONSHI_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `p` is NULL or a live `onshi_public_expense`; `buf` is NULL or writable for `cap` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_public_expense_to_json(
    p: *const onshi_public_expense,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::to_json(p, buf, cap, out_len) }
}

/// Copies the message of the most recent failed call on this 公費 ("" if none failed), UTF-8.
///
/// Out-parameters are written only on success, except `*out_len`, which is also written with
/// `ONSHI_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `p` is NULL or a live `onshi_public_expense`; `buf` is NULL or writable for `cap` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_public_expense_last_error(
    p: *const onshi_public_expense,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::last_error(p, buf, cap, out_len) }
}

/// Copies a field of the 公費 as text (`ONSHI_FIELD_PUBLIC_EXPENSE_*`; the JSON schema's
/// form: codes as wire values, dates `YYYY-MM-DD`, amounts in decimal, lists as JSON), UTF-8.
///
/// Returns `ONSHI_NOT_PRESENT` when the field holds no value, `ONSHI_INVALID_ARGUMENT` for an
/// unknown field and `ONSHI_TYPE_MISMATCH` for a field of another record.
/// Out-parameters are written only on success, except `*out_len`, which is also written with
/// `ONSHI_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `p` is NULL or a live `onshi_public_expense`; `buf` is NULL or writable for `cap` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_public_expense_get_text(
    p: *const onshi_public_expense,
    field: onshi_field,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::get_text(p, Target::Record, field, buf, cap, out_len) }
}

/// Writes a field of the 公費 from text (UTF-8; numbers are read leniently: full-width
/// digits, no 検証番号 check — `onshi_id_normalize` checks them).
///
/// Returns `ONSHI_INVALID_VALUE` for text the field cannot hold, `ONSHI_JSON` for a list that
/// is not its JSON.
///
/// # Safety
/// `p` is NULL or a live `onshi_public_expense`; `value` is NULL or readable for `value_len`
/// bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_public_expense_set_text(
    p: *mut onshi_public_expense,
    field: onshi_field,
    value: *const u8,
    value_len: usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::set_text(p, Target::Record, field, value, value_len) }
}

/// Clears a field of the 公費.
///
/// # Safety
/// `p` is NULL or a live `onshi_public_expense`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_public_expense_clear(
    p: *mut onshi_public_expense,
    field: onshi_field,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::clear(p, Target::Record, field) }
}

/// Reads a date field of the 公費 (有効開始日, 有効終了日).
///
/// Out-parameters are written only on success.
///
/// # Safety
/// `p` is NULL or a live `onshi_public_expense`; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_public_expense_get_date(
    p: *const onshi_public_expense,
    field: onshi_field,
    out: *mut onshi_date,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::get_date(p, Target::Record, field, out) }
}

/// Writes a date field of the 公費.
///
/// # Safety
/// `p` is NULL or a live `onshi_public_expense`; `value` is NULL or readable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_public_expense_set_date(
    p: *mut onshi_public_expense,
    field: onshi_field,
    value: *const onshi_date,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::set_date(p, Target::Record, field, value) }
}

/// Reads an integer field of the 公費 (自己負担上限額, yen).
///
/// Out-parameters are written only on success.
///
/// # Safety
/// `p` is NULL or a live `onshi_public_expense`; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_public_expense_get_u32(
    p: *const onshi_public_expense,
    field: onshi_field,
    out: *mut u32,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::get_u32(p, Target::Record, field, out) }
}

/// Writes an integer field of the 公費.
///
/// # Safety
/// `p` is NULL or a live `onshi_public_expense`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_public_expense_set_u32(
    p: *mut onshi_public_expense,
    field: onshi_field,
    value: u32,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::set_u32(p, Target::Record, field, value) }
}

/// Copies, in Japanese, the programme of the 公費's 法別番号 (`54` → `指定難病（特定医療費）`),
/// UTF-8.
///
/// Returns `ONSHI_NOT_PRESENT` when there is no 公費負担者番号 or the library does not name
/// its 法別 (local programmes use numbers of their own: show `certification_name` instead).
/// Out-parameters are written only on success, except `*out_len`, which is also written with
/// `ONSHI_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `p` is NULL or a live `onshi_public_expense`; `buf` is NULL or writable for `cap` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_public_expense_programme_label(
    p: *const onshi_public_expense,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method(p, |p| {
            let out = TextOut::new(buf, cap, out_len)?;
            let label = p.programme_label().ok_or(Failure::of(ONSHI_NOT_PRESENT))?;
            out.write(label)
        })
    }
}

/// Tells whether `date` is within the 公費's validity period (an open end, or no start,
/// counts as valid).
///
/// Out-parameters are written only on success.
///
/// # Safety
/// `p` is NULL or a live `onshi_public_expense`; `date` is NULL or readable; `out` is NULL or
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_public_expense_valid_on(
    p: *const onshi_public_expense,
    date: *const onshi_date,
    out: *mut bool,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method(p, |p| {
            let out = Out::new(out)?;
            let date = read_in(date)?.to_naive()?;
            out.set(p.is_valid_on(date));
            Ok(())
        })
    }
}

/// Makes the 公費 of a 医療扶助 (生活保護) record: its 公費負担者番号 and 受給者番号, the
/// 福祉事務所 and the 保護 period, source `medical_assistance`.
///
/// Returns `ONSHI_NOT_PRESENT` when the record is not 医療扶助 or its numbers do not fit a
/// 公費.
/// The caller owns the returned handle and must free it with onshi_public_expense_free.
/// Out-parameters are written only on success.
///
/// # Safety
/// `q` is NULL or a live `onshi_qualification`; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_public_expense_from_medical_assistance(
    q: *const onshi_qualification,
    out: *mut *mut onshi_public_expense,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method(q, |q| {
            let out = Out::new(out)?;
            let p =
                PublicExpense::from_medical_assistance(q).ok_or(Failure::of(ONSHI_NOT_PRESENT))?;
            out.set(into_raw::<P>(p));
            Ok(())
        })
    }
}

/// Copies the 公費 at `index` of the qualification's `ONSHI_LIST_PUBLIC_EXPENSES` (what PMH
/// sent with this 資格情報).
///
/// Returns `ONSHI_OUT_OF_RANGE` for an index past the end.
/// The caller owns the returned handle and must free it with onshi_public_expense_free.
/// Out-parameters are written only on success.
///
/// # Safety
/// `q` is NULL or a live `onshi_qualification`; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_qualification_public_expense_at(
    q: *const onshi_qualification,
    index: usize,
    out: *mut *mut onshi_public_expense,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method(q, |q| {
            let out = Out::new(out)?;
            let p = item(&q.public_expenses, index)?;
            out.set(into_raw::<P>(p.clone()));
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_round_trips_as_text_and_clears() {
        for d in PUBLIC_EXPENSE_FIELDS {
            assert!((801..850).contains(&d.id), "{}", d.name);
            let text = match d.kind.ty {
                ONSHI_VALUE_TYPE_DATE => "2026-04-01",
                ONSHI_VALUE_TYPE_INTEGER => "20000",
                ONSHI_VALUE_TYPE_JSON
                    if d.id == ONSHI_FIELD_PUBLIC_EXPENSE_DESIGNATED_INSTITUTIONS =>
                {
                    r#"[{"code":"1310000003","name":"見本クリニック"}]"#
                }
                ONSHI_VALUE_TYPE_JSON => r#"[{"name":"疾病名","value":"見本病"}]"#,
                ONSHI_VALUE_TYPE_CODE => "true",
                ONSHI_VALUE_TYPE_ID if d.id == ONSHI_FIELD_PUBLIC_EXPENSE_PAYER_NUMBER => {
                    "54136015"
                }
                ONSHI_VALUE_TYPE_ID => "1234566",
                _ => "特定医療費（指定難病）受給者証",
            };
            let mut p = PublicExpense::default();
            p.set(
                Target::Record,
                d.id,
                Want::Text,
                Some(Value::Text(text.into())),
            )
            .unwrap_or_else(|e| panic!("{}: {e:?}", d.name));
            let (_, v) = p.get(Target::Record, d.id).unwrap();
            assert_eq!(v.unwrap().to_text(), text, "{}", d.name);
            assert_eq!(PublicExpense::from_json(&p.to_json()).unwrap(), p);
            p.set(Target::Record, d.id, Want::Text, None).unwrap();
            assert_eq!(p, PublicExpense::default(), "{} clears", d.name);
        }
    }

    #[test]
    fn a_recipient_number_is_text_and_an_amount_an_integer() {
        let mut p = PublicExpense::default();
        p.set(
            Target::Record,
            ONSHI_FIELD_PUBLIC_EXPENSE_RECIPIENT_NUMBER,
            Want::Text,
            Some(Value::Text("００１２３４５６７８９０".into())),
        )
        .unwrap();
        assert_eq!(
            p.recipient_number.as_ref().unwrap().as_str(),
            "001234567890",
            "leading zeros kept, full width folded"
        );
        let e = p
            .set(
                Target::Record,
                ONSHI_FIELD_PUBLIC_EXPENSE_MAX_COPAYMENT_AMOUNT,
                Want::Date,
                None,
            )
            .unwrap_err();
        assert_eq!(e.status, ONSHI_TYPE_MISMATCH);
        let e = p
            .set(
                Target::Record,
                ONSHI_FIELD_PUBLIC_EXPENSE_RECIPIENT_NUMBER,
                Want::Text,
                Some(Value::Text("1".repeat(31))),
            )
            .unwrap_err();
        assert_eq!(e.status, ONSHI_ID_TOO_LONG);
        let e = p.get(Target::Record, ONSHI_FIELD_NAME).unwrap_err();
        assert_eq!(e.status, ONSHI_TYPE_MISMATCH);
    }
}
