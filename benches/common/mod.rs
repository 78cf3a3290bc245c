//! What the benches share: the answers they parse (the same generator for every bench, so
//! "the 10,000-unit bulk answer" is one file), the floor, and timing in turns.

#![allow(dead_code)] // each bench uses part of it

use chrono::{NaiveDate, NaiveDateTime};
use onshi::Personal;
use onshi::codes::*;
use onshi::ids::{
    BranchNumber, CardNumber, CardSymbol, InsurerNumber, MedicalInstitutionCode, Mode,
};
use onshi::model::*;
use onshi::model::{CardKey, ConfirmationResult, PersonIdentity, ProcessingOutcome};
use onshi::xml::{self, Message};
use std::hint::black_box;
use std::time::{Duration, Instant};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn t(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y%m%d%H%M%S").unwrap()
}

fn qualification(i: usize) -> Qualification {
    let consent = Consent {
        flag: Some(ConsentFlag::Agreed),
        time: Some(t("20250401093000")),
        available_time: Some(t("20250402093000")),
    };
    Qualification {
        card: CardKey {
            insurer_number: Some(InsurerNumber::parse("138057", Mode::Strict).unwrap()),
            insured_card_symbol: Some(CardSymbol::parse("見本12", Mode::Strict).unwrap()),
            insured_identification_number: Some(
                CardNumber::parse(&format!("{}", 100000 + i), Mode::Strict).unwrap(),
            ),
            insured_branch_number: Some(BranchNumber::parse("01", Mode::Strict).unwrap()),
        },
        person: PersonIdentity {
            name: Some(format!("見本　花子{}", i % 10).into()),
            name_kana: Some("ﾐﾎﾝ ﾊﾅｺ".into()),
            sex1: Some(Sex::Female),
            birthdate: Some(Personal::new(d(
                1980,
                1 + (i % 12) as u32,
                1 + (i % 28) as u32,
            ))),
            address: Some("東京都千代田区見本町１－２－３".into()),
            post_number: Some("100-0001".into()),
            ..Default::default()
        },
        insured_card_classification: Some(InsuredCardClassification::General),
        personal_family_classification: Some(PersonalFamilyClassification::Insured),
        insured_name: Some("見本　太郎".into()),
        qualification_date: Some(d(2020, 4, 1)),
        insured_certificate_issuance_date: Some(d(2024, 4, 1)),
        insured_card_valid_date: Some(d(2024, 4, 1)),
        insurer_name: Some("見本健康保険組合".into()),
        limit_consent_flag: Some(LimitConsentFlag::Agreed),
        limit_consent_time: Some(t("20250401093000")),
        consents: Consents {
            specific_health_checkups: consent.clone(),
            pharmacists: consent.clone(),
            diagnosis: consent.clone(),
            operation: consent,
            ..Consents::default()
        },
        ..Qualification::default()
    }
}

fn unit(i: usize) -> ConfirmationResult {
    let r = qualification(i);
    ConfirmationResult {
        outcome: ProcessingOutcome {
            status: Some(ProcessingResultStatus::Normal),
            ..Default::default()
        },
        query_echo: Some(QualificationQuery {
            card: CardKey {
                insurer_number: r.card.insurer_number.clone(),
                insured_card_symbol: r.card.insured_card_symbol.clone(),
                insured_identification_number: r.card.insured_identification_number.clone(),
                insured_branch_number: r.card.insured_branch_number.clone(),
            },
            birthdate: r.person.birthdate.clone(),
            limit_consent_flag: Some(LimitConsentFlag::Agreed),
            arbitrary_identifier: Some(format!("PT-{i:06}")),
            ..QualificationQuery::default()
        }),
        qualification_validity: Some(QualificationValidity::Valid),
        results: vec![r],
        ..ConfirmationResult::default()
    }
}

fn header() -> MessageHeader {
    MessageHeader {
        process_execution_time: Some(t("20250401093000")),
        qualification_confirmation_date: Some(d(2025, 4, 1)),
        medical_institution_code: Some(
            MedicalInstitutionCode::parse("1310000003", Mode::Strict).unwrap(),
        ),
        arbitrary_file_identifier: Some("bench".into()),
        segment_of_result: Some(SegmentOfResult::Normal),
        character_code_identifier: Some(CharacterCodeIdentifier::Utf8),
        ..MessageHeader::default()
    }
}

pub fn single(face: bool) -> Message {
    let mut body = unit(0);
    if face {
        body.query_echo = None;
        body.prescription_issue_select = Some(PrescriptionIssueSelect::Electronic);
    }
    Message::QualificationResponse(xml::QualificationResponse {
        header: MessageHeader {
            reference_classification: Some(if face {
                ReferenceClassification::MyNumberCard
            } else {
                ReferenceClassification::InsuranceCard
            }),
            ..header()
        },
        body,
        extra_root: vec![],
    })
}

pub fn bulk(n: usize) -> Message {
    Message::BulkQualificationResponse(xml::BulkQualificationResponse {
        header: MessageHeader {
            reception_number: Some("Q202504010001".into()),
            number_of_processing_result: Some(n as u32),
            number_of_normal_processing: Some(n as u32),
            number_of_error: Some(0),
            ..header()
        },
        units: (0..n).map(unit).collect(),
        extra_body: vec![],
        extra_root: vec![],
    })
}

/// quick-xml's raw event loop: the floor.
pub fn floor(bytes: &[u8]) -> usize {
    let mut r = quick_xml::Reader::from_reader(bytes);
    let mut buf = Vec::with_capacity(256);
    let mut n = 0;
    loop {
        match r.read_event_into(&mut buf) {
            Ok(quick_xml::events::Event::Eof) | Err(_) => return n,
            Ok(_) => n += 1,
        }
        buf.clear();
    }
}

/// Times `fs` in turns (one call of each per round, so a busy machine slows them alike)
/// for about `budget`; returns the median time of each. What a function returns is dropped
/// after the clock stops (as criterion's `iter_with_large_drop`): a parse is timed, not the
/// freeing of its result.
pub fn time_together(
    budget: Duration,
    fs: &mut [&mut dyn FnMut() -> Box<dyn std::any::Any>],
) -> Vec<Duration> {
    let mut samples = vec![Vec::new(); fs.len()];
    for f in fs.iter_mut() {
        drop(f());
    }
    let start = Instant::now();
    while start.elapsed() < budget || samples[0].len() < 7 {
        for (f, s) in fs.iter_mut().zip(&mut samples) {
            let t = Instant::now();
            let out = f();
            s.push(t.elapsed());
            drop(black_box(out));
        }
    }
    samples
        .into_iter()
        .map(|mut s| {
            s.sort();
            s[s.len() / 2]
        })
        .collect()
}

/// The time budget of a report: about a second per row with `--quick`, three otherwise.
pub fn budget() -> Duration {
    Duration::from_millis(if std::env::args().any(|a| a == "--quick") {
        1000
    } else {
        3000
    })
}
