//! Helpers shared by the terminal integration tests.
#![allow(dead_code)]

use onshi::Personal;
use onshi::codes::LimitConsentFlag;
use onshi::ids::{MedicalInstitutionCode, Mode};
use onshi::model::QualificationQuery;
use onshi::terminal::dataset::Person;
use onshi::terminal::{Client, ClientOptions, Emulator, EmulatorConfig, Layout, WatchConfig};
use std::time::Duration;

pub const T: Duration = Duration::from_secs(20);

pub fn code() -> MedicalInstitutionCode {
    MedicalInstitutionCode::parse("1310000003", Mode::Strict).unwrap()
}

pub fn options() -> ClientOptions {
    ClientOptions {
        medical_institution_code: Some(code()),
        watch: WatchConfig {
            use_events: true,
            rescan_interval: Duration::from_millis(100),
        },
        recheck_interval: Duration::from_millis(100),
        ..ClientOptions::default()
    }
}

pub fn emulator(root: &std::path::Path) -> EmulatorConfig {
    let mut c = EmulatorConfig::new(root);
    c.watch.rescan_interval = Duration::from_millis(50);
    c
}

pub fn setup() -> (tempfile::TempDir, Emulator, Client) {
    let d = tempfile::tempdir().unwrap();
    let emu = Emulator::start(emulator(d.path())).unwrap();
    let client = Client::open(Layout::new(d.path()), options()).unwrap();
    (d, emu, client)
}

pub fn person<'a>(emu: &'a Emulator, label_prefix: &str) -> &'a Person {
    emu.dataset()
        .persons
        .iter()
        .find(|p| p.label.starts_with(label_prefix))
        .unwrap_or_else(|| panic!("no person {label_prefix}"))
}

/// The query a clinic would send for this person's (first) card.
pub fn query_for(p: &Person) -> QualificationQuery {
    let x = p.qualifications.first().cloned().unwrap_or_default();
    let k = p.keys.first();
    QualificationQuery {
        insurer_number: x.insurer_number.or(k.map(|k| k.insurer_number.clone())),
        insured_card_symbol: x
            .insured_card_symbol
            .or(k.and_then(|k| k.insured_card_symbol.clone())),
        insured_identification_number: x
            .insured_identification_number
            .or(k.map(|k| k.insured_identification_number.clone())),
        insured_branch_number: x
            .insured_branch_number
            .or(k.and_then(|k| k.insured_branch_number.clone())),
        birthdate: p.birthdate().map(Personal::new),
        limit_consent_flag: Some(LimitConsentFlag::Agreed),
        ..Default::default()
    }
}
