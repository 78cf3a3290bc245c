//! The enumerations of the C ABI that are not code tables: numbers for C, stable ids (the
//! library's serde names) for text, and the mapping to the Rust enums.
//!
//! Every enumeration is a `uint32_t` typedef with `#define`d values starting at 1 (0 is never
//! a value); flag sets use one bit per value. Numbers are never reused.

use super::field::Value;
use super::panic::Failure;
use super::status::*;

/// One enumeration: every variant with its number and its stable id.
pub(crate) struct Enumeration<T: 'static> {
    pub(crate) name: &'static str,
    pub(crate) rows: &'static [(T, u32, &'static str)],
}

impl<T: Copy + PartialEq> Enumeration<T> {
    /// The field value of a variant.
    pub(crate) fn value(&self, v: T) -> Option<Value> {
        self.rows
            .iter()
            .find(|r| r.0 == v)
            .map(|r| Value::Enum(r.1, r.2))
    }

    /// The number of a variant (0 if the table lacks it, which a test rules out).
    pub(crate) fn num(&self, v: T) -> u32 {
        self.rows.iter().find(|r| r.0 == v).map_or(0, |r| r.1)
    }

    /// The stable id of a variant.
    pub(crate) fn id(&self, v: T) -> &'static str {
        self.rows.iter().find(|r| r.0 == v).map_or("", |r| r.2)
    }

    /// The variant of a number from C (`ONSHI_INVALID_ARGUMENT` for an unknown one).
    pub(crate) fn parse_num(&self, n: u32) -> Result<T, Failure> {
        self.rows
            .iter()
            .find(|r| r.1 == n)
            .map(|r| r.0)
            .ok_or_else(|| {
                Failure::new(
                    ONSHI_INVALID_ARGUMENT,
                    format!("unknown {} value {n}", self.name),
                )
            })
    }

    /// The variant of a stable id.
    #[cfg(test)]
    pub(crate) fn parse_id(&self, id: &str) -> Option<T> {
        self.rows.iter().find(|r| r.2 == id).map(|r| r.0)
    }

    /// A flag set: the bits of every variant in `vs`.
    pub(crate) fn bits(&self, vs: &[T]) -> u32 {
        vs.iter().fold(0, |acc, v| acc | self.num(*v))
    }

    /// The stable ids of `vs`, comma-separated.
    pub(crate) fn ids(&self, vs: &[T]) -> String {
        vs.iter().map(|v| self.id(*v)).collect::<Vec<_>>().join(",")
    }
}

/// How the person was queried (diff context): one of the `ONSHI_QUERY_KIND_*` values.
#[allow(non_camel_case_types)]
pub type onshi_query_kind = u32;
/// マイナンバーカード at the reader (face push, 照会区分 1).
pub const ONSHI_QUERY_KIND_MY_NUMBER_CARD: onshi_query_kind = 1;
/// 個別照会 by the insurance card's 記号・番号 (照会区分 2).
pub const ONSHI_QUERY_KIND_INSURANCE_CARD: onshi_query_kind = 2;
/// 照会 by a 公費 (医療扶助) number.
pub const ONSHI_QUERY_KIND_PUBLIC_EXPENSE: onshi_query_kind = 3;
/// 一括照会 (pre-check of booked patients).
pub const ONSHI_QUERY_KIND_BULK: onshi_query_kind = 4;
/// Two records compared without a terminal answer (manual entry).
pub const ONSHI_QUERY_KIND_RECORDS: onshi_query_kind = 5;

pub(crate) static QUERY_KIND: Enumeration<crate::diff::QueryKind> = Enumeration {
    name: "onshi_query_kind",
    rows: &[
        (
            crate::diff::QueryKind::MyNumberCard,
            ONSHI_QUERY_KIND_MY_NUMBER_CARD,
            "my_number_card",
        ),
        (
            crate::diff::QueryKind::InsuranceCard,
            ONSHI_QUERY_KIND_INSURANCE_CARD,
            "insurance_card",
        ),
        (
            crate::diff::QueryKind::PublicExpense,
            ONSHI_QUERY_KIND_PUBLIC_EXPENSE,
            "public_expense",
        ),
        (crate::diff::QueryKind::Bulk, ONSHI_QUERY_KIND_BULK, "bulk"),
        (
            crate::diff::QueryKind::Records,
            ONSHI_QUERY_KIND_RECORDS,
            "records",
        ),
    ],
};

#[allow(dead_code)]
fn exhaustive_query_kind(v: crate::diff::QueryKind) {
    match v {
        crate::diff::QueryKind::MyNumberCard
        | crate::diff::QueryKind::InsuranceCard
        | crate::diff::QueryKind::PublicExpense
        | crate::diff::QueryKind::Bulk
        | crate::diff::QueryKind::Records => {}
    }
}

/// What a diff or history is about: one of the `ONSHI_KIND_*` values.
#[allow(non_camel_case_types)]
pub type onshi_record_kind = u32;
/// The insurance qualification (保険, 医療扶助 included): `onshi_qualification`.
pub const ONSHI_KIND_QUALIFICATION: onshi_record_kind = 1;
/// A 公費 (公費負担医療 / 地方単独医療費助成, PMH): `onshi_public_expense`.
pub const ONSHI_KIND_PUBLIC_EXPENSE: onshi_record_kind = 2;

pub(crate) static RECORD_KIND: Enumeration<crate::diff::RecordKind> = Enumeration {
    name: "onshi_record_kind",
    rows: &[
        (
            crate::diff::RecordKind::Qualification,
            ONSHI_KIND_QUALIFICATION,
            "qualification",
        ),
        (
            crate::diff::RecordKind::PublicExpense,
            ONSHI_KIND_PUBLIC_EXPENSE,
            "public_expense",
        ),
    ],
};

/// What the patient presented at reception: one of the `ONSHI_PRESENTATION_*` values (0 where
/// a function accepts "not recorded").
#[allow(non_camel_case_types)]
pub type onshi_presentation = u32;
/// マイナ保険証（カード）.
pub const ONSHI_PRESENTATION_MY_NUMBER_CARD: onshi_presentation = 1;
/// マイナ保険証（スマートフォン）.
pub const ONSHI_PRESENTATION_MY_NUMBER_SMARTPHONE: onshi_presentation = 2;
/// 資格確認書.
pub const ONSHI_PRESENTATION_QUALIFICATION_CERTIFICATE: onshi_presentation = 3;
/// マイナ保険証 + 資格情報のお知らせ (confirmed by the お知らせ's 記号・番号).
pub const ONSHI_PRESENTATION_MY_NUMBER_CARD_WITH_NOTICE: onshi_presentation = 4;
/// 記号・番号 from another document (お知らせ alone, an expired 保険証 …).
pub const ONSHI_PRESENTATION_OTHER_DOCUMENT: onshi_presentation = 5;
/// 被保険者資格申立書.
pub const ONSHI_PRESENTATION_DECLARATION: onshi_presentation = 6;
/// Nothing presented.
pub const ONSHI_PRESENTATION_NONE: onshi_presentation = 7;

pub(crate) static PRESENTATION: Enumeration<crate::reception::Presentation> = Enumeration {
    name: "onshi_presentation",
    rows: &[
        (
            crate::reception::Presentation::MyNumberCard,
            ONSHI_PRESENTATION_MY_NUMBER_CARD,
            "my_number_card",
        ),
        (
            crate::reception::Presentation::MyNumberSmartphone,
            ONSHI_PRESENTATION_MY_NUMBER_SMARTPHONE,
            "my_number_smartphone",
        ),
        (
            crate::reception::Presentation::QualificationCertificate,
            ONSHI_PRESENTATION_QUALIFICATION_CERTIFICATE,
            "qualification_certificate",
        ),
        (
            crate::reception::Presentation::MyNumberCardWithNotice,
            ONSHI_PRESENTATION_MY_NUMBER_CARD_WITH_NOTICE,
            "my_number_card_with_notice",
        ),
        (
            crate::reception::Presentation::OtherDocument,
            ONSHI_PRESENTATION_OTHER_DOCUMENT,
            "other_document",
        ),
        (
            crate::reception::Presentation::Declaration,
            ONSHI_PRESENTATION_DECLARATION,
            "declaration",
        ),
        (
            crate::reception::Presentation::Nothing,
            ONSHI_PRESENTATION_NONE,
            "none",
        ),
    ],
};

#[allow(dead_code)]
fn exhaustive_record_kind(v: crate::diff::RecordKind) {
    match v {
        crate::diff::RecordKind::Qualification | crate::diff::RecordKind::PublicExpense => {}
    }
}

impl Enumeration<crate::reception::Presentation> {
    /// A presentation from C, where 0 means "not recorded".
    pub(crate) fn parse_optional(
        &self,
        n: u32,
    ) -> Result<Option<crate::reception::Presentation>, Failure> {
        if n == 0 {
            Ok(None)
        } else {
            self.parse_num(n).map(Some)
        }
    }
}

#[allow(dead_code)]
fn exhaustive_presentation(v: crate::reception::Presentation) {
    match v {
        crate::reception::Presentation::MyNumberCard
        | crate::reception::Presentation::MyNumberSmartphone
        | crate::reception::Presentation::QualificationCertificate
        | crate::reception::Presentation::MyNumberCardWithNotice
        | crate::reception::Presentation::OtherDocument
        | crate::reception::Presentation::Declaration
        | crate::reception::Presentation::Nothing => {}
    }
}

/// The overall outcome of a diff: one of the `ONSHI_VERDICT_*` values (the larger, the more serious).
#[allow(non_camel_case_types)]
pub type onshi_verdict = u32;
/// 変更なし（紐付けのみ）: nothing to apply; link the result.
pub const ONSHI_VERDICT_IDENTICAL: onshi_verdict = 1;
/// 反映を推奨: some field should be reflected into the current qualification.
pub const ONSHI_VERDICT_UPDATE_RECOMMENDED: onshi_verdict = 2;
/// 新しい資格: the coverage changed; the old qualification expires.
pub const ONSHI_VERDICT_NEW_QUALIFICATION: onshi_verdict = 3;
/// 本人確認が必要: name, birthdate, sex or 照会番号 differ.
pub const ONSHI_VERDICT_VERIFY_IDENTITY: onshi_verdict = 4;
/// 資格を確認できません: the terminal did not confirm a qualification.
pub const ONSHI_VERDICT_NOT_CONFIRMED: onshi_verdict = 5;
/// 不明: no PMH data for a 公費 (not consented, city not connected, or ended — PMH does not
/// say). Never 失効: keep the 公費 and check the paper 受給者証. Nothing can be applied.
pub const ONSHI_VERDICT_UNKNOWN: onshi_verdict = 6;

pub(crate) static VERDICT: Enumeration<crate::diff::Verdict> = Enumeration {
    name: "onshi_verdict",
    rows: &[
        (
            crate::diff::Verdict::Identical,
            ONSHI_VERDICT_IDENTICAL,
            "identical",
        ),
        (
            crate::diff::Verdict::UpdateRecommended,
            ONSHI_VERDICT_UPDATE_RECOMMENDED,
            "update_recommended",
        ),
        (
            crate::diff::Verdict::NewQualification,
            ONSHI_VERDICT_NEW_QUALIFICATION,
            "new_qualification",
        ),
        (
            crate::diff::Verdict::VerifyIdentity,
            ONSHI_VERDICT_VERIFY_IDENTITY,
            "verify_identity",
        ),
        (
            crate::diff::Verdict::NotConfirmed,
            ONSHI_VERDICT_NOT_CONFIRMED,
            "not_confirmed",
        ),
        (
            crate::diff::Verdict::Unknown,
            ONSHI_VERDICT_UNKNOWN,
            "unknown",
        ),
    ],
};

#[allow(dead_code)]
fn exhaustive_verdict(v: crate::diff::Verdict) {
    match v {
        crate::diff::Verdict::Identical
        | crate::diff::Verdict::UpdateRecommended
        | crate::diff::Verdict::NewQualification
        | crate::diff::Verdict::VerifyIdentity
        | crate::diff::Verdict::Unknown
        | crate::diff::Verdict::NotConfirmed => {}
    }
}

/// How the two values of one field relate: one of the `ONSHI_DIFF_CLASS_*` values.
#[allow(non_camel_case_types)]
pub type onshi_diff_class = u32;
/// 一致: byte for byte the same.
pub const ONSHI_DIFF_CLASS_SAME: onshi_diff_class = 1;
/// 表記ゆれ: the same once normalized (the reasons say how).
pub const ONSHI_DIFF_CLASS_EQUIVALENT: onshi_diff_class = 2;
/// 代替文字（●）: the returned value holds ● for characters it cannot show.
pub const ONSHI_DIFF_CLASS_SUBSTITUTED: onshi_diff_class = 3;
/// 相違: really different.
pub const ONSHI_DIFF_CLASS_DIFFERENT: onshi_diff_class = 4;
/// 登録のみ: only the clinic's record has a value.
pub const ONSHI_DIFF_CLASS_ONLY_REGISTERED: onshi_diff_class = 5;
/// 返却のみ: only the returned record has a value.
pub const ONSHI_DIFF_CLASS_ONLY_RETURNED: onshi_diff_class = 6;

pub(crate) static DIFF_CLASS: Enumeration<crate::diff::Class> = Enumeration {
    name: "onshi_diff_class",
    rows: &[
        (crate::diff::Class::Same, ONSHI_DIFF_CLASS_SAME, "same"),
        (
            crate::diff::Class::Equivalent,
            ONSHI_DIFF_CLASS_EQUIVALENT,
            "equivalent",
        ),
        (
            crate::diff::Class::Substituted,
            ONSHI_DIFF_CLASS_SUBSTITUTED,
            "substituted",
        ),
        (
            crate::diff::Class::Different,
            ONSHI_DIFF_CLASS_DIFFERENT,
            "different",
        ),
        (
            crate::diff::Class::OnlyRegistered,
            ONSHI_DIFF_CLASS_ONLY_REGISTERED,
            "only_registered",
        ),
        (
            crate::diff::Class::OnlyReturned,
            ONSHI_DIFF_CLASS_ONLY_RETURNED,
            "only_returned",
        ),
    ],
};

#[allow(dead_code)]
fn exhaustive_diff_class(v: crate::diff::Class) {
    match v {
        crate::diff::Class::Same
        | crate::diff::Class::Equivalent
        | crate::diff::Class::Substituted
        | crate::diff::Class::Different
        | crate::diff::Class::OnlyRegistered
        | crate::diff::Class::OnlyReturned => {}
    }
}

/// What the library recommends for one field: one of the `ONSHI_ACTION_*` values.
#[allow(non_camel_case_types)]
pub type onshi_action = u32;
/// 対応不要.
pub const ONSHI_ACTION_IGNORE: onshi_action = 1;
/// 登録値を維持: do not take the returned value.
pub const ONSHI_ACTION_KEEP_REGISTERED: onshi_action = 2;
/// 反映: take the returned value into the current qualification.
pub const ONSHI_ACTION_REFLECT: onshi_action = 3;
/// 新しい資格として登録.
pub const ONSHI_ACTION_NEW_QUALIFICATION: onshi_action = 4;
/// 本人確認 before anything is applied.
pub const ONSHI_ACTION_VERIFY_IDENTITY: onshi_action = 5;

pub(crate) static ACTION: Enumeration<crate::diff::Action> = Enumeration {
    name: "onshi_action",
    rows: &[
        (crate::diff::Action::Ignore, ONSHI_ACTION_IGNORE, "ignore"),
        (
            crate::diff::Action::KeepRegistered,
            ONSHI_ACTION_KEEP_REGISTERED,
            "keep_registered",
        ),
        (
            crate::diff::Action::Reflect,
            ONSHI_ACTION_REFLECT,
            "reflect",
        ),
        (
            crate::diff::Action::NewQualification,
            ONSHI_ACTION_NEW_QUALIFICATION,
            "new_qualification",
        ),
        (
            crate::diff::Action::VerifyIdentity,
            ONSHI_ACTION_VERIFY_IDENTITY,
            "verify_identity",
        ),
    ],
};

#[allow(dead_code)]
fn exhaustive_action(v: crate::diff::Action) {
    match v {
        crate::diff::Action::Ignore
        | crate::diff::Action::KeepRegistered
        | crate::diff::Action::Reflect
        | crate::diff::Action::NewQualification
        | crate::diff::Action::VerifyIdentity => {}
    }
}

/// Why a field got its action: one of the `ONSHI_ADVICE_*` values; the item's message field holds the Japanese guidance.
#[allow(non_camel_case_types)]
pub type onshi_advice = u32;
/// The values are the same.
pub const ONSHI_ADVICE_SAME: onshi_advice = 1;
/// Only the notation differs.
pub const ONSHI_ADVICE_EQUIVALENT: onshi_advice = 2;
/// The returned value holds ●: keep the registered value.
pub const ONSHI_ADVICE_SUBSTITUTE_MARK: onshi_advice = 3;
/// Nothing registered and the returned value holds ●: do not store it.
pub const ONSHI_ADVICE_SUBSTITUTE_NOT_STORED: onshi_advice = 4;
/// The terminal returned no value.
pub const ONSHI_ADVICE_NOT_RETURNED: onshi_advice = 5;
/// The clinic has no value and the terminal returned one.
pub const ONSHI_ADVICE_NEW_INFORMATION: onshi_advice = 6;
/// The value differs: check and reflect.
pub const ONSHI_ADVICE_CHANGED: onshi_advice = 7;
/// 住所 or 郵便番号 differs.
pub const ONSHI_ADVICE_ADDRESS_CHANGED: onshi_advice = 8;
/// 氏名カナ differs while the name agrees.
pub const ONSHI_ADVICE_KANA_DIFFERS: onshi_advice = 9;
/// A different name, birthdate or sex came back.
pub const ONSHI_ADVICE_IDENTITY_MISMATCH: onshi_advice = 10;
/// The 照会番号 differs.
pub const ONSHI_ADVICE_REFERENCE_NUMBER_MISMATCH: onshi_advice = 11;
/// 保険者番号, 記号・番号・枝番, 本人家族 or 被保険者証区分 changed.
pub const ONSHI_ADVICE_QUALIFICATION_CHANGED: onshi_advice = 12;
/// The copay ratio changed.
pub const ONSHI_ADVICE_RATIO_CHANGED: onshi_advice = 13;
/// A 高齢受給者 ratio appeared (turning 70).
pub const ONSHI_ADVICE_ELDERLY_RECIPIENT_STARTED: onshi_advice = 14;
/// 未就学 ended (2割 → 3割).
pub const ONSHI_ADVICE_SCHOOL_ENTRY: onshi_advice = 15;
/// 医療扶助 information changed.
pub const ONSHI_ADVICE_MEDICAL_ASSISTANCE_CHANGED: onshi_advice = 16;
/// The validity start date differs (known-benign).
pub const ONSHI_ADVICE_VALIDITY_START_DIFFERS: onshi_advice = 17;
/// The validity end date came back blank (known-benign).
pub const ONSHI_ADVICE_EXPIRATION_BLANK: onshi_advice = 18;

/// A 後期高齢 資格確認書 has no address: an address missing from it is not a difference.
pub const ONSHI_ADVICE_ADDRESS_NOT_ON_CERTIFICATE: onshi_advice = 40;

/// 公費の内容が変更: a 公費's numbers, 区分, 所得区分 or 償還払い changed; a new 公費 version.
pub const ONSHI_ADVICE_PUBLIC_EXPENSE_CHANGED: onshi_advice = 41;
/// 上限額が変更: a 公費's 自己負担上限額 changed; a new 公費 version.
pub const ONSHI_ADVICE_CAP_CHANGED: onshi_advice = 42;
/// 公費の有効期間が変更: a renewed 受給者証; reflect the dates.
pub const ONSHI_ADVICE_PUBLIC_EXPENSE_VALIDITY_CHANGED: onshi_advice = 43;

pub(crate) static ADVICE: Enumeration<crate::diff::Advice> = Enumeration {
    name: "onshi_advice",
    rows: &[
        (crate::diff::Advice::Same, ONSHI_ADVICE_SAME, "same"),
        (
            crate::diff::Advice::Equivalent,
            ONSHI_ADVICE_EQUIVALENT,
            "equivalent",
        ),
        (
            crate::diff::Advice::SubstituteMark,
            ONSHI_ADVICE_SUBSTITUTE_MARK,
            "substitute_mark",
        ),
        (
            crate::diff::Advice::SubstituteNotStored,
            ONSHI_ADVICE_SUBSTITUTE_NOT_STORED,
            "substitute_not_stored",
        ),
        (
            crate::diff::Advice::NotReturned,
            ONSHI_ADVICE_NOT_RETURNED,
            "not_returned",
        ),
        (
            crate::diff::Advice::NewInformation,
            ONSHI_ADVICE_NEW_INFORMATION,
            "new_information",
        ),
        (
            crate::diff::Advice::Changed,
            ONSHI_ADVICE_CHANGED,
            "changed",
        ),
        (
            crate::diff::Advice::AddressChanged,
            ONSHI_ADVICE_ADDRESS_CHANGED,
            "address_changed",
        ),
        (
            crate::diff::Advice::KanaDiffers,
            ONSHI_ADVICE_KANA_DIFFERS,
            "kana_differs",
        ),
        (
            crate::diff::Advice::IdentityMismatch,
            ONSHI_ADVICE_IDENTITY_MISMATCH,
            "identity_mismatch",
        ),
        (
            crate::diff::Advice::ReferenceNumberMismatch,
            ONSHI_ADVICE_REFERENCE_NUMBER_MISMATCH,
            "reference_number_mismatch",
        ),
        (
            crate::diff::Advice::QualificationChanged,
            ONSHI_ADVICE_QUALIFICATION_CHANGED,
            "qualification_changed",
        ),
        (
            crate::diff::Advice::RatioChanged,
            ONSHI_ADVICE_RATIO_CHANGED,
            "ratio_changed",
        ),
        (
            crate::diff::Advice::ElderlyRecipientStarted,
            ONSHI_ADVICE_ELDERLY_RECIPIENT_STARTED,
            "elderly_recipient_started",
        ),
        (
            crate::diff::Advice::SchoolEntry,
            ONSHI_ADVICE_SCHOOL_ENTRY,
            "school_entry",
        ),
        (
            crate::diff::Advice::MedicalAssistanceChanged,
            ONSHI_ADVICE_MEDICAL_ASSISTANCE_CHANGED,
            "medical_assistance_changed",
        ),
        (
            crate::diff::Advice::ValidityStartDiffers,
            ONSHI_ADVICE_VALIDITY_START_DIFFERS,
            "validity_start_differs",
        ),
        (
            crate::diff::Advice::ExpirationBlank,
            ONSHI_ADVICE_EXPIRATION_BLANK,
            "expiration_blank",
        ),
        (
            crate::diff::Advice::AddressNotOnCertificate,
            ONSHI_ADVICE_ADDRESS_NOT_ON_CERTIFICATE,
            "address_not_on_certificate",
        ),
        (
            crate::diff::Advice::PublicExpenseChanged,
            ONSHI_ADVICE_PUBLIC_EXPENSE_CHANGED,
            "public_expense_changed",
        ),
        (
            crate::diff::Advice::CapChanged,
            ONSHI_ADVICE_CAP_CHANGED,
            "cap_changed",
        ),
        (
            crate::diff::Advice::PublicExpenseValidityChanged,
            ONSHI_ADVICE_PUBLIC_EXPENSE_VALIDITY_CHANGED,
            "public_expense_validity_changed",
        ),
    ],
};

#[allow(dead_code)]
fn exhaustive_advice(v: crate::diff::Advice) {
    match v {
        crate::diff::Advice::Same
        | crate::diff::Advice::Equivalent
        | crate::diff::Advice::SubstituteMark
        | crate::diff::Advice::SubstituteNotStored
        | crate::diff::Advice::NotReturned
        | crate::diff::Advice::NewInformation
        | crate::diff::Advice::Changed
        | crate::diff::Advice::AddressChanged
        | crate::diff::Advice::KanaDiffers
        | crate::diff::Advice::IdentityMismatch
        | crate::diff::Advice::ReferenceNumberMismatch
        | crate::diff::Advice::QualificationChanged
        | crate::diff::Advice::RatioChanged
        | crate::diff::Advice::ElderlyRecipientStarted
        | crate::diff::Advice::SchoolEntry
        | crate::diff::Advice::MedicalAssistanceChanged
        | crate::diff::Advice::ValidityStartDiffers
        | crate::diff::Advice::ExpirationBlank
        | crate::diff::Advice::AddressNotOnCertificate
        | crate::diff::Advice::PublicExpenseChanged
        | crate::diff::Advice::CapChanged
        | crate::diff::Advice::PublicExpenseValidityChanged => {}
    }
}

/// Why an answer does not confirm a qualification: one of the `ONSHI_CAUSE_*` values.
#[allow(non_camel_case_types)]
pub type onshi_cause = u32;
/// 資格有効性 2 無効.
pub const ONSHI_CAUSE_INVALID: onshi_cause = 1;
/// 資格有効性 3 無効（新しい資格あり）.
pub const ONSHI_CAUSE_INVALID_NEW_QUALIFICATION: onshi_cause = 2;
/// 資格有効性 4 該当資格なし.
pub const ONSHI_CAUSE_NOT_FOUND: onshi_cause = 3;
/// 資格有効性 5 複数該当.
pub const ONSHI_CAUSE_MULTIPLE_MATCHES: onshi_cause = 4;
/// 処理結果状況 2 エラー.
pub const ONSHI_CAUSE_PROCESSING_ERROR: onshi_cause = 5;
/// 有効 but no record came back.
pub const ONSHI_CAUSE_NO_RECORD: onshi_cause = 6;
/// A 資格有効性 value this library does not know.
pub const ONSHI_CAUSE_UNKNOWN_VALIDITY: onshi_cause = 7;
/// 医療費助成の情報なし: PMH sent nothing for this 公費 (verdict `ONSHI_VERDICT_UNKNOWN`, never 失効).
pub const ONSHI_CAUSE_NO_PMH_DATA: onshi_cause = 21;

/// 該当資格なし right after joining: the insurer has not registered the new member yet
/// (申立書 path).
pub const ONSHI_CAUSE_NOT_FOUND_NEW_MEMBER: onshi_cause = 20;

pub(crate) static CAUSE: Enumeration<crate::diff::Cause> = Enumeration {
    name: "onshi_cause",
    rows: &[
        (crate::diff::Cause::Invalid, ONSHI_CAUSE_INVALID, "invalid"),
        (
            crate::diff::Cause::InvalidNewQualification,
            ONSHI_CAUSE_INVALID_NEW_QUALIFICATION,
            "invalid_new_qualification",
        ),
        (
            crate::diff::Cause::NotFound,
            ONSHI_CAUSE_NOT_FOUND,
            "not_found",
        ),
        (
            crate::diff::Cause::MultipleMatches,
            ONSHI_CAUSE_MULTIPLE_MATCHES,
            "multiple_matches",
        ),
        (
            crate::diff::Cause::ProcessingError,
            ONSHI_CAUSE_PROCESSING_ERROR,
            "processing_error",
        ),
        (
            crate::diff::Cause::NoRecord,
            ONSHI_CAUSE_NO_RECORD,
            "no_record",
        ),
        (
            crate::diff::Cause::UnknownValidity,
            ONSHI_CAUSE_UNKNOWN_VALIDITY,
            "unknown_validity",
        ),
        (
            crate::diff::Cause::NotFoundNewMember,
            ONSHI_CAUSE_NOT_FOUND_NEW_MEMBER,
            "not_found_new_member",
        ),
        (
            crate::diff::Cause::NoPmhData,
            ONSHI_CAUSE_NO_PMH_DATA,
            "no_pmh_data",
        ),
    ],
};

#[allow(dead_code)]
fn exhaustive_cause(v: crate::diff::Cause) {
    match v {
        crate::diff::Cause::Invalid
        | crate::diff::Cause::InvalidNewQualification
        | crate::diff::Cause::NotFound
        | crate::diff::Cause::MultipleMatches
        | crate::diff::Cause::ProcessingError
        | crate::diff::Cause::NoRecord
        | crate::diff::Cause::UnknownValidity
        | crate::diff::Cause::NotFoundNewMember
        | crate::diff::Cause::NoPmhData => {}
    }
}

/// Something staff should know beyond single fields: one of the `ONSHI_NOTICE_*` values.
#[allow(non_camel_case_types)]
pub type onshi_notice = u32;
/// 資格有効性 6 有効（未登録）(医療扶助).
pub const ONSHI_NOTICE_VALID_UNREGISTERED: onshi_notice = 1;
/// 医療扶助 only: cannot be confirmed by 記号・番号.
pub const ONSHI_NOTICE_PUBLIC_ASSISTANCE_ONLY: onshi_notice = 2;
/// The terminal added a 処理結果コード to a successful answer.
pub const ONSHI_NOTICE_SUPPLEMENTARY: onshi_notice = 3;
/// A 保険者番号 fails its 検証番号; ignored.
pub const ONSHI_NOTICE_CHECK_DIGIT_IGNORED: onshi_notice = 4;
/// Several records came back; the matching one was compared.
pub const ONSHI_NOTICE_SEVERAL_RECORDS: onshi_notice = 5;
/// 医療扶助 early in the month: this month's 医療券 not registered yet; re-check on `ONSHI_FIELD_DIFF_RECHECK_DATE`.
pub const ONSHI_NOTICE_TICKET_NOT_YET_REGISTERED: onshi_notice = 6;
/// The 医療券's 指定医療機関 is not this clinic.
pub const ONSHI_NOTICE_DESIGNATED_INSTITUTION_MISMATCH: onshi_notice = 7;
/// The 社会保険 status does not agree with the 医療券.
pub const ONSHI_NOTICE_SOCIAL_INSURANCE_INCONSISTENT: onshi_notice = 8;
/// The 医療券's 診療別 does not fit the clinic's kind.
pub const ONSHI_NOTICE_TREATMENT_TYPE_MISMATCH: onshi_notice = 9;
/// A 調剤券 came back at a clinic (information).
pub const ONSHI_NOTICE_DISPENSING_TICKET: onshi_notice = 10;
/// The day confirmed is outside the 医療券's validity.
pub const ONSHI_NOTICE_TICKET_OUTSIDE_VALIDITY: onshi_notice = 11;
/// Only 医療券 of other months came back.
pub const ONSHI_NOTICE_TICKET_OTHER_MONTH: onshi_notice = 12;
/// The 医療券 has a 本人支払額 to collect.
pub const ONSHI_NOTICE_SELF_PAY_DUE: onshi_notice = 13;
/// 医療扶助 combined with 医療保険.
pub const ONSHI_NOTICE_COMBINED_WITH_INSURANCE: onshi_notice = 14;
/// The 結核 公費 (感染症法第37条の2) is combined.
pub const ONSHI_NOTICE_TUBERCULOSIS_COMBINED: onshi_notice = 15;
/// 後期高齢者医療 is combined.
pub const ONSHI_NOTICE_LATE_ELDERLY_COMBINED: onshi_notice = 16;
/// 限度額情報変更有無 1: do an individual query.
pub const ONSHI_NOTICE_LIMIT_INFO_CHANGED: onshi_notice = 17;
/// 医療費助成の情報が届いていません: ask for the paper 受給者証 (never 失効).
pub const ONSHI_NOTICE_NO_PMH_DATA: onshi_notice = 27;
/// The 自治体 marked this 受給者証 record deleted in PMH: confirm before ending the 公費.
pub const ONSHI_NOTICE_PMH_RECORD_DELETED: onshi_notice = 28;
/// 償還払い: the 公費 is not applied at the counter.
pub const ONSHI_NOTICE_REIMBURSEMENT: onshi_notice = 29;
/// PMH sent several 公費; the one with the registered numbers was compared.
pub const ONSHI_NOTICE_SEVERAL_PUBLIC_EXPENSES: onshi_notice = 30;

/// お知らせ alone (or an expired 保険証) on or after 2026-04-01: not accepted any more.
pub const ONSHI_NOTICE_NOTICE_ALONE_NOT_ACCEPTED: onshi_notice = 20;
/// お知らせ alone (or an expired 保険証) before 2026-04-01: tolerated.
pub const ONSHI_NOTICE_NOTICE_ALONE_TOLERATED: onshi_notice = 21;
/// A 資格確認書 holder confirmed by its 記号・番号.
pub const ONSHI_NOTICE_QUALIFICATION_CERTIFICATE_QUERY: onshi_notice = 22;
/// 後期高齢, 84 or under, 資格確認書 on or after 2026-08-01 (the お知らせ rule).
pub const ONSHI_NOTICE_LATE_ELDERLY_CERTIFICATE_RULE: onshi_notice = 23;
/// 被保険者証区分 05 特別療養費: the patient pays 10割.
pub const ONSHI_NOTICE_SPECIAL_MEDICAL_EXPENSE: onshi_notice = 24;
/// The 電子証明書 expired: 資格確認 only, for three months after the expiry month.
pub const ONSHI_NOTICE_CERTIFICATE_EXPIRED: onshi_notice = 25;
/// The 電子証明書 expires soon.
pub const ONSHI_NOTICE_CERTIFICATE_EXPIRES_SOON: onshi_notice = 26;

pub(crate) static NOTICE: Enumeration<crate::diff::NoticeKind> = Enumeration {
    name: "onshi_notice",
    rows: &[
        (
            crate::diff::NoticeKind::ValidUnregistered,
            ONSHI_NOTICE_VALID_UNREGISTERED,
            "valid_unregistered",
        ),
        (
            crate::diff::NoticeKind::PublicAssistanceOnly,
            ONSHI_NOTICE_PUBLIC_ASSISTANCE_ONLY,
            "public_assistance_only",
        ),
        (
            crate::diff::NoticeKind::Supplementary,
            ONSHI_NOTICE_SUPPLEMENTARY,
            "supplementary",
        ),
        (
            crate::diff::NoticeKind::CheckDigitIgnored,
            ONSHI_NOTICE_CHECK_DIGIT_IGNORED,
            "check_digit_ignored",
        ),
        (
            crate::diff::NoticeKind::SeveralRecords,
            ONSHI_NOTICE_SEVERAL_RECORDS,
            "several_records",
        ),
        (
            crate::diff::NoticeKind::TicketNotYetRegistered,
            ONSHI_NOTICE_TICKET_NOT_YET_REGISTERED,
            "ticket_not_yet_registered",
        ),
        (
            crate::diff::NoticeKind::DesignatedInstitutionMismatch,
            ONSHI_NOTICE_DESIGNATED_INSTITUTION_MISMATCH,
            "designated_institution_mismatch",
        ),
        (
            crate::diff::NoticeKind::SocialInsuranceInconsistent,
            ONSHI_NOTICE_SOCIAL_INSURANCE_INCONSISTENT,
            "social_insurance_inconsistent",
        ),
        (
            crate::diff::NoticeKind::TreatmentTypeMismatch,
            ONSHI_NOTICE_TREATMENT_TYPE_MISMATCH,
            "treatment_type_mismatch",
        ),
        (
            crate::diff::NoticeKind::DispensingTicket,
            ONSHI_NOTICE_DISPENSING_TICKET,
            "dispensing_ticket",
        ),
        (
            crate::diff::NoticeKind::TicketOutsideValidity,
            ONSHI_NOTICE_TICKET_OUTSIDE_VALIDITY,
            "ticket_outside_validity",
        ),
        (
            crate::diff::NoticeKind::TicketOtherMonth,
            ONSHI_NOTICE_TICKET_OTHER_MONTH,
            "ticket_other_month",
        ),
        (
            crate::diff::NoticeKind::SelfPayDue,
            ONSHI_NOTICE_SELF_PAY_DUE,
            "self_pay_due",
        ),
        (
            crate::diff::NoticeKind::CombinedWithInsurance,
            ONSHI_NOTICE_COMBINED_WITH_INSURANCE,
            "combined_with_insurance",
        ),
        (
            crate::diff::NoticeKind::TuberculosisCombined,
            ONSHI_NOTICE_TUBERCULOSIS_COMBINED,
            "tuberculosis_combined",
        ),
        (
            crate::diff::NoticeKind::LateElderlyCombined,
            ONSHI_NOTICE_LATE_ELDERLY_COMBINED,
            "late_elderly_combined",
        ),
        (
            crate::diff::NoticeKind::LimitInfoChanged,
            ONSHI_NOTICE_LIMIT_INFO_CHANGED,
            "limit_info_changed",
        ),
        (
            crate::diff::NoticeKind::NoticeAloneNotAccepted,
            ONSHI_NOTICE_NOTICE_ALONE_NOT_ACCEPTED,
            "notice_alone_not_accepted",
        ),
        (
            crate::diff::NoticeKind::NoticeAloneTolerated,
            ONSHI_NOTICE_NOTICE_ALONE_TOLERATED,
            "notice_alone_tolerated",
        ),
        (
            crate::diff::NoticeKind::QualificationCertificateQuery,
            ONSHI_NOTICE_QUALIFICATION_CERTIFICATE_QUERY,
            "qualification_certificate_query",
        ),
        (
            crate::diff::NoticeKind::LateElderlyCertificateRule,
            ONSHI_NOTICE_LATE_ELDERLY_CERTIFICATE_RULE,
            "late_elderly_certificate_rule",
        ),
        (
            crate::diff::NoticeKind::SpecialMedicalExpense,
            ONSHI_NOTICE_SPECIAL_MEDICAL_EXPENSE,
            "special_medical_expense",
        ),
        (
            crate::diff::NoticeKind::CertificateExpired,
            ONSHI_NOTICE_CERTIFICATE_EXPIRED,
            "certificate_expired",
        ),
        (
            crate::diff::NoticeKind::CertificateExpiresSoon,
            ONSHI_NOTICE_CERTIFICATE_EXPIRES_SOON,
            "certificate_expires_soon",
        ),
        (
            crate::diff::NoticeKind::NoPmhData,
            ONSHI_NOTICE_NO_PMH_DATA,
            "no_pmh_data",
        ),
        (
            crate::diff::NoticeKind::PmhRecordDeleted,
            ONSHI_NOTICE_PMH_RECORD_DELETED,
            "pmh_record_deleted",
        ),
        (
            crate::diff::NoticeKind::Reimbursement,
            ONSHI_NOTICE_REIMBURSEMENT,
            "reimbursement",
        ),
        (
            crate::diff::NoticeKind::SeveralPublicExpenses,
            ONSHI_NOTICE_SEVERAL_PUBLIC_EXPENSES,
            "several_public_expenses",
        ),
    ],
};

#[allow(dead_code)]
fn exhaustive_notice(v: crate::diff::NoticeKind) {
    match v {
        crate::diff::NoticeKind::ValidUnregistered
        | crate::diff::NoticeKind::PublicAssistanceOnly
        | crate::diff::NoticeKind::Supplementary
        | crate::diff::NoticeKind::CheckDigitIgnored
        | crate::diff::NoticeKind::SeveralRecords
        | crate::diff::NoticeKind::TicketNotYetRegistered
        | crate::diff::NoticeKind::DesignatedInstitutionMismatch
        | crate::diff::NoticeKind::SocialInsuranceInconsistent
        | crate::diff::NoticeKind::TreatmentTypeMismatch
        | crate::diff::NoticeKind::DispensingTicket
        | crate::diff::NoticeKind::TicketOutsideValidity
        | crate::diff::NoticeKind::TicketOtherMonth
        | crate::diff::NoticeKind::SelfPayDue
        | crate::diff::NoticeKind::CombinedWithInsurance
        | crate::diff::NoticeKind::TuberculosisCombined
        | crate::diff::NoticeKind::LateElderlyCombined
        | crate::diff::NoticeKind::LimitInfoChanged
        | crate::diff::NoticeKind::NoticeAloneNotAccepted
        | crate::diff::NoticeKind::NoticeAloneTolerated
        | crate::diff::NoticeKind::QualificationCertificateQuery
        | crate::diff::NoticeKind::LateElderlyCertificateRule
        | crate::diff::NoticeKind::SpecialMedicalExpense
        | crate::diff::NoticeKind::CertificateExpired
        | crate::diff::NoticeKind::CertificateExpiresSoon
        | crate::diff::NoticeKind::NoPmhData
        | crate::diff::NoticeKind::PmhRecordDeleted
        | crate::diff::NoticeKind::Reimbursement
        | crate::diff::NoticeKind::SeveralPublicExpenses => {}
    }
}

/// Why two texts are equivalent, as a bit set of `ONSHI_REASON_*` flags.
#[allow(non_camel_case_types)]
pub type onshi_reason_flags = u32;
/// 全角/半角.
pub const ONSHI_REASON_WIDTH: onshi_reason_flags = 1;
/// 大文字/小文字.
pub const ONSHI_REASON_CASE: onshi_reason_flags = 2;
/// 空白.
pub const ONSHI_REASON_SPACE: onshi_reason_flags = 4;
/// ハイフン.
pub const ONSHI_REASON_DASH: onshi_reason_flags = 8;
/// かなの表記.
pub const ONSHI_REASON_KANA_FORM: onshi_reason_flags = 16;
/// 異体字.
pub const ONSHI_REASON_KANJI_VARIANT: onshi_reason_flags = 32;
/// 文字コード.
pub const ONSHI_REASON_UNICODE: onshi_reason_flags = 64;

pub(crate) static REASON: Enumeration<crate::text::Reason> = Enumeration {
    name: "onshi_reason_flags",
    rows: &[
        (crate::text::Reason::Width, ONSHI_REASON_WIDTH, "width"),
        (crate::text::Reason::Case, ONSHI_REASON_CASE, "case"),
        (crate::text::Reason::Space, ONSHI_REASON_SPACE, "space"),
        (crate::text::Reason::Dash, ONSHI_REASON_DASH, "dash"),
        (
            crate::text::Reason::KanaForm,
            ONSHI_REASON_KANA_FORM,
            "kana_form",
        ),
        (
            crate::text::Reason::KanjiVariant,
            ONSHI_REASON_KANJI_VARIANT,
            "kanji_variant",
        ),
        (
            crate::text::Reason::Unicode,
            ONSHI_REASON_UNICODE,
            "unicode",
        ),
    ],
};

#[allow(dead_code)]
fn exhaustive_reason(v: crate::text::Reason) {
    match v {
        crate::text::Reason::Width
        | crate::text::Reason::Case
        | crate::text::Reason::Space
        | crate::text::Reason::Dash
        | crate::text::Reason::KanaForm
        | crate::text::Reason::KanjiVariant
        | crate::text::Reason::Unicode => {}
    }
}

/// A staff decision on one field of a diff: one of the `ONSHI_DECISION_*` values.
#[allow(non_camel_case_types)]
pub type onshi_decision = u32;
/// 反映: take the returned value.
pub const ONSHI_DECISION_REFLECT: onshi_decision = 1;
/// Keep the registered value.
pub const ONSHI_DECISION_KEEP: onshi_decision = 2;

pub(crate) static DECISION: Enumeration<crate::history::Decision> = Enumeration {
    name: "onshi_decision",
    rows: &[
        (
            crate::history::Decision::Reflect,
            ONSHI_DECISION_REFLECT,
            "reflect",
        ),
        (crate::history::Decision::Keep, ONSHI_DECISION_KEEP, "keep"),
    ],
};

#[allow(dead_code)]
fn exhaustive_decision(v: crate::history::Decision) {
    match v {
        crate::history::Decision::Reflect | crate::history::Decision::Keep => {}
    }
}

/// How a new version is dated when the card did not change: one of the `ONSHI_START_DATE_*` values.
#[allow(non_camel_case_types)]
pub type onshi_start_date_policy = u32;
/// 資格確認した日.
pub const ONSHI_START_DATE_CONFIRMATION_DATE: onshi_start_date_policy = 1;
/// 資格確認を行った月の1日.
pub const ONSHI_START_DATE_FIRST_OF_MONTH: onshi_start_date_policy = 2;

pub(crate) static START_DATE: Enumeration<crate::history::StartDatePolicy> = Enumeration {
    name: "onshi_start_date_policy",
    rows: &[
        (
            crate::history::StartDatePolicy::ConfirmationDate,
            ONSHI_START_DATE_CONFIRMATION_DATE,
            "confirmation_date",
        ),
        (
            crate::history::StartDatePolicy::FirstOfMonth,
            ONSHI_START_DATE_FIRST_OF_MONTH,
            "first_of_month",
        ),
    ],
};

#[allow(dead_code)]
fn exhaustive_start_date(v: crate::history::StartDatePolicy) {
    match v {
        crate::history::StartDatePolicy::ConfirmationDate
        | crate::history::StartDatePolicy::FirstOfMonth => {}
    }
}

/// A history version's state: one of the `ONSHI_STATE_*` values.
#[allow(non_camel_case_types)]
pub type onshi_version_state = u32;
/// The latest version, in force.
pub const ONSHI_STATE_CURRENT: onshi_version_state = 1;
/// Closed because a new qualification replaced it.
pub const ONSHI_STATE_SUPERSEDED: onshi_version_state = 2;
/// Closed by staff.
pub const ONSHI_STATE_EXPIRED: onshi_version_state = 3;

pub(crate) static STATE: Enumeration<crate::history::VersionState> = Enumeration {
    name: "onshi_version_state",
    rows: &[
        (
            crate::history::VersionState::Current,
            ONSHI_STATE_CURRENT,
            "current",
        ),
        (
            crate::history::VersionState::Superseded,
            ONSHI_STATE_SUPERSEDED,
            "superseded",
        ),
        (
            crate::history::VersionState::Expired,
            ONSHI_STATE_EXPIRED,
            "expired",
        ),
    ],
};

#[allow(dead_code)]
fn exhaustive_state(v: crate::history::VersionState) {
    match v {
        crate::history::VersionState::Current
        | crate::history::VersionState::Superseded
        | crate::history::VersionState::Expired => {}
    }
}

/// How sure a matching candidate is: one of the `ONSHI_STRENGTH_*` values.
#[allow(non_camel_case_types)]
pub type onshi_strength = u32;
/// Worth showing, weak evidence.
pub const ONSHI_STRENGTH_POSSIBLE: onshi_strength = 1;
/// Birthdate and name or kana agree, or the insurance card does.
pub const ONSHI_STRENGTH_LIKELY: onshi_strength = 2;
/// 照会番号, or several strong signs and nothing against.
pub const ONSHI_STRENGTH_STRONG: onshi_strength = 3;

pub(crate) static STRENGTH: Enumeration<crate::matching::Strength> = Enumeration {
    name: "onshi_strength",
    rows: &[
        (
            crate::matching::Strength::Possible,
            ONSHI_STRENGTH_POSSIBLE,
            "possible",
        ),
        (
            crate::matching::Strength::Likely,
            ONSHI_STRENGTH_LIKELY,
            "likely",
        ),
        (
            crate::matching::Strength::Strong,
            ONSHI_STRENGTH_STRONG,
            "strong",
        ),
    ],
};

#[allow(dead_code)]
fn exhaustive_strength(v: crate::matching::Strength) {
    match v {
        crate::matching::Strength::Possible
        | crate::matching::Strength::Likely
        | crate::matching::Strength::Strong => {}
    }
}

/// Evidence that a patient is the person looked for, as a bit set of `ONSHI_MATCH_*` flags.
#[allow(non_camel_case_types)]
pub type onshi_match_flags = u32;
/// 照会番号が一致.
pub const ONSHI_MATCH_REFERENCE_NUMBER: onshi_match_flags = 1;
/// 保険証の番号が一致.
pub const ONSHI_MATCH_INSURANCE_CARD: onshi_match_flags = 2;
/// 生年月日が一致.
pub const ONSHI_MATCH_BIRTHDATE: onshi_match_flags = 4;
/// 氏名が一致.
pub const ONSHI_MATCH_NAME_SAME: onshi_match_flags = 8;
/// 氏名が一致（表記ゆれ・異体字）.
pub const ONSHI_MATCH_NAME_EQUIVALENT: onshi_match_flags = 16;
/// 氏名が一致（●を除く）.
pub const ONSHI_MATCH_NAME_SUBSTITUTED: onshi_match_flags = 32;
/// 氏名カナが一致.
pub const ONSHI_MATCH_KANA: onshi_match_flags = 64;
/// 性別が一致.
pub const ONSHI_MATCH_SEX: onshi_match_flags = 128;
/// 住所が一致.
pub const ONSHI_MATCH_ADDRESS: onshi_match_flags = 256;
/// 公費（受給者証）の番号が一致: 公費負担者番号 and 受給者番号 of a 公費 PMH sent.
pub const ONSHI_MATCH_PUBLIC_EXPENSE: onshi_match_flags = 1024;

pub(crate) static MATCH: Enumeration<crate::matching::MatchReason> = Enumeration {
    name: "onshi_match_flags",
    rows: &[
        (
            crate::matching::MatchReason::ReferenceNumber,
            ONSHI_MATCH_REFERENCE_NUMBER,
            "reference_number",
        ),
        (
            crate::matching::MatchReason::InsuranceCard,
            ONSHI_MATCH_INSURANCE_CARD,
            "insurance_card",
        ),
        (
            crate::matching::MatchReason::Birthdate,
            ONSHI_MATCH_BIRTHDATE,
            "birthdate",
        ),
        (
            crate::matching::MatchReason::NameSame,
            ONSHI_MATCH_NAME_SAME,
            "name_same",
        ),
        (
            crate::matching::MatchReason::NameEquivalent,
            ONSHI_MATCH_NAME_EQUIVALENT,
            "name_equivalent",
        ),
        (
            crate::matching::MatchReason::NameSubstituted,
            ONSHI_MATCH_NAME_SUBSTITUTED,
            "name_substituted",
        ),
        (crate::matching::MatchReason::Kana, ONSHI_MATCH_KANA, "kana"),
        (crate::matching::MatchReason::Sex, ONSHI_MATCH_SEX, "sex"),
        (
            crate::matching::MatchReason::Address,
            ONSHI_MATCH_ADDRESS,
            "address",
        ),
        (
            crate::matching::MatchReason::PublicExpense,
            ONSHI_MATCH_PUBLIC_EXPENSE,
            "public_expense",
        ),
    ],
};

#[allow(dead_code)]
fn exhaustive_match(v: crate::matching::MatchReason) {
    match v {
        crate::matching::MatchReason::ReferenceNumber
        | crate::matching::MatchReason::InsuranceCard
        | crate::matching::MatchReason::Birthdate
        | crate::matching::MatchReason::NameSame
        | crate::matching::MatchReason::NameEquivalent
        | crate::matching::MatchReason::NameSubstituted
        | crate::matching::MatchReason::Kana
        | crate::matching::MatchReason::Sex
        | crate::matching::MatchReason::Address
        | crate::matching::MatchReason::PublicExpense => {}
    }
}

/// Evidence against a candidate, as a bit set of `ONSHI_CONFLICT_*` flags.
#[allow(non_camel_case_types)]
pub type onshi_conflict_flags = u32;
/// 照会番号が異なる.
pub const ONSHI_CONFLICT_REFERENCE_NUMBER: onshi_conflict_flags = 1;
/// 生年月日が異なる.
pub const ONSHI_CONFLICT_BIRTHDATE: onshi_conflict_flags = 2;
/// 氏名が異なる.
pub const ONSHI_CONFLICT_NAME: onshi_conflict_flags = 4;
/// 氏名カナが異なる.
pub const ONSHI_CONFLICT_KANA: onshi_conflict_flags = 8;
/// 性別が異なる.
pub const ONSHI_CONFLICT_SEX: onshi_conflict_flags = 16;

pub(crate) static CONFLICT: Enumeration<crate::matching::Conflict> = Enumeration {
    name: "onshi_conflict_flags",
    rows: &[
        (
            crate::matching::Conflict::ReferenceNumber,
            ONSHI_CONFLICT_REFERENCE_NUMBER,
            "reference_number",
        ),
        (
            crate::matching::Conflict::Birthdate,
            ONSHI_CONFLICT_BIRTHDATE,
            "birthdate",
        ),
        (crate::matching::Conflict::Name, ONSHI_CONFLICT_NAME, "name"),
        (crate::matching::Conflict::Kana, ONSHI_CONFLICT_KANA, "kana"),
        (crate::matching::Conflict::Sex, ONSHI_CONFLICT_SEX, "sex"),
    ],
};

#[allow(dead_code)]
fn exhaustive_conflict(v: crate::matching::Conflict) {
    match v {
        crate::matching::Conflict::ReferenceNumber
        | crate::matching::Conflict::Birthdate
        | crate::matching::Conflict::Name
        | crate::matching::Conflict::Kana
        | crate::matching::Conflict::Sex => {}
    }
}

/// 性別 on the マイナンバーカード (ISO 5218): one of the `ONSHI_CARD_SEX_*` values.
#[allow(non_camel_case_types)]
pub type onshi_card_sex = u32;
/// `0` 不明.
pub const ONSHI_CARD_SEX_NOT_KNOWN: onshi_card_sex = 1;
/// `1` 男.
pub const ONSHI_CARD_SEX_MALE: onshi_card_sex = 2;
/// `2` 女.
pub const ONSHI_CARD_SEX_FEMALE: onshi_card_sex = 3;
/// `9` 適用不能.
pub const ONSHI_CARD_SEX_NOT_APPLICABLE: onshi_card_sex = 4;
/// Any other value.
pub const ONSHI_CARD_SEX_UNRECOGNIZED: onshi_card_sex = 5;

pub(crate) static CARD_SEX: Enumeration<crate::card::CardSex> = Enumeration {
    name: "onshi_card_sex",
    rows: &[
        (
            crate::card::CardSex::NotKnown,
            ONSHI_CARD_SEX_NOT_KNOWN,
            "not_known",
        ),
        (crate::card::CardSex::Male, ONSHI_CARD_SEX_MALE, "male"),
        (
            crate::card::CardSex::Female,
            ONSHI_CARD_SEX_FEMALE,
            "female",
        ),
        (
            crate::card::CardSex::NotApplicable,
            ONSHI_CARD_SEX_NOT_APPLICABLE,
            "not_applicable",
        ),
        (
            crate::card::CardSex::Unrecognized,
            ONSHI_CARD_SEX_UNRECOGNIZED,
            "unrecognized",
        ),
    ],
};

#[allow(dead_code)]
fn exhaustive_card_sex(v: crate::card::CardSex) {
    match v {
        crate::card::CardSex::NotKnown
        | crate::card::CardSex::Male
        | crate::card::CardSex::Female
        | crate::card::CardSex::NotApplicable
        | crate::card::CardSex::Unrecognized => {}
    }
}

/// What kind of care the clinic gives (review context: a 医療券's 診療別 is checked against it):
/// one of the `ONSHI_CLINIC_KIND_*` values; 0 where accepted means "not given" (not checked).
#[allow(non_camel_case_types)]
pub type onshi_clinic_kind = u32;
/// 医科 with beds: 入院 and 入院外.
pub const ONSHI_CLINIC_KIND_MEDICAL: onshi_clinic_kind = 1;
/// 医科 without beds: 入院外 only.
pub const ONSHI_CLINIC_KIND_MEDICAL_OUTPATIENT: onshi_clinic_kind = 2;
/// 歯科.
pub const ONSHI_CLINIC_KIND_DENTAL: onshi_clinic_kind = 3;
/// 薬局 (調剤).
pub const ONSHI_CLINIC_KIND_PHARMACY: onshi_clinic_kind = 4;
/// 訪問看護.
pub const ONSHI_CLINIC_KIND_HOME_NURSING: onshi_clinic_kind = 5;

pub(crate) static CLINIC_KIND: Enumeration<crate::diff::ClinicKind> = Enumeration {
    name: "onshi_clinic_kind",
    rows: &[
        (
            crate::diff::ClinicKind::Medical,
            ONSHI_CLINIC_KIND_MEDICAL,
            "medical",
        ),
        (
            crate::diff::ClinicKind::MedicalOutpatient,
            ONSHI_CLINIC_KIND_MEDICAL_OUTPATIENT,
            "medical_outpatient",
        ),
        (
            crate::diff::ClinicKind::Dental,
            ONSHI_CLINIC_KIND_DENTAL,
            "dental",
        ),
        (
            crate::diff::ClinicKind::Pharmacy,
            ONSHI_CLINIC_KIND_PHARMACY,
            "pharmacy",
        ),
        (
            crate::diff::ClinicKind::HomeNursing,
            ONSHI_CLINIC_KIND_HOME_NURSING,
            "home_nursing",
        ),
    ],
};

#[allow(dead_code)]
fn exhaustive_clinic_kind(v: crate::diff::ClinicKind) {
    match v {
        crate::diff::ClinicKind::Medical
        | crate::diff::ClinicKind::MedicalOutpatient
        | crate::diff::ClinicKind::Dental
        | crate::diff::ClinicKind::Pharmacy
        | crate::diff::ClinicKind::HomeNursing => {}
    }
}

/// The clinic kind of a C call: 0 is none.
pub(crate) fn clinic_kind(
    n: onshi_clinic_kind,
) -> Result<Option<crate::diff::ClinicKind>, Failure> {
    if n == 0 {
        return Ok(None);
    }
    CLINIC_KIND.parse_num(n).map(Some)
}

/// Why an answer should be asked again later: one of the `ONSHI_RECHECK_*` values.
#[allow(non_camel_case_types)]
pub type onshi_recheck_reason = u32;
/// 医療扶助 valid, this month's 医療券 not registered yet (the welfare office registers around
/// the 15th–20th).
pub const ONSHI_RECHECK_TICKET_NOT_YET_REGISTERED: onshi_recheck_reason = 1;

pub(crate) static RECHECK: Enumeration<crate::diff::RecheckReason> = Enumeration {
    name: "onshi_recheck_reason",
    rows: &[(
        crate::diff::RecheckReason::TicketNotYetRegistered,
        ONSHI_RECHECK_TICKET_NOT_YET_REGISTERED,
        "ticket_not_yet_registered",
    )],
};

#[allow(dead_code)]
fn exhaustive_recheck(v: crate::diff::RecheckReason) {
    match v {
        crate::diff::RecheckReason::TicketNotYetRegistered => {}
    }
}

/// What a warning of a parsed document is about: one of the `ONSHI_WARNING_*` values.
#[allow(non_camel_case_types)]
pub type onshi_warning_kind = u32;
/// A value is not what its field holds; it is kept as received (the field stays empty).
pub const ONSHI_WARNING_INVALID_VALUE: onshi_warning_kind = 1;
/// A list was read in its flat form (written nested).
pub const ONSHI_WARNING_FLAT_LIST: onshi_warning_kind = 2;

pub(crate) static WARNING_KIND: Enumeration<crate::xml::WarningKind> = Enumeration {
    name: "onshi_warning_kind",
    rows: &[
        (
            crate::xml::WarningKind::InvalidValue,
            ONSHI_WARNING_INVALID_VALUE,
            "invalid_value",
        ),
        (
            crate::xml::WarningKind::FlatList,
            ONSHI_WARNING_FLAT_LIST,
            "flat_list",
        ),
    ],
};

#[allow(dead_code)]
fn exhaustive_warning_kind(v: crate::xml::WarningKind) {
    match v {
        crate::xml::WarningKind::InvalidValue | crate::xml::WarningKind::FlatList => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::generated::{FIELD, PUBLIC_EXPENSE_FIELD};

    fn check<T: Copy + PartialEq + serde::Serialize>(e: &Enumeration<T>, flags: bool) {
        let mut nums = Vec::new();
        for (v, n, id) in e.rows {
            let serde = serde_json::to_value(v).unwrap();
            assert_eq!(serde.as_str(), Some(*id), "{} id {id}", e.name);
            assert!(*n != 0, "{}: 0 is never a value", e.name);
            if flags {
                assert_eq!(n.count_ones(), 1, "{}: one bit per flag", e.name);
            }
            nums.push(*n);
            assert!(e.parse_num(*n).is_ok_and(|x| x == *v));
            assert!(e.parse_id(id).is_some_and(|x| x == *v));
        }
        let len = nums.len();
        nums.sort();
        nums.dedup();
        assert_eq!(nums.len(), len, "{}: numbers are unique", e.name);
        assert_eq!(
            e.parse_num(0xFFFF_FFFF).err().map(|f| f.status),
            Some(ONSHI_INVALID_ARGUMENT)
        );
    }

    #[test]
    fn ids_are_the_serde_names_and_numbers_are_unique() {
        check(&QUERY_KIND, false);
        check(&RECORD_KIND, false);
        check(&VERDICT, false);
        check(&DIFF_CLASS, false);
        check(&ACTION, false);
        check(&ADVICE, false);
        check(&CAUSE, false);
        check(&NOTICE, false);
        check(&FIELD, false);
        check(&PUBLIC_EXPENSE_FIELD, false);
        check(&REASON, true);
        check(&DECISION, false);
        check(&START_DATE, false);
        check(&STATE, false);
        check(&STRENGTH, false);
        check(&MATCH, true);
        check(&CONFLICT, true);
        check(&CARD_SEX, false);
        check(&CLINIC_KIND, false);
        check(&RECHECK, false);
        check(&WARNING_KIND, false);
        check(&PRESENTATION, false);
        assert_eq!(
            PRESENTATION.rows.len(),
            crate::reception::Presentation::ALL.len()
        );
    }

    #[test]
    fn tables_cover_the_lists_the_library_publishes() {
        assert_eq!(FIELD.rows.len(), crate::model::Field::ALL.len());
        for (i, f) in crate::model::Field::ALL.iter().enumerate() {
            assert_eq!(FIELD.rows[i].0, *f, "same order as Field::ALL");
            assert_eq!(FIELD.id(*f), f.id());
            assert_eq!(FIELD.num(*f), f.number());
        }
        assert_eq!(REASON.rows.len(), crate::text::Reason::ALL.len());
        let pe = crate::model::PublicExpenseField::ALL;
        assert_eq!(PUBLIC_EXPENSE_FIELD.rows.len(), pe.len());
        for (i, f) in pe.iter().enumerate() {
            assert_eq!(PUBLIC_EXPENSE_FIELD.rows[i].0, *f);
            assert_eq!(PUBLIC_EXPENSE_FIELD.num(*f), f.number());
            // One id space: a 公費 field id is never a qualification field id.
            assert!(crate::model::Field::from_id(f.id()).is_none(), "{}", f.id());
            assert!(crate::model::Field::from_number(f.number()).is_none());
        }
    }
}
