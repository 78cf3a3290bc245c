//! The domain model: the qualification record (one coverage, as the terminal returns it or as
//! the clinic holds it), its parts, the query, and the message headers.
//!
//! Every field is optional: the terminal omits empty elements, and a clinic's record may lack
//! what the terminal knows. Personal values are wrapped in [`Personal`](crate::Personal), so `{:?}` of any
//! record is safe to log.
//!
//! The JSON form (serde) is the library's documented record schema: field names in
//! `snake_case`, dates as `"YYYY-MM-DD"`, date-times as `"YYYY-MM-DDTHH:MM:SS"`, codes as their
//! wire values, absent fields omitted. Its version is [`RECORD_SCHEMA_VERSION`].

//!
//! Every record is declared once, in `src/model/schema/records.rs`; the structs, [`Field`], the
//! XML tables, the C ABI's field ids and the JSON schema (`docs/schema/records.schema.json`) are
//! generated from that declaration (see `src/model/schema/mod.rs`).

mod generated;
#[cfg(test)]
pub(crate) mod schema;

pub use generated::*;

use crate::codes::*;
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

/// Which part of a qualification a compared field belongs to; decides what a real difference
/// means.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldGroup {
    /// Who the person is (氏名, カナ, 性別, 生年月日, 住所 …): changes update the record in place,
    /// a different name, birthdate or sex asks for 本人確認.
    Identity,
    /// What defines the coverage (保険者番号, 記号・番号・枝番, 本人家族, 負担割合, 医療扶助):
    /// a change means a new qualification.
    Qualification,
    /// Dates and details of the same coverage (有効期間, 交付日, 保険者名称 …): updated in place.
    Detail,
    /// Attached certificates (限度額適用認定証, 特定疾病療養受療証): updated in place.
    Certificate,
}

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

impl PersonIdentity {
    /// The person's 性別: 性別2 when it is set (the gender-notation exception), else 性別1.
    pub fn sex(&self) -> Option<Sex> {
        self.sex2.clone().or_else(|| self.sex1.clone())
    }
}

impl Consent {
    /// `true` when the patient agreed and `now` is not past the available time. A consent with
    /// no available time is valid while the flag says 同意あり.
    pub fn is_valid_at(&self, now: NaiveDateTime) -> bool {
        self.flag == Some(ConsentFlag::Agreed) && self.available_time.is_none_or(|t| now <= t)
    }
}

impl Qualification {
    /// `true` for 医療扶助 (生活保護): card class `A1`, or a 公費負担者番号 with 法別 `12`.
    pub fn is_public_assistance(&self) -> bool {
        self.insured_card_classification == Some(InsuredCardClassification::MedicalAssistance)
            || self
                .card
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
        if self.card.insurer_number.is_none() || self.card.insured_identification_number.is_none() {
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

impl PublicExpense {
    /// The 法別番号 (first two digits of the 公費負担者番号): the programme.
    pub fn law_code(&self) -> Option<&str> {
        self.payer_number.as_ref().map(|n| n.law_code())
    }

    /// The programme of the 法別番号, for staff (`54` → 指定難病 …); `None` for a 法別 this
    /// library does not name (local programmes use numbers of their own).
    pub fn programme_label(&self) -> Option<&'static str> {
        law_label(self.law_code()?)
    }

    /// `true` for 医療扶助 (生活保護, 法別 `12`).
    pub fn is_public_assistance(&self) -> bool {
        self.payer_number
            .as_ref()
            .is_some_and(|n| n.is_public_assistance())
    }

    /// `true` when PMH says 償還払い (the 公費 is not applied at the counter).
    pub fn is_reimbursement(&self) -> bool {
        self.always_reimbursement
            .as_ref()
            .and_then(PmhFlag::as_bool)
            == Some(true)
    }

    /// `true` when PMH marks the record deleted by the 自治体 (never read as 失効 by itself).
    pub fn is_deleted(&self) -> bool {
        self.deleted.as_ref().and_then(PmhFlag::as_bool) == Some(true)
    }

    /// `true` when `date` is within the validity period (an open end counts as valid; a
    /// missing start too).
    pub fn is_valid_on(&self, date: chrono::NaiveDate) -> bool {
        self.valid_from.is_none_or(|f| f <= date) && self.valid_to.is_none_or(|t| date <= t)
    }

    /// The 公費 of a 医療扶助 (生活保護) result: its 公費負担者番号 (the result's 保険者番号,
    /// 法別 12), 受給者番号 (the result's 番号), 福祉事務所名 and 保護 period, source
    /// `medical_assistance`. `None` when `q` is not 医療扶助 or its numbers do not fit.
    ///
    /// ```
    /// use onshi::model::{PublicExpense, Qualification};
    /// let q = Qualification::from_json(r#"{"insured_card_classification":"A1",
    ///     "insurer_number":"12136016","insured_identification_number":"1234566",
    ///     "insurer_name":"見本区福祉事務所","qualification_date":"2024-03-01"}"#).unwrap();
    /// let p = PublicExpense::from_medical_assistance(&q).unwrap();
    /// assert_eq!(p.payer_number.unwrap().as_str(), "12136016");
    /// assert_eq!(p.certification_name.as_deref(), Some("生活保護（医療扶助） 見本区福祉事務所"));
    /// ```
    pub fn from_medical_assistance(q: &Qualification) -> Option<PublicExpense> {
        use crate::ids::{Mode, PublicExpensePayerNumber, RecipientNumber};
        if !q.is_public_assistance() {
            return None;
        }
        let payer = q
            .card
            .insurer_number
            .as_ref()
            .and_then(|n| PublicExpensePayerNumber::parse(n.as_str(), Mode::Lenient).ok())?;
        let recipient = q
            .card
            .insured_identification_number
            .as_ref()
            .and_then(|n| RecipientNumber::parse(n.as_str(), Mode::Lenient).ok());
        let name = match &q.insurer_name {
            Some(office) => format!("生活保護（医療扶助） {office}"),
            None => "生活保護（医療扶助）".to_string(),
        };
        Some(PublicExpense {
            payer_number: Some(payer),
            recipient_number: recipient,
            certification_name: Some(name),
            valid_from: q.qualification_date,
            valid_to: q.disqualification_date,
            source: Some(PublicExpenseSource::MedicalAssistance),
            ..Default::default()
        })
    }

    /// The record as JSON (the documented schema).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads a record from JSON (the documented schema).
    pub fn from_json(json: &str) -> Result<PublicExpense, serde_json::Error> {
        serde_json::from_str(json)
    }
}

/// The programme of a 法別番号, for the national programmes PMH carries first (oqs-2026 §5)
/// and 生活保護.
pub fn law_label(law_code: &str) -> Option<&'static str> {
    Some(match law_code {
        "10" => "結核（感染症法第37条の2）",
        "11" => "結核（感染症法第37条 入院）",
        "12" => "生活保護（医療扶助）",
        "15" => "自立支援医療（更生医療）",
        "16" => "自立支援医療（育成医療）",
        "21" => "自立支援医療（精神通院）",
        "23" => "養育医療（未熟児）",
        "52" => "小児慢性特定疾病",
        "54" => "指定難病（特定医療費）",
        _ => return None,
    })
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
    use crate::Personal;
    use crate::ids::{CardNumber, InsurerNumber, Mode};
    use chrono::NaiveDate;

    fn sample() -> Qualification {
        Qualification {
            card: CardKey {
                insurer_number: Some(InsurerNumber::parse("138057", Mode::Strict).unwrap()),
                insured_identification_number: Some(
                    CardNumber::parse("100", Mode::Strict).unwrap(),
                ),
                ..Default::default()
            },
            person: PersonIdentity {
                name: Some("見本　花子".into()),
                name_kana: Some("ﾐﾎﾝ ﾊﾅｺ".into()),
                birthdate: Some(Personal::new(NaiveDate::from_ymd_opt(1980, 1, 1).unwrap())),
                sex1: Some(Sex::Female),
                ..Default::default()
            },
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
