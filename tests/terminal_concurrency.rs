//! Many requests at once, and answers written half-way.

mod terminal_common;

use onshi::model::MessageHeader;
use onshi::terminal::{
    Behaviour, Client, ClientOptions, Emulator, Layout, ProcessedPolicy, now_jst,
};
use onshi::xml::{Family, Message, QualificationRequest};
use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;
use terminal_common::*;

#[test]
fn two_hundred_concurrent_submits_no_collision_no_lost_answer() {
    let (_d, emu, client) = setup();
    let client = Arc::new(client);
    let persons = Arc::new(emu.dataset().persons.clone());
    let handles: Vec<_> = (0..200)
        .map(|i| {
            let c = client.clone();
            let ps = persons.clone();
            std::thread::spawn(move || {
                let p = ps
                    .iter()
                    .filter(|p| !p.is_public_assistance())
                    .nth(i % 40)
                    .unwrap();
                let msg = Message::QualificationRequest(QualificationRequest {
                    header: MessageHeader {
                        qualification_confirmation_date: Some(now_jst().date()),
                        ..Default::default()
                    },
                    queries: vec![query_for(p)],
                    ..Default::default()
                });
                let t = c.submit(Family::Individual, &msg).unwrap();
                let m = c.wait(&t, Duration::from_secs(60)).unwrap();
                let Message::QualificationResponse(r) = m else {
                    panic!()
                };
                assert_eq!(
                    r.header.arbitrary_file_identifier,
                    t.arbitrary_file_identifier
                );
                t.request_file
            })
        })
        .collect();
    let names: HashSet<String> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(names.len(), 200, "unique request names");
    assert_eq!(emu.stats().answered, 200);
    assert!(client.pending().unwrap().is_empty());
}

#[test]
fn two_client_instances_never_collide() {
    let (d, emu, a) = setup();
    let b = Client::open(Layout::new(d.path()), options()).unwrap();
    let p = emu.dataset().persons[0].clone();
    let msg = Message::QualificationRequest(QualificationRequest {
        queries: vec![query_for(&p)],
        ..Default::default()
    });
    let mut names = HashSet::new();
    for _ in 0..50 {
        names.insert(a.submit(Family::Individual, &msg).unwrap().request_file);
        names.insert(b.submit(Family::Individual, &msg).unwrap().request_file);
    }
    assert_eq!(names.len(), 100);
}

#[test]
fn a_half_written_answer_is_not_read_until_complete() {
    let d = tempfile::tempdir().unwrap();
    // 1. Get a real answer's bytes (kept in res/ by the "leave" policy).
    let emu = Emulator::start(emulator(d.path())).unwrap();
    let keep = ClientOptions {
        processed: ProcessedPolicy::Leave,
        ..options()
    };
    let client = Client::open(Layout::new(d.path()), keep).unwrap();
    let p = emu.dataset().persons[0].clone();
    let msg = Message::QualificationRequest(QualificationRequest {
        header: MessageHeader {
            arbitrary_file_identifier: Some("same-afi".into()),
            ..Default::default()
        },
        queries: vec![query_for(&p)],
        ..Default::default()
    });
    let t1 = client.submit(Family::Individual, &msg).unwrap();
    let expected = client.wait(&t1, T).unwrap();
    let bytes = std::fs::read(d.path().join("res").join(t1.response_file())).unwrap();

    // 2. The terminal goes down; another program writes the next answer slowly.
    emu.set_behaviour(Behaviour::Down);
    let t2 = client.submit(Family::Individual, &msg).unwrap();
    let target = d.path().join("res").join(t2.response_file());
    let half = bytes.len() / 2;
    std::fs::write(&target, &bytes[..half]).unwrap();
    let client = Arc::new(client);
    let c2 = client.clone();
    let t2c = t2.clone();
    let waiter = std::thread::spawn(move || c2.wait(&t2c, Duration::from_secs(30)));
    std::thread::sleep(Duration::from_millis(400));
    assert!(
        !waiter.is_finished(),
        "a half-written answer must not be returned"
    );
    {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&target)
            .unwrap();
        f.write_all(&bytes[half..]).unwrap();
    }
    let got = waiter.join().unwrap().unwrap();
    assert_eq!(got, expected);
}

#[test]
fn an_answer_that_stays_broken_is_reported_after_the_settle_time() {
    let d = tempfile::tempdir().unwrap();
    let mut cfg = emulator(d.path());
    cfg.behaviour = Behaviour::Down;
    let _emu = Emulator::start(cfg).unwrap();
    let client = Client::open(
        Layout::new(d.path()),
        ClientOptions {
            settle_timeout: Duration::from_millis(300),
            ..options()
        },
    )
    .unwrap();
    let msg = Message::QualificationRequest(QualificationRequest::default());
    let t = client.submit(Family::Individual, &msg).unwrap();
    std::fs::write(
        d.path().join("res").join(t.response_file()),
        b"<?xml version=\"1.0\"?><XmlMsg><Mess",
    )
    .unwrap();
    let e = client.wait(&t, T).unwrap_err();
    assert!(
        matches!(e, onshi::terminal::TerminalError::BadAnswer { .. }),
        "{e}"
    );
}

#[test]
fn garbage_in_face_and_res_never_panics_and_is_reported() {
    let d = tempfile::tempdir().unwrap();
    let mut cfg = emulator(d.path());
    cfg.behaviour = Behaviour::Down;
    let _emu = Emulator::start(cfg).unwrap();
    let client = Client::open(
        Layout::new(d.path()),
        ClientOptions {
            settle_timeout: Duration::from_millis(100),
            ..options()
        },
    )
    .unwrap();
    let face = d.path().join("face");
    let junk: [&[u8]; 5] = [
        b"",
        b"\xff\xfe\x00garbage",
        b"<XmlMsg><MessageHeader></XmlMsg>",
        b"<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"b\">]><XmlMsg>&a;</XmlMsg>",
        b"<XmlMsg><MessageHeader><SegmentOfResult>1</SegmentOfResult></MessageHeader></XmlMsg>",
    ];
    for (i, b) in junk.iter().enumerate() {
        let name = format!("OQSsiquc01res_face_1310000003junk{i}_2025040109000{i}.xml");
        std::fs::write(face.join(name), b).unwrap();
    }
    // Names that are not interface files, or unsafe, are ignored.
    std::fs::write(face.join("notes.txt"), b"x").unwrap();
    let mut events = Vec::new();
    let end = std::time::Instant::now() + T;
    while events.len() < junk.len() && std::time::Instant::now() < end {
        if let Some(e) = client.next_face(Duration::from_millis(200)).unwrap() {
            events.push(e);
        }
    }
    assert_eq!(events.len(), junk.len());
    assert!(events.iter().filter(|e| e.result.is_err()).count() >= 4);
    assert!(face.join("notes.txt").exists());

    let msg = Message::QualificationRequest(QualificationRequest::default());
    for b in junk {
        let t = client.submit(Family::Individual, &msg).unwrap();
        std::fs::write(d.path().join("res").join(t.response_file()), b).unwrap();
        match client.wait(&t, T) {
            // Bytes that are not XML at all are an encrypted answer (issue 11), not a parse
            // error; malformed XML stays a bad answer.
            Err(onshi::terminal::TerminalError::Encrypted { .. }) => {
                assert!(
                    b.starts_with(b"\xff\xfe"),
                    "{:?}",
                    String::from_utf8_lossy(b)
                );
            }
            Err(onshi::terminal::TerminalError::BadAnswer { .. }) | Ok(_) => {}
            Err(e) => panic!("{e}"),
        }
    }
}

const FLIGHT_ENV: &str = "ONSHI_FLIGHT_CHILD_ROOT";

/// A child process's part in the 1,000-in-flight test: submit its share of requests, then
/// wait for each (all are in flight together), and write how many were answered.
#[test]
fn in_flight_child_role() {
    let Ok(root) = std::env::var(FLIGHT_ENV) else {
        return;
    };
    let n: usize = std::env::var("ONSHI_FLIGHT_N").unwrap().parse().unwrap();
    let id = std::env::var("ONSHI_FLIGHT_ID").unwrap();
    let root = std::path::Path::new(&root);
    let client = Client::open(Layout::new(root), options()).unwrap();
    let ds = onshi::terminal::Dataset::demo();
    let persons: Vec<_> = ds
        .persons
        .iter()
        .filter(|p| !p.is_public_assistance())
        .collect();
    let tickets: Vec<_> = (0..n)
        .map(|i| {
            let msg = Message::QualificationRequest(QualificationRequest {
                queries: vec![query_for(persons[i % persons.len()])],
                ..Default::default()
            });
            client.submit(Family::Individual, &msg).unwrap()
        })
        .collect();
    let mut answered = 0;
    for t in &tickets {
        match client.wait(t, Duration::from_secs(240)) {
            Ok(Message::QualificationResponse(r))
                if r.header.arbitrary_file_identifier == t.arbitrary_file_identifier =>
            {
                answered += 1
            }
            other => eprintln!("{}: {other:?}", t.request_file),
        }
    }
    std::fs::write(root.join(format!("answered-{id}")), answered.to_string()).unwrap();
}

/// 1,000 queries in flight from four processes at once against one terminal: every one is
/// answered (on main, most were left in res/ with their tickets pending).
#[test]
fn a_thousand_queries_in_flight_from_several_processes_are_all_answered() {
    if std::env::var(FLIGHT_ENV).is_ok() {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let emu = Emulator::start(emulator(d.path())).unwrap();
    let (procs, each) = (4, 250);
    let children: Vec<_> = (0..procs)
        .map(|i| {
            std::process::Command::new(std::env::current_exe().unwrap())
                .args(["in_flight_child_role", "--exact", "--test-threads=1"])
                .env(FLIGHT_ENV, d.path())
                .env("ONSHI_FLIGHT_N", each.to_string())
                .env("ONSHI_FLIGHT_ID", i.to_string())
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    let total: usize = (0..procs)
        .map(|i| {
            std::fs::read_to_string(d.path().join(format!("answered-{i}")))
                .unwrap()
                .parse::<usize>()
                .unwrap()
        })
        .sum();
    assert_eq!(total, procs * each);
    assert_eq!(emu.stats().answered as usize, procs * each);
    let left: Vec<String> = std::fs::read_dir(d.path().join("res"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(left.is_empty(), "answers left in res/: {}", left.len());
    let pending = Client::open(Layout::new(d.path()), options())
        .unwrap()
        .pending()
        .unwrap();
    assert!(pending.is_empty(), "{} tickets pending", pending.len());
}
