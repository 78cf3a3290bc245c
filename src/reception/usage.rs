//! The monthly マイナ保険証 利用率 report.
//!
//! From the 2026-06 fee revision (R8), 電子的診療情報連携体制整備加算 1/2/3 replaces
//! 医療DX推進体制整備加算 and 医療情報取得加算, and one of its criteria is a **マイナ保険証 利用率 of
//! 30 % or more**, counted on レセプト件数 (oqs-2026 §6.3, from
//! <https://www.wic-net.com/material/document/23626/33> and
//! <https://seishinkayoumuin.com/information-system08>). [`UsageReport::build`] counts a
//! month of [`Visit`]s so a clinic can follow that figure while the month runs.
//!
//! # Counting basis: per patient-month
//!
//! * **Denominator** — one *patient-month* per patient seen in the month, whatever the number
//!   of visits: the clinic's stand-in for the レセプト件数 (one レセプト per patient and month).
//! * **Numerator** — the patient-months in which the patient presented a マイナ保険証 (the
//!   card or a smartphone: 照会区分 1) at least once.
//! * **利用率** = numerator / denominator, in basis points (4726 = 47.26 %); the line is met
//!   when numerator × 100 ≥ 30 × denominator.
//! * マイナ保険証 + 資格情報のお知らせ is a 記号・番号 query (the reader could not use the card)
//!   and does not count as a マイナ保険証 use; nor do a 資格確認書, another document, a
//!   申立書 or nothing shown.
//! * Each patient-month is listed under the first presentation of the month in
//!   [`Presentation::ALL`] order the patient used (a patient who came once with the 資格確認書
//!   and once with the card counts under the card). Visits are listed as they came.
//! * A visit without a patient id counts as a patient of its own
//!   ([`UsageReport::unattributed_visits`] says how many): record the EMR's patient id with
//!   each visit for an exact count.
//!
//! The official figure is computed by the national side from the claims and its exact
//! formula was not found published (oqs-2026 §6.3, \[U\]): this report is the clinic's own
//! count to watch the trend; the notified figure is the one that counts for the claim.

use super::{Month, Presentation, UsageCategory, Visit};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The 利用率 line of the 2026-06 加算, in percent.
pub const TARGET_PERCENT: u32 = 30;

/// The counting basis of [`UsageReport`] (see the module documentation).
pub const BASIS: &str = "patient_month";

/// The counting basis in Japanese, as reports print it.
pub const BASIS_JA: &str = "患者・月単位（同じ月に複数回来院した患者は1人として数え、その月に一度でもマイナ保険証（カード・スマートフォン）で資格確認した患者をマイナ保険証利用として数えます。分母はレセプト件数の目安です）";

/// One presentation's line of the report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageRow {
    /// The presentation.
    pub presentation: Presentation,
    /// [`Presentation::label`].
    pub label: String,
    /// How it counts.
    pub category: UsageCategory,
    /// Visits (confirmations) with this presentation in the month.
    pub visits: u32,
    /// Patient-months counted under this presentation.
    pub patients: u32,
}

/// A month's report (see the module documentation).
///
/// JSON: `{"month": "202612", "basis": "patient_month", "basis_ja": "…", "rows": [{
/// "presentation": "my_number_card", "label": "…", "category": "my_number", "visits": 3,
/// "patients": 2}, …], "visits": 9, "patients": 7, "my_number_patients": 3,
/// "card_number_patients": 3, "no_confirmation_patients": 1, "unattributed_visits": 0,
/// "rate_basis_points": 4286, "rate_percent": 42.86, "target_percent": 30,
/// "meets_target": true}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UsageReport {
    /// The month.
    pub month: Month,
    /// [`BASIS`].
    pub basis: String,
    /// [`BASIS_JA`].
    pub basis_ja: String,
    /// One line per presentation, in [`Presentation::ALL`] order (all seven, zeros included).
    pub rows: Vec<UsageRow>,
    /// Visits in the month.
    pub visits: u32,
    /// Patient-months (the denominator).
    pub patients: u32,
    /// Patient-months with a マイナ保険証 use (the numerator).
    pub my_number_patients: u32,
    /// Patient-months confirmed by 記号・番号 only.
    pub card_number_patients: u32,
    /// Patient-months without any confirmation (申立書, nothing shown).
    pub no_confirmation_patients: u32,
    /// Visits without a patient id (each counted as a patient of its own).
    pub unattributed_visits: u32,
    /// The 利用率 in basis points (`None` when nobody came).
    pub rate_basis_points: Option<u32>,
    /// The 利用率 in percent, two decimals (`None` when nobody came).
    pub rate_percent: Option<f64>,
    /// [`TARGET_PERCENT`].
    pub target_percent: u32,
    /// `true` when the 利用率 is at least [`TARGET_PERCENT`].
    pub meets_target: bool,
}

impl UsageReport {
    /// Counts the visits of `month` (visits of other months are ignored). Pure.
    pub fn build(visits: &[Visit], month: Month) -> UsageReport {
        let mut by_visit: BTreeMap<Presentation, u32> = BTreeMap::new();
        // Each patient's presentations this month; unattributed visits are their own patient.
        let mut patients: BTreeMap<(bool, String), BTreeSet<Presentation>> = BTreeMap::new();
        let mut total = 0u32;
        let mut unattributed = 0u32;
        for (i, v) in visits.iter().enumerate() {
            if !month.contains(v.date) {
                continue;
            }
            total = total.saturating_add(1);
            *by_visit.entry(v.presentation).or_default() += 1;
            let key = match v.patient_id.as_deref() {
                Some(p) if !p.is_empty() => (true, p.to_string()),
                _ => {
                    unattributed = unattributed.saturating_add(1);
                    (false, i.to_string())
                }
            };
            patients.entry(key).or_default().insert(v.presentation);
        }
        let mut by_patient: BTreeMap<Presentation, u32> = BTreeMap::new();
        for shown in patients.values() {
            // BTreeSet iterates in `Ord` order, which is declaration order, not the report's
            // order: pick by Presentation::ALL.
            if let Some(first) = Presentation::ALL.into_iter().find(|p| shown.contains(p)) {
                *by_patient.entry(first).or_default() += 1;
            }
        }
        let rows: Vec<UsageRow> = Presentation::ALL
            .into_iter()
            .map(|p| UsageRow {
                presentation: p,
                label: p.label().to_string(),
                category: p.category(),
                visits: by_visit.get(&p).copied().unwrap_or(0),
                patients: by_patient.get(&p).copied().unwrap_or(0),
            })
            .collect();
        let in_category = |c: UsageCategory| -> u32 {
            rows.iter()
                .filter(|r| r.category == c)
                .map(|r| r.patients)
                .sum()
        };
        let my_number = in_category(UsageCategory::MyNumber);
        let n = u32::try_from(patients.len()).unwrap_or(u32::MAX);
        let rate = (n > 0).then(|| {
            // Rounded half up, in u64 so that no count overflows.
            ((u64::from(my_number) * 10_000 * 2 + u64::from(n)) / (2 * u64::from(n))) as u32
        });
        UsageReport {
            month,
            basis: BASIS.to_string(),
            basis_ja: BASIS_JA.to_string(),
            visits: total,
            patients: n,
            my_number_patients: my_number,
            card_number_patients: in_category(UsageCategory::CardNumber),
            no_confirmation_patients: in_category(UsageCategory::NoConfirmation),
            unattributed_visits: unattributed,
            rate_basis_points: rate,
            rate_percent: rate.map(|r| f64::from(r) / 100.0),
            target_percent: TARGET_PERCENT,
            meets_target: n > 0
                && u64::from(my_number) * 100 >= u64::from(TARGET_PERCENT) * u64::from(n),
            rows,
        }
    }

    /// The row of a presentation.
    pub fn row(&self, p: Presentation) -> Option<&UsageRow> {
        self.rows.iter().find(|r| r.presentation == p)
    }

    /// The 利用率 as text: `42.86%`, or `—` when nobody came.
    pub fn rate_text(&self) -> String {
        match self.rate_basis_points {
            Some(r) => format!("{}.{:02}%", r / 100, r % 100),
            None => "—".to_string(),
        }
    }

    /// The report as JSON (the shape above).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The report as CSV, UTF-8 with a BOM (Excel on a Japanese Windows opens it as is), CRLF
    /// line ends. Header `month,presentation,label,category,visits,patients,rate_percent,
    /// target_percent,meets_target`; one row per presentation, then `total` (all visits and
    /// patient-months) and `my_number` (the 利用率 line: rate, target, met or not).
    pub fn to_csv(&self) -> String {
        let mut out = String::from("\u{FEFF}");
        out.push_str(
            "month,presentation,label,category,visits,patients,rate_percent,target_percent,meets_target\r\n",
        );
        let m = self.month.to_string();
        for r in &self.rows {
            out.push_str(&format!(
                "{m},{},{},{},{},{},,,\r\n",
                r.presentation.id(),
                csv_field(&r.label),
                category_id(r.category),
                r.visits,
                r.patients
            ));
        }
        out.push_str(&format!(
            "{m},total,{},,{},{},,,\r\n",
            csv_field("合計"),
            self.visits,
            self.patients
        ));
        let rate = self
            .rate_basis_points
            .map(|r| format!("{}.{:02}", r / 100, r % 100))
            .unwrap_or_default();
        out.push_str(&format!(
            "{m},my_number,{},my_number,{},{},{rate},{},{}\r\n",
            csv_field("マイナ保険証利用率"),
            self.rows
                .iter()
                .filter(|r| r.category == UsageCategory::MyNumber)
                .map(|r| r.visits)
                .sum::<u32>(),
            self.my_number_patients,
            self.target_percent,
            self.meets_target
        ));
        out
    }

    /// The report for staff, in Japanese (what `onshi report usage` prints).
    pub fn to_text_ja(&self) -> String {
        let mut out = format!(
            "{}年{}月のマイナ保険証利用率: {}（患者 {} 人中 {} 人）\n",
            self.month.year(),
            self.month.month(),
            self.rate_text(),
            self.patients,
            self.my_number_patients
        );
        out.push_str(&if self.patients == 0 {
            "この月の受付記録はありません。\n".to_string()
        } else if self.meets_target {
            format!("{}% の基準を満たしています。\n", self.target_percent)
        } else {
            format!("{}% の基準に達していません。\n", self.target_percent)
        });
        out.push_str(&format!("数え方: {}\n\n", self.basis_ja));
        out.push_str("提示書類 | 区分 | 受付件数 | 患者数\n");
        for r in &self.rows {
            out.push_str(&format!(
                "{} | {} | {} | {}\n",
                r.label,
                r.category.label(),
                r.visits,
                r.patients
            ));
        }
        out.push_str(&format!("合計 | | {} | {}\n", self.visits, self.patients));
        if self.unattributed_visits > 0 {
            out.push_str(&format!(
                "\n※ 患者IDのない受付記録が {} 件あり、それぞれ1人として数えています。\n",
                self.unattributed_visits
            ));
        }
        out
    }
}

fn category_id(c: UsageCategory) -> &'static str {
    match c {
        UsageCategory::MyNumber => "my_number",
        UsageCategory::CardNumber => "card_number",
        UsageCategory::NoConfirmation => "no_confirmation",
    }
}

/// A CSV field, quoted when it needs to be.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap()
    }

    fn v(m: u32, d: u32, patient: &str, p: Presentation) -> Visit {
        Visit::new(
            day(m, d),
            patient,
            p,
            day(m, d).and_hms_opt(9, 0, 0).unwrap(),
        )
    }

    #[test]
    fn counts_per_patient_month_with_the_best_presentation_of_the_month() {
        use Presentation::*;
        let visits = vec![
            // A: certificate first, then the card: counts as a マイナ patient once.
            v(12, 1, "A", QualificationCertificate),
            v(12, 15, "A", MyNumberCard),
            // B: twice with a smartphone.
            v(12, 2, "B", MyNumberSmartphone),
            v(12, 20, "B", MyNumberSmartphone),
            // C: card + お知らせ: a 記号・番号 query, not a マイナ use.
            v(12, 3, "C", MyNumberCardWithNotice),
            // D: お知らせ alone; E: 申立書; F: nothing.
            v(12, 4, "D", OtherDocument),
            v(12, 5, "E", Declaration),
            v(12, 6, "F", Nothing),
            // G: another month.
            v(11, 30, "G", MyNumberCard),
            // H: 資格確認書 only.
            v(12, 7, "H", QualificationCertificate),
        ];
        let r = UsageReport::build(&visits, Month::new(2026, 12).unwrap());
        assert_eq!(r.visits, 9);
        assert_eq!(r.patients, 7);
        assert_eq!(r.my_number_patients, 2);
        assert_eq!(r.card_number_patients, 3);
        assert_eq!(r.no_confirmation_patients, 2);
        assert_eq!(r.row(MyNumberCard).unwrap().visits, 1);
        assert_eq!(r.row(MyNumberCard).unwrap().patients, 1);
        assert_eq!(r.row(MyNumberSmartphone).unwrap().visits, 2);
        assert_eq!(r.row(MyNumberSmartphone).unwrap().patients, 1);
        assert_eq!(r.row(QualificationCertificate).unwrap().visits, 2);
        assert_eq!(r.row(QualificationCertificate).unwrap().patients, 1);
        // 2 / 7 = 28.57 %: below the line.
        assert_eq!(r.rate_basis_points, Some(2857));
        assert_eq!(r.rate_text(), "28.57%");
        assert!(!r.meets_target);
        assert_eq!(r.rows.len(), 7);
        assert_eq!(r.rows.iter().map(|r| r.patients).sum::<u32>(), r.patients);
    }

    #[test]
    fn the_line_is_exactly_thirty_percent() {
        let mut visits = Vec::new();
        for i in 0..10 {
            let p = if i < 3 {
                Presentation::MyNumberCard
            } else {
                Presentation::QualificationCertificate
            };
            visits.push(v(12, 1, &format!("P{i}"), p));
        }
        let r = UsageReport::build(&visits, Month::new(2026, 12).unwrap());
        assert_eq!(r.rate_basis_points, Some(3000));
        assert!(r.meets_target, "30 % meets the line");
        visits[2].presentation = Presentation::OtherDocument;
        let r = UsageReport::build(&visits, Month::new(2026, 12).unwrap());
        assert!(!r.meets_target);
    }

    #[test]
    fn empty_month_and_unattributed_visits() {
        let r = UsageReport::build(&[], Month::new(2026, 12).unwrap());
        assert_eq!(
            (r.patients, r.rate_basis_points, r.meets_target),
            (0, None, false)
        );
        assert_eq!(r.rate_text(), "—");
        assert!(r.to_text_ja().contains("受付記録はありません"));
        let mut a = v(12, 1, "x", Presentation::MyNumberCard);
        a.patient_id = None;
        let mut b = a.clone();
        b.patient_id = Some(String::new());
        let r = UsageReport::build(&[a, b], Month::new(2026, 12).unwrap());
        assert_eq!((r.patients, r.unattributed_visits), (2, 2));
        assert!(r.to_text_ja().contains("患者IDのない受付記録が 2 件"));
    }

    #[test]
    fn rounding_is_half_up() {
        // 1 / 3 = 33.333… → 3333; 2 / 3 = 66.666… → 6667.
        let mk = |n: usize| {
            (0..3)
                .map(|i| {
                    let p = if i < n {
                        Presentation::MyNumberCard
                    } else {
                        Presentation::Nothing
                    };
                    v(12, 1, &i.to_string(), p)
                })
                .collect::<Vec<_>>()
        };
        let m = Month::new(2026, 12).unwrap();
        assert_eq!(UsageReport::build(&mk(1), m).rate_basis_points, Some(3333));
        assert_eq!(UsageReport::build(&mk(2), m).rate_basis_points, Some(6667));
    }

    #[test]
    fn csv_and_json_shapes() {
        let visits = vec![
            v(12, 1, "A", Presentation::MyNumberCard),
            v(12, 1, "B", Presentation::QualificationCertificate),
        ];
        let r = UsageReport::build(&visits, Month::new(2026, 12).unwrap());
        let csv = r.to_csv();
        assert!(csv.starts_with('\u{FEFF}'));
        let lines: Vec<&str> = csv.trim_start_matches('\u{FEFF}').split("\r\n").collect();
        assert_eq!(lines.len(), 1 + 7 + 2 + 1, "{csv}");
        assert_eq!(
            lines[1],
            "202612,my_number_card,マイナ保険証（カード）,my_number,1,1,,,"
        );
        assert_eq!(
            lines[9],
            "202612,my_number,マイナ保険証利用率,my_number,1,1,50.00,30,true"
        );
        assert_eq!(lines[10], "");
        let cols = lines[0].split(',').count();
        assert!(lines[..10].iter().all(|l| l.split(',').count() == cols));
        let json: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
        assert_eq!(json["month"], "202612");
        assert_eq!(json["basis"], "patient_month");
        assert_eq!(json["rate_percent"], 50.0);
        assert_eq!(json["meets_target"], true);
        let back: UsageReport = serde_json::from_str(&r.to_json()).unwrap();
        assert_eq!(back, r);
        assert_eq!(csv_field("a,\"b\""), "\"a,\"\"b\"\"\"");
    }
}
