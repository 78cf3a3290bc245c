//! `onshi diff` end to end (needs the `cli` feature). Every value is fictitious.
#![cfg(feature = "cli")]

use std::process::Command;

const REGISTERED: &str = r#"{
  "insurer_number": "06139992",
  "insured_identification_number": "3456",
  "name": "髙橋　花子",
  "name_kana": "タカハシ　ハナコ",
  "sex1": "2",
  "birthdate": "1985-06-15",
  "address": "東京都千代田区見本町1-2-3",
  "insured_card_valid_date": "2015-04-01"
}"#;

const RETURNED: &str = r#"{
  "insurer_number": "  06139992",
  "insured_identification_number": "3456",
  "name": "●橋　花子",
  "name_kana": "ﾀｶﾊｼ ﾊﾅｺ",
  "sex1": "2",
  "birthdate": "1985-06-15",
  "address": "大阪府見本市中央1-1",
  "insured_card_valid_date": "2024-10-01"
}"#;

fn files() -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("registered.json");
    let b = dir.path().join("returned.json");
    std::fs::write(&a, REGISTERED).unwrap();
    std::fs::write(&b, RETURNED).unwrap();
    (dir, a, b)
}

fn onshi() -> Command {
    Command::new(env!("CARGO_BIN_EXE_onshi"))
}

#[test]
fn json_output_has_the_verdict_and_every_field_with_its_class_and_action() {
    let (_dir, a, b) = files();
    let out = onshi()
        .args(["diff", "--json", "--date", "20250410"])
        .arg(&a)
        .arg(&b)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["verdict"], "update_recommended");
    assert_eq!(v["confirmation_date"], "2025-04-10");
    let fields = v["fields"].as_array().unwrap();
    let get = |id: &str| fields.iter().find(|f| f["field"] == id).unwrap().clone();
    assert_eq!(get("name")["class"], "substituted");
    assert_eq!(get("name")["action"], "keep_registered");
    assert_eq!(get("name_kana")["class"], "equivalent");
    assert_eq!(get("address")["class"], "different");
    assert_eq!(get("address")["action"], "reflect");
    assert_eq!(get("address")["label"], "住所");
    assert_eq!(
        get("insured_card_valid_date")["advice"],
        "validity_start_differs"
    );
    assert_eq!(get("insurer_number")["class"], "same");
    for f in fields {
        for key in [
            "field", "label", "class", "reasons", "advice", "action", "message",
        ] {
            assert!(f.get(key).is_some(), "{key} missing in {f}");
        }
    }
}

#[test]
fn table_output_is_japanese_and_plain_when_not_a_terminal() {
    let (_dir, a, b) = files();
    let out = onshi()
        .args(["diff", "--date", "20250410"])
        .arg(&a)
        .arg(&b)
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("反映を推奨"), "{text}");
    assert!(text.contains("住所"), "{text}");
    assert!(text.contains("代替文字（●）"), "{text}");
    assert!(!text.contains('\x1b'), "no colors into a pipe");
}

#[test]
fn a_bad_input_file_exits_1_without_echoing_its_content() {
    let (dir, a, _) = files();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, r#"{"name": 見本}"#).unwrap();
    let out = onshi().arg("diff").arg(&a).arg(&bad).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.json"), "{err}");
    assert!(!err.contains("見本"), "{err}");
}

#[test]
fn a_bad_date_is_a_usage_error() {
    let (_dir, a, b) = files();
    let out = onshi()
        .args(["diff", "--date", "2025-04-10"])
        .arg(&a)
        .arg(&b)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// The registered record of the person in the `OQSsiquc01res_202504010001.xml` fixture, as a
/// clinic would hold it: full-width kana, a typed address.
const REGISTERED_MIHON: &str = r#"{
  "insured_card_classification": "01",
  "insurer_number": "138057",
  "insurer_name": "見本区",
  "insured_card_symbol": "ABC",
  "insured_identification_number": "100",
  "insured_branch_number": "01",
  "personal_family_classification": "1",
  "name": "見本　花子",
  "name_kana": "ミホン　ハナコ",
  "sex1": "2",
  "birthdate": "1980-01-01",
  "address": "東京都千代田区見本町1-2-3",
  "post_number": "100-0001",
  "insured_card_valid_date": "2020-04-01"
}"#;

fn diff_json(registered: &str, returned: &std::path::Path) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("registered.json");
    std::fs::write(&a, registered).unwrap();
    let out = onshi()
        .args(["diff", "--json", "--date", "20250401"])
        .arg(&a)
        .arg(returned)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn fixture(path: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path)
}

#[test]
fn a_result_xml_file_is_compared_in_both_encodings() {
    for enc in ["utf8", "sjis"] {
        let v = diff_json(
            REGISTERED_MIHON,
            &fixture(&format!("{enc}/OQSsiquc01res_202504010001.xml")),
        );
        // Half-width kana and a full-width address are notation only: nothing to apply.
        assert_eq!(v["verdict"], "identical", "{enc}: {v}");
        let fields = v["fields"].as_array().unwrap();
        let get = |id: &str| fields.iter().find(|f| f["field"] == id).unwrap().clone();
        assert_eq!(get("name_kana")["class"], "equivalent", "{enc}");
        assert_eq!(get("address")["class"], "equivalent", "{enc}");
        assert_eq!(get("insurer_number")["class"], "same", "{enc}");
    }
}

#[test]
fn a_not_found_result_xml_gives_not_confirmed_with_guidance() {
    // The fixture's answer turned into 該当資格なし: no ResultList, validity 4.
    let xml = std::fs::read_to_string(fixture("utf8/OQSsiquc01res_202504010001.xml")).unwrap();
    let start = xml.find("<ResultList>").unwrap();
    let end = xml.find("</ResultList>").unwrap() + "</ResultList>".len();
    let xml = format!("{}{}", &xml[..start], &xml[end..]).replace(
        "<QualificationValidity>1</QualificationValidity>",
        "<QualificationValidity>4</QualificationValidity>",
    );
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("OQSsiquc01res_1.xml");
    std::fs::write(&p, xml).unwrap();
    let v = diff_json(REGISTERED_MIHON, &p);
    assert_eq!(v["verdict"], "not_confirmed", "{v}");
    assert!(v.to_string().contains("該当資格なし"), "{v}");
}

/// The clinic's 公費 (指定難病, 上限額 1万円), as `onshi diff --public-expense` reads it.
const REGISTERED_NANBYO: &str = r#"{
  "payer_number": "54136015",
  "recipient_number": "1234566",
  "certification_name": "特定医療費（指定難病）受給者証",
  "max_copayment_amount": 10000,
  "valid_from": "2026-04-01",
  "valid_to": "2027-03-31"
}"#;

fn diff_public_expense_json(returned: &std::path::Path) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("kouhi.json");
    std::fs::write(&a, REGISTERED_NANBYO).unwrap();
    let out = onshi()
        .args(["diff", "--public-expense", "--json", "--date", "20260507"])
        .arg(&a)
        .arg(returned)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn public_expense_diff_reads_pmh_data_from_a_result_and_no_pmh_data_is_unknown() {
    let xml = std::fs::read_to_string(fixture("utf8/OQSsiquc01res_202504010001.xml")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    // The fixture as it is: no PMH block at all → unknown (never 失効), ask for the paper.
    let none = dir.path().join("OQSsiquc01res_none.xml");
    std::fs::write(&none, &xml).unwrap();
    let v = diff_public_expense_json(&none);
    assert_eq!(v["kind"], "public_expense", "{v}");
    assert_eq!(v["verdict"], "unknown", "{v}");
    assert!(v.to_string().contains("紙の受給者証"), "{v}");
    assert!(v["fields"].as_array().unwrap().is_empty(), "{v}");
    // The same answer with PMH data whose 上限額 is now 2万円 → a new version.
    let block = "<MedicalSubsidyList><MedicalSubsidyInfo>\
        <MedicalSubsidyInsurerNumber>54136015</MedicalSubsidyInsurerNumber>\
        <MedicalSubsidyRecipientNumber>1234566</MedicalSubsidyRecipientNumber>\
        <CertificationName>特定医療費（指定難病）受給者証</CertificationName>\
        <MaxCopaymentAmount>20000</MaxCopaymentAmount>\
        <ValidFrom>20260401</ValidFrom><ValidTo>20270331</ValidTo>\
        </MedicalSubsidyInfo></MedicalSubsidyList></ResultOfQualificationConfirmation>";
    let at = xml.find("</ResultOfQualificationConfirmation>").unwrap();
    let with = format!(
        "{}{}{}",
        &xml[..at],
        block,
        &xml[at + "</ResultOfQualificationConfirmation>".len()..]
    );
    let pmh = dir.path().join("OQSsiquc01res_pmh.xml");
    std::fs::write(&pmh, with).unwrap();
    let v = diff_public_expense_json(&pmh);
    assert_eq!(v["verdict"], "new_qualification", "{v}");
    let fields = v["fields"].as_array().unwrap();
    let cap = fields
        .iter()
        .find(|f| f["field"] == "max_copayment_amount")
        .unwrap();
    assert_eq!(cap["advice"], "cap_changed", "{v}");
    assert_eq!(cap["action"], "new_qualification", "{v}");
    // Everything else PMH sent is the clinic's record: only the 上限額 differs.
    let different: Vec<&serde_json::Value> = fields
        .iter()
        .filter(|f| f["class"] == "different")
        .collect();
    assert_eq!(different.len(), 1, "{v}");
    let same = |id: &str| {
        fields
            .iter()
            .any(|f| f["field"] == id && f["class"] == "same")
    };
    assert!(
        same("payer_number") && same("recipient_number") && same("valid_to"),
        "{v}"
    );
}
