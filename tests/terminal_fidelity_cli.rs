//! Issue 11 through the command line: an encrypting terminal (`--decrypt-command`, `doctor`,
//! `parse`, `watch`), zipped bulk results, an unknown 処理結果区分, files of `face/` that are
//! not face results. The "encryption" is base64 through the system's `base64` program: never a
//! real scheme, but opaque (no `<`) and run as an external command, as a vendor's module is.
#![cfg(all(feature = "cli", unix))]

mod terminal_common;

use onshi::terminal::{CommandLine, Emulator, EmulatorConfig, ExternalCommand};
use std::sync::Arc;
use std::time::Duration;
use terminal_common::{CARD, onshi, text};

fn base64_cipher() -> ExternalCommand {
    ExternalCommand {
        decrypt: Some(CommandLine {
            program: "base64".into(),
            args: vec!["-d".into()],
        }),
        encrypt: Some(CommandLine::new("base64")),
        timeout: Duration::from_secs(20),
    }
}

const DECRYPT: [&str; 4] = ["--decrypt-command", "base64", "--decrypt-arg", "-d"];

fn files_in(dir: &std::path::Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn an_encrypting_terminal_is_named_by_query_doctor_and_parse_and_read_with_the_command() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path().to_str().unwrap();
    let mut cfg = EmulatorConfig::new(d.path());
    cfg.cipher = Some(Arc::new(base64_cipher()));
    let emu = Emulator::start(cfg).unwrap();

    // Without the module: exit 1 with the staff text naming the setting and the prefix —
    // not "malformed XML".
    let mut args = vec!["query", "--root", root, "--timeout", "20"];
    args.extend(CARD);
    let out = onshi(&args);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    let err = text(&out.stderr);
    assert!(err.contains("encrypt.conf"), "{err}");
    assert!(err.contains("OQSsiquc"), "{err}");
    assert!(!err.contains("well-formed"), "{err}");

    // doctor: an error per prefix; with the module set, expected.
    let out = onshi(&["doctor", "--root", root, "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let check = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "encryption")
        .unwrap()
        .clone();
    assert_eq!(check["severity"], "error", "{check}");
    let msg = check["message_ja"].as_str().unwrap();
    assert!(msg.contains("OQSsiquc 1 件"), "{msg}");
    let mut args = vec!["doctor", "--root", root, "--json"];
    args.extend(DECRYPT);
    let v: serde_json::Value = serde_json::from_slice(&onshi(&args).stdout).unwrap();
    let check = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "encryption")
        .unwrap()
        .clone();
    assert_eq!(check["severity"], "ok", "{check}");

    // parse: the same distinct message; with the command, the answer and its file name.
    let res = d.path().join("res");
    let answer = files_in(&res)
        .into_iter()
        .find(|n| n.starts_with("OQSsiquc01res_") && n.ends_with(".xml"))
        .expect("the encrypted answer stays in res/");
    let answer_path = res.join(&answer);
    let answer_path = answer_path.to_str().unwrap();
    let bytes = std::fs::read(answer_path).unwrap();
    assert!(!bytes.contains(&b'<'), "the emulator wrote opaque bytes");
    let out = onshi(&["parse", answer_path]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("encrypt.conf") && err.contains(&format!("OQSsiquc {answer}")),
        "{err}"
    );
    let mut args = vec!["parse", answer_path];
    args.extend(DECRYPT);
    let out = onshi(&args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["message"]["type"], "qualification_response");
    assert_eq!(v["file"]["prefix"], "OQSsiquc");
    assert_eq!(v["file"]["kind"], "qualification_response");

    // A module that is missing, or fails: exit 1 naming the program or its stderr.
    let out = onshi(&[
        "parse",
        answer_path,
        "--decrypt-command",
        "/nonexistent/oqsdecrypt",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("cannot run /nonexistent/oqsdecrypt"),
        "{}",
        text(&out.stderr)
    );
    let out = onshi(&[
        "parse",
        answer_path,
        "--decrypt-command",
        "sh",
        "--decrypt-arg",
        "-c",
        "--decrypt-arg",
        "echo 'key file missing' >&2; exit 4",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("key file missing"), "{err}");
    assert!(err.contains("復号できませんでした"), "{err}");

    // query with the module: the answer.
    let mut args = vec!["query", "--root", root, "--timeout", "20"];
    args.extend(CARD);
    args.extend(DECRYPT);
    let out = onshi(&args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["message"]["body"]["qualification_validity"], "1");

    // A module that hangs is stopped at --hook-timeout: a typed error, not a hang.
    let mut args = vec!["query", "--root", root, "--timeout", "20"];
    args.extend(CARD);
    args.extend(["--decrypt-command", "sleep", "--decrypt-arg", "60"]);
    args.extend(["--hook-timeout", "1"]);
    let started = std::time::Instant::now();
    let out = onshi(&args);
    assert_eq!(out.status.code(), Some(1));
    assert!(started.elapsed() < Duration::from_secs(15));
    let err = text(&out.stderr);
    assert!(err.contains("killed") || err.contains("did not"), "{err}");

    // Face results, encrypted (encrypt_face.conf): named without the module, read with it.
    let face = emu.push_face("P01").unwrap();
    let out = onshi(&["watch", "--root", root, "--once"]);
    let so = text(&out.stdout);
    let line: serde_json::Value = serde_json::from_str(so.lines().next().unwrap()).unwrap();
    assert_eq!(line["file"], face.as_str());
    assert!(
        line["message_ja"].as_str().unwrap().contains("encrypt"),
        "{line}"
    );
    // That error line was the delivery (the file stays in face/); the next patient's result
    // is read with the module.
    let face = emu.push_face("P02").unwrap();
    let mut args = vec!["watch", "--root", root, "--once"];
    args.extend(DECRYPT);
    let out = onshi(&args);
    let so = text(&out.stdout);
    let lines: Vec<&str> = so.lines().collect();
    assert_eq!(lines.len(), 1, "{so}");
    let v: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(v["file"], face.as_str());
    assert!(v["result"].is_object(), "{v}");
}

fn appointments(d: &std::path::Path) -> String {
    let csv = d.join("appointments.csv");
    std::fs::write(
        &csv,
        "id,insurer,symbol,number,branch,birthdate\nA1,01130012,12-34,1001,00,19800401\n",
    )
    .unwrap();
    csv.to_str().unwrap().to_string()
}

fn bulk(root: &str, csv: &str) -> std::process::Output {
    onshi(&[
        "bulk",
        "--root",
        root,
        "--date",
        "20250402",
        "--institution",
        "1310000003",
        "--timeout",
        "60",
        csv,
    ])
}

#[test]
fn zipped_bulk_results_and_an_unknown_segment() {
    // Zipped: read inside, as if it were the XML.
    let d = tempfile::tempdir().unwrap();
    let root = d.path().to_str().unwrap();
    let mut cfg = EmulatorConfig::new(d.path());
    cfg.processing_polls = 0;
    cfg.zip_bulk = true;
    let _emu = Emulator::start(cfg).unwrap();
    let out = bulk(root, &appointments(d.path()));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("A1\t有効"),
        "{}",
        text(&out.stdout)
    );

    // parse reads a zipped result inside and names the entry; a hostile one is refused.
    let xml = std::fs::read("tests/fixtures/utf8/OQSmuquc02res_202504010001.xml").unwrap();
    let zip = onshi::terminal::zip_result("OQSmuquc02res_202504010001.xml", &xml).unwrap();
    let zpath = d.path().join("OQSmuquc02res_202504010001.zip");
    std::fs::write(&zpath, &zip).unwrap();
    let out = onshi(&["parse", zpath.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["message"]["type"], "bulk_qualification_response");
    assert_eq!(v["zip"]["entry"], "OQSmuquc02res_202504010001.xml");
    assert_eq!(v["file"]["extension"], "zip");
    let bad = onshi::terminal::zip_result("../OQSmuquc02res_202504010001.xml", &xml).unwrap();
    std::fs::write(&zpath, &bad).unwrap();
    let out = onshi(&["parse", zpath.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("unsafe entry name"),
        "{}",
        text(&out.stderr)
    );

    // An unknown 処理結果区分: a failure keeping the raw value, never a silent success.
    let d = tempfile::tempdir().unwrap();
    let root = d.path().to_str().unwrap();
    let mut cfg = EmulatorConfig::new(d.path());
    cfg.processing_polls = 0;
    cfg.bulk_segment = Some("3".into());
    let _emu = Emulator::start(cfg).unwrap();
    let out = bulk(root, &appointments(d.path()));
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    let err = text(&out.stderr);
    assert!(err.contains("処理結果区分") && err.contains('3'), "{err}");
    assert!(!text(&out.stdout).contains("有効"), "{}", text(&out.stdout));
}

#[test]
fn watch_names_each_file_of_face_that_is_not_a_face_result_once() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path().to_str().unwrap();
    let emu = Emulator::start(EmulatorConfig::new(d.path())).unwrap();
    let face = d.path().join("face");
    std::fs::write(face.join("notes.txt"), b"x").unwrap();
    std::fs::write(
        face.join("publicmedicalhub_20260929160112.xml"),
        b"<XmlMsg/>",
    )
    .unwrap();
    let pushed = emu.push_face("P01").unwrap();
    let out = onshi(&["watch", "--root", root, "--once"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let so = text(&out.stdout);
    assert_eq!(so.lines().count(), 1, "{so}");
    assert!(so.contains(&pushed));
    let err = text(&out.stderr);
    for name in ["notes.txt", "publicmedicalhub_20260929160112.xml"] {
        let line = format!("onshi: face/{name}: not a face result; not read");
        assert_eq!(err.matches(&line).count(), 1, "{err}");
    }
}
