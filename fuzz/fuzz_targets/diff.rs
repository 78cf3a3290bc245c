//! Fuzz target: `diff::compare`, `history::apply`, `unlink`, `expire` and the JSON forms on
//! arbitrary records and answers must never panic, and a history must keep its invariants.
#![no_main]

use arbitrary::Arbitrary;
use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use onshi::codes::*;
use onshi::diff::{self, QueryKind, Returned};
use onshi::history::*;
use onshi::ids::{BranchNumber, CardNumber, CardSymbol, InsurerNumber, Mode};
use onshi::model::{CardKey, Field, PersonIdentity};
use onshi::model::{ElderlyRecipient, MedicalTicket, Qualification, Ratio};

#[derive(Arbitrary, Debug)]
struct Rec {
    name: Option<String>,
    kana: Option<String>,
    other: Option<String>,
    address: Option<String>,
    post: Option<String>,
    reference: Option<String>,
    insurer_name: Option<String>,
    sex1: Option<u8>,
    sex2: Option<u8>,
    class: Option<u8>,
    family: Option<u8>,
    preschool: Option<u8>,
    birth: Option<i32>,
    insurer: Option<String>,
    symbol: Option<String>,
    number: Option<String>,
    branch: Option<String>,
    ratio: Option<u16>,
    elderly: Option<Option<u16>>,
    dates: [Option<i32>; 4],
    tickets: Vec<Option<String>>,
}

fn date(d: Option<i32>) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(d?)
}

fn code<C: Code>(n: Option<u8>) -> Option<C> {
    n.map(|n| C::from_wire(&format!("{n:02}").trim_start_matches('0').to_string()))
}

impl Rec {
    fn build(self) -> Qualification {
        Qualification {
            card: CardKey {
                insurer_number: self
                    .insurer
                    .and_then(|s| InsurerNumber::parse(&s, Mode::Lenient).ok()),
                insured_card_symbol: self
                    .symbol
                    .and_then(|s| CardSymbol::parse(&s, Mode::Lenient).ok()),
                insured_identification_number: self
                    .number
                    .and_then(|s| CardNumber::parse(&s, Mode::Lenient).ok()),
                insured_branch_number: self
                    .branch
                    .and_then(|s| BranchNumber::parse(&s, Mode::Lenient).ok()),
            },
            person: PersonIdentity {
                name: self.name.map(Into::into),
                name_kana: self.kana.map(Into::into),
                name_of_other: self.other.map(Into::into),
                address: self.address.map(Into::into),
                post_number: self.post.map(Into::into),
                sex1: code(self.sex1),
                sex2: code(self.sex2),
                birthdate: date(self.birth).map(Into::into),
                ..Default::default()
            },
            reference_number: self.reference.map(Into::into),
            insurer_name: self.insurer_name,
            insured_card_classification: self
                .class
                .map(|n| InsuredCardClassification::from_wire(&format!("{n:02}"))),
            personal_family_classification: code(self.family),
            preschool_classification: code(self.preschool),
            insured_partial_contribution_ratio: self.ratio.and_then(Ratio::from_percent),
            elderly_recipient: self.elderly.map(|r| ElderlyRecipient {
                contribution_ratio: r.and_then(Ratio::from_percent),
                ..Default::default()
            }),
            qualification_date: date(self.dates[0]),
            insured_certificate_issuance_date: date(self.dates[1]),
            insured_card_valid_date: date(self.dates[2]),
            insured_card_expiration_date: date(self.dates[3]),
            medical_tickets: self
                .tickets
                .into_iter()
                .take(4)
                .map(|issue_number| MedicalTicket {
                    issue_number,
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        }
    }
}

#[derive(Arbitrary, Debug)]
struct Input {
    registered: Rec,
    returned: Vec<Rec>,
    validity: Option<u8>,
    error: bool,
    result_code: Option<String>,
    confirmation: i32,
    start: i32,
    first_of_month: bool,
    verified: bool,
    explicit_start: Option<i32>,
    choices: Vec<(u8, bool)>,
    expire_on: Option<i32>,
    json: Option<String>,
}

fuzz_target!(|input: Input| {
    let registered = input.registered.build();
    let returned: Vec<Qualification> = input.returned.into_iter().take(3).map(Rec::build).collect();
    let Some(confirmation) = date(Some(input.confirmation)) else {
        return;
    };
    let Some(start) = date(Some(input.start)) else {
        return;
    };
    let validity = input
        .validity
        .map(|n| QualificationValidity::from_wire(&n.to_string()));
    let status = if input.error {
        ProcessingResultStatus::Error
    } else {
        ProcessingResultStatus::Normal
    };
    let answer = Returned {
        status: Some(&status),
        result_code: input.result_code.as_deref(),
        result_message: None,
        validity: validity.as_ref(),
        records: &returned,
    };
    // The context a review judges in: a マイナ保険証 query implies the card was presented, so
    // compare in the same resolved context (a crash of the fuzz smoke, 2026-12-07).
    let review_ctx = ReviewContext::new("fuzz-1", confirmation, QueryKind::MyNumberCard);
    let ctx = review_ctx.diff_context();
    let d = diff::compare(&registered, &answer, &ctx);
    let json = d.to_json();
    let back: diff::Diff = serde_json::from_str(&json).expect("a diff's JSON reads back");
    assert_eq!(back, d);

    let at = confirmation.and_hms_opt(9, 0, 0).unwrap_or_default();
    let stamp = Stamp::new("fuzz", at);
    let mut h = QualificationHistory::new(registered, start, Source::manual(at), &stamp);
    let mut choices = Choices {
        identity_verified: input.verified,
        start_date: date(input.explicit_start),
        ..Choices::default()
    };
    for (f, reflect) in input.choices.into_iter().take(8) {
        let field = Field::ALL[usize::from(f) % Field::ALL.len()];
        choices = if reflect {
            choices.reflect(field)
        } else {
            choices.keep(field)
        };
    }
    let policy = if input.first_of_month {
        StartDatePolicy::FirstOfMonth
    } else {
        StartDatePolicy::ConfirmationDate
    };
    let review = h
        .review(answer, &review_ctx)
        .expect("a history with a version reviews");
    assert_eq!(review.diff, d, "a review judges as diff::compare");
    if d.record_index.is_some() {
        let before = h.versions.len();
        let how = ApplyOptions::new(policy, stamp.clone());
        if h.apply(&review, &choices, &how).is_ok() {
            assert!(h.validate().is_ok(), "apply broke the history");
            assert!(h.versions.len() >= before);
            let snapshot = h.clone();
            let again_review = h.review(answer, &review_ctx).expect("reviews");
            let again = h.apply(&again_review, &choices, &how);
            assert_eq!(
                again,
                Ok(Vec::new()),
                "a result applied twice changes nothing"
            );
            assert_eq!(h, snapshot);
        }
    }
    if let Some(last) = date(input.expire_on) {
        let _ = h.expire(1, last, &stamp);
        assert!(h.validate().is_ok(), "expire broke the history");
    }
    let _ = h.unlink(1, &stamp);
    let _ = QualificationHistory::from_json(&h.to_json());
    if let Some(json) = input.json {
        if let Ok(q) = Qualification::from_json(&json) {
            let d = diff::compare_records(&q, &q, &ctx);
            assert_eq!(d.verdict, diff::Verdict::Identical);
        }
    }
});
