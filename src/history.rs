//! The qualification history: apply, expire, unlink, audit — for the insurance qualification
//! and for each 公費 alike.
//!
//! [`History`] is generic over the record it keeps ([`Record`]): a patient has one
//! [`QualificationHistory`] (保険) and one [`PublicExpenseHistory`] per 公費 they hold (難病,
//! 小児慢性, こども医療費 …), with the same review, apply, expire, unlink and audit. A 公費
//! answer without PMH data is `unknown` ([`Verdict::Unknown`]): applying it is refused
//! ([`HistoryError::Unknown`]) and the 公費 stays as it is — never 失効.
//!
//! A patient's [`QualificationHistory`] is a list of [`Version`]s, each a [`Qualification`] with
//! its validity period `[start, end]` in the clinic, where it came from ([`Source`]: entered by
//! hand, or a terminal result with its time), the result it is linked to ([`ResultLink`]) and
//! its [`VersionState`]. Versions never overlap and are never deleted.
//!
//! [`QualificationHistory::review`] compares a terminal answer with the current version and
//! keeps what it judged in a [`Review`] (the [`Diff`] staff see, the returned record it
//! selected, the revision it was based on). [`QualificationHistory::apply`] takes that review,
//! the staff's [`Choices`] (反映 or not, per field; by default the recommended actions) and
//! [`ApplyOptions`] (a [`StartDatePolicy`] and who applies it):
//!
//! * nothing to reflect: the result is linked, nothing changes (FAQ: link, do not change);
//! * identity-only changes (address, kana …): the current version is updated in place;
//! * a qualification change (保険者番号, 記号・番号・枝番, 本人家族, 負担割合, 医療扶助): the
//!   current version is closed (end = new start − 1 day) and a new one opens. The new start is
//!   the returned 資格取得年月日 (else 有効開始年月日) when the card itself changed and that date is
//!   usable; when the card is unchanged (未就学 2割 → 就学 3割, 69 → 70: the national validity does
//!   not switch) it is the confirmation date or the 1st of its month, as the caller chooses;
//! * applying the same result twice changes nothing.
//!
//! Every change yields [`AuditEvent`]s (also kept in [`QualificationHistory::audit`]); who and
//! when are the caller's arguments ([`Stamp`]) — the library never reads the clock. Everything
//! is serde, so a history travels as JSON (the C ABI passes it that way).
//!
//! ```
//! use chrono::NaiveDate;
//! use onshi::diff::{QueryKind, Returned, Verdict};
//! use onshi::history::*;
//! use onshi::model::{Qualification, Ratio};
//!
//! let day = |m, d| NaiveDate::from_ymd_opt(2025, m, d).unwrap();
//! let stamp = Stamp::new("staff-1", day(4, 10).and_hms_opt(9, 0, 0).unwrap());
//! let old = Qualification {
//!     insured_partial_contribution_ratio: Ratio::from_percent(10),
//!     ..Default::default()
//! };
//! let mut history = QualificationHistory::new(old.clone(), day(1, 1), Source::manual(stamp.at), &stamp);
//!
//! // The terminal says 2割 now (same card): a new qualification.
//! let returned = Qualification { insured_partial_contribution_ratio: Ratio::from_percent(20), ..old };
//! let ctx = ReviewContext::new("OQSsiquc01res_0001.xml", day(4, 10), QueryKind::MyNumberCard);
//! let review = history.review(Returned::record(&returned), &ctx).unwrap();
//! assert_eq!(review.verdict(), Verdict::NewQualification);
//! let how = ApplyOptions::new(StartDatePolicy::FirstOfMonth, stamp);
//! history.apply(&review, &Choices::recommended(), &how).unwrap();
//! assert_eq!(history.versions.len(), 2);
//! assert_eq!(history.versions[0].end, Some(day(3, 31)));
//! assert_eq!(history.versions[1].start, day(4, 1));
//! ```

use crate::diff::{
    self, Action, Class, ClinicKind, Diff, DiffContext, FieldDiff, QueryKind, Record, RecordField,
    RecordKind, Returned, Verdict,
};
use crate::model::{Field, FieldGroup, PublicExpense, Qualification};
use crate::reception::Presentation;
use crate::text;
use chrono::{Datelike, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Errors of this module (codes 350–399).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HistoryError {
    /// The diff is `not_confirmed`: there is nothing to apply.
    #[error("the result does not confirm a qualification; nothing to apply")]
    NotConfirmed,
    /// The diff asks for 本人確認 and the choices do not say it was done.
    #[error("identity must be verified before this result is applied")]
    IdentityNotVerified,
    /// The history changed after the review was made (another result was applied, a version
    /// was expired or unlinked), or the review was not made by this history: review again.
    #[error("the history changed since this review was made; review the answer again")]
    StaleReview,
    /// A returned value holding a substitute mark (●) was chosen for 反映.
    #[error("field {field}: a value holding a substitute mark cannot replace the registered value")]
    SubstituteRefused {
        /// The field's id (`"name"`, `"certification_name"` …).
        field: &'static str,
        /// The field's Japanese label.
        label: &'static str,
    },
    /// No version has this id.
    #[error("no version {id}")]
    NoSuchVersion {
        /// The id asked for.
        id: VersionId,
    },
    /// The version is not linked to a result.
    #[error("version {id} is not linked to a result")]
    NotLinked {
        /// The version.
        id: VersionId,
    },
    /// The history has no version.
    #[error("the history has no version")]
    Empty,
    /// An end date before the version's start, or past the start of the next version.
    #[error("version {id}: end date out of its period")]
    InvalidEnd {
        /// The version.
        id: VersionId,
    },
    /// A date computation left the calendar's range.
    #[error("date out of range")]
    DateOutOfRange,
    /// The history breaks its invariants (overlapping or unordered versions, duplicate ids).
    #[error("inconsistent history: {0}")]
    Inconsistent(&'static str),
    /// The review is `unknown`: PMH sent no data for this 公費. Nothing is applied and the 公費
    /// is not expired; check the paper 受給者証.
    #[error("no PMH data for this 公費: nothing to apply, and it is not expired")]
    Unknown,
    /// The review, JSON or record is of another kind (a 公費 review for an insurance history …).
    #[error("this is a {found:?} record, the history keeps {expected:?}")]
    WrongKind {
        /// The history's kind.
        expected: RecordKind,
        /// What was given.
        found: RecordKind,
    },
}

impl HistoryError {
    /// Stable numeric code (C ABI `onshi_status`).
    pub fn code(&self) -> u32 {
        use crate::ffi::status as st;
        match self {
            HistoryError::NotConfirmed => st::ONSHI_HISTORY_NOT_CONFIRMED,
            HistoryError::IdentityNotVerified => st::ONSHI_HISTORY_IDENTITY_NOT_VERIFIED,
            HistoryError::StaleReview => st::ONSHI_HISTORY_STALE_REVIEW,
            HistoryError::SubstituteRefused { .. } => st::ONSHI_HISTORY_SUBSTITUTE_REFUSED,
            HistoryError::NoSuchVersion { .. } => st::ONSHI_HISTORY_NO_SUCH_VERSION,
            HistoryError::NotLinked { .. } => st::ONSHI_HISTORY_NOT_LINKED,
            HistoryError::Empty => st::ONSHI_HISTORY_EMPTY,
            HistoryError::InvalidEnd { .. } => st::ONSHI_HISTORY_INVALID_END,
            HistoryError::DateOutOfRange => st::ONSHI_HISTORY_DATE_OUT_OF_RANGE,
            HistoryError::Inconsistent(_) => st::ONSHI_HISTORY_INCONSISTENT,
            HistoryError::Unknown => st::ONSHI_HISTORY_UNKNOWN,
            HistoryError::WrongKind { .. } => st::ONSHI_HISTORY_WRONG_KIND,
        }
    }
}

/// A version's id: unique within its history, never reused.
pub type VersionId = u32;

/// Who did something, and when (the caller's clock).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    /// The staff member or process (the EMR's own id; not patient data).
    pub actor: String,
    /// When.
    pub at: NaiveDateTime,
}

impl Stamp {
    /// A stamp.
    pub fn new(actor: impl Into<String>, at: NaiveDateTime) -> Self {
        Stamp {
            actor: actor.into(),
            at,
        }
    }
}

/// Where a version's data came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Source {
    /// Entered by hand (from the paper card, 新患登録 …).
    Manual {
        /// When it was entered.
        at: NaiveDateTime,
    },
    /// Taken from a terminal result.
    Terminal {
        /// The result's id (e.g. its file name).
        result_id: String,
        /// When the result was applied.
        at: NaiveDateTime,
    },
}

impl Source {
    /// Entered by hand at `at`.
    pub fn manual(at: NaiveDateTime) -> Self {
        Source::Manual { at }
    }
}

/// The link from a version to the terminal result that confirmed it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultLink {
    /// The result's id, chosen by the caller (the res file name, the face file's
    /// `ArbitraryFileIdentifier` …). Applying a result whose id is already linked changes nothing.
    pub result_id: String,
    /// 資格確認日.
    pub confirmation_date: NaiveDate,
    /// When the result arrived, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received_at: Option<NaiveDateTime>,
    /// What the patient presented for this confirmation (a face result: a マイナ保険証).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub presentation: Option<Presentation>,
}

impl ResultLink {
    /// A link to result `result_id` confirmed on `confirmation_date`.
    pub fn new(result_id: impl Into<String>, confirmation_date: NaiveDate) -> Self {
        ResultLink {
            result_id: result_id.into(),
            confirmation_date,
            received_at: None,
            presentation: None,
        }
    }
}

/// A version's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VersionState {
    /// The latest version, in force.
    Current,
    /// Closed because a new qualification replaced it.
    Superseded,
    /// Closed by staff ([`QualificationHistory::expire`], e.g. after 資格喪失).
    Expired,
}

/// One version of the patient's qualification (or of one 公費).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(bound = "")]
pub struct Version<R: Record = Qualification> {
    /// Id, unique in the history.
    pub id: VersionId,
    /// First day it applies.
    pub start: NaiveDate,
    /// Last day it applies (`None`: open).
    pub end: Option<NaiveDate>,
    /// The data (the qualification, or the 公費).
    pub qualification: R,
    /// Where the data came from.
    pub source: Source,
    /// The result it is linked to (`None` after [`QualificationHistory::unlink`] or for manual
    /// data never confirmed).
    pub link: Option<ResultLink>,
    /// State.
    pub state: VersionState,
}

impl<R: Record> Version<R> {
    /// `true` when `date` is within `[start, end]`.
    pub fn covers(&self, date: NaiveDate) -> bool {
        self.start <= date && self.end.is_none_or(|e| date <= e)
    }
}

/// What an audit event records. Values are never copied here: only field ids, dates and ids.
/// `F` is the record's field enumeration ([`Field`], or
/// [`PublicExpenseField`](crate::model::PublicExpenseField) in a 公費 history).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
#[serde(bound(
    serialize = "F: Serialize",
    deserialize = "F: serde::de::DeserializeOwned"
))]
pub enum AuditKind<F = Field> {
    /// The history was created with its first version.
    Created {
        /// The first version's start.
        start: NaiveDate,
    },
    /// The version was linked to a result (one event per confirmation applied).
    Linked {
        /// The result.
        result_id: String,
        /// What the patient presented for it, when recorded.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        presentation: Option<Presentation>,
    },
    /// Fields were updated in place (反映).
    Updated {
        /// The fields taken from the result.
        fields: Vec<F>,
        /// The result.
        result_id: String,
    },
    /// The version was closed because a new one replaced it.
    Closed {
        /// Its last day.
        end: NaiveDate,
    },
    /// A new version was opened from a result.
    Opened {
        /// Its first day.
        start: NaiveDate,
        /// The fields taken from the result.
        fields: Vec<F>,
        /// The result.
        result_id: String,
    },
    /// The link to a result was removed (資格情報の解除); the data stays.
    Unlinked {
        /// The result that was linked.
        result_id: String,
    },
    /// Staff closed the version.
    Expired {
        /// Its last day.
        end: NaiveDate,
    },
}

/// One audit event: who, when, which version, what.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(bound(
    serialize = "F: Serialize",
    deserialize = "F: serde::de::DeserializeOwned"
))]
pub struct AuditEvent<F = Field> {
    /// Who (the caller's actor).
    pub actor: String,
    /// When (the caller's time).
    pub at: NaiveDateTime,
    /// The version concerned.
    pub version: VersionId,
    /// What happened.
    #[serde(flatten)]
    pub kind: AuditKind<F>,
}

/// A staff decision on one field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// 反映: take the returned value.
    Reflect,
    /// Keep the registered value.
    Keep,
}

/// The staff's decisions for one application. Fields not listed follow the recommended action
/// ([`Choices::decision`]). `F` is the record's field enumeration ([`Field`] for the
/// qualification, [`PublicExpenseField`](crate::model::PublicExpenseField) for a 公費).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(bound(
    serialize = "F: Serialize + Ord",
    deserialize = "F: serde::de::DeserializeOwned + Ord"
))]
pub struct Choices<F = Field> {
    /// Per-field decisions that override the recommendation.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<F, Decision>,
    /// Staff verified the patient's identity (required to apply a `verify_identity` diff; then
    /// the differing identity fields are reflected unless chosen otherwise).
    #[serde(default)]
    pub identity_verified: bool,
    /// An explicit start for a new version, overriding the computed one (it is still moved
    /// past the current version's start so that versions never overlap).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_date: Option<NaiveDate>,
}

impl<F> Default for Choices<F> {
    fn default() -> Self {
        Choices {
            fields: BTreeMap::new(),
            identity_verified: false,
            start_date: None,
        }
    }
}

impl<F: RecordField> Choices<F> {
    /// Follow every recommendation.
    pub fn recommended() -> Self {
        Choices::default()
    }

    /// Reflect `field` whatever the recommendation.
    pub fn reflect(mut self, field: F) -> Self {
        self.fields.insert(field, Decision::Reflect);
        self
    }

    /// Keep the registered value of `field`.
    pub fn keep(mut self, field: F) -> Self {
        self.fields.insert(field, Decision::Keep);
        self
    }

    /// Identity was verified.
    pub fn identity_verified(mut self) -> Self {
        self.identity_verified = true;
        self
    }

    /// The decision for one field of a diff whose verdict is `verdict`: the explicit choice,
    /// else reflect for `reflect` and `new_qualification`, reflect for `verify_identity` once
    /// identity is verified, reflect the dates of a new card when a new qualification opens,
    /// keep otherwise.
    pub fn decision(&self, f: &FieldDiff<F>, verdict: Verdict) -> Decision {
        if let Some(d) = self.fields.get(&f.field) {
            return *d;
        }
        match f.action {
            Action::Reflect | Action::NewQualification => Decision::Reflect,
            Action::VerifyIdentity if self.identity_verified => Decision::Reflect,
            Action::Ignore
                if verdict == Verdict::NewQualification
                    && f.field.group() == Some(FieldGroup::Detail)
                    && matches!(f.class, Class::Different | Class::OnlyReturned) =>
            {
                Decision::Reflect
            }
            _ => Decision::Keep,
        }
    }
}

/// How to date a new version when the national side gives no usable date (the card did not
/// change: 未就学 → 就学, 69 → 70).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StartDatePolicy {
    /// The confirmation date (資格確認した日).
    #[default]
    ConfirmationDate,
    /// The 1st of the confirmation date's month (資格確認を行った月の1日).
    FirstOfMonth,
}

impl StartDatePolicy {
    /// The start date this policy gives for a confirmation on `date`.
    pub fn start_for(self, date: NaiveDate) -> NaiveDate {
        match self {
            StartDatePolicy::ConfirmationDate => date,
            StartDatePolicy::FirstOfMonth => date.with_day(1).unwrap_or(date),
        }
    }
}

/// A patient's history of one record: their insurance qualification
/// ([`QualificationHistory`]) or one of their 公費 ([`PublicExpenseHistory`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(bound = "")]
pub struct History<R: Record = Qualification> {
    /// What the history keeps (`"qualification"` or `"public_expense"` in JSON; absent in
    /// histories written before 公費 existed, which are qualifications). Set by the
    /// constructors; [`History::from_json`] refuses a history of another kind.
    #[serde(default)]
    pub kind: RecordKind,
    /// Versions, oldest first; their periods never overlap.
    pub versions: Vec<Version<R>>,
    /// Every audit event, oldest first.
    #[serde(default)]
    pub audit: Vec<AuditEvent<R::Field>>,
    /// Counts every change (apply, unlink, expire): a [`Review`] applies only to the revision
    /// it was made on.
    #[serde(default)]
    pub revision: u64,
}

/// A patient's insurance qualification history (保険, 医療扶助 included).
pub type QualificationHistory = History<Qualification>;

/// The history of one 公費 a patient holds (one per 受給者証: 難病, 小児慢性, こども医療費 …).
pub type PublicExpenseHistory = History<PublicExpense>;

impl<R: Record> Default for History<R> {
    fn default() -> Self {
        History {
            kind: R::KIND,
            versions: Vec::new(),
            audit: Vec::new(),
            revision: 0,
        }
    }
}

/// What a review needs besides the answer: which result it is and when it was confirmed
/// (資格確認日, given once; the library never reads the clock), and how the person was queried.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewContext {
    /// The result's id, chosen by the caller: the answer's file name (`Reply::file` of the
    /// terminal client, `FaceEvent::file_name`) is the natural one. Applying a result whose id
    /// is already linked changes nothing.
    pub result_id: String,
    /// 資格確認日.
    pub confirmation_date: NaiveDate,
    /// How the person was queried.
    pub query_kind: QueryKind,
    /// When the result arrived, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received_at: Option<NaiveDateTime>,
    /// What kind of care the clinic gives (a 医療券's 診療別 is checked against it; `None`:
    /// not checked).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clinic_kind: Option<ClinicKind>,
    /// What the patient presented (マイナ保険証, 資格確認書 …), as staff recorded it: kept with
    /// the confirmation in the history and read by the diff's advice. A face result
    /// (`QueryKind::MyNumberCard`) is a マイナ保険証 whatever is stated here
    /// ([`Presentation::resolve`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub presentation: Option<Presentation>,
}

impl ReviewContext {
    /// A context for result `result_id` confirmed on `confirmation_date`.
    pub fn new(
        result_id: impl Into<String>,
        confirmation_date: NaiveDate,
        query_kind: QueryKind,
    ) -> Self {
        ReviewContext {
            result_id: result_id.into(),
            confirmation_date,
            query_kind,
            received_at: None,
            presentation: None,
            clinic_kind: None,
        }
    }

    /// The same context for a clinic of `kind` (its 医療券 checks need it).
    pub fn with_clinic_kind(mut self, kind: ClinicKind) -> Self {
        self.clinic_kind = Some(kind);
        self
    }

    /// The same context with what the patient presented.
    pub fn with_presentation(mut self, presentation: Presentation) -> Self {
        self.presentation = Some(presentation);
        self
    }

    /// What the patient presented, resolved: a face result implies a マイナ保険証.
    pub fn resolved_presentation(&self) -> Option<Presentation> {
        Presentation::resolve(self.presentation, self.query_kind)
    }

    /// The diff context (date, query kind, clinic kind, presentation).
    pub fn diff_context(&self) -> DiffContext {
        DiffContext {
            clinic_kind: self.clinic_kind,
            ..DiffContext::new(self.confirmation_date, self.query_kind)
        }
        .with_presentation(self.resolved_presentation())
    }

    fn link(&self) -> ResultLink {
        ResultLink {
            result_id: self.result_id.clone(),
            confirmation_date: self.confirmation_date,
            received_at: self.received_at,
            presentation: self.resolved_presentation(),
        }
    }
}

/// A terminal answer reviewed against a history's current version: the [`Diff`] staff see,
/// and what it judged — the registered data, the returned record it selected (the one with the
/// registered 保険者番号 and 番号 when several came back) and the history revision it was
/// based on. [`QualificationHistory::apply`] takes it with the staff's choices; nothing is
/// compared again.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(bound = "")]
pub struct Review<R: Record = Qualification> {
    /// What was compared (`"qualification"` or `"public_expense"`; absent in reviews written
    /// before 公費 existed).
    #[serde(default)]
    pub kind: RecordKind,
    /// The comparison: verdict, per-field classes, advice and actions, notices.
    pub diff: Diff<R::Field>,
    /// The registered record it was compared with (the current version's data).
    pub registered: R,
    /// The returned record it judged (`None` when the answer held none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub returned: Option<R>,
    /// The result, linked to the version that results.
    pub link: ResultLink,
    /// The version it was based on (`None` for a review of two records outside a history,
    /// which cannot be applied).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_version: Option<VersionId>,
    /// The history revision it was based on.
    #[serde(default)]
    pub base_revision: u64,
}

impl<R: Record> Review<R> {
    /// A review of a returned answer against a registered record outside any history (a
    /// staff screen, the CLI's `diff`). It shows everything a history review shows but cannot
    /// be applied.
    pub fn of_records(registered: &R, answer: Returned<'_, R>, ctx: &ReviewContext) -> Review<R> {
        let diff = diff::compare(registered, &answer, &ctx.diff_context());
        let returned = diff.record(&answer).cloned();
        Review {
            kind: R::KIND,
            diff,
            registered: registered.clone(),
            returned,
            link: ctx.link(),
            base_version: None,
            base_revision: 0,
        }
    }

    /// The verdict.
    pub fn verdict(&self) -> Verdict {
        self.diff.verdict
    }

    /// The review as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads a review from JSON (as [`Review::to_json`] writes it); refuses a review of
    /// another kind of record.
    pub fn from_json(json: &str) -> crate::Result<Review<R>> {
        check_kind::<R>(json)?;
        Ok(serde_json::from_str(json)?)
    }
}

/// Refuses the JSON of a history or review of another kind before reading it (its records
/// would not fit, and the error would not say why).
fn check_kind<R: Record>(json: &str) -> crate::Result<()> {
    #[derive(Deserialize)]
    struct Kind {
        #[serde(default)]
        kind: RecordKind,
    }
    let k: Kind = serde_json::from_str(json)?;
    if k.kind != R::KIND {
        return Err(HistoryError::WrongKind {
            expected: R::KIND,
            found: k.kind,
        }
        .into());
    }
    Ok(())
}

/// How to apply a review: the start-date policy for a new version and who applies it, when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplyOptions {
    /// How a new version is dated when the national side gives no usable date.
    pub start_date_policy: StartDatePolicy,
    /// Who applies it, and when (the caller's clock).
    pub stamp: Stamp,
}

impl ApplyOptions {
    /// Options with `policy`, applied by `stamp`.
    pub fn new(start_date_policy: StartDatePolicy, stamp: Stamp) -> Self {
        ApplyOptions {
            start_date_policy,
            stamp,
        }
    }
}

impl<R: Record> History<R> {
    /// A history with one version starting on `start`. A [`Source::Terminal`] version is
    /// linked to its result (confirmed on `start`); use [`from_result`](Self::from_result) to
    /// give the link's confirmation date.
    pub fn new(first: R, start: NaiveDate, source: Source, stamp: &Stamp) -> Self {
        let link = match &source {
            Source::Terminal { result_id, .. } => Some(ResultLink::new(result_id.clone(), start)),
            Source::Manual { .. } => None,
        };
        Self::with_link(first, start, source, link, stamp)
    }

    /// A history whose first version comes from a terminal result, linked to it: the
    /// 新患登録 flow (`NewPatientDraft::qualification` of the `matching` module), or a 公費
    /// PMH sent (its source becomes `pmh` when it has none).
    pub fn from_result(mut first: R, start: NaiveDate, result: &ResultLink, stamp: &Stamp) -> Self {
        first.received();
        let source = Source::Terminal {
            result_id: result.result_id.clone(),
            at: stamp.at,
        };
        Self::with_link(first, start, source, Some(result.clone()), stamp)
    }

    fn with_link(
        first: R,
        start: NaiveDate,
        source: Source,
        link: Option<ResultLink>,
        stamp: &Stamp,
    ) -> Self {
        let event = AuditEvent {
            actor: stamp.actor.clone(),
            at: stamp.at,
            version: 1,
            kind: AuditKind::Created { start },
        };
        History {
            kind: R::KIND,
            versions: vec![Version {
                id: 1,
                start,
                end: None,
                qualification: first,
                source,
                link,
                state: VersionState::Current,
            }],
            audit: vec![event],
            revision: 0,
        }
    }

    /// The latest version.
    pub fn current(&self) -> Option<&Version<R>> {
        self.versions.last()
    }

    /// The version with this id.
    pub fn version(&self, id: VersionId) -> Option<&Version<R>> {
        self.versions.iter().find(|v| v.id == id)
    }

    /// The version in force on `date`.
    pub fn at(&self, date: NaiveDate) -> Option<&Version<R>> {
        self.versions.iter().find(|v| v.covers(date))
    }

    /// Checks the invariants: unique ids, each version's end not before its start, versions
    /// ordered by start, every version but the last closed before the next one starts.
    pub fn validate(&self) -> Result<(), HistoryError> {
        if self.kind != R::KIND {
            return Err(HistoryError::WrongKind {
                expected: R::KIND,
                found: self.kind,
            });
        }
        let mut ids = std::collections::BTreeSet::new();
        for v in &self.versions {
            if !ids.insert(v.id) {
                return Err(HistoryError::Inconsistent("duplicate version id"));
            }
            if v.end.is_some_and(|e| e < v.start) {
                return Err(HistoryError::Inconsistent(
                    "a version ends before it starts",
                ));
            }
        }
        for w in self.versions.windows(2) {
            match w[0].end {
                Some(e) if e < w[1].start => {}
                _ => return Err(HistoryError::Inconsistent("versions overlap")),
            }
        }
        Ok(())
    }

    fn event(
        &self,
        stamp: &Stamp,
        version: VersionId,
        kind: AuditKind<R::Field>,
    ) -> AuditEvent<R::Field> {
        AuditEvent {
            actor: stamp.actor.clone(),
            at: stamp.at,
            version,
            kind,
        }
    }

    fn record(&mut self, events: &[AuditEvent<R::Field>]) {
        self.audit.extend_from_slice(events);
    }

    /// Reviews a terminal answer against the current version: compares it (see the `diff`
    /// module) and keeps what was judged, for [`apply`](Self::apply).
    ///
    /// Fails with [`HistoryError::Empty`] when the history has no version.
    pub fn review(
        &self,
        answer: Returned<'_, R>,
        ctx: &ReviewContext,
    ) -> Result<Review<R>, HistoryError> {
        let cur = self.current().ok_or(HistoryError::Empty)?;
        let mut review = Review::of_records(&cur.qualification, answer, ctx);
        review.base_version = Some(cur.id);
        review.base_revision = self.revision;
        Ok(review)
    }

    /// Applies a reviewed answer with the staff's choices (see the module documentation).
    ///
    /// The review must have been made by this history at its current revision (else
    /// [`HistoryError::StaleReview`]). Returns the audit events of this application (empty
    /// when the result was already applied). An `unknown` review (no PMH data for a 公費) is
    /// refused with [`HistoryError::Unknown`]: nothing changes, the 公費 is not expired.
    pub fn apply(
        &mut self,
        review: &Review<R>,
        choices: &Choices<R::Field>,
        how: &ApplyOptions,
    ) -> Result<Vec<AuditEvent<R::Field>>, HistoryError> {
        let diff = &review.diff;
        let result = &review.link;
        let stamp = &how.stamp;
        let policy = how.start_date_policy;
        if review.kind != R::KIND {
            return Err(HistoryError::WrongKind {
                expected: R::KIND,
                found: review.kind,
            });
        }
        match diff.verdict {
            Verdict::NotConfirmed => return Err(HistoryError::NotConfirmed),
            Verdict::Unknown => return Err(HistoryError::Unknown),
            _ => {}
        }
        self.validate()?;
        let already = self.versions.iter().any(|v| {
            v.link
                .as_ref()
                .is_some_and(|l| l.result_id == result.result_id)
        });
        if already {
            return Ok(Vec::new());
        }
        let cur = self.versions.last().ok_or(HistoryError::Empty)?;
        if review.base_version != Some(cur.id) || review.base_revision != self.revision {
            return Err(HistoryError::StaleReview);
        }
        let returned = review.returned.as_ref().ok_or(HistoryError::NotConfirmed)?;
        if diff.verdict == Verdict::VerifyIdentity && !choices.identity_verified {
            return Err(HistoryError::IdentityNotVerified);
        }
        let mut reflected: Vec<R::Field> = Vec::new();
        let mut new_qualification = false;
        for f in &diff.fields {
            if choices.decision(f, diff.verdict) != Decision::Reflect {
                continue;
            }
            let substitute =
                R::field_display(f.field, returned).is_some_and(|v| text::has_substitute(&v));
            if substitute {
                if choices.fields.get(&f.field) == Some(&Decision::Reflect) {
                    return Err(HistoryError::SubstituteRefused {
                        field: f.field.id(),
                        label: f.field.label(),
                    });
                }
                continue;
            }
            if matches!(f.class, Class::Same) {
                continue;
            }
            new_qualification |= f.action == Action::NewQualification;
            reflected.push(f.field);
        }
        let mut content = cur.qualification.clone();
        for f in &reflected {
            R::field_copy(*f, returned, &mut content);
        }
        let cur_id = cur.id;
        let mut events = Vec::new();
        if !new_qualification {
            if !reflected.is_empty() {
                events.push(self.event(
                    stamp,
                    cur_id,
                    AuditKind::Updated {
                        fields: reflected,
                        result_id: result.result_id.clone(),
                    },
                ));
            }
            events.push(self.event(
                stamp,
                cur_id,
                AuditKind::Linked {
                    result_id: result.result_id.clone(),
                    presentation: result.presentation,
                },
            ));
            if let Some(v) = self.versions.last_mut() {
                v.qualification = content;
                v.link = Some(result.clone());
            }
            self.record(&events);
            self.revision += 1;
            return Ok(events);
        }
        let start = self.new_start(&content, returned, diff, choices, policy)?;
        let close = start.pred_opt().ok_or(HistoryError::DateOutOfRange)?;
        let new_id = self
            .versions
            .iter()
            .map(|v| v.id)
            .max()
            .unwrap_or(0)
            .checked_add(1)
            .ok_or(HistoryError::DateOutOfRange)?;
        let end = match self.versions.last() {
            Some(v) => v.end.map_or(close, |e| e.min(close)),
            None => return Err(HistoryError::Empty),
        };
        events.push(self.event(stamp, cur_id, AuditKind::Closed { end }));
        events.push(self.event(
            stamp,
            new_id,
            AuditKind::Opened {
                start,
                fields: reflected,
                result_id: result.result_id.clone(),
            },
        ));
        events.push(self.event(
            stamp,
            new_id,
            AuditKind::Linked {
                result_id: result.result_id.clone(),
                presentation: result.presentation,
            },
        ));
        if let Some(v) = self.versions.last_mut() {
            v.end = Some(end);
            v.state = VersionState::Superseded;
        }
        self.versions.push(Version {
            id: new_id,
            start,
            end: None,
            qualification: content,
            source: Source::Terminal {
                result_id: result.result_id.clone(),
                at: stamp.at,
            },
            link: Some(result.clone()),
            state: VersionState::Current,
        });
        self.record(&events);
        self.revision += 1;
        Ok(events)
    }

    /// The start of a new version: the explicit choice; else, when the card changed, the
    /// returned 資格取得年月日 or 有効開始年月日 if after the current start; else the policy
    /// date. Always after the current version's start.
    fn new_start(
        &self,
        content: &R,
        returned: &R,
        diff: &Diff<R::Field>,
        choices: &Choices<R::Field>,
        policy: StartDatePolicy,
    ) -> Result<NaiveDate, HistoryError> {
        let cur = self.versions.last().ok_or(HistoryError::Empty)?;
        let earliest = cur.start.succ_opt().ok_or(HistoryError::DateOutOfRange)?;
        let national = R::national_start(&cur.qualification, content, returned, earliest);
        let start = choices
            .start_date
            .or(national)
            .unwrap_or_else(|| policy.start_for(diff.context.confirmation_date));
        Ok(start.max(earliest))
    }

    /// Removes the link between a version and its result (資格情報の解除, e.g. linked to the
    /// wrong patient). The data stays; an audit event is recorded.
    pub fn unlink(
        &mut self,
        id: VersionId,
        stamp: &Stamp,
    ) -> Result<AuditEvent<R::Field>, HistoryError> {
        let v = self
            .versions
            .iter_mut()
            .find(|v| v.id == id)
            .ok_or(HistoryError::NoSuchVersion { id })?;
        let link = v.link.take().ok_or(HistoryError::NotLinked { id })?;
        let event = self.event(
            stamp,
            id,
            AuditKind::Unlinked {
                result_id: link.result_id,
            },
        );
        self.audit.push(event.clone());
        self.revision += 1;
        Ok(event)
    }

    /// Closes a version on `last_day` (e.g. the day before 資格喪失). The end may not be before
    /// the version's start, nor move past its current end unless it is the latest version.
    pub fn expire(
        &mut self,
        id: VersionId,
        last_day: NaiveDate,
        stamp: &Stamp,
    ) -> Result<AuditEvent<R::Field>, HistoryError> {
        let pos = self
            .versions
            .iter()
            .position(|v| v.id == id)
            .ok_or(HistoryError::NoSuchVersion { id })?;
        let is_last = pos + 1 == self.versions.len();
        let v = &mut self.versions[pos];
        let extends = v.end.is_some_and(|e| last_day > e);
        if last_day < v.start || (extends && !is_last) {
            return Err(HistoryError::InvalidEnd { id });
        }
        v.end = Some(last_day);
        v.state = VersionState::Expired;
        let event = self.event(stamp, id, AuditKind::Expired { end: last_day });
        self.audit.push(event.clone());
        self.revision += 1;
        Ok(event)
    }

    /// The history as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads a history from JSON and checks its invariants (and that it keeps this kind of
    /// record: a 公費 history is refused as a qualification history, and the reverse).
    pub fn from_json(json: &str) -> crate::Result<History<R>> {
        check_kind::<R>(json)?;
        let h: History<R> = serde_json::from_str(json)?;
        h.validate()?;
        Ok(h)
    }
}
