//! Finding the patient for a result, or drafting a new one: seed rows 4, 5 and 18.
//! Every value is fictitious.

use chrono::NaiveDate;
use onshi::Personal;
use onshi::codes::*;
use onshi::ids::{BranchNumber, CardNumber, CardSymbol, InsurerNumber, Mode};
use onshi::matching::*;
use onshi::model::{CardKey, Field, PersonIdentity};
use onshi::model::{MedicalTicket, Qualification};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn insurer(body: &str) -> InsurerNumber {
    let cd = onshi::ids::check_digit(body).unwrap();
    InsurerNumber::parse(&format!("{body}{cd}"), Mode::Strict).unwrap()
}

fn card(insurer_body: &str, number: &str) -> Qualification {
    Qualification {
        card: CardKey {
            insurer_number: Some(insurer(insurer_body)),
            insured_card_symbol: Some(CardSymbol::parse("見本", Mode::Strict).unwrap()),
            insured_identification_number: Some(CardNumber::parse(number, Mode::Strict).unwrap()),
            insured_branch_number: Some(BranchNumber::parse("01", Mode::Strict).unwrap()),
        },
        ..Default::default()
    }
}

fn patient(id: &str, name: &str, kana: &str, birth: NaiveDate, sex: Sex) -> PatientRecord {
    PatientRecord {
        person: PersonIdentity {
            name: Some(name.into()),
            name_kana: Some(kana.into()),
            birthdate: Some(Personal::new(birth)),
            sex1: Some(sex),
            ..Default::default()
        },
        patient_id: id.into(),
        ..Default::default()
    }
}

fn clinic() -> Vec<PatientRecord> {
    vec![
        PatientRecord {
            person: PersonIdentity {
                address: Some("東京都見本区一丁目2-3".into()),
                ..(patient(
                    "P-001",
                    "髙橋　一郎",
                    "タカハシ　イチロウ",
                    day(1960, 2, 3),
                    Sex::Male,
                ))
                .person
            },
            qualifications: vec![card("0613999", "100")],
            ..patient(
                "P-001",
                "髙橋　一郎",
                "タカハシ　イチロウ",
                day(1960, 2, 3),
                Sex::Male,
            )
        },
        patient(
            "P-002",
            "高橋　一郎",
            "タカハシ　イチロウ",
            day(1975, 8, 9),
            Sex::Male,
        ),
        patient(
            "P-003",
            "見本　花子",
            "ミホン　ハナコ",
            day(1960, 2, 3),
            Sex::Female,
        ),
        PatientRecord {
            reference_number: Some("REF-0042".into()),
            ..patient(
                "P-004",
                "見本　次郎",
                "ミホン　ジロウ",
                day(1990, 1, 1),
                Sex::Male,
            )
        },
    ]
}

fn face(name: &str, kana: &str, birth: NaiveDate) -> Qualification {
    Qualification {
        person: PersonIdentity {
            name: Some(name.into()),
            name_kana: Some(kana.into()),
            birthdate: Some(Personal::new(birth)),
            sex1: Some(Sex::Male),
            address: Some("東京都見本区一丁目２－３".into()),
            ..(card("0613999", "100")).person
        },
        ..card("0613999", "100")
    }
}

// ---- seed row 4: the My Number card at the reader ---------------------------------------

#[test]
fn seed_row_04_known_patient_is_found_so_not_registered_twice() {
    let result = face("●橋　一郎", "ﾀｶﾊｼ ｲﾁﾛｳ", day(1960, 2, 3));
    let found = candidates(&IdentityQuery::from(&result), &clinic());
    assert_eq!(found[0].patient_id, "P-001");
    assert_eq!(found[0].strength, Strength::Strong, "{:?}", found[0]);
    for r in [
        MatchReason::InsuranceCard,
        MatchReason::Birthdate,
        MatchReason::NameSubstituted,
        MatchReason::Kana,
        MatchReason::Sex,
    ] {
        assert!(
            found[0].reasons.contains(&r),
            "{r:?} in {:?}",
            found[0].reasons
        );
    }
    // The namesake with another birthdate is not a candidate at all.
    assert!(found.iter().all(|c| c.patient_id != "P-002"));
    // The patient with the same birthdate but another name is not either.
    assert!(found.iter().all(|c| c.patient_id != "P-003"));
}

#[test]
fn seed_row_04_kanji_variant_name_matches_without_insurance_numbers() {
    let result = Qualification {
        card: CardKey {
            insurer_number: None,
            insured_identification_number: None,
            ..(face("高橋　一郎", "ﾀｶﾊｼ ｲﾁﾛｳ", day(1960, 2, 3))).card
        },
        ..face("高橋　一郎", "ﾀｶﾊｼ ｲﾁﾛｳ", day(1960, 2, 3))
    };
    let found = candidates(&IdentityQuery::from(&result), &clinic());
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].patient_id, "P-001");
    assert!(found[0].reasons.contains(&MatchReason::NameEquivalent));
    assert!(!found[0].reasons.contains(&MatchReason::InsuranceCard));
}

#[test]
fn seed_row_04_unknown_person_gives_a_new_patient_draft_with_the_substitute_flagged() {
    let result = Qualification {
        person: PersonIdentity {
            sex2: None,
            post_number: Some("100-0001".into()),
            ..(face("●木　三郎", "ｽｽﾞｷ ｻﾌﾞﾛｳ", day(2001, 11, 30))).person
        },
        insurer_name: Some("見本健康保険組合".into()),
        ..face("●木　三郎", "ｽｽﾞｷ ｻﾌﾞﾛｳ", day(2001, 11, 30))
    };
    let found = candidates(&IdentityQuery::from(&result), &clinic());
    assert!(found.is_empty());
    let draft = NewPatientDraft::from_result(&result);
    assert!(draft.name_has_substitute);
    assert_eq!(draft.substitute_fields, vec![Field::Name]);
    assert!(draft.notes.contains(&DraftNote::SubstituteInName));
    assert!(
        DraftNote::SubstituteInName
            .message()
            .contains("●のまま登録せず")
    );
    assert_eq!(draft.person.name_kana, result.person.name_kana);
    assert_eq!(draft.person.sex(), Some(Sex::Male));
    assert_eq!(draft.person.birthdate, result.person.birthdate);
    assert_eq!(draft.person.address, result.person.address);
    assert_eq!(draft.person.post_number, result.person.post_number);
    assert_eq!(
        draft.qualification.card.insurer_number,
        result.card.insurer_number
    );
    assert!(!draft.public_assistance);
    assert!(!draft.notes.contains(&DraftNote::InsuranceNotIdentified));
}

#[test]
fn seed_row_04_my_number_card_basic_four_match_without_kana() {
    let q = IdentityQuery::from_card(
        "髙橋　一郎",
        "東京都見本区一丁目2-3",
        day(1960, 2, 3),
        Sex::Male,
    );
    assert!(q.person.name_kana.is_none());
    let found = candidates(&q, &clinic());
    assert_eq!(found[0].patient_id, "P-001");
    assert!(found[0].reasons.contains(&MatchReason::NameSame));
    assert!(found[0].reasons.contains(&MatchReason::Address));
    assert_eq!(found.len(), 1);
}

#[test]
fn reference_number_is_decisive_and_ranks_first() {
    let result = Qualification {
        reference_number: Some("REF-0042".into()),
        ..face("見本　次郎", "ﾐﾎﾝ ｼﾞﾛｳ", day(1990, 1, 1))
    };
    let found = candidates(&IdentityQuery::from(&result), &clinic());
    assert_eq!(found[0].patient_id, "P-004");
    assert!(found[0].reasons.contains(&MatchReason::ReferenceNumber));
    assert_eq!(found[0].strength, Strength::Strong);
    assert!(found[0].score > found.get(1).map_or(0, |c| c.score));
}

#[test]
fn conflicting_birthdate_weakens_an_insurance_card_match() {
    let result = face("髙橋　一郎", "ﾀｶﾊｼ ｲﾁﾛｳ", day(1961, 2, 3));
    let found = candidates(&IdentityQuery::from(&result), &clinic());
    let c = found.iter().find(|c| c.patient_id == "P-001").unwrap();
    assert!(c.conflicts.contains(&Conflict::Birthdate));
    assert_ne!(c.strength, Strength::Strong);
    let sure = candidates(
        &IdentityQuery::from(&face("髙橋　一郎", "ﾀｶﾊｼ ｲﾁﾛｳ", day(1960, 2, 3))),
        &clinic(),
    );
    assert!(sure[0].score > c.score);
}

#[test]
fn ranking_is_by_score_then_patient_id() {
    let twins = vec![
        patient(
            "B",
            "見本　一",
            "ミホン　ハジメ",
            day(2000, 1, 1),
            Sex::Male,
        ),
        patient(
            "A",
            "見本　一",
            "ミホン　ハジメ",
            day(2000, 1, 1),
            Sex::Male,
        ),
    ];
    let q = IdentityQuery::from(&Qualification {
        person: PersonIdentity {
            name: Some("見本　一".into()),
            name_kana: Some("ﾐﾎﾝ ﾊｼﾞﾒ".into()),
            birthdate: Some(Personal::new(day(2000, 1, 1))),
            ..Default::default()
        },
        ..Default::default()
    });
    let found = candidates(&q, &twins);
    let ids: Vec<&str> = found.iter().map(|c| c.patient_id.as_str()).collect();
    assert_eq!(ids, ["A", "B"]);
    assert_eq!(found[0].index, 1);
}

// ---- seed row 5: from the insurance card or a 公費 number ----------------------------------

#[test]
fn seed_row_05_insurance_card_answer_gives_the_same_draft() {
    let answer = Qualification {
        insured_card_classification: Some(InsuredCardClassification::General),
        personal_family_classification: Some(PersonalFamilyClassification::Insured),
        ..face("見本　四郎", "ﾐﾎﾝ ｼﾛｳ", day(1999, 9, 9))
    };
    let draft = NewPatientDraft::from_result(&answer);
    assert!(!draft.name_has_substitute);
    assert!(draft.notes.is_empty(), "{:?}", draft.notes);
    assert_eq!(draft.qualification, answer);
}

#[test]
fn seed_row_05_public_expense_answer_drafts_a_public_assistance_patient() {
    let answer = Qualification {
        card: CardKey {
            insurer_number: Some(insurer("1213001")),
            insured_identification_number: Some(
                CardNumber::parse("1234566", Mode::Strict).unwrap(),
            ),
            insured_card_symbol: None,
            insured_branch_number: None,
        },
        insured_card_classification: Some(InsuredCardClassification::MedicalAssistance),
        medical_tickets: vec![MedicalTicket {
            issue_number: Some("000101".into()),
            ..Default::default()
        }],
        ..face("見本　五郎", "ﾐﾎﾝ ｺﾞﾛｳ", day(1955, 5, 5))
    };
    let draft = NewPatientDraft::from_result(&answer);
    assert!(draft.public_assistance);
    assert!(draft.notes.contains(&DraftNote::PublicAssistanceOnly));
    assert_eq!(draft.qualification.medical_tickets.len(), 1);
}

// ---- seed row 18: My Number card only; check digits ---------------------------------------

#[test]
fn seed_row_18_draft_without_insurance_numbers_notes_it() {
    let answer = Qualification {
        card: CardKey {
            insurer_number: None,
            insured_identification_number: None,
            insured_card_symbol: None,
            ..(face("見本　六郎", "ﾐﾎﾝ ﾛｸﾛｳ", day(1980, 6, 6))).card
        },
        ..face("見本　六郎", "ﾐﾎﾝ ﾛｸﾛｳ", day(1980, 6, 6))
    };
    let draft = NewPatientDraft::from_result(&answer);
    assert!(draft.notes.contains(&DraftNote::InsuranceNotIdentified));
    assert!(
        DraftNote::InsuranceNotIdentified
            .message()
            .contains("検証番号")
    );
}

#[test]
fn seed_row_18_draft_with_a_bad_check_digit_is_kept_as_returned() {
    let bad = InsurerNumber::parse("06139991", Mode::Lenient).unwrap();
    let answer = Qualification {
        card: CardKey {
            insurer_number: Some(bad.clone()),
            ..(face("見本　七郎", "ﾐﾎﾝ ｼﾁﾛｳ", day(1980, 7, 7))).card
        },
        ..face("見本　七郎", "ﾐﾎﾝ ｼﾁﾛｳ", day(1980, 7, 7))
    };
    let draft = NewPatientDraft::from_result(&answer);
    assert_eq!(draft.qualification.card.insurer_number, Some(bad));
    assert!(draft.notes.contains(&DraftNote::CheckDigitIgnored));
}

#[test]
fn draft_and_candidates_never_show_personal_values_in_debug() {
    let result = face("●橋　一郎", "ﾀｶﾊｼ ｲﾁﾛｳ", day(1960, 2, 3));
    let draft = format!("{:?}", NewPatientDraft::from_result(&result));
    let found = format!("{:?}", candidates(&IdentityQuery::from(&result), &clinic()));
    for secret in ["橋", "ﾀｶﾊｼ", "1960", "見本区"] {
        assert!(!draft.contains(secret), "{secret}");
        assert!(!found.contains(secret), "{secret}");
    }
}

#[test]
fn seed_row_04_draft_becomes_the_first_version_linked_to_its_result() {
    use onshi::history::{QualificationHistory, ResultLink, Source, Stamp};
    let result = face("見本　八郎", "ﾐﾎﾝ ﾊﾁﾛｳ", day(1970, 8, 8));
    let draft = NewPatientDraft::from_result(&result);
    let stamp = Stamp::new(
        "reception-1",
        day(2025, 4, 10).and_hms_opt(9, 0, 0).unwrap(),
    );
    let link = ResultLink::new("OQSsiquc01res_face_0001.xml", day(2025, 4, 10));
    let h = QualificationHistory::from_result(draft.qualification, day(2025, 4, 1), &link, &stamp);
    let v = h.current().unwrap();
    assert_eq!(v.link.as_ref(), Some(&link));
    assert!(
        matches!(&v.source, Source::Terminal { result_id, .. } if result_id == &link.result_id)
    );
    assert_eq!(v.qualification, result);
    assert_eq!(h.audit.len(), 1);
}
