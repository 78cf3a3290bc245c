//! Reception after the paper 保険証: what the patient presented at each visit, and the
//! monthly マイナ保険証 利用率.
//!
//! Since 2025-12-01 no paper 保険証 is valid (tolerated to 2026-03-31): patients show a
//! マイナ保険証 (the card, or a smartphone since 2025-09-19), a 資格確認書, a 資格情報のお知らせ
//! with the card, or nothing. The terminal's answer does not say which document was shown
//! (only 照会区分 1 マイナンバーカード / 2 被保険者証情報), so the clinic records it:
//!
//! * [`Presentation`] — what was presented, kept with each confirmation in the history
//!   (`ReviewContext::presentation` of the `history` module, which also feeds the advice of
//!   the diff) and, per visit, in the client's journal ([`Visit`], written by
//!   `terminal::Client::record_visit`). A face-reader result implies a マイナ保険証
//!   ([`Presentation::resolve`]). "Nothing shown" is never a change of 資格.
//! * [`usage`] — the monthly report: visits and patients by presentation, the マイナ保険証
//!   利用率 counted per patient-month, and whether the 30 % line of the 2026-06 加算 is met.
//!
//! Everything here is pure: the journal is read at the edge (`terminal::Journal::visits`).
//!
//! ```
//! use chrono::NaiveDate;
//! use onshi::reception::{Month, Presentation, Visit, usage::UsageReport};
//!
//! let day = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
//! let at = day.and_hms_opt(9, 0, 0).unwrap();
//! let visits = vec![
//!     Visit::new(day, "0001", Presentation::MyNumberCard, at),
//!     Visit::new(day, "0002", Presentation::QualificationCertificate, at),
//!     Visit::new(day, "0003", Presentation::MyNumberSmartphone, at),
//! ];
//! let report = UsageReport::build(&visits, Month::new(2026, 12).unwrap());
//! assert_eq!(report.patients, 3);
//! assert_eq!(report.my_number_patients, 2);
//! assert!(report.meets_target); // 66.67 % ≥ 30 %
//! ```

pub mod usage;

use crate::diff::QueryKind;
use chrono::{Datelike, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use std::fmt;

/// What the patient presented at reception for one confirmation.
///
/// JSON ids (serde): `my_number_card`, `my_number_smartphone`, `qualification_certificate`,
/// `my_number_card_with_notice`, `other_document`, `declaration`, `none`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Presentation {
    /// マイナ保険証（カード）: the マイナンバーカード at the face reader (照会区分 1).
    MyNumberCard,
    /// マイナ保険証（スマートフォン）, since 2025-09-19: same face file as the card; only staff
    /// can say it was a phone.
    MyNumberSmartphone,
    /// 資格確認書: confirmed by its 記号・番号 (照会区分 2).
    QualificationCertificate,
    /// マイナ保険証 + 資格情報のお知らせ: the reader could not use the card, so the 記号・番号
    /// of the お知らせ was queried.
    MyNumberCardWithNotice,
    /// 記号・番号 from another document: 資格情報のお知らせ alone, an expired paper 保険証 …
    /// (not valid on its own since 2026-04).
    OtherDocument,
    /// 被保険者資格申立書: nothing could confirm the qualification; the patient declared it.
    Declaration,
    /// Nothing presented.
    #[serde(rename = "none")]
    Nothing,
}

/// How a presentation counts in the monthly report (oqs-2026 §6.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UsageCategory {
    /// マイナ保険証 (card or smartphone): counts toward the 利用率.
    MyNumber,
    /// 記号・番号 (資格確認書, お知らせ with the card, another document).
    CardNumber,
    /// No confirmation by the terminal (申立書, nothing shown).
    NoConfirmation,
}

impl UsageCategory {
    /// Japanese label.
    pub fn label(self) -> &'static str {
        match self {
            UsageCategory::MyNumber => "マイナ保険証",
            UsageCategory::CardNumber => "記号・番号",
            UsageCategory::NoConfirmation => "資格確認なし",
        }
    }
}

impl Presentation {
    /// Every presentation, in the order the report lists them (the most useful first: a
    /// patient's month counts under the first of this order they presented).
    pub const ALL: [Presentation; 7] = [
        Presentation::MyNumberCard,
        Presentation::MyNumberSmartphone,
        Presentation::MyNumberCardWithNotice,
        Presentation::QualificationCertificate,
        Presentation::OtherDocument,
        Presentation::Declaration,
        Presentation::Nothing,
    ];

    /// Japanese label for staff screens.
    pub fn label(self) -> &'static str {
        match self {
            Presentation::MyNumberCard => "マイナ保険証（カード）",
            Presentation::MyNumberSmartphone => "マイナ保険証（スマートフォン）",
            Presentation::QualificationCertificate => "資格確認書",
            Presentation::MyNumberCardWithNotice => "マイナ保険証＋資格情報のお知らせ",
            Presentation::OtherDocument => "記号・番号（その他の書類）",
            Presentation::Declaration => "被保険者資格申立書",
            Presentation::Nothing => "提示なし",
        }
    }

    /// The stable id (the serde name: `my_number_card` …).
    pub fn id(self) -> &'static str {
        match self {
            Presentation::MyNumberCard => "my_number_card",
            Presentation::MyNumberSmartphone => "my_number_smartphone",
            Presentation::QualificationCertificate => "qualification_certificate",
            Presentation::MyNumberCardWithNotice => "my_number_card_with_notice",
            Presentation::OtherDocument => "other_document",
            Presentation::Declaration => "declaration",
            Presentation::Nothing => "none",
        }
    }

    /// The presentation of a stable id.
    ///
    /// ```
    /// use onshi::reception::Presentation;
    /// assert_eq!(Presentation::from_id("qualification_certificate"), Some(Presentation::QualificationCertificate));
    /// assert_eq!(Presentation::from_id("card"), None);
    /// ```
    pub fn from_id(id: &str) -> Option<Presentation> {
        Presentation::ALL.into_iter().find(|p| p.id() == id)
    }

    /// How it counts in the monthly report.
    ///
    /// マイナ保険証 + お知らせ is a 記号・番号 query (the reader could not use the card), so it
    /// is not a マイナ保険証 use.
    pub fn category(self) -> UsageCategory {
        match self {
            Presentation::MyNumberCard | Presentation::MyNumberSmartphone => {
                UsageCategory::MyNumber
            }
            Presentation::QualificationCertificate
            | Presentation::MyNumberCardWithNotice
            | Presentation::OtherDocument => UsageCategory::CardNumber,
            Presentation::Declaration | Presentation::Nothing => UsageCategory::NoConfirmation,
        }
    }

    /// `true` for a マイナ保険証 (card or smartphone).
    pub fn is_my_number(self) -> bool {
        self.category() == UsageCategory::MyNumber
    }

    /// The presentation of a confirmation: a face-reader result (`QueryKind::MyNumberCard`)
    /// implies a マイナ保険証 — the card, unless staff said it was a smartphone (the face file
    /// does not tell them apart); otherwise what staff stated (`None`: not recorded).
    ///
    /// ```
    /// use onshi::diff::QueryKind;
    /// use onshi::reception::Presentation as P;
    /// assert_eq!(P::resolve(None, QueryKind::MyNumberCard), Some(P::MyNumberCard));
    /// assert_eq!(P::resolve(Some(P::MyNumberSmartphone), QueryKind::MyNumberCard), Some(P::MyNumberSmartphone));
    /// // A face result is a マイナ保険証, whatever was typed.
    /// assert_eq!(P::resolve(Some(P::QualificationCertificate), QueryKind::MyNumberCard), Some(P::MyNumberCard));
    /// assert_eq!(P::resolve(Some(P::QualificationCertificate), QueryKind::InsuranceCard), Some(P::QualificationCertificate));
    /// assert_eq!(P::resolve(None, QueryKind::InsuranceCard), None);
    /// ```
    pub fn resolve(stated: Option<Presentation>, query_kind: QueryKind) -> Option<Presentation> {
        match (stated, query_kind) {
            (Some(Presentation::MyNumberSmartphone), QueryKind::MyNumberCard) => {
                Some(Presentation::MyNumberSmartphone)
            }
            (_, QueryKind::MyNumberCard) => Some(Presentation::MyNumberCard),
            (stated, _) => stated,
        }
    }
}

impl fmt::Display for Presentation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A calendar month (`yyyyMM`), the unit of the 利用率 report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Month {
    year: i32,
    month: u32,
}

impl Month {
    /// The month `year`-`month` (1–12; years 1–9999), or `None`.
    pub fn new(year: i32, month: u32) -> Option<Month> {
        ((1..=9999).contains(&year) && (1..=12).contains(&month)).then_some(Month { year, month })
    }

    /// The month of a date.
    pub fn of(date: NaiveDate) -> Month {
        Month {
            year: date.year(),
            month: date.month(),
        }
    }

    /// Reads `yyyyMM` (six ASCII digits).
    ///
    /// ```
    /// use onshi::reception::Month;
    /// assert_eq!(Month::parse("202612").unwrap().to_string(), "202612");
    /// assert!(Month::parse("202613").is_none());
    /// assert!(Month::parse("2026-12").is_none());
    /// ```
    pub fn parse(s: &str) -> Option<Month> {
        if s.len() != 6 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Month::new(s[..4].parse().ok()?, s[4..].parse().ok()?)
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.year
    }

    /// The month (1–12).
    pub fn month(self) -> u32 {
        self.month
    }

    /// `true` when `date` falls in this month.
    pub fn contains(self, date: NaiveDate) -> bool {
        Month::of(date) == self
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}{:02}", self.year, self.month)
    }
}

impl Serialize for Month {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Month {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Month::parse(&s).ok_or_else(|| serde::de::Error::custom("a month is yyyyMM"))
    }
}

/// Who said what was presented.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VisitOrigin {
    /// Staff recorded it.
    #[default]
    Staff,
    /// Implied by a face-reader result (a マイナ保険証; card or smartphone cannot be told).
    FaceResult,
}

/// One visit at reception: the day, the patient (the EMR's own id), what was presented, and
/// the terminal result it confirmed, if any. The unit of the 利用率 report; kept by the
/// client's journal (`terminal::Client::record_visit`) or by the EMR's own database.
///
/// `patient_id` is the EMR's internal patient number: never a name, an insurance number or
/// the 個人番号. A visit without one counts as a patient of its own in the report.
///
/// JSON: `{"date": "2026-12-07", "patient_id": "0001", "presentation": "my_number_card",
/// "origin": "staff", "result_id": "OQSsiquc01res_….xml", "recorded_at":
/// "2026-12-07T09:00:00", "actor": "受付"}` (`patient_id`, `result_id`, `actor` optional).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Visit {
    /// The day of the visit (資格確認日).
    pub date: NaiveDate,
    /// The EMR's patient id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patient_id: Option<String>,
    /// What was presented.
    pub presentation: Presentation,
    /// Who said so.
    #[serde(default)]
    pub origin: VisitOrigin,
    /// The terminal result of this visit (answer or face file name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_id: Option<String>,
    /// When it was recorded (the caller's clock).
    pub recorded_at: NaiveDateTime,
    /// Who recorded it (the EMR's staff id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
}

impl Visit {
    /// A visit of `patient_id` on `date`, recorded by staff at `recorded_at`.
    pub fn new(
        date: NaiveDate,
        patient_id: impl Into<String>,
        presentation: Presentation,
        recorded_at: NaiveDateTime,
    ) -> Visit {
        Visit {
            date,
            patient_id: Some(patient_id.into()),
            presentation,
            origin: VisitOrigin::Staff,
            result_id: None,
            recorded_at,
            actor: None,
        }
    }

    /// The visit a face-reader result stands for: a マイナ保険証 (the card; say
    /// `smartphone` when staff saw a phone), linked to the face file `result_id`.
    pub fn face_result(
        date: NaiveDate,
        result_id: impl Into<String>,
        patient_id: Option<String>,
        smartphone: bool,
        recorded_at: NaiveDateTime,
    ) -> Visit {
        Visit {
            date,
            patient_id,
            presentation: if smartphone {
                Presentation::MyNumberSmartphone
            } else {
                Presentation::MyNumberCard
            },
            origin: VisitOrigin::FaceResult,
            result_id: Some(result_id.into()),
            recorded_at,
            actor: None,
        }
    }

    /// With the terminal result it confirmed.
    pub fn with_result(mut self, result_id: impl Into<String>) -> Visit {
        self.result_id = Some(result_id.into());
        self
    }

    /// With who recorded it.
    pub fn with_actor(mut self, actor: impl Into<String>) -> Visit {
        self.actor = Some(actor.into());
        self
    }

    /// The key a journal keeps the visit under: the result id when there is one (recording
    /// the same result again replaces the entry, e.g. staff adding the patient id to a face
    /// result), else date, patient and presentation (recording the same visit twice is
    /// idempotent). `None` when the visit has neither a result nor a patient.
    pub fn key(&self) -> Option<String> {
        match (&self.result_id, &self.patient_id) {
            (Some(r), _) if !r.is_empty() => Some(r.clone()),
            (_, Some(p)) if !p.is_empty() => Some(format!(
                "{}_{}_{}",
                self.date.format("%Y%m%d"),
                p,
                self.presentation.id()
            )),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_labels_round_trip_through_serde() {
        for p in Presentation::ALL {
            let json = serde_json::to_string(&p).unwrap();
            assert_eq!(json, format!("\"{}\"", p.id()));
            assert_eq!(serde_json::from_str::<Presentation>(&json).unwrap(), p);
            assert_eq!(Presentation::from_id(p.id()), Some(p));
            assert!(!p.label().is_empty());
        }
        let cats: Vec<_> = Presentation::ALL.iter().map(|p| p.category()).collect();
        assert_eq!(
            cats.iter()
                .filter(|c| **c == UsageCategory::MyNumber)
                .count(),
            2
        );
        assert_eq!(
            Presentation::MyNumberCardWithNotice.category(),
            UsageCategory::CardNumber
        );
    }

    #[test]
    fn months_parse_and_compare() {
        let m = Month::parse("202612").unwrap();
        assert_eq!((m.year(), m.month()), (2026, 12));
        assert!(m.contains(NaiveDate::from_ymd_opt(2026, 12, 31).unwrap()));
        assert!(!m.contains(NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()));
        for bad in [
            "", "20261", "2026120", "202600", "000012", "2026１2", "-20261",
        ] {
            assert!(Month::parse(bad).is_none(), "{bad}");
        }
        assert_eq!(serde_json::to_string(&m).unwrap(), "\"202612\"");
        assert!(serde_json::from_str::<Month>("\"2026-12\"").is_err());
    }

    #[test]
    fn visit_keys() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        let at = day.and_hms_opt(9, 0, 0).unwrap();
        let v = Visit::new(day, "0001", Presentation::Nothing, at);
        assert_eq!(v.key().as_deref(), Some("20261207_0001_none"));
        let f = Visit::face_result(day, "OQSsiquc01res_face_x.xml", None, false, at);
        assert_eq!(f.key().as_deref(), Some("OQSsiquc01res_face_x.xml"));
        assert_eq!(f.presentation, Presentation::MyNumberCard);
        assert_eq!(f.origin, VisitOrigin::FaceResult);
        let none = Visit {
            patient_id: None,
            ..v.clone()
        };
        assert_eq!(none.key(), None);
        let json = serde_json::to_string(&v.clone().with_actor("受付")).unwrap();
        assert!(json.contains("\"presentation\":\"none\""), "{json}");
        assert_eq!(
            serde_json::from_str::<Visit>(&json).unwrap(),
            v.with_actor("受付")
        );
    }
}
