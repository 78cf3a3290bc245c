//! Helpers shared by the terminal integration tests.
#![allow(dead_code)]

use onshi::ids::{MedicalInstitutionCode, Mode};
use onshi::model::QualificationQuery;
use onshi::terminal::dataset::Person;
use onshi::terminal::{Client, ClientOptions, Emulator, EmulatorConfig, Layout, WatchConfig};
use std::time::Duration;

pub const T: Duration = Duration::from_secs(20);

pub fn code() -> MedicalInstitutionCode {
    MedicalInstitutionCode::parse("1310000009", Mode::Strict).unwrap()
}

pub fn options() -> ClientOptions {
    ClientOptions {
        medical_institution_code: Some(code()),
        watch: WatchConfig {
            use_events: true,
            rescan_interval: Duration::from_millis(100),
        },
        recheck_interval: Duration::from_millis(100),
        ..ClientOptions::default()
    }
}

pub fn emulator(root: &std::path::Path) -> EmulatorConfig {
    let mut c = EmulatorConfig::new(root);
    c.watch.rescan_interval = Duration::from_millis(50);
    c
}

pub fn setup() -> (tempfile::TempDir, Emulator, Client) {
    let d = tempfile::tempdir().unwrap();
    let emu = Emulator::start(emulator(d.path())).unwrap();
    let client = Client::open(Layout::new(d.path()), options()).unwrap();
    (d, emu, client)
}

pub fn person<'a>(emu: &'a Emulator, label_prefix: &str) -> &'a Person {
    emu.dataset()
        .persons
        .iter()
        .find(|p| p.label.starts_with(label_prefix))
        .unwrap_or_else(|| panic!("no person {label_prefix}"))
}

/// The query a clinic would send for this person's (first) card.
pub fn query_for(p: &Person) -> QualificationQuery {
    p.query()
}

/// The bytes of a real face file (P01 at the reader), as the emulator writes it.
pub fn face_bytes() -> Vec<u8> {
    let d = tempfile::tempdir().unwrap();
    let cfg = EmulatorConfig::new(d.path());
    let name = onshi::terminal::emulator::push_face_into(&cfg, "P01").unwrap();
    std::fs::read(d.path().join("face").join(name)).unwrap()
}

/// A face file name written at `yyyyMMddHHmmss` with a distinguishing token.
pub fn face_name(token: &str, time: &str) -> String {
    format!("OQSsiquc01res_face_1310000009{token:0>20}_{time}.xml")
}

/// Runs `f` on another thread and fails the test if it does not return within `secs`
/// (a call that blocks forever — on a FIFO, say — must fail, not hang the suite).
pub fn within<T: Send + 'static>(secs: u64, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(Duration::from_secs(secs))
        .unwrap_or_else(|_| panic!("did not return within {secs} s"))
}

/// A tmpfs mounted on a folder for the life of the value (unmounted on drop). `None`, with
/// the reason printed, where mounting is not permitted (not root, or no CAP_SYS_ADMIN):
/// `tests/run-all.sh` runs these tests as root.
pub struct Tmpfs {
    pub dir: std::path::PathBuf,
}

impl Tmpfs {
    pub fn mount(dir: &std::path::Path, size: &str) -> Option<Tmpfs> {
        std::fs::create_dir_all(dir).unwrap();
        let out = std::process::Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size},mode=0755"),
                "tmpfs",
            ])
            .arg(dir)
            .output();
        match out {
            Ok(o) if o.status.success() => Some(Tmpfs {
                dir: dir.to_path_buf(),
            }),
            Ok(o) => {
                eprintln!(
                    "SKIPPED: cannot mount a tmpfs ({}); run as root (tests/run-all.sh does)",
                    String::from_utf8_lossy(&o.stderr).trim()
                );
                None
            }
            Err(e) => {
                eprintln!("SKIPPED: cannot run mount ({e}); run as root (tests/run-all.sh does)");
                None
            }
        }
    }

    /// Remounts read-only (`true`) or read-write.
    pub fn read_only(&self, ro: bool) {
        let opt = if ro { "remount,ro" } else { "remount,rw" };
        let ok = std::process::Command::new("mount")
            .args(["-o", opt])
            .arg(&self.dir)
            .status()
            .unwrap()
            .success();
        assert!(ok, "remount {opt}");
    }

    /// Fills the file system: a file that takes every free byte. Remove it to free them.
    pub fn fill(&self) -> std::path::PathBuf {
        use std::io::Write;
        let p = self.dir.join("filler");
        let mut f = std::fs::File::create(&p).unwrap();
        let chunk = vec![0u8; 64 * 1024];
        while f.write_all(&chunk).is_ok() {}
        let small = [0u8; 512];
        while f.write_all(&small).is_ok() {}
        let _ = f.write_all(&[0u8]);
        drop(f);
        p
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(&self.dir)
            .status();
    }
}

/// Runs the `onshi` command.
#[cfg(feature = "cli")]
pub fn onshi(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_onshi"))
        .args(args)
        .output()
        .unwrap()
}

/// Bytes as text (lossy).
pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The card flags of a 個別照会 for the demo dataset's first person.
pub const CARD: [&str; 12] = [
    "--institution",
    "1310000009",
    "--insurer",
    "01130012",
    "--symbol",
    "12-34",
    "--number",
    "1001",
    "--branch",
    "00",
    "--birthdate",
    "19800401",
];
