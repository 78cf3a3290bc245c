//! The staff message catalogue (`onshi::messages`):
//! * `docs/ja/messages.json`, `.csv` and `.md` are what the code generates
//!   (`ONSHI_UPDATE_MESSAGES=1 cargo test --test messages` rewrites them);
//! * every message code the library can emit has a row: every `onshi_status` the C ABI names,
//!   every variant of the diff's `Advice`, `Cause` and `NoticeKind` and of the matching's
//!   `DraftNote` (read from their declarations in the source, so a new variant fails here
//!   until it has a row), every check id of `doctor` and both terminal outcomes.

use onshi::messages::{self, StaffMessage};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Compares a generated file with the committed one, or rewrites it on request.
fn check_file(path: &Path, generated: &str) {
    if std::env::var_os("ONSHI_UPDATE_MESSAGES").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    if committed != generated {
        let line = committed
            .lines()
            .zip(generated.lines())
            .position(|(a, b)| a != b)
            .map(|i| i + 1)
            .unwrap_or(committed.lines().count().min(generated.lines().count()) + 1);
        panic!(
            "{} differs from the catalogue in the code (first at line {line}); regenerate with \
             ONSHI_UPDATE_MESSAGES=1 cargo test --test messages, review the diff and commit it",
            path.display()
        );
    }
}

#[test]
fn exported_files_match_the_code() {
    let all = messages::catalogue();
    check_file(
        &root().join("docs/ja/messages.json"),
        &messages::to_json(&all),
    );
    check_file(
        &root().join("docs/ja/messages.csv"),
        &messages::to_csv(&all),
    );
    check_file(
        &root().join("docs/ja/messages.md"),
        &messages::to_markdown(&all),
    );
}

#[test]
fn json_export_reads_back() {
    let all = messages::catalogue();
    let v: serde_json::Value = serde_json::from_str(&messages::to_json(&all)).unwrap();
    assert_eq!(v["schema_version"], 1);
    let rows = v["messages"].as_array().unwrap();
    assert_eq!(rows.len(), all.len());
    assert_eq!(rows[0]["code"], all[0].code.as_str());
    for (r, m) in rows.iter().zip(&all) {
        assert_eq!(r["message_ja"], m.message_ja.as_str());
        assert_eq!(r["action_ja"], m.action_ja.as_str());
    }
}

/// A small RFC 4180 reader: the CSV export parses back to the same rows.
#[test]
fn csv_export_reads_back() {
    let all = messages::catalogue();
    let csv = messages::to_csv(&all);
    let body = csv.strip_prefix('\u{FEFF}').expect("BOM for Excel");
    let mut records: Vec<Vec<String>> = Vec::new();
    let (mut field, mut record, mut quoted, mut chars) =
        (String::new(), Vec::new(), false, body.chars().peekable());
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => assert_eq!(chars.next(), Some('\n'), "CRLF line ends"),
            (false, '\n') => panic!("bare LF outside quotes"),
            (false, c) => field.push(c),
        }
        if !quoted && c == '\r' {
            record.push(std::mem::take(&mut field));
            records.push(std::mem::take(&mut record));
        }
    }
    assert_eq!(
        records[0],
        [
            "code",
            "category",
            "status",
            "audience",
            "message_ja",
            "detail_ja",
            "action_ja",
            "source"
        ]
    );
    assert_eq!(records.len(), all.len() + 1);
    for (r, m) in records[1..].iter().zip(&all) {
        assert_eq!(r.len(), 8);
        assert_eq!(r[0], m.code);
        assert_eq!(r[2], m.status.map(|s| s.to_string()).unwrap_or_default());
        assert_eq!(r[4], m.message_ja);
        assert_eq!(r[5], m.detail_ja);
        assert_eq!(r[6], m.action_ja);
    }
}

/// Every `onshi_status` the C ABI has a name for (asked through the C ABI itself).
#[test]
fn every_status_the_c_abi_names_has_a_row() {
    let all = messages::catalogue();
    let mut named = 0;
    for status in 1..1000u32 {
        let mut buf = [0u8; 128];
        let mut len = 0usize;
        // SAFETY: the buffer is writable for its length; out_len is writable.
        let rc = unsafe {
            onshi::ffi::error::onshi_status_name(
                status,
                buf.as_mut_ptr().cast(),
                buf.len(),
                &mut len,
            )
        };
        if rc == 607 {
            continue; // ONSHI_NOT_PRESENT: an unassigned number
        }
        assert_eq!(rc, 0, "status {status}");
        let name = std::str::from_utf8(&buf[..len]).unwrap();
        named += 1;
        let row = all
            .iter()
            .find(|m| m.code == name)
            .unwrap_or_else(|| panic!("status {status} {name} is not in the catalogue"));
        assert_eq!(row.status, Some(status), "{name}");
    }
    assert!(
        named >= 70,
        "only {named} named statuses: the C ABI was not asked right"
    );
}

/// The variants of `pub enum NAME { … }` in a source file, as their serde (snake_case) names.
fn variants(file: &str, name: &str) -> Vec<String> {
    let src = std::fs::read_to_string(root().join(file)).unwrap();
    let start = src
        .find(&format!("pub enum {name} {{"))
        .unwrap_or_else(|| panic!("no enum {name} in {file}"));
    let body = &src[start..];
    let body = &body[body.find('{').unwrap() + 1..body.find("\n}").unwrap()];
    let mut out = Vec::new();
    for line in body.lines() {
        let t = line.trim();
        if t.starts_with("//") || t.starts_with('#') || t.is_empty() {
            continue;
        }
        // Top-level variants are indented by exactly four spaces.
        if !line.starts_with("    ") || line.starts_with("     ") {
            continue;
        }
        let ident: String = t
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if ident.is_empty() {
            continue;
        }
        let mut snake = String::new();
        for (i, c) in ident.chars().enumerate() {
            if c.is_uppercase() {
                if i > 0 {
                    snake.push('_');
                }
                snake.extend(c.to_lowercase());
            } else {
                snake.push(c);
            }
        }
        out.push(snake);
    }
    assert!(!out.is_empty(), "no variants read from {name}");
    out
}

fn codes(all: &[StaffMessage]) -> HashSet<&str> {
    all.iter().map(|m| m.code.as_str()).collect()
}

#[test]
fn every_variant_of_every_message_enum_has_a_row() {
    let all = messages::catalogue();
    let have = codes(&all);
    let families = [
        ("src/diff/advice.rs", "Advice", "advice"),
        ("src/diff/advice.rs", "Cause", "cause"),
        ("src/diff/advice.rs", "NoticeKind", "notice"),
        ("src/matching.rs", "DraftNote", "draft_note"),
    ];
    let mut missing = Vec::new();
    for (file, name, prefix) in families {
        for v in variants(file, name) {
            let code = format!("{prefix}.{v}");
            if !have.contains(code.as_str()) {
                missing.push(format!("{code} ({name} in {file})"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "not in the catalogue (add a row to onshi::messages): {missing:?}"
    );
}

#[test]
fn the_source_reader_sees_every_variant() {
    // The reader above must not under-count: Advice has 18 variants at this writing, each
    // with a serde name the JSON of a diff uses.
    let advice = variants("src/diff/advice.rs", "Advice");
    assert!(advice.len() >= 18, "{advice:?}");
    assert!(advice.contains(&"substitute_mark".to_string()));
    assert!(advice.contains(&"reference_number_mismatch".to_string()));
    for v in &advice {
        let parsed: onshi::diff::Advice = serde_json::from_value(serde_json::json!(v)).unwrap();
        assert_eq!(serde_json::to_value(parsed).unwrap(), serde_json::json!(v));
    }
}

#[test]
fn every_doctor_check_and_terminal_outcome_has_rows() {
    let all = messages::catalogue();
    let have = codes(&all);
    let src = std::fs::read_to_string(root().join("src/terminal/doctor.rs")).unwrap();
    let mut ids = HashSet::new();
    for pat in ["id: \"", "ok(\""] {
        for (i, _) in src.match_indices(pat) {
            let rest = &src[i + pat.len()..];
            ids.insert(rest[..rest.find('"').unwrap()].to_string());
        }
    }
    ids.remove("{id}");
    assert!(ids.len() >= 7, "{ids:?}");
    for id in &ids {
        assert!(
            have.contains(format!("doctor.{id}.ok").as_str()),
            "doctor check {id} has no OK row"
        );
        assert!(
            all.iter()
                .any(|m| m.code.starts_with(&format!("doctor.{id}.")) && !m.code.ends_with(".ok")),
            "doctor check {id} has no problem row"
        );
    }
    for code in [
        "terminal.not_answering.not_taken",
        "terminal.not_answering.taken",
        "terminal.not_consented.missing",
        "terminal.not_consented.expired",
    ] {
        assert!(have.contains(code), "{code}");
    }
}

#[test]
fn placeholders_are_the_documented_ones() {
    let allowed = [
        "{count}",
        "{seconds}",
        "{folders}",
        "{errors}",
        "{tries_left}",
        "{name}",
        "{sw}",
        "{prefixes}",
    ];
    for m in messages::catalogue() {
        for text in [&m.message_ja, &m.detail_ja, &m.action_ja] {
            let mut rest = text.as_str();
            while let Some(i) = rest.find('{') {
                let end = rest[i..].find('}').map(|e| i + e + 1).unwrap_or(rest.len());
                let p = &rest[i..end];
                assert!(allowed.contains(&p), "{}: unknown placeholder {p}", m.code);
                rest = &rest[end..];
            }
        }
    }
}
