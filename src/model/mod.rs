//! The domain model: the qualification record (one coverage, as the terminal returns it or as
//! the clinic holds it), its parts, the query, and the message headers.
//!
//! Every field is optional: the terminal omits empty elements, and a clinic's record may lack
//! what the terminal knows. Personal values are wrapped in [`Personal`], so `{:?}` of any
//! record is safe to log.
//!
//! The JSON form (serde) is the library's documented record schema: field names in
//! `snake_case`, dates as `"YYYY-MM-DD"`, date-times as `"YYYY-MM-DDTHH:MM:SS"`, codes as their
//! wire values, absent fields omitted. Its version is [`RECORD_SCHEMA_VERSION`].

use crate::Personal;
use crate::codes::*;
use crate::ids::{BranchNumber, CardNumber, CardSymbol, InsurerNumber, MedicalInstitutionCode};
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

/// Version of the JSON record schema; bumped on any incompatible change.
pub const RECORD_SCHEMA_VERSION: u32 = 1;

/// An element the library does not model, kept so that nothing the terminal sent is lost and a
/// write → parse round trip preserves it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnknownElement {
    /// Element name.
    pub name: String,
    /// Attributes in document order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<(String, String)>,
    /// Text content (unescaped), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Child elements in document order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<UnknownElement>,
}

impl std::fmt::Debug for UnknownElement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The content may be personal: show the shape only.
        f.debug_struct("UnknownElement")
            .field("name", &self.name)
            .field("children", &self.children.len())
            .finish_non_exhaustive()
    }
}

/// A percentage in the terminal's 3-digit form (`"030"` = 30 % = 3割): 一部負担金割合 of
/// 後期高齢者 and 高齢受給者.
///
/// ```
/// use onshi::model::Ratio;
/// let r = Ratio::from_wire("020").unwrap();
/// assert_eq!(r.percent(), 20);
/// assert_eq!(r.wari(), 2);
/// assert_eq!(r.to_wire(), "020");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Ratio(u16);

impl Ratio {
    /// From a percentage (0–100).
    pub fn from_percent(p: u16) -> Option<Ratio> {
        (p <= 100).then_some(Ratio(p))
    }
    /// Reads `"010"`, `"10"`, `"１０"`; `None` if not a number in 0–100.
    pub fn from_wire(s: &str) -> Option<Ratio> {
        let d: String = s
            .trim()
            .chars()
            .map(crate::ids::fold_char)
            .collect::<String>();
        if d.is_empty() || d.len() > 3 || !d.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Ratio::from_percent(d.parse().ok()?)
    }
    /// The percentage.
    pub fn percent(self) -> u16 {
        self.0
    }
    /// The ratio in 割 (tenths), rounded down.
    pub fn wari(self) -> u16 {
        self.0 / 10
    }
    /// The 3-digit wire form.
    pub fn to_wire(self) -> String {
        format!("{:03}", self.0)
    }
}

/// A consent given at the face reader for one kind of information (薬剤, 特定健診, 診療 …):
/// the `…ConsFlg`, `…ConsTime`, `…AvailableTime` trio.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consent {
    /// 同意フラグ.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flag: Option<ConsentFlag>,
    /// When consent was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<NaiveDateTime>,
    /// Until when the information may be retrieved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub available_time: Option<NaiveDateTime>,
}

impl Consent {
    /// `true` when the patient agreed and `now` is not past the available time. A consent with
    /// no available time is valid while the flag says 同意あり.
    pub fn is_valid_at(&self, now: NaiveDateTime) -> bool {
        self.flag == Some(ConsentFlag::Agreed) && self.available_time.is_none_or(|t| now <= t)
    }

    /// `true` when nothing is set.
    pub fn is_empty(&self) -> bool {
        self.flag.is_none() && self.time.is_none() && self.available_time.is_none()
    }
}

/// The consents a result carries, one per kind of information. The XML prefix of each is
/// given (`PharmacistsInfo` → `PharmacistsInfoConsFlg` …).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consents {
    /// 特定健診情報 (`SpecificHealthCheckupsInfo`).
    #[serde(default, skip_serializing_if = "Consent::is_empty")]
    pub specific_health_checkups: Consent,
    /// 薬剤情報 (`PharmacistsInfo`).
    #[serde(default, skip_serializing_if = "Consent::is_empty")]
    pub pharmacists: Consent,
    /// 診療情報 (`DiagnosisInfo`).
    #[serde(default, skip_serializing_if = "Consent::is_empty")]
    pub diagnosis: Consent,
    /// 手術情報 (`OperationInfo`).
    #[serde(default, skip_serializing_if = "Consent::is_empty")]
    pub operation: Consent,
    /// 傷病名 (`DiagnosisName`).
    #[serde(default, skip_serializing_if = "Consent::is_empty")]
    pub diagnosis_name: Consent,
    /// 感染症 (`InfectiousInfo`).
    #[serde(default, skip_serializing_if = "Consent::is_empty")]
    pub infectious: Consent,
    /// その他アレルギー等 (`AllergyInfo`).
    #[serde(default, skip_serializing_if = "Consent::is_empty")]
    pub allergy: Consent,
    /// 薬剤アレルギー等 (`ContraindicationInfo`).
    #[serde(default, skip_serializing_if = "Consent::is_empty")]
    pub contraindication: Consent,
    /// 検査 (`TestInfo`).
    #[serde(default, skip_serializing_if = "Consent::is_empty")]
    pub test: Consent,
    /// 処方 (`PrescriptionInfo`).
    #[serde(default, skip_serializing_if = "Consent::is_empty")]
    pub prescription: Consent,
}

impl Consents {
    /// The XML element prefix of each consent with a reference to it, in spec order.
    pub fn entries(&self) -> [(&'static str, &Consent); 10] {
        [
            ("SpecificHealthCheckupsInfo", &self.specific_health_checkups),
            ("PharmacistsInfo", &self.pharmacists),
            ("DiagnosisInfo", &self.diagnosis),
            ("OperationInfo", &self.operation),
            ("DiagnosisName", &self.diagnosis_name),
            ("InfectiousInfo", &self.infectious),
            ("AllergyInfo", &self.allergy),
            ("ContraindicationInfo", &self.contraindication),
            ("TestInfo", &self.test),
            ("PrescriptionInfo", &self.prescription),
        ]
    }

    /// Mutable access by XML prefix (`"PharmacistsInfo"` …); `None` for an unknown prefix.
    pub fn by_prefix_mut(&mut self, prefix: &str) -> Option<&mut Consent> {
        Some(match prefix {
            "SpecificHealthCheckupsInfo" => &mut self.specific_health_checkups,
            "PharmacistsInfo" => &mut self.pharmacists,
            "DiagnosisInfo" => &mut self.diagnosis,
            "OperationInfo" => &mut self.operation,
            "DiagnosisName" => &mut self.diagnosis_name,
            "InfectiousInfo" => &mut self.infectious,
            "AllergyInfo" => &mut self.allergy,
            "ContraindicationInfo" => &mut self.contraindication,
            "TestInfo" => &mut self.test,
            "PrescriptionInfo" => &mut self.prescription,
            _ => return None,
        })
    }

    /// `true` when no consent is set.
    pub fn is_empty(&self) -> bool {
        self.entries().iter().all(|(_, c)| c.is_empty())
    }
}

/// 高齢受給者証 information (`ElderlyRecipientCertificateInfo`), ages 70–74.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ElderlyRecipient {
    /// 交付年月日.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_date: Option<NaiveDate>,
    /// 有効開始年月日.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_start_date: Option<NaiveDate>,
    /// 有効終了年月日.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_end_date: Option<NaiveDate>,
    /// 一部負担金割合 (`020` = 2割).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contribution_ratio: Option<Ratio>,
    /// Unmodelled child elements, kept.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra: Vec<UnknownElement>,
}

/// 限度額適用認定証 information (`LimitApplicationCertificateRelatedInfo`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LimitCertificate {
    /// 認定証区分.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classification: Option<LimitCertificateClassification>,
    /// 適用区分 (A01–A06, B01–B10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classification_flag: Option<LimitClassificationFlag>,
    /// 交付年月日.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_date: Option<NaiveDate>,
    /// 有効開始年月日.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_start_date: Option<NaiveDate>,
    /// 有効終了年月日.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_end_date: Option<NaiveDate>,
    /// 長期入院該当年月日.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub long_term_date: Option<NaiveDate>,
    /// Unmodelled child elements, kept.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra: Vec<UnknownElement>,
}

/// One 特定疾病療養受療証 (`SpecificDiseasesCertificateInfo`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpecificDisease {
    /// 疾病区分.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<SpecificDiseaseCategory>,
    /// 交付年月日.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_date: Option<NaiveDate>,
    /// 有効開始年月日.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_start_date: Option<NaiveDate>,
    /// 有効終了年月日.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_end_date: Option<NaiveDate>,
    /// 自己負担限度額 (yen per month).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub self_pay: Option<u32>,
    /// Unmodelled child elements, kept.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra: Vec<UnknownElement>,
}

/// One 医療券・調剤券 of 医療扶助 (`PublicExpenseResultList/MedicalTicketInfo`). The code
/// values of these fields are not public, so they are kept as text.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MedicalTicket {
    /// 医療券・調剤券別 (`TicketType`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket_type: Option<String>,
    /// 有効開始日 (`MedicalTicketValidDate`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_date: Option<NaiveDate>,
    /// 有効終了日 (`MedicalTicketExpirationDate`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiration_date: Option<NaiveDate>,
    /// 交付番号 (`IssueNumber`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issue_number: Option<String>,
    /// 診療年月 (`MedicalTreatmentMonth`, `yyyyMM`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub medical_treatment_month: Option<String>,
    /// 指定医療機関コード.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub designated_medical_institution_code: Option<String>,
    /// 指定医療機関確認フラグ.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub designated_medical_institution_flag: Option<String>,
    /// 指定医療機関名称.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub designated_medical_institution_name: Option<String>,
    /// 処方箋発行医療機関コード.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prescription_issuer_medical_institution_code: Option<String>,
    /// 処方箋発行医療機関名称.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prescription_issuer_medical_institution_name: Option<String>,
    /// 傷病名 1–3 (`InjuryName1..3`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub injury_names: Vec<Personal<String>>,
    /// 診療別.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub medical_treatment_type: Option<String>,
    /// 本人支払額.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub self_pay_amount: Option<String>,
    /// 地区担当員名.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub district_contact_name: Option<String>,
    /// 取扱担当者名.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handling_contact_name: Option<String>,
    /// 単独・併用別.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub single_or_combined_use: Option<String>,
    /// 社会保険状況.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_of_social_insurance: Option<String>,
    /// 社会保険状況の整合性.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consistency_flag: Option<String>,
    /// 感染症法37条の2 該当状況 (`StatusOfInfecton`, sic).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_of_infection: Option<String>,
    /// 後期高齢 該当状況.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_of_elderly_medical_care: Option<String>,
    /// 都道府県費 該当状況.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_of_prefectural_expenses: Option<String>,
    /// 備考 1–3 (`Remarks1..3`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remarks: Vec<Personal<String>>,
    /// Unmodelled child elements, kept.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra: Vec<UnknownElement>,
}

/// One qualification (資格): everything `ResultOfQualificationConfirmation` carries, and what a
/// clinic holds for a patient's coverage.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Qualification {
    /// 被保険者証区分 (`A1` = 医療扶助).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insured_card_classification: Option<InsuredCardClassification>,
    /// 保険者番号 (医療扶助: 公費負担者番号).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insurer_number: Option<InsurerNumber>,
    /// 被保険者証記号.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insured_card_symbol: Option<CardSymbol>,
    /// 被保険者証番号 (医療扶助: 受給者番号).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insured_identification_number: Option<CardNumber>,
    /// 枝番.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insured_branch_number: Option<BranchNumber>,
    /// 本人・家族.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub personal_family_classification: Option<PersonalFamilyClassification>,
    /// 被保険者氏名（世帯主氏名）.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insured_name: Option<Personal<String>>,
    /// 氏名 (券面; family and given name separated by U+3000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Personal<String>>,
    /// 氏名（その他）: 通称等.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_of_other: Option<Personal<String>>,
    /// 氏名カナ (half-width katakana on the wire).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_kana: Option<Personal<String>>,
    /// 氏名カナ（その他）.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_of_other_kana: Option<Personal<String>>,
    /// 性別1 (券面表面).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex1: Option<Sex>,
    /// 性別2 (set under the gender-notation exception rules).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex2: Option<Sex>,
    /// 生年月日.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birthdate: Option<Personal<NaiveDate>>,
    /// 住所.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Personal<String>>,
    /// 郵便番号 (as sent, usually `NNN-NNNN`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post_number: Option<Personal<String>>,
    /// 資格取得年月日 (医療扶助: 開始/再開日).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qualification_date: Option<NaiveDate>,
    /// 資格喪失年月日 (医療扶助: 停止/廃止日).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disqualification_date: Option<NaiveDate>,
    /// 交付年月日.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insured_certificate_issuance_date: Option<NaiveDate>,
    /// 有効開始年月日.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insured_card_valid_date: Option<NaiveDate>,
    /// 有効終了年月日 (usually absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insured_card_expiration_date: Option<NaiveDate>,
    /// 一部負担金割合 (後期高齢者).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insured_partial_contribution_ratio: Option<Ratio>,
    /// 未就学区分.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preschool_classification: Option<PreschoolClassification>,
    /// 資格喪失事由.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason_of_loss: Option<ReasonOfLoss>,
    /// 保険者名称 (医療扶助: 福祉事務所名).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insurer_name: Option<String>,
    /// 高齢受給者証.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub elderly_recipient: Option<ElderlyRecipient>,
    /// 限度額適用認定証 関連情報の提供同意.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit_consent_flag: Option<LimitConsentFlag>,
    /// その同意日時.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit_consent_time: Option<NaiveDateTime>,
    /// 限度額適用認定証.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit_certificate: Option<LimitCertificate>,
    /// 特定疾病療養受療証 関連情報の提供同意 (`0` 同意なし, `1` 同意あり, `2` 期限切れ).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub specific_diseases_consent_flag: Option<ConsentFlag>,
    /// その同意日時.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub specific_diseases_consent_time: Option<NaiveDateTime>,
    /// 特定疾病療養受療証 (repeating).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub specific_diseases: Vec<SpecificDisease>,
    /// 医療扶助 医療券・調剤券 (repeating).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub medical_tickets: Vec<MedicalTicket>,
    /// 閲覧同意 (薬剤, 特定健診, 診療, 手術 …).
    #[serde(default, skip_serializing_if = "Consents::is_empty")]
    pub consents: Consents,
    /// 照会番号 registered by this clinic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_number: Option<Personal<String>>,
    /// 任意の識別子 (echo of the request's per-record identifier).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arbitrary_identifier: Option<String>,
    /// 処方箋発行形態, when the terminal places it inside the result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prescription_issue_select: Option<PrescriptionIssueSelect>,
    /// `LimitApplicationCertificateChanged` (meaning not public; kept as text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit_certificate_changed: Option<String>,
    /// Unmodelled child elements, kept for round trips.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra: Vec<UnknownElement>,
}

impl Qualification {
    /// `true` for 医療扶助 (生活保護): card class `A1`, or a 公費負担者番号 with 法別 `12`.
    pub fn is_public_assistance(&self) -> bool {
        self.insured_card_classification == Some(InsuredCardClassification::MedicalAssistance)
            || self
                .insurer_number
                .as_ref()
                .is_some_and(|n| n.is_public_assistance())
    }

    /// Whether this coverage can be confirmed by its insurance card number (個別照会 by
    /// 記号・番号). A 医療扶助-only record cannot: 生活保護 has no insurance card, so it is
    /// confirmed with the My Number card at the reader (seed row 14). The `Err` says why
    /// ([`NotConfirmableByCardNumber::message_ja`] for staff).
    pub fn confirmable_by_card_number(&self) -> Result<(), NotConfirmableByCardNumber> {
        if self.is_public_assistance() {
            return Err(NotConfirmableByCardNumber::PublicAssistanceOnly);
        }
        if self.insurer_number.is_none() || self.insured_identification_number.is_none() {
            return Err(NotConfirmableByCardNumber::NumbersMissing);
        }
        Ok(())
    }

    /// The record as JSON (the documented schema).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads a record from JSON (the documented schema).
    pub fn from_json(json: &str) -> Result<Qualification, serde_json::Error> {
        serde_json::from_str(json)
    }
}

/// The search block of a 資格確認 request (`QualificationConfirmSearchInfo`): the card numbers
/// and birthdate of 個別照会/一括照会, plus the fields the 医療扶助, 訪問 and オンライン bulk
/// families use instead.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QualificationQuery {
    /// 保険者番号 (written space-padded to 8).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insurer_number: Option<InsurerNumber>,
    /// 記号 (omitted when the card has none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insured_card_symbol: Option<CardSymbol>,
    /// 番号.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insured_identification_number: Option<CardNumber>,
    /// 枝番.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insured_branch_number: Option<BranchNumber>,
    /// 生年月日.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birthdate: Option<Personal<NaiveDate>>,
    /// 限度額適用認定証 関連情報の提供同意.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit_consent_flag: Option<LimitConsentFlag>,
    /// 任意の識別子 (the clinic's own per-record id, echoed back).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arbitrary_identifier: Option<String>,
    /// 診療年月 (`yyyyMM`, 医療扶助 bulk).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub medical_treatment_month: Option<String>,
    /// 同意日 from (訪問/オンライン bulk).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent_date_from: Option<NaiveDate>,
    /// 同意日 to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent_date_to: Option<NaiveDate>,
    /// 受診日 from (オンライン bulk).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub examination_date_from: Option<NaiveDate>,
    /// 受診日 to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub examination_date_to: Option<NaiveDate>,
    /// 診療区分 (訪問 `2` / オンライン `3`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub medical_treatment_flag: Option<MedicalTreatmentFlag>,
    /// Unmodelled child elements, kept.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra: Vec<UnknownElement>,
}

/// The `MessageHeader` of any request or response. Which fields are present depends on the
/// message family (see `xml`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageHeader {
    /// 処理実行日時 (responses).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub process_execution_time: Option<NaiveDateTime>,
    /// 資格確認日.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qualification_confirmation_date: Option<NaiveDate>,
    /// 医療機関コード.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub medical_institution_code: Option<MedicalInstitutionCode>,
    /// 任意のファイル識別子 (echoed; a server token in face results).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arbitrary_file_identifier: Option<String>,
    /// 照会区分 (responses).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_classification: Option<ReferenceClassification>,
    /// 処理結果区分 (responses).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment_of_result: Option<SegmentOfResult>,
    /// エラーコード (when `segment_of_result` is not 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    /// エラーメッセージ.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
    /// 文字コード識別 (responses).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub character_code_identifier: Option<CharacterCodeIdentifier>,
    /// 受付番号 (bulk).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reception_number: Option<String>,
    /// 処理件数 (bulk 02 result).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number_of_processing_result: Option<u32>,
    /// 正常件数.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number_of_normal_processing: Option<u32>,
    /// エラー件数.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number_of_error: Option<u32>,
    /// Unmodelled header elements (YZK/TKK put card numbers here), kept.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra: Vec<UnknownElement>,
}

/// Why a coverage cannot be confirmed by its insurance card number
/// ([`Qualification::confirmable_by_card_number`]). `Display` is the English detail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NotConfirmableByCardNumber {
    /// 医療扶助 (生活保護) only: there is no insurance card; confirm with the My Number card.
    #[error("医療扶助-only coverage has no insurance card: confirm it with the My Number card")]
    PublicAssistanceOnly,
    /// The 保険者番号 or the 被保険者証番号 is not registered.
    #[error("the insurer number or the card number is not registered")]
    NumbersMissing,
}

impl NotConfirmableByCardNumber {
    /// The reason for staff, in Japanese.
    pub fn message_ja(self) -> &'static str {
        match self {
            NotConfirmableByCardNumber::PublicAssistanceOnly => {
                "医療扶助（生活保護）のみの方は被保険者証がないため、記号・番号では資格確認できません。マイナンバーカードで確認してください。"
            }
            NotConfirmableByCardNumber::NumbersMissing => {
                "保険者番号または被保険者証番号が登録されていないため、資格確認できません。"
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::Mode;

    fn sample() -> Qualification {
        Qualification {
            name: Some("見本　花子".into()),
            name_kana: Some("ﾐﾎﾝ ﾊﾅｺ".into()),
            birthdate: Some(Personal::new(NaiveDate::from_ymd_opt(1980, 1, 1).unwrap())),
            insurer_number: Some(InsurerNumber::parse("138057", Mode::Strict).unwrap()),
            insured_identification_number: Some(CardNumber::parse("100", Mode::Strict).unwrap()),
            sex1: Some(Sex::Female),
            ..Default::default()
        }
    }

    #[test]
    fn debug_is_redacted() {
        let d = format!("{:?}", sample());
        assert!(!d.contains("見本"), "{d}");
        assert!(!d.contains("ﾐﾎﾝ"), "{d}");
        assert!(!d.contains("1980"), "{d}");
    }

    #[test]
    fn json_round_trip() {
        let q = sample();
        let j = q.to_json();
        assert!(j.contains("\"birthdate\":\"1980-01-01\""), "{j}");
        assert!(j.contains("\"insurer_number\":\"138057\""), "{j}");
        assert_eq!(Qualification::from_json(&j).unwrap(), q);
    }

    #[test]
    fn public_assistance_cannot_be_confirmed_by_card_number() {
        let q = Qualification {
            insured_card_classification: Some(InsuredCardClassification::MedicalAssistance),
            ..sample()
        };
        assert!(q.is_public_assistance());
        let why = q.confirmable_by_card_number().unwrap_err();
        assert_eq!(why, NotConfirmableByCardNumber::PublicAssistanceOnly);
        assert!(why.message_ja().contains("医療扶助"));
        assert!(why.to_string().contains("My Number card"));
        assert!(sample().confirmable_by_card_number().is_ok());
    }

    #[test]
    fn consent_validity() {
        let t = |s: &str| NaiveDateTime::parse_from_str(s, "%Y%m%d%H%M%S").unwrap();
        let c = Consent {
            flag: Some(ConsentFlag::Agreed),
            time: Some(t("20230221174835")),
            available_time: Some(t("20230222174835")),
        };
        assert!(c.is_valid_at(t("20230222000000")));
        assert!(!c.is_valid_at(t("20230222174836")));
        let no = Consent {
            flag: Some(ConsentFlag::NotAgreed),
            ..c.clone()
        };
        assert!(!no.is_valid_at(t("20230222000000")));
    }

    #[test]
    fn ratio_forms() {
        assert_eq!(Ratio::from_wire("030").unwrap().wari(), 3);
        assert_eq!(Ratio::from_wire("10").unwrap().to_wire(), "010");
        assert!(Ratio::from_wire("abc").is_none());
        assert!(Ratio::from_wire("101").is_none());
    }
}
