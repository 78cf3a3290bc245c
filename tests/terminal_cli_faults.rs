//! The terminal commands when their output, their folders or their disk fail: `onshi watch`
//! acknowledges a face result only after its line was written and flushed, and says so
//! loudly (exit 1, never a panic) when it cannot; `onshi tickets`, `parse --redact` of an
//! `.err`, `emulate --list-persons`, one emulator per root.
#![cfg(feature = "cli")]

mod terminal_common;

use onshi::terminal::{Behaviour, Emulator, EmulatorConfig};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use terminal_common::{CARD, Tmpfs, emulator, onshi, text};

fn push(root: &Path, id: &str) -> String {
    onshi::terminal::emulator::push_face_into(&EmulatorConfig::new(root), id).unwrap()
}

/// `onshi watch --once` output lines (the files printed).
fn once(root: &str) -> Vec<String> {
    let out = onshi(&["watch", "--root", root, "--once"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout)
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["file"].as_str().unwrap().to_string()
        })
        .collect()
}

fn settle() {
    // Face files are taken once unchanged for the settle interval (200 ms).
    std::thread::sleep(Duration::from_millis(300));
}

#[cfg(unix)]
#[test]
fn watch_with_stdout_closed_fails_loudly_and_acknowledges_nothing() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path().to_str().unwrap();
    std::fs::create_dir_all(d.path().join("req")).unwrap();
    std::fs::create_dir_all(d.path().join("res")).unwrap();
    let name = push(d.path(), "P01");
    settle();
    // `onshi watch --once >&-`: it used to panic (exit 101) after marking the result
    // delivered.
    let out = Command::new("sh")
        .args([
            "-c",
            &format!(
                "exec \"{}\" watch --root \"{root}\" --once >&-",
                env!("CARGO_BIN_EXE_onshi")
            ),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains("nothing acknowledged") && !err.contains("panicked"),
        "{err}"
    );
    assert!(err.contains("受け取り済みにしていません"), "{err}");
    // Not acknowledged: the next run prints it.
    assert_eq!(once(root), vec![name]);
    assert!(once(root).is_empty());
}

#[test]
fn watch_exits_when_its_reader_goes_away_and_the_result_comes_again() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path().to_str().unwrap();
    std::fs::create_dir_all(d.path().join("req")).unwrap();
    std::fs::create_dir_all(d.path().join("res")).unwrap();
    std::fs::create_dir_all(d.path().join("face")).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_onshi"))
        .args(["watch", "--root", root])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The consumer goes away before anything is printed.
    drop(child.stdout.take());
    let name = push(d.path(), "P02");
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "watch did not exit"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut err = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut err).unwrap();
    assert_eq!(status.code(), Some(1), "{err}");
    assert!(err.contains("cannot write to stdout"), "{err}");
    assert_eq!(
        once(root),
        vec![name],
        "printed again: it was not acknowledged"
    );
}

#[test]
fn watch_on_a_full_disk_deletes_nothing_it_could_not_print() {
    let d = tempfile::tempdir().unwrap();
    let Some(fs) = Tmpfs::mount(&d.path().join("out"), "1m") else {
        return;
    };
    let root = d.path().join("oqs");
    for f in ["req", "res", "face"] {
        std::fs::create_dir_all(root.join(f)).unwrap();
    }
    let name = push(&root, "P01");
    settle();
    let filler = fs.fill();
    let out_file = std::fs::File::create(fs.dir.join("faces.jsonl")).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_onshi"))
        .args(["watch", "--root", root.to_str().unwrap()])
        .args(["--once", "--policy", "delete"])
        .stdout(out_file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        root.join("face").join(&name).exists(),
        "not deleted: its line could not be written"
    );
    std::fs::remove_file(filler).unwrap();
    assert_eq!(once(root.to_str().unwrap()), vec![name]);
}

#[test]
fn watch_once_on_an_unreadable_face_folder_exits_one() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path().to_str().unwrap();
    for f in ["req", "res"] {
        std::fs::create_dir_all(d.path().join(f)).unwrap();
    }
    // Not a folder: cannot be listed (it used to print nothing and exit 0).
    std::fs::write(d.path().join("face"), b"x").unwrap();
    let out = onshi(&["watch", "--root", root, "--once"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("face"), "{}", text(&out.stderr));
}

#[cfg(unix)]
#[test]
fn watch_once_without_permission_to_read_face_exits_one() {
    use std::os::unix::fs::PermissionsExt;
    // Root reads any folder whatever its mode: the command runs as `nobody` (setpriv).
    let root_user = std::fs::metadata("/proc/self")
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0)
        .unwrap_or(false);
    let setpriv = Path::new("/usr/bin/setpriv").exists();
    if !root_user || !setpriv {
        eprintln!("SKIPPED: needs root and setpriv to run the command as another user");
        return;
    }
    let d = tempfile::tempdir().unwrap();
    std::fs::set_permissions(d.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    for f in ["req", "res", "face"] {
        std::fs::create_dir_all(d.path().join(f)).unwrap();
    }
    push(d.path(), "P01");
    for e in walk(d.path()) {
        std::os::unix::fs::chown(&e, Some(65534), Some(65534)).unwrap();
    }
    std::fs::set_permissions(
        d.path().join("face"),
        std::fs::Permissions::from_mode(0o000),
    )
    .unwrap();
    let out = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(env!("CARGO_BIN_EXE_onshi"))
        .args(["watch", "--root", d.path().to_str().unwrap(), "--once"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("権限"), "{}", text(&out.stderr));
    std::fs::set_permissions(
        d.path().join("face"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
}

fn walk(p: &Path) -> Vec<std::path::PathBuf> {
    let mut out = vec![p.to_path_buf()];
    if p.is_dir() {
        for e in std::fs::read_dir(p).unwrap().flatten() {
            out.extend(walk(&e.path()));
        }
    }
    out
}

#[test]
fn watch_with_a_read_only_journal_says_so() {
    let d = tempfile::tempdir().unwrap();
    for f in ["req", "res", "face"] {
        std::fs::create_dir_all(d.path().join(f)).unwrap();
    }
    let Some(fs) = Tmpfs::mount(&d.path().join(".onshi"), "4m") else {
        return;
    };
    push(d.path(), "P01");
    settle();
    fs.read_only(true);
    let out = onshi(&["watch", "--root", d.path().to_str().unwrap(), "--once"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("読み取り専用"),
        "{}",
        text(&out.stderr)
    );
    assert!(
        text(&out.stdout).is_empty(),
        "nothing printed as if delivered"
    );
}

#[test]
fn tickets_list_collect_and_forget() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path().to_str().unwrap();
    let mut cfg = emulator(d.path());
    cfg.behaviour = Behaviour::Down;
    let emu = Emulator::start(cfg).unwrap();
    for _ in 0..2 {
        let mut args = vec!["query", "--root", root, "--timeout", "1"];
        args.extend(CARD);
        let out = onshi(&args);
        assert_eq!(out.status.code(), Some(1));
        let err = text(&out.stderr);
        assert!(
            err.contains("tickets collect") && err.contains("OQSComApp"),
            "{err}"
        );
    }
    let out = onshi(&["tickets", "--root", root, "list", "--json"]);
    let lines: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["answer_arrived"], false);
    let first = lines[0]["ticket"]["request_file"]
        .as_str()
        .unwrap()
        .to_string();
    // Forget one; the terminal comes back and answers the other, which is collected.
    let out = onshi(&["tickets", "--root", root, "forget", &first]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    std::fs::remove_file(d.path().join("req").join(&first)).unwrap();
    emu.set_behaviour(Behaviour::Normal);
    let start = Instant::now();
    let collected = loop {
        let out = onshi(&["tickets", "--root", root, "collect"]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let so = text(&out.stdout);
        if !so.trim().is_empty() {
            break so;
        }
        assert!(start.elapsed() < Duration::from_secs(20));
        std::thread::sleep(Duration::from_millis(100));
    };
    let v: serde_json::Value = serde_json::from_str(collected.trim()).unwrap();
    assert!(v["answer_file"].as_str().unwrap().contains("res_"));
    assert_eq!(v["message"]["type"], "qualification_response");
    let out = onshi(&["tickets", "--root", root, "list"]);
    assert!(text(&out.stdout).trim().is_empty());
    assert!(
        !onshi(&["tickets", "--root", root, "forget", "nope.xml"])
            .status
            .success()
    );
}

#[test]
fn parse_redact_hides_an_err_files_content() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("OQSsiquc01req_202504010001.err");
    std::fs::write(
        &p,
        "要求ファイルを読み取れません: 見本　花子 19800401 番号1001\r\n",
    )
    .unwrap();
    let out = onshi(&["parse", "--redact", p.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let so = text(&out.stdout);
    assert!(
        !so.contains("花子") && !so.contains("19800401") && !so.contains("1001"),
        "{so}"
    );
    assert!(so.contains("error_report"));
    let out = onshi(&["parse", p.to_str().unwrap()]);
    assert!(
        text(&out.stdout).contains("花子"),
        "without --redact: as is"
    );
}

#[test]
fn emulate_lists_persons_and_refuses_a_second_emulator_on_a_root() {
    let out = onshi(&[
        "emulate",
        "--root",
        "/nonexistent",
        "--list-persons",
        "--json",
    ]);
    assert!(out.status.success());
    let persons: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(persons.len() >= 50);
    assert!(
        persons
            .iter()
            .any(|p| p["id"] == "P01" && p["face"] == true)
    );
    assert!(persons.iter().all(|p| p.get("name").is_none()));

    let d = tempfile::tempdir().unwrap();
    let root = d.path().to_str().unwrap();
    let _first = Emulator::start(EmulatorConfig::new(d.path())).unwrap();
    let out = onshi(&["emulate", "--root", root]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("already runs"),
        "{}",
        text(&out.stderr)
    );
    // A face result can still be pushed while it runs.
    let out = onshi(&["emulate", "--root", root, "--push-face", "P01"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
}
