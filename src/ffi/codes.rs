//! Code tables (別紙5-1 業務コード): labels and the list of known values, adapters over
//! [`crate::codes`].

use super::handle::{Out, TextOut, text_in};
use super::panic::{Failure, guard};
use super::status::*;
use crate::codes::*;
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

/// Runs `$body` with `$T` bound to the Rust type of the table `$table`.
macro_rules! with_table {
    ($table:expr, $T:ident => $body:expr) => {
        match $table {
            ONSHI_CODE_TABLE_REFERENCE_CLASSIFICATION => {
                type $T = ReferenceClassification;
                Ok($body)
            }
            ONSHI_CODE_TABLE_SEGMENT_OF_RESULT => {
                type $T = SegmentOfResult;
                Ok($body)
            }
            ONSHI_CODE_TABLE_PROCESSING_RESULT_STATUS => {
                type $T = ProcessingResultStatus;
                Ok($body)
            }
            ONSHI_CODE_TABLE_CHARACTER_CODE_IDENTIFIER => {
                type $T = CharacterCodeIdentifier;
                Ok($body)
            }
            ONSHI_CODE_TABLE_QUALIFICATION_VALIDITY => {
                type $T = QualificationValidity;
                Ok($body)
            }
            ONSHI_CODE_TABLE_SEX => {
                type $T = Sex;
                Ok($body)
            }
            ONSHI_CODE_TABLE_PERSONAL_FAMILY_CLASSIFICATION => {
                type $T = PersonalFamilyClassification;
                Ok($body)
            }
            ONSHI_CODE_TABLE_INSURED_CARD_CLASSIFICATION => {
                type $T = InsuredCardClassification;
                Ok($body)
            }
            ONSHI_CODE_TABLE_LIMIT_CONSENT_FLAG => {
                type $T = LimitConsentFlag;
                Ok($body)
            }
            ONSHI_CODE_TABLE_LIMIT_CERTIFICATE_CLASSIFICATION => {
                type $T = LimitCertificateClassification;
                Ok($body)
            }
            ONSHI_CODE_TABLE_LIMIT_CLASSIFICATION_FLAG => {
                type $T = LimitClassificationFlag;
                Ok($body)
            }
            ONSHI_CODE_TABLE_SPECIFIC_DISEASE_CATEGORY => {
                type $T = SpecificDiseaseCategory;
                Ok($body)
            }
            ONSHI_CODE_TABLE_CONSENT_FLAG => {
                type $T = ConsentFlag;
                Ok($body)
            }
            ONSHI_CODE_TABLE_REASON_OF_LOSS => {
                type $T = ReasonOfLoss;
                Ok($body)
            }
            ONSHI_CODE_TABLE_PRESCHOOL_CLASSIFICATION => {
                type $T = PreschoolClassification;
                Ok($body)
            }
            ONSHI_CODE_TABLE_PRESCRIPTION_ISSUE_SELECT => {
                type $T = PrescriptionIssueSelect;
                Ok($body)
            }
            ONSHI_CODE_TABLE_MEDICAL_TREATMENT_FLAG => {
                type $T = MedicalTreatmentFlag;
                Ok($body)
            }
            ONSHI_CODE_TABLE_FILE_CATEGORY => {
                type $T = FileCategory;
                Ok($body)
            }
            ONSHI_CODE_TABLE_PMH_FLAG => {
                type $T = PmhFlag;
                Ok($body)
            }
            ONSHI_CODE_TABLE_PUBLIC_EXPENSE_SOURCE => {
                type $T = PublicExpenseSource;
                Ok($body)
            }
            other => Err(Failure::new(
                ONSHI_INVALID_ARGUMENT,
                format!("unknown code table {other}"),
            )),
        }
    };
}

/// The Japanese label of a wire value (`"4"` in 資格有効性 → `"該当資格なし"`), or
/// `"不明なコード"` for a value the library does not know.
pub(crate) fn label(table: onshi_code_table, wire: &str) -> Result<&'static str, Failure> {
    with_table!(table, T => T::from_wire(wire).label())
}

/// Copies the Japanese label of a code value, UTF-8 (`"不明なコード"` for a value the library
/// does not know; use `onshi_code_is_known` to tell). Surrounding spaces of `wire` are
/// ignored.
///
/// Returns `ONSHI_INVALID_ARGUMENT` for an unknown table.
/// Out-parameters are written only on success, except `*out_len`, which is also written with
/// `ONSHI_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `wire` is NULL or readable for `wire_len` bytes; `buf` is NULL or writable for `cap` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_code_label(
    table: onshi_code_table,
    wire: *const u8,
    wire_len: usize,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> onshi_status {
    guard(|| {
        let out = TextOut::new(buf, cap, out_len)?;
        // SAFETY: forwarded from the caller.
        let wire = unsafe { text_in(wire, wire_len) }?;
        out.write(label(table, wire)?)
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
        out.set(with_table!(table, T => T::from_wire(wire).is_known())?);
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
        out.set(with_table!(table, T => T::known().len())?);
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
        let wire = with_table!(table, T => T::known().get(index).map(|c| c.wire()))?
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
        out.write(with_table!(table, T => T::TABLE)?)
    })
}
