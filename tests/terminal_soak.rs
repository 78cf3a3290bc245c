//! Soak: face results and queries for a while, with the watcher and the emulator killed
//! (SIGKILL) at random moments and restarted. Every face result is delivered, none is
//! delivered again after its acknowledgement; every query is answered.
//!
//! 40 s by default (about a minute in all); `ONSHI_SOAK_SECONDS=600` for a longer run. The
//! watcher and the emulator are this test binary, started as child processes.

mod terminal_common;

use onshi::terminal::{
    Client, ClientOptions, Emulator, EmulatorConfig, Layout, ProcessedPolicy, TerminalError, Ticket,
};
use onshi::xml::{Family, Message, QualificationRequest};
use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use terminal_common::*;

const ROLE: &str = "ONSHI_SOAK_ROLE";
const ROOT: &str = "ONSHI_SOAK_ROOT";

/// A small deterministic generator (the seed is printed, to replay a failure).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn watcher_options() -> ClientOptions {
    ClientOptions {
        // Deleting after the acknowledgement: a kill between the two must lose nothing.
        face_processed: ProcessedPolicy::Delete,
        ..options()
    }
}

/// The children's part. Does nothing in a normal test run.
#[test]
fn soak_child_role() {
    let (Ok(role), Ok(root)) = (std::env::var(ROLE), std::env::var(ROOT)) else {
        return;
    };
    let root = PathBuf::from(root);
    match role.as_str() {
        "emulator" => {
            // The previous emulator's lock goes with its process: retry briefly.
            let start = Instant::now();
            let _emu = loop {
                match Emulator::start(emulator(&root)) {
                    Ok(e) => break e,
                    Err(e) if start.elapsed() < Duration::from_secs(10) => {
                        eprintln!("{e}");
                        std::thread::sleep(Duration::from_millis(50));
                    }
                    Err(e) => panic!("{e}"),
                }
            };
            loop {
                std::thread::sleep(Duration::from_secs(3600));
            }
        }
        "watcher" => {
            let client = Client::open(Layout::new(&root), watcher_options()).unwrap();
            let mut log = std::fs::OpenOptions::new()
                .append(true)
                .create(true)
                .open(root.join("deliveries.log"))
                .unwrap();
            let mut rng = Rng(u64::from(std::process::id()) | 1);
            loop {
                if let Some(e) = client.next_face(Duration::from_secs(1)).unwrap() {
                    // One write per line: a kill cannot cut a line.
                    log.write_all(format!("D {} {}\n", e.file_name, e.delivery).as_bytes())
                        .unwrap();
                    std::thread::sleep(Duration::from_millis(rng.below(15)));
                    client.ack_face(&e).unwrap();
                    log.write_all(format!("A {}\n", e.file_name).as_bytes())
                        .unwrap();
                }
            }
        }
        other => panic!("unknown role {other}"),
    }
}

fn spawn(role: &str, root: &Path) -> Child {
    Command::new(std::env::current_exe().unwrap())
        .args([
            "soak_child_role",
            "--exact",
            "--test-threads=1",
            "--nocapture",
        ])
        .env(ROLE, role)
        .env(ROOT, root)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

fn restart(child: &mut Child, role: &str, root: &Path) {
    let _ = child.kill();
    let _ = child.wait();
    *child = spawn(role, root);
}

#[test]
fn soak_with_random_kills_of_the_watcher_and_the_emulator() {
    if std::env::var(ROLE).is_ok() {
        return;
    }
    let seconds: u64 = std::env::var("ONSHI_SOAK_SECONDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(40);
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    eprintln!("soak: {seconds} s, seed {seed}");
    let mut rng = Rng(seed);
    let d = tempfile::tempdir().unwrap();
    let root = d.path().to_path_buf();
    Layout::new(&root).create_all().unwrap();
    let mut emulator_child = spawn("emulator", &root);
    let mut watcher = spawn("watcher", &root);
    let client = Client::open(Layout::new(&root), options()).unwrap();
    let ds = onshi::terminal::Dataset::demo();
    let face_ids: Vec<String> = ds
        .persons
        .iter()
        .filter(|p| p.face)
        .map(|p| p.id.clone())
        .collect();
    let askable: Vec<_> = ds
        .persons
        .iter()
        .filter(|p| !p.is_public_assistance())
        .collect();
    let push_cfg = EmulatorConfig::new(&root);

    let mut pushed: Vec<String> = Vec::new();
    let mut tickets: Vec<Ticket> = Vec::new();
    let mut answered: HashSet<String> = HashSet::new();
    let (mut watcher_kills, mut emulator_kills) = (0, 0);
    let end = Instant::now() + Duration::from_secs(seconds);
    let mut next_kill = Instant::now() + Duration::from_millis(500 + rng.below(2500));
    while Instant::now() < end {
        for _ in 0..=rng.below(3) {
            let id = &face_ids[rng.below(face_ids.len() as u64) as usize];
            pushed.push(onshi::terminal::emulator::push_face_into(&push_cfg, id).unwrap());
        }
        let p = askable[rng.below(askable.len() as u64) as usize];
        let msg = Message::QualificationRequest(QualificationRequest {
            queries: vec![query_for(p)],
            ..Default::default()
        });
        let t = client.submit(Family::Individual, &msg).unwrap();
        match client.wait(&t, Duration::from_millis(500 + rng.below(1000))) {
            Ok(_) => {
                answered.insert(t.request_file.clone());
            }
            Err(TerminalError::NotAnswering(_)) => {}
            Err(e) => panic!("{}: {e}", t.request_file),
        }
        tickets.push(t);
        if Instant::now() >= next_kill {
            if rng.below(2) == 0 {
                restart(&mut watcher, "watcher", &root);
                watcher_kills += 1;
            } else {
                restart(&mut emulator_child, "emulator", &root);
                emulator_kills += 1;
            }
            next_kill = Instant::now() + Duration::from_millis(300 + rng.below(3000));
        }
        std::thread::sleep(Duration::from_millis(rng.below(60)));
    }

    // Calm: both run until everything is through.
    for (c, role) in [(&mut watcher, "watcher"), (&mut emulator_child, "emulator")] {
        if c.try_wait().unwrap().is_some() {
            *c = spawn(role, &root);
        }
    }
    let log_path = root.join("deliveries.log");
    let all: HashSet<&String> = pushed.iter().collect();
    let drain = Instant::now() + Duration::from_secs(60);
    loop {
        let log = std::fs::read_to_string(&log_path).unwrap_or_default();
        let acked: HashSet<&str> = log.lines().filter_map(|l| l.strip_prefix("A ")).collect();
        let journal = root.join(".onshi").join("face");
        let done = all
            .iter()
            .all(|n| acked.contains(n.as_str()) || journal.join(n).exists());
        if done || Instant::now() > drain {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    for t in &tickets {
        if answered.contains(&t.request_file) {
            continue;
        }
        match client.wait(t, T) {
            Ok(_) => {
                answered.insert(t.request_file.clone());
            }
            Err(e) => panic!("{} never answered: {e}", t.request_file),
        }
    }
    let _ = watcher.kill();
    let _ = emulator_child.kill();
    let _ = watcher.wait();
    let _ = emulator_child.wait();

    // Every face result delivered and acknowledged; none delivered after its
    // acknowledgement; none deleted without one.
    let log = std::fs::read_to_string(&log_path).unwrap();
    let mut acked_at: HashMap<&str, usize> = HashMap::new();
    let mut delivered: HashMap<&str, usize> = HashMap::new();
    for (i, l) in log.lines().enumerate() {
        if let Some(rest) = l.strip_prefix("D ") {
            let name = rest.split(' ').next().unwrap();
            *delivered.entry(name).or_default() += 1;
            assert!(
                !acked_at.contains_key(name),
                "{name} delivered again after its acknowledgement (line {i})"
            );
        } else if let Some(name) = l.strip_prefix("A ") {
            acked_at.entry(name).or_insert(i);
        }
    }
    let journal = root.join(".onshi").join("face");
    for n in &pushed {
        assert!(delivered.contains_key(n.as_str()), "{n} never delivered");
        assert!(journal.join(n).exists(), "{n} not acknowledged");
    }
    let again = delivered.values().filter(|&&c| c > 1).count();
    assert_eq!(answered.len(), tickets.len(), "every query answered");
    assert!(client.pending().unwrap().is_empty());
    eprintln!(
        "soak: {} face results ({} delivered more than once after a kill before their \
         acknowledgement), {} queries, {watcher_kills} watcher and {emulator_kills} emulator kills",
        pushed.len(),
        again,
        tickets.len()
    );
    assert!(watcher_kills + emulator_kills > 0 || seconds < 5);
}
