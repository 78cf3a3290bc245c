//! `onshi query`, `bulk`, `watch`, `doctor` and `emulate` against an in-process emulator.
#![cfg(feature = "cli")]

mod terminal_common;

use onshi::terminal::{Behaviour, Emulator, EmulatorConfig};
use terminal_common::{CARD, onshi, text};

#[test]
fn query_exits_zero_with_an_answer_and_one_without() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path().to_str().unwrap();
    let emu = Emulator::start(EmulatorConfig::new(d.path())).unwrap();
    let mut args = vec!["query", "--root", root, "--timeout", "20"];
    args.extend(CARD);
    let out = onshi(&args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["message"]["type"], "qualification_response");
    assert_eq!(v["message"]["body"]["qualification_validity"], "1");
    assert_eq!(v["file"]["family"], "individual");
    assert!(text(&out.stderr).contains("資格有効性: 有効"));

    // 該当資格なし is still an answer: exit 0.
    let mut args = vec!["query", "--root", root, "--timeout", "20"];
    let mut card = CARD;
    card[7] = "99999";
    args.extend(card);
    let out = onshi(&args);
    assert!(out.status.success());
    assert!(text(&out.stderr).contains("該当資格なし"));

    // The link program is down: exit 1 with the staff message.
    emu.set_behaviour(Behaviour::Down);
    let mut args = vec!["query", "--root", root, "--timeout", "1"];
    args.extend(CARD);
    let out = onshi(&args);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("資格情報の取得に時間がかかっています"),
        "{err}"
    );
    assert!(
        err.contains("the link program is not taking requests"),
        "{err}"
    );

    // …and doctor says so.
    let out = onshi(&["doctor", "--root", root, "--stale-after", "0"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("連携アプリケーションが要求を取り込んでいません"));
    let out = onshi(&["doctor", "--root", root, "--stale-after", "0", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        v["checks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == "link_program" && c["severity"] == "error")
    );
}

#[test]
fn bulk_watch_and_emulate_commands() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path().to_str().unwrap();
    let mut cfg = EmulatorConfig::new(d.path());
    cfg.processing_polls = 0;
    let _emu = Emulator::start(cfg).unwrap();
    let csv = d.path().join("appointments.csv");
    std::fs::write(
        &csv,
        "id,insurer,symbol,number,branch,birthdate\nA1,01130012,12-34,1001,00,19800401\nA2,01130012,12-34,1021,00,19950505\n",
    )
    .unwrap();
    let out = onshi(&[
        "bulk",
        "--root",
        root,
        "--date",
        "20250402",
        "--institution",
        "1310000009",
        csv.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let so = text(&out.stdout);
    assert!(
        so.contains("A1\t有効") && so.contains("A2\t該当資格なし"),
        "{so}"
    );
    // The progress bar is drawn only on a terminal, never into a pipe or a log.
    assert!(!text(&out.stderr).contains("100%"), "{}", text(&out.stderr));

    let out = onshi(&["emulate", "--root", root, "--list"]);
    assert!(text(&out.stdout).lines().count() >= 50);
    let out = onshi(&["emulate", "--root", root, "--push-face", "P01"]);
    assert!(out.status.success());
    let face = text(&out.stdout).trim().to_string();
    assert!(face.starts_with("OQSsiquc01res_face_1310000009"));
    let out = onshi(&["watch", "--root", root, "--once"]);
    let lines: Vec<String> = text(&out.stdout).lines().map(String::from).collect();
    assert_eq!(lines.len(), 1);
    let v: serde_json::Value = serde_json::from_str(&lines[0]).unwrap();
    assert_eq!(v["file"], face.as_str());
    // Printed once: a second run prints nothing.
    let out = onshi(&["watch", "--root", root, "--once"]);
    assert!(text(&out.stdout).trim().is_empty());
    assert!(
        !onshi(&["emulate", "--root", root, "--push-face", "nobody"])
            .status
            .success()
    );
}

#[test]
fn query_with_registered_prints_the_diff() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path().to_str().unwrap();
    let emu = Emulator::start(EmulatorConfig::new(d.path())).unwrap();
    let mut q = emu.dataset().persons[0].qualifications[0].clone();
    q.person.address = Some(onshi::Personal::new("東京都見本区北町１－２－３".into()));
    let reg = d.path().join("registered.json");
    std::fs::write(&reg, q.to_json()).unwrap();
    let mut args = vec![
        "query",
        "--root",
        root,
        "--timeout",
        "20",
        "--registered",
        reg.to_str().unwrap(),
    ];
    args.extend(CARD);
    let out = onshi(&args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["diff"]["verdict"], "update_recommended");
    assert!(text(&out.stderr).contains("住所"), "{}", text(&out.stderr));
}
