//! `onshi visit`, `onshi query --presentation --patient`, `onshi report usage` and
//! `onshi diff --presentation`: what the patient presented, recorded per visit, and the
//! month's マイナ保険証 利用率 (issue 12 items 3 and 4).
#![cfg(feature = "cli")]

mod terminal_common;

use onshi::terminal::{Emulator, EmulatorConfig};
use terminal_common::{onshi, text};

fn visit(root: &str, patient: &str, shown: &str, date: &str) {
    let out = onshi(&[
        "visit",
        "--root",
        root,
        "--patient",
        patient,
        "--presentation",
        shown,
        "--date",
        date,
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn visits_then_the_months_usage_in_text_json_and_csv() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path().to_str().unwrap();
    // No journal yet: a clear message, exit 1.
    let out = onshi(&["report", "usage", "--root", root, "--month", "202612"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("受付記録がありません"),
        "{}",
        text(&out.stderr)
    );
    // Five patients in December, one of them twice; one in November.
    visit(root, "0001", "qualification_certificate", "20261201");
    visit(root, "0001", "my_number_card", "20261215");
    visit(root, "0002", "my_number_smartphone", "20261202");
    visit(root, "0003", "my_number_card_with_notice", "20261203");
    visit(root, "0004", "other_document", "20261204");
    visit(root, "0005", "none", "20261205");
    visit(root, "0006", "my_number_card", "20261130");
    // The same visit again is one visit.
    visit(root, "0005", "none", "20261205");

    let out = onshi(&["report", "usage", "--root", root, "--month", "202612"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let t = text(&out.stdout);
    assert!(
        t.contains("2026年12月のマイナ保険証利用率: 40.00%（患者 5 人中 2 人）"),
        "{t}"
    );
    assert!(t.contains("30% の基準を満たしています。"), "{t}");
    assert!(t.contains("患者・月単位"), "{t}");
    assert!(t.contains("資格確認書 | 記号・番号 | 1 | 0"), "{t}");

    let out = onshi(&[
        "report", "usage", "--root", root, "--month", "202612", "--json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["visits"], 6);
    assert_eq!(v["patients"], 5);
    assert_eq!(v["my_number_patients"], 2);
    assert_eq!(v["rate_basis_points"], 4000);
    assert_eq!(v["meets_target"], true);
    assert_eq!(v["basis"], "patient_month");

    let out = onshi(&[
        "report", "usage", "--root", root, "--month", "202612", "--csv",
    ]);
    let csv = text(&out.stdout);
    assert!(csv.starts_with('\u{FEFF}'));
    assert!(
        csv.contains("\r\n202612,my_number,マイナ保険証利用率,my_number,2,2,40.00,30,true\r\n"),
        "{csv}"
    );

    // November: one patient, 100 %.
    let out = onshi(&[
        "report", "usage", "--root", root, "--month", "202611", "--json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["rate_basis_points"], 10000);
    // A month nobody came: 0 patients, the line not met.
    let out = onshi(&["report", "usage", "--root", root, "--month", "202610"]);
    assert!(text(&out.stdout).contains("この月の受付記録はありません"));

    // Usage errors: exit 2.
    for bad in [
        vec!["report", "usage", "--root", root, "--month", "2026-12"],
        vec![
            "report", "usage", "--root", root, "--month", "202612", "--json", "--csv",
        ],
        vec![
            "visit",
            "--root",
            root,
            "--patient",
            "1",
            "--presentation",
            "card",
        ],
    ] {
        assert_eq!(onshi(&bad).status.code(), Some(2), "{bad:?}");
    }
}

#[test]
fn query_records_the_visit_and_the_advice_reads_the_presentation() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path().to_str().unwrap();
    let mut cfg = EmulatorConfig::new(d.path());
    cfg.watch.rescan_interval = std::time::Duration::from_millis(50);
    let emu = Emulator::start(cfg).unwrap();
    let p = emu
        .dataset()
        .persons
        .iter()
        .find(|p| p.label.starts_with("資格確認書（国保"))
        .unwrap()
        .clone();
    let q = &p.qualifications[0];
    let registered = d.path().join("registered.json");
    std::fs::write(&registered, q.to_json()).unwrap();
    let birth = q
        .person
        .birthdate
        .as_ref()
        .unwrap()
        .expose()
        .format("%Y%m%d")
        .to_string();
    let out = onshi(&[
        "query",
        "--root",
        root,
        "--timeout",
        "20",
        "--institution",
        "1310000003",
        "--insurer",
        q.card.insurer_number.as_ref().unwrap().as_str(),
        "--symbol",
        q.card.insured_card_symbol.as_ref().unwrap().as_str(),
        "--number",
        q.card
            .insured_identification_number
            .as_ref()
            .unwrap()
            .as_str(),
        "--birthdate",
        &birth,
        "--registered",
        registered.to_str().unwrap(),
        "--presentation",
        "qualification_certificate",
        "--patient",
        "K-82",
    ]);
    let err = text(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("資格確認書の記号・番号で資格確認しました"),
        "{err}"
    );
    assert!(err.contains("受付記録: 資格確認書"), "{err}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        v["diff"]["notices"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["notice"] == "qualification_certificate_query")
    );
    assert_eq!(
        v["diff"]["context"]["presentation"],
        "qualification_certificate"
    );
    // The visit is in the journal, linked to the answer file.
    let month = onshi::terminal::now_jst().format("%Y%m").to_string();
    let out = onshi(&[
        "report", "usage", "--root", root, "--month", &month, "--json",
    ]);
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["patients"], 1);
    assert_eq!(r["card_number_patients"], 1);
    let visits = onshi::terminal::journal::read_visits(
        &d.path().join(".onshi"),
        onshi::reception::Month::parse(&month).unwrap(),
    )
    .unwrap();
    assert_eq!(visits.len(), 1);
    assert!(
        visits[0]
            .result_id
            .as_deref()
            .unwrap()
            .starts_with("OQSsiquc01res_")
    );
    // --patient without --presentation is a usage error.
    let out = onshi(&["query", "--root", root, "--patient", "K-1"]);
    assert_eq!(out.status.code(), Some(2));
    emu.stop();
}

#[test]
fn diff_with_a_late_elderly_certificate_keeps_the_address() {
    let d = tempfile::tempdir().unwrap();
    let reg = d.path().join("reg.json");
    let doc = d.path().join("doc.json");
    std::fs::write(
        &reg,
        r#"{"insurer_number":"39130018","insured_identification_number":"40000084","name":"確認　八十四","birthdate":"1945-04-01","address":"東京都見本区見本町一丁目１番１号","post_number":"100-0001"}"#,
    )
    .unwrap();
    std::fs::write(
        &doc,
        r#"{"insurer_number":"39130018","insured_identification_number":"40000084","name":"確認　八十四","birthdate":"1945-04-01"}"#,
    )
    .unwrap();
    let args = |shown: Option<&str>| {
        let mut a = vec![
            "diff".to_string(),
            reg.to_str().unwrap().to_string(),
            doc.to_str().unwrap().to_string(),
            "--date".into(),
            "20261207".into(),
            "--json".into(),
        ];
        if let Some(s) = shown {
            a.extend(["--presentation".to_string(), s.to_string()]);
        }
        a
    };
    let run = |a: Vec<String>| {
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        let out = onshi(&a);
        assert!(out.status.success(), "{}", text(&out.stderr));
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let with = run(args(Some("qualification_certificate")));
    let address = with["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["field"] == "address")
        .unwrap()
        .clone();
    assert_eq!(address["advice"], "address_not_on_certificate");
    assert_eq!(address["action"], "ignore");
    assert!(
        with["notices"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["notice"] == "late_elderly_certificate_rule"),
        "{with}"
    );
    let without = run(args(None));
    let address = without["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["field"] == "address")
        .unwrap()
        .clone();
    assert_ne!(address["advice"], "address_not_on_certificate");
}
