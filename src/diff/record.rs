//! The records `diff` compares and a history keeps: the qualification (保険, [`Qualification`])
//! and the 公費 ([`PublicExpense`]). [`Record`] is what the comparison and the history need of
//! each; it is implemented for these two only (sealed).
//!
//! The 公費 has the same diff (classes, advice, Japanese messages) and the same history (apply,
//! expire old / start new, unlink keeping data, audit) as the qualification, with its own rules
//! where they differ:
//!
//! * which returned 公費 is "the same one": same 公費負担者番号 and 受給者番号, else the same
//!   公費負担者番号, else the only one of the same 法別 (the programme) — never another programme;
//! * **no PMH data for it is [`Verdict::Unknown`], never 失効**: PMH gives no reason (the patient
//!   did not consent at the reader, the city is not connected, or the 受給者証 ended look the same),
//!   so nothing is applied and staff are asked for the paper 受給者証 ([`Cause::NoPmhData`]);
//! * a new 上限額, 所得区分, 区分, 償還払い or number is a new version ([`Advice::CapChanged`],
//!   [`Advice::PublicExpenseChanged`]); a new validity period is reflected in place
//!   ([`Advice::PublicExpenseValidityChanged`]); a PMH record marked deleted adds a notice, and
//!   is still not read as 失効.

use super::field::Value;
use super::{
    Advice, Cause, Class, Compared, DiffContext, FieldDiff, NotConfirmed, Notice, NoticeKind,
    Returned, Verdict, compare_values,
};
use crate::codes::{ProcessingResultStatus, PublicExpenseSource};
use crate::model::{Field, FieldGroup, PublicExpense, PublicExpenseField, Qualification};
use chrono::NaiveDate;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::fmt::{Debug, Display};
use std::hash::Hash;

/// Which kind of record a diff, review or history is about.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    /// The qualification (保険, 医療扶助 included): [`Qualification`].
    #[default]
    Qualification,
    /// A 公費 (公費負担医療 / 地方単独医療費助成): [`PublicExpense`].
    PublicExpense,
}

impl RecordKind {
    /// Japanese label for staff screens.
    pub fn label(self) -> &'static str {
        match self {
            RecordKind::Qualification => "資格（保険）",
            RecordKind::PublicExpense => "公費（医療費助成）",
        }
    }
}

/// A field of a record `diff` compares ([`Field`], [`PublicExpenseField`]): its stable id
/// (JSON key), `ONSHI_FIELD_*` number, Japanese label and group.
pub trait RecordField:
    Copy + Eq + Ord + Hash + Debug + Display + Serialize + DeserializeOwned + Send + Sync + 'static
{
    /// The stable id: the field's path in the record JSON.
    fn id(self) -> &'static str;
    /// The `ONSHI_FIELD_*` number of the C ABI.
    fn number(self) -> u32;
    /// The Japanese label for staff screens.
    fn label(self) -> &'static str;
    /// The group of a compared field; `None` for a field `diff` does not compare.
    fn group(self) -> Option<FieldGroup>;
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for crate::model::Qualification {}
    impl Sealed for crate::model::PublicExpense {}
}

/// A record `diff` compares and a history keeps: [`Qualification`] or [`PublicExpense`]
/// (sealed). The functions marked hidden are the library's own hooks.
pub trait Record:
    sealed::Sealed
    + Clone
    + Default
    + PartialEq
    + Eq
    + Debug
    + Serialize
    + DeserializeOwned
    + Send
    + Sync
    + 'static
{
    /// The record's field enumeration.
    type Field: RecordField;
    /// Which kind of record this is.
    const KIND: RecordKind;

    /// The field's value as text for a staff screen (see [`Field::display`]).
    fn field_display(field: Self::Field, r: &Self) -> Option<String>;
    /// Copies one field's value (or its absence): the 反映 of one field.
    fn field_copy(field: Self::Field, from: &Self, to: &mut Self);

    /// The returned record compared with `registered`, and its index.
    #[doc(hidden)]
    fn select<'a>(answer: &Returned<'a, Self>, registered: &Self) -> Option<(usize, &'a Self)>;
    /// Why the answer says nothing usable about `registered` (then the verdict is
    /// `not_confirmed`, or `unknown` for [`Cause::NoPmhData`]).
    #[doc(hidden)]
    fn not_confirmed(
        answer: &Returned<'_, Self>,
        registered: &Self,
        selected: Option<&Self>,
        ctx: &DiffContext,
    ) -> Option<NotConfirmed>;
    /// The notices beyond single fields.
    #[doc(hidden)]
    fn notices(
        registered: &Self,
        returned: Option<&Self>,
        answer: &Returned<'_, Self>,
        confirmed: bool,
        ctx: &DiffContext,
    ) -> (Vec<Notice>, Option<super::Recheck>);
    /// The per-field comparison, in display order.
    #[doc(hidden)]
    fn compare_fields(
        registered: &Self,
        returned: &Self,
        ctx: &DiffContext,
    ) -> Vec<FieldDiff<Self::Field>>;
    /// The start a new version takes from the national side when the record itself changed
    /// (a new card, a new 受給者証): the first of its dates not before `earliest`.
    #[doc(hidden)]
    fn national_start(
        current: &Self,
        content: &Self,
        returned: &Self,
        earliest: NaiveDate,
    ) -> Option<NaiveDate>;
    /// Marks a record taken from a terminal result (a 公費 gets source `pmh` when it has none).
    #[doc(hidden)]
    fn received(&mut self) {}
}

macro_rules! record_field {
    ($t:ty) => {
        impl RecordField for $t {
            fn id(self) -> &'static str {
                <$t>::id(self)
            }
            fn number(self) -> u32 {
                <$t>::number(self)
            }
            fn label(self) -> &'static str {
                <$t>::label(self)
            }
            fn group(self) -> Option<FieldGroup> {
                <$t>::group(self)
            }
        }
    };
}
record_field!(Field);
record_field!(PublicExpenseField);

impl std::fmt::Display for PublicExpenseField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

impl Record for Qualification {
    type Field = Field;
    const KIND: RecordKind = RecordKind::Qualification;

    fn field_display(field: Field, r: &Self) -> Option<String> {
        field.display(r)
    }
    fn field_copy(field: Field, from: &Self, to: &mut Self) {
        field.copy(from, to)
    }
    fn select<'a>(answer: &Returned<'a, Self>, registered: &Self) -> Option<(usize, &'a Self)> {
        super::select_qualification(answer, registered)
    }
    fn not_confirmed(
        answer: &Returned<'_, Self>,
        registered: &Self,
        _: Option<&Self>,
        ctx: &DiffContext,
    ) -> Option<NotConfirmed> {
        super::qualification_not_confirmed(answer)
            .map(|nc| super::reception::refine_not_confirmed(nc, registered, ctx))
    }
    fn notices(
        registered: &Self,
        returned: Option<&Self>,
        answer: &Returned<'_, Self>,
        confirmed: bool,
        ctx: &DiffContext,
    ) -> (Vec<Notice>, Option<super::Recheck>) {
        super::qualification_notices(registered, returned, answer, confirmed, ctx)
    }
    fn compare_fields(
        registered: &Self,
        returned: &Self,
        ctx: &DiffContext,
    ) -> Vec<FieldDiff<Field>> {
        let mut fields = super::compare_fields(registered, returned);
        for f in &mut fields {
            if let Some(a) =
                super::reception::field_advice(f.field, f.class, registered, returned, ctx)
            {
                f.advice = a;
                f.action = a.action();
                f.message = Cow::Borrowed(a.message());
            }
        }
        fields
    }
    fn national_start(
        current: &Self,
        content: &Self,
        returned: &Self,
        earliest: NaiveDate,
    ) -> Option<NaiveDate> {
        const CARD_KEY: [Field; 5] = [
            Field::InsuredCardClassification,
            Field::InsurerNumber,
            Field::InsuredCardSymbol,
            Field::InsuredIdentificationNumber,
            Field::InsuredBranchNumber,
        ];
        let card_changed = CARD_KEY
            .iter()
            .any(|f| f.display(current) != f.display(content));
        if !card_changed {
            return None;
        }
        [
            returned.qualification_date,
            returned.insured_card_valid_date,
        ]
        .into_iter()
        .flatten()
        .find(|d| *d >= earliest)
    }
}

impl Record for PublicExpense {
    type Field = PublicExpenseField;
    const KIND: RecordKind = RecordKind::PublicExpense;

    fn field_display(field: PublicExpenseField, r: &Self) -> Option<String> {
        field.display(r)
    }
    fn field_copy(field: PublicExpenseField, from: &Self, to: &mut Self) {
        field.copy(from, to)
    }

    fn select<'a>(answer: &Returned<'a, Self>, registered: &Self) -> Option<(usize, &'a Self)> {
        let rs = answer.records;
        let find = |p: &dyn Fn(&PublicExpense) -> bool| rs.iter().position(p).map(|i| (i, &rs[i]));
        let both = |r: &PublicExpense| {
            r.payer_number.is_some()
                && r.payer_number == registered.payer_number
                && r.recipient_number.is_some()
                && r.recipient_number == registered.recipient_number
        };
        let payer = |r: &PublicExpense| {
            r.payer_number.is_some() && r.payer_number == registered.payer_number
        };
        if let Some(hit) = find(&both).or_else(|| find(&payer)) {
            return Some(hit);
        }
        // The same programme (法別) under a new 公費負担者番号 (the patient moved): only when it
        // is the one record of that programme, so that two 公費 are never confused.
        let law = registered.law_code()?;
        let same_law: Vec<usize> = rs
            .iter()
            .enumerate()
            .filter(|(_, r)| r.law_code() == Some(law))
            .map(|(i, _)| i)
            .collect();
        match same_law.as_slice() {
            [i] => Some((*i, &rs[*i])),
            _ => None,
        }
    }

    fn not_confirmed(
        answer: &Returned<'_, Self>,
        _: &Self,
        selected: Option<&Self>,
        _: &DiffContext,
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
        match selected {
            Some(_) => None,
            None => nc(Cause::NoPmhData),
        }
    }

    fn notices(
        registered: &Self,
        returned: Option<&Self>,
        answer: &Returned<'_, Self>,
        confirmed: bool,
        _: &DiffContext,
    ) -> (Vec<Notice>, Option<super::Recheck>) {
        let mut out = Vec::new();
        if !confirmed {
            if answer.status.is_none() || answer.status == Some(&ProcessingResultStatus::Normal) {
                out.push(Notice::new(NoticeKind::NoPmhData, None));
            }
            return (out, None);
        }
        if returned.is_some_and(|r| r.is_deleted()) {
            out.push(Notice::new(NoticeKind::PmhRecordDeleted, None));
        }
        let bad = |p: &PublicExpense| {
            p.payer_number
                .as_ref()
                .is_some_and(|n| n.validate().is_err())
                || p.recipient_number
                    .as_ref()
                    .is_some_and(|n| n.check_digit_holds() == Some(false))
        };
        if bad(registered) || returned.is_some_and(bad) {
            out.push(Notice::new(NoticeKind::CheckDigitIgnored, None));
        }
        if returned.is_some_and(|r| r.is_reimbursement()) {
            out.push(Notice::new(NoticeKind::Reimbursement, None));
        }
        if answer.records.len() > 1 {
            out.push(Notice::new(NoticeKind::SeveralPublicExpenses, None));
        }
        (out, None)
    }

    fn compare_fields(
        registered: &Self,
        returned: &Self,
        _: &DiffContext,
    ) -> Vec<FieldDiff<PublicExpenseField>> {
        let mut out = Vec::with_capacity(PublicExpenseField::COMPARED.len());
        let mut step = |field: PublicExpenseField, a: Value<'_>, b: Value<'_>| {
            let Some(cmp) = compare_values(a, b) else {
                return;
            };
            let advice = match cmp.class {
                Class::Same => Advice::Same,
                Class::Equivalent => Advice::Equivalent,
                Class::Substituted => Advice::SubstituteMark,
                Class::OnlyReturned if cmp.returned_has_substitute => Advice::SubstituteNotStored,
                Class::OnlyRegistered => field.advice_only_registered(),
                Class::OnlyReturned => field.advice_only_returned(),
                Class::Different => field.advice_different(),
            };
            out.push(field_diff(field, field.label(), cmp, advice));
        };
        super::generated::each_compared_public_expense(registered, returned, &mut step);
        out
    }

    fn national_start(
        current: &Self,
        content: &Self,
        returned: &Self,
        earliest: NaiveDate,
    ) -> Option<NaiveDate> {
        // A new 受給者証 (other numbers or another validity start) brings its own start date.
        let renewed = current.payer_number != content.payer_number
            || current.recipient_number != content.recipient_number
            || current.valid_from != content.valid_from;
        if !renewed {
            return None;
        }
        returned.valid_from.filter(|d| *d >= earliest)
    }

    fn received(&mut self) {
        if self.source.is_none() {
            self.source = Some(PublicExpenseSource::Pmh);
        }
    }
}

/// One field's comparison as a [`FieldDiff`].
pub(super) fn field_diff<F>(
    field: F,
    label: &'static str,
    cmp: Compared,
    advice: Advice,
) -> FieldDiff<F> {
    FieldDiff {
        field,
        label: Cow::Borrowed(label),
        class: cmp.class,
        reasons: cmp.reasons,
        positions: cmp.positions,
        advice,
        action: advice.action(),
        message: Cow::Borrowed(advice.message()),
    }
}

/// The verdict of an answer that says nothing usable: `unknown` when it is only silent about
/// a 公費, `not_confirmed` otherwise.
pub(super) fn verdict_of(nc: &NotConfirmed) -> Verdict {
    match nc.cause {
        Cause::NoPmhData => Verdict::Unknown,
        _ => Verdict::NotConfirmed,
    }
}
