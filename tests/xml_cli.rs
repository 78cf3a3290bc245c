//! `onshi parse`, `onshi validate`, `onshi request individual` as a user runs them.
//! The binary needs the `cli` feature: `cargo test --all-features` (or `--features cli`).
#![cfg(feature = "cli")]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn onshi(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_onshi"))
        .args(args)
        .output()
        .expect("run onshi")
}

fn fixtures(d: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(d),
    )
    .unwrap()
    .map(|e| e.unwrap().path())
    .collect();
    v.sort();
    v
}

fn stdout_text(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn parse_prints_json_for_every_fixture() {
    let mut n = 0;
    for d in ["utf8", "sjis"] {
        for f in fixtures(d) {
            let o = onshi(&["parse", f.to_str().unwrap()]);
            assert!(o.status.success(), "{}: {}", f.display(), stderr(&o));
            let v: Value = serde_json::from_slice(&o.stdout).unwrap();
            assert_eq!(v["schema_version"], 1);
            assert!(v["file"].is_object(), "{}", f.display());
            let ty = v["message"]["type"].as_str().unwrap().to_string();
            let ext = f.extension().unwrap().to_str().unwrap();
            match ext {
                "err" => assert_eq!(ty, "error_report"),
                "pdf" => {
                    assert_eq!(ty, "pdf");
                    assert_eq!(v["encoding"], Value::Null);
                }
                _ => {
                    let want = if d == "utf8" { "utf8" } else { "shift_jis" };
                    assert_eq!(v["encoding"], want, "{}", f.display());
                    assert!(ty.contains("request") || ty.contains("response"), "{ty}");
                }
            }
            n += 1;
        }
    }
    assert!(n >= 85, "{n}");
}

#[test]
fn parse_shows_every_value_and_redact_hides_personal_ones() {
    let f = fixtures("utf8")
        .into_iter()
        .find(|p| p.to_string_lossy().contains("OQSsiquc01res_202504010001"))
        .unwrap();
    let plain = String::from_utf8(onshi(&["parse", f.to_str().unwrap()]).stdout).unwrap();
    let o = onshi(&["parse", "--redact", f.to_str().unwrap()]);
    assert!(o.status.success());
    let redacted = String::from_utf8(o.stdout).unwrap();
    for secret in [
        "見本　花子",
        "ﾐﾎﾝ ﾊﾅｺ",
        "1980-01-01",
        "東京都千代田区",
        "100-0001",
        "\"ABC\"",
    ] {
        assert!(
            plain.contains(secret),
            "{secret} missing from the plain output"
        );
        assert!(!redacted.contains(secret), "{secret} leaked:\n{redacted}");
    }
    // Not personal: kept.
    for kept in ["見本区", "\"138057\"", "1312345679", "2020-04-01"] {
        assert!(redacted.contains(kept), "{kept}");
    }
    // The patient block of a 薬剤情報 answer is unmodelled: its text is masked, names stay.
    let f = fixtures("utf8")
        .into_iter()
        .find(|p| p.to_string_lossy().contains("YZKsiquc01res_0125"))
        .unwrap();
    let r = String::from_utf8(onshi(&["parse", "--redact", f.to_str().unwrap()]).stdout).unwrap();
    assert!(r.contains("\"QuaInf\"") && r.contains("\"KanaName\""));
    assert!(!r.contains("見本　花子") && !r.contains("19800101"), "{r}");
}

#[test]
fn malformed_files_exit_1_with_file_line_col() {
    let (mut errors, mut odd) = (0, 0);
    for f in fixtures("malformed") {
        let path = f.to_str().unwrap();
        let o = onshi(&["parse", path]);
        let e = stderr(&o);
        assert!(!e.contains("panicked"), "{path}: {e}");
        if onshi::xml::parse(&std::fs::read(&f).unwrap()).is_ok() {
            // An odd leaf value: the answer is kept, the value reported where it is.
            assert_eq!(o.status.code(), Some(0), "{path}: {e}");
            let json: Value = serde_json::from_slice(&o.stdout).unwrap();
            let w = &json["warnings"][0];
            assert_eq!(w["kind"], "invalid_value", "{path}");
            assert!(w["line"].as_u64().unwrap() >= 1, "{path}");
            // validate reports it (the minimal fixtures may lack required fields: errors of
            // their own, so its exit status is not asserted here).
            let v = onshi(&["validate", path]);
            let wpath = w["path"].as_str().unwrap();
            assert!(
                stdout_text(&v).contains(": warning: the value (")
                    && stdout_text(&v).contains(wpath),
                "{}",
                stdout_text(&v)
            );
            odd += 1;
            continue;
        }
        assert_eq!(o.status.code(), Some(1), "{path}");
        let rest = e
            .strip_prefix(&format!("{path}:"))
            .unwrap_or_else(|| panic!("{e}"));
        let mut parts = rest.splitn(3, ':');
        let line: usize = parts.next().unwrap().parse().unwrap();
        let col: usize = parts.next().unwrap().parse().unwrap();
        assert!(line >= 1 && col >= 1);
        assert!(parts.next().unwrap().len() > 3);
        assert!(o.stdout.is_empty());
        // validate reports the same error and fails too.
        let v = onshi(&["validate", path]);
        assert_eq!(v.status.code(), Some(1), "{path}");
        assert!(stderr(&v).contains(": error: "), "{}", stderr(&v));
        errors += 1;
    }
    assert!(errors >= 20, "{errors}");
    assert!(odd >= 8, "{odd}");
}

#[test]
fn an_odd_value_is_a_warning_with_its_location() {
    let f = fixtures("malformed")
        .into_iter()
        .find(|p| p.to_string_lossy().contains("16-bad-date"))
        .unwrap();
    let o = onshi(&["parse", f.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let json: Value = serde_json::from_slice(&o.stdout).unwrap();
    let [w] = json["warnings"].as_array().unwrap().as_slice() else {
        panic!("{json}")
    };
    assert_eq!(
        w["path"],
        "/XmlMsg/MessageBody/ResultList/ResultOfQualificationConfirmation[2]/Birthdate"
    );
    assert_eq!(
        (w["line"].as_u64(), w["column"].as_u64()),
        (Some(12), Some(9))
    );
    assert_eq!(w["value"], "1980011");
    assert_eq!(w["expected"], "a date yyyyMMdd");
    // The first result is whole, the second keeps the raw value among its extras.
    let results = &json["message"]["body"]["results"];
    assert_eq!(results[0]["birthdate"], "1980-01-01", "{json}");
    assert_eq!(results[1]["extra"][0]["text"], "1980011", "{json}");
    // --redact masks the value.
    let r = onshi(&["parse", "--redact", f.to_str().unwrap()]);
    let json: Value = serde_json::from_slice(&r.stdout).unwrap();
    assert_eq!(json["warnings"][0]["value"], "‹7 chars›");
    // A clean file has an empty list.
    let clean = fixtures("utf8")
        .into_iter()
        .find(|p| p.to_string_lossy().contains("OQSsiquc01res_202504010001"))
        .unwrap();
    let json: Value =
        serde_json::from_slice(&onshi(&["parse", clean.to_str().unwrap()]).stdout).unwrap();
    assert_eq!(json["warnings"], serde_json::json!([]));
    // validate reports it at the same place.
    let v = stdout_text(&onshi(&["validate", f.to_str().unwrap()]));
    assert!(
        v.contains(&format!("{}:12:9: warning: ", f.display())),
        "{v}"
    );
}

#[test]
fn garbage_never_panics() {
    let dir = tempfile::tempdir().unwrap();
    let inputs: Vec<Vec<u8>> = vec![
        vec![],
        vec![0xff; 100],
        b"<".to_vec(),
        b"<XmlMsg".to_vec(),
        b"<?xml".to_vec(),
        b"\xef\xbb\xbf".to_vec(),
        (0..=255u8).collect(),
        b"<XmlMsg><MessageBody><BulkConfirmUnit><ResultList><ResultOfQualificationConfirmation><Name>"
            .to_vec(),
    ];
    for (i, b) in inputs.iter().enumerate() {
        for name in [
            format!("x{i}.xml"),
            format!("OQSsiquc01res_{i}.xml"),
            format!("OQSsiquc01req_{i}.err"),
        ] {
            let p = dir.path().join(name);
            std::fs::write(&p, b).unwrap();
            for cmd in ["parse", "validate"] {
                let o = onshi(&[cmd, p.to_str().unwrap()]);
                assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
                assert!(o.status.code().is_some());
            }
        }
    }
    let o = onshi(&["parse", dir.path().join("missing.xml").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn validate_reports_findings_with_locations() {
    let f = fixtures("utf8")
        .into_iter()
        .find(|p| p.to_string_lossy().contains("OQSsiquc01res_202504010005"))
        .unwrap();
    let o = onshi(&["validate", f.to_str().unwrap()]);
    assert!(o.status.success(), "warnings only");
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(
        out.contains(&format!(
            "{}:15:9: warning: unknown code \"08\"",
            f.display()
        )),
        "{out}"
    );
    // A request with a wrong check digit is an error.
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("OQSsiquc01req_1.xml");
    std::fs::write(
        &p,
        "<XmlMsg>\n<MessageHeader><QualificationConfirmationDate>20250401</QualificationConfirmationDate>\
         <MedicalInstitutionCode>1312345679</MedicalInstitutionCode></MessageHeader>\n<MessageBody>\
         <QualificationConfirmSearchInfo>\n<InsurerNumber>138058</InsurerNumber>\
         <InsuredIdentificationNumber>1</InsuredIdentificationNumber><InsuredBranchNumber>01</InsuredBranchNumber>\
         <Birthdate>19800101</Birthdate><LimitApplicationCertificateRelatedConsFlg>1</LimitApplicationCertificateRelatedConsFlg>\
         </QualificationConfirmSearchInfo></MessageBody></XmlMsg>",
    )
    .unwrap();
    let o = onshi(&["validate", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(
        out.contains(":4:1: error: 保険者番号: check digit (検証番号) is 8, expected 7"),
        "{out}"
    );
}

#[test]
fn request_individual_writes_a_named_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let base = [
        "request",
        "individual",
        "--institution",
        "1312345679",
        "--insurer",
        "138057",
        "--symbol",
        "ＡＢＣ",
        "--number",
        "100",
        "--branch",
        "1",
        "--birthdate",
        "19800101",
        "--date",
        "20250401",
        "--out",
        out,
    ];
    let mut paths = Vec::new();
    for enc in ["utf8", "sjis"] {
        let mut args = base.to_vec();
        args.extend(["--encoding", enc]);
        let o = onshi(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        let path = String::from_utf8(o.stdout).unwrap().trim().to_string();
        let name = Path::new(&path)
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        assert!(
            name.starts_with("OQSsiquc01req_") && name.ends_with(".xml"),
            "{name}"
        );
        let suffix = &name["OQSsiquc01req_".len()..name.len() - 4];
        assert_eq!(suffix.len(), 16);
        assert!(suffix.bytes().all(|b| b.is_ascii_alphanumeric()));
        let parsed = onshi(&["parse", &path]);
        let v: Value = serde_json::from_slice(&parsed.stdout).unwrap();
        let q = &v["message"]["queries"][0];
        assert_eq!(q["insurer_number"], "138057");
        assert_eq!(q["insured_card_symbol"], "ABC");
        assert_eq!(q["insured_branch_number"], "01");
        assert_eq!(q["limit_consent_flag"], "0");
        assert_eq!(
            v["message"]["header"]["qualification_confirmation_date"],
            "2025-04-01"
        );
        assert_eq!(v["message"]["header"]["arbitrary_file_identifier"], suffix);
        let raw = std::fs::read(&path).unwrap();
        assert!(raw.windows(8).any(|w| w == b"  138057"), "space-padded");
        assert_eq!(
            v["encoding"],
            if enc == "utf8" { "utf8" } else { "shift_jis" }
        );
        paths.push(path);
    }
    assert_ne!(
        paths[0], paths[1],
        "two files in the same second get distinct names"
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        2,
        "no temp file left"
    );

    // Strict by default: a wrong check digit is refused with the expected digit.
    let mut bad = base.to_vec();
    bad[5] = "138058";
    let o = onshi(&bad);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("expected 7"), "{}", stderr(&o));
    bad.push("--lenient");
    assert!(onshi(&bad).status.success());
    // An arbitrary file identifier longer than 50 characters is refused.
    let long = "x".repeat(51);
    let mut args = base.to_vec();
    args.extend(["--id", &long]);
    assert_eq!(onshi(&args).status.code(), Some(1));
}

/// A bulk answer of `n` units (the fixture's first unit, repeated) written into `dir`, in
/// `encoding`; its JSON is several megabytes, far more than a pipe holds.
fn big_bulk(dir: &Path, n: usize, encoding: onshi::xml::Encoding) -> PathBuf {
    let f = fixtures("utf8")
        .into_iter()
        .find(|p| p.to_string_lossy().contains("OQSmuquc02res_202504010001"))
        .unwrap();
    let doc = onshi::xml::parse(&std::fs::read(f).unwrap()).unwrap();
    let onshi::xml::Message::BulkQualificationResponse(mut m) = doc.message else {
        panic!("not a bulk answer")
    };
    m.units = vec![m.units[0].clone(); n];
    let bytes =
        onshi::xml::write(&onshi::xml::Message::BulkQualificationResponse(m), encoding).unwrap();
    let p = dir.join(format!("OQSmuquc02res_20250401{n:04}.xml"));
    std::fs::write(&p, bytes).unwrap();
    p
}

#[test]
fn parse_streams_a_large_answer_in_both_encodings() {
    let dir = tempfile::tempdir().unwrap();
    for enc in [onshi::xml::Encoding::Utf8, onshi::xml::Encoding::ShiftJis] {
        let f = big_bulk(dir.path(), 3_000, enc);
        let o = onshi(&["parse", f.to_str().unwrap()]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(o.stdout.len() > 1_000_000, "{}", o.stdout.len());
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v["message"]["units"].as_array().unwrap().len(), 3_000);
        assert_eq!(o.stdout.last(), Some(&b'\n'));
    }
}

#[test]
fn a_reader_that_goes_away_ends_parse_with_an_error_not_a_panic() {
    use std::io::Read;
    use std::process::Stdio;
    let dir = tempfile::tempdir().unwrap();
    let f = big_bulk(dir.path(), 3_000, onshi::xml::Encoding::Utf8);
    let spawn = || {
        Command::new(env!("CARGO_BIN_EXE_onshi"))
            .args(["parse", f.to_str().unwrap()])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    // `onshi parse big.xml | head -c 1000`: the reader takes a little and closes the pipe.
    let mut child = spawn();
    let mut first = [0u8; 1000];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(first.starts_with(b"{\n  \"schema_version\": 1"));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(e.starts_with("onshi: cannot write to stdout ("), "{e}");
    assert!(!e.contains("panicked"), "{e}");

    // Both pipes gone before the first byte (stderr too): still a plain exit 1.
    let mut child = spawn();
    drop(child.stdout.take());
    drop(child.stderr.take());
    assert_eq!(child.wait().unwrap().code(), Some(1));
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_ends_parse_with_an_error() {
    // /dev/full refuses every write with ENOSPC, as a full disk does.
    let dir = tempfile::tempdir().unwrap();
    let f = big_bulk(dir.path(), 100, onshi::xml::Encoding::Utf8);
    let o = Command::new(env!("CARGO_BIN_EXE_onshi"))
        .args(["parse", f.to_str().unwrap()])
        .stdout(std::fs::File::create("/dev/full").unwrap())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.starts_with("onshi: cannot write to stdout ("), "{e}");
    assert!(!e.contains("panicked"), "{e}");
}

/// The key lists of `onshi parse --redact` (the command's own module, compiled in here).
#[allow(dead_code)]
#[path = "../src/bin/onshi/parse_json.rs"]
mod parse_json;

/// The redaction `onshi parse --redact` promises, applied to a parsed JSON tree: the oracle
/// for the streaming redaction of the command.
mod oracle {
    use super::parse_json::{PERSONAL, UNMODELLED};
    use serde_json::Value;

    fn mask(v: &mut Value) {
        match v {
            Value::String(s) => *s = onshi::personal::redact(s),
            Value::Array(a) => a.iter_mut().for_each(mask),
            _ => {}
        }
    }

    fn unmodelled(el: &mut Value) {
        let Value::Object(m) = el else { return };
        if let Some(t) = m.get_mut("text") {
            mask(t);
        }
        if let Some(Value::Array(attrs)) = m.get_mut("attributes") {
            for pair in attrs {
                if let Value::Array(kv) = pair
                    && let Some(v) = kv.get_mut(1)
                {
                    mask(v);
                }
            }
        }
        if let Some(Value::Array(children)) = m.get_mut("children") {
            children.iter_mut().for_each(unmodelled);
        }
    }

    pub fn redact(v: &mut Value) {
        match v {
            Value::Object(m) => {
                for (k, v) in m.iter_mut() {
                    if PERSONAL.contains(&k.as_str()) {
                        mask(v);
                    } else if UNMODELLED.contains(&k.as_str())
                        && let Value::Array(items) = v
                    {
                        items.iter_mut().for_each(unmodelled);
                    } else {
                        redact(v);
                    }
                }
            }
            Value::Array(a) => a.iter_mut().for_each(redact),
            _ => {}
        }
    }
}

#[test]
fn streamed_redaction_masks_what_the_tree_redaction_masks() {
    let mut n = 0;
    for d in ["utf8", "sjis"] {
        for f in fixtures(d) {
            if f.extension().is_some_and(|e| e == "err") {
                continue; // masked whole, below
            }
            let plain = onshi(&["parse", f.to_str().unwrap()]);
            let red = onshi(&["parse", "--redact", f.to_str().unwrap()]);
            assert!(plain.status.success() && red.status.success());
            let mut want: Value = serde_json::from_slice(&plain.stdout).unwrap();
            oracle::redact(&mut want);
            let got: Value = serde_json::from_slice(&red.stdout).unwrap();
            assert_eq!(got, want, "{}", f.display());
            // The plain output's layout and key order, only values differ.
            let (p, r) = (stdout_text(&plain), stdout_text(&red));
            assert_eq!(p.lines().count(), r.lines().count(), "{}", f.display());
            for (pl, rl) in p.lines().zip(r.lines()) {
                if let Some(k) = pl.find("\": ") {
                    assert_eq!(&pl[..k], &rl[..k], "{}", f.display());
                }
            }
            n += 1;
        }
    }
    assert!(n >= 80, "{n}");
    let f = fixtures("utf8")
        .into_iter()
        .find(|p| p.extension().is_some_and(|e| e == "err"))
        .unwrap();
    let red = onshi(&["parse", "--redact", f.to_str().unwrap()]);
    let v: Value = serde_json::from_slice(&red.stdout).unwrap();
    let text = v["message"]["text"].as_str().unwrap();
    assert!(text.starts_with('‹') && text.ends_with(" chars›"), "{text}");
}
