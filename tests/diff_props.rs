//! Properties of diff and history over generated records: `compare(x, x)` is identical; apply
//! then compare is identical; histories never overlap and keep every old version.

use chrono::{NaiveDate, NaiveDateTime};
use onshi::Personal;
use onshi::codes::*;
use onshi::diff::{self, Action, DiffContext, QueryKind, Returned, Verdict};
use onshi::history::*;
use onshi::history::{ApplyOptions, ReviewContext};
use onshi::ids::{BranchNumber, CardNumber, CardSymbol, InsurerNumber, Mode};
use onshi::model::{CardKey, PersonIdentity};
use onshi::model::{ElderlyRecipient, MedicalTicket, Qualification, Ratio};
use proptest::prelude::*;

fn text(pool: &'static [&'static str]) -> impl Strategy<Value = Option<Personal<String>>> {
    prop_oneof![
        3 => proptest::sample::select(pool).prop_map(|s| Some(Personal::new(s.to_string()))),
        1 => "[ぁ-んァ-ンｱ-ﾝ一-龠●　 A-Za-z0-9-]{0,12}".prop_map(|s| Some(Personal::new(s))),
        1 => Just(None),
    ]
}

fn date() -> impl Strategy<Value = Option<NaiveDate>> {
    prop_oneof![
        3 => (2000i32..2026, 1u32..13, 1u32..29)
            .prop_map(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d)),
        1 => Just(None),
    ]
}

fn code<C: Code + Clone + std::fmt::Debug + 'static>() -> impl Strategy<Value = Option<C>> {
    prop_oneof![
        3 => proptest::sample::select(C::known()).prop_map(Some),
        1 => Just(None),
    ]
}

fn parsed<T: Clone + std::fmt::Debug + 'static>(
    pool: &'static [&'static str],
    parse: fn(&str) -> T,
) -> impl Strategy<Value = Option<T>> {
    prop_oneof![
        3 => proptest::sample::select(pool).prop_map(move |s| Some(parse(s))),
        1 => Just(None),
    ]
}

fn ratio() -> impl Strategy<Value = Option<Ratio>> {
    prop_oneof![
        proptest::sample::select(&[10u16, 20, 30][..]).prop_map(Ratio::from_percent),
        Just(None),
    ]
}

const NAMES: &[&str] = &[
    "髙橋　花子",
    "高橋　花子",
    "●橋　花子",
    "渡邊　一郎",
    "渡辺　一郎",
    "見本　太郎",
    "見本 太郎",
];
const KANA: &[&str] = &[
    "タカハシ　ハナコ",
    "ﾀｶﾊｼ ﾊﾅｺ",
    "たかはし　はなこ",
    "ﾐﾎﾝ ﾀﾛｳ",
    "ワタナベ　イチロウ",
];
const ADDRESSES: &[&str] = &[
    "東京都千代田区見本町1-2-3 ABC棟",
    "東京都千代田区見本町１－２－３　ａｂｃ棟",
    "大阪府見本市中央1-1",
    "東京都見本市●野町1-1",
];

/// A generated qualification record: realistic pools with width, kana, variant and ●
/// differences, plus arbitrary text.
fn qualification() -> impl Strategy<Value = Qualification> {
    let identity = (
        text(NAMES),
        text(KANA),
        text(NAMES),
        code::<Sex>(),
        code::<Sex>(),
        date(),
        text(ADDRESSES),
        text(&["100-0001", "１００－０００１", "530-0001"]),
        text(&["REF-1", "REF-2"]),
    );
    let card = (
        code::<InsuredCardClassification>(),
        parsed(&["06139992", "138057", "39131154", "12130012"], |s| {
            InsurerNumber::parse(s, Mode::Lenient).unwrap()
        }),
        parsed(&["見本12", "１２－３", "12-3"], |s| {
            CardSymbol::parse(s, Mode::Lenient).unwrap()
        }),
        parsed(&["3456", "100", "1234566"], |s| {
            CardNumber::parse(s, Mode::Lenient).unwrap()
        }),
        parsed(&["01", "02"], |s| {
            BranchNumber::parse(s, Mode::Lenient).unwrap()
        }),
        code::<PersonalFamilyClassification>(),
        ratio(),
        code::<PreschoolClassification>(),
    );
    let details = (
        date(),
        date(),
        date(),
        date(),
        prop_oneof![
            ratio().prop_map(|r| Some(ElderlyRecipient {
                contribution_ratio: r,
                ..Default::default()
            })),
            Just(None)
        ],
        prop_oneof![
            Just(vec![]),
            proptest::sample::select(&["0001", "0002"][..]).prop_map(|n| vec![MedicalTicket {
                issue_number: Some(n.into()),
                ..Default::default()
            }]),
        ],
        proptest::option::of(proptest::sample::select(&["見本健保", "見本健保組合"][..])),
    );
    (identity, card, details).prop_map(|(i, c, d)| Qualification {
        card: CardKey {
            insurer_number: c.1,
            insured_card_symbol: c.2,
            insured_identification_number: c.3,
            insured_branch_number: c.4,
        },
        person: PersonIdentity {
            name: i.0,
            name_kana: i.1,
            name_of_other: i.2,
            sex1: i.3,
            sex2: i.4,
            birthdate: i.5.map(Personal::new),
            address: i.6,
            post_number: i.7,
            ..Default::default()
        },
        reference_number: i.8,
        insured_card_classification: c.0,
        personal_family_classification: c.5,
        insured_partial_contribution_ratio: c.6,
        preschool_classification: c.7,
        qualification_date: d.0,
        insured_certificate_issuance_date: d.1,
        insured_card_valid_date: d.2,
        insured_card_expiration_date: d.3,
        elderly_recipient: d.4,
        medical_tickets: d.5,
        insurer_name: d.6.map(str::to_string),
        ..Default::default()
    })
}

fn ctx(date: NaiveDate) -> DiffContext {
    DiffContext::new(date, QueryKind::MyNumberCard)
}

fn stamp(at: NaiveDateTime) -> Stamp {
    Stamp::new("prop", at)
}

fn start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2000, 1, 1).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn compare_with_itself_is_identical(q in qualification()) {
        let d = diff::compare_records(&q, &q, &ctx(NaiveDate::from_ymd_opt(2025, 4, 1).unwrap()));
        prop_assert_eq!(d.verdict, Verdict::Identical);
        prop_assert!(d.fields.iter().all(|f| f.class == diff::Class::Same));
    }

    #[test]
    fn apply_then_compare_is_identical(reg in qualification(), ret in qualification(), first_of_month in any::<bool>()) {
        let date = NaiveDate::from_ymd_opt(2026, 6, 15).unwrap();
        let at = date.and_hms_opt(10, 0, 0).unwrap();
        let mut h = QualificationHistory::new(reg.clone(), start(), Source::manual(at), &stamp(at));
        let policy = if first_of_month { StartDatePolicy::FirstOfMonth } else { StartDatePolicy::ConfirmationDate };
        let review = h.review(Returned::record(&ret), &ReviewContext::new("r1", date, QueryKind::Records)).unwrap();
        h.apply(&review, &Choices::recommended().identity_verified(), &ApplyOptions::new(policy, stamp(at))).unwrap();
        let after = diff::compare_records(&h.current().unwrap().qualification, &ret, &ctx(date));
        // Only a returned value holding ● may remain unapplied (it never replaces a registered one).
        for f in &after.fields {
            if !matches!(f.action, Action::Ignore | Action::KeepRegistered) {
                let shown = f.field.display(&ret).unwrap_or_default();
                prop_assert!(onshi::text::has_substitute(&shown), "{} left as {:?}", f.field, f.action);
            }
        }
        if !after.fields.iter().any(|f| f.field.display(&ret).is_some_and(|v| onshi::text::has_substitute(&v))) {
            prop_assert_eq!(after.verdict, Verdict::Identical);
        }
        h.validate().unwrap();
    }

    #[test]
    fn history_never_overlaps_and_keeps_every_old_version(
        first in qualification(),
        results in proptest::collection::vec((qualification(), 0u32..400, any::<bool>()), 1..6),
    ) {
        let mut date = NaiveDate::from_ymd_opt(2020, 1, 10).unwrap();
        let at = |d: NaiveDate| d.and_hms_opt(9, 0, 0).unwrap();
        let mut h = QualificationHistory::new(first, start(), Source::manual(at(start())), &stamp(at(start())));
        for (i, (ret, gap, first_of_month)) in results.into_iter().enumerate() {
            date = date + chrono::Days::new(u64::from(gap));
            let before = h.clone();
            let policy = if first_of_month { StartDatePolicy::FirstOfMonth } else { StartDatePolicy::ConfirmationDate };
            let how = ApplyOptions::new(policy, stamp(at(date)));
            let review = h.review(Returned::record(&ret), &ReviewContext::new(format!("r{i}"), date, QueryKind::Records)).unwrap();
            let events = h.apply(&review, &Choices::recommended().identity_verified(), &how).unwrap();
            prop_assert!(h.validate().is_ok());
            prop_assert!(h.versions.len() >= before.versions.len());
            let n = before.versions.len();
            // Every closed version is untouched.
            prop_assert_eq!(&h.versions[..n - 1], &before.versions[..n - 1]);
            if h.versions.len() > n {
                // The replaced version keeps its data; only its end and state change.
                prop_assert_eq!(&h.versions[n - 1].qualification, &before.versions[n - 1].qualification);
                prop_assert_eq!(h.versions[n - 1].state, VersionState::Superseded);
            }
            prop_assert_eq!(h.audit.len(), before.audit.len() + events.len());
            prop_assert_eq!(&h.audit[..before.audit.len()], &before.audit[..]);
            // The same result again changes nothing.
            let again = h.clone();
            let review2 = h.review(Returned::record(&ret), &ReviewContext::new(format!("r{i}"), date, QueryKind::Records)).unwrap();
            let none = h.apply(&review2, &Choices::recommended().identity_verified(), &how).unwrap();
            prop_assert!(none.is_empty());
            prop_assert_eq!(&h, &again);
        }
    }

    #[test]
    fn compare_never_panics_on_any_answer(reg in qualification(), ret in qualification(),
        validity in proptest::option::of(proptest::sample::select(QualificationValidity::known())),
        error in any::<bool>()) {
        let records = [ret];
        let status = if error { ProcessingResultStatus::Error } else { ProcessingResultStatus::Normal };
        let answer = diff::Returned {
            status: Some(&status),
            validity: validity.as_ref(),
            records: &records,
            ..diff::Returned::default()
        };
        let d = diff::compare(&reg, &answer, &ctx(NaiveDate::from_ymd_opt(2025, 4, 1).unwrap()));
        let not_valid = error || matches!(validity, Some(ref v) if !matches!(v,
            QualificationValidity::Valid | QualificationValidity::ValidUnregistered));
        prop_assert_eq!(d.verdict == Verdict::NotConfirmed, not_valid);
        let back: diff::Diff = serde_json::from_str(&d.to_json()).unwrap();
        prop_assert_eq!(back, d);
    }
}
