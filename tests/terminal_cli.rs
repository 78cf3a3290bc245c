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
        "1310000003",
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
    assert!(face.starts_with("OQSsiquc01res_face_1310000003"));
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
fn bulk_kind_runs_every_bulk_family() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path().to_str().unwrap();
    let mut cfg = EmulatorConfig::new(d.path());
    cfg.processing_polls = 0;
    let emu = Emulator::start(cfg).unwrap();
    let base = ["bulk", "--root", root, "--institution", "1310000003"];
    let run = |extra: &[&str]| {
        let mut args = base.to_vec();
        args.extend_from_slice(extra);
        onshi(&args)
    };
    // 医療扶助 of one month: every assisted person of the dataset, each with its 医療券.
    let assisted = emu
        .dataset()
        .persons
        .iter()
        .filter(|p| p.is_public_assistance())
        .count();
    assert!(assisted > 0);
    let out = run(&[
        "--kind",
        "medical-assistance",
        "--month",
        "202504",
        "--json",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["type"], "bulk_qualification_response", "{v}");
    assert_eq!(v["units"].as_array().map(Vec::len), Some(assisted), "{v}");
    let out = run(&["--kind", "medical-assistance", "--month", "202504"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let lines = text(&out.stdout);
    assert_eq!(lines.lines().count(), assisted, "{lines}");
    assert!(lines.contains("医療券"), "{lines}");
    // 訪問 and オンライン by date range; 照会番号 registrations from a file.
    for kind in ["home-visit", "online"] {
        let out = run(&[
            "--kind", kind, "--from", "20000101", "--to", "20991231", "--json",
        ]);
        assert!(out.status.success(), "{kind}: {}", text(&out.stderr));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["type"], "bulk_qualification_response", "{kind}: {v}");
    }
    let csv = d.path().join("registrations.csv");
    std::fs::write(
        &csv,
        "id,insurer,symbol,number,branch\nK-1,01130012,12-34,1001,00\n",
    )
    .unwrap();
    let out = run(&["--kind", "reference-number", csv.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("K-1"), "{}", text(&out.stdout));
    // What a kind needs is checked before anything is sent: exit 2.
    for (args, says) in [
        (vec!["--kind", "medical-assistance"], "needs --month"),
        (
            vec!["--kind", "medical-assistance", "--month", "202513"],
            "not a month",
        ),
        (vec!["--kind", "online", "--from", "20250401"], "needs --to"),
        (
            vec![
                "--kind",
                "home-visit",
                "--from",
                "20250401",
                "--to",
                "20250301",
            ],
            "is after",
        ),
        (
            vec!["--kind", "qualification", csv.to_str().unwrap()],
            "needs --date",
        ),
        (
            vec![
                "--kind",
                "medical-assistance",
                "--month",
                "202504",
                csv.to_str().unwrap(),
            ],
            "takes no FILE",
        ),
    ] {
        let out = run(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            text(&out.stderr).contains(says),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
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
