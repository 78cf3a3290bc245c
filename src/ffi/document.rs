//! `onshi_document`: any file of the 資格確認端末 interface, parsed or built, and written in
//! UTF-8 or Shift_JIS — an adapter over [`crate::xml`]; plus file names.
//!
//! The header is `ONSHI_FIELD_DOCUMENT_HEADER_*` for every message type; the body fields
//! (`ONSHI_FIELD_DOCUMENT_*`) are those of the message types that have them (absent
//! otherwise). Lists: the search blocks of a request (`ONSHI_LIST_DOCUMENT_QUERIES`), the
//! records of a 資格確認結果 (`ONSHI_LIST_DOCUMENT_RESULTS`, read as `onshi_qualification`
//! copies with `onshi_document_result_at`), the units of a bulk answer
//! (`ONSHI_LIST_DOCUMENT_UNITS`, their records with `onshi_document_unit_result_at`), the
//! per-person results of a 照会番号 registration answer in either form
//! (`ONSHI_LIST_DOCUMENT_REGISTRATIONS`), and what reading tolerated
//! (`ONSHI_LIST_DOCUMENT_WARNINGS`: values kept as received, flat lists).

use super::diff::{DiffValue, onshi_diff};
use super::enums::*;
use super::error::{onshi_error, with_error};
use super::field::*;
use super::handle::{
    BytesOut, Castable, Out, TextOut, bytes_in, free, handle_ref, into_raw, method, read_in,
    text_in,
};
use super::panic::{Failure, guard, guard_or};
use super::qualification::onshi_qualification;
use super::record::{self, *};
use super::status::*;
use crate::codes::*;
use crate::diff::{QueryKind, Returned};
use crate::history::{Review, ReviewContext};
use crate::ids::{self, Mode};
use crate::model::{
    ConfirmationResult, ProcessingOutcome, Qualification, QualificationQuery,
    ReferenceNumberRegistration,
};
use crate::xml::{
    self, Encoding, FileName, IndividualQuery, Limits, Message, MessageKind, QualificationRequest,
};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use std::ffi::c_char;

/// A file of the terminal interface: a request to write, or an answer read.
///
/// Methods: `onshi_document_parse`, `_parse_file`, `_new`, `_new_individual_request`,
/// `_free`, `_clone`, `_to_json`, `_from_json`, `_last_error`, `_write`, the field accessors
/// (`_get_text`/`_set_text`/`_clear`, `_get_date`/`_set_date`, `_get_datetime`/
/// `_set_datetime`, `_get_u32`/`_set_u32`), lists (`_count`, `_item_add`, `_item_remove`,
/// `_item_get_text`, `_item_set_text`, `_item_clear`, `_item_get_date`, `_item_set_date`,
/// `_item_get_u32`), `_result_at`, `_unit_result_at`; and `onshi_diff_compare_document`.
///
/// Threads: functions taking `const onshi_document *` may run concurrently on one document.
pub struct onshi_document {
    _private: [u8; 0],
}

/// What an `onshi_document` holds: the message, its encoding when known (parsed files), and
/// the file name it came from when known (face results).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct DocValue {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) encoding: Option<Encoding>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) file_name: Option<String>,
    pub(crate) message: Message,
    /// What reading tolerated (parsed files; see `xml::Warning`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) warnings: Vec<xml::Warning>,
}

impl DocValue {
    pub(crate) fn new(message: Message) -> DocValue {
        DocValue {
            encoding: None,
            file_name: None,
            message,
            warnings: Vec::new(),
        }
    }

    /// A parsed file.
    pub(crate) fn parsed(doc: xml::Document, file_name: Option<String>) -> DocValue {
        DocValue {
            encoding: Some(doc.encoding),
            file_name,
            message: doc.message,
            warnings: doc.warnings,
        }
    }
}

impl Castable for onshi_document {
    type Rust = DocValue;
    const TAG: u64 = u64::from_le_bytes(*b"onshiDOC");
}

/// Limits applied when parsing (`NULL` for the defaults: 64 MiB, depth 32).
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct onshi_limits {
    /// Largest input accepted, in bytes (0: the default, 64 MiB).
    pub max_bytes: usize,
    /// Deepest element nesting accepted (0: the default, 32; never more than 128).
    pub max_depth: usize,
}

/// The kind of message of a document: one of the `ONSHI_MESSAGE_TYPE_*` values.
#[allow(non_camel_case_types)]
pub type onshi_message_type = u32;
/// 資格確認要求: 個別照会 or a bulk upload.
pub const ONSHI_MESSAGE_TYPE_QUALIFICATION_REQUEST: onshi_message_type = 1;
/// 資格確認結果 (and the face-reader push).
pub const ONSHI_MESSAGE_TYPE_QUALIFICATION_RESPONSE: onshi_message_type = 2;
/// 照会番号登録要求.
pub const ONSHI_MESSAGE_TYPE_REFERENCE_NUMBER_REQUEST: onshi_message_type = 3;
/// 照会番号登録結果.
pub const ONSHI_MESSAGE_TYPE_REFERENCE_NUMBER_RESPONSE: onshi_message_type = 4;
/// アップロード結果 of a bulk request (受付番号).
pub const ONSHI_MESSAGE_TYPE_BULK_UPLOAD_RESPONSE: onshi_message_type = 5;
/// ダウンロード要求 of a bulk request.
pub const ONSHI_MESSAGE_TYPE_BULK_DOWNLOAD_REQUEST: onshi_message_type = 6;
/// ダウンロード結果 of a bulk qualification request (one unit per person).
pub const ONSHI_MESSAGE_TYPE_BULK_QUALIFICATION_RESPONSE: onshi_message_type = 7;
/// 薬剤情報 / 特定健診情報 request.
pub const ONSHI_MESSAGE_TYPE_DOCUMENT_REQUEST: onshi_message_type = 8;
/// 薬剤情報 / 特定健診情報 XML answer.
pub const ONSHI_MESSAGE_TYPE_DOCUMENT_RESPONSE: onshi_message_type = 9;
/// A file of a family whose body is not modelled (閲覧同意取り消し, アクセスURL, 環境設定情報,
/// PMH, 電子処方箋): header typed, body kept whole (read it with `onshi_document_to_json`).
pub const ONSHI_MESSAGE_TYPE_UNMODELLED: onshi_message_type = 10;

/// A file's character encoding: one of the `ONSHI_ENCODING_*` values.
#[allow(non_camel_case_types)]
pub type onshi_encoding = u32;
/// UTF-8 (文字コード識別 0).
pub const ONSHI_ENCODING_UTF8: onshi_encoding = 1;
/// Shift_JIS / CP932 (文字コード識別 1).
pub const ONSHI_ENCODING_SHIFT_JIS: onshi_encoding = 2;

/// A message family of the interface (from a file name): one of the `ONSHI_FAMILY_*` values.
#[allow(non_camel_case_types)]
pub type onshi_family = u32;
/// 資格確認（個別照会） `OQSsiquc`.
pub const ONSHI_FAMILY_INDIVIDUAL: onshi_family = 1;
/// 照会番号登録 `OQSsiimm`.
pub const ONSHI_FAMILY_REFERENCE_NUMBER: onshi_family = 2;
/// 資格確認（一括照会） `OQSmuquc`.
pub const ONSHI_FAMILY_BULK_QUALIFICATION: onshi_family = 3;
/// 照会番号一括登録 `OQSmuimm`.
pub const ONSHI_FAMILY_BULK_REFERENCE_NUMBER: onshi_family = 4;
/// 医療扶助 一括照会 `OQSmutic`.
pub const ONSHI_FAMILY_BULK_MEDICAL_ASSISTANCE: onshi_family = 5;
/// 訪問診療等 一括照会 `OQSmuhvq`.
pub const ONSHI_FAMILY_BULK_HOME_VISIT: onshi_family = 6;
/// オンライン診療等 一括照会 `OQSmuonq`.
pub const ONSHI_FAMILY_BULK_ONLINE: onshi_family = 7;
/// 薬剤情報 `YZKsiquc`.
pub const ONSHI_FAMILY_DRUG_INFO: onshi_family = 8;
/// 特定健診情報 `TKKsiquc`.
pub const ONSHI_FAMILY_CHECKUP: onshi_family = 9;
/// 資格確認（訪問診療等） `OQSsihvq`.
pub const ONSHI_FAMILY_HOME_VISIT_QUERY: onshi_family = 10;
/// 資格確認（オンライン診療等） `OQSsionq`.
pub const ONSHI_FAMILY_ONLINE_QUERY: onshi_family = 11;
/// 閲覧同意取り消し（訪問診療等） `OQSsihvd` (body not modelled).
pub const ONSHI_FAMILY_CONSENT_REVOCATION: onshi_family = 12;
/// 医療機関アクセスURL取得 `OQSsiurl` (body not modelled; PDF or PNG answers).
pub const ONSHI_FAMILY_ACCESS_URL: onshi_family = 13;
/// 医療機関環境設定情報照会 `OQSsiinq` (body not modelled).
pub const ONSHI_FAMILY_SETTINGS_INQUIRY: onshi_family = 14;
/// 医療機関環境設定情報更新 `OQSsiupd` (body not modelled).
pub const ONSHI_FAMILY_SETTINGS_UPDATE: onshi_family = 15;
/// PMH 医療費助成 `PMHsimsm`, face key `publicmedicalhub` (body not modelled).
pub const ONSHI_FAMILY_PUBLIC_MEDICAL_HUB: onshi_family = 16;
/// 電子処方箋 `EPS…`, face key `prescription` (known, outside onshi's scope).
pub const ONSHI_FAMILY_ELECTRONIC_PRESCRIPTION: onshi_family = 17;

/// What a file name says about a file (`onshi_file_name_parse`).
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct onshi_file_name_info {
    /// The message family (`ONSHI_FAMILY_*`).
    pub family: onshi_family,
    /// 1 for `01` (upload / single), 2 for `02` (download).
    pub phase: u32,
    /// 1 for a request (`req`), 2 for a response (`res`).
    pub direction: u32,
    /// 1 `.xml`, 2 `.err`, 3 `.pdf`, 4 `.zip`, 5 `.png`.
    pub extension: u32,
    /// 1 for a face-reader push (`…res_face_…`), else 0.
    pub is_face: u32,
}

pub(crate) static MESSAGE_TYPE: Enumeration<MessageKind> = Enumeration {
    name: "onshi_message_type",
    rows: &[
        (
            MessageKind::QualificationRequest,
            ONSHI_MESSAGE_TYPE_QUALIFICATION_REQUEST,
            "qualification_request",
        ),
        (
            MessageKind::QualificationResponse,
            ONSHI_MESSAGE_TYPE_QUALIFICATION_RESPONSE,
            "qualification_response",
        ),
        (
            MessageKind::ReferenceNumberRequest,
            ONSHI_MESSAGE_TYPE_REFERENCE_NUMBER_REQUEST,
            "reference_number_request",
        ),
        (
            MessageKind::ReferenceNumberResponse,
            ONSHI_MESSAGE_TYPE_REFERENCE_NUMBER_RESPONSE,
            "reference_number_response",
        ),
        (
            MessageKind::BulkUploadResponse,
            ONSHI_MESSAGE_TYPE_BULK_UPLOAD_RESPONSE,
            "bulk_upload_response",
        ),
        (
            MessageKind::BulkDownloadRequest,
            ONSHI_MESSAGE_TYPE_BULK_DOWNLOAD_REQUEST,
            "bulk_download_request",
        ),
        (
            MessageKind::BulkQualificationResponse,
            ONSHI_MESSAGE_TYPE_BULK_QUALIFICATION_RESPONSE,
            "bulk_qualification_response",
        ),
        (
            MessageKind::DocumentRequest,
            ONSHI_MESSAGE_TYPE_DOCUMENT_REQUEST,
            "document_request",
        ),
        (
            MessageKind::DocumentResponse,
            ONSHI_MESSAGE_TYPE_DOCUMENT_RESPONSE,
            "document_response",
        ),
        (
            MessageKind::Unmodelled,
            ONSHI_MESSAGE_TYPE_UNMODELLED,
            "unmodelled",
        ),
    ],
};

pub(crate) static ENCODING: Enumeration<Encoding> = Enumeration {
    name: "onshi_encoding",
    rows: &[
        (Encoding::Utf8, ONSHI_ENCODING_UTF8, "utf8"),
        (Encoding::ShiftJis, ONSHI_ENCODING_SHIFT_JIS, "shift_jis"),
    ],
};

pub(crate) static FAMILY: Enumeration<xml::Family> = Enumeration {
    name: "onshi_family",
    rows: &[
        (
            xml::Family::Individual,
            ONSHI_FAMILY_INDIVIDUAL,
            "individual",
        ),
        (
            xml::Family::ReferenceNumber,
            ONSHI_FAMILY_REFERENCE_NUMBER,
            "reference_number",
        ),
        (
            xml::Family::BulkQualification,
            ONSHI_FAMILY_BULK_QUALIFICATION,
            "bulk_qualification",
        ),
        (
            xml::Family::BulkReferenceNumber,
            ONSHI_FAMILY_BULK_REFERENCE_NUMBER,
            "bulk_reference_number",
        ),
        (
            xml::Family::BulkMedicalAssistance,
            ONSHI_FAMILY_BULK_MEDICAL_ASSISTANCE,
            "bulk_medical_assistance",
        ),
        (
            xml::Family::BulkHomeVisit,
            ONSHI_FAMILY_BULK_HOME_VISIT,
            "bulk_home_visit",
        ),
        (
            xml::Family::BulkOnline,
            ONSHI_FAMILY_BULK_ONLINE,
            "bulk_online",
        ),
        (xml::Family::DrugInfo, ONSHI_FAMILY_DRUG_INFO, "drug_info"),
        (xml::Family::Checkup, ONSHI_FAMILY_CHECKUP, "checkup"),
        (
            xml::Family::HomeVisitQuery,
            ONSHI_FAMILY_HOME_VISIT_QUERY,
            "home_visit_query",
        ),
        (
            xml::Family::OnlineQuery,
            ONSHI_FAMILY_ONLINE_QUERY,
            "online_query",
        ),
        (
            xml::Family::ConsentRevocation,
            ONSHI_FAMILY_CONSENT_REVOCATION,
            "consent_revocation",
        ),
        (
            xml::Family::AccessUrl,
            ONSHI_FAMILY_ACCESS_URL,
            "access_url",
        ),
        (
            xml::Family::SettingsInquiry,
            ONSHI_FAMILY_SETTINGS_INQUIRY,
            "settings_inquiry",
        ),
        (
            xml::Family::SettingsUpdate,
            ONSHI_FAMILY_SETTINGS_UPDATE,
            "settings_update",
        ),
        (
            xml::Family::PublicMedicalHub,
            ONSHI_FAMILY_PUBLIC_MEDICAL_HUB,
            "public_medical_hub",
        ),
        (
            xml::Family::ElectronicPrescription,
            ONSHI_FAMILY_ELECTRONIC_PRESCRIPTION,
            "electronic_prescription",
        ),
    ],
};

#[allow(dead_code)]
fn exhaustive(k: MessageKind, e: Encoding, f: xml::Family) {
    match k {
        MessageKind::QualificationRequest
        | MessageKind::QualificationResponse
        | MessageKind::ReferenceNumberRequest
        | MessageKind::ReferenceNumberResponse
        | MessageKind::BulkUploadResponse
        | MessageKind::BulkDownloadRequest
        | MessageKind::BulkQualificationResponse
        | MessageKind::DocumentRequest
        | MessageKind::DocumentResponse
        | MessageKind::Unmodelled => {}
    }
    match e {
        Encoding::Utf8 | Encoding::ShiftJis => {}
    }
    match f {
        xml::Family::Individual
        | xml::Family::ReferenceNumber
        | xml::Family::BulkQualification
        | xml::Family::BulkReferenceNumber
        | xml::Family::BulkMedicalAssistance
        | xml::Family::BulkHomeVisit
        | xml::Family::BulkOnline
        | xml::Family::DrugInfo
        | xml::Family::Checkup
        | xml::Family::HomeVisitQuery
        | xml::Family::OnlineQuery
        | xml::Family::ConsentRevocation
        | xml::Family::AccessUrl
        | xml::Family::SettingsInquiry
        | xml::Family::SettingsUpdate
        | xml::Family::PublicMedicalHub
        | xml::Family::ElectronicPrescription => {}
    }
}

/// The kind of message (enum MessageType).
pub const ONSHI_FIELD_DOCUMENT_MESSAGE_TYPE: onshi_field = 401;
/// The file's encoding (enum FileEncoding; absent for a document built in memory).
pub const ONSHI_FIELD_DOCUMENT_ENCODING: onshi_field = 402;
/// The file the document was read from, for face results (text, read-only).
pub const ONSHI_FIELD_DOCUMENT_FILE_NAME: onshi_field = 403;
/// 処理結果状況 of a 資格確認結果, 照会番号登録結果 or アップロード結果 (code).
pub const ONSHI_FIELD_DOCUMENT_PROCESSING_RESULT_STATUS: onshi_field = 421;
/// 処理結果コード (text).
pub const ONSHI_FIELD_DOCUMENT_PROCESSING_RESULT_CODE: onshi_field = 422;
/// 処理結果メッセージ, to be shown to staff as is (text).
pub const ONSHI_FIELD_DOCUMENT_PROCESSING_RESULT_MESSAGE: onshi_field = 423;
/// 資格有効性 of a 資格確認結果 (code).
pub const ONSHI_FIELD_DOCUMENT_QUALIFICATION_VALIDITY: onshi_field = 424;
/// 処方箋発行形態 chosen at the reader (code).
pub const ONSHI_FIELD_DOCUMENT_PRESCRIPTION_ISSUE_SELECT: onshi_field = 425;
/// 受付番号 of an アップロード結果 or ダウンロード要求 (text).
pub const ONSHI_FIELD_DOCUMENT_RECEPTION_NUMBER: onshi_field = 426;
/// 受付日時 of an アップロード結果 (date-time).
pub const ONSHI_FIELD_DOCUMENT_RECEPTION_DATE_TIME: onshi_field = 427;
/// ResultCode of a 薬剤情報 / 特定健診情報 answer (`1` = OK) (text).
pub const ONSHI_FIELD_DOCUMENT_RESULT_CODE: onshi_field = 428;
/// MessageContents of a 薬剤情報 / 特定健診情報 answer (text).
pub const ONSHI_FIELD_DOCUMENT_MESSAGE_CONTENTS: onshi_field = 429;

/// Number of records of the unit, for `onshi_document_unit_result_at` (integer, read-only).
pub const ONSHI_FIELD_UNIT_RESULT_COUNT: onshi_field = 486;

/// What a warning is about (enum WarningKind: `ONSHI_WARNING_*`; text `"invalid_value"` …).
pub const ONSHI_FIELD_DOCUMENT_WARNING_KIND: onshi_field = 430;
/// The element path the warning is about (text,
/// `/XmlMsg/MessageBody/ResultList/ResultOfQualificationConfirmation[1]/InsuredCardExpirationDate`).
pub const ONSHI_FIELD_DOCUMENT_WARNING_PATH: onshi_field = 431;
/// 1-based line of the element (integer).
pub const ONSHI_FIELD_DOCUMENT_WARNING_LINE: onshi_field = 432;
/// 1-based column of the element, in characters (integer).
pub const ONSHI_FIELD_DOCUMENT_WARNING_COLUMN: onshi_field = 433;
/// The value as received, kept in the document as an unmodelled element (text; personal data
/// possibly: show it where it is needed, do not log it; absent for a flat list).
pub const ONSHI_FIELD_DOCUMENT_WARNING_VALUE: onshi_field = 434;
/// What was expected (`a date yyyyMMdd`), or what was done (text).
pub const ONSHI_FIELD_DOCUMENT_WARNING_EXPECTED: onshi_field = 435;
/// A one-line description without the value, for logs (text).
pub const ONSHI_FIELD_DOCUMENT_WARNING_MESSAGE: onshi_field = 436;

/// The search blocks of a 資格確認要求 (fields `ONSHI_FIELD_QUERY_*`).
pub const ONSHI_LIST_DOCUMENT_QUERIES: onshi_list = 4;
/// The records of a 資格確認結果 (no fields: `onshi_document_result_at` copies one).
pub const ONSHI_LIST_DOCUMENT_RESULTS: onshi_list = 5;
/// The units of a bulk answer, one per person (fields `ONSHI_FIELD_UNIT_*`).
pub const ONSHI_LIST_DOCUMENT_UNITS: onshi_list = 6;
/// What reading the file tolerated instead of refusing it: one warning per value kept as
/// received (a date `99999999`, a date-time with separators …) or list read in its flat form,
/// in document order (fields `ONSHI_FIELD_DOCUMENT_WARNING_*`; read-only).
pub const ONSHI_LIST_DOCUMENT_WARNINGS: onshi_list = 15;
/// The per-person results of a 照会番号 registration answer, in either form
/// (`ReferenceNumberRegistrationInfo` with its 処理結果, or `BulkRegistrationUnit`), in
/// document order (fields `ONSHI_FIELD_REGISTRATION_*`; read-only).
pub const ONSHI_LIST_DOCUMENT_REGISTRATIONS: onshi_list = 16;

fn not_applicable(kind: MessageKind) -> Failure {
    Failure::new(
        ONSHI_TYPE_MISMATCH,
        format!("a {} has no such field", kind.label()),
    )
}

/// The body-level 処理結果 of the message types that have one.
fn outcome(m: &Message) -> Option<&ProcessingOutcome> {
    match m {
        Message::QualificationResponse(r) => Some(&r.body.outcome),
        Message::ReferenceNumberResponse(r) => Some(&r.outcome),
        Message::BulkUploadResponse(r) => Some(&r.receipt.outcome),
        _ => None,
    }
}

fn outcome_mut(m: &mut Message) -> Result<&mut ProcessingOutcome, Failure> {
    let kind = m.kind();
    match m {
        Message::QualificationResponse(r) => Ok(&mut r.body.outcome),
        Message::ReferenceNumberResponse(r) => Ok(&mut r.outcome),
        Message::BulkUploadResponse(r) => Ok(&mut r.receipt.outcome),
        _ => Err(not_applicable(kind)),
    }
}

fn body(m: &Message) -> Option<&ConfirmationResult> {
    match m {
        Message::QualificationResponse(r) => Some(&r.body),
        _ => None,
    }
}

fn body_mut(m: &mut Message) -> Result<&mut ConfirmationResult, Failure> {
    let kind = m.kind();
    match m {
        Message::QualificationResponse(r) => Ok(&mut r.body),
        _ => Err(not_applicable(kind)),
    }
}

fn reception(m: &Message) -> Option<&String> {
    match m {
        Message::BulkUploadResponse(r) => r.receipt.reception_number.as_ref(),
        Message::BulkDownloadRequest(r) => Some(&r.reception_number),
        _ => None,
    }
}

fn set_reception(m: &mut Message, v: Option<String>) -> Result<(), Failure> {
    let kind = m.kind();
    match m {
        Message::BulkUploadResponse(r) => r.receipt.reception_number = v,
        Message::BulkDownloadRequest(r) => r.reception_number = v.unwrap_or_default(),
        _ => return Err(not_applicable(kind)),
    }
    Ok(())
}

fn doc_response(m: &Message) -> Option<&xml::DocumentResponse> {
    match m {
        Message::DocumentResponse(r) => Some(r),
        _ => None,
    }
}

fn doc_response_mut(m: &mut Message) -> Result<&mut xml::DocumentResponse, Failure> {
    let kind = m.kind();
    match m {
        Message::DocumentResponse(r) => Ok(r),
        _ => Err(not_applicable(kind)),
    }
}

type V = DocValue;

static DOCUMENT_FIELDS: &[FieldDef<V>] = &[
    ro!(
        ONSHI_FIELD_DOCUMENT_MESSAGE_TYPE,
        "message.type",
        ENUM,
        V,
        |d| { MESSAGE_TYPE.value(d.message.kind()) }
    ),
    ro!(ONSHI_FIELD_DOCUMENT_ENCODING, "encoding", ENUM, V, |d| d
        .encoding
        .and_then(|e| ENCODING.value(e))),
    ro!(ONSHI_FIELD_DOCUMENT_FILE_NAME, "file_name", TEXT, V, |d| {
        opt_text(d.file_name.as_ref())
    }),
    FieldDef {
        id: ONSHI_FIELD_DOCUMENT_PROCESSING_RESULT_STATUS,
        name: "message.processing_result_status",
        kind: <ProcessingResultStatus as FieldValue>::KIND,
        get: |d: &V| outcome(&d.message).and_then(|r| r.status.as_ref().map(FieldValue::to_value)),
        set: Some(|d: &mut V, v: Option<Value>| {
            outcome_mut(&mut d.message)?.status = v.map(FieldValue::from_value).transpose()?;
            Ok(())
        }),
    },
    FieldDef {
        id: ONSHI_FIELD_DOCUMENT_PROCESSING_RESULT_CODE,
        name: "message.processing_result_code",
        kind: TEXT,
        get: |d: &V| outcome(&d.message).and_then(|r| opt_text(r.code.as_ref())),
        set: Some(|d: &mut V, v: Option<Value>| {
            outcome_mut(&mut d.message)?.code = v.map(String::from_value).transpose()?;
            Ok(())
        }),
    },
    FieldDef {
        id: ONSHI_FIELD_DOCUMENT_PROCESSING_RESULT_MESSAGE,
        name: "message.processing_result_message",
        kind: TEXT,
        get: |d: &V| outcome(&d.message).and_then(|r| opt_text(r.message.as_ref())),
        set: Some(|d: &mut V, v: Option<Value>| {
            outcome_mut(&mut d.message)?.message = v.map(String::from_value).transpose()?;
            Ok(())
        }),
    },
    FieldDef {
        id: ONSHI_FIELD_DOCUMENT_QUALIFICATION_VALIDITY,
        name: "message.body.qualification_validity",
        kind: <QualificationValidity as FieldValue>::KIND,
        get: |d: &V| {
            body(&d.message)
                .and_then(|b| b.qualification_validity.as_ref().map(FieldValue::to_value))
        },
        set: Some(|d: &mut V, v: Option<Value>| {
            body_mut(&mut d.message)?.qualification_validity =
                v.map(FieldValue::from_value).transpose()?;
            Ok(())
        }),
    },
    FieldDef {
        id: ONSHI_FIELD_DOCUMENT_PRESCRIPTION_ISSUE_SELECT,
        name: "message.body.prescription_issue_select",
        kind: <PrescriptionIssueSelect as FieldValue>::KIND,
        get: |d: &V| {
            body(&d.message).and_then(|b| {
                b.prescription_issue_select
                    .as_ref()
                    .map(FieldValue::to_value)
            })
        },
        set: Some(|d: &mut V, v: Option<Value>| {
            body_mut(&mut d.message)?.prescription_issue_select =
                v.map(FieldValue::from_value).transpose()?;
            Ok(())
        }),
    },
    FieldDef {
        id: ONSHI_FIELD_DOCUMENT_RECEPTION_NUMBER,
        name: "message.reception_number",
        kind: TEXT,
        get: |d: &V| opt_text(reception(&d.message)),
        set: Some(|d: &mut V, v: Option<Value>| {
            set_reception(&mut d.message, v.map(String::from_value).transpose()?)
        }),
    },
    FieldDef {
        id: ONSHI_FIELD_DOCUMENT_RECEPTION_DATE_TIME,
        name: "message.reception_date_time",
        kind: DATETIME,
        get: |d: &V| match &d.message {
            Message::BulkUploadResponse(r) => opt_datetime(r.receipt.reception_date_time),
            _ => None,
        },
        set: Some(|d: &mut V, v: Option<Value>| {
            let kind = d.message.kind();
            match &mut d.message {
                Message::BulkUploadResponse(r) => {
                    r.receipt.reception_date_time = v.map(NaiveDateTime::from_value).transpose()?;
                    Ok(())
                }
                _ => Err(not_applicable(kind)),
            }
        }),
    },
    FieldDef {
        id: ONSHI_FIELD_DOCUMENT_RESULT_CODE,
        name: "message.result_code",
        kind: TEXT,
        get: |d: &V| {
            doc_response(&d.message).and_then(|r| opt_text(r.outcome.result_code.as_ref()))
        },
        set: Some(|d: &mut V, v: Option<Value>| {
            doc_response_mut(&mut d.message)?.outcome.result_code =
                v.map(String::from_value).transpose()?;
            Ok(())
        }),
    },
    FieldDef {
        id: ONSHI_FIELD_DOCUMENT_MESSAGE_CONTENTS,
        name: "message.message_contents",
        kind: TEXT,
        get: |d: &V| {
            doc_response(&d.message).and_then(|r| opt_text(r.outcome.message_contents.as_ref()))
        },
        set: Some(|d: &mut V, v: Option<Value>| {
            doc_response_mut(&mut d.message)?.outcome.message_contents =
                v.map(String::from_value).transpose()?;
            Ok(())
        }),
    },
];

type U = ConfirmationResult;

/// The views of a unit that are not fields of [`ConfirmationResult`] (those are in
/// `CONFIRMATION_RESULT_FIELDS`, generated).
static UNIT_VIEWS: &[FieldDef<U>] = &[ro!(
    ONSHI_FIELD_UNIT_RESULT_COUNT,
    "units[].results.length",
    INTEGER,
    U,
    |u| { int(u.results.len()) }
)];

type W = xml::Warning;

/// The fields of a warning (`ONSHI_LIST_DOCUMENT_WARNINGS`).
static WARNING_FIELDS: &[FieldDef<W>] = &[
    ro!(
        ONSHI_FIELD_DOCUMENT_WARNING_KIND,
        "warnings[].kind",
        ENUM,
        W,
        |w| { WARNING_KIND.value(w.kind) }
    ),
    ro!(
        ONSHI_FIELD_DOCUMENT_WARNING_PATH,
        "warnings[].path",
        TEXT,
        W,
        |w| { text(&w.path) }
    ),
    ro!(
        ONSHI_FIELD_DOCUMENT_WARNING_LINE,
        "warnings[].line",
        INTEGER,
        W,
        |w| { int(w.line) }
    ),
    ro!(
        ONSHI_FIELD_DOCUMENT_WARNING_COLUMN,
        "warnings[].column",
        INTEGER,
        W,
        |w| int(w.column)
    ),
    ro!(
        ONSHI_FIELD_DOCUMENT_WARNING_VALUE,
        "warnings[].value",
        TEXT,
        W,
        |w| { opt_text(w.value.as_ref().map(|v| v.expose())) }
    ),
    ro!(
        ONSHI_FIELD_DOCUMENT_WARNING_EXPECTED,
        "warnings[].expected",
        TEXT,
        W,
        |w| text(&w.expected)
    ),
    ro!(
        ONSHI_FIELD_DOCUMENT_WARNING_MESSAGE,
        "warnings[].message",
        TEXT,
        W,
        |w| text(w.describe())
    ),
];

/// The field tables of this module, for `onshi_field_*`.
pub(crate) fn meta(id: onshi_field) -> Option<Meta> {
    meta_in(DOCUMENT_FIELDS, id, ONSHI_LIST_NONE)
        .or_else(|| meta_in(MESSAGE_HEADER_FIELDS, id, ONSHI_LIST_NONE))
        .or_else(|| meta_in(QUALIFICATION_QUERY_FIELDS, id, ONSHI_LIST_DOCUMENT_QUERIES))
        .or_else(|| meta_in(CONFIRMATION_RESULT_FIELDS, id, ONSHI_LIST_DOCUMENT_UNITS))
        .or_else(|| meta_in(UNIT_VIEWS, id, ONSHI_LIST_DOCUMENT_UNITS))
        .or_else(|| meta_in(WARNING_FIELDS, id, ONSHI_LIST_DOCUMENT_WARNINGS))
        .or_else(|| {
            meta_in(
                REFERENCE_NUMBER_REGISTRATION_FIELDS,
                id,
                ONSHI_LIST_DOCUMENT_REGISTRATIONS,
            )
        })
}

/// Registration `i` of a 照会番号 registration answer, in either form, as one record (the
/// unit form's 処理結果 put inside its registration).
fn registration(m: &Message, i: usize) -> Result<ReferenceNumberRegistration, Failure> {
    let all = match m {
        Message::ReferenceNumberResponse(r) => r.outcomes(),
        _ => Vec::new(),
    };
    let n = all.len();
    let o = all.get(i).ok_or_else(|| out_of_range(i, n))?;
    Ok(ReferenceNumberRegistration {
        outcome: o.outcome.clone(),
        ..o.registration.cloned().unwrap_or_default()
    })
}

fn registration_count(m: &Message) -> usize {
    match m {
        Message::ReferenceNumberResponse(r) => r.outcomes().len(),
        _ => 0,
    }
}

fn queries(m: &Message) -> &[QualificationQuery] {
    match m {
        Message::QualificationRequest(r) => &r.queries,
        _ => &[],
    }
}

fn units(m: &Message) -> &[ConfirmationResult] {
    match m {
        Message::BulkQualificationResponse(r) => &r.units,
        _ => &[],
    }
}

fn results(m: &Message) -> &[Qualification] {
    match m {
        Message::QualificationResponse(r) => &r.body.results,
        _ => &[],
    }
}

fn queries_mut(m: &mut Message) -> Result<&mut Vec<QualificationQuery>, Failure> {
    let kind = m.kind();
    match m {
        Message::QualificationRequest(r) => Ok(&mut r.queries),
        _ => Err(not_applicable(kind)),
    }
}

fn units_mut(m: &mut Message) -> Result<&mut Vec<ConfirmationResult>, Failure> {
    let kind = m.kind();
    match m {
        Message::BulkQualificationResponse(r) => Ok(&mut r.units),
        _ => Err(not_applicable(kind)),
    }
}

fn no_fields(list: onshi_list) -> Failure {
    Failure::new(
        ONSHI_TYPE_MISMATCH,
        format!("list {list} has no fields: copy its records with onshi_document_result_at"),
    )
}

impl Record for DocValue {
    fn get(&self, t: Target, id: onshi_field) -> Result<(Kind, Option<Value>), Failure> {
        match t {
            Target::Record => match MESSAGE_HEADER_FIELDS.iter().find(|d| d.id == id) {
                Some(d) => Ok((d.kind, (d.get)(self.message.header()))),
                None => read_field(DOCUMENT_FIELDS, self, id),
            },
            Target::Item(ONSHI_LIST_DOCUMENT_QUERIES, i) => {
                let d = find(QUALIFICATION_QUERY_FIELDS, id)?;
                Ok((d.kind, (d.get)(item(queries(&self.message), i)?)))
            }
            Target::Item(ONSHI_LIST_DOCUMENT_UNITS, i) => {
                let u = item(units(&self.message), i)?;
                match UNIT_VIEWS.iter().find(|d| d.id == id) {
                    Some(d) => Ok((d.kind, (d.get)(u))),
                    None => {
                        let d = find(CONFIRMATION_RESULT_FIELDS, id)?;
                        Ok((d.kind, (d.get)(u)))
                    }
                }
            }
            Target::Item(ONSHI_LIST_DOCUMENT_RESULTS, _) => {
                Err(no_fields(ONSHI_LIST_DOCUMENT_RESULTS))
            }
            Target::Item(ONSHI_LIST_DOCUMENT_WARNINGS, i) => {
                let d = find(WARNING_FIELDS, id)?;
                Ok((d.kind, (d.get)(item(&self.warnings, i)?)))
            }
            Target::Item(ONSHI_LIST_DOCUMENT_REGISTRATIONS, i) => {
                let d = find(REFERENCE_NUMBER_REGISTRATION_FIELDS, id)?;
                Ok((d.kind, (d.get)(&registration(&self.message, i)?)))
            }
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
                if let Some(d) = MESSAGE_HEADER_FIELDS.iter().find(|d| d.id == id) {
                    check_want(d.kind, want)?;
                    return write(d, self.message.header_mut(), v);
                }
                let d = find(DOCUMENT_FIELDS, id)?;
                check_want(d.kind, want)?;
                write(d, self, v)
            }
            Target::Item(ONSHI_LIST_DOCUMENT_QUERIES, i) => {
                let d = find(QUALIFICATION_QUERY_FIELDS, id)?;
                check_want(d.kind, want)?;
                let n = queries(&self.message).len();
                let q = queries_mut(&mut self.message)
                    .ok()
                    .and_then(|v| v.get_mut(i))
                    .ok_or_else(|| out_of_range(i, n))?;
                write(d, q, v)
            }
            Target::Item(ONSHI_LIST_DOCUMENT_UNITS, i) => {
                if UNIT_VIEWS.iter().any(|d| d.id == id) {
                    return Err(super::record::read_only_field(id));
                }
                let d = find(CONFIRMATION_RESULT_FIELDS, id)?;
                check_want(d.kind, want)?;
                let n = units(&self.message).len();
                let u = units_mut(&mut self.message)
                    .ok()
                    .and_then(|v| v.get_mut(i))
                    .ok_or_else(|| out_of_range(i, n))?;
                write(d, u, v)
            }
            Target::Item(ONSHI_LIST_DOCUMENT_RESULTS, _) => {
                Err(no_fields(ONSHI_LIST_DOCUMENT_RESULTS))
            }
            Target::Item(
                list @ (ONSHI_LIST_DOCUMENT_WARNINGS | ONSHI_LIST_DOCUMENT_REGISTRATIONS),
                _,
            ) => Err(read_only_list(list)),
            Target::Item(list, _) => Err(unknown_list(list)),
        }
    }

    fn count(&self, list: onshi_list) -> Result<usize, Failure> {
        match list {
            ONSHI_LIST_DOCUMENT_QUERIES => Ok(queries(&self.message).len()),
            ONSHI_LIST_DOCUMENT_RESULTS => Ok(results(&self.message).len()),
            ONSHI_LIST_DOCUMENT_UNITS => Ok(units(&self.message).len()),
            ONSHI_LIST_DOCUMENT_WARNINGS => Ok(self.warnings.len()),
            ONSHI_LIST_DOCUMENT_REGISTRATIONS => Ok(registration_count(&self.message)),
            _ => Err(unknown_list(list)),
        }
    }

    fn add(&mut self, list: onshi_list) -> Result<usize, Failure> {
        match list {
            ONSHI_LIST_DOCUMENT_QUERIES => {
                let v = queries_mut(&mut self.message)?;
                v.push(QualificationQuery::default());
                Ok(v.len() - 1)
            }
            ONSHI_LIST_DOCUMENT_UNITS => {
                let v = units_mut(&mut self.message)?;
                v.push(ConfirmationResult::default());
                Ok(v.len() - 1)
            }
            ONSHI_LIST_DOCUMENT_RESULTS
            | ONSHI_LIST_DOCUMENT_WARNINGS
            | ONSHI_LIST_DOCUMENT_REGISTRATIONS => Err(read_only_list(list)),
            _ => Err(unknown_list(list)),
        }
    }

    fn remove(&mut self, list: onshi_list, index: usize) -> Result<(), Failure> {
        let n = self.count(list)?;
        if index >= n {
            return Err(out_of_range(index, n));
        }
        match list {
            ONSHI_LIST_DOCUMENT_QUERIES => {
                queries_mut(&mut self.message)?.remove(index);
            }
            ONSHI_LIST_DOCUMENT_UNITS => {
                units_mut(&mut self.message)?.remove(index);
            }
            _ => return Err(read_only_list(list)),
        }
        Ok(())
    }
}

impl Json for DocValue {
    fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// The parse limits of a C call.
///
/// # Safety
/// `limits` is NULL or readable.
unsafe fn parse_limits(limits: *const onshi_limits) -> Result<Limits, Failure> {
    let mut l = Limits::default();
    if !limits.is_null() {
        // SAFETY: forwarded from the caller.
        let c = unsafe { read_in(limits) }?;
        if c.max_bytes != 0 {
            l.max_bytes = c.max_bytes;
        }
        if c.max_depth != 0 {
            l.max_depth = c.max_depth.min(xml::HARD_MAX_DEPTH);
        }
    }
    Ok(l)
}

/// Parses a file of the interface from its bytes (UTF-8 or Shift_JIS; the message type is
/// read from the content).
///
/// Returns an `ONSHI_XML_*` status (200–212) for a file that cannot be read; the message of
/// `err` says what and where (line, column, element path; values redacted).
/// `err`: NULL is accepted. `limits`: NULL is accepted (the defaults).
/// The caller owns the returned handle and must free it with onshi_document_free.
/// Out-parameters are written only on success.
///
/// # Safety
/// `err` is NULL or a live `onshi_error`; `bytes` is NULL or readable for `len` bytes;
/// `limits` is NULL or readable; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_document_parse(
    err: *mut onshi_error,
    bytes: *const u8,
    len: usize,
    limits: *const onshi_limits,
    out: *mut *mut onshi_document,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_error(err, || {
            let out = Out::new(out)?;
            let l = parse_limits(limits)?;
            let doc = xml::parse_with(bytes_in(bytes, len)?, &l)?;
            out.set(into_raw::<onshi_document>(DocValue::parsed(doc, None)));
            Ok(())
        })
    }
}

/// Parses the file at `path` (UTF-8 path). When its name is an interface file name, the name
/// decides the message type where the content alone cannot (an empty 処理中 answer).
///
/// Returns `ONSHI_IO` when the file cannot be read or is not a regular file (a FIFO, a device,
/// a folder, a symbolic link: refused without blocking), `ONSHI_XML_TOO_LARGE` for a file
/// larger than the limit (never read past the limit, even when its size is unknown), or
/// another `ONSHI_XML_*` status.
/// `err`: NULL is accepted. `limits`: NULL is accepted (the defaults).
/// The caller owns the returned handle and must free it with onshi_document_free.
/// Out-parameters are written only on success.
///
/// # Safety
/// `err` is NULL or a live `onshi_error`; `path` is NULL or readable for `path_len` bytes;
/// `limits` is NULL or readable; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_document_parse_file(
    err: *mut onshi_error,
    path: *const u8,
    path_len: usize,
    limits: *const onshi_limits,
    out: *mut *mut onshi_document,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_error(err, || {
            let out = Out::new(out)?;
            let l = parse_limits(limits)?;
            let path = std::path::Path::new(text_in(path, path_len)?);
            // Only a regular file, opened without blocking (a FIFO is refused, not waited
            // on), a symlink not followed, never more than max_bytes read (also when the
            // file reports no size).
            let bytes =
                xml::read_file(path, &l).map_err(|e| Failure::new(e.code(), e.to_string()))?;
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| FileName::parse(n).ok());
            let doc = match &name {
                Some(n) => xml::parse_file(n, &bytes, &l)?,
                None => xml::parse_with(&bytes, &l)?,
            };
            out.set(into_raw::<onshi_document>(DocValue::parsed(
                doc,
                path.file_name().and_then(|n| n.to_str()).map(String::from),
            )));
            Ok(())
        })
    }
}

fn empty(kind: MessageKind) -> Message {
    match kind {
        MessageKind::QualificationRequest => Message::QualificationRequest(Default::default()),
        MessageKind::QualificationResponse => Message::QualificationResponse(Default::default()),
        MessageKind::ReferenceNumberRequest => Message::ReferenceNumberRequest(Default::default()),
        MessageKind::ReferenceNumberResponse => {
            Message::ReferenceNumberResponse(Default::default())
        }
        MessageKind::BulkUploadResponse => Message::BulkUploadResponse(Default::default()),
        MessageKind::BulkDownloadRequest => Message::BulkDownloadRequest(Default::default()),
        MessageKind::BulkQualificationResponse => {
            Message::BulkQualificationResponse(Default::default())
        }
        MessageKind::DocumentRequest => Message::DocumentRequest(Default::default()),
        MessageKind::DocumentResponse => Message::DocumentResponse(Default::default()),
        MessageKind::Unmodelled => Message::Unmodelled(Default::default()),
    }
}

/// Creates an empty message of a type, to be filled with the setters (a request with
/// `onshi_document_item_add(ONSHI_LIST_DOCUMENT_QUERIES)` …).
///
/// Returns `ONSHI_INVALID_ARGUMENT` for an unknown type.
/// The caller owns the returned handle and must free it with onshi_document_free.
/// Out-parameters are written only on success.
///
/// # Safety
/// `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_document_new(
    message_type: onshi_message_type,
    out: *mut *mut onshi_document,
) -> onshi_status {
    guard(|| {
        let out = Out::new(out)?;
        let kind = MESSAGE_TYPE.parse_num(message_type)?;
        out.set(into_raw::<onshi_document>(DocValue::new(empty(kind))));
        Ok(())
    })
}

/// Builds a 個別照会 request (`OQSsiquc01req`) for the insurance card of `card` (a registered
/// record: its 保険者番号, 記号, 番号, 枝番 and 生年月日) on `date` (資格確認日), from the clinic
/// `institution` (医療機関コード, 10 digits, check digit verified). `file_identifier`
/// `(NULL, 0)` for none; `limit_consent`: the patient's consent to 限度額 information.
///
/// Returns an `ONSHI_ID_*` status for a bad 医療機関コード, `ONSHI_NOT_PRESENT` when `card`
/// has no 保険者番号, 番号 or 生年月日.
/// `err`: NULL is accepted.
/// The caller owns the returned handle and must free it with onshi_document_free.
/// Out-parameters are written only on success.
///
/// # Safety
/// `err` is NULL or a live `onshi_error`; each text is NULL or readable for its length;
/// `card` is NULL or a live `onshi_qualification`; `date` is NULL or readable; `out` is NULL
/// or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_document_new_individual_request(
    err: *mut onshi_error,
    institution: *const u8,
    institution_len: usize,
    card: *const onshi_qualification,
    date: *const onshi_date,
    file_identifier: *const u8,
    file_identifier_len: usize,
    limit_consent: bool,
    out: *mut *mut onshi_document,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_error(err, || {
            let out = Out::new(out)?;
            let institution = ids::MedicalInstitutionCode::parse(
                text_in(institution, institution_len)?,
                Mode::Strict,
            )?;
            let q = &handle_ref(card)?.value;
            let date = read_in(date)?.to_naive()?;
            let fid = text_in(file_identifier, file_identifier_len)?;
            let missing =
                |what: &str| Failure::new(ONSHI_NOT_PRESENT, format!("the record has no {what}"));
            let req = QualificationRequest::individual(IndividualQuery {
                institution,
                insurer: q
                    .card
                    .insurer_number
                    .clone()
                    .ok_or_else(|| missing("保険者番号"))?,
                symbol: q.card.insured_card_symbol.clone(),
                number: q
                    .card
                    .insured_identification_number
                    .clone()
                    .ok_or_else(|| missing("被保険者証番号"))?,
                branch: q.card.insured_branch_number.clone(),
                birthdate: q
                    .person
                    .birthdate
                    .as_ref()
                    .map(|d| *d.expose())
                    .ok_or_else(|| missing("生年月日"))?,
                date,
                file_identifier: (!fid.is_empty()).then(|| fid.to_string()),
                limit_consent,
            });
            out.set(into_raw::<onshi_document>(DocValue::new(
                Message::QualificationRequest(req),
            )));
            Ok(())
        })
    }
}

/// Frees a document.
///
/// NULL is accepted. Must not be called twice with the same pointer.
///
/// # Safety
/// `d` is NULL or a live `onshi_document`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_document_free(d: *mut onshi_document) {
    // SAFETY: forwarded from the caller.
    guard_or((), || unsafe { free(d) })
}

/// Copies a document.
///
/// The caller owns the returned handle and must free it with onshi_document_free.
/// Out-parameters are written only on success.
///
/// # Safety
/// `d` is NULL or a live `onshi_document`; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_document_clone(
    d: *const onshi_document,
    out: *mut *mut onshi_document,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::clone(d, out) }
}

/// Copies the document as JSON: `{"encoding": "utf8", "message": {"type":
/// "qualification_response", "header": {…}, "body": {…}}}` (records in the documented
/// record schema), UTF-8.
///
/// Out-parameters are written only on success, except `*out_len`, which is also written with
/// `ONSHI_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `d` is NULL or a live `onshi_document`; `buf` is NULL or writable for `cap` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_document_to_json(
    d: *const onshi_document,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::to_json(d, buf, cap, out_len) }
}

/// Reads a document from its JSON (as `onshi_document_to_json` writes it).
///
/// Returns `ONSHI_JSON` when the text is not a document.
/// `err`: NULL is accepted.
/// The caller owns the returned handle and must free it with onshi_document_free.
/// Out-parameters are written only on success.
///
/// # Safety
/// `err` is NULL or a live `onshi_error`; `json` is NULL or readable for `json_len` bytes;
/// `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_document_from_json(
    err: *mut onshi_error,
    json: *const u8,
    json_len: usize,
    out: *mut *mut onshi_document,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_error(err, || {
            let out = Out::new(out)?;
            let d: DocValue = serde_json::from_str(text_in(json, json_len)?)?;
            out.set(into_raw::<onshi_document>(d));
            Ok(())
        })
    }
}

/// Copies the message of the most recent failed call on this document ("" if none failed),
/// UTF-8.
///
/// Out-parameters are written only on success, except `*out_len`, which is also written with
/// `ONSHI_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `d` is NULL or a live `onshi_document`; `buf` is NULL or writable for `cap` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_document_last_error(
    d: *const onshi_document,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::last_error(d, buf, cap, out_len) }
}

/// Writes the document as a file of the interface, in `encoding`: the XML declaration, then
/// the elements in the order of the specification (deterministic). Bytes out, size query then
/// fill: `*out_len` receives the length; when `buf` is non-NULL and `cap >= *out_len` the
/// bytes are copied (no terminating NUL), otherwise `ONSHI_BUFFER_TOO_SMALL`.
///
/// Returns `ONSHI_XML_UNREPRESENTABLE` for a character Shift_JIS cannot carry (the message
/// names the element), `ONSHI_INVALID_ARGUMENT` for an unknown encoding.
/// Out-parameters are written only on success, except `*out_len`, which is also written with
/// `ONSHI_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `d` is NULL or a live `onshi_document`; `buf` is NULL or writable for `cap` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_document_write(
    d: *const onshi_document,
    encoding: onshi_encoding,
    buf: *mut u8,
    cap: usize,
    out_len: *mut usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method(d, |d| {
            let out = BytesOut::new(buf, cap, out_len)?;
            let enc = ENCODING.parse_num(encoding)?;
            out.write(&xml::write(&d.message, enc)?)
        })
    }
}

/// Copies a field of the document as text (`ONSHI_FIELD_DOCUMENT_*`), UTF-8.
///
/// Returns `ONSHI_NOT_PRESENT` when absent (also for a field the message type does not have).
/// Out-parameters are written only on success, except `*out_len`, which is also written with
/// `ONSHI_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `d` is NULL or a live `onshi_document`; `buf` is NULL or writable for `cap` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_document_get_text(
    d: *const onshi_document,
    field: onshi_field,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::get_text(d, Target::Record, field, buf, cap, out_len) }
}

/// Sets a field of the document from text (dates `YYYY-MM-DD`, codes as wire values).
///
/// Returns `ONSHI_TYPE_MISMATCH` for a body field the message type does not have,
/// `ONSHI_READ_ONLY` for the message type, encoding and file name.
///
/// # Safety
/// `d` is NULL or a live `onshi_document`; `value` is NULL or readable for `value_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_document_set_text(
    d: *mut onshi_document,
    field: onshi_field,
    value: *const u8,
    value_len: usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::set_text(d, Target::Record, field, value, value_len) }
}

/// Clears a field of the document.
///
/// # Safety
/// `d` is NULL or a live `onshi_document`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_document_clear(
    d: *mut onshi_document,
    field: onshi_field,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::clear(d, Target::Record, field) }
}

/// Reads a date field of the document.
///
/// Out-parameters are written only on success.
///
/// # Safety
/// `d` is NULL or a live `onshi_document`; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_document_get_date(
    d: *const onshi_document,
    field: onshi_field,
    out: *mut onshi_date,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::get_date(d, Target::Record, field, out) }
}

/// Sets a date field of the document.
///
/// # Safety
/// `d` is NULL or a live `onshi_document`; `value` is NULL or readable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_document_set_date(
    d: *mut onshi_document,
    field: onshi_field,
    value: *const onshi_date,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::set_date(d, Target::Record, field, value) }
}

/// Reads a date-time field of the document.
///
/// Out-parameters are written only on success.
///
/// # Safety
/// `d` is NULL or a live `onshi_document`; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_document_get_datetime(
    d: *const onshi_document,
    field: onshi_field,
    out: *mut onshi_datetime,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::get_datetime(d, Target::Record, field, out) }
}

/// Sets a date-time field of the document.
///
/// # Safety
/// `d` is NULL or a live `onshi_document`; `value` is NULL or readable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_document_set_datetime(
    d: *mut onshi_document,
    field: onshi_field,
    value: *const onshi_datetime,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::set_datetime(d, Target::Record, field, value) }
}

/// Reads an integer or enumeration field of the document.
///
/// Out-parameters are written only on success.
///
/// # Safety
/// `d` is NULL or a live `onshi_document`; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_document_get_u32(
    d: *const onshi_document,
    field: onshi_field,
    out: *mut u32,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::get_u32(d, Target::Record, field, out) }
}

/// Sets an integer field of the document.
///
/// # Safety
/// `d` is NULL or a live `onshi_document`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_document_set_u32(
    d: *mut onshi_document,
    field: onshi_field,
    value: u32,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::set_u32(d, Target::Record, field, value) }
}

/// The number of items of a list of the document (0 for a list the message type does not
/// have).
///
/// Out-parameters are written only on success.
///
/// # Safety
/// `d` is NULL or a live `onshi_document`; `out_count` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_document_count(
    d: *const onshi_document,
    list: onshi_list,
    out_count: *mut usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::count(d, list, out_count) }
}

/// Appends an empty search block (`ONSHI_LIST_DOCUMENT_QUERIES`) or unit and reports its
/// index.
///
/// Returns `ONSHI_TYPE_MISMATCH` when the message type has no such list.
/// Out-parameters are written only on success.
///
/// # Safety
/// `d` is NULL or a live `onshi_document`; `out_index` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_document_item_add(
    d: *mut onshi_document,
    list: onshi_list,
    out_index: *mut usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::add(d, list, out_index) }
}

/// Removes an item of a list of the document.
///
/// # Safety
/// `d` is NULL or a live `onshi_document`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_document_item_remove(
    d: *mut onshi_document,
    list: onshi_list,
    index: usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::remove(d, list, index) }
}

/// Copies a field of a list item as text, UTF-8.
///
/// Out-parameters are written only on success, except `*out_len`, which is also written with
/// `ONSHI_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `d` is NULL or a live `onshi_document`; `buf` is NULL or writable for `cap` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_document_item_get_text(
    d: *const onshi_document,
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

/// Sets a field of a list item from text.
///
/// # Safety
/// `d` is NULL or a live `onshi_document`; `value` is NULL or readable for `value_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_document_item_set_text(
    d: *mut onshi_document,
    list: onshi_list,
    index: usize,
    field: onshi_field,
    value: *const u8,
    value_len: usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::set_text(d, Target::Item(list, index), field, value, value_len) }
}

/// Clears a field of a list item.
///
/// # Safety
/// `d` is NULL or a live `onshi_document`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_document_item_clear(
    d: *mut onshi_document,
    list: onshi_list,
    index: usize,
    field: onshi_field,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::clear(d, Target::Item(list, index), field) }
}

/// Reads a date field of a list item.
///
/// Out-parameters are written only on success.
///
/// # Safety
/// `d` is NULL or a live `onshi_document`; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_document_item_get_date(
    d: *const onshi_document,
    list: onshi_list,
    index: usize,
    field: onshi_field,
    out: *mut onshi_date,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::get_date(d, Target::Item(list, index), field, out) }
}

/// Sets a date field of a list item.
///
/// # Safety
/// `d` is NULL or a live `onshi_document`; `value` is NULL or readable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_document_item_set_date(
    d: *mut onshi_document,
    list: onshi_list,
    index: usize,
    field: onshi_field,
    value: *const onshi_date,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::set_date(d, Target::Item(list, index), field, value) }
}

/// Reads an integer field of a list item.
///
/// Out-parameters are written only on success.
///
/// # Safety
/// `d` is NULL or a live `onshi_document`; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_document_item_get_u32(
    d: *const onshi_document,
    list: onshi_list,
    index: usize,
    field: onshi_field,
    out: *mut u32,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::get_u32(d, Target::Item(list, index), field, out) }
}

/// Copies the record at `index` of `ONSHI_LIST_DOCUMENT_RESULTS` (a 資格確認結果's
/// `ResultOfQualificationConfirmation`).
///
/// Returns `ONSHI_OUT_OF_RANGE` for an index past the end (every index, for a message that
/// is not a 資格確認結果).
/// The caller owns the returned handle and must free it with onshi_qualification_free.
/// Out-parameters are written only on success.
///
/// # Safety
/// `d` is NULL or a live `onshi_document`; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_document_result_at(
    d: *const onshi_document,
    index: usize,
    out: *mut *mut onshi_qualification,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method(d, |d| {
            let out = Out::new(out)?;
            let q = item(results(&d.message), index)?;
            out.set(into_raw::<onshi_qualification>(q.clone()));
            Ok(())
        })
    }
}

/// Copies record `index` of unit `unit` of a bulk answer (`ONSHI_LIST_DOCUMENT_UNITS`; the
/// unit's `ONSHI_FIELD_UNIT_RESULT_COUNT` says how many).
///
/// Returns `ONSHI_OUT_OF_RANGE` for a unit or index past the end.
/// The caller owns the returned handle and must free it with onshi_qualification_free.
/// Out-parameters are written only on success.
///
/// # Safety
/// `d` is NULL or a live `onshi_document`; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_document_unit_result_at(
    d: *const onshi_document,
    unit: usize,
    index: usize,
    out: *mut *mut onshi_qualification,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method(d, |d| {
            let out = Out::new(out)?;
            let u = item(units(&d.message), unit)?;
            let q = item(&u.results, index)?;
            out.set(into_raw::<onshi_qualification>(q.clone()));
            Ok(())
        })
    }
}

/// The answer for one person a diff reads: the body of a 資格確認結果 or one bulk unit.
fn answer_of(
    d: &DocValue,
    unit: Option<usize>,
) -> Result<(&ConfirmationResult, QueryKind), Failure> {
    match (&d.message, unit) {
        (Message::QualificationResponse(r), None) => {
            let kind = r.header.reference_classification.as_ref().map_or(
                QueryKind::InsuranceCard,
                QueryKind::from_reference_classification,
            );
            Ok((&r.body, kind))
        }
        (Message::BulkQualificationResponse(r), Some(i)) => {
            Ok((item(&r.units, i)?, QueryKind::Bulk))
        }
        (m, None) => Err(Failure::new(
            ONSHI_TYPE_MISMATCH,
            format!("a {} is not a 資格確認結果", m.kind().label()),
        )),
        (m, Some(_)) => Err(Failure::new(
            ONSHI_TYPE_MISMATCH,
            format!("a {} has no bulk units", m.kind().label()),
        )),
    }
}

/// The answer of a document (its body, or unit `unit` of a bulk answer: the qualifications
/// with `Returned::from`, the 公費 with `Returned::public_expenses`) and the context to
/// review it in: `confirmation_date` NULL is the document's 資格確認日, `query_kind` 0 comes
/// from the document, `result_id` `None` is the document's file name (or empty).
///
/// # Safety
/// `confirmation_date` is NULL or readable.
pub(crate) unsafe fn doc_answer<'a>(
    d: &'a DocValue,
    unit: Option<usize>,
    confirmation_date: *const onshi_date,
    query_kind: onshi_query_kind,
    result_id: Option<&str>,
) -> Result<(&'a ConfirmationResult, ReviewContext), Failure> {
    let (answer, doc_kind) = answer_of(d, unit)?;
    let date = if confirmation_date.is_null() {
        d.message
            .header()
            .qualification_confirmation_date
            .ok_or_else(|| {
                Failure::new(
                    ONSHI_NOT_PRESENT,
                    "the document has no 資格確認日: pass confirmation_date",
                )
            })?
    } else {
        // SAFETY: forwarded from the caller.
        unsafe { read_in(confirmation_date) }?.to_naive()?
    };
    let kind = if query_kind == 0 {
        doc_kind
    } else {
        QUERY_KIND.parse_num(query_kind)?
    };
    let id = result_id
        .map(str::to_string)
        .or_else(|| d.file_name.clone())
        .unwrap_or_default();
    Ok((answer, ReviewContext::new(id, date, kind)))
}

unsafe fn compare_doc(
    err: *mut onshi_error,
    registered: *const onshi_qualification,
    doc: *const onshi_document,
    unit: Option<usize>,
    confirmation_date: *const onshi_date,
    query_kind: onshi_query_kind,
    out: *mut *mut onshi_diff,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_error(err, || {
            let out = Out::new(out)?;
            let reg: &crate::model::Qualification = &handle_ref(registered)?.value;
            let d = &handle_ref(doc)?.value;
            let (answer, ctx) = doc_answer(d, unit, confirmation_date, query_kind, Some(""))?;
            let review = Review::of_records(reg, Returned::from(answer), &ctx);
            out.set(into_raw::<onshi_diff>(DiffValue::new(review)));
            Ok(())
        })
    }
}

/// Compares a registered record with the answer of a 資格確認結果 document (処理結果状況,
/// 資格有効性 and its records: when several came back, the one with the registered 保険者番号
/// and 番号). `confirmation_date` NULL: the document's 資格確認日. `query_kind` 0: from the
/// document's 照会区分 (1 → `ONSHI_QUERY_KIND_MY_NUMBER_CARD`, else insurance card).
///
/// Returns `ONSHI_TYPE_MISMATCH` for a document that is not a 資格確認結果,
/// `ONSHI_NOT_PRESENT` when no date is given and the document has none.
/// `err`: NULL is accepted. `confirmation_date`: NULL is accepted.
/// The caller owns the returned handle and must free it with onshi_diff_free.
/// Out-parameters are written only on success.
///
/// # Safety
/// `err` is NULL or a live `onshi_error`; `registered` is NULL or a live
/// `onshi_qualification`; `doc` is NULL or a live `onshi_document`; `confirmation_date` is
/// NULL or readable; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_diff_compare_document(
    err: *mut onshi_error,
    registered: *const onshi_qualification,
    doc: *const onshi_document,
    confirmation_date: *const onshi_date,
    query_kind: onshi_query_kind,
    out: *mut *mut onshi_diff,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        compare_doc(
            err,
            registered,
            doc,
            None,
            confirmation_date,
            query_kind,
            out,
        )
    }
}

/// Compares a registered record with unit `unit` of a bulk answer
/// (`ONSHI_LIST_DOCUMENT_UNITS`). `confirmation_date` NULL: the document's 資格確認日;
/// `query_kind` 0: `ONSHI_QUERY_KIND_BULK`.
///
/// Returns `ONSHI_TYPE_MISMATCH` for a document that is not a bulk answer,
/// `ONSHI_OUT_OF_RANGE` for a unit past the end.
/// `err`: NULL is accepted. `confirmation_date`: NULL is accepted.
/// The caller owns the returned handle and must free it with onshi_diff_free.
/// Out-parameters are written only on success.
///
/// # Safety
/// As `onshi_diff_compare_document`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_diff_compare_unit(
    err: *mut onshi_error,
    registered: *const onshi_qualification,
    doc: *const onshi_document,
    unit: usize,
    confirmation_date: *const onshi_date,
    query_kind: onshi_query_kind,
    out: *mut *mut onshi_diff,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        compare_doc(
            err,
            registered,
            doc,
            Some(unit),
            confirmation_date,
            query_kind,
            out,
        )
    }
}

/// Reads what a file name says: family, phase, direction, extension, face push.
///
/// Returns `ONSHI_XML_FILE_NAME_NOT_INTERFACE` for a name that is not an interface file name,
/// `ONSHI_XML_FILE_NAME_UNSAFE` for one with a path separator, `..` or too long.
/// `err`: NULL is accepted.
/// Out-parameters are written only on success.
///
/// # Safety
/// `err` is NULL or a live `onshi_error`; `name` is NULL or readable for `name_len` bytes;
/// `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_file_name_parse(
    err: *mut onshi_error,
    name: *const u8,
    name_len: usize,
    out: *mut onshi_file_name_info,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_error(err, || {
            let out = Out::new(out)?;
            let n = FileName::parse(text_in(name, name_len)?).map_err(xml::XmlError::from)?;
            out.set(onshi_file_name_info {
                family: FAMILY.num(n.family),
                phase: match n.phase {
                    xml::Phase::Upload => 1,
                    xml::Phase::Download => 2,
                },
                direction: match n.direction {
                    xml::Direction::Request => 1,
                    xml::Direction::Response => 2,
                },
                extension: match n.extension {
                    xml::Extension::Xml => 1,
                    xml::Extension::Err => 2,
                    xml::Extension::Pdf => 3,
                    xml::Extension::Zip => 4,
                    xml::Extension::Png => 5,
                },
                is_face: u32::from(n.is_face()),
            });
            Ok(())
        })
    }
}

/// Copies the name of the answer that pairs with a request file name
/// (`OQSsiquc01req_X.xml` → `OQSsiquc01res_X.xml`), ASCII.
///
/// `err`: NULL is accepted.
/// Out-parameters are written only on success, except `*out_len`, which is also written with
/// `ONSHI_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `err` is NULL or a live `onshi_error`; `name` is NULL or readable for `name_len` bytes;
/// `buf` is NULL or writable for `cap` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_file_name_response_name(
    err: *mut onshi_error,
    name: *const u8,
    name_len: usize,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_error(err, || {
            let out = TextOut::new(buf, cap, out_len)?;
            let n = FileName::parse(text_in(name, name_len)?).map_err(xml::XmlError::from)?;
            out.write(&n.response_name().to_string())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_in_their_ranges() {
        for d in DOCUMENT_FIELDS {
            assert!((400..450).contains(&d.id), "{}", d.name);
        }
        for d in QUALIFICATION_QUERY_FIELDS {
            assert!((450..480).contains(&d.id), "{}", d.name);
        }
        for d in CONFIRMATION_RESULT_FIELDS.iter().chain(UNIT_VIEWS) {
            assert!((480..500).contains(&d.id), "{}", d.name);
        }
    }

    #[test]
    fn enumeration_ids_are_the_serde_names() {
        for (v, _, id) in MESSAGE_TYPE.rows {
            assert_eq!(serde_json::to_value(v).unwrap().as_str(), Some(*id));
        }
        for (v, _, id) in ENCODING.rows {
            assert_eq!(serde_json::to_value(v).unwrap().as_str(), Some(*id));
        }
        for (v, _, id) in FAMILY.rows {
            assert_eq!(serde_json::to_value(v).unwrap().as_str(), Some(*id));
        }
        assert_eq!(FAMILY.rows.len(), xml::Family::ALL.len());
    }
}
