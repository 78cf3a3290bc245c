//! `onshi_history` and `onshi_choices`: a patient's history of their qualification or of one
//! of their 公費 (apply a diff, unlink, expire) and the staff's decisions for one
//! application — adapters over [`crate::history`].
//!
//! One handle type serves both kinds (`onshi_history_kind`): `onshi_history_new` /
//! `_from_result` start a qualification history, `onshi_history_new_public_expense` /
//! `_from_result_public_expense` a 公費 history; review, apply, unlink, expire, the version
//! and audit lists and JSON work the same for both. Versions are the list
//! `ONSHI_LIST_HISTORY_VERSIONS` (fields `ONSHI_FIELD_VERSION_*`, the record by
//! `onshi_history_version_qualification` or `onshi_history_version_public_expense`), audit
//! events the list `ONSHI_LIST_HISTORY_AUDIT`. Who and when are always the caller's arguments
//! (an actor id and an `onshi_datetime`): the library never reads the clock.

use super::diff::{AnyReview, DiffValue, context, onshi_diff};
use super::document::{doc_answer, onshi_document};
use super::enums::*;
use super::error::{onshi_error, with_error};
use super::field::*;
use super::handle::{
    Castable, Out, free, handle_ref, into_raw, method, method_mut, read_in, text_in,
};
use super::panic::{Failure, guard_or};
use super::public_expense::onshi_public_expense;
use super::qualification::onshi_qualification;
use super::record::{self, *};
use super::status::*;
use crate::diff::{RecordField, RecordKind, Returned};
use crate::history::{
    ApplyOptions, AuditEvent, AuditKind, Choices, Decision, History, PublicExpenseHistory,
    QualificationHistory, ResultLink, ReviewContext, Source, Stamp, VersionId, VersionState,
};
use crate::model::{Field, PublicExpense, PublicExpenseField, Qualification};
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::ffi::c_char;

/// A patient's history of their qualification (資格履歴) or of one 公費 (公費の履歴).
///
/// Methods: `onshi_history_new`, `_from_result`, `_new_public_expense`,
/// `_from_result_public_expense`, `_from_json`, `_to_json`, `_free`, `_clone`,
/// `_last_error`, `_kind`, `_get_u32`, `_count`, `_item_get_text`, `_item_get_u32`,
/// `_item_get_date`, `_item_get_datetime`, `_version_qualification`,
/// `_version_public_expense`, `_current`, `_current_public_expense`, `_at`, `_review`,
/// `_review_record`, `_review_public_expense_record`, `_apply`, `_unlink`, `_expire`.
///
/// Threads: functions taking `const onshi_history *` may run concurrently on one history; a
/// function taking a non-const pointer needs it to itself.
pub struct onshi_history {
    _private: [u8; 0],
}

impl Castable for onshi_history {
    type Rust = AnyHistory;
    const TAG: u64 = u64::from_le_bytes(*b"onshiHIS");
}

/// What an `onshi_history` holds: a history of either kind.
#[derive(Clone)]
pub(crate) enum AnyHistory {
    /// Of the qualification.
    Qualification(QualificationHistory),
    /// Of one 公費.
    PublicExpense(PublicExpenseHistory),
}

/// Runs `$body` with `$h` bound to the history of whichever kind.
macro_rules! each {
    ($any:expr, $h:ident => $body:expr) => {
        match $any {
            AnyHistory::Qualification($h) => $body,
            AnyHistory::PublicExpense($h) => $body,
        }
    };
}

impl AnyHistory {
    fn kind(&self) -> RecordKind {
        match self {
            AnyHistory::Qualification(_) => RecordKind::Qualification,
            AnyHistory::PublicExpense(_) => RecordKind::PublicExpense,
        }
    }

    fn version_count(&self) -> usize {
        each!(self, h => h.versions.len())
    }

    fn current_id(&self) -> Option<VersionId> {
        each!(self, h => h.current().map(|v| v.id))
    }

    fn version_meta(&self, i: usize) -> Result<VersionMeta, Failure> {
        each!(self, h => {
            let v = item(&h.versions, i)?;
            Ok(VersionMeta {
                id: v.id,
                start: v.start,
                end: v.end,
                state: v.state,
                source: v.source.clone(),
                link: v.link.clone(),
            })
        })
    }

    fn audit_meta(&self, i: usize) -> Result<AuditEvent<&'static str>, Failure> {
        each!(self, h => Ok(audit_ids(item(&h.audit, i)?)))
    }

    fn audit_len(&self) -> usize {
        each!(self, h => h.audit.len())
    }

    fn position_at(&self, date: NaiveDate) -> Option<usize> {
        each!(self, h => h.versions.iter().position(|v| v.covers(date)))
    }

    fn qualification(&self) -> Result<&QualificationHistory, Failure> {
        match self {
            AnyHistory::Qualification(h) => Ok(h),
            AnyHistory::PublicExpense(_) => Err(Failure::new(
                ONSHI_HISTORY_WRONG_KIND,
                "this history keeps a 公費: use the _public_expense functions",
            )),
        }
    }

    fn public_expense(&self) -> Result<&PublicExpenseHistory, Failure> {
        match self {
            AnyHistory::PublicExpense(h) => Ok(h),
            AnyHistory::Qualification(_) => Err(Failure::new(
                ONSHI_HISTORY_WRONG_KIND,
                "this history keeps the qualification, not a 公費",
            )),
        }
    }
}

/// The parts of a version that do not depend on the record's kind.
pub(crate) struct VersionMeta {
    id: VersionId,
    start: NaiveDate,
    end: Option<NaiveDate>,
    state: VersionState,
    source: Source,
    link: Option<ResultLink>,
}

/// An audit event with its fields as their stable ids.
fn audit_ids<F: RecordField>(e: &AuditEvent<F>) -> AuditEvent<&'static str> {
    let ids = |v: &[F]| v.iter().map(|f| f.id()).collect::<Vec<_>>();
    let kind = match &e.kind {
        AuditKind::Created { start } => AuditKind::Created { start: *start },
        AuditKind::Linked {
            result_id,
            presentation,
        } => AuditKind::Linked {
            result_id: result_id.clone(),
            presentation: *presentation,
        },
        AuditKind::Updated { fields, result_id } => AuditKind::Updated {
            fields: ids(fields),
            result_id: result_id.clone(),
        },
        AuditKind::Closed { end } => AuditKind::Closed { end: *end },
        AuditKind::Opened {
            start,
            fields,
            result_id,
        } => AuditKind::Opened {
            start: *start,
            fields: ids(fields),
            result_id: result_id.clone(),
        },
        AuditKind::Unlinked { result_id } => AuditKind::Unlinked {
            result_id: result_id.clone(),
        },
        AuditKind::Expired { end } => AuditKind::Expired { end: *end },
    };
    AuditEvent {
        actor: e.actor.clone(),
        at: e.at,
        version: e.version,
        kind,
    }
}

/// The staff's decisions for one `onshi_history_apply` (反映 or keep, per field; identity
/// verified; an explicit start date). A new object follows every recommendation.
///
/// Methods: `onshi_choices_new`, `_free`, `_from_json`, `_to_json`, `_last_error`, `_set`,
/// `_clear`, `_set_identity_verified`, `_set_start_date`.
pub struct onshi_choices {
    _private: [u8; 0],
}

impl Castable for onshi_choices {
    type Rust = AnyChoices;
    const TAG: u64 = u64::from_le_bytes(*b"onshiCHO");
}

/// Where a version's data came from: one of the `ONSHI_SOURCE_*` values.
#[allow(non_camel_case_types)]
pub type onshi_source = u32;
/// Entered by hand (paper card, 新患登録).
pub const ONSHI_SOURCE_MANUAL: onshi_source = 1;
/// Taken from a terminal result.
pub const ONSHI_SOURCE_TERMINAL: onshi_source = 2;

/// What an audit event records: one of the `ONSHI_AUDIT_*` values.
#[allow(non_camel_case_types)]
pub type onshi_audit_event = u32;
/// The history was created with its first version.
pub const ONSHI_AUDIT_CREATED: onshi_audit_event = 1;
/// The version was linked to a result.
pub const ONSHI_AUDIT_LINKED: onshi_audit_event = 2;
/// Fields were updated in place (反映).
pub const ONSHI_AUDIT_UPDATED: onshi_audit_event = 3;
/// The version was closed because a new one replaced it.
pub const ONSHI_AUDIT_CLOSED: onshi_audit_event = 4;
/// A new version was opened from a result.
pub const ONSHI_AUDIT_OPENED: onshi_audit_event = 5;
/// The link to a result was removed (資格情報の解除).
pub const ONSHI_AUDIT_UNLINKED: onshi_audit_event = 6;
/// Staff closed the version.
pub const ONSHI_AUDIT_EXPIRED: onshi_audit_event = 7;

/// Id of the latest version (integer; absent when the history is empty).
pub const ONSHI_FIELD_HISTORY_CURRENT_ID: onshi_field = 601;
/// Number of versions (integer).
pub const ONSHI_FIELD_HISTORY_VERSION_COUNT: onshi_field = 602;
/// What the history keeps (enum RecordKind): the qualification or a 公費.
pub const ONSHI_FIELD_HISTORY_KIND: onshi_field = 603;

/// A version's id, unique in its history (integer).
pub const ONSHI_FIELD_VERSION_ID: onshi_field = 651;
/// First day the version applies (date).
pub const ONSHI_FIELD_VERSION_START: onshi_field = 652;
/// Last day the version applies (date; absent while open).
pub const ONSHI_FIELD_VERSION_END: onshi_field = 653;
/// The version's state (enum VersionState).
pub const ONSHI_FIELD_VERSION_STATE: onshi_field = 654;
/// Where the data came from (enum Source).
pub const ONSHI_FIELD_VERSION_SOURCE: onshi_field = 655;
/// The result the data came from (text; absent for manual data).
pub const ONSHI_FIELD_VERSION_SOURCE_RESULT_ID: onshi_field = 656;
/// When the data was entered or applied (date-time).
pub const ONSHI_FIELD_VERSION_SOURCE_AT: onshi_field = 657;
/// The result the version is linked to (text; absent when not linked).
pub const ONSHI_FIELD_VERSION_LINK_RESULT_ID: onshi_field = 658;
/// 資格確認日 of the linked result (date).
pub const ONSHI_FIELD_VERSION_LINK_CONFIRMATION_DATE: onshi_field = 659;
/// When the linked result arrived, if known (date-time).
pub const ONSHI_FIELD_VERSION_LINK_RECEIVED_AT: onshi_field = 660;
/// What the patient presented for the linked confirmation (enum Presentation).
pub const ONSHI_FIELD_VERSION_LINK_PRESENTATION: onshi_field = 670;

/// Who did it: the caller's actor id (text).
pub const ONSHI_FIELD_AUDIT_ACTOR: onshi_field = 681;
/// When: the caller's time (date-time).
pub const ONSHI_FIELD_AUDIT_AT: onshi_field = 682;
/// The version concerned (integer).
pub const ONSHI_FIELD_AUDIT_VERSION: onshi_field = 683;
/// What happened (enum AuditEvent).
pub const ONSHI_FIELD_AUDIT_EVENT: onshi_field = 684;
/// The result concerned (text; absent for created, closed, expired).
pub const ONSHI_FIELD_AUDIT_RESULT_ID: onshi_field = 685;
/// The new version's first day (date; opened and created only).
pub const ONSHI_FIELD_AUDIT_START: onshi_field = 686;
/// The version's last day (date; closed and expired only).
pub const ONSHI_FIELD_AUDIT_END: onshi_field = 687;
/// The fields taken from the result, comma-separated diff field ids (text; updated and
/// opened only).
pub const ONSHI_FIELD_AUDIT_FIELDS: onshi_field = 688;
/// What the patient presented for a `linked` event's confirmation (enum Presentation).
pub const ONSHI_FIELD_AUDIT_PRESENTATION: onshi_field = 695;

/// The versions of `onshi_history`, oldest first (fields `ONSHI_FIELD_VERSION_*`).
pub const ONSHI_LIST_HISTORY_VERSIONS: onshi_list = 11;
/// The audit events of `onshi_history`, oldest first (fields `ONSHI_FIELD_AUDIT_*`).
pub const ONSHI_LIST_HISTORY_AUDIT: onshi_list = 12;

type H = AnyHistory;
type Version = VersionMeta;

static HISTORY_FIELDS: &[FieldDef<H>] = &[
    ro!(
        ONSHI_FIELD_HISTORY_CURRENT_ID,
        "current.id",
        INTEGER,
        H,
        |h| h.current_id().and_then(int)
    ),
    ro!(
        ONSHI_FIELD_HISTORY_VERSION_COUNT,
        "versions.length",
        INTEGER,
        H,
        |h| int(h.version_count())
    ),
    ro!(ONSHI_FIELD_HISTORY_KIND, "kind", ENUM, H, |h| RECORD_KIND
        .value(h.kind())),
];

fn source_at(s: &Source) -> chrono::NaiveDateTime {
    match s {
        Source::Manual { at } | Source::Terminal { at, .. } => *at,
    }
}

static VERSION_FIELDS: &[FieldDef<Version>] = &[
    ro!(
        ONSHI_FIELD_VERSION_ID,
        "versions[].id",
        INTEGER,
        Version,
        |v| int(v.id)
    ),
    ro!(
        ONSHI_FIELD_VERSION_START,
        "versions[].start",
        DATE,
        Version,
        |v| { Some(Value::Date(v.start)) }
    ),
    ro!(
        ONSHI_FIELD_VERSION_END,
        "versions[].end",
        DATE,
        Version,
        |v| { opt_date(v.end) }
    ),
    ro!(
        ONSHI_FIELD_VERSION_STATE,
        "versions[].state",
        ENUM,
        Version,
        |v| { STATE.value(v.state) }
    ),
    ro!(
        ONSHI_FIELD_VERSION_SOURCE,
        "versions[].source.kind",
        ENUM,
        Version,
        |v| Some(match v.source {
            Source::Manual { .. } => Value::Enum(ONSHI_SOURCE_MANUAL, "manual"),
            Source::Terminal { .. } => Value::Enum(ONSHI_SOURCE_TERMINAL, "terminal"),
        })
    ),
    ro!(
        ONSHI_FIELD_VERSION_SOURCE_RESULT_ID,
        "versions[].source.result_id",
        TEXT,
        Version,
        |v| match &v.source {
            Source::Terminal { result_id, .. } => text(result_id),
            Source::Manual { .. } => None,
        }
    ),
    ro!(
        ONSHI_FIELD_VERSION_SOURCE_AT,
        "versions[].source.at",
        DATETIME,
        Version,
        |v| Some(Value::DateTime(source_at(&v.source)))
    ),
    ro!(
        ONSHI_FIELD_VERSION_LINK_RESULT_ID,
        "versions[].link.result_id",
        TEXT,
        Version,
        |v| opt_text(v.link.as_ref().map(|l| &l.result_id))
    ),
    ro!(
        ONSHI_FIELD_VERSION_LINK_CONFIRMATION_DATE,
        "versions[].link.confirmation_date",
        DATE,
        Version,
        |v| opt_date(v.link.as_ref().map(|l| l.confirmation_date))
    ),
    ro!(
        ONSHI_FIELD_VERSION_LINK_RECEIVED_AT,
        "versions[].link.received_at",
        DATETIME,
        Version,
        |v| opt_datetime(v.link.as_ref().and_then(|l| l.received_at))
    ),
    ro!(
        ONSHI_FIELD_VERSION_LINK_PRESENTATION,
        "versions[].link.presentation",
        ENUM,
        Version,
        |v| v
            .link
            .as_ref()
            .and_then(|l| l.presentation)
            .and_then(|p| PRESENTATION.value(p))
    ),
];

fn audit_event<F>(k: &AuditKind<F>) -> Value {
    match k {
        AuditKind::Created { .. } => Value::Enum(ONSHI_AUDIT_CREATED, "created"),
        AuditKind::Linked { .. } => Value::Enum(ONSHI_AUDIT_LINKED, "linked"),
        AuditKind::Updated { .. } => Value::Enum(ONSHI_AUDIT_UPDATED, "updated"),
        AuditKind::Closed { .. } => Value::Enum(ONSHI_AUDIT_CLOSED, "closed"),
        AuditKind::Opened { .. } => Value::Enum(ONSHI_AUDIT_OPENED, "opened"),
        AuditKind::Unlinked { .. } => Value::Enum(ONSHI_AUDIT_UNLINKED, "unlinked"),
        AuditKind::Expired { .. } => Value::Enum(ONSHI_AUDIT_EXPIRED, "expired"),
    }
}

static AUDIT_FIELDS: &[FieldDef<AuditEvent<&'static str>>] = &[
    ro!(
        ONSHI_FIELD_AUDIT_ACTOR,
        "audit[].actor",
        TEXT,
        AuditEvent<&'static str>,
        |e| { text(&e.actor) }
    ),
    ro!(
        ONSHI_FIELD_AUDIT_AT,
        "audit[].at",
        DATETIME,
        AuditEvent<&'static str>,
        |e| { Some(Value::DateTime(e.at)) }
    ),
    ro!(
        ONSHI_FIELD_AUDIT_VERSION,
        "audit[].version",
        INTEGER,
        AuditEvent<&'static str>,
        |e| int(e.version)
    ),
    ro!(
        ONSHI_FIELD_AUDIT_EVENT,
        "audit[].event",
        ENUM,
        AuditEvent<&'static str>,
        |e| { Some(audit_event(&e.kind)) }
    ),
    ro!(
        ONSHI_FIELD_AUDIT_RESULT_ID,
        "audit[].result_id",
        TEXT,
        AuditEvent<&'static str>,
        |e| match &e.kind {
            AuditKind::Linked { result_id, .. }
            | AuditKind::Updated { result_id, .. }
            | AuditKind::Opened { result_id, .. }
            | AuditKind::Unlinked { result_id } => text(result_id),
            AuditKind::Created { .. } | AuditKind::Closed { .. } | AuditKind::Expired { .. } => {
                None
            }
        }
    ),
    ro!(
        ONSHI_FIELD_AUDIT_START,
        "audit[].start",
        DATE,
        AuditEvent<&'static str>,
        |e| {
            match &e.kind {
                AuditKind::Created { start } | AuditKind::Opened { start, .. } => {
                    Some(Value::Date(*start))
                }
                _ => None,
            }
        }
    ),
    ro!(
        ONSHI_FIELD_AUDIT_END,
        "audit[].end",
        DATE,
        AuditEvent<&'static str>,
        |e| {
            match &e.kind {
                AuditKind::Closed { end } | AuditKind::Expired { end } => Some(Value::Date(*end)),
                _ => None,
            }
        }
    ),
    ro!(
        ONSHI_FIELD_AUDIT_FIELDS,
        "audit[].fields",
        TEXT,
        AuditEvent<&'static str>,
        |e| match &e.kind {
            AuditKind::Updated { fields, .. } | AuditKind::Opened { fields, .. } => {
                text(fields.join(","))
            }
            _ => None,
        }
    ),
    ro!(
        ONSHI_FIELD_AUDIT_PRESENTATION,
        "audit[].presentation",
        ENUM,
        AuditEvent<&'static str>,
        |e| match &e.kind {
            AuditKind::Linked {
                presentation: Some(p),
                ..
            } => PRESENTATION.value(*p),
            _ => None,
        }
    ),
];

/// The field tables of this module, for `onshi_field_*`.
pub(crate) fn meta(id: onshi_field) -> Option<Meta> {
    meta_in(HISTORY_FIELDS, id, ONSHI_LIST_NONE)
        .or_else(|| meta_in(VERSION_FIELDS, id, ONSHI_LIST_HISTORY_VERSIONS))
        .or_else(|| meta_in(AUDIT_FIELDS, id, ONSHI_LIST_HISTORY_AUDIT))
}

impl Record for AnyHistory {
    fn get(&self, t: Target, id: onshi_field) -> Result<(Kind, Option<Value>), Failure> {
        match t {
            Target::Record => read_field(HISTORY_FIELDS, self, id),
            Target::Item(ONSHI_LIST_HISTORY_VERSIONS, i) => {
                let d = find(VERSION_FIELDS, id)?;
                Ok((d.kind, (d.get)(&self.version_meta(i)?)))
            }
            Target::Item(ONSHI_LIST_HISTORY_AUDIT, i) => {
                let d = find(AUDIT_FIELDS, id)?;
                Ok((d.kind, (d.get)(&self.audit_meta(i)?)))
            }
            Target::Item(list, _) => Err(unknown_list(list)),
        }
    }

    fn count(&self, list: onshi_list) -> Result<usize, Failure> {
        match list {
            ONSHI_LIST_HISTORY_VERSIONS => Ok(self.version_count()),
            ONSHI_LIST_HISTORY_AUDIT => Ok(self.audit_len()),
            _ => Err(unknown_list(list)),
        }
    }
}

impl Json for AnyHistory {
    fn to_json(&self) -> String {
        each!(self, h => h.to_json())
    }
}

/// The staff's decisions held by an `onshi_choices`: fields by `ONSHI_FIELD_*` number, of
/// either kind of record (the numbers of the qualification and of a 公費 never overlap); they
/// are checked against the history's kind when applied.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct AnyChoices {
    fields: BTreeMap<onshi_field, Decision>,
    identity_verified: bool,
    start_date: Option<NaiveDate>,
}

/// The enumeration entry (id) of a field number of either record kind.
fn field_id(n: onshi_field) -> Option<&'static str> {
    FIELD
        .rows
        .iter()
        .map(|r| (r.1, r.2))
        .chain(PUBLIC_EXPENSE_FIELD.rows.iter().map(|r| (r.1, r.2)))
        .find(|r| r.0 == n)
        .map(|r| r.1)
}

impl AnyChoices {
    fn typed<F: RecordField>(
        &self,
        parse: impl Fn(onshi_field) -> Option<F>,
        kind: &str,
    ) -> Result<Choices<F>, Failure> {
        let mut fields = BTreeMap::new();
        for (n, d) in &self.fields {
            let f = parse(*n).ok_or_else(|| {
                Failure::new(
                    ONSHI_HISTORY_WRONG_KIND,
                    format!("field {n} is not a field of {kind}"),
                )
            })?;
            fields.insert(f, *d);
        }
        Ok(Choices {
            fields,
            identity_verified: self.identity_verified,
            start_date: self.start_date,
        })
    }

    /// The JSON form `Choices` has: field ids as keys.
    fn to_wire(&self) -> Choices<String> {
        Choices {
            fields: self
                .fields
                .iter()
                .filter_map(|(n, d)| field_id(*n).map(|id| (id.to_string(), *d)))
                .collect(),
            identity_verified: self.identity_verified,
            start_date: self.start_date,
        }
    }

    fn from_wire(c: Choices<String>) -> Result<AnyChoices, Failure> {
        let mut fields = BTreeMap::new();
        for (id, d) in c.fields {
            let n = Field::from_id(&id)
                .map(Field::number)
                .or_else(|| PublicExpenseField::from_id(&id).map(PublicExpenseField::number))
                .ok_or_else(|| {
                    Failure::new(
                        ONSHI_JSON,
                        format!("unknown field id {id:?} in the choices"),
                    )
                })?;
            fields.insert(n, d);
        }
        Ok(AnyChoices {
            fields,
            identity_verified: c.identity_verified,
            start_date: c.start_date,
        })
    }
}

impl Json for AnyChoices {
    fn to_json(&self) -> String {
        serde_json::to_string(&self.to_wire()).unwrap_or_default()
    }
}

/// Who and when, from C.
///
/// # Safety
/// `actor` is NULL or readable for `actor_len` bytes; `at` is NULL or readable.
unsafe fn stamp(
    actor: *const u8,
    actor_len: usize,
    at: *const onshi_datetime,
) -> Result<Stamp, Failure> {
    // SAFETY: forwarded from the caller.
    let actor = unsafe { text_in(actor, actor_len) }?;
    // SAFETY: forwarded from the caller.
    let at = unsafe { read_in(at) }?.to_naive()?;
    Ok(Stamp::new(actor, at))
}

/// Starts a history with one version entered by hand (from the paper card, 新患登録),
/// starting on `start`. `actor` (the EMR's staff or process id, UTF-8) and `at` go into the
/// audit trail.
///
/// `err`: NULL is accepted.
/// The caller owns the returned handle and must free it with onshi_history_free.
/// Out-parameters are written only on success.
///
/// # Safety
/// `err` is NULL or a live `onshi_error`; `first` is NULL or a live `onshi_qualification`;
/// `start` and `at` are NULL or readable; `actor` is NULL or readable for `actor_len` bytes;
/// `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_history_new(
    err: *mut onshi_error,
    first: *const onshi_qualification,
    start: *const onshi_date,
    actor: *const u8,
    actor_len: usize,
    at: *const onshi_datetime,
    out: *mut *mut onshi_history,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_error(err, || {
            let out = Out::new(out)?;
            let q = handle_ref(first)?.value.clone();
            let start = read_in(start)?.to_naive()?;
            let stamp = stamp(actor, actor_len, at)?;
            let h = QualificationHistory::new(q, start, Source::manual(stamp.at), &stamp);
            out.set(into_raw::<onshi_history>(AnyHistory::Qualification(h)));
            Ok(())
        })
    }
}

/// Starts a history whose first version comes from a terminal result, linked to it (the
/// 新患登録 flow: the record is usually a result of `onshi_document_result_at`).
/// `result_id` is the caller's id of the result (the res file name …).
///
/// `err`: NULL is accepted.
/// The caller owns the returned handle and must free it with onshi_history_free.
/// Out-parameters are written only on success.
///
/// # Safety
/// `err` is NULL or a live `onshi_error`; `first` is NULL or a live `onshi_qualification`;
/// the dates are NULL or readable; each text is NULL or readable for its length; `out` is
/// NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_history_from_result(
    err: *mut onshi_error,
    first: *const onshi_qualification,
    start: *const onshi_date,
    result_id: *const u8,
    result_id_len: usize,
    confirmation_date: *const onshi_date,
    actor: *const u8,
    actor_len: usize,
    at: *const onshi_datetime,
    out: *mut *mut onshi_history,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_error(err, || {
            let out = Out::new(out)?;
            let q = handle_ref(first)?.value.clone();
            let start = read_in(start)?.to_naive()?;
            let link = ResultLink::new(
                text_in(result_id, result_id_len)?,
                read_in(confirmation_date)?.to_naive()?,
            );
            let stamp = stamp(actor, actor_len, at)?;
            let h = QualificationHistory::from_result(q, start, &link, &stamp);
            out.set(into_raw::<onshi_history>(AnyHistory::Qualification(h)));
            Ok(())
        })
    }
}

/// Reads a history from JSON (as `onshi_history_to_json` writes it; a 公費 history by its
/// `"kind"`) and checks its invariants (ids unique, versions ordered and not overlapping).
///
/// Returns `ONSHI_JSON` for text that is not a history, `ONSHI_HISTORY_INCONSISTENT` for one
/// that breaks the invariants.
/// `err`: NULL is accepted.
/// The caller owns the returned handle and must free it with onshi_history_free.
/// Out-parameters are written only on success.
///
/// # Safety
/// `err` is NULL or a live `onshi_error`; `json` is NULL or readable for `json_len` bytes;
/// `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_history_from_json(
    err: *mut onshi_error,
    json: *const u8,
    json_len: usize,
    out: *mut *mut onshi_history,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_error(err, || {
            let out = Out::new(out)?;
            out.set(into_raw::<onshi_history>(history_from_json(text_in(
                json, json_len,
            )?)?));
            Ok(())
        })
    }
}

/// Copies the history as JSON (versions with their qualifications, links and states, and
/// the audit trail), UTF-8. Store it with the patient and read it back with
/// `onshi_history_from_json`.
///
/// Out-parameters are written only on success, except `*out_len`, which is also written with
/// `ONSHI_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `h` is NULL or a live `onshi_history`; `buf` is NULL or writable for `cap` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_history_to_json(
    h: *const onshi_history,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::to_json(h, buf, cap, out_len) }
}

/// Frees a history.
///
/// NULL is accepted. Must not be called twice with the same pointer.
///
/// # Safety
/// `h` is NULL or a live `onshi_history`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_history_free(h: *mut onshi_history) {
    // SAFETY: forwarded from the caller.
    guard_or((), || unsafe { free(h) })
}

/// Copies a history.
///
/// The caller owns the returned handle and must free it with onshi_history_free.
/// Out-parameters are written only on success.
///
/// # Safety
/// `h` is NULL or a live `onshi_history`; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_history_clone(
    h: *const onshi_history,
    out: *mut *mut onshi_history,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::clone(h, out) }
}

/// Copies the message of the most recent failed call on this history ("" if none failed),
/// UTF-8.
///
/// Out-parameters are written only on success, except `*out_len`, which is also written with
/// `ONSHI_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `h` is NULL or a live `onshi_history`; `buf` is NULL or writable for `cap` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_history_last_error(
    h: *const onshi_history,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::last_error(h, buf, cap, out_len) }
}

/// Reads an integer field of the history (`ONSHI_FIELD_HISTORY_*`).
///
/// Returns `ONSHI_NOT_PRESENT` when absent.
/// Out-parameters are written only on success.
///
/// # Safety
/// `h` is NULL or a live `onshi_history`; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_history_get_u32(
    h: *const onshi_history,
    field: onshi_field,
    out: *mut u32,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::get_u32(h, Target::Record, field, out) }
}

/// The number of items of a list of the history (`ONSHI_LIST_HISTORY_*`).
///
/// Out-parameters are written only on success.
///
/// # Safety
/// `h` is NULL or a live `onshi_history`; `out_count` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_history_count(
    h: *const onshi_history,
    list: onshi_list,
    out_count: *mut usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::count(h, list, out_count) }
}

/// Copies a field of a version or audit event as text, UTF-8.
///
/// Returns `ONSHI_OUT_OF_RANGE` for an index past the end, `ONSHI_NOT_PRESENT` when absent.
/// Out-parameters are written only on success, except `*out_len`, which is also written with
/// `ONSHI_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `h` is NULL or a live `onshi_history`; `buf` is NULL or writable for `cap` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_history_item_get_text(
    h: *const onshi_history,
    list: onshi_list,
    index: usize,
    field: onshi_field,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::get_text(h, Target::Item(list, index), field, buf, cap, out_len) }
}

/// Reads an integer or enumeration field of a version or audit event.
///
/// Out-parameters are written only on success.
///
/// # Safety
/// `h` is NULL or a live `onshi_history`; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_history_item_get_u32(
    h: *const onshi_history,
    list: onshi_list,
    index: usize,
    field: onshi_field,
    out: *mut u32,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::get_u32(h, Target::Item(list, index), field, out) }
}

/// Reads a date field of a version or audit event.
///
/// Out-parameters are written only on success.
///
/// # Safety
/// `h` is NULL or a live `onshi_history`; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_history_item_get_date(
    h: *const onshi_history,
    list: onshi_list,
    index: usize,
    field: onshi_field,
    out: *mut onshi_date,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::get_date(h, Target::Item(list, index), field, out) }
}

/// Reads a date-time field of a version or audit event.
///
/// Out-parameters are written only on success.
///
/// # Safety
/// `h` is NULL or a live `onshi_history`; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_history_item_get_datetime(
    h: *const onshi_history,
    list: onshi_list,
    index: usize,
    field: onshi_field,
    out: *mut onshi_datetime,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::get_datetime(h, Target::Item(list, index), field, out) }
}

/// Copies the qualification of the version at `index` of `ONSHI_LIST_HISTORY_VERSIONS`.
///
/// Returns `ONSHI_OUT_OF_RANGE` for an index past the end, `ONSHI_HISTORY_WRONG_KIND` for a
/// 公費 history (`onshi_history_version_public_expense`).
/// The caller owns the returned handle and must free it with onshi_qualification_free.
/// Out-parameters are written only on success.
///
/// # Safety
/// `h` is NULL or a live `onshi_history`; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_history_version_qualification(
    h: *const onshi_history,
    index: usize,
    out: *mut *mut onshi_qualification,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method(h, |h| {
            let out = Out::new(out)?;
            let v = item(&h.qualification()?.versions, index)?;
            out.set(into_raw::<onshi_qualification>(v.qualification.clone()));
            Ok(())
        })
    }
}

/// Copies the qualification of the latest version (the one a diff is made against).
///
/// Returns `ONSHI_NOT_PRESENT` when the history has no version, `ONSHI_HISTORY_WRONG_KIND`
/// for a 公費 history (`onshi_history_current_public_expense`).
/// The caller owns the returned handle and must free it with onshi_qualification_free.
/// Out-parameters are written only on success.
///
/// # Safety
/// `h` is NULL or a live `onshi_history`; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_history_current(
    h: *const onshi_history,
    out: *mut *mut onshi_qualification,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method(h, |h| {
            let out = Out::new(out)?;
            let v = h
                .qualification()?
                .current()
                .ok_or(Failure::of(ONSHI_NOT_PRESENT))?;
            out.set(into_raw::<onshi_qualification>(v.qualification.clone()));
            Ok(())
        })
    }
}

/// The index (in `ONSHI_LIST_HISTORY_VERSIONS`) of the version in force on `date`.
///
/// Returns `ONSHI_NOT_PRESENT` when no version covers the date.
/// Out-parameters are written only on success.
///
/// # Safety
/// `h` is NULL or a live `onshi_history`; `date` is NULL or readable; `out_index` is NULL or
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_history_at(
    h: *const onshi_history,
    date: *const onshi_date,
    out_index: *mut usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method(h, |h| {
            let out = Out::new(out_index)?;
            let date = read_in(date)?.to_naive()?;
            let i = h.position_at(date).ok_or(Failure::of(ONSHI_NOT_PRESENT))?;
            out.set(i);
            Ok(())
        })
    }
}

/// Reviews the answer of a 資格確認結果 document (`unit` = `SIZE_MAX`) or of unit `unit` of a
/// bulk answer against the history's current version: the diff staff see, keeping the returned
/// record it selected (when several came back, the one with the registered 保険者番号 and
/// 番号) and the history revision it was made on, for `onshi_history_apply`. For a 公費
/// history the answer's PMH data are reviewed (the one with the registered 公費負担者番号 and
/// 受給者番号); none for this 公費 gives the verdict `ONSHI_VERDICT_UNKNOWN`, never 失効.
/// `result_id` (the res or face file name …) identifies the result: NULL uses the document's
/// file name. `confirmation_date` (資格確認日) NULL uses the document's; `query_kind` 0 comes
/// from the document. `clinic_kind` (`ONSHI_CLINIC_KIND_*`) is the clinic's kind of care: a
/// 医療扶助 医療券 whose 診療別 does not fit it gets a notice; 0 does not check it.
///
/// Returns `ONSHI_TYPE_MISMATCH` for a document that is not a 資格確認結果 (or not a bulk
/// answer when a unit is given), `ONSHI_INVALID_ARGUMENT` for an unknown `clinic_kind`,
/// `ONSHI_OUT_OF_RANGE` for a unit past the end,
/// `ONSHI_NOT_PRESENT` when no date is given and the document has none, or no result id is
/// given and the document has no file name, `ONSHI_HISTORY_EMPTY` for a history without a
/// version.
/// `result_id`: NULL is accepted. `confirmation_date`: NULL is accepted.
/// The caller owns the returned handle and must free it with onshi_diff_free.
/// Out-parameters are written only on success.
///
/// # Safety
/// `h` is NULL or a live `onshi_history`; `doc` is NULL or a live `onshi_document`;
/// `result_id` is NULL or readable for `result_id_len` bytes; `confirmation_date` is NULL or
/// readable; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_history_review(
    h: *const onshi_history,
    doc: *const onshi_document,
    unit: usize,
    result_id: *const u8,
    result_id_len: usize,
    confirmation_date: *const onshi_date,
    query_kind: onshi_query_kind,
    clinic_kind: onshi_clinic_kind,
    out: *mut *mut onshi_diff,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        onshi_history_review_presented(
            h,
            doc,
            unit,
            result_id,
            result_id_len,
            confirmation_date,
            query_kind,
            clinic_kind,
            0,
            out,
        )
    }
}

/// `onshi_history_review` with what the patient presented (`ONSHI_PRESENTATION_*`; 0: not
/// recorded) beside the clinic's kind (`clinic_kind`, as for `onshi_history_review`). The presentation is kept with the confirmation (the version's link and the
/// `linked` audit event once applied; `ONSHI_FIELD_DIFF_PRESENTATION` of the review) and
/// feeds the advice: お知らせ alone, a 資格確認書 holder's 記号・番号 query, the 後期高齢
/// 資格確認書 without an address and the 2026-08 rule, 該当資格なし with a 申立書. A face result
/// (`ONSHI_QUERY_KIND_MY_NUMBER_CARD`) is a マイナ保険証 whatever is passed, except that
/// `ONSHI_PRESENTATION_MY_NUMBER_SMARTPHONE` is kept.
///
/// Returns what `onshi_history_review` returns, and `ONSHI_INVALID_ARGUMENT` for an unknown
/// `presentation`.
/// `result_id`: NULL is accepted. `confirmation_date`: NULL is accepted.
/// The caller owns the returned handle and must free it with onshi_diff_free.
/// Out-parameters are written only on success.
///
/// # Safety
/// `h` is NULL or a live `onshi_history`; `doc` is NULL or a live `onshi_document`;
/// `result_id` is NULL or readable for `result_id_len` bytes; `confirmation_date` is NULL or
/// readable; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_history_review_presented(
    h: *const onshi_history,
    doc: *const onshi_document,
    unit: usize,
    result_id: *const u8,
    result_id_len: usize,
    confirmation_date: *const onshi_date,
    query_kind: onshi_query_kind,
    clinic_kind: onshi_clinic_kind,
    presentation: onshi_presentation,
    out: *mut *mut onshi_diff,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method(h, |h| {
            let out = Out::new(out)?;
            let clinic = super::enums::clinic_kind(clinic_kind)?;
            let shown = PRESENTATION.parse_optional(presentation)?;
            let d = &handle_ref(doc)?.value;
            let id = if result_id.is_null() {
                None
            } else {
                Some(text_in(result_id, result_id_len)?)
            };
            let unit = (unit != usize::MAX).then_some(unit);
            let (answer, mut ctx) = doc_answer(d, unit, confirmation_date, query_kind, id)?;
            ctx.clinic_kind = clinic;
            if ctx.result_id.is_empty() {
                return Err(Failure::new(
                    ONSHI_NOT_PRESENT,
                    "the document has no file name: pass result_id",
                ));
            }
            ctx.presentation = shown;
            let v = match h {
                AnyHistory::Qualification(h) => {
                    DiffValue::new(h.review(Returned::from(answer), &ctx)?)
                }
                AnyHistory::PublicExpense(h) => {
                    DiffValue::of_public_expense(h.review(Returned::public_expenses(answer), &ctx)?)
                }
            };
            out.set(into_raw::<onshi_diff>(v));
            Ok(())
        })
    }
}

/// Reviews a returned record (read as a valid answer of the terminal) against the history's
/// current version, as `onshi_history_review` does for a document. `result_id` identifies
/// the result; `confirmation_date` is the 資格確認日; `clinic_kind` as for
/// `onshi_history_review` (0: not checked).
///
/// Returns `ONSHI_INVALID_ARGUMENT` for an unknown `query_kind` or `clinic_kind`,
/// `ONSHI_INVALID_VALUE` for a date that does not exist, `ONSHI_HISTORY_EMPTY` for a history
/// without a version, `ONSHI_HISTORY_WRONG_KIND` for a 公費 history
/// (`onshi_history_review_public_expense_record`).
/// The caller owns the returned handle and must free it with onshi_diff_free.
/// Out-parameters are written only on success.
///
/// # Safety
/// `h` is NULL or a live `onshi_history`; `returned` is NULL or a live `onshi_qualification`;
/// `result_id` is NULL or readable for `result_id_len` bytes; `confirmation_date` is NULL or
/// readable; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_history_review_record(
    h: *const onshi_history,
    returned: *const onshi_qualification,
    result_id: *const u8,
    result_id_len: usize,
    confirmation_date: *const onshi_date,
    query_kind: onshi_query_kind,
    clinic_kind: onshi_clinic_kind,
    out: *mut *mut onshi_diff,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        onshi_history_review_record_presented(
            h,
            returned,
            result_id,
            result_id_len,
            confirmation_date,
            query_kind,
            clinic_kind,
            0,
            out,
        )
    }
}

/// `onshi_history_review_record` with what the patient presented (`ONSHI_PRESENTATION_*`;
/// 0: not recorded) beside the clinic's kind (`clinic_kind`, 0: not checked), as for
/// `onshi_history_review_presented`.
///
/// Returns what `onshi_history_review_record` returns, and `ONSHI_INVALID_ARGUMENT` for an
/// unknown `presentation`.
/// The caller owns the returned handle and must free it with onshi_diff_free.
/// Out-parameters are written only on success.
///
/// # Safety
/// `h` is NULL or a live `onshi_history`; `returned` is NULL or a live `onshi_qualification`;
/// `result_id` is NULL or readable for `result_id_len` bytes; `confirmation_date` is NULL or
/// readable; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_history_review_record_presented(
    h: *const onshi_history,
    returned: *const onshi_qualification,
    result_id: *const u8,
    result_id_len: usize,
    confirmation_date: *const onshi_date,
    query_kind: onshi_query_kind,
    clinic_kind: onshi_clinic_kind,
    presentation: onshi_presentation,
    out: *mut *mut onshi_diff,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method(h, |h| {
            let out = Out::new(out)?;
            let clinic = super::enums::clinic_kind(clinic_kind)?;
            let shown = PRESENTATION.parse_optional(presentation)?;
            let ret: &Qualification = &handle_ref(returned)?.value;
            let id = text_in(result_id, result_id_len)?;
            let c = context(confirmation_date, query_kind)?;
            let mut ctx = ReviewContext::new(id, c.confirmation_date, c.query_kind);
            ctx.clinic_kind = clinic;
            ctx.presentation = shown;
            let review = h.qualification()?.review(Returned::record(ret), &ctx)?;
            out.set(into_raw::<onshi_diff>(DiffValue::new(review)));
            Ok(())
        })
    }
}

/// Applies a reviewed answer (`onshi_history_review`): links the result, updates the current
/// version in place, or closes it and opens a new one (see the library's history module). The
/// values come from the returned record the review judged; nothing is compared again.
/// `choices` NULL follows every recommendation. `policy` dates a new version when the card
/// did not change (`ONSHI_START_DATE_*`). Applying the same result twice changes nothing.
///
/// Returns `ONSHI_HISTORY_NOT_CONFIRMED` for a not-confirmed answer,
/// `ONSHI_HISTORY_IDENTITY_NOT_VERIFIED` when the review asks for 本人確認 and `choices` does
/// not say it was done, `ONSHI_HISTORY_STALE_REVIEW` when the history changed since the
/// review was made (or the review was not made by a history: `onshi_diff_compare`),
/// `ONSHI_HISTORY_SUBSTITUTE_REFUSED` when a value holding ● was chosen for 反映,
/// `ONSHI_HISTORY_UNKNOWN` for a 公費 review without PMH data (nothing to apply; the 公費 is
/// not expired), `ONSHI_HISTORY_WRONG_KIND` for a diff or choices of the other kind of record.
/// On failure the history is unchanged.
/// `choices`: NULL is accepted. `out_events`: NULL is accepted; it receives the number of
/// audit events this call added (0 when the result was already applied).
/// Out-parameters are written only on success.
///
/// # Safety
/// `h` is NULL or a live `onshi_history`; `review` is NULL or a live `onshi_diff`; `choices`
/// is NULL or a live `onshi_choices`; `actor` is NULL or readable for `actor_len` bytes; `at`
/// is NULL or readable; `out_events` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_history_apply(
    h: *mut onshi_history,
    review: *const onshi_diff,
    choices: *const onshi_choices,
    policy: onshi_start_date_policy,
    actor: *const u8,
    actor_len: usize,
    at: *const onshi_datetime,
    out_events: *mut usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method_mut(h, |h| {
            let out = if out_events.is_null() {
                None
            } else {
                Some(Out::new(out_events)?)
            };
            let r: &DiffValue = &handle_ref(review)?.value;
            let recommended = AnyChoices::default();
            let choices: &AnyChoices = if choices.is_null() {
                &recommended
            } else {
                &handle_ref(choices)?.value
            };
            let policy = START_DATE.parse_num(policy)?;
            let how = ApplyOptions::new(policy, stamp(actor, actor_len, at)?);
            let wrong = |found| {
                Failure::new(
                    ONSHI_HISTORY_WRONG_KIND,
                    format!("a diff of a {found} cannot be applied to this history"),
                )
            };
            let events = match (h, &r.review) {
                (AnyHistory::Qualification(h), AnyReview::Qualification(r)) => {
                    let c = choices.typed(Field::from_number, "the qualification")?;
                    h.apply(r, &c, &how)?.len()
                }
                (AnyHistory::PublicExpense(h), AnyReview::PublicExpense(r)) => {
                    let c = choices.typed(PublicExpenseField::from_number, "a 公費")?;
                    h.apply(r, &c, &how)?.len()
                }
                (_, AnyReview::Qualification(_)) => return Err(wrong("qualification")),
                (_, AnyReview::PublicExpense(_)) => return Err(wrong("公費")),
            };
            if let Some(out) = out {
                out.set(events);
            }
            Ok(())
        })
    }
}

/// Removes the link between the version with id `version_id` (`ONSHI_FIELD_VERSION_ID`) and
/// its result (資格情報の解除, e.g. linked to the wrong patient). The data stays; an audit
/// event is recorded.
///
/// Returns `ONSHI_HISTORY_NO_SUCH_VERSION` or `ONSHI_HISTORY_NOT_LINKED`.
///
/// # Safety
/// `h` is NULL or a live `onshi_history`; `actor` is NULL or readable for `actor_len` bytes;
/// `at` is NULL or readable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_history_unlink(
    h: *mut onshi_history,
    version_id: u32,
    actor: *const u8,
    actor_len: usize,
    at: *const onshi_datetime,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method_mut(h, |h| {
            let stamp = stamp(actor, actor_len, at)?;
            each!(h, h => h.unlink(version_id, &stamp).map(|_| ()))?;
            Ok(())
        })
    }
}

/// Closes the version with id `version_id` on `last_day` (e.g. the day before 資格喪失).
///
/// Returns `ONSHI_HISTORY_NO_SUCH_VERSION`, or `ONSHI_HISTORY_INVALID_END` for a day before
/// the version's start (or past its end, for a version that is not the latest).
///
/// # Safety
/// `h` is NULL or a live `onshi_history`; `last_day` and `at` are NULL or readable; `actor`
/// is NULL or readable for `actor_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_history_expire(
    h: *mut onshi_history,
    version_id: u32,
    last_day: *const onshi_date,
    actor: *const u8,
    actor_len: usize,
    at: *const onshi_datetime,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method_mut(h, |h| {
            let last = read_in(last_day)?.to_naive()?;
            let stamp = stamp(actor, actor_len, at)?;
            each!(h, h => h.expire(version_id, last, &stamp).map(|_| ()))?;
            Ok(())
        })
    }
}

// ---- 公費 ----

/// Reads a history of either kind from JSON (`"kind"` says which; absent: qualification).
pub(crate) fn history_from_json(text: &str) -> Result<AnyHistory, Failure> {
    let v: serde_json::Value = serde_json::from_str(text)?;
    let kind = match v.get("kind") {
        None => RecordKind::Qualification,
        Some(k) => serde_json::from_value(k.clone())?,
    };
    Ok(match kind {
        RecordKind::Qualification => AnyHistory::Qualification(History::from_json(text)?),
        RecordKind::PublicExpense => AnyHistory::PublicExpense(History::from_json(text)?),
    })
}

/// Starts the history of one 公費 with a version entered by hand (from the paper 受給者証:
/// set its `source` to `paper`), starting on `start`. `actor` (the EMR's staff or process id,
/// UTF-8) and `at` go into the audit trail. A patient has one such history per 公費.
///
/// `err`: NULL is accepted.
/// The caller owns the returned handle and must free it with onshi_history_free.
/// Out-parameters are written only on success.
///
/// # Safety
/// `err` is NULL or a live `onshi_error`; `first` is NULL or a live `onshi_public_expense`;
/// `start` and `at` are NULL or readable; `actor` is NULL or readable for `actor_len` bytes;
/// `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_history_new_public_expense(
    err: *mut onshi_error,
    first: *const onshi_public_expense,
    start: *const onshi_date,
    actor: *const u8,
    actor_len: usize,
    at: *const onshi_datetime,
    out: *mut *mut onshi_history,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_error(err, || {
            let out = Out::new(out)?;
            let p: PublicExpense = handle_ref(first)?.value.clone();
            let start = read_in(start)?.to_naive()?;
            let stamp = stamp(actor, actor_len, at)?;
            let h = PublicExpenseHistory::new(p, start, Source::manual(stamp.at), &stamp);
            out.set(into_raw::<onshi_history>(AnyHistory::PublicExpense(h)));
            Ok(())
        })
    }
}

/// Starts the history of one 公費 from what PMH sent (usually an item of
/// `onshi_qualification_public_expense_at`), linked to the result `result_id`; its source
/// becomes `pmh` when it has none.
///
/// `err`: NULL is accepted.
/// The caller owns the returned handle and must free it with onshi_history_free.
/// Out-parameters are written only on success.
///
/// # Safety
/// `err` is NULL or a live `onshi_error`; `first` is NULL or a live `onshi_public_expense`;
/// the dates are NULL or readable; each text is NULL or readable for its length; `out` is
/// NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_history_from_result_public_expense(
    err: *mut onshi_error,
    first: *const onshi_public_expense,
    start: *const onshi_date,
    result_id: *const u8,
    result_id_len: usize,
    confirmation_date: *const onshi_date,
    actor: *const u8,
    actor_len: usize,
    at: *const onshi_datetime,
    out: *mut *mut onshi_history,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_error(err, || {
            let out = Out::new(out)?;
            let p: PublicExpense = handle_ref(first)?.value.clone();
            let start = read_in(start)?.to_naive()?;
            let link = ResultLink::new(
                text_in(result_id, result_id_len)?,
                read_in(confirmation_date)?.to_naive()?,
            );
            let stamp = stamp(actor, actor_len, at)?;
            let h = PublicExpenseHistory::from_result(p, start, &link, &stamp);
            out.set(into_raw::<onshi_history>(AnyHistory::PublicExpense(h)));
            Ok(())
        })
    }
}

/// What the history keeps: `ONSHI_KIND_QUALIFICATION` or `ONSHI_KIND_PUBLIC_EXPENSE`.
///
/// Out-parameters are written only on success.
///
/// # Safety
/// `h` is NULL or a live `onshi_history`; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_history_kind(
    h: *const onshi_history,
    out: *mut onshi_record_kind,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method(h, |h| {
            Out::new(out)?.set(RECORD_KIND.num(h.kind()));
            Ok(())
        })
    }
}

/// Copies the 公費 of the version at `index` of `ONSHI_LIST_HISTORY_VERSIONS` of a 公費
/// history.
///
/// Returns `ONSHI_OUT_OF_RANGE` for an index past the end, `ONSHI_HISTORY_WRONG_KIND` for a
/// qualification history.
/// The caller owns the returned handle and must free it with onshi_public_expense_free.
/// Out-parameters are written only on success.
///
/// # Safety
/// `h` is NULL or a live `onshi_history`; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_history_version_public_expense(
    h: *const onshi_history,
    index: usize,
    out: *mut *mut onshi_public_expense,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method(h, |h| {
            let out = Out::new(out)?;
            let v = item(&h.public_expense()?.versions, index)?;
            out.set(into_raw::<onshi_public_expense>(v.qualification.clone()));
            Ok(())
        })
    }
}

/// Copies the 公費 of the latest version of a 公費 history (the one a diff is made against).
///
/// Returns `ONSHI_NOT_PRESENT` when the history has no version, `ONSHI_HISTORY_WRONG_KIND`
/// for a qualification history.
/// The caller owns the returned handle and must free it with onshi_public_expense_free.
/// Out-parameters are written only on success.
///
/// # Safety
/// `h` is NULL or a live `onshi_history`; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_history_current_public_expense(
    h: *const onshi_history,
    out: *mut *mut onshi_public_expense,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method(h, |h| {
            let out = Out::new(out)?;
            let v = h
                .public_expense()?
                .current()
                .ok_or(Failure::of(ONSHI_NOT_PRESENT))?;
            out.set(into_raw::<onshi_public_expense>(v.qualification.clone()));
            Ok(())
        })
    }
}

/// Reviews a returned 公費 (read as PMH data of a valid answer) against a 公費 history's
/// current version, as `onshi_history_review` does for a document. `result_id` identifies
/// the result; `confirmation_date` is the 資格確認日.
///
/// Returns `ONSHI_INVALID_ARGUMENT` for an unknown `query_kind`, `ONSHI_INVALID_VALUE` for a
/// date that does not exist, `ONSHI_HISTORY_EMPTY` for a history without a version,
/// `ONSHI_HISTORY_WRONG_KIND` for a qualification history.
/// The caller owns the returned handle and must free it with onshi_diff_free.
/// Out-parameters are written only on success.
///
/// # Safety
/// `h` is NULL or a live `onshi_history`; `returned` is NULL or a live
/// `onshi_public_expense`; `result_id` is NULL or readable for `result_id_len` bytes;
/// `confirmation_date` is NULL or readable; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_history_review_public_expense_record(
    h: *const onshi_history,
    returned: *const onshi_public_expense,
    result_id: *const u8,
    result_id_len: usize,
    confirmation_date: *const onshi_date,
    query_kind: onshi_query_kind,
    out: *mut *mut onshi_diff,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method(h, |h| {
            let out = Out::new(out)?;
            let ret: &PublicExpense = &handle_ref(returned)?.value;
            let id = text_in(result_id, result_id_len)?;
            let c = context(confirmation_date, query_kind)?;
            let ctx = ReviewContext::new(id, c.confirmation_date, c.query_kind);
            let review = h.public_expense()?.review(Returned::record(ret), &ctx)?;
            out.set(into_raw::<onshi_diff>(DiffValue::of_public_expense(review)));
            Ok(())
        })
    }
}

// ---- choices ----

/// Creates choices that follow every recommendation.
///
/// The caller owns the returned handle and must free it with onshi_choices_free.
/// Returns NULL only if the library failed internally.
#[unsafe(no_mangle)]
pub extern "C" fn onshi_choices_new() -> *mut onshi_choices {
    guard_or(std::ptr::null_mut(), || {
        into_raw::<onshi_choices>(AnyChoices::default())
    })
}

/// Frees choices.
///
/// NULL is accepted. Must not be called twice with the same pointer.
///
/// # Safety
/// `c` is NULL or a live `onshi_choices`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_choices_free(c: *mut onshi_choices) {
    // SAFETY: forwarded from the caller.
    guard_or((), || unsafe { free(c) })
}

/// Reads choices from JSON: `{"fields": {"address": "reflect", "name": "keep"},
/// "identity_verified": true, "start_date": "2025-04-01"}` (every member optional; field ids
/// as in `ONSHI_FIELD_DIFF_ITEM_FIELD`, of the qualification or of a 公費).
///
/// Returns `ONSHI_JSON` when the text is not choices (or names an unknown field).
/// `err`: NULL is accepted.
/// The caller owns the returned handle and must free it with onshi_choices_free.
/// Out-parameters are written only on success.
///
/// # Safety
/// `err` is NULL or a live `onshi_error`; `json` is NULL or readable for `json_len` bytes;
/// `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_choices_from_json(
    err: *mut onshi_error,
    json: *const u8,
    json_len: usize,
    out: *mut *mut onshi_choices,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_error(err, || {
            let out = Out::new(out)?;
            let c: Choices<String> = serde_json::from_str(text_in(json, json_len)?)?;
            out.set(into_raw::<onshi_choices>(AnyChoices::from_wire(c)?));
            Ok(())
        })
    }
}

/// Copies the choices as JSON (the shape `onshi_choices_from_json` reads), UTF-8.
///
/// Out-parameters are written only on success, except `*out_len`, which is also written with
/// `ONSHI_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `c` is NULL or a live `onshi_choices`; `buf` is NULL or writable for `cap` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_choices_to_json(
    c: *const onshi_choices,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::to_json(c, buf, cap, out_len) }
}

/// Copies the message of the most recent failed call on these choices ("" if none failed),
/// UTF-8.
///
/// Out-parameters are written only on success, except `*out_len`, which is also written with
/// `ONSHI_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `c` is NULL or a live `onshi_choices`; `buf` is NULL or writable for `cap` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_choices_last_error(
    c: *const onshi_choices,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::last_error(c, buf, cap, out_len) }
}

/// Decides one field: `ONSHI_DECISION_REFLECT` (反映) or `ONSHI_DECISION_KEEP`, whatever
/// the recommendation. The field is one of the qualification (`ONSHI_FIELD_*`) or of a 公費
/// (`ONSHI_FIELD_PUBLIC_EXPENSE_*`); it must fit the history when the choices are applied.
///
/// Returns `ONSHI_INVALID_ARGUMENT` for an unknown field or decision.
///
/// # Safety
/// `c` is NULL or a live `onshi_choices`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_choices_set(
    c: *mut onshi_choices,
    field: onshi_field,
    decision: onshi_decision,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method_mut(c, |c| {
            if field_id(field).is_none() {
                return Err(Failure::new(
                    ONSHI_INVALID_ARGUMENT,
                    format!("unknown onshi_field value {field}"),
                ));
            }
            let d: Decision = DECISION.parse_num(decision)?;
            c.fields.insert(field, d);
            Ok(())
        })
    }
}

/// Withdraws the decision on one field: it follows the recommendation again.
///
/// Returns `ONSHI_INVALID_ARGUMENT` for an unknown field.
///
/// # Safety
/// `c` is NULL or a live `onshi_choices`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_choices_clear(
    c: *mut onshi_choices,
    field: onshi_field,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method_mut(c, |c| {
            if field_id(field).is_none() {
                return Err(Failure::new(
                    ONSHI_INVALID_ARGUMENT,
                    format!("unknown onshi_field value {field}"),
                ));
            }
            c.fields.remove(&field);
            Ok(())
        })
    }
}

/// Records whether staff verified the patient's identity (needed to apply a diff whose
/// verdict is `ONSHI_VERDICT_VERIFY_IDENTITY`).
///
/// # Safety
/// `c` is NULL or a live `onshi_choices`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_choices_set_identity_verified(
    c: *mut onshi_choices,
    verified: bool,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method_mut(c, |c| {
            c.identity_verified = verified;
            Ok(())
        })
    }
}

/// Sets an explicit start for a new version (overriding the computed one), or with NULL
/// goes back to the computed one.
///
/// `date`: NULL is accepted.
///
/// # Safety
/// `c` is NULL or a live `onshi_choices`; `date` is NULL or readable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_choices_set_start_date(
    c: *mut onshi_choices,
    date: *const onshi_date,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method_mut(c, |c| {
            c.start_date = if date.is_null() {
                None
            } else {
                Some(read_in(date)?.to_naive()?)
            };
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_in_their_ranges() {
        for d in HISTORY_FIELDS {
            assert!((600..650).contains(&d.id), "{}", d.name);
        }
        for d in VERSION_FIELDS {
            assert!((650..680).contains(&d.id), "{}", d.name);
        }
        for d in AUDIT_FIELDS {
            assert!((680..700).contains(&d.id), "{}", d.name);
        }
    }

    #[test]
    fn audit_event_ids_are_the_serde_tags() {
        let d = chrono::NaiveDate::from_ymd_opt(2025, 4, 1).unwrap();
        for (k, id) in [
            (AuditKind::<Field>::Created { start: d }, "created"),
            (
                AuditKind::Linked {
                    result_id: "r".into(),
                    presentation: None,
                },
                "linked",
            ),
            (
                AuditKind::Updated {
                    fields: vec![],
                    result_id: "r".into(),
                },
                "updated",
            ),
            (AuditKind::Closed { end: d }, "closed"),
            (
                AuditKind::Opened {
                    start: d,
                    fields: vec![],
                    result_id: "r".into(),
                },
                "opened",
            ),
            (
                AuditKind::Unlinked {
                    result_id: "r".into(),
                },
                "unlinked",
            ),
            (AuditKind::Expired { end: d }, "expired"),
        ] {
            let json = serde_json::to_value(&k).unwrap();
            assert_eq!(json["event"], id);
            assert!(matches!(audit_event(&k), Value::Enum(_, i) if i == id));
        }
    }
}
