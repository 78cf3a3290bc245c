//! `onshi_matching` and `onshi_candidates`: finding the clinic's patient for a returned
//! record (or for the card's 基本4情報), and the 新患登録 draft — adapters over
//! [`crate::matching`].
//!
//! The EMR gives its patients as JSON (`onshi_matching_from_json`) or item by item
//! (`onshi_matching_item_add` and the `ONSHI_FIELD_PATIENT_*` setters, plus
//! `onshi_matching_add_qualification` for matching by insurance card numbers).

use super::card::onshi_basic_info;
use super::diff::ro;
use super::enums::*;
use super::error::{onshi_error, with_error};
use super::field::*;
use super::handle::{
    Castable, Out, TextOut, free, handle_ref, into_raw, method, method_mut, text_in,
};
use super::panic::{Failure, guard_or};
use super::qualification::onshi_qualification;
use super::record::{self, *};
use super::status::*;
use crate::Personal;
use crate::codes::Sex;
use crate::matching::{Candidate, IdentityQuery, NewPatientDraft, PatientRecord, candidates};
use chrono::NaiveDate;
use std::ffi::c_char;

/// The patients a result is matched against (the EMR's own patient list, or the part of it
/// worth searching).
///
/// Methods: `onshi_matching_new`, `_from_json`, `_to_json`, `_free`, `_last_error`,
/// `_count`, `_item_add`, `_item_remove`, `_item_get_text`, `_item_set_text`,
/// `_item_clear`, `_item_get_date`, `_item_set_date`, `_item_get_u32`,
/// `_add_qualification`, `_find`, `_find_card`.
///
/// Threads: functions taking `const onshi_matching *` may run concurrently on one object.
pub struct onshi_matching {
    _private: [u8; 0],
}

/// What an `onshi_matching` holds.
#[derive(Clone, Default)]
pub(crate) struct Patients(pub(crate) Vec<PatientRecord>);

impl Castable for onshi_matching {
    type Rust = Patients;
    const TAG: u64 = u64::from_le_bytes(*b"onshiMAT");
}

/// The candidates found for one person, best first.
///
/// Methods: `onshi_candidates_free`, `_to_json`, `_last_error`, `_count`,
/// `_item_get_text`, `_item_get_u32`.
pub struct onshi_candidates {
    _private: [u8; 0],
}

/// What an `onshi_candidates` holds.
#[derive(Clone, Default)]
pub(crate) struct Candidates(pub(crate) Vec<Candidate>);

impl Castable for onshi_candidates {
    type Rust = Candidates;
    const TAG: u64 = u64::from_le_bytes(*b"onshiCAN");
}

/// The EMR's patient id (カルテ番号 …), returned as is by the candidates (text).
pub const ONSHI_FIELD_PATIENT_ID: onshi_field = 701;
/// 氏名 (text).
pub const ONSHI_FIELD_PATIENT_NAME: onshi_field = 702;
/// 氏名カナ (text).
pub const ONSHI_FIELD_PATIENT_KANA: onshi_field = 703;
/// 生年月日 (date).
pub const ONSHI_FIELD_PATIENT_BIRTHDATE: onshi_field = 704;
/// 性別 (code; table `ONSHI_CODE_TABLE_SEX`).
pub const ONSHI_FIELD_PATIENT_SEX: onshi_field = 705;
/// 住所 (text).
pub const ONSHI_FIELD_PATIENT_ADDRESS: onshi_field = 706;
/// 照会番号 registered for this patient (text).
pub const ONSHI_FIELD_PATIENT_REFERENCE_NUMBER: onshi_field = 707;
/// Number of qualifications given with `onshi_matching_add_qualification` (integer,
/// read-only).
pub const ONSHI_FIELD_PATIENT_QUALIFICATION_COUNT: onshi_field = 708;
/// Number of 公費 given with `onshi_matching_add_public_expense` (integer, read-only).
pub const ONSHI_FIELD_PATIENT_PUBLIC_EXPENSE_COUNT: onshi_field = 709;

/// The candidate's patient id (text).
pub const ONSHI_FIELD_CANDIDATE_PATIENT_ID: onshi_field = 721;
/// The candidate's index in `ONSHI_LIST_PATIENTS` (integer).
pub const ONSHI_FIELD_CANDIDATE_INDEX: onshi_field = 722;
/// Score: the higher, the surer (integer).
pub const ONSHI_FIELD_CANDIDATE_SCORE: onshi_field = 723;
/// How sure (enum Strength).
pub const ONSHI_FIELD_CANDIDATE_STRENGTH: onshi_field = 724;
/// Evidence for, comma-separated ids (text: `"birthdate,name_same"`).
pub const ONSHI_FIELD_CANDIDATE_REASONS: onshi_field = 725;
/// Evidence for, as a bit set of `ONSHI_MATCH_*` flags (integer).
pub const ONSHI_FIELD_CANDIDATE_REASON_FLAGS: onshi_field = 726;
/// Evidence for, as Japanese labels joined by `、` (text).
pub const ONSHI_FIELD_CANDIDATE_REASON_LABELS: onshi_field = 727;
/// Evidence against, comma-separated ids (text).
pub const ONSHI_FIELD_CANDIDATE_CONFLICTS: onshi_field = 728;
/// Evidence against, as a bit set of `ONSHI_CONFLICT_*` flags (integer).
pub const ONSHI_FIELD_CANDIDATE_CONFLICT_FLAGS: onshi_field = 729;
/// Evidence against, as Japanese labels joined by `、` (text).
pub const ONSHI_FIELD_CANDIDATE_CONFLICT_LABELS: onshi_field = 730;

/// The patients of `onshi_matching` (fields `ONSHI_FIELD_PATIENT_*`).
pub const ONSHI_LIST_PATIENTS: onshi_list = 13;
/// The candidates of `onshi_candidates`, best first (fields `ONSHI_FIELD_CANDIDATE_*`).
pub const ONSHI_LIST_CANDIDATES: onshi_list = 14;

type P = PatientRecord;

static PATIENT_FIELDS: &[FieldDef<P>] = &[
    FieldDef {
        id: ONSHI_FIELD_PATIENT_ID,
        name: "[].patient_id",
        kind: TEXT,
        get: |p: &P| text(&p.patient_id),
        set: Some(|p: &mut P, v: Option<Value>| {
            p.patient_id = v.map(String::from_value).transpose()?.unwrap_or_default();
            Ok(())
        }),
    },
    field!(ONSHI_FIELD_PATIENT_NAME, "[].name", P, in person.name: Personal<String>),
    field!(ONSHI_FIELD_PATIENT_KANA, "[].name_kana", P, in person.name_kana: Personal<String>),
    field!(ONSHI_FIELD_PATIENT_BIRTHDATE, "[].birthdate", P, in person.birthdate: Personal<NaiveDate>),
    field!(ONSHI_FIELD_PATIENT_SEX, "[].sex1", P, in person.sex1: Sex),
    field!(ONSHI_FIELD_PATIENT_ADDRESS, "[].address", P, in person.address: Personal<String>),
    field!(ONSHI_FIELD_PATIENT_REFERENCE_NUMBER, "[].reference_number", P, reference_number: Personal<String>),
    ro!(
        ONSHI_FIELD_PATIENT_QUALIFICATION_COUNT,
        "[].qualifications.length",
        INTEGER,
        P,
        |p| int(p.qualifications.len())
    ),
    ro!(
        ONSHI_FIELD_PATIENT_PUBLIC_EXPENSE_COUNT,
        "[].public_expenses.length",
        INTEGER,
        P,
        |p| int(p.public_expenses.len())
    ),
];

fn joined<T: Copy>(vs: &[T], label: fn(T) -> &'static str) -> String {
    vs.iter().map(|v| label(*v)).collect::<Vec<_>>().join("、")
}

type C = Candidate;

static CANDIDATE_FIELDS: &[FieldDef<C>] = &[
    ro!(
        ONSHI_FIELD_CANDIDATE_PATIENT_ID,
        "[].patient_id",
        TEXT,
        C,
        |c| text(&c.patient_id)
    ),
    ro!(
        ONSHI_FIELD_CANDIDATE_INDEX,
        "[].index",
        INTEGER,
        C,
        |c| int(c.index)
    ),
    ro!(
        ONSHI_FIELD_CANDIDATE_SCORE,
        "[].score",
        INTEGER,
        C,
        |c| int(c.score)
    ),
    ro!(
        ONSHI_FIELD_CANDIDATE_STRENGTH,
        "[].strength",
        ENUM,
        C,
        |c| STRENGTH.value(c.strength)
    ),
    ro!(ONSHI_FIELD_CANDIDATE_REASONS, "[].reasons", TEXT, C, |c| {
        text(MATCH.ids(&c.reasons))
    }),
    ro!(
        ONSHI_FIELD_CANDIDATE_REASON_FLAGS,
        "[].reason_flags",
        INTEGER,
        C,
        |c| int(MATCH.bits(&c.reasons))
    ),
    ro!(
        ONSHI_FIELD_CANDIDATE_REASON_LABELS,
        "[].reason_labels",
        TEXT,
        C,
        |c| text(joined(&c.reasons, |r| r.label()))
    ),
    ro!(
        ONSHI_FIELD_CANDIDATE_CONFLICTS,
        "[].conflicts",
        TEXT,
        C,
        |c| text(CONFLICT.ids(&c.conflicts))
    ),
    ro!(
        ONSHI_FIELD_CANDIDATE_CONFLICT_FLAGS,
        "[].conflict_flags",
        INTEGER,
        C,
        |c| int(CONFLICT.bits(&c.conflicts))
    ),
    ro!(
        ONSHI_FIELD_CANDIDATE_CONFLICT_LABELS,
        "[].conflict_labels",
        TEXT,
        C,
        |c| text(joined(&c.conflicts, |r| r.label()))
    ),
];

/// The field tables of this module, for `onshi_field_*`.
pub(crate) fn meta(id: onshi_field) -> Option<Meta> {
    meta_in(PATIENT_FIELDS, id, ONSHI_LIST_PATIENTS)
        .or_else(|| meta_in(CANDIDATE_FIELDS, id, ONSHI_LIST_CANDIDATES))
}

fn no_record_fields(id: onshi_field) -> Failure {
    match super::field::meta(id) {
        Ok(m) => Failure::new(
            ONSHI_TYPE_MISMATCH,
            format!("field {id} ({}) does not belong here", m.name),
        ),
        Err(e) => e,
    }
}

impl Record for Patients {
    fn get(&self, t: Target, id: onshi_field) -> Result<(Kind, Option<Value>), Failure> {
        match t {
            Target::Item(ONSHI_LIST_PATIENTS, i) => {
                let d = find(PATIENT_FIELDS, id)?;
                Ok((d.kind, (d.get)(item(&self.0, i)?)))
            }
            Target::Item(list, _) => Err(unknown_list(list)),
            Target::Record => Err(no_record_fields(id)),
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
            Target::Item(ONSHI_LIST_PATIENTS, i) => {
                let d = find(PATIENT_FIELDS, id)?;
                check_want(d.kind, want)?;
                write(d, item_mut(&mut self.0, i)?, v)
            }
            Target::Item(list, _) => Err(unknown_list(list)),
            Target::Record => Err(no_record_fields(id)),
        }
    }

    fn count(&self, list: onshi_list) -> Result<usize, Failure> {
        match list {
            ONSHI_LIST_PATIENTS => Ok(self.0.len()),
            _ => Err(unknown_list(list)),
        }
    }

    fn add(&mut self, list: onshi_list) -> Result<usize, Failure> {
        self.count(list)?;
        self.0.push(PatientRecord::default());
        Ok(self.0.len() - 1)
    }

    fn remove(&mut self, list: onshi_list, index: usize) -> Result<(), Failure> {
        self.count(list)?;
        item(&self.0, index)?;
        self.0.remove(index);
        Ok(())
    }
}

impl Json for Patients {
    fn to_json(&self) -> String {
        serde_json::to_string(&self.0).unwrap_or_default()
    }
}

impl Record for Candidates {
    fn get(&self, t: Target, id: onshi_field) -> Result<(Kind, Option<Value>), Failure> {
        match t {
            Target::Item(ONSHI_LIST_CANDIDATES, i) => {
                let d = find(CANDIDATE_FIELDS, id)?;
                Ok((d.kind, (d.get)(item(&self.0, i)?)))
            }
            Target::Item(list, _) => Err(unknown_list(list)),
            Target::Record => Err(no_record_fields(id)),
        }
    }

    fn count(&self, list: onshi_list) -> Result<usize, Failure> {
        match list {
            ONSHI_LIST_CANDIDATES => Ok(self.0.len()),
            _ => Err(unknown_list(list)),
        }
    }
}

impl Json for Candidates {
    fn to_json(&self) -> String {
        serde_json::to_string(&self.0).unwrap_or_default()
    }
}

/// Creates an empty patient list.
///
/// The caller owns the returned handle and must free it with onshi_matching_free.
/// Returns NULL only if the library failed internally.
#[unsafe(no_mangle)]
pub extern "C" fn onshi_matching_new() -> *mut onshi_matching {
    guard_or(std::ptr::null_mut(), || {
        into_raw::<onshi_matching>(Patients::default())
    })
}

/// Reads the patient list from JSON: an array of `{"patient_id": "000123", "name": "…",
/// "kana": "…", "birthdate": "1960-02-03", "sex": "1", "address": "…",
/// "reference_number": "…", "qualifications": [records], "public_expenses": [公費 records]}`
/// (only `patient_id` is required).
///
/// Returns `ONSHI_JSON` when the text is not such an array.
/// `err`: NULL is accepted.
/// The caller owns the returned handle and must free it with onshi_matching_free.
/// Out-parameters are written only on success.
///
/// # Safety
/// `err` is NULL or a live `onshi_error`; `json` is NULL or readable for `json_len` bytes;
/// `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_matching_from_json(
    err: *mut onshi_error,
    json: *const u8,
    json_len: usize,
    out: *mut *mut onshi_matching,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_error(err, || {
            let out = Out::new(out)?;
            let v: Vec<PatientRecord> = serde_json::from_str(text_in(json, json_len)?)?;
            out.set(into_raw::<onshi_matching>(Patients(v)));
            Ok(())
        })
    }
}

/// Copies the patient list as JSON (the shape `onshi_matching_from_json` reads), UTF-8.
///
/// Out-parameters are written only on success, except `*out_len`, which is also written with
/// `ONSHI_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `m` is NULL or a live `onshi_matching`; `buf` is NULL or writable for `cap` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_matching_to_json(
    m: *const onshi_matching,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::to_json(m, buf, cap, out_len) }
}

/// Frees a patient list.
///
/// NULL is accepted. Must not be called twice with the same pointer.
///
/// # Safety
/// `m` is NULL or a live `onshi_matching`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_matching_free(m: *mut onshi_matching) {
    // SAFETY: forwarded from the caller.
    guard_or((), || unsafe { free(m) })
}

/// Copies the message of the most recent failed call on this patient list ("" if none
/// failed), UTF-8.
///
/// Out-parameters are written only on success, except `*out_len`, which is also written with
/// `ONSHI_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `m` is NULL or a live `onshi_matching`; `buf` is NULL or writable for `cap` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_matching_last_error(
    m: *const onshi_matching,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::last_error(m, buf, cap, out_len) }
}

/// The number of patients (`list` must be `ONSHI_LIST_PATIENTS`).
///
/// Out-parameters are written only on success.
///
/// # Safety
/// `m` is NULL or a live `onshi_matching`; `out_count` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_matching_count(
    m: *const onshi_matching,
    list: onshi_list,
    out_count: *mut usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::count(m, list, out_count) }
}

/// Appends an empty patient and reports its index.
///
/// Out-parameters are written only on success.
///
/// # Safety
/// `m` is NULL or a live `onshi_matching`; `out_index` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_matching_item_add(
    m: *mut onshi_matching,
    list: onshi_list,
    out_index: *mut usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::add(m, list, out_index) }
}

/// Removes a patient; the ones after it move down by one.
///
/// # Safety
/// `m` is NULL or a live `onshi_matching`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_matching_item_remove(
    m: *mut onshi_matching,
    list: onshi_list,
    index: usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::remove(m, list, index) }
}

/// Copies a field of a patient as text (`ONSHI_FIELD_PATIENT_*`), UTF-8.
///
/// Returns `ONSHI_NOT_PRESENT` when absent, `ONSHI_OUT_OF_RANGE` for an index past the end.
/// Out-parameters are written only on success, except `*out_len`, which is also written with
/// `ONSHI_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `m` is NULL or a live `onshi_matching`; `buf` is NULL or writable for `cap` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_matching_item_get_text(
    m: *const onshi_matching,
    list: onshi_list,
    index: usize,
    field: onshi_field,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::get_text(m, Target::Item(list, index), field, buf, cap, out_len) }
}

/// Sets a field of a patient from text (dates `YYYY-MM-DD`, 性別 as its code `1`/`2`).
///
/// # Safety
/// `m` is NULL or a live `onshi_matching`; `value` is NULL or readable for `value_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_matching_item_set_text(
    m: *mut onshi_matching,
    list: onshi_list,
    index: usize,
    field: onshi_field,
    value: *const u8,
    value_len: usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::set_text(m, Target::Item(list, index), field, value, value_len) }
}

/// Clears a field of a patient.
///
/// # Safety
/// `m` is NULL or a live `onshi_matching`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_matching_item_clear(
    m: *mut onshi_matching,
    list: onshi_list,
    index: usize,
    field: onshi_field,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::clear(m, Target::Item(list, index), field) }
}

/// Reads a date field of a patient.
///
/// Out-parameters are written only on success.
///
/// # Safety
/// `m` is NULL or a live `onshi_matching`; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_matching_item_get_date(
    m: *const onshi_matching,
    list: onshi_list,
    index: usize,
    field: onshi_field,
    out: *mut onshi_date,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::get_date(m, Target::Item(list, index), field, out) }
}

/// Sets a date field of a patient.
///
/// # Safety
/// `m` is NULL or a live `onshi_matching`; `value` is NULL or readable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_matching_item_set_date(
    m: *mut onshi_matching,
    list: onshi_list,
    index: usize,
    field: onshi_field,
    value: *const onshi_date,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::set_date(m, Target::Item(list, index), field, value) }
}

/// Reads an integer field of a patient.
///
/// Out-parameters are written only on success.
///
/// # Safety
/// `m` is NULL or a live `onshi_matching`; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_matching_item_get_u32(
    m: *const onshi_matching,
    list: onshi_list,
    index: usize,
    field: onshi_field,
    out: *mut u32,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::get_u32(m, Target::Item(list, index), field, out) }
}

/// Gives the patient at `index` a copy of a qualification it holds, so that a result can be
/// matched by its insurance card numbers.
///
/// Returns `ONSHI_OUT_OF_RANGE` for an index past the end.
///
/// # Safety
/// `m` is NULL or a live `onshi_matching`; `q` is NULL or a live `onshi_qualification`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_matching_add_qualification(
    m: *mut onshi_matching,
    index: usize,
    q: *const onshi_qualification,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method_mut(m, |m| {
            let q = handle_ref(q)?.value.clone();
            item_mut(&mut m.0, index)?.qualifications.push(q);
            Ok(())
        })
    }
}

/// Gives the patient at `index` a copy of a 公費 it holds, so that a result can be matched by
/// the 公費負担者番号 and 受給者番号 PMH sent with it.
///
/// Returns `ONSHI_OUT_OF_RANGE` for an index past the end.
///
/// # Safety
/// `m` is NULL or a live `onshi_matching`; `p` is NULL or a live `onshi_public_expense`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_matching_add_public_expense(
    m: *mut onshi_matching,
    index: usize,
    p: *const super::public_expense::onshi_public_expense,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method_mut(m, |m| {
            let p = handle_ref(p)?.value.clone();
            item_mut(&mut m.0, index)?.public_expenses.push(p);
            Ok(())
        })
    }
}

fn find_for(m: &Patients, query: &IdentityQuery, out: Out<*mut onshi_candidates>) {
    out.set(into_raw::<onshi_candidates>(Candidates(candidates(
        query, &m.0,
    ))));
}

/// Ranks the patients who may be the person of a returned record (face result, individual
/// or bulk answer), best first. An empty list means "register a new patient"
/// (`onshi_new_patient_draft_to_json`).
///
/// The caller owns the returned handle and must free it with onshi_candidates_free.
/// Out-parameters are written only on success.
///
/// # Safety
/// `m` is NULL or a live `onshi_matching`; `result` is NULL or a live `onshi_qualification`;
/// `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_matching_find(
    m: *const onshi_matching,
    result: *const onshi_qualification,
    out: *mut *mut onshi_candidates,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method(m, |m| {
            let out = Out::new(out)?;
            let q = &handle_ref(result)?.value;
            find_for(m, &IdentityQuery::from_result(q), out);
            Ok(())
        })
    }
}

/// Ranks the patients who may be the holder of a マイナンバーカード, from its 基本4情報
/// (no kana and no insurance numbers on the card, so birthdate and name carry the match).
///
/// The caller owns the returned handle and must free it with onshi_candidates_free.
/// Out-parameters are written only on success.
///
/// # Safety
/// `m` is NULL or a live `onshi_matching`; `info` is NULL or a live `onshi_basic_info`; `out`
/// is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_matching_find_card(
    m: *const onshi_matching,
    info: *const onshi_basic_info,
    out: *mut *mut onshi_candidates,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method(m, |m| {
            let out = Out::new(out)?;
            let info = &handle_ref(info)?.value;
            find_for(m, &info.identity_query(), out);
            Ok(())
        })
    }
}

/// Frees candidates.
///
/// NULL is accepted. Must not be called twice with the same pointer.
///
/// # Safety
/// `c` is NULL or a live `onshi_candidates`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_candidates_free(c: *mut onshi_candidates) {
    // SAFETY: forwarded from the caller.
    guard_or((), || unsafe { free(c) })
}

/// Copies the candidates as JSON (an array of `{"patient_id", "index", "score", "strength",
/// "reasons", "conflicts"}`), UTF-8.
///
/// Out-parameters are written only on success, except `*out_len`, which is also written with
/// `ONSHI_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `c` is NULL or a live `onshi_candidates`; `buf` is NULL or writable for `cap` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_candidates_to_json(
    c: *const onshi_candidates,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::to_json(c, buf, cap, out_len) }
}

/// Copies the message of the most recent failed call on these candidates ("" if none
/// failed), UTF-8.
///
/// Out-parameters are written only on success, except `*out_len`, which is also written with
/// `ONSHI_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `c` is NULL or a live `onshi_candidates`; `buf` is NULL or writable for `cap` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_candidates_last_error(
    c: *const onshi_candidates,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::last_error(c, buf, cap, out_len) }
}

/// The number of candidates (`list` must be `ONSHI_LIST_CANDIDATES`).
///
/// Out-parameters are written only on success.
///
/// # Safety
/// `c` is NULL or a live `onshi_candidates`; `out_count` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_candidates_count(
    c: *const onshi_candidates,
    list: onshi_list,
    out_count: *mut usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::count(c, list, out_count) }
}

/// Copies a field of a candidate as text (`ONSHI_FIELD_CANDIDATE_*`), UTF-8.
///
/// Out-parameters are written only on success, except `*out_len`, which is also written with
/// `ONSHI_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `c` is NULL or a live `onshi_candidates`; `buf` is NULL or writable for `cap` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_candidates_item_get_text(
    c: *const onshi_candidates,
    list: onshi_list,
    index: usize,
    field: onshi_field,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::get_text(c, Target::Item(list, index), field, buf, cap, out_len) }
}

/// Reads an integer or enumeration field of a candidate.
///
/// Out-parameters are written only on success.
///
/// # Safety
/// `c` is NULL or a live `onshi_candidates`; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_candidates_item_get_u32(
    c: *const onshi_candidates,
    list: onshi_list,
    index: usize,
    field: onshi_field,
    out: *mut u32,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::get_u32(c, Target::Item(list, index), field, out) }
}

/// Copies the 新患登録 draft for a returned record as JSON, UTF-8: the identity fields, the
/// coverage as returned (`qualification`, the first version of the new patient's history),
/// `public_assistance`, `name_has_substitute` (a ● in the name: never store it as is),
/// `substitute_fields` and `notes` (ids of what staff must check).
///
/// `err`: NULL is accepted.
/// Out-parameters are written only on success, except `*out_len`, which is also written with
/// `ONSHI_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `err` is NULL or a live `onshi_error`; `result` is NULL or a live `onshi_qualification`;
/// `buf` is NULL or writable for `cap` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_new_patient_draft_to_json(
    err: *mut onshi_error,
    result: *const onshi_qualification,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_error(err, || {
            let out = TextOut::new(buf, cap, out_len)?;
            let q = &handle_ref(result)?.value;
            let draft = NewPatientDraft::from_result(q);
            out.write(&serde_json::to_string(&draft)?)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_in_their_ranges() {
        for d in PATIENT_FIELDS {
            assert!((700..720).contains(&d.id), "{}", d.name);
        }
        for d in CANDIDATE_FIELDS {
            assert!((720..740).contains(&d.id), "{}", d.name);
        }
    }

    #[test]
    fn patient_fields_round_trip_as_text() {
        let mut p = Patients::default();
        let i = p.add(ONSHI_LIST_PATIENTS).unwrap();
        for (f, v) in [
            (ONSHI_FIELD_PATIENT_ID, "000123"),
            (ONSHI_FIELD_PATIENT_NAME, "見本　花子"),
            (ONSHI_FIELD_PATIENT_BIRTHDATE, "1960-02-03"),
            (ONSHI_FIELD_PATIENT_SEX, "2"),
        ] {
            let t = Target::Item(ONSHI_LIST_PATIENTS, i);
            p.set(t, f, Want::Text, Some(Value::Text(v.into())))
                .unwrap();
            assert_eq!(p.get(t, f).unwrap().1.unwrap().to_text(), v);
        }
        let json = p.to_json();
        assert!(json.contains("\"patient_id\":\"000123\""), "{json}");
        let t = Target::Item(ONSHI_LIST_PATIENTS, 0);
        assert_eq!(
            p.set(t, ONSHI_FIELD_PATIENT_QUALIFICATION_COUNT, Want::Text, None)
                .unwrap_err()
                .status,
            ONSHI_READ_ONLY
        );
    }
}
