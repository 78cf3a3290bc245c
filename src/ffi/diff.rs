//! `onshi_diff`: a reviewed answer — the comparison of the clinic's record with the terminal's
//! answer and the records it judged (an adapter over [`crate::history::Review`]).
//!
//! A diff is made by `onshi_history_review` / `onshi_history_review_record` (against a
//! history's current version: it can be applied with `onshi_history_apply`), or outside any
//! history by `onshi_diff_compare` (two records) and `onshi_diff_compare_document` (a record and
//! a parsed 資格確認結果) for screens that only show differences. A staff screen shows both
//! values of every field. Read-only: fields by id (`ONSHI_FIELD_DIFF_*`), the compared fields as the list
//! `ONSHI_LIST_DIFF_FIELDS`, notices and the not-confirmed guidance as lists of their own.

use super::enums::*;
use super::error::{onshi_error, with_error};
use super::field::*;
use super::handle::{Castable, Out, free, into_raw, method, read_in};
use super::panic::{Failure, guard_or};
use super::public_expense::onshi_public_expense;
use super::qualification::onshi_qualification;
use super::record::{self, *};
use super::status::*;
use crate::diff::{
    self, Action, Advice, Class, DiffContext, NotConfirmed, Notice, Record as Compared,
    RecordField, RecordKind, Returned, Verdict,
};
use crate::history::{Review, ReviewContext};
use crate::model::{PublicExpense, Qualification};
use crate::text::Reason;
use std::borrow::Cow;
use std::ffi::c_char;

/// A diff (比較結果) of a registered record with a returned one.
///
/// Methods: `onshi_diff_compare`, `onshi_diff_compare_document`, `_free`, `_clone`,
/// `_to_json`, `_from_json`, `_last_error`, `_get_text`, `_get_u32`, `_get_date`, `_count`,
/// `_item_get_text`, `_item_get_u32`, `_registered`, `_returned`.
///
/// Threads: every method takes `const onshi_diff *` and may run concurrently on one diff.
pub struct onshi_diff {
    _private: [u8; 0],
}

/// One compared field, with the texts a staff screen shows (whatever the record's kind).
#[derive(Clone)]
pub(crate) struct Row {
    /// The field's `ONSHI_FIELD_*` number and stable id.
    pub(crate) field: (u32, &'static str),
    label: Cow<'static, str>,
    class: Class,
    reasons: Vec<Reason>,
    positions: Vec<usize>,
    advice: Advice,
    action: Action,
    message: Cow<'static, str>,
    pub(crate) registered: Option<String>,
    pub(crate) returned: Option<String>,
}

/// A review of either kind of record.
#[derive(Clone)]
pub(crate) enum AnyReview {
    /// Of the qualification.
    Qualification(Box<Review<Qualification>>),
    /// Of a 公費.
    PublicExpense(Box<Review<PublicExpense>>),
}

/// The parts of a diff that do not depend on the record's kind.
#[derive(Clone)]
pub(crate) struct Head {
    pub(crate) kind: RecordKind,
    pub(crate) verdict: Verdict,
    pub(crate) context: DiffContext,
    pub(crate) not_confirmed: Option<NotConfirmed>,
    pub(crate) notices: Vec<Notice>,
    pub(crate) recheck: Option<crate::diff::Recheck>,
    pub(crate) record_index: Option<usize>,
}

/// What an `onshi_diff` holds: a review (the diff and the records it judged), and the texts
/// of its rows.
#[derive(Clone)]
pub(crate) struct DiffValue {
    pub(crate) review: AnyReview,
    pub(crate) head: Head,
    pub(crate) rows: Vec<Row>,
}

fn rows_of<R: Compared>(review: &Review<R>) -> (Head, Vec<Row>) {
    let d = &review.diff;
    let rows = d
        .fields
        .iter()
        .map(|f| Row {
            field: (f.field.number(), f.field.id()),
            label: f.label.clone(),
            class: f.class,
            reasons: f.reasons.clone(),
            positions: f.positions.clone(),
            advice: f.advice,
            action: f.action,
            message: f.message.clone(),
            registered: R::field_display(f.field, &review.registered),
            returned: review
                .returned
                .as_ref()
                .and_then(|q| R::field_display(f.field, q)),
        })
        .collect();
    let head = Head {
        kind: R::KIND,
        verdict: d.verdict,
        context: d.context,
        not_confirmed: d.not_confirmed.clone(),
        notices: d.notices.clone(),
        recheck: d.recheck.clone(),
        record_index: d.record_index,
    };
    (head, rows)
}

impl DiffValue {
    pub(crate) fn new(review: Review<Qualification>) -> DiffValue {
        let (head, rows) = rows_of(&review);
        DiffValue {
            review: AnyReview::Qualification(Box::new(review)),
            head,
            rows,
        }
    }

    pub(crate) fn of_public_expense(review: Review<PublicExpense>) -> DiffValue {
        let (head, rows) = rows_of(&review);
        DiffValue {
            review: AnyReview::PublicExpense(Box::new(review)),
            head,
            rows,
        }
    }

    pub(crate) fn head(&self) -> &Head {
        &self.head
    }
}

impl Castable for onshi_diff {
    type Rust = DiffValue;
    const TAG: u64 = u64::from_le_bytes(*b"onshiDIF");
}

/// 判定 (enum Verdict; text: `"update_recommended"` …).
pub const ONSHI_FIELD_DIFF_VERDICT: onshi_field = 501;
/// 判定 as a Japanese label for staff (text).
pub const ONSHI_FIELD_DIFF_VERDICT_LABEL: onshi_field = 502;
/// 資格確認日 the comparison was made for (date).
pub const ONSHI_FIELD_DIFF_CONFIRMATION_DATE: onshi_field = 503;
/// How the person was queried (enum QueryKind).
pub const ONSHI_FIELD_DIFF_QUERY_KIND: onshi_field = 504;
/// Index of the compared record among the answer's results (integer; absent when none came
/// back).
pub const ONSHI_FIELD_DIFF_RECORD_INDEX: onshi_field = 505;
/// What the patient presented, as the review read it (enum Presentation; a face result is a
/// マイナ保険証; absent when not recorded).
pub const ONSHI_FIELD_DIFF_PRESENTATION: onshi_field = 520;
/// Why the answer does not confirm a qualification (enum Cause; absent when it does).
pub const ONSHI_FIELD_DIFF_CAUSE: onshi_field = 506;
/// The cause as a Japanese label (text).
pub const ONSHI_FIELD_DIFF_CAUSE_LABEL: onshi_field = 507;
/// 処理結果コード of a not-confirmed answer, as returned (text).
pub const ONSHI_FIELD_DIFF_RESULT_CODE: onshi_field = 508;
/// 処理結果メッセージ of a not-confirmed answer, to be shown verbatim (text).
pub const ONSHI_FIELD_DIFF_RESULT_MESSAGE: onshi_field = 509;
/// The clinic's kind of care the review was made for (enum ClinicKind; absent when not
/// given).
pub const ONSHI_FIELD_DIFF_CLINIC_KIND: onshi_field = 515;
/// Why the answer should be asked again later (enum RecheckReason; absent when nothing is to
/// re-check): 医療扶助 early in the month, this month's 医療券 not registered yet.
pub const ONSHI_FIELD_DIFF_RECHECK_REASON: onshi_field = 511;
/// The first day worth asking again (date).
pub const ONSHI_FIELD_DIFF_RECHECK_DATE: onshi_field = 512;
/// The month the re-check is about, `yyyyMM` (text).
pub const ONSHI_FIELD_DIFF_RECHECK_MONTH: onshi_field = 513;
/// What staff should do about the re-check, in Japanese (text).
pub const ONSHI_FIELD_DIFF_RECHECK_MESSAGE: onshi_field = 514;
/// What was compared (enum RecordKind): the qualification or a 公費. The items' field numbers
/// are that record's (`ONSHI_FIELD_*` or `ONSHI_FIELD_PUBLIC_EXPENSE_*`).
pub const ONSHI_FIELD_DIFF_RECORD_KIND: onshi_field = 510;

/// A compared field: which one (enum Field; text: its id in the record JSON). The number is
/// the record's own `ONSHI_FIELD_*` (`ONSHI_FIELD_PUBLIC_EXPENSE_*` in a 公費 diff), so
/// `onshi_qualification_get_text` (`onshi_public_expense_get_text`) reads the value.
pub const ONSHI_FIELD_DIFF_ITEM_FIELD: onshi_field = 551;
/// The field's Japanese label (text).
pub const ONSHI_FIELD_DIFF_ITEM_LABEL: onshi_field = 552;
/// How the two values relate (enum DiffClass).
pub const ONSHI_FIELD_DIFF_ITEM_CLASS: onshi_field = 553;
/// The class as a Japanese label (text).
pub const ONSHI_FIELD_DIFF_ITEM_CLASS_LABEL: onshi_field = 554;
/// The normalizations that made the values equal, comma-separated ids (text: `"width,space"`).
pub const ONSHI_FIELD_DIFF_ITEM_REASONS: onshi_field = 555;
/// The same as a bit set of `ONSHI_REASON_*` flags (integer).
pub const ONSHI_FIELD_DIFF_ITEM_REASON_FLAGS: onshi_field = 556;
/// The same as Japanese labels joined by `、` (text).
pub const ONSHI_FIELD_DIFF_ITEM_REASON_LABELS: onshi_field = 557;
/// Why the action is recommended (enum Advice).
pub const ONSHI_FIELD_DIFF_ITEM_ADVICE: onshi_field = 558;
/// The recommended action (enum DiffAction).
pub const ONSHI_FIELD_DIFF_ITEM_ACTION: onshi_field = 559;
/// The action as a Japanese label (text).
pub const ONSHI_FIELD_DIFF_ITEM_ACTION_LABEL: onshi_field = 560;
/// The guidance for staff, in Japanese (text).
pub const ONSHI_FIELD_DIFF_ITEM_MESSAGE: onshi_field = 561;
/// The registered value as shown on a staff screen (text; absent when not registered).
pub const ONSHI_FIELD_DIFF_ITEM_REGISTERED: onshi_field = 562;
/// The returned value as shown on a staff screen (text; absent when not returned).
pub const ONSHI_FIELD_DIFF_ITEM_RETURNED: onshi_field = 563;
/// Positions (characters) of the ● marks in the returned value, comma-separated (text).
pub const ONSHI_FIELD_DIFF_ITEM_POSITIONS: onshi_field = 565;

/// A notice for staff (enum Notice).
pub const ONSHI_FIELD_DIFF_NOTICE_KIND: onshi_field = 581;
/// The notice's guidance, in Japanese (text).
pub const ONSHI_FIELD_DIFF_NOTICE_MESSAGE: onshi_field = 582;
/// The terminal's own text the notice comes from (text).
pub const ONSHI_FIELD_DIFF_NOTICE_DETAIL: onshi_field = 583;

/// A possible cause of a not-confirmed answer, in Japanese (text).
pub const ONSHI_FIELD_DIFF_POSSIBLE_CAUSE: onshi_field = 591;
/// A next step for staff after a not-confirmed answer, in Japanese (text).
pub const ONSHI_FIELD_DIFF_NEXT_STEP: onshi_field = 592;

/// The compared fields of `onshi_diff` (fields `ONSHI_FIELD_DIFF_ITEM_*`), in display order;
/// fields neither side holds are left out.
pub const ONSHI_LIST_DIFF_FIELDS: onshi_list = 7;
/// Notices of `onshi_diff` (fields `ONSHI_FIELD_DIFF_NOTICE_*`).
pub const ONSHI_LIST_DIFF_NOTICES: onshi_list = 8;
/// Possible causes of a not-confirmed `onshi_diff` (field `ONSHI_FIELD_DIFF_POSSIBLE_CAUSE`).
pub const ONSHI_LIST_DIFF_POSSIBLE_CAUSES: onshi_list = 9;
/// Next steps of a not-confirmed `onshi_diff` (field `ONSHI_FIELD_DIFF_NEXT_STEP`).
pub const ONSHI_LIST_DIFF_NEXT_STEPS: onshi_list = 10;

type D = DiffValue;

static DIFF_FIELDS: &[FieldDef<D>] = &[
    ro!(ONSHI_FIELD_DIFF_VERDICT, "verdict", ENUM, D, |d| VERDICT
        .value(d.head().verdict)),
    ro!(ONSHI_FIELD_DIFF_RECORD_KIND, "kind", ENUM, D, |d| {
        RECORD_KIND.value(d.head().kind)
    }),
    ro!(
        ONSHI_FIELD_DIFF_VERDICT_LABEL,
        "verdict_label",
        TEXT,
        D,
        |d| text(d.head().verdict.label())
    ),
    ro!(
        ONSHI_FIELD_DIFF_CONFIRMATION_DATE,
        "context.confirmation_date",
        DATE,
        D,
        |d| Some(Value::Date(d.head().context.confirmation_date))
    ),
    ro!(
        ONSHI_FIELD_DIFF_QUERY_KIND,
        "context.query_kind",
        ENUM,
        D,
        |d| { QUERY_KIND.value(d.head().context.query_kind) }
    ),
    ro!(
        ONSHI_FIELD_DIFF_CLINIC_KIND,
        "context.clinic_kind",
        ENUM,
        D,
        |d| d
            .head()
            .context
            .clinic_kind
            .and_then(|k| CLINIC_KIND.value(k))
    ),
    ro!(
        ONSHI_FIELD_DIFF_RECHECK_REASON,
        "recheck.reason",
        ENUM,
        D,
        |d| d
            .head()
            .recheck
            .as_ref()
            .and_then(|r| RECHECK.value(r.reason))
    ),
    ro!(ONSHI_FIELD_DIFF_RECHECK_DATE, "recheck.on", DATE, D, |d| d
        .head()
        .recheck
        .as_ref()
        .map(|r| Value::Date(r.on))),
    ro!(
        ONSHI_FIELD_DIFF_RECHECK_MONTH,
        "recheck.month",
        TEXT,
        D,
        |d| d.head().recheck.as_ref().and_then(|r| text(&r.month))
    ),
    ro!(
        ONSHI_FIELD_DIFF_RECHECK_MESSAGE,
        "recheck.message",
        TEXT,
        D,
        |d| d.head().recheck.as_ref().and_then(|r| text(&r.message))
    ),
    ro!(
        ONSHI_FIELD_DIFF_PRESENTATION,
        "context.presentation",
        ENUM,
        D,
        |d| {
            d.head()
                .context
                .presentation
                .and_then(|p| PRESENTATION.value(p))
        }
    ),
    ro!(
        ONSHI_FIELD_DIFF_RECORD_INDEX,
        "record_index",
        INTEGER,
        D,
        |d| { d.head().record_index.and_then(int) }
    ),
    ro!(
        ONSHI_FIELD_DIFF_CAUSE,
        "not_confirmed.cause",
        ENUM,
        D,
        |d| {
            d.head()
                .not_confirmed
                .as_ref()
                .and_then(|n| CAUSE.value(n.cause))
        }
    ),
    ro!(
        ONSHI_FIELD_DIFF_CAUSE_LABEL,
        "not_confirmed.label",
        TEXT,
        D,
        |d| { opt_text(d.head().not_confirmed.as_ref().map(|n| &n.label)) }
    ),
    ro!(
        ONSHI_FIELD_DIFF_RESULT_CODE,
        "not_confirmed.result_code",
        TEXT,
        D,
        |d| opt_text(
            d.head()
                .not_confirmed
                .as_ref()
                .and_then(|n| n.result_code.as_ref())
        )
    ),
    ro!(
        ONSHI_FIELD_DIFF_RESULT_MESSAGE,
        "not_confirmed.result_message",
        TEXT,
        D,
        |d| opt_text(
            d.head()
                .not_confirmed
                .as_ref()
                .and_then(|n| n.result_message.as_ref())
        )
    ),
];

fn reason_labels(reasons: &[crate::text::Reason]) -> String {
    reasons
        .iter()
        .map(|r| r.label())
        .collect::<Vec<_>>()
        .join("、")
}

static ROW_FIELDS: &[FieldDef<Row>] = &[
    ro!(
        ONSHI_FIELD_DIFF_ITEM_FIELD,
        "fields[].field",
        ENUM,
        Row,
        |r| Some(Value::Enum(r.field.0, r.field.1))
    ),
    ro!(
        ONSHI_FIELD_DIFF_ITEM_LABEL,
        "fields[].label",
        TEXT,
        Row,
        |r| text(&r.label)
    ),
    ro!(
        ONSHI_FIELD_DIFF_ITEM_CLASS,
        "fields[].class",
        ENUM,
        Row,
        |r| { DIFF_CLASS.value(r.class) }
    ),
    ro!(
        ONSHI_FIELD_DIFF_ITEM_CLASS_LABEL,
        "fields[].class_label",
        TEXT,
        Row,
        |r| text(r.class.label())
    ),
    ro!(
        ONSHI_FIELD_DIFF_ITEM_REASONS,
        "fields[].reasons",
        TEXT,
        Row,
        |r| { text(REASON.ids(&r.reasons)) }
    ),
    ro!(
        ONSHI_FIELD_DIFF_ITEM_REASON_FLAGS,
        "fields[].reason_flags",
        INTEGER,
        Row,
        |r| int(REASON.bits(&r.reasons))
    ),
    ro!(
        ONSHI_FIELD_DIFF_ITEM_REASON_LABELS,
        "fields[].reason_labels",
        TEXT,
        Row,
        |r| text(reason_labels(&r.reasons))
    ),
    ro!(
        ONSHI_FIELD_DIFF_ITEM_ADVICE,
        "fields[].advice",
        ENUM,
        Row,
        |r| { ADVICE.value(r.advice) }
    ),
    ro!(
        ONSHI_FIELD_DIFF_ITEM_ACTION,
        "fields[].action",
        ENUM,
        Row,
        |r| { ACTION.value(r.action) }
    ),
    ro!(
        ONSHI_FIELD_DIFF_ITEM_ACTION_LABEL,
        "fields[].action_label",
        TEXT,
        Row,
        |r| text(r.action.label())
    ),
    ro!(
        ONSHI_FIELD_DIFF_ITEM_MESSAGE,
        "fields[].message",
        TEXT,
        Row,
        |r| { text(&r.message) }
    ),
    ro!(
        ONSHI_FIELD_DIFF_ITEM_REGISTERED,
        "fields[].registered",
        TEXT,
        Row,
        |r| opt_text(r.registered.as_ref())
    ),
    ro!(
        ONSHI_FIELD_DIFF_ITEM_RETURNED,
        "fields[].returned",
        TEXT,
        Row,
        |r| { opt_text(r.returned.as_ref()) }
    ),
    ro!(
        ONSHI_FIELD_DIFF_ITEM_POSITIONS,
        "fields[].positions",
        TEXT,
        Row,
        |r| text(
            r.positions
                .iter()
                .map(|p| p.to_string())
                .collect::<Vec<_>>()
                .join(",")
        )
    ),
];

static NOTICE_FIELDS: &[FieldDef<diff::Notice>] = &[
    ro!(
        ONSHI_FIELD_DIFF_NOTICE_KIND,
        "notices[].notice",
        ENUM,
        diff::Notice,
        |n| NOTICE.value(n.notice)
    ),
    ro!(
        ONSHI_FIELD_DIFF_NOTICE_MESSAGE,
        "notices[].message",
        TEXT,
        diff::Notice,
        |n| text(&n.message)
    ),
    ro!(
        ONSHI_FIELD_DIFF_NOTICE_DETAIL,
        "notices[].detail",
        TEXT,
        diff::Notice,
        |n| opt_text(n.detail.as_ref())
    ),
];

static CAUSE_FIELDS: &[FieldDef<String>] = &[ro!(
    ONSHI_FIELD_DIFF_POSSIBLE_CAUSE,
    "not_confirmed.possible_causes[]",
    TEXT,
    String,
    |s| text(s)
)];

static STEP_FIELDS: &[FieldDef<String>] = &[ro!(
    ONSHI_FIELD_DIFF_NEXT_STEP,
    "not_confirmed.next_steps[]",
    TEXT,
    String,
    |s| text(s)
)];

/// The field tables of this module, for `onshi_field_*`.
pub(crate) fn meta(id: onshi_field) -> Option<Meta> {
    meta_in(DIFF_FIELDS, id, ONSHI_LIST_NONE)
        .or_else(|| meta_in(ROW_FIELDS, id, ONSHI_LIST_DIFF_FIELDS))
        .or_else(|| meta_in(NOTICE_FIELDS, id, ONSHI_LIST_DIFF_NOTICES))
        .or_else(|| meta_in(CAUSE_FIELDS, id, ONSHI_LIST_DIFF_POSSIBLE_CAUSES))
        .or_else(|| meta_in(STEP_FIELDS, id, ONSHI_LIST_DIFF_NEXT_STEPS))
}

fn empty() -> &'static [String] {
    &[]
}

impl Record for DiffValue {
    fn get(&self, t: Target, id: onshi_field) -> Result<(Kind, Option<Value>), Failure> {
        let nc = self.head().not_confirmed.as_ref();
        match t {
            Target::Record => read_field(DIFF_FIELDS, self, id),
            Target::Item(ONSHI_LIST_DIFF_FIELDS, i) => {
                let d = find(ROW_FIELDS, id)?;
                Ok((d.kind, (d.get)(item(&self.rows, i)?)))
            }
            Target::Item(ONSHI_LIST_DIFF_NOTICES, i) => {
                let d = find(NOTICE_FIELDS, id)?;
                Ok((d.kind, (d.get)(item(&self.head().notices, i)?)))
            }
            Target::Item(ONSHI_LIST_DIFF_POSSIBLE_CAUSES, i) => {
                let d = find(CAUSE_FIELDS, id)?;
                let v = nc.map_or(empty(), |n| &n.possible_causes);
                Ok((d.kind, (d.get)(item(v, i)?)))
            }
            Target::Item(ONSHI_LIST_DIFF_NEXT_STEPS, i) => {
                let d = find(STEP_FIELDS, id)?;
                let v = nc.map_or(empty(), |n| &n.next_steps);
                Ok((d.kind, (d.get)(item(v, i)?)))
            }
            Target::Item(list, _) => Err(unknown_list(list)),
        }
    }

    fn count(&self, list: onshi_list) -> Result<usize, Failure> {
        let nc = self.head().not_confirmed.as_ref();
        match list {
            ONSHI_LIST_DIFF_FIELDS => Ok(self.rows.len()),
            ONSHI_LIST_DIFF_NOTICES => Ok(self.head().notices.len()),
            ONSHI_LIST_DIFF_POSSIBLE_CAUSES => Ok(nc.map_or(0, |n| n.possible_causes.len())),
            ONSHI_LIST_DIFF_NEXT_STEPS => Ok(nc.map_or(0, |n| n.next_steps.len())),
            _ => Err(unknown_list(list)),
        }
    }
}

impl Json for DiffValue {
    fn to_json(&self) -> String {
        match &self.review {
            AnyReview::Qualification(r) => r.to_json(),
            AnyReview::PublicExpense(r) => r.to_json(),
        }
    }
}

/// Reads a review of either kind from its JSON (`"kind"` says which; absent: qualification).
pub(crate) fn review_from_json(text: &str) -> Result<DiffValue, Failure> {
    let v: serde_json::Value = serde_json::from_str(text)?;
    let kind = match v.get("kind") {
        None => RecordKind::Qualification,
        Some(k) => serde_json::from_value(k.clone())?,
    };
    Ok(match kind {
        RecordKind::Qualification => DiffValue::new(Review::from_json(text)?),
        RecordKind::PublicExpense => DiffValue::of_public_expense(Review::from_json(text)?),
    })
}

/// The review context of a comparison outside a history (no result id).
pub(crate) fn outside(ctx: DiffContext) -> ReviewContext {
    ReviewContext::new("", ctx.confirmation_date, ctx.query_kind)
}

/// The diff context of a C call.
///
/// # Safety
/// `date` is NULL or readable.
pub(crate) unsafe fn context(
    date: *const onshi_date,
    kind: onshi_query_kind,
) -> Result<DiffContext, Failure> {
    // SAFETY: forwarded from the caller.
    let date = unsafe { read_in(date) }?.to_naive()?;
    Ok(DiffContext::new(date, QUERY_KIND.parse_num(kind)?))
}

/// Compares a registered record (what the clinic holds) with a returned one (read as a valid
/// answer of the terminal) on `confirmation_date` (資格確認日; the library never reads the
/// clock).
///
/// `clinic_kind` (`ONSHI_CLINIC_KIND_*`) is the clinic's kind of care: a 医療扶助 医療券 whose
/// 診療別 does not fit it gets a notice; 0 does not check it.
///
/// Returns `ONSHI_INVALID_ARGUMENT` for an unknown `query_kind` or `clinic_kind`,
/// `ONSHI_INVALID_VALUE` for a date that does not exist.
/// `err`: NULL is accepted.
/// The caller owns the returned handle and must free it with onshi_diff_free.
/// Out-parameters are written only on success.
///
/// # Safety
/// `err` is NULL or a live `onshi_error`; `registered` and `returned` are NULL or live
/// `onshi_qualification`s; `confirmation_date` is NULL or readable; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_diff_compare(
    err: *mut onshi_error,
    registered: *const onshi_qualification,
    returned: *const onshi_qualification,
    confirmation_date: *const onshi_date,
    query_kind: onshi_query_kind,
    clinic_kind: onshi_clinic_kind,
    out: *mut *mut onshi_diff,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_error(err, || {
            let out = Out::new(out)?;
            let clinic = super::enums::clinic_kind(clinic_kind)?;
            let reg: &Qualification = &super::handle::handle_ref(registered)?.value;
            let ret: &Qualification = &super::handle::handle_ref(returned)?.value;
            let ctx = context(confirmation_date, query_kind)?;
            let mut rctx = outside(ctx);
            rctx.clinic_kind = clinic;
            let review = Review::of_records(reg, Returned::record(ret), &rctx);
            out.set(into_raw::<onshi_diff>(DiffValue::new(review)));
            Ok(())
        })
    }
}

/// Frees a diff.
///
/// NULL is accepted. Must not be called twice with the same pointer.
///
/// # Safety
/// `d` is NULL or a live `onshi_diff`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_diff_free(d: *mut onshi_diff) {
    // SAFETY: forwarded from the caller.
    guard_or((), || unsafe { free(d) })
}

/// Copies a diff.
///
/// The caller owns the returned handle and must free it with onshi_diff_free.
/// Out-parameters are written only on success.
///
/// # Safety
/// `d` is NULL or a live `onshi_diff`; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_diff_clone(
    d: *const onshi_diff,
    out: *mut *mut onshi_diff,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::clone(d, out) }
}

/// Copies the diff as JSON (the library's review: `diff` with verdict, context,
/// not_confirmed, notices, record_index and fields; `registered`, `returned`, `link`,
/// `base_version`, `base_revision`), UTF-8.
///
/// Out-parameters are written only on success, except `*out_len`, which is also written with
/// `ONSHI_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `d` is NULL or a live `onshi_diff`; `buf` is NULL or writable for `cap` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_diff_to_json(
    d: *const onshi_diff,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::to_json(d, buf, cap, out_len) }
}

/// Reads a diff from its JSON (as `onshi_diff_to_json` writes it), records included: a
/// review kept between screens can still be applied while its history is at the same
/// revision. A 公費 diff is recognised by its `"kind"`.
///
/// Returns `ONSHI_JSON` when the text is not a diff, `ONSHI_HISTORY_WRONG_KIND` when its
/// records are not of the kind it names.
/// `err`: NULL is accepted.
/// The caller owns the returned handle and must free it with onshi_diff_free.
/// Out-parameters are written only on success.
///
/// # Safety
/// `err` is NULL or a live `onshi_error`; `json` is NULL or readable for `json_len` bytes;
/// `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_diff_from_json(
    err: *mut onshi_error,
    json: *const u8,
    json_len: usize,
    out: *mut *mut onshi_diff,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_error(err, || {
            let out = Out::new(out)?;
            let text = super::handle::text_in(json, json_len)?;
            out.set(into_raw::<onshi_diff>(review_from_json(text)?));
            Ok(())
        })
    }
}

/// Copies the message of the most recent failed call on this diff ("" if none failed), UTF-8.
///
/// Out-parameters are written only on success, except `*out_len`, which is also written with
/// `ONSHI_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `d` is NULL or a live `onshi_diff`; `buf` is NULL or writable for `cap` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_diff_last_error(
    d: *const onshi_diff,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::last_error(d, buf, cap, out_len) }
}

/// Copies a field of the diff as text (`ONSHI_FIELD_DIFF_*`; enumerations as their ids),
/// UTF-8.
///
/// Returns `ONSHI_NOT_PRESENT` when absent, `ONSHI_TYPE_MISMATCH` for a field of a list.
/// Out-parameters are written only on success, except `*out_len`, which is also written with
/// `ONSHI_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `d` is NULL or a live `onshi_diff`; `buf` is NULL or writable for `cap` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_diff_get_text(
    d: *const onshi_diff,
    field: onshi_field,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::get_text(d, Target::Record, field, buf, cap, out_len) }
}

/// Reads an integer or enumeration field of the diff.
///
/// Returns `ONSHI_NOT_PRESENT` when absent, `ONSHI_TYPE_MISMATCH` for a text or date field.
/// Out-parameters are written only on success.
///
/// # Safety
/// `d` is NULL or a live `onshi_diff`; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_diff_get_u32(
    d: *const onshi_diff,
    field: onshi_field,
    out: *mut u32,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::get_u32(d, Target::Record, field, out) }
}

/// Reads a date field of the diff.
///
/// Out-parameters are written only on success.
///
/// # Safety
/// `d` is NULL or a live `onshi_diff`; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_diff_get_date(
    d: *const onshi_diff,
    field: onshi_field,
    out: *mut onshi_date,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::get_date(d, Target::Record, field, out) }
}

/// The number of items of a list of the diff (`ONSHI_LIST_DIFF_*`).
///
/// Returns `ONSHI_INVALID_ARGUMENT` for a list of another record.
/// Out-parameters are written only on success.
///
/// # Safety
/// `d` is NULL or a live `onshi_diff`; `out_count` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_diff_count(
    d: *const onshi_diff,
    list: onshi_list,
    out_count: *mut usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::count(d, list, out_count) }
}

/// Copies a field of a list item of the diff as text, UTF-8.
///
/// Returns `ONSHI_OUT_OF_RANGE` for an index past the end, `ONSHI_TYPE_MISMATCH` for a field
/// of another list, `ONSHI_NOT_PRESENT` when absent.
/// Out-parameters are written only on success, except `*out_len`, which is also written with
/// `ONSHI_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `d` is NULL or a live `onshi_diff`; `buf` is NULL or writable for `cap` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_diff_item_get_text(
    d: *const onshi_diff,
    list: onshi_list,
    index: usize,
    field: onshi_field,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::get_text(d, Target::Item(list, index), field, buf, cap, out_len) }
}

/// Reads an integer or enumeration field of a list item of the diff.
///
/// Out-parameters are written only on success.
///
/// # Safety
/// `d` is NULL or a live `onshi_diff`; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_diff_item_get_u32(
    d: *const onshi_diff,
    list: onshi_list,
    index: usize,
    field: onshi_field,
    out: *mut u32,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::get_u32(d, Target::Item(list, index), field, out) }
}

fn registered_q(d: &DiffValue) -> Result<&Qualification, Failure> {
    match &d.review {
        AnyReview::Qualification(r) => Ok(&r.registered),
        AnyReview::PublicExpense(_) => Err(of_public_expense()),
    }
}

fn returned_q(d: &DiffValue) -> Result<&Qualification, Failure> {
    match &d.review {
        AnyReview::Qualification(r) => r.returned.as_ref().ok_or(Failure::of(ONSHI_NOT_PRESENT)),
        AnyReview::PublicExpense(_) => Err(of_public_expense()),
    }
}

fn of_public_expense() -> Failure {
    Failure::new(
        ONSHI_TYPE_MISMATCH,
        "this diff compares a 公費: use onshi_diff_registered_public_expense / _returned_public_expense",
    )
}

fn of_qualification() -> Failure {
    Failure::new(
        ONSHI_TYPE_MISMATCH,
        "this diff compares a qualification: use onshi_diff_registered / onshi_diff_returned",
    )
}

fn registered_p(d: &DiffValue) -> Result<&PublicExpense, Failure> {
    match &d.review {
        AnyReview::PublicExpense(r) => Ok(&r.registered),
        AnyReview::Qualification(_) => Err(of_qualification()),
    }
}

fn returned_p(d: &DiffValue) -> Result<&PublicExpense, Failure> {
    match &d.review {
        AnyReview::PublicExpense(r) => r.returned.as_ref().ok_or(Failure::of(ONSHI_NOT_PRESENT)),
        AnyReview::Qualification(_) => Err(of_qualification()),
    }
}

/// Copies the registered record the diff was made with.
///
/// Returns `ONSHI_TYPE_MISMATCH` for a 公費 diff (`onshi_diff_registered_public_expense`).
/// The caller owns the returned handle and must free it with onshi_qualification_free.
/// Out-parameters are written only on success.
///
/// # Safety
/// `d` is NULL or a live `onshi_diff`; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_diff_registered(
    d: *const onshi_diff,
    out: *mut *mut onshi_qualification,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method(d, |d| {
            let out = Out::new(out)?;
            out.set(into_raw::<onshi_qualification>(registered_q(d)?.clone()));
            Ok(())
        })
    }
}

/// Copies the returned record the diff compared (the one `onshi_history_apply` takes
/// values from).
///
/// Returns `ONSHI_NOT_PRESENT` when no record came back, `ONSHI_TYPE_MISMATCH` for a 公費
/// diff (`onshi_diff_returned_public_expense`).
/// The caller owns the returned handle and must free it with onshi_qualification_free.
/// Out-parameters are written only on success.
///
/// # Safety
/// `d` is NULL or a live `onshi_diff`; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_diff_returned(
    d: *const onshi_diff,
    out: *mut *mut onshi_qualification,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method(d, |d| {
            let out = Out::new(out)?;
            out.set(into_raw::<onshi_qualification>(returned_q(d)?.clone()));
            Ok(())
        })
    }
}

/// Copies the registered 公費 a 公費 diff was made with.
///
/// Returns `ONSHI_TYPE_MISMATCH` for a diff of the qualification (`onshi_diff_registered`).
/// The caller owns the returned handle and must free it with onshi_public_expense_free.
/// Out-parameters are written only on success.
///
/// # Safety
/// `d` is NULL or a live `onshi_diff`; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_diff_registered_public_expense(
    d: *const onshi_diff,
    out: *mut *mut onshi_public_expense,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method(d, |d| {
            let out = Out::new(out)?;
            out.set(into_raw::<onshi_public_expense>(registered_p(d)?.clone()));
            Ok(())
        })
    }
}

/// Copies the returned 公費 a 公費 diff compared (what PMH sent for it).
///
/// Returns `ONSHI_NOT_PRESENT` when PMH sent nothing for it (verdict `ONSHI_VERDICT_UNKNOWN`),
/// `ONSHI_TYPE_MISMATCH` for a diff of the qualification.
/// The caller owns the returned handle and must free it with onshi_public_expense_free.
/// Out-parameters are written only on success.
///
/// # Safety
/// `d` is NULL or a live `onshi_diff`; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_diff_returned_public_expense(
    d: *const onshi_diff,
    out: *mut *mut onshi_public_expense,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method(d, |d| {
            let out = Out::new(out)?;
            out.set(into_raw::<onshi_public_expense>(returned_p(d)?.clone()));
            Ok(())
        })
    }
}

/// Compares a registered 公費 with a returned one (read as PMH data of a valid answer) on
/// `confirmation_date`, outside any history (a screen that only shows differences).
///
/// Returns `ONSHI_INVALID_ARGUMENT` for an unknown `query_kind`, `ONSHI_INVALID_VALUE` for a
/// date that does not exist.
/// `err`: NULL is accepted.
/// The caller owns the returned handle and must free it with onshi_diff_free.
/// Out-parameters are written only on success.
///
/// # Safety
/// `err` is NULL or a live `onshi_error`; `registered` and `returned` are NULL or live
/// `onshi_public_expense`s; `confirmation_date` is NULL or readable; `out` is NULL or
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_diff_compare_public_expense(
    err: *mut onshi_error,
    registered: *const onshi_public_expense,
    returned: *const onshi_public_expense,
    confirmation_date: *const onshi_date,
    query_kind: onshi_query_kind,
    out: *mut *mut onshi_diff,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_error(err, || {
            let out = Out::new(out)?;
            let reg: &PublicExpense = &super::handle::handle_ref(registered)?.value;
            let ret: &PublicExpense = &super::handle::handle_ref(returned)?.value;
            let ctx = context(confirmation_date, query_kind)?;
            let review = Review::of_records(reg, Returned::record(ret), &outside(ctx));
            out.set(into_raw::<onshi_diff>(DiffValue::of_public_expense(review)));
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_in_range() {
        for d in DIFF_FIELDS {
            assert!((500..550).contains(&d.id), "{}", d.name);
        }
        for d in ROW_FIELDS {
            assert!((550..580).contains(&d.id), "{}", d.name);
        }
        for d in NOTICE_FIELDS {
            assert!((580..590).contains(&d.id), "{}", d.name);
        }
        assert_eq!(
            meta(ONSHI_FIELD_DIFF_NEXT_STEP).unwrap().list,
            ONSHI_LIST_DIFF_NEXT_STEPS
        );
    }

    #[test]
    fn every_diff_item_reports_the_record_field_number() {
        let q = crate::model::Qualification {
            person: crate::model::PersonIdentity {
                name: Some("見本　花子".into()),
                address: Some("東京都".into()),
                ..Default::default()
            },
            ..Default::default()
        };
        let ctx = DiffContext::new(
            chrono::NaiveDate::from_ymd_opt(2025, 4, 1).unwrap(),
            diff::QueryKind::Records,
        );
        let empty = crate::model::Qualification::default();
        let v = DiffValue::new(Review::of_records(
            &q,
            Returned::record(&empty),
            &outside(ctx),
        ));
        assert_eq!(v.rows.len(), 2);
        assert_eq!(v.rows[0].field.0, ONSHI_FIELD_NAME);
        assert_eq!(v.rows[1].field.0, ONSHI_FIELD_ADDRESS);
        assert_eq!(v.rows[0].registered.as_deref(), Some("見本　花子"));
        assert_eq!(v.rows[0].returned, None);
    }
}
