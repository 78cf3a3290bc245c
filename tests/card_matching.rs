//! Issue 5 item 6 / seed row 4: a My Number card read at reception leads either to the
//! patient the clinic already has (not registered twice) or to a new-patient draft.
//! Driven through the real read flow against the simulated card.

use chrono::NaiveDate;
use onshi::Personal;
use onshi::card::virtual_card::VirtualCardConfig;
use onshi::card::{CardSession, Pin, SimulatedCard};
use onshi::codes::Sex;
use onshi::matching::{DraftNote, PatientRecord, candidates};
use onshi::model::PersonIdentity;

fn read_card(config: VirtualCardConfig) -> onshi::card::BasicInfo {
    let pin = Pin::new("1234").unwrap();
    let mut session = CardSession::new(SimulatedCard::new(config.with_pin(&pin)));
    session.recognise().unwrap();
    session.read_basic_info(&pin, false).unwrap()
}

fn patient(id: &str, name: &str, birth: (i32, u32, u32)) -> PatientRecord {
    PatientRecord {
        person: PersonIdentity {
            name: Some(Personal::new(name.into())),
            birthdate: Some(Personal::new(
                NaiveDate::from_ymd_opt(birth.0, birth.1, birth.2).unwrap(),
            )),
            sex1: Some(Sex::Female),
            ..Default::default()
        },
        patient_id: id.into(),
        ..Default::default()
    }
}

#[test]
fn seed_row_04_card_read_finds_the_known_patient() {
    // The default virtual card is 検証　花子, born 1985-04-01, female.
    let info = read_card(VirtualCardConfig::default());
    let patients = [
        patient("P-001", "見本　太郎", (1970, 1, 1)),
        // Registered with an ASCII space instead of U+3000: still the same person.
        patient("P-002", "検証 花子", (1985, 4, 1)),
        patient("P-003", "検証　花子", (1990, 4, 1)),
    ];
    let found = candidates(&info.identity_query(), &patients);
    assert_eq!(found.first().map(|c| c.patient_id.as_str()), Some("P-002"));
    assert!(found.iter().all(|c| c.patient_id != "P-001"));
}

#[test]
fn seed_row_04_card_read_of_a_kanji_variant_name_finds_the_patient() {
    let config = VirtualCardConfig {
        name: "髙橋　一郎".as_bytes().to_vec(),
        birthdate: b"19600203".to_vec(),
        sex: b"1".to_vec(),
        ..VirtualCardConfig::default()
    };
    let info = read_card(config);
    let mut p = patient("P-010", "高橋　一郎", (1960, 2, 3));
    p.person.sex1 = Some(Sex::Male);
    let found = candidates(&info.identity_query(), &[p]);
    assert_eq!(found.len(), 1, "variant 髙/高 must still match");
}

#[test]
fn seed_row_04_unknown_card_holder_gives_a_new_patient_draft() {
    let info = read_card(VirtualCardConfig::default());
    let found = candidates(
        &info.identity_query(),
        &[patient("P-001", "見本　太郎", (1970, 1, 1))],
    );
    assert!(found.is_empty());
    let draft = info.new_patient_draft();
    assert_eq!(draft.person.name.as_ref().unwrap().as_str(), "検証　花子");
    assert_eq!(
        draft
            .person
            .birthdate
            .as_ref()
            .unwrap()
            .expose()
            .to_string(),
        "1985-04-01"
    );
    assert_eq!(draft.person.sex(), Some(Sex::Female));
    assert!(draft.person.name_kana.is_none(), "the card has no kana");
    assert!(draft.notes.contains(&DraftNote::InsuranceNotIdentified));
    assert!(!draft.name_has_substitute);
    // The draft never shows personal data in Debug.
    assert!(!format!("{draft:?}").contains("検証"));
}

#[test]
fn card_sex_not_applicable_is_left_for_staff() {
    let config = VirtualCardConfig {
        sex: b"9".to_vec(),
        ..VirtualCardConfig::default()
    };
    let info = read_card(config);
    assert_eq!(info.identity_query().person.sex(), None);
    assert_eq!(info.new_patient_draft().person.sex(), None);
}
