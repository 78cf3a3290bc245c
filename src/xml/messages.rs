//! The messages of the terminal interface, one struct per shape.
//!
//! Several file families share a shape: a 個別照会 request and the 一括照会 / 医療扶助 / 訪問 /
//! オンライン upload requests are all a [`QualificationRequest`] (one or many
//! `QualificationConfirmSearchInfo`); the family itself comes from the file name
//! ([`super::FileName`]). Every struct keeps the elements it does not model in `extra`, so a
//! parse → write round trip loses nothing.

use crate::model::{
    CardKey, ConfirmationResult, DocumentOutcome, DocumentQuery, MessageHeader, ProcessingOutcome,
    QualificationQuery, ReferenceNumberRegistration, RegistrationUnit, UnknownElement,
    UploadReceipt,
};
use serde::{Deserialize, Serialize};

/// Any message of the interface.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Message {
    /// 資格確認要求: 個別照会 (`OQSsiquc01req`) or a bulk upload (`OQSmuquc01req`,
    /// `OQSmutic01req`, `OQSmuhvq01req`, `OQSmuonq01req`).
    QualificationRequest(QualificationRequest),
    /// 資格確認結果 (`OQSsiquc01res`) and the face-reader push (`OQSsiquc01res_face_…`).
    QualificationResponse(QualificationResponse),
    /// 照会番号登録要求, single (`OQSsiimm01req`) or bulk upload (`OQSmuimm01req`).
    ReferenceNumberRequest(ReferenceNumberRequest),
    /// 照会番号登録結果, single (`OQSsiimm01res`) or bulk download (`OQSmuimm02res`).
    ReferenceNumberResponse(ReferenceNumberResponse),
    /// アップロード結果 of any bulk family (`OQSmu…01res`): the 受付番号.
    BulkUploadResponse(BulkUploadResponse),
    /// ダウンロード要求 of any bulk family (`OQSmu…02req`).
    BulkDownloadRequest(BulkDownloadRequest),
    /// ダウンロード結果 of a bulk qualification family (`OQSmuquc02res`, `OQSmutic02res`,
    /// `OQSmuhvq02res`, `OQSmuonq02res`): one [`ConfirmationResult`] per person.
    BulkQualificationResponse(BulkQualificationResponse),
    /// 薬剤情報 (`YZKsiquc01req`) or 特定健診情報 (`TKKsiquc01req`) request.
    DocumentRequest(DocumentRequest),
    /// 薬剤情報 / 特定健診情報 XML answer (`YZKsiquc01res`, `TKKsiquc01res`).
    DocumentResponse(DocumentResponse),
    /// A file of a family whose body onshi does not model (閲覧同意取り消し `OQSsihvd`,
    /// アクセスURL取得 `OQSsiurl`, 環境設定情報 `OQSsiinq`/`OQSsiupd`, PMH `PMHsimsm`,
    /// 電子処方箋 `EPS…`, the `publicmedicalhub`/`prescription` face outputs): the header
    /// typed, the body kept whole.
    Unmodelled(UnmodelledMessage),
}

/// A file of a family whose body is not modelled: nothing is dropped (every element, its
/// attributes and its text are kept, in document order) and writing it gives the same
/// elements back.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnmodelledMessage {
    /// `MessageHeader` (empty when the root is not `XmlMsg`).
    pub header: MessageHeader,
    /// The `MessageBody` children, whole, in document order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub body: Vec<UnknownElement>,
    /// Other root children.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra_root: Vec<UnknownElement>,
    /// The whole document when its root is not `XmlMsg` (then `header` and `body` are
    /// empty).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<UnknownElement>,
}

/// A 資格確認 request: header + one (個別照会) or many (一括) search blocks.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QualificationRequest {
    /// `MessageHeader`.
    pub header: MessageHeader,
    /// `QualificationConfirmSearchInfo`, in document order.
    pub queries: Vec<QualificationQuery>,
    /// Unmodelled `MessageBody` children.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra_body: Vec<UnknownElement>,
    /// Unmodelled root children.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra_root: Vec<UnknownElement>,
}

/// 資格確認結果 (and the face push, whose header says 照会区分 1).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QualificationResponse {
    /// `MessageHeader`.
    pub header: MessageHeader,
    /// `MessageBody`.
    pub body: ConfirmationResult,
    /// Unmodelled root children.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra_root: Vec<UnknownElement>,
}

/// 照会番号登録要求 (one registration for `OQSsiimm01req`, many for `OQSmuimm01req`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferenceNumberRequest {
    /// `MessageHeader`.
    pub header: MessageHeader,
    /// `ReferenceNumberRegistrationInfo`, in document order.
    pub registrations: Vec<ReferenceNumberRegistration>,
    /// Unmodelled `MessageBody` children.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra_body: Vec<UnknownElement>,
    /// Unmodelled root children.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra_root: Vec<UnknownElement>,
}

/// 照会番号登録結果.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferenceNumberResponse {
    /// `MessageHeader`.
    pub header: MessageHeader,
    /// Echo (single) or per-person results (bulk, direct form: the 処理結果 inside each).
    pub registrations: Vec<ReferenceNumberRegistration>,
    /// Per-person results of a bulk registration in the unit form (`BulkRegistrationUnit`:
    /// the registration and its own 処理結果). [`ReferenceNumberResponse::outcomes`] reads both
    /// forms alike.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub units: Vec<RegistrationUnit>,
    /// Body-level 処理結果 (single registration).
    #[serde(flatten)]
    pub outcome: ProcessingOutcome,
    /// Unmodelled `MessageBody` children.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra_body: Vec<UnknownElement>,
    /// Unmodelled root children.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra_root: Vec<UnknownElement>,
}

/// アップロード結果 of a bulk request: the 受付番号 to download with.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkUploadResponse {
    /// `MessageHeader` (may also carry the 受付番号).
    pub header: MessageHeader,
    /// 受付番号, 受付日時, 処理結果.
    #[serde(flatten)]
    pub receipt: UploadReceipt,
    /// Unmodelled `MessageBody` children.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra_body: Vec<UnknownElement>,
    /// Unmodelled root children.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra_root: Vec<UnknownElement>,
}

/// ダウンロード要求 of a bulk family: header (医療機関コード) + 受付番号.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkDownloadRequest {
    /// `MessageHeader`.
    pub header: MessageHeader,
    /// 受付番号.
    pub reception_number: String,
    /// Unmodelled `MessageBody` children.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra_body: Vec<UnknownElement>,
    /// Unmodelled root children.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra_root: Vec<UnknownElement>,
}

/// ダウンロード結果 of a bulk qualification family. `header.segment_of_result` is `2`
/// (処理中) while the terminal is still working: ask again later.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkQualificationResponse {
    /// `MessageHeader` (受付番号, counts, 処理結果区分).
    pub header: MessageHeader,
    /// `BulkConfirmUnit`, in document order.
    pub units: Vec<ConfirmationResult>,
    /// Unmodelled `MessageBody` children.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra_body: Vec<UnknownElement>,
    /// Unmodelled root children.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra_root: Vec<UnknownElement>,
}

/// 薬剤情報 / 特定健診情報 request. The card numbers sit in the header under names of their
/// own (`InsuranceCardSymbol`, `InsuredPersonIdentificationNumber`, `BranchNumber`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentRequest {
    /// `MessageHeader` (医療機関コード, 任意のファイル識別子).
    pub header: MessageHeader,
    /// 保険者番号 (header, unpadded), 記号 (`InsuranceCardSymbol`), 番号
    /// (`InsuredPersonIdentificationNumber`), 枝番 (`BranchNumber`).
    #[serde(flatten)]
    pub card: CardKey,
    /// 開始年月, 終了年月, ファイル種別, 診療区分 … (the `MessageBody`).
    #[serde(flatten)]
    pub query: DocumentQuery,
    /// Unmodelled `MessageBody` children.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra_body: Vec<UnknownElement>,
    /// Unmodelled root children.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra_root: Vec<UnknownElement>,
}

/// 薬剤情報 / 特定健診情報 XML answer. Success is `ResultCode` = `1`; otherwise
/// `MessageContents` says why. The document body is kept whole (its schema is only partly
/// public); typed views read the known parts.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentResponse {
    /// `MessageHeader` (patient block `QuaInf` / `QualificationsInfo` is kept in `extra`).
    pub header: MessageHeader,
    /// `ResultCode` (`1` = OK) and `MessageContents` (header or body).
    #[serde(flatten)]
    pub outcome: DocumentOutcome,
    /// The `MessageBody` children, whole.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub body: Vec<UnknownElement>,
    /// Unmodelled root children.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra_root: Vec<UnknownElement>,
}

/// One person's registration result, from either form of a 照会番号 registration result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RegistrationOutcome<'a> {
    /// The registration it is about (`None`: a unit without its echo).
    pub registration: Option<&'a ReferenceNumberRegistration>,
    /// How the terminal processed it (`status` `None`: not given).
    pub outcome: &'a ProcessingOutcome,
}

impl RegistrationOutcome<'_> {
    /// `true` unless the terminal says 処理結果状況 2 (エラー).
    pub fn is_ok(&self) -> bool {
        self.outcome.status != Some(crate::codes::ProcessingResultStatus::Error)
    }
}

impl ReferenceNumberResponse {
    /// Every person's result, in document order: the direct form (each
    /// `ReferenceNumberRegistrationInfo` with its 処理結果 inside; for a single registration
    /// the body-level 処理結果 when the echo has none), then the unit form
    /// (`BulkRegistrationUnit`).
    ///
    /// ```
    /// let xml = "<XmlMsg><MessageHeader><ReceptionNumber>R1</ReceptionNumber></MessageHeader>\
    ///   <MessageBody><BulkRegistrationUnit><ReferenceNumberRegistrationInfo>\
    ///   <ReferenceNumber>K-1</ReferenceNumber></ReferenceNumberRegistrationInfo>\
    ///   <ProcessingResultStatus>2</ProcessingResultStatus><ProcessingResultCode>E1</ProcessingResultCode>\
    ///   </BulkRegistrationUnit></MessageBody></XmlMsg>";
    /// let doc = onshi::xml::parse(xml.as_bytes()).unwrap();
    /// let onshi::xml::Message::ReferenceNumberResponse(r) = &doc.message else { panic!() };
    /// let all = r.outcomes();
    /// assert_eq!(all.len(), 1);
    /// assert!(!all[0].is_ok());
    /// assert_eq!(all[0].outcome.code.as_deref(), Some("E1"));
    /// ```
    pub fn outcomes(&self) -> Vec<RegistrationOutcome<'_>> {
        let single = self.registrations.len() == 1 && self.units.is_empty();
        self.registrations
            .iter()
            .map(|r| RegistrationOutcome {
                registration: Some(r),
                outcome: if single && r.outcome.is_empty() {
                    &self.outcome
                } else {
                    &r.outcome
                },
            })
            .chain(self.units.iter().map(|u| RegistrationOutcome {
                registration: u.registration.as_ref(),
                outcome: &u.outcome,
            }))
            .collect()
    }
}
