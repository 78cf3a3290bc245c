//! Building requests from their parts.

use super::messages::{BulkDownloadRequest, QualificationRequest};
use crate::Personal;
use crate::codes::LimitConsentFlag;
use crate::ids::{BranchNumber, CardNumber, CardSymbol, InsurerNumber, MedicalInstitutionCode};
use crate::model::{CardKey, MessageHeader, QualificationQuery};
use chrono::NaiveDate;

/// The parts of a 個別照会 (`OQSsiquc01req`) request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndividualQuery {
    /// 医療機関コード.
    pub institution: MedicalInstitutionCode,
    /// 保険者番号 (written space-padded to 8).
    pub insurer: InsurerNumber,
    /// 記号, when the card has one.
    pub symbol: Option<CardSymbol>,
    /// 番号.
    pub number: CardNumber,
    /// 枝番 (needed for most insurers, not for 後期高齢).
    pub branch: Option<BranchNumber>,
    /// 生年月日.
    pub birthdate: NaiveDate,
    /// 資格確認日 (the day for which eligibility is asked).
    pub date: NaiveDate,
    /// 任意のファイル識別子 (echoed in the answer; ≤ 50 characters).
    pub file_identifier: Option<String>,
    /// 限度額適用認定証 関連情報の提供に同意 (the patient's consent; `false` sends `0`).
    pub limit_consent: bool,
}

impl QualificationRequest {
    /// A 個別照会 request from its parts.
    ///
    /// ```
    /// use onshi::ids::*;
    /// use onshi::xml::{self, IndividualQuery, Message, QualificationRequest, Encoding};
    /// use chrono::NaiveDate;
    /// let req = QualificationRequest::individual(IndividualQuery {
    ///     institution: MedicalInstitutionCode::parse("1312345678", Mode::Strict).unwrap(),
    ///     insurer: InsurerNumber::parse("138057", Mode::Strict).unwrap(),
    ///     symbol: Some(CardSymbol::parse("ABC", Mode::Strict).unwrap()),
    ///     number: CardNumber::parse("100", Mode::Strict).unwrap(),
    ///     branch: Some(BranchNumber::parse("01", Mode::Strict).unwrap()),
    ///     birthdate: NaiveDate::from_ymd_opt(1980, 1, 1).unwrap(),
    ///     date: NaiveDate::from_ymd_opt(2025, 4, 1).unwrap(),
    ///     file_identifier: Some("demo-0001".into()),
    ///     limit_consent: true,
    /// });
    /// let bytes = xml::write(&Message::QualificationRequest(req), Encoding::Utf8).unwrap();
    /// let text = String::from_utf8(bytes).unwrap();
    /// assert!(text.contains("<InsurerNumber>  138057</InsurerNumber>"));
    /// ```
    pub fn individual(parts: IndividualQuery) -> QualificationRequest {
        QualificationRequest {
            header: MessageHeader {
                qualification_confirmation_date: Some(parts.date),
                medical_institution_code: Some(parts.institution),
                arbitrary_file_identifier: parts.file_identifier,
                ..MessageHeader::default()
            },
            queries: vec![QualificationQuery {
                card: CardKey {
                    insurer_number: Some(parts.insurer),
                    insured_card_symbol: parts.symbol,
                    insured_identification_number: Some(parts.number),
                    insured_branch_number: parts.branch,
                },
                birthdate: Some(Personal::new(parts.birthdate)),
                limit_consent_flag: Some(if parts.limit_consent {
                    LimitConsentFlag::Agreed
                } else {
                    LimitConsentFlag::NotAgreed
                }),
                ..QualificationQuery::default()
            }],
            extra_body: Vec::new(),
            extra_root: Vec::new(),
        }
    }
}

impl BulkDownloadRequest {
    /// A ダウンロード要求 for a 受付番号.
    pub fn new(institution: MedicalInstitutionCode, reception_number: &str) -> BulkDownloadRequest {
        BulkDownloadRequest {
            header: MessageHeader {
                medical_institution_code: Some(institution),
                ..MessageHeader::default()
            },
            reception_number: reception_number.to_string(),
            extra_body: Vec::new(),
            extra_root: Vec::new(),
        }
    }
}
