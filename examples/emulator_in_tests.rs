//! How a vendor tests its EMR against the terminal emulator, in-process:
//! start the emulator on a temporary folder, point the EMR's client at the same folder,
//! play scenarios (a patient at the reader, the link program down) and check the outcomes.
//!
//!     cargo run --example emulator_in_tests

use onshi::codes::LimitConsentFlag;
use onshi::ids::{MedicalInstitutionCode, Mode};
use onshi::model::CardKey;
use onshi::model::QualificationQuery;
use onshi::terminal::{
    Behaviour, Client, ClientOptions, Emulator, EmulatorConfig, Layout, TerminalError, now_jst,
};
use std::time::Duration;

fn main() -> Result<(), TerminalError> {
    let root = std::env::temp_dir().join(format!("onshi-example-{}", std::process::id()));
    // 1. The emulator: bundled dataset of fictitious persons, no delay, scrambled output.
    let emu = Emulator::start(EmulatorConfig::new(&root))?;
    // 2. The client, as the EMR would open it on the terminal's shared folder.
    let client = Client::open(
        Layout::new(&root),
        ClientOptions {
            medical_institution_code: MedicalInstitutionCode::parse("1310000009", Mode::Strict)
                .ok(),
            ..ClientOptions::default()
        },
    )?;

    // A 個別照会 for person P01 of the dataset.
    let p = emu.dataset().person("P01").cloned().expect("P01");
    let q = &p.qualifications[0];
    let query = QualificationQuery {
        card: CardKey {
            insurer_number: q.card.insurer_number.clone(),
            insured_card_symbol: q.card.insured_card_symbol.clone(),
            insured_identification_number: q.card.insured_identification_number.clone(),
            insured_branch_number: q.card.insured_branch_number.clone(),
        },
        birthdate: q.person.birthdate.clone(),
        limit_consent_flag: Some(LimitConsentFlag::Agreed),
        ..Default::default()
    };
    let answer = client.query(query.clone(), now_jst().date(), Duration::from_secs(10))?;
    println!("資格有効性: {:?}", answer.body.qualification_validity);

    // A patient at the face reader.
    emu.push_face("P31")?;
    if let Some(e) = client.next_face(Duration::from_secs(10))? {
        println!("face result: {}", e.file_name);
        // Processed: acknowledge it (until then it is delivered again after a restart).
        client.ack_face(&e)?;
    }

    // The link program stops: the client says so, with advice for staff.
    emu.set_behaviour(Behaviour::Down);
    match client.query(query, now_jst().date(), Duration::from_millis(500)) {
        Err(TerminalError::NotAnswering(n)) => println!("{}", n.to_text_ja()),
        other => println!("unexpected: {:?}", other.map(|_| ())),
    }
    emu.stop();
    let _ = std::fs::remove_dir_all(&root);
    Ok(())
}
