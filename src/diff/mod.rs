//! Field-by-field comparison of the clinic's record with the terminal's answer.
//!
//! [`compare`] takes the registered qualification (what the clinic holds), the terminal's answer
//! ([`Returned`]: 処理結果状況, 資格有効性 and the returned records) and a [`DiffContext`]
//! (confirmation date and how the person was queried). It gives a [`Diff`]: for every field that
//! either side holds, a [`Class`] (`same`, `equivalent`, `substituted`, `different`,
//! `only_registered`, `only_returned`), the normalization [`Reason`]s, an [`Advice`] code with a
//! Japanese message for staff and a recommended [`Action`]; and an overall [`Verdict`].
//!
//! The knowledge of clinics' FAQ is encoded here, once:
//!
//! * a returned value with ● never replaces a registered value ([`Advice::SubstituteMark`]);
//! * differences of case, width, spaces, kana form or kanji variant are `equivalent`, not
//!   changes ([`Advice::Equivalent`]);
//! * a differing validity start date and a blank returned end date are known-benign
//!   ([`Advice::ValidityStartDiffers`], [`Advice::ExpirationBlank`]);
//! * a different name, birthdate or sex asks for 本人確認, never a silent update
//!   ([`Advice::IdentityMismatch`]);
//! * a changed 保険者番号, 記号, 番号, 枝番, 本人家族, 負担割合 or 医療扶助 information means a new
//!   qualification ([`Advice::QualificationChanged`], [`Advice::RatioChanged`],
//!   [`Advice::SchoolEntry`], [`Advice::ElderlyRecipientStarted`],
//!   [`Advice::MedicalAssistanceChanged`]);
//! * 資格有効性 2–5 and error results are `not_confirmed`, with causes and next steps
//!   ([`NotConfirmed`]).
//!
//! 資格有効性 6 有効（未登録）(医療扶助) is treated as confirmed: the 医療扶助 qualification is
//! valid and only this month's 医療券 is not registered yet, so the fields are compared as usual.
//! Up to the 20th ([`TICKET_REGISTRATION_LAST_DAY`]; welfare offices register around the
//! 15th–20th) that is the monthly window: a [`NoticeKind::TicketNotYetRegistered`] notice and
//! [`Diff::recheck`] give the day to ask again; later, [`NoticeKind::ValidUnregistered`] asks
//! staff to have the ticket issued. The 医療券 are checked against the clinic (指定医療機関,
//! 社会保険の整合性, 診療別 against [`DiffContext::clinic_kind`]) and the day; a bulk result's
//! 限度額情報変更有無 `1` asks for an individual query ([`NoticeKind::LimitInfoChanged`]).
//!
//! A 公費 ([`PublicExpense`], PMH) is compared the same way, with the same classes, advice and
//! messages ([`Record`] says where its rules differ): [`Returned::public_expenses`] takes the
//! PMH data of an answer, and an answer without PMH data for a registered 公費 is
//! [`Verdict::Unknown`] — never 失効 — with the advice to check the paper 受給者証.
//!
//! Comparing never changes either record and never reads the clock.
//!
//! ```
//! use chrono::NaiveDate;
//! use onshi::diff::{self, Action, Class, DiffContext, QueryKind, Returned, Verdict};
//! use onshi::model::{Field, Qualification};
//!
//! let mut registered = Qualification::default();
//! registered.person.name = Some("髙橋　一郎".into());
//! let mut returned = Qualification::default();
//! returned.person.name = Some("●橋　一郎".into());
//! let ctx = DiffContext::new(NaiveDate::from_ymd_opt(2025, 4, 1).unwrap(), QueryKind::MyNumberCard);
//! let d = diff::compare(&registered, &Returned::record(&returned), &ctx);
//! let name = d.field(Field::Name).unwrap();
//! assert_eq!(name.class, Class::Substituted);
//! assert_eq!(name.action, Action::KeepRegistered);
//! assert_eq!(d.verdict, Verdict::Identical);
//! ```

mod advice;
mod assistance;
mod field;
mod generated;
mod reception;
mod record;

pub use advice::{Action, Advice, Cause, Class, NotConfirmed, Notice, NoticeKind, Verdict};
pub use assistance::{ClinicKind, Recheck, RecheckReason, TICKET_REGISTRATION_LAST_DAY};
pub use reception::{
    LATE_ELDERLY_RULE_FROM, NEW_MEMBER_DAYS, NOTICE_ALONE_NOT_ACCEPTED_FROM, SUPPLEMENTARY_CODES,
    supplementary_reason,
};
pub use record::{Record, RecordField, RecordKind};

use crate::codes::{Code, ProcessingResultStatus, QualificationValidity, ReferenceClassification};
use crate::model::{ConfirmationResult, Field, PublicExpense, Qualification};
use crate::reception::Presentation;
use crate::text::{self, Reason, TextMatch};
use chrono::NaiveDate;
use field::Value;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// How the person was queried.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum QueryKind {
    /// The My Number card at the reader (face push, 照会区分 1).
    MyNumberCard,
    /// 個別照会 by the insurance card's 記号・番号 (照会区分 2).
    InsuranceCard,
    /// 照会 by a 公費 (医療扶助) number.
    PublicExpense,
    /// 一括照会 (pre-check of booked patients).
    Bulk,
    /// Two records compared without a terminal answer (manual entry, the CLI).
    Records,
}

impl QueryKind {
    /// From the response header's 照会区分.
    pub fn from_reference_classification(c: &ReferenceClassification) -> QueryKind {
        match c {
            ReferenceClassification::MyNumberCard => QueryKind::MyNumberCard,
            _ => QueryKind::InsuranceCard,
        }
    }
}

/// What a comparison needs besides the two records: the confirmation date (資格確認日; the
/// library never reads the clock), how the person was queried, what kind of care the clinic
/// gives (to check a 医療券's 診療別; `None`: not checked) and, when staff recorded it, what the
/// patient presented (see the [`crate::reception`] module; a face result implies a
/// マイナ保険証).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DiffContext {
    /// 資格確認日.
    pub confirmation_date: NaiveDate,
    /// How the person was queried.
    pub query_kind: QueryKind,
    /// The clinic's kind of care.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clinic_kind: Option<ClinicKind>,
    /// What the patient presented (`None`: not recorded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub presentation: Option<Presentation>,
}

impl DiffContext {
    /// A context (no clinic kind: add it with [`DiffContext::with_clinic_kind`]).
    pub fn new(confirmation_date: NaiveDate, query_kind: QueryKind) -> Self {
        DiffContext {
            confirmation_date,
            query_kind,
            presentation: None,
            clinic_kind: None,
        }
    }

    /// The same context for a clinic of `kind`.
    pub fn with_clinic_kind(self, kind: ClinicKind) -> Self {
        DiffContext {
            clinic_kind: Some(kind),
            ..self
        }
    }

    /// The same context with what the patient presented.
    pub fn with_presentation(mut self, presentation: Option<Presentation>) -> Self {
        self.presentation = presentation;
        self
    }
}

/// The terminal's answer for one person, borrowed: the body-level outcome and the returned
/// records of one kind — the qualifications (`R` = [`Qualification`], the default) or the
/// 公費 PMH sent with them (`R` = [`PublicExpense`], [`Returned::public_expenses`]). Build it
/// from a parsed result (`ConfirmationResult` of the `xml` module: one line per field) or from
/// a bare record with [`Returned::record`].
///
/// ```
/// use onshi::codes::QualificationValidity;
/// use onshi::diff::Returned;
/// let not_found: Returned = Returned { validity: Some(&QualificationValidity::NotFound), ..Returned::default() };
/// assert!(not_found.records.is_empty());
/// ```
pub struct Returned<'a, R = Qualification> {
    /// 処理結果状況 (`None`: not given, read as 正常終了).
    pub status: Option<&'a ProcessingResultStatus>,
    /// 処理結果コード.
    pub result_code: Option<&'a str>,
    /// 処理結果メッセージ.
    pub result_message: Option<&'a str>,
    /// 資格有効性 (`None`: not given, read as 有効 when a record is present).
    pub validity: Option<&'a QualificationValidity>,
    /// The returned records, in document order (`ResultList/ResultOfQualificationConfirmation`;
    /// for 公費 the PMH entries of the result).
    pub records: &'a [R],
}

impl<R> Clone for Returned<'_, R> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<R> Copy for Returned<'_, R> {}

impl<R> Default for Returned<'_, R> {
    fn default() -> Self {
        Returned {
            status: None,
            result_code: None,
            result_message: None,
            validity: None,
            records: &[],
        }
    }
}

impl<R: std::fmt::Debug> std::fmt::Debug for Returned<'_, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Returned")
            .field("status", &self.status)
            .field("result_code", &self.result_code)
            .field("validity", &self.validity)
            .field("records", &self.records)
            .finish_non_exhaustive()
    }
}

impl<'a> From<&'a ConfirmationResult> for Returned<'a> {
    /// The answer for one person of a parsed 資格確認結果 (its `MessageBody`) or of one
    /// `BulkConfirmUnit`.
    fn from(r: &'a ConfirmationResult) -> Self {
        Returned {
            status: r.outcome.status.as_ref(),
            result_code: r.outcome.code.as_deref(),
            result_message: r.outcome.message.as_deref(),
            validity: r.qualification_validity.as_ref(),
            records: &r.results,
        }
    }
}

impl<'a> Returned<'a, PublicExpense> {
    /// The 公費 PMH sent with an answer for one person: the `public_expenses` of its first
    /// returned qualification that has any (normally the only one). Empty when PMH sent
    /// nothing — which, compared with a registered 公費, is [`Verdict::Unknown`], never 失効.
    ///
    /// ```
    /// use onshi::diff::Returned;
    /// use onshi::model::ConfirmationResult;
    /// let answer = ConfirmationResult::default();
    /// assert!(Returned::public_expenses(&answer).records.is_empty());
    /// ```
    pub fn public_expenses(r: &'a ConfirmationResult) -> Self {
        let records = r
            .results
            .iter()
            .find(|q| !q.public_expenses.is_empty())
            .map_or(&[][..], |q| q.public_expenses.as_slice());
        Returned {
            status: r.outcome.status.as_ref(),
            result_code: r.outcome.code.as_deref(),
            result_message: r.outcome.message.as_deref(),
            validity: r.qualification_validity.as_ref(),
            records,
        }
    }
}

impl<'a, R: Record> Returned<'a, R> {
    /// A bare returned record, read as a valid answer.
    pub fn record(q: &'a R) -> Self {
        Returned {
            records: std::slice::from_ref(q),
            ..Returned::default()
        }
    }

    /// The record compared with `registered`. For the qualification: the only one; or, when
    /// several came back, the one with the registered 保険者番号 and 番号, else the first. For
    /// a 公費: the one with the same 公費負担者番号 and 受給者番号, else the same 公費負担者番号,
    /// else the only one of the same 法別; `None` when PMH sent nothing for it.
    pub fn select(&self, registered: &R) -> Option<(usize, &'a R)> {
        R::select(self, registered)
    }
}

impl Returned<'_, Qualification> {
    /// Why this answer does not confirm a qualification; `None` when it does.
    pub fn not_confirmed(&self) -> Option<NotConfirmed> {
        qualification_not_confirmed(self)
    }
}

pub(crate) fn select_qualification<'a>(
    answer: &Returned<'a, Qualification>,
    registered: &Qualification,
) -> Option<(usize, &'a Qualification)> {
    let records = answer.records;
    if records.len() > 1 {
        let hit = records.iter().position(|r| {
            r.card.insurer_number == registered.card.insurer_number
                && r.card.insured_identification_number
                    == registered.card.insured_identification_number
        });
        if let Some(i) = hit {
            return Some((i, &records[i]));
        }
    }
    records.first().map(|r| (0, r))
}

pub(crate) fn qualification_not_confirmed(
    answer: &Returned<'_, Qualification>,
) -> Option<NotConfirmed> {
    let nc = |cause| {
        Some(NotConfirmed::new(
            cause,
            answer.result_code,
            answer.result_message,
        ))
    };
    match answer.status {
        None | Some(ProcessingResultStatus::Normal) => {}
        Some(_) => return nc(Cause::ProcessingError),
    }
    match answer.validity {
        None
        | Some(QualificationValidity::Valid)
        | Some(QualificationValidity::ValidUnregistered) => {
            if answer.records.is_empty() {
                nc(Cause::NoRecord)
            } else {
                None
            }
        }
        Some(QualificationValidity::Invalid) => nc(Cause::Invalid),
        Some(QualificationValidity::InvalidNewQualification) => nc(Cause::InvalidNewQualification),
        Some(QualificationValidity::NotFound) => nc(Cause::NotFound),
        Some(QualificationValidity::MultipleMatches) => nc(Cause::MultipleMatches),
        Some(_) => nc(Cause::UnknownValidity),
    }
}

pub(crate) fn qualification_notices(
    registered: &Qualification,
    returned: Option<&Qualification>,
    answer: &Returned<'_, Qualification>,
    confirmed: bool,
    ctx: &DiffContext,
) -> (Vec<Notice>, Option<Recheck>) {
    let mut notices = Vec::new();
    let mut recheck = None;
    let empty = Qualification::default();
    let ret = returned.unwrap_or(&empty);
    if confirmed {
        let (reception_notices, generic) =
            reception::confirmed_notices(registered, ret, answer, ctx);
        if generic {
            let detail = [answer.result_code, answer.result_message]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            notices.push(Notice::new(NoticeKind::Supplementary, Some(detail)));
        }
        notices.extend(reception_notices);
        if answer.records.len() > 1 {
            notices.push(Notice::new(NoticeKind::SeveralRecords, None));
        }
        // The 医療扶助 notices (and ValidUnregistered, said once, by the ticket's month).
        let (more, r) =
            assistance::notices(ret, answer.validity, ctx.confirmation_date, ctx.clinic_kind);
        notices.extend(more);
        recheck = r;
    }
    if registered.is_public_assistance() || ret.is_public_assistance() {
        notices.push(Notice::new(NoticeKind::PublicAssistanceOnly, None));
    }
    let bad_check_digit = |q: &Qualification| {
        q.card
            .insurer_number
            .as_ref()
            .is_some_and(|n| !check_digit_holds(n.as_str()))
    };
    if bad_check_digit(registered) || bad_check_digit(ret) {
        notices.push(Notice::new(NoticeKind::CheckDigitIgnored, None));
    }
    (notices, recheck)
}

/// The comparison of one field of a record (`F`: [`Field`] for the qualification, the
/// default; [`PublicExpenseField`](crate::model::PublicExpenseField) for a 公費).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldDiff<F = Field> {
    /// The field (its stable id).
    pub field: F,
    /// The field's label ([`Field::label`]).
    pub label: Cow<'static, str>,
    /// How the values relate.
    pub class: Class,
    /// The normalizations that made the values equal (for `equivalent` and `substituted`).
    #[serde(default)]
    pub reasons: Vec<Reason>,
    /// Character positions of the substitute marks in the returned value (`substituted`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub positions: Vec<usize>,
    /// Why the action is recommended.
    pub advice: Advice,
    /// The recommended action.
    pub action: Action,
    /// [`Advice::message`]: the guidance for staff.
    pub message: Cow<'static, str>,
}

/// The result of [`compare`].
///
/// JSON shape (serde):
///
/// ```json
/// { "verdict": "update_recommended",
///   "context": { "confirmation_date": "2025-04-01", "query_kind": "my_number_card" },
///   "not_confirmed": null,
///   "notices": [],
///   "record_index": 0,
///   "fields": [ { "field": "address", "label": "住所", "class": "different", "reasons": [],
///                 "advice": "address_changed", "action": "reflect", "message": "…" },
///               { "field": "name", "label": "氏名", "class": "substituted", "reasons": [],
///                 "positions": [0], "advice": "substitute_mark",
///                 "action": "keep_registered", "message": "…" } ] }
/// ```
///
/// When the answer is not confirmed, `not_confirmed` is
/// `{ "cause": "not_found", "label": "該当資格なし", "possible_causes": […], "next_steps": […],
/// "result_code": …, "result_message": … }`; `notices` entries are
/// `{ "notice": "valid_unregistered", "message": "…", "detail": … }`. A 公費 diff (`F` =
/// [`PublicExpenseField`](crate::model::PublicExpenseField)) has the same shape, its field ids
/// being the 公費's (`"max_copayment_amount"` …); with no PMH data its verdict is `unknown` and
/// `not_confirmed.cause` is `no_pmh_data`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(bound(
    serialize = "F: Serialize",
    deserialize = "F: serde::de::DeserializeOwned"
))]
pub struct Diff<F = Field> {
    /// The overall verdict.
    pub verdict: Verdict,
    /// The context the comparison was made in.
    pub context: DiffContext,
    /// Why the answer does not confirm a qualification (then `verdict` is `not_confirmed`).
    pub not_confirmed: Option<NotConfirmed>,
    /// What staff should know beyond single fields.
    #[serde(default)]
    pub notices: Vec<Notice>,
    /// When to ask again, and why (医療扶助 early in the month: this month's 医療券 is not
    /// registered yet). `None`: nothing to re-check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recheck: Option<Recheck>,
    /// Index of the compared record in the answer's result list (`None`: no record).
    pub record_index: Option<usize>,
    /// Every field either side holds, in [`Field::COMPARED`] order (empty when no record
    /// came back).
    pub fields: Vec<FieldDiff<F>>,
}

impl<F: PartialEq + Serialize> Diff<F> {
    /// The comparison of one field; `None` when neither side holds it.
    pub fn field(&self, field: F) -> Option<&FieldDiff<F>> {
        self.fields.iter().find(|f| f.field == field)
    }

    /// Fields whose recommended action is `action`.
    pub fn with_action(&self, action: Action) -> impl Iterator<Item = &FieldDiff<F>> {
        self.fields.iter().filter(move |f| f.action == action)
    }

    /// The record of `answer` this diff compared (pass it to `history::apply`); `None` when
    /// no record came back.
    pub fn record<'a, R>(&self, answer: &Returned<'a, R>) -> Option<&'a R> {
        answer.records.get(self.record_index?)
    }

    /// `true` when the verdict leaves nothing to apply beyond linking the result.
    pub fn is_identical(&self) -> bool {
        self.verdict == Verdict::Identical
    }

    /// The diff as JSON (the shape above).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// Compares the clinic's record with the terminal's answer: a qualification with the
/// qualifications of an answer, or a 公費 with its PMH data ([`Returned::public_expenses`]).
/// Never panics, never reads the clock or the disk.
pub fn compare<R: Record>(
    registered: &R,
    returned: &Returned<'_, R>,
    ctx: &DiffContext,
) -> Diff<R::Field> {
    let selected = returned.select(registered);
    let not_confirmed = R::not_confirmed(returned, registered, selected.map(|(_, r)| r), ctx);
    let (notices, recheck) = R::notices(
        registered,
        selected.map(|(_, r)| r),
        returned,
        not_confirmed.is_none(),
        ctx,
    );
    let fields = match (selected, &not_confirmed) {
        (Some((_, ret)), None) => R::compare_fields(registered, ret, ctx),
        (Some((_, ret)), Some(_)) if R::KIND == RecordKind::Qualification => {
            R::compare_fields(registered, ret, ctx)
        }
        _ => Vec::new(),
    };
    let verdict = match &not_confirmed {
        Some(nc) => record::verdict_of(nc),
        None => fields
            .iter()
            .map(|f| Verdict::for_action(f.action))
            .max()
            .unwrap_or(Verdict::Identical),
    };
    Diff {
        verdict,
        context: *ctx,
        not_confirmed,
        notices,
        recheck,
        record_index: selected.map(|(i, _)| i),
        fields,
    }
}

/// Compares two records as if the second were a valid answer
/// (`compare(registered, &Returned::record(returned), ctx)`).
///
/// ```
/// use chrono::NaiveDate;
/// use onshi::diff::{self, Advice, DiffContext, QueryKind, Verdict};
/// use onshi::model::{PublicExpense, PublicExpenseField};
///
/// let registered = PublicExpense::from_json(
///     r#"{"payer_number":"54136015","recipient_number":"1234566","max_copayment_amount":10000}"#,
/// ).unwrap();
/// let mut returned = registered.clone();
/// returned.max_copayment_amount = Some(20000);
/// let ctx = DiffContext::new(NaiveDate::from_ymd_opt(2026, 5, 7).unwrap(), QueryKind::MyNumberCard);
/// let d = diff::compare_records(&registered, &returned, &ctx);
/// assert_eq!(d.verdict, Verdict::NewQualification);
/// assert_eq!(d.field(PublicExpenseField::MaxCopaymentAmount).unwrap().advice, Advice::CapChanged);
/// ```
pub fn compare_records<R: Record>(
    registered: &R,
    returned: &R,
    ctx: &DiffContext,
) -> Diff<R::Field> {
    compare(registered, &Returned::record(returned), ctx)
}

fn check_digit_holds(n: &str) -> bool {
    let Some(last) = n.chars().last().and_then(|c| c.to_digit(10)) else {
        return true;
    };
    let body = &n[..n.len() - 1];
    crate::ids::check_digit(body).is_none_or(|d| u32::from(d) == last)
}

/// The per-field comparison, in [`Field::COMPARED`] order; fields neither side holds are left
/// out.
pub(crate) fn compare_fields(
    registered: &Qualification,
    returned: &Qualification,
) -> Vec<FieldDiff> {
    let judge = Judge {
        name_differs: false,
        public_assistance: registered.is_public_assistance() || returned.is_public_assistance(),
    };
    let mut judge = judge;
    let mut out = Vec::with_capacity(Field::COMPARED.len());
    let mut step = |field: Field, a: Value<'_>, b: Value<'_>| {
        if matches!((a, b), (Value::Absent, Value::Absent)) {
            return;
        }
        let Some(cmp) = compare_values(a, b) else {
            return;
        };
        if field == Field::Name {
            judge.name_differs = cmp.class == Class::Different;
        }
        let advice = judge.judge(field, &cmp, returned);
        out.push(record::field_diff(field, field.label(), cmp, advice));
    };
    generated::each_compared_qualification(registered, returned, &mut step);
    out
}

pub(crate) struct Compared {
    pub(crate) class: Class,
    pub(crate) reasons: Vec<Reason>,
    pub(crate) positions: Vec<usize>,
    pub(crate) returned_has_substitute: bool,
}

impl Compared {
    fn class(class: Class) -> Self {
        Compared {
            class,
            reasons: Vec::new(),
            positions: Vec::new(),
            returned_has_substitute: false,
        }
    }
}

fn same_if(eq: bool) -> Compared {
    Compared::class(if eq { Class::Same } else { Class::Different })
}

pub(crate) fn compare_values(a: Value<'_>, b: Value<'_>) -> Option<Compared> {
    Some(match (a, b) {
        (Value::Absent, Value::Absent) => return None,
        (Value::Absent, b) => {
            let mut c = Compared::class(Class::OnlyReturned);
            c.returned_has_substitute = matches!(b, Value::Text(s, _) if text::has_substitute(s));
            c
        }
        (_, Value::Absent) => Compared::class(Class::OnlyRegistered),
        (Value::Text(x, kind), Value::Text(y, _)) => {
            if x == y {
                return Some(Compared::class(Class::Same));
            }
            match text::compare(x, y, kind) {
                TextMatch::Same => Compared::class(Class::Same),
                TextMatch::Equivalent(reasons) => Compared {
                    reasons,
                    ..Compared::class(Class::Equivalent)
                },
                TextMatch::Substituted { positions, reasons } => Compared {
                    class: Class::Substituted,
                    reasons,
                    positions,
                    returned_has_substitute: true,
                },
                TextMatch::Different => Compared {
                    returned_has_substitute: text::has_substitute(y),
                    ..Compared::class(Class::Different)
                },
            }
        }
        (Value::Code(x), Value::Code(y)) => same_if(x == y),
        (Value::Date(x), Value::Date(y)) => same_if(x == y),
        (Value::Ratio(x), Value::Ratio(y)) => same_if(x == y),
        (Value::Amount(x), Value::Amount(y)) => same_if(x == y),
        (Value::Block(x), Value::Block(y)) => same_if(x.same(y)),
        // A field always yields the same kind of value on both sides.
        _ => Compared::class(Class::Different),
    })
}

struct Judge {
    name_differs: bool,
    public_assistance: bool,
}

impl Judge {
    fn judge(&self, field: Field, cmp: &Compared, returned: &Qualification) -> Advice {
        match cmp.class {
            Class::Same => Advice::Same,
            Class::Equivalent => Advice::Equivalent,
            Class::Substituted => Advice::SubstituteMark,
            Class::OnlyReturned if cmp.returned_has_substitute => Advice::SubstituteNotStored,
            Class::OnlyRegistered => field.advice_only_registered(),
            Class::OnlyReturned => field.advice_only_returned(),
            Class::Different => self.judge_different(field, returned),
        }
    }

    /// The declared advice for a real difference, with the three cases that depend on the
    /// rest of the answer.
    fn judge_different(&self, field: Field, returned: &Qualification) -> Advice {
        if field == Field::NameKana && self.name_differs {
            // カナ and 氏名 both differ: another person, not a reading.
            return Advice::IdentityMismatch;
        }
        if self.public_assistance
            && let Some(a) = field.advice_public_assistance()
        {
            return a;
        }
        if field == Field::PreschoolClassification {
            // 未就学 → 就学 is a school entry; the reverse can only be a correction of 負担割合.
            let to_school = returned.preschool_classification.as_ref().map(|c| c.wire())
                != Some(crate::codes::PreschoolClassification::Preschool.wire());
            if !to_school {
                return Advice::RatioChanged;
            }
        }
        field.advice_different()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::Personal;
    use crate::codes::*;
    use crate::ids::{BranchNumber, CardNumber, CardSymbol, InsurerNumber, Mode};
    use crate::model::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// A record with every compared field set.
    pub(crate) fn full_record() -> Qualification {
        Qualification {
            card: CardKey {
                insurer_number: Some(InsurerNumber::parse("06139990", Mode::Lenient).unwrap()),
                insured_card_symbol: Some(CardSymbol::parse("12-3", Mode::Lenient).unwrap()),
                insured_identification_number: Some(
                    CardNumber::parse("456", Mode::Lenient).unwrap(),
                ),
                insured_branch_number: Some(BranchNumber::parse("01", Mode::Lenient).unwrap()),
            },
            person: PersonIdentity {
                name: Some("見本　太郎".into()),
                name_of_other: Some("見本　たろう".into()),
                name_kana: Some("ﾐﾎﾝ ﾀﾛｳ".into()),
                name_of_other_kana: Some("ﾐﾎﾝ ﾀﾛｳ".into()),
                sex1: Some(Sex::Male),
                sex2: Some(Sex::Male),
                birthdate: Some(Personal::new(d(1950, 5, 5))),
                address: Some("東京都千代田区千代田1-1".into()),
                post_number: Some("100-0001".into()),
            },
            insured_card_classification: Some(InsuredCardClassification::General),
            personal_family_classification: Some(PersonalFamilyClassification::Insured),
            insured_name: Some("見本　太郎".into()),
            qualification_date: Some(d(2020, 4, 1)),
            disqualification_date: Some(d(2030, 3, 31)),
            insured_certificate_issuance_date: Some(d(2020, 4, 1)),
            insured_card_valid_date: Some(d(2020, 4, 1)),
            insured_card_expiration_date: Some(d(2030, 3, 31)),
            insured_partial_contribution_ratio: Some(Ratio::from_percent(10).unwrap()),
            preschool_classification: Some(PreschoolClassification::Preschool),
            reason_of_loss: Some(ReasonOfLoss::Other),
            insurer_name: Some("見本健康保険組合".into()),
            elderly_recipient: Some(ElderlyRecipient {
                certificate_date: Some(d(2020, 4, 1)),
                valid_start_date: Some(d(2020, 4, 1)),
                valid_end_date: Some(d(2021, 3, 31)),
                contribution_ratio: Some(Ratio::from_percent(20).unwrap()),
                extra: vec![],
            }),
            limit_certificate: Some(LimitCertificate {
                classification: Some(LimitCertificateClassification::Limit),
                classification_flag: Some(LimitClassificationFlag::A03),
                valid_start_date: Some(d(2020, 4, 1)),
                ..Default::default()
            }),
            specific_diseases: vec![SpecificDisease {
                category: Some(SpecificDiseaseCategory::Dialysis),
                self_pay: Some(10000),
                ..Default::default()
            }],
            medical_tickets: vec![MedicalTicket {
                issue_number: Some("1".into()),
                ..Default::default()
            }],
            public_expenses: vec![public_expense()],
            reference_number: Some("P-0001".into()),
            ..Default::default()
        }
    }

    /// A 公費 (指定難病) with every compared field set.
    pub(crate) fn public_expense() -> PublicExpense {
        PublicExpense::from_json(
            r#"{"payer_number":"54136015","recipient_number":"1234566",
                "certification_name":"特定医療費（指定難病）受給者証","segment":"1",
                "income_segment":"一般所得Ⅰ","max_copayment_amount":10000,
                "always_reimbursement":"false","valid_from":"2026-04-01","valid_to":"2027-03-31",
                "additional_conditions":"01-02;03-04",
                "designated_institutions":[{"code":"1310000003","name":"見本クリニック"}],
                "certificate_items":[{"name":"疾病名","value":"見本病"}],
                "history_key":"h-1","source":"pmh"}"#,
        )
        .unwrap()
    }

    fn ctx() -> DiffContext {
        DiffContext::new(d(2025, 4, 1), QueryKind::Records)
    }

    #[test]
    fn a_full_record_is_identical_to_itself_with_every_field_listed() {
        let q = full_record();
        let diff = compare_records(&q, &q, &ctx());
        assert_eq!(diff.verdict, Verdict::Identical);
        assert_eq!(diff.fields.len(), Field::COMPARED.len());
        assert!(diff.fields.iter().all(|f| f.class == Class::Same));
    }

    #[test]
    fn fields_absent_on_both_sides_are_not_listed() {
        let diff = compare_records(&Qualification::default(), &Qualification::default(), &ctx());
        assert!(diff.fields.is_empty());
        assert_eq!(diff.verdict, Verdict::Identical);
    }

    #[test]
    fn unknown_elements_do_not_make_certificates_differ() {
        let a = full_record();
        let mut b = full_record();
        b.limit_certificate
            .as_mut()
            .unwrap()
            .extra
            .push(UnknownElement {
                name: "New".into(),
                attributes: vec![],
                text: Some("1".into()),
                children: vec![],
            });
        let diff = compare_records(&a, &b, &ctx());
        assert_eq!(
            diff.field(Field::LimitCertificate).unwrap().class,
            Class::Same
        );
    }

    #[test]
    fn check_digit_is_computed_without_panicking_on_odd_input() {
        assert!(check_digit_holds("138057"));
        assert!(!check_digit_holds("138058"));
        assert!(check_digit_holds(""));
        assert!(check_digit_holds("12a"));
    }

    #[test]
    fn verdict_order_is_the_documented_precedence() {
        assert!(Verdict::NotConfirmed > Verdict::VerifyIdentity);
        assert!(Verdict::VerifyIdentity > Verdict::NewQualification);
        assert!(Verdict::NewQualification > Verdict::UpdateRecommended);
        assert!(Verdict::UpdateRecommended > Verdict::Identical);
    }
}
