//! The emulator's dataset: fictitious insured persons and what the terminal knows of them.
//!
//! JSON, versioned ([`DATASET_VERSION`]). A person carries the qualifications the terminal
//! returns for them in the library's record schema ([`Qualification`] as JSON, see
//! [`crate::model`]), plus what the emulator needs to play scenarios:
//!
//! ```json
//! {
//!   "version": 1,
//!   "medical_institution_code": "1310000003",
//!   "persons": [
//!     {
//!       "id": "P01",
//!       "label": "社保 本人",
//!       "validity": "1",
//!       "qualifications": [{ "insurer_number": "06130011", "insured_identification_number": "1001",
//!                            "name": "見本　太郎", "birthdate": "1980-04-01", "sex1": "1" }],
//!       "consents": { "pharmacists": "agreed", "specific_health_checkups": "expired" },
//!       "reference_number": "K0001",
//!       "drug_info": [{ "month": "202503", "institution": "見本内科", "date": "20250310",
//!                       "drugs": [{ "code": "620000001", "name": "見本錠5mg", "quantity": "1",
//!                                   "unit": "錠", "usage": "1日1回朝食後", "days": "28" }] }]
//!     }
//!   ]
//! }
//! ```
//!
//! * `validity` — 資格有効性 returned (`1` 有効 … `6` 有効（未登録）), default `1`;
//! * `qualifications` — the `ResultOfQualificationConfirmation` entries (two for 複数該当);
//!   a request matches a person when 保険者番号 and 番号 match one of them (記号 and 枝番 too
//!   when both sides have them) and the 生年月日 is the person's;
//! * `keys` — extra cards that find this person (e.g. the old card of 無効（新しい資格あり）,
//!   or a card the national server does not know, with `validity` `4`);
//! * `consents` — `agreed` (valid for 24 h from the moment of the answer), `expired` (given
//!   two days ago) or `not_agreed`, for `pharmacists`, `specific_health_checkups`,
//!   `diagnosis`, `operation`;
//! * `processing_error` — `{ "code", "message" }`: answer with 処理結果状況 2 (エラー);
//! * `supplementary` — `{ "code", "message" }`: a successful answer that carries a 付帯情報
//!   (e.g. `EMU4001` an expired 電子証明書: 資格確認 only; `EMU4002` one that expires soon);
//! * `reference_number` — 照会番号 already registered by the clinic (shown in face results);
//! * `drug_info`, `checkups` — the 薬剤情報 / 特定健診情報 documents;
//! * `home_visit_consent_date`, `online_consent_date` — for the 訪問 / オンライン bulk families;
//! * `face` — `false` when the person cannot be pushed as a face result (default `true`);
//! * `public_expenses` — the person's 公費 (their 受給者証, in the record schema's
//!   `PublicExpense`), sent through PMH with the first qualification of every answer when
//!   `pmh` is `provided` (the default); `later_public_expenses` replace them from the person's
//!   second answer on within one emulator run (a change, e.g. of 上限額);
//! * `pmh` — `provided`, `consent_refused` (「提供しない」 at the reader) or
//!   `city_not_connected` (the 自治体 is not on PMH): in the last two cases nothing is sent,
//!   and the answers look exactly alike — as on a real terminal.
//!
//! Dates are `YYYY-MM-DD` inside qualifications (record schema) and `yyyyMMdd` / `yyyyMM`
//! inside documents (wire form). Every name, number and address in the bundled dataset is
//! invented.

use super::TerminalError;
use crate::codes::QualificationValidity;
use crate::model::{CardKey, PublicExpense, Qualification, QualificationQuery};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// Version of the dataset format.
pub const DATASET_VERSION: u32 = 1;

/// The bundled demo dataset (≥ 50 fictitious persons covering every scenario).
pub const DEMO_DATASET_JSON: &str = include_str!("emulator/demo_dataset.json");

/// A dataset of insured persons.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dataset {
    /// Format version ([`DATASET_VERSION`]).
    pub version: u32,
    /// The clinic's 医療機関コード used in face results (10 digits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub medical_institution_code: Option<String>,
    /// The persons.
    pub persons: Vec<Person>,
}

/// What a consent looks like when the emulator answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentIntent {
    /// Given now, valid for 24 hours.
    Agreed,
    /// Given two days ago: expired.
    Expired,
    /// Refused at the reader.
    NotAgreed,
}

/// The consents a person gave at the reader.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentIntents {
    /// 薬剤情報.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pharmacists: Option<ConsentIntent>,
    /// 特定健診情報.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub specific_health_checkups: Option<ConsentIntent>,
    /// 診療情報.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diagnosis: Option<ConsentIntent>,
    /// 手術情報.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<ConsentIntent>,
}

/// Whether PMH sends a person's 公費 with the 資格情報.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PmhIntent {
    /// The patient chose 「提供する」 and the 自治体 is connected: the 公費 are sent.
    #[default]
    Provided,
    /// The patient chose 「提供しない」 at the reader: nothing is sent.
    ConsentRefused,
    /// The 自治体 that issued the 受給者証 is not connected to PMH: nothing is sent.
    CityNotConnected,
}

/// A per-person processing error.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessingError {
    /// 処理結果コード.
    pub code: String,
    /// 処理結果メッセージ.
    pub message: String,
}

/// One month of 薬剤情報.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrugMonth {
    /// 診療年月 `yyyyMM`.
    pub month: String,
    /// 医療機関名.
    pub institution: String,
    /// 調剤・処方日 `yyyyMMdd`.
    pub date: String,
    /// The drugs.
    pub drugs: Vec<Drug>,
}

/// One drug line.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Drug {
    /// レセ電コード.
    pub code: String,
    /// 薬剤名.
    pub name: String,
    /// 数量.
    pub quantity: String,
    /// 単位.
    pub unit: String,
    /// 用法.
    pub usage: String,
    /// 日数・回数.
    pub days: String,
}

/// One 特定健診 record.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkup {
    /// 実施日 `yyyyMMdd`.
    pub date: String,
    /// Results.
    pub items: Vec<CheckupItem>,
}

/// One 特定健診 result item.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckupItem {
    /// 項目コード.
    pub code: String,
    /// 項目名.
    pub name: String,
    /// 値.
    pub value: String,
    /// 単位.
    #[serde(default)]
    pub unit: String,
}

/// A person of a dataset at a glance: what [`Dataset::summaries`] and
/// [`Emulator::persons`](super::Emulator::persons) list. Holds no personal value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct PersonSummary {
    /// The id (to push a face result: [`Emulator::push_face`](super::Emulator::push_face)).
    pub id: String,
    /// The scenario (Japanese).
    pub label: String,
    /// 資格有効性 returned for the person.
    pub validity: QualificationValidity,
    /// A face result can be pushed for the person.
    pub face: bool,
    /// A 医療扶助 recipient (queried by bulk, not by insurance card).
    pub public_assistance: bool,
    /// The number of 公費 the person holds (sent or not).
    pub public_expenses: usize,
    /// Whether PMH sends them.
    pub pmh: PmhIntent,
}

/// A fictitious insured person. `Debug` shows the id, scenario and counts only (the
/// dataset format is also used with real-looking test data).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    /// Unique id in the dataset (used to push a face result).
    pub id: String,
    /// What the person demonstrates (Japanese).
    #[serde(default)]
    pub label: String,
    /// 資格有効性 returned.
    #[serde(default = "valid")]
    pub validity: QualificationValidity,
    /// The qualifications returned.
    #[serde(default)]
    pub qualifications: Vec<Qualification>,
    /// Extra cards that find this person (保険者番号 and 番号 required).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keys: Vec<CardKey>,
    /// 生年月日 when there is no qualification to hold it (keys-only persons).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birthdate: Option<NaiveDate>,
    /// Consents given at the reader.
    #[serde(default)]
    pub consents: ConsentIntents,
    /// Answer with 処理結果状況 エラー.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processing_error: Option<ProcessingError>,
    /// Answer successfully with this 処理結果コード and メッセージ (a 付帯情報).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supplementary: Option<ProcessingError>,
    /// 照会番号 already registered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_number: Option<String>,
    /// 薬剤情報.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub drug_info: Vec<DrugMonth>,
    /// 特定健診情報.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checkups: Vec<Checkup>,
    /// 訪問診療等 consent date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub home_visit_consent_date: Option<NaiveDate>,
    /// オンライン診療等 consent date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub online_consent_date: Option<NaiveDate>,
    /// Can be pushed as a face result.
    #[serde(default = "yes")]
    pub face: bool,
    /// The person's 公費 (受給者証), sent through PMH when `pmh` is `provided`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub public_expenses: Vec<PublicExpense>,
    /// Sent instead of `public_expenses` from the person's second answer on (a change).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub later_public_expenses: Vec<PublicExpense>,
    /// Whether PMH sends the 公費.
    #[serde(default)]
    pub pmh: PmhIntent,
}

impl std::fmt::Debug for Person {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Person")
            .field("id", &self.id)
            .field("label", &self.label)
            .field("validity", &self.validity)
            .field("qualifications", &self.qualifications.len())
            .field("drug_info", &self.drug_info.len())
            .field("checkups", &self.checkups.len())
            .field("public_expenses", &self.public_expenses.len())
            .field("pmh", &self.pmh)
            .finish_non_exhaustive()
    }
}

fn valid() -> QualificationValidity {
    QualificationValidity::Valid
}

fn yes() -> bool {
    true
}

impl Dataset {
    /// Reads and validates a JSON dataset.
    pub fn from_json(json: &str) -> Result<Dataset, TerminalError> {
        let d: Dataset = serde_json::from_str(json).map_err(|e| TerminalError::Dataset {
            // serde_json errors name the position and the expected type, not the value.
            reason: format!(
                "not a dataset: line {}, column {} ({:?} error)",
                e.line(),
                e.column(),
                e.classify()
            ),
        })?;
        d.validate()?;
        Ok(d)
    }

    /// The bundled demo dataset.
    pub fn demo() -> Dataset {
        Dataset::from_json(DEMO_DATASET_JSON).unwrap_or_default()
    }

    /// Checks the version, unique ids, that every person can be found (a qualification
    /// with 保険者番号 + 番号 + 生年月日, or a key and a birthdate) and the
    /// 医療機関コード.
    pub fn validate(&self) -> Result<(), TerminalError> {
        let bad = |reason: String| Err(TerminalError::Dataset { reason });
        if self.version != DATASET_VERSION {
            return bad(format!("version {} is not {DATASET_VERSION}", self.version));
        }
        if let Some(c) = &self.medical_institution_code
            && (c.len() != 10 || !c.bytes().all(|b| b.is_ascii_digit()))
        {
            return bad("medical_institution_code must be 10 digits".into());
        }
        let mut ids = HashSet::new();
        for p in &self.persons {
            if p.id.is_empty() || !ids.insert(p.id.as_str()) {
                return bad(format!("person id {:?} is empty or used twice", p.id));
            }
            if p.keys
                .iter()
                .any(|k| k.insurer_number.is_none() || k.insured_identification_number.is_none())
            {
                return bad(format!(
                    "person {}: every key needs a 保険者番号 and a 番号",
                    p.id
                ));
            }
            let findable = p.qualifications.iter().any(|q| {
                q.card.insurer_number.is_some()
                    && q.card.insured_identification_number.is_some()
                    && q.person.birthdate.is_some()
            }) || (!p.keys.is_empty() && p.birthdate().is_some())
                || p.qualifications.iter().any(|q| q.is_public_assistance());
            if !findable {
                return bad(format!(
                    "person {} has no card (保険者番号 + 番号) with a 生年月日",
                    p.id
                ));
            }
        }
        Ok(())
    }

    /// One line per person: id, scenario, 資格有効性, whether a face result can be pushed
    /// (what `onshi emulate --list-persons` prints; no name, number or birthdate).
    pub fn summaries(&self) -> Vec<PersonSummary> {
        self.persons
            .iter()
            .map(|p| PersonSummary {
                id: p.id.clone(),
                label: p.label.clone(),
                validity: p.validity.clone(),
                face: p.face,
                public_assistance: p.is_public_assistance(),
                public_expenses: p.public_expenses.len(),
                pmh: p.pmh,
            })
            .collect()
    }

    /// A person by id.
    pub fn person(&self, id: &str) -> Option<&Person> {
        self.persons.iter().find(|p| p.id == id)
    }

    /// The persons a 資格確認 query finds (normally one; none for 該当資格なし).
    pub fn find(&self, query: &QualificationQuery) -> Vec<&Person> {
        self.persons
            .iter()
            .filter(|p| p.matches_query(query))
            .collect()
    }

    /// The persons a card finds, without a birthdate (薬剤/健診 requests, 照会番号登録).
    pub fn find_by_card(&self, card: &CardKey) -> Vec<&Person> {
        self.persons
            .iter()
            .filter(|p| p.cards().any(|c| card_matches(c, card)))
            .collect()
    }
}

/// `true` when `query` names card `c`: same 保険者番号 and 番号 (both required), and the same
/// 記号 and 枝番 where both sides give one.
fn card_matches(c: &CardKey, query: &CardKey) -> bool {
    let (Some(ci), Some(cn), Some(qi), Some(qn)) = (
        &c.insurer_number,
        &c.insured_identification_number,
        &query.insurer_number,
        &query.insured_identification_number,
    ) else {
        return false;
    };
    if ci != qi || cn != qn {
        return false;
    }
    let sym_ok = match (&c.insured_card_symbol, &query.insured_card_symbol) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    };
    let br_ok = match (&c.insured_branch_number, &query.insured_branch_number) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    };
    sym_ok && br_ok
}

impl Person {
    /// The person's 生年月日 (explicit, or from the first qualification).
    pub fn birthdate(&self) -> Option<NaiveDate> {
        self.birthdate.or_else(|| {
            self.qualifications
                .iter()
                .find_map(|q| q.person.birthdate.as_ref().map(|b| *b.expose()))
        })
    }

    fn cards(&self) -> impl Iterator<Item = &CardKey> {
        self.qualifications
            .iter()
            .map(|q| &q.card)
            .chain(self.keys.iter())
    }

    /// `true` when the query's card and 生年月日 find this person.
    pub fn matches_query(&self, q: &QualificationQuery) -> bool {
        let birth_ok = match (&q.birthdate, self.birthdate()) {
            (Some(a), Some(b)) => *a.expose() == b,
            _ => false,
        };
        birth_ok && self.cards().any(|c| card_matches(c, &q.card))
    }

    /// The 個別照会 search block that finds this person: the first qualification's card (or
    /// the first extra key when it has none), the 生年月日, and 限度額 consent given.
    pub fn query(&self) -> QualificationQuery {
        let card = match (self.qualifications.first(), self.keys.first()) {
            (Some(q), _) if q.card.insurer_number.is_some() => q.card.clone(),
            (_, Some(k)) => k.clone(),
            (q, None) => q.map(|q| q.card.clone()).unwrap_or_default(),
        };
        QualificationQuery {
            card,
            birthdate: self.birthdate().map(crate::Personal::new),
            limit_consent_flag: Some(crate::codes::LimitConsentFlag::Agreed),
            ..Default::default()
        }
    }

    /// `true` for a 医療扶助 recipient.
    pub fn is_public_assistance(&self) -> bool {
        self.qualifications.iter().any(|q| q.is_public_assistance())
    }

    /// What PMH sends for the person's answer number `answered` (0 = the first): nothing
    /// unless `pmh` is `provided`; `later_public_expenses` from the second answer on when
    /// there are any.
    pub fn pmh_data(&self, answered: u32) -> &[PublicExpense] {
        match self.pmh {
            PmhIntent::Provided if answered > 0 && !self.later_public_expenses.is_empty() => {
                &self.later_public_expenses
            }
            PmhIntent::Provided => &self.public_expenses,
            PmhIntent::ConsentRefused | PmhIntent::CityNotConnected => &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::*;
    use crate::ids::InsurerNumber;
    use crate::ids::Mode;

    #[test]
    fn demo_dataset_is_valid_and_covers_the_scenarios() {
        let d = Dataset::from_json(DEMO_DATASET_JSON).unwrap();
        assert!(d.persons.len() >= 50, "{}", d.persons.len());
        let has = |f: &dyn Fn(&Person) -> bool| d.persons.iter().any(f);
        let q = |f: &dyn Fn(&Qualification) -> bool| {
            d.persons.iter().any(|p| p.qualifications.iter().any(f))
        };
        use PersonalFamilyClassification::*;
        // 社保 and 国保, 本人 and 家族.
        for nhi in [false, true] {
            for pf in [Insured, Dependent] {
                assert!(
                    q(&|x| x
                        .card
                        .insurer_number
                        .as_ref()
                        .is_some_and(|n| n.is_national_health_insurance() == nhi)
                        && x.personal_family_classification == Some(pf.clone())),
                    "{nhi} {pf:?}"
                );
            }
        }
        for r in [10, 20, 30] {
            assert!(
                q(&|x| x
                    .insured_partial_contribution_ratio
                    .is_some_and(|p| p.percent() == r)),
                "後期 {r}"
            );
        }
        for r in [20, 30] {
            assert!(
                q(&|x| x
                    .elderly_recipient
                    .as_ref()
                    .and_then(|e| e.contribution_ratio)
                    .is_some_and(|p| p.percent() == r)),
                "高齢 {r}"
            );
        }
        assert!(q(
            &|x| x.preschool_classification == Some(PreschoolClassification::Preschool)
        ));
        for prefix in ["A", "B"] {
            assert!(
                q(&|x| x
                    .limit_certificate
                    .as_ref()
                    .and_then(|l| l.classification_flag.as_ref())
                    .is_some_and(|f| f.wire().starts_with(prefix))),
                "限度額 {prefix}"
            );
        }
        assert!(q(&|x| !x.specific_diseases.is_empty()));
        assert!(q(&|x| x.insured_card_classification
            == Some(InsuredCardClassification::MedicalAssistance)
            && !x.medical_tickets.is_empty()));
        assert!(has(
            &|p| p.validity == QualificationValidity::ValidUnregistered
        ));
        assert!(q(&|x| x
            .person
            .name
            .as_ref()
            .is_some_and(|n| n.contains('●'))));
        for v in [
            QualificationValidity::Invalid,
            QualificationValidity::InvalidNewQualification,
            QualificationValidity::NotFound,
            QualificationValidity::MultipleMatches,
        ] {
            assert!(has(&|p| p.validity == v), "{v:?}");
        }
        assert!(has(&|p| p.consents.pharmacists
            == Some(ConsentIntent::Agreed)
            && !p.drug_info.is_empty()));
        assert!(has(&|p| p.consents.specific_health_checkups
            == Some(ConsentIntent::Agreed)
            && !p.checkups.is_empty()));
        assert!(has(
            &|p| p.consents.pharmacists == Some(ConsentIntent::Expired)
        ));
        assert!(has(&|p| p.reference_number.is_some()));
        assert!(has(&|p| p.processing_error.is_some()));
        assert!(has(&|p| p.home_visit_consent_date.is_some()));
        assert!(has(&|p| p.online_consent_date.is_some()));
        // 公費 (PMH): data sent (with a later change of 上限額), consent refused, city not on
        // PMH; every 公費負担者番号 and 7-digit 受給者番号 passes its check digit.
        assert!(has(&|p| p.pmh == PmhIntent::Provided
            && p.public_expenses.len() > 1
            && p.later_public_expenses.iter().zip(&p.public_expenses).any(
                |(a, b)| {
                    a.max_copayment_amount != b.max_copayment_amount
                        && a.payer_number == b.payer_number
                }
            )));
        assert!(has(
            &|p| p.pmh == PmhIntent::ConsentRefused && !p.public_expenses.is_empty()
        ));
        assert!(has(
            &|p| p.pmh == PmhIntent::CityNotConnected && !p.public_expenses.is_empty()
        ));
        for p in &d.persons {
            for x in p.public_expenses.iter().chain(&p.later_public_expenses) {
                let payer = x.payer_number.as_ref().expect("a 公費負担者番号");
                assert!(payer.validate().is_ok(), "{} {}", p.id, payer.as_str());
                let r = x.recipient_number.as_ref().expect("a 受給者番号");
                assert_ne!(r.check_digit_holds(), Some(false), "{}", p.id);
            }
        }
        // Every insurer number of the dataset passes its check digit.
        for p in &d.persons {
            for x in &p.qualifications {
                if let Some(n) = &x.card.insurer_number {
                    assert!(
                        InsurerNumber::parse(n.as_str(), Mode::Strict).is_ok(),
                        "{} {}",
                        p.id,
                        n.as_str()
                    );
                }
            }
        }
    }

    #[test]
    fn rejects_bad_datasets() {
        assert!(Dataset::from_json("{").is_err());
        assert!(Dataset::from_json(r#"{"version":2,"persons":[]}"#).is_err());
        assert!(Dataset::from_json(r#"{"version":1,"persons":[{"id":"a"},{"id":"a"}]}"#).is_err());
        assert!(Dataset::from_json(r#"{"version":1,"persons":[{"id":"a"}]}"#).is_err());
        let e = Dataset::from_json(
            r#"{"version":1,"persons":[{"id":"a","qualifications":[{"name":"見本"}]}]}"#,
        )
        .unwrap_err();
        assert!(!e.to_string().contains("見本"));
        assert!(
            Dataset::from_json(r#"{"version":1,"medical_institution_code":"12","persons":[]}"#)
                .is_err()
        );
    }

    #[test]
    fn matching_by_card_and_birthdate() {
        let d = Dataset::demo();
        let p = &d.persons[0];
        let x = &p.qualifications[0];
        let mut q = QualificationQuery {
            card: CardKey {
                insurer_number: x.card.insurer_number.clone(),
                insured_card_symbol: x.card.insured_card_symbol.clone(),
                insured_identification_number: x.card.insured_identification_number.clone(),
                insured_branch_number: x.card.insured_branch_number.clone(),
            },
            birthdate: x.person.birthdate.clone(),
            ..Default::default()
        };
        assert_eq!(d.find(&q).len(), 1);
        q.birthdate = Some(crate::Personal::new(
            NaiveDate::from_ymd_opt(1900, 1, 1).unwrap(),
        ));
        assert!(d.find(&q).is_empty());
    }
}

#[cfg(test)]
mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn from_json_never_panics(s in "\\PC{0,200}") {
            let _ = Dataset::from_json(&s);
        }
    }
}
