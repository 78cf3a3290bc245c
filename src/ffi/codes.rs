//! Code tables (別紙5-1 業務コード): labels (by day), notes and the list of known values,
//! adapters over [`crate::codes::CodeTables`].

use super::field::onshi_date;
use super::handle::{Out, TextOut, opt_in, text_in};
use super::panic::{Failure, guard};
use super::status::*;
use crate::codes::*;
use chrono::NaiveDate;
use std::ffi::c_char;

/// Which code table: one of the `ONSHI_CODE_TABLE_*` values.
#[allow(non_camel_case_types)]
pub type onshi_code_table = u32;
/// 照会区分 (OQSCD002).
pub const ONSHI_CODE_TABLE_REFERENCE_CLASSIFICATION: onshi_code_table = 1;
/// 処理結果区分 (OQSCD003).
pub const ONSHI_CODE_TABLE_SEGMENT_OF_RESULT: onshi_code_table = 2;
/// 処理結果状況 (OQSCD004).
pub const ONSHI_CODE_TABLE_PROCESSING_RESULT_STATUS: onshi_code_table = 3;
/// 文字コード識別 (OQSCD005).
pub const ONSHI_CODE_TABLE_CHARACTER_CODE_IDENTIFIER: onshi_code_table = 4;
/// 資格有効性 (OQSCD006).
pub const ONSHI_CODE_TABLE_QUALIFICATION_VALIDITY: onshi_code_table = 5;
/// 性別 (OQSCD007).
pub const ONSHI_CODE_TABLE_SEX: onshi_code_table = 6;
/// 本人・家族の別 (OQSCD009).
pub const ONSHI_CODE_TABLE_PERSONAL_FAMILY_CLASSIFICATION: onshi_code_table = 7;
/// 被保険者証区分 (OQSCD010).
pub const ONSHI_CODE_TABLE_INSURED_CARD_CLASSIFICATION: onshi_code_table = 8;
/// 限度額適用認定証 提供同意 (OQSCD001).
pub const ONSHI_CODE_TABLE_LIMIT_CONSENT_FLAG: onshi_code_table = 9;
/// 限度額適用認定証区分 (OQSCD011).
pub const ONSHI_CODE_TABLE_LIMIT_CERTIFICATE_CLASSIFICATION: onshi_code_table = 10;
/// 適用区分 (OQSCD012).
pub const ONSHI_CODE_TABLE_LIMIT_CLASSIFICATION_FLAG: onshi_code_table = 11;
/// 特定疾病 区分 (OQSCD013).
pub const ONSHI_CODE_TABLE_SPECIFIC_DISEASE_CATEGORY: onshi_code_table = 12;
/// 閲覧同意フラグ (OQSCD016).
pub const ONSHI_CODE_TABLE_CONSENT_FLAG: onshi_code_table = 13;
/// 資格喪失事由.
pub const ONSHI_CODE_TABLE_REASON_OF_LOSS: onshi_code_table = 14;
/// 未就学区分.
pub const ONSHI_CODE_TABLE_PRESCHOOL_CLASSIFICATION: onshi_code_table = 15;
/// 処方箋発行形態.
pub const ONSHI_CODE_TABLE_PRESCRIPTION_ISSUE_SELECT: onshi_code_table = 16;
/// 診療区分.
pub const ONSHI_CODE_TABLE_MEDICAL_TREATMENT_FLAG: onshi_code_table = 17;
/// 薬剤情報 / 特定健診 FileCategory.
pub const ONSHI_CODE_TABLE_FILE_CATEGORY: onshi_code_table = 18;
/// A yes/no value of a PMH 公費 (償還払い, 削除フラグ): `true` / `false`; other forms are kept.
pub const ONSHI_CODE_TABLE_PMH_FLAG: onshi_code_table = 41;
/// Where a 公費 record came from (onshi's own values): `pmh`, `paper`, `medical_assistance`.
pub const ONSHI_CODE_TABLE_PUBLIC_EXPENSE_SOURCE: onshi_code_table = 42;

/// 限度額情報変更有無 (OQSCD014).
pub const ONSHI_CODE_TABLE_LIMIT_INFO_CHANGED: onshi_code_table = 19;
/// 医療券・調剤券別 (OQSCD018).
pub const ONSHI_CODE_TABLE_TICKET_TYPE: onshi_code_table = 20;
/// 診療別 (OQSCD019).
pub const ONSHI_CODE_TABLE_MEDICAL_TREATMENT_TYPE: onshi_code_table = 21;
/// 単独・併用別 (OQSCD020).
pub const ONSHI_CODE_TABLE_SINGLE_OR_COMBINED_USE: onshi_code_table = 22;
/// 社会保険の有無 (OQSCD021).
pub const ONSHI_CODE_TABLE_SOCIAL_INSURANCE_STATUS: onshi_code_table = 23;
/// 社会保険状況の整合性 (OQSCD022).
pub const ONSHI_CODE_TABLE_CONSISTENCY_FLAG: onshi_code_table = 24;
/// 感染症法第37条の2 該当状況 (OQSCD023).
pub const ONSHI_CODE_TABLE_INFECTION_STATUS: onshi_code_table = 25;
/// 後期高齢者医療 該当状況 (OQSCD024).
pub const ONSHI_CODE_TABLE_ELDERLY_MEDICAL_CARE_STATUS: onshi_code_table = 26;
/// 都道府県費 該当状況 (OQSCD025).
pub const ONSHI_CODE_TABLE_PREFECTURAL_EXPENSES_STATUS: onshi_code_table = 27;
/// 指定医療機関確認 (OQSCD026).
pub const ONSHI_CODE_TABLE_DESIGNATED_INSTITUTION_FLAG: onshi_code_table = 28;
/// 同一個人有無 (OQSCD027).
pub const ONSHI_CODE_TABLE_SAME_PERSON: onshi_code_table = 29;
/// 情報種別 TKK / YZK (OQSCD029).
pub const ONSHI_CODE_TABLE_INFORMATION_KIND: onshi_code_table = 30;
/// 同意有効期限切れ理由 (OQSCD031).
pub const ONSHI_CODE_TABLE_CONSENT_EXPIRY_REASON: onshi_code_table = 31;
/// 資格情報変更確認フラグ (OQSCD032).
pub const ONSHI_CODE_TABLE_QUALIFICATION_CHANGE_FLAG: onshi_code_table = 32;
/// 閲覧同意情報種別 (OQSCD036).
pub const ONSHI_CODE_TABLE_CONSENT_INFORMATION_KIND: onshi_code_table = 33;
/// 電子処方箋利用区分 (OQSCD038).
pub const ONSHI_CODE_TABLE_E_PRESCRIPTION_USE: onshi_code_table = 34;
/// 連携システムID of PMH (OQSCD044).
pub const ONSHI_CODE_TABLE_PMH_SYSTEM: onshi_code_table = 35;

/// The name of a table in the code tables (`crate::codes::CodeTables`).
pub(crate) fn table_name(table: onshi_code_table) -> Result<&'static str, Failure> {
    Ok(match table {
        ONSHI_CODE_TABLE_REFERENCE_CLASSIFICATION => ReferenceClassification::TABLE,
        ONSHI_CODE_TABLE_SEGMENT_OF_RESULT => SegmentOfResult::TABLE,
        ONSHI_CODE_TABLE_PROCESSING_RESULT_STATUS => ProcessingResultStatus::TABLE,
        ONSHI_CODE_TABLE_CHARACTER_CODE_IDENTIFIER => CharacterCodeIdentifier::TABLE,
        ONSHI_CODE_TABLE_QUALIFICATION_VALIDITY => QualificationValidity::TABLE,
        ONSHI_CODE_TABLE_SEX => Sex::TABLE,
        ONSHI_CODE_TABLE_PERSONAL_FAMILY_CLASSIFICATION => PersonalFamilyClassification::TABLE,
        ONSHI_CODE_TABLE_INSURED_CARD_CLASSIFICATION => InsuredCardClassification::TABLE,
        ONSHI_CODE_TABLE_LIMIT_CONSENT_FLAG => LimitConsentFlag::TABLE,
        ONSHI_CODE_TABLE_LIMIT_CERTIFICATE_CLASSIFICATION => LimitCertificateClassification::TABLE,
        ONSHI_CODE_TABLE_LIMIT_CLASSIFICATION_FLAG => LimitClassificationFlag::TABLE,
        ONSHI_CODE_TABLE_SPECIFIC_DISEASE_CATEGORY => SpecificDiseaseCategory::TABLE,
        ONSHI_CODE_TABLE_CONSENT_FLAG => ConsentFlag::TABLE,
        ONSHI_CODE_TABLE_REASON_OF_LOSS => ReasonOfLoss::TABLE,
        ONSHI_CODE_TABLE_PRESCHOOL_CLASSIFICATION => PreschoolClassification::TABLE,
        ONSHI_CODE_TABLE_PRESCRIPTION_ISSUE_SELECT => PrescriptionIssueSelect::TABLE,
        ONSHI_CODE_TABLE_MEDICAL_TREATMENT_FLAG => MedicalTreatmentFlag::TABLE,
        ONSHI_CODE_TABLE_FILE_CATEGORY => FileCategory::TABLE,
        ONSHI_CODE_TABLE_LIMIT_INFO_CHANGED => LimitInfoChanged::TABLE,
        ONSHI_CODE_TABLE_TICKET_TYPE => TicketType::TABLE,
        ONSHI_CODE_TABLE_MEDICAL_TREATMENT_TYPE => MedicalTreatmentType::TABLE,
        ONSHI_CODE_TABLE_SINGLE_OR_COMBINED_USE => SingleOrCombinedUse::TABLE,
        ONSHI_CODE_TABLE_SOCIAL_INSURANCE_STATUS => SocialInsuranceStatus::TABLE,
        ONSHI_CODE_TABLE_CONSISTENCY_FLAG => ConsistencyFlag::TABLE,
        ONSHI_CODE_TABLE_INFECTION_STATUS => InfectionStatus::TABLE,
        ONSHI_CODE_TABLE_ELDERLY_MEDICAL_CARE_STATUS => ElderlyMedicalCareStatus::TABLE,
        ONSHI_CODE_TABLE_PREFECTURAL_EXPENSES_STATUS => PrefecturalExpensesStatus::TABLE,
        ONSHI_CODE_TABLE_DESIGNATED_INSTITUTION_FLAG => DesignatedInstitutionFlag::TABLE,
        ONSHI_CODE_TABLE_SAME_PERSON => "OQSCD027",
        ONSHI_CODE_TABLE_INFORMATION_KIND => "OQSCD029",
        ONSHI_CODE_TABLE_CONSENT_EXPIRY_REASON => "OQSCD031",
        ONSHI_CODE_TABLE_QUALIFICATION_CHANGE_FLAG => "OQSCD032",
        ONSHI_CODE_TABLE_CONSENT_INFORMATION_KIND => "OQSCD036",
        ONSHI_CODE_TABLE_E_PRESCRIPTION_USE => "OQSCD038",
        ONSHI_CODE_TABLE_PMH_SYSTEM => "OQSCD044",
        ONSHI_CODE_TABLE_PMH_FLAG => PmhFlag::TABLE,
        ONSHI_CODE_TABLE_PUBLIC_EXPENSE_SOURCE => PublicExpenseSource::TABLE,
        other => {
            return Err(Failure::new(
                ONSHI_INVALID_ARGUMENT,
                format!("unknown code table {other}"),
            ));
        }
    })
}

/// The Japanese label of a wire value on `day` (`None`: the current label), or
/// `"不明なコード"` for a value the library does not know.
pub(crate) fn label(
    table: onshi_code_table,
    wire: &str,
    day: Option<NaiveDate>,
) -> Result<&'static str, Failure> {
    Ok(CodeTables::builtin()
        .label(table_name(table)?, wire, day)
        .unwrap_or(UNKNOWN_LABEL))
}

/// Copies the Japanese label of a code value on a day, UTF-8 (`"不明なコード"` for a value the
/// library does not know; use `onshi_code_is_known` to tell). Labels change over time (被保険者証区分
/// `05` was 被保険者資格証明書 until 2024-12-01 and is 特別療養費支給対象者 since): pass the day the
/// value is about (the 資格確認日), or NULL for the current label. Surrounding spaces of `wire`
/// are ignored.
///
/// Returns `ONSHI_INVALID_ARGUMENT` for an unknown table, `ONSHI_INVALID_VALUE` for a `day`
/// that is not a calendar date.
/// Out-parameters are written only on success, except `*out_len`, which is also written with
/// `ONSHI_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `wire` is NULL or readable for `wire_len` bytes; `day` is NULL or readable; `buf` is NULL or
/// writable for `cap` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_code_label(
    table: onshi_code_table,
    wire: *const u8,
    wire_len: usize,
    day: *const onshi_date,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> onshi_status {
    guard(|| {
        let out = TextOut::new(buf, cap, out_len)?;
        // SAFETY: forwarded from the caller.
        let wire = unsafe { text_in(wire, wire_len) }?;
        // SAFETY: forwarded from the caller.
        let day = unsafe { opt_in(day) }?.map(|d| d.to_naive()).transpose()?;
        out.write(label(table, wire, day)?)
    })
}

/// Copies the note of a code value on a day (what it means beyond its label, or what to do:
/// `限度額情報変更有無` `1` → 「個別照会で限度額情報を確認する」), UTF-8; `day` NULL: now.
///
/// Returns `ONSHI_NOT_PRESENT` when the value has no note (or is unknown),
/// `ONSHI_INVALID_ARGUMENT` for an unknown table, `ONSHI_INVALID_VALUE` for a `day` that is not
/// a calendar date.
/// Out-parameters are written only on success, except `*out_len`, which is also written with
/// `ONSHI_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `wire` is NULL or readable for `wire_len` bytes; `day` is NULL or readable; `buf` is NULL or
/// writable for `cap` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_code_note(
    table: onshi_code_table,
    wire: *const u8,
    wire_len: usize,
    day: *const onshi_date,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> onshi_status {
    guard(|| {
        let out = TextOut::new(buf, cap, out_len)?;
        // SAFETY: forwarded from the caller.
        let wire = unsafe { text_in(wire, wire_len) }?;
        // SAFETY: forwarded from the caller.
        let day = unsafe { opt_in(day) }?.map(|d| d.to_naive()).transpose()?;
        let note = CodeTables::builtin()
            .note(table_name(table)?, wire, day)
            .ok_or(Failure::of(ONSHI_NOT_PRESENT))?;
        out.write(note)
    })
}

/// Tells whether a wire value is one the library knows in this table.
///
/// Out-parameters are written only on success.
///
/// # Safety
/// `wire` is NULL or readable for `wire_len` bytes; `out_known` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_code_is_known(
    table: onshi_code_table,
    wire: *const u8,
    wire_len: usize,
    out_known: *mut bool,
) -> onshi_status {
    guard(|| {
        let out = Out::new(out_known)?;
        // SAFETY: forwarded from the caller.
        let wire = unsafe { text_in(wire, wire_len) }?;
        out.set(CodeTables::builtin().is_known(table_name(table)?, wire));
        Ok(())
    })
}

/// The number of known values of a table (for building a drop-down list).
///
/// Out-parameters are written only on success.
///
/// # Safety
/// `out_count` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_code_count(
    table: onshi_code_table,
    out_count: *mut usize,
) -> onshi_status {
    guard(|| {
        let out = Out::new(out_count)?;
        out.set(CodeTables::builtin().wires(table_name(table)?).len());
        Ok(())
    })
}

/// Copies the wire value of the `index`-th known value of a table, in table order, ASCII.
///
/// Returns `ONSHI_OUT_OF_RANGE` when `index >= onshi_code_count(table)`.
/// Out-parameters are written only on success, except `*out_len`, which is also written with
/// `ONSHI_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `buf` is NULL or writable for `cap` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_code_wire_at(
    table: onshi_code_table,
    index: usize,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> onshi_status {
    guard(|| {
        let out = TextOut::new(buf, cap, out_len)?;
        let wire = CodeTables::builtin()
            .wires(table_name(table)?)
            .get(index)
            .ok_or(Failure::of(ONSHI_OUT_OF_RANGE))?;
        out.write(wire)
    })
}

/// Copies the interface's name of a table (`"OQSCD006"`), ASCII.
///
/// Out-parameters are written only on success, except `*out_len`, which is also written with
/// `ONSHI_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `buf` is NULL or writable for `cap` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_code_table_name(
    table: onshi_code_table,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> onshi_status {
    guard(|| {
        let out = TextOut::new(buf, cap, out_len)?;
        out.write(table_name(table)?)
    })
}
