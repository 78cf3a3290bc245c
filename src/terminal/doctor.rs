//! [`doctor()`]: is the connection to the terminal healthy? A structured report with advice
//! for staff in Japanese.
//!
//! Checks: the folders exist and can be listed and written; requests are being consumed (a
//! request left in `req/` longer than [`DoctorOptions::stale_after`] means the
//! 連携アプリケーション is not running); answers that arrived after their client gave up
//! (named, to collect with `onshi tickets collect`); answers and face files nobody
//! collected, and files in `face/` that are not face results (skipped); temporary files
//! left by a crash; pending tickets without an answer; the clock of the machine holding the
//! folders against this PC's (file times on a network share come from the server).
//!
//! Gathering the facts touches the disk; judging them ([`assess`]) is a pure function.

use super::face::is_face_name;
use super::journal::Journal;
use super::layout::Layout;
use super::watch::list_files;
use crate::xml::{Direction, FileName};
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::time::{Duration, SystemTime};

/// Thresholds of the checks.
#[derive(Clone, Copy, Debug)]
pub struct DoctorOptions {
    /// A request older than this in `req/` means the link program is not taking requests.
    pub stale_after: Duration,
    /// Answers, face files and temporary files older than this are reported as left over.
    pub orphan_after: Duration,
    /// Clock differences above this are reported.
    pub max_clock_skew: Duration,
    /// A decryption hook is set (`--decrypt-command`, [`FileCipher`](super::FileCipher)):
    /// encrypted files are then expected, not an error.
    pub decrypt_hook: bool,
}

impl Default for DoctorOptions {
    /// 30 s, 10 min, 2 min.
    fn default() -> Self {
        DoctorOptions {
            stale_after: Duration::from_secs(30),
            orphan_after: Duration::from_secs(600),
            max_clock_skew: Duration::from_secs(120),
            decrypt_hook: false,
        }
    }
}

/// The health of one check of [`doctor`]: all right, needs attention, or broken. (A
/// validation finding has its own [`crate::xml::Severity`], which has no "all right".)
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Health {
    /// All right.
    Ok,
    /// Works, but something needs attention.
    Warning,
    /// Eligibility checks cannot work.
    Error,
}

/// One check's result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Check {
    /// Stable identifier (`folders`, `encryption`, `link_program`, `late_answers`,
    /// `answers`, `face`, `temp_files`, `pending`, `clock`).
    pub id: &'static str,
    /// How this check stands.
    pub severity: Health,
    /// What was found, for staff (Japanese).
    pub message_ja: String,
    /// What to do (Japanese), when something is wrong.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub advice_ja: Option<String>,
    /// File names involved (no personal data in interface file names).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<String>,
}

/// The report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DoctorReport {
    /// Every check, in a fixed order.
    pub checks: Vec<Check>,
}

impl DoctorReport {
    /// The worst severity.
    pub fn worst(&self) -> Health {
        self.checks
            .iter()
            .map(|c| c.severity)
            .max()
            .unwrap_or(Health::Ok)
    }

    /// `true` when no check is an error.
    pub fn is_ok(&self) -> bool {
        self.worst() != Health::Error
    }

    /// The report as text for staff.
    pub fn to_text_ja(&self) -> String {
        let mut s = String::new();
        for c in &self.checks {
            let mark = match c.severity {
                Health::Ok => "OK  ",
                Health::Warning => "注意",
                Health::Error => "異常",
            };
            s.push_str(&format!("[{mark}] {}\n", c.message_ja));
            if let Some(a) = &c.advice_ja {
                s.push_str(&format!("       → {a}\n"));
            }
            for f in c.files.iter().take(5) {
                s.push_str(&format!("         {f}\n"));
            }
            if c.files.len() > 5 {
                s.push_str(&format!("         …ほか {} 件\n", c.files.len() - 5));
            }
        }
        s
    }
}

/// What one interface folder looked like.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FolderFacts {
    /// `req`, `res` or `face`.
    pub label: &'static str,
    /// It exists.
    pub exists: bool,
    /// Its entries can be listed.
    pub readable: bool,
    /// A probe file could be created and removed.
    pub writable: bool,
}

/// A file and its age.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgedFile {
    /// File name.
    pub name: String,
    /// Age (now − modification time); zero when the time is in the future.
    pub age: Duration,
}

/// The facts [`assess`] judges.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Facts {
    /// The three folders.
    pub folders: Vec<FolderFacts>,
    /// Files in `req/`.
    pub req: Vec<AgedFile>,
    /// Files in `res/`.
    pub res: Vec<AgedFile>,
    /// Face files not acknowledged yet.
    pub face_undelivered: Vec<AgedFile>,
    /// Files in `face/` that are not face results (never read).
    pub face_skipped: Vec<AgedFile>,
    /// Files of `res/` and `face/` named as XML interface files whose content is not XML
    /// (encrypted by the terminal).
    pub encrypted: Vec<AgedFile>,
    /// Files in the work folder.
    pub temp: Vec<AgedFile>,
    /// Pending tickets (request file, age).
    pub pending: Vec<AgedFile>,
    /// Modification time of a fresh probe file minus now, in seconds (positive: the
    /// folder's clock is ahead).
    pub clock_skew_secs: Option<i64>,
}

/// Runs every check on `layout`.
pub fn doctor(layout: &Layout, options: &DoctorOptions) -> DoctorReport {
    assess(&gather(layout), options)
}

fn aged(dir: &Path, now: SystemTime) -> Vec<AgedFile> {
    list_files(dir)
        .unwrap_or_default()
        .into_iter()
        .map(|name| {
            let age = std::fs::symlink_metadata(dir.join(&name))
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| now.duration_since(t).ok())
                .unwrap_or_default();
            AgedFile { name, age }
        })
        .collect()
}

/// Gathers the facts (reads the folders, writes and removes one probe file per folder).
pub fn gather(layout: &Layout) -> Facts {
    let now = SystemTime::now();
    let mut facts = Facts::default();
    for (label, dir) in layout.interface_dirs() {
        let exists = dir.is_dir();
        let readable = exists && list_files(dir).is_ok();
        let probe = dir.join(format!(".onshi-probe-{}", std::process::id()));
        let mut writable = false;
        if exists && std::fs::write(&probe, b"probe").is_ok() {
            writable = true;
            if label == "res"
                && let Ok(t) = std::fs::metadata(&probe).and_then(|m| m.modified())
            {
                let skew = match t.duration_since(now) {
                    Ok(ahead) => ahead.as_secs() as i64,
                    Err(e) => -(e.duration().as_secs() as i64),
                };
                facts.clock_skew_secs = Some(skew);
            }
            let _ = std::fs::remove_file(&probe);
        }
        facts.folders.push(FolderFacts {
            label,
            exists,
            readable,
            writable,
        });
    }
    facts.req = aged(&layout.req, now);
    facts.res = aged(&layout.res, now);
    facts.temp = aged(&layout.work, now);
    // Only an existing journal is read: the doctor creates nothing.
    let journal = layout
        .state
        .is_dir()
        .then(|| Journal::open(&layout.state).ok())
        .flatten();
    let (face, skipped): (Vec<AgedFile>, Vec<AgedFile>) = aged(&layout.face, now)
        .into_iter()
        .filter(|f| !f.name.starts_with(".onshi-probe-"))
        .partition(|f| is_face_name(&f.name));
    facts.face_skipped = skipped;
    for (dir, files) in [(&layout.res, &facts.res), (&layout.face, &face)] {
        for f in files {
            let xml_named =
                FileName::parse(&f.name).is_ok_and(|n| n.extension == crate::xml::Extension::Xml);
            if xml_named && head_is_not_xml(&dir.join(&f.name)) {
                facts.encrypted.push(f.clone());
            }
        }
    }
    facts.face_undelivered = face
        .into_iter()
        .filter(|f| journal.as_ref().is_none_or(|j| !j.face_delivered(&f.name)))
        .collect();
    if let Some(j) = &journal {
        let now_jst = super::now_jst();
        facts.pending = j
            .pending()
            .unwrap_or_default()
            .into_iter()
            .map(|t| AgedFile {
                age: (now_jst - t.submitted_at).to_std().unwrap_or_default(),
                name: t.request_file,
            })
            .collect();
    }
    facts
}

/// Reads the first bytes of a regular file (never blocking, never following a link): `true`
/// when they are not XML.
fn head_is_not_xml(path: &Path) -> bool {
    use std::io::Read;
    let Ok((f, _)) = crate::xml::open_regular(path, false) else {
        return false;
    };
    let mut head = Vec::with_capacity(64);
    if f.take(64).read_to_end(&mut head).is_err() {
        return false;
    }
    crate::xml::sniff(&head) == crate::xml::Sniff::NotXml
}

fn names(files: &[&AgedFile]) -> Vec<String> {
    files.iter().map(|f| f.name.clone()).collect()
}

fn ok(id: &'static str, msg: &str) -> Check {
    Check {
        id,
        severity: Health::Ok,
        message_ja: msg.into(),
        advice_ja: None,
        files: Vec::new(),
    }
}

/// Judges the facts (pure).
pub fn assess(f: &Facts, o: &DoctorOptions) -> DoctorReport {
    let mut checks = Vec::new();
    // Folders.
    let bad: Vec<&FolderFacts> = f
        .folders
        .iter()
        .filter(|d| !d.exists || !d.writable || !d.readable)
        .collect();
    checks.push(if bad.is_empty() {
        ok("folders", "req・res・face フォルダがあり、読み書きできます。")
    } else {
        let missing: Vec<&str> = bad.iter().filter(|d| !d.exists).map(|d| d.label).collect();
        let unreadable: Vec<&str> = bad
            .iter()
            .filter(|d| d.exists && !d.readable)
            .map(|d| d.label)
            .collect();
        let ro: Vec<&str> = bad
            .iter()
            .filter(|d| d.exists && !d.writable)
            .map(|d| d.label)
            .collect();
        let mut m = String::new();
        if !missing.is_empty() {
            m.push_str(&format!("フォルダが見つかりません: {}。", missing.join("、")));
        }
        if !unreadable.is_empty() {
            m.push_str(&format!("フォルダの中を読めません: {}。", unreadable.join("、")));
        }
        if !ro.is_empty() {
            m.push_str(&format!("フォルダに書き込めません: {}。", ro.join("、")));
        }
        let mut advice = String::from("資格確認端末の共有フォルダの場所と、このPCからのアクセス権（ネットワーク共有の接続・資格情報）を確認してください。");
        if missing.contains(&"face") {
            // The link program writes face results only when told to, into the folder its
            // configuration names (oqs-2026 §1.2 #7).
            advice.push_str("face フォルダがない場合は、資格確認端末の C:\\ProgramData\\OQS\\OQSComApp\\config\\UserDefinitionForFace.property の FaceDataDir（出力先）と OutputFlg=true（出力する）を確認してください。");
        }
        Check {
            id: "folders",
            severity: Health::Error,
            message_ja: m,
            advice_ja: Some(advice),
            files: Vec::new(),
        }
    });
    // Encrypted files, per prefix (encrypt.conf / encrypt_face.conf).
    checks.push(if f.encrypted.is_empty() {
        ok("encryption", "res・face フォルダのファイルは暗号化されていません。")
    } else {
        let mut by: std::collections::BTreeMap<String, usize> = Default::default();
        for a in &f.encrypted {
            *by.entry(super::cipher::prefix_of(&a.name)).or_default() += 1;
        }
        let per: Vec<String> = by.iter().map(|(p, n)| format!("{p} {n} 件")).collect();
        if o.decrypt_hook {
            Check {
                id: "encryption",
                severity: Health::Ok,
                message_ja: format!(
                    "暗号化されたファイルがあります（{}）。設定された復号モジュールで読み込みます。",
                    per.join("、")
                ),
                advice_ja: None,
                files: f.encrypted.iter().map(|a| a.name.clone()).collect(),
            }
        } else {
            Check {
                id: "encryption",
                severity: Health::Error,
                message_ja: format!(
                    "{}（暗号化されているファイル: {}）",
                    super::cipher::ENCRYPTED_JA.trim_end_matches('。'),
                    per.join("、")
                ),
                advice_ja: Some("レセコンベンダーの復号モジュールを設定してください（onshi の --decrypt-command、または復号フック）。暗号化しない場合は、資格確認端末の C:\\ProgramData\\OQS\\OQSComApp\\config\\encrypt.conf（顔認証は encrypt_face.conf）で該当するプレフィックスの行を n にします（端末ベンダーに相談してください）。".into()),
                files: f.encrypted.iter().map(|a| a.name.clone()).collect(),
            }
        }
    });
    // Requests consumed?
    let is_req =
        |a: &&AgedFile| FileName::parse(&a.name).is_ok_and(|n| n.direction == Direction::Request);
    let stale: Vec<&AgedFile> = f
        .req
        .iter()
        .filter(is_req)
        .filter(|a| a.age >= o.stale_after)
        .collect();
    let junk: Vec<&AgedFile> = f
        .req
        .iter()
        .filter(|a| !is_req(a) && !a.name.starts_with(".onshi-probe-"))
        .collect();
    checks.push(if !stale.is_empty() {
        Check {
            id: "link_program",
            severity: Health::Error,
            message_ja: format!(
                "要求ファイル {} 件が {} 秒以上 req フォルダに残っています。連携アプリケーションが要求を取り込んでいません。",
                stale.len(),
                o.stale_after.as_secs()
            ),
            advice_ja: Some("資格確認端末の電源と、連携アプリケーション（OQSComApp）が起動しているかを確認してください。端末の再起動で直ることがあります。".into()),
            files: names(&stale),
        }
    } else if !junk.is_empty() {
        Check {
            id: "link_program",
            severity: Health::Warning,
            message_ja: format!("req フォルダに要求ではないファイルが {} 件あります。", junk.len()),
            advice_ja: Some("連携アプリケーションの妨げになることがあるので、内容を確認して移動してください。".into()),
            files: names(&junk),
        }
    } else {
        ok("link_program", "req フォルダに滞留している要求はありません。")
    });
    // Answers that came after their client gave up: the ticket is pending and its answer
    // (or `.err`) is in res/.
    let key = |name: &str| {
        FileName::parse(name).ok().map(|n| {
            let r = n.response_name();
            format!("{}_{}", r.stem_prefix(), r.suffix)
        })
    };
    let in_res: std::collections::HashMap<String, &AgedFile> = f
        .res
        .iter()
        .filter(|a| {
            FileName::parse(&a.name).is_ok_and(|n| {
                n.direction == Direction::Response || n.extension == crate::xml::Extension::Err
            })
        })
        .filter_map(|a| Some((key(&a.name)?, a)))
        .collect();
    let late: Vec<&AgedFile> = f
        .pending
        .iter()
        .filter_map(|p| in_res.get(&key(&p.name)?).copied())
        .collect();
    checks.push(if late.is_empty() {
        ok("late_answers", "受け取られずに残っている照会の結果はありません。")
    } else {
        Check {
            id: "late_answers",
            severity: Health::Warning,
            message_ja: format!(
                "照会の結果 {} 件が届いていますが、まだ受け取られていません（待つのをやめた後に届いた結果です）。",
                late.len()
            ),
            advice_ja: Some("onshi tickets collect（またはレセコンの結果確認）で受け取ってください。不要なら onshi tickets forget で取り消せます。".into()),
            files: names(&late),
        }
    });
    // Answers nobody collected.
    let pending: std::collections::HashSet<String> =
        f.pending.iter().filter_map(|p| key(&p.name)).collect();
    let orphan: Vec<&AgedFile> = f
        .res
        .iter()
        .filter(|a| a.age >= o.orphan_after && !a.name.starts_with(".onshi-probe-"))
        .filter(|a| match FileName::parse(&a.name) {
            Ok(n) => {
                let r = n.response_name();
                !pending.contains(&format!("{}_{}", r.stem_prefix(), r.suffix))
            }
            Err(_) => true,
        })
        .collect();
    let errs = orphan.iter().filter(|a| a.name.ends_with(".err")).count();
    checks.push(if orphan.is_empty() {
        ok("answers", "res フォルダに取り残された結果はありません。")
    } else {
        Check {
            id: "answers",
            severity: Health::Warning,
            message_ja: format!(
                "res フォルダに、誰も受け取っていない古いファイルが {} 件あります（うちエラー（.err） {} 件）。",
                orphan.len(),
                errs
            ),
            advice_ja: Some("以前の照会の結果が残っています。レセコン側が停止していた間の結果かもしれません。内容を確認のうえ、不要なら削除してください。".into()),
            files: names(&orphan),
        }
    });
    // Face results nobody took.
    let face: Vec<&AgedFile> = f
        .face_undelivered
        .iter()
        .filter(|a| a.age >= o.stale_after)
        .collect();
    checks.push(if face.is_empty() && !f.face_skipped.is_empty() {
        Check {
            id: "face",
            severity: Health::Warning,
            message_ja: format!(
                "face フォルダに顔認証の結果ではないファイルが {} 件あります（読み込みません）。",
                f.face_skipped.len()
            ),
            advice_ja: Some("顔認証の結果は OQSsiquc01res_face_….xml という名前です。ほかのプログラムのファイルなら移動してください。".into()),
            files: f.face_skipped.iter().map(|a| a.name.clone()).collect(),
        }
    } else if face.is_empty() {
        ok("face", "顔認証付きカードリーダーの結果はすべて取り込まれています。")
    } else {
        Check {
            id: "face",
            severity: Health::Warning,
            message_ja: format!("取り込まれていない顔認証の結果が {} 件あります。", face.len()),
            advice_ja: Some("受付の取り込み（onshi watch やレセコンの受付画面）が動いているか確認してください。".into()),
            files: names(&face),
        }
    });
    // Temporary files left by a crash.
    let temp: Vec<&AgedFile> = f.temp.iter().filter(|a| a.age >= o.orphan_after).collect();
    checks.push(if temp.is_empty() {
        ok("temp_files", "書きかけの一時ファイルは残っていません。")
    } else {
        Check {
            id: "temp_files",
            severity: Health::Warning,
            message_ja: format!("書きかけの一時ファイルが {} 件残っています。", temp.len()),
            advice_ja: Some("書き込み中に停止した名残です。削除してかまいません。".into()),
            files: names(&temp),
        }
    });
    // Pending tickets.
    let waiting: Vec<&AgedFile> = f
        .pending
        .iter()
        .filter(|a| a.age >= o.stale_after)
        .filter(|a| key(&a.name).is_none_or(|k| !in_res.contains_key(&k)))
        .collect();
    checks.push(if waiting.is_empty() {
        ok("pending", "結果待ちで止まっている照会はありません。")
    } else {
        Check {
            id: "pending",
            severity: Health::Warning,
            message_ja: format!("{} 秒以上結果が返っていない照会が {} 件あります。", o.stale_after.as_secs(), waiting.len()),
            advice_ja: Some("資格情報の取得に時間がかかっています。資格確認端末の連携アプリケーションが起動しているか確認してください。".into()),
            files: names(&waiting),
        }
    });
    // Clock.
    checks.push(match f.clock_skew_secs {
        Some(s) if s.unsigned_abs() > o.max_clock_skew.as_secs() => Check {
            id: "clock",
            severity: Health::Warning,
            message_ja: format!("共有フォルダのある機器の時計が、このPCと {} 秒ずれています。", s.abs()),
            advice_ja: Some("Windows の時刻同期を確認してください。時計がずれると、滞留の判定や同意の有効期限の判定を誤ります。".into()),
            files: Vec::new(),
        },
        Some(_) => ok("clock", "時計のずれはありません。"),
        None => ok("clock", "時計のずれは確認できませんでした（res に書き込めません）。"),
    });
    DoctorReport { checks }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(name: &str, secs: u64) -> AgedFile {
        AgedFile {
            name: name.into(),
            age: Duration::from_secs(secs),
        }
    }

    fn healthy() -> Facts {
        Facts {
            folders: ["req", "res", "face"]
                .into_iter()
                .map(|label| FolderFacts {
                    label,
                    exists: true,
                    readable: true,
                    writable: true,
                })
                .collect(),
            clock_skew_secs: Some(0),
            ..Default::default()
        }
    }

    #[test]
    fn healthy_is_ok() {
        let r = assess(&healthy(), &DoctorOptions::default());
        assert_eq!(r.worst(), Health::Ok);
        assert_eq!(r.checks.len(), 9);
    }

    #[test]
    fn stale_request_means_link_program_down() {
        let mut f = healthy();
        f.req = vec![a("OQSsiquc01req_1.xml", 120), a("OQSsiquc01req_2.xml", 1)];
        let r = assess(&f, &DoctorOptions::default());
        assert_eq!(r.worst(), Health::Error);
        let c = r.checks.iter().find(|c| c.id == "link_program").unwrap();
        assert_eq!(c.files, vec!["OQSsiquc01req_1.xml".to_string()]);
        assert!(c.advice_ja.as_ref().unwrap().contains("OQSComApp"));
        assert!(r.to_text_ja().contains("[異常]"));
    }

    #[test]
    fn missing_folder_orphans_temp_and_clock() {
        let mut f = healthy();
        f.folders[2].exists = false;
        f.folders[2].writable = false;
        f.res = vec![
            a("OQSsiquc01res_9.xml", 3600),
            a("OQSsiquc01req_8.err", 3600),
            a("OQSsiquc01res_7.xml", 3600),
        ];
        f.pending = vec![a("OQSsiquc01req_7.xml", 3600)];
        f.temp = vec![a("x.tmp", 3600)];
        f.clock_skew_secs = Some(-600);
        f.face_undelivered = vec![a("OQSsiquc01res_face_1310000003aa_20250401090000.xml", 100)];
        let r = assess(&f, &DoctorOptions::default());
        let by = |id| r.checks.iter().find(|c| c.id == id).unwrap();
        assert_eq!(by("folders").severity, Health::Error);
        assert!(by("folders").message_ja.contains("face"));
        let advice = by("folders").advice_ja.as_ref().unwrap();
        assert!(advice.contains("FaceDataDir") && advice.contains("OutputFlg"));
        assert_eq!(
            by("answers").files.len(),
            2,
            "the pending one is not an orphan"
        );
        assert!(by("answers").message_ja.contains("エラー（.err） 1 件"));
        assert_eq!(by("temp_files").severity, Health::Warning);
        assert_eq!(by("clock").severity, Health::Warning);
        assert_eq!(by("face").severity, Health::Warning);
        // Its answer is in res/: named as a late answer, not as still waiting.
        assert_eq!(by("pending").severity, Health::Ok);
        assert_eq!(by("late_answers").files, vec!["OQSsiquc01res_7.xml"]);
    }

    #[test]
    fn encrypted_files_are_reported_per_prefix() {
        let mut f = healthy();
        f.encrypted = vec![
            a("OQSsiquc01res_1.xml", 1),
            a("OQSsiquc01res_face_1310000003aa_20250401090000.xml", 1),
            a("OQSmuquc02res_2.xml", 1),
        ];
        let r = assess(&f, &DoctorOptions::default());
        let c = r.checks.iter().find(|c| c.id == "encryption").unwrap();
        assert_eq!(c.severity, Health::Error);
        assert!(c.message_ja.contains("encrypt.conf"), "{}", c.message_ja);
        assert!(
            c.message_ja.contains("OQSsiquc 2 件") && c.message_ja.contains("OQSmuquc 1 件"),
            "{}",
            c.message_ja
        );
        let hooked = DoctorOptions {
            decrypt_hook: true,
            ..DoctorOptions::default()
        };
        let r = assess(&f, &hooked);
        let c = r.checks.iter().find(|c| c.id == "encryption").unwrap();
        assert_eq!(c.severity, Health::Ok);
    }

    #[test]
    fn gather_sniffs_encrypted_files() {
        let d = tempfile::tempdir().unwrap();
        let l = Layout::new(d.path());
        l.create_all().unwrap();
        std::fs::write(l.res.join("OQSsiquc01res_1.xml"), b"\x8f\x10ciphertext").unwrap();
        std::fs::write(l.res.join("OQSsiquc01res_2.xml"), b"<XmlMsg/>").unwrap();
        std::fs::write(
            l.face.join("OQSsiquc01res_face_auto_20260929160112.xml"),
            b"U2FsdGVk",
        )
        .unwrap();
        let f = gather(&l);
        let mut names: Vec<&str> = f.encrypted.iter().map(|a| a.name.as_str()).collect();
        names.sort();
        assert_eq!(
            names,
            [
                "OQSsiquc01res_1.xml",
                "OQSsiquc01res_face_auto_20260929160112.xml"
            ]
        );
    }

    #[test]
    fn junk_in_req_is_a_warning() {
        let mut f = healthy();
        f.req = vec![a("memo.txt", 1000)];
        let r = assess(&f, &DoctorOptions::default());
        assert_eq!(r.worst(), Health::Warning);
    }

    #[test]
    fn gather_on_a_real_folder() {
        let d = tempfile::tempdir().unwrap();
        let l = Layout::new(d.path());
        let r = doctor(&l, &DoctorOptions::default());
        assert_eq!(r.worst(), Health::Error, "folders missing");
        l.create_all().unwrap();
        let r = doctor(&l, &DoctorOptions::default());
        assert_eq!(r.worst(), Health::Ok, "{}", r.to_text_ja());
        assert!(list_files(&l.res).unwrap().is_empty(), "probe removed");
    }

    #[test]
    fn late_answers_are_named_and_not_reported_as_waiting() {
        let mut f = healthy();
        f.pending = vec![a("OQSsiquc01req_7.xml", 600), a("OQSsiquc01req_8.xml", 600)];
        f.res = vec![a("OQSsiquc01res_7.xml", 300)];
        let r = assess(&f, &DoctorOptions::default());
        let by = |id| r.checks.iter().find(|c| c.id == id).unwrap();
        assert_eq!(by("late_answers").files, vec!["OQSsiquc01res_7.xml"]);
        assert!(
            by("late_answers")
                .advice_ja
                .as_ref()
                .unwrap()
                .contains("tickets collect")
        );
        assert_eq!(by("pending").files, vec!["OQSsiquc01req_8.xml"]);
        assert_eq!(by("answers").severity, Health::Ok, "not an orphan");
    }

    #[test]
    fn unreadable_folder_and_skipped_face_files() {
        let mut f = healthy();
        f.folders[2].readable = false;
        f.face_skipped = vec![a("notes.txt", 10)];
        let r = assess(&f, &DoctorOptions::default());
        let by = |id| r.checks.iter().find(|c| c.id == id).unwrap();
        assert_eq!(by("folders").severity, Health::Error);
        assert!(by("folders").message_ja.contains("読めません: face"));
        assert_eq!(by("face").files, vec!["notes.txt"]);
    }
}
