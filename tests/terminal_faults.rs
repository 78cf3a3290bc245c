//! The terminal client, watcher and emulator in a hostile environment: slow writers, FIFOs
//! and links in the shared folders, huge and broken files, unreadable or read-only or full
//! folders, answers after a give-up, slow and stopped link programs, cancellation. Each test
//! is a finding of issue 10 that failed before.

mod terminal_common;

use onshi::terminal::{
    Behaviour, BulkOptions, Cancel, Client, ClientOptions, Emulator, FaceAck, FaceFileErrorKind,
    Layout, ProcessedPolicy, SymlinkPolicy, TerminalError, WaitLimit, WatchConfig, now_jst,
};
use onshi::xml::{Family, Message, QualificationRequest};
use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use terminal_common::*;

fn request(emu: &Emulator) -> Message {
    Message::QualificationRequest(QualificationRequest {
        header: onshi::model::MessageHeader {
            qualification_confirmation_date: Some(now_jst().date()),
            ..Default::default()
        },
        queries: vec![query_for(&emu.dataset().persons[0])],
        ..Default::default()
    })
}

fn down_emulator(root: &Path) -> Emulator {
    let mut cfg = emulator(root);
    cfg.behaviour = Behaviour::Down;
    Emulator::start(cfg).unwrap()
}

/// Real answer bytes for `t` (what the emulator would write), produced on a scratch root.
fn answer_bytes_for(t: &onshi::terminal::Ticket, msg: &Message) -> Vec<u8> {
    let d = tempfile::tempdir().unwrap();
    let emu = Emulator::start(emulator(d.path())).unwrap();
    let c = Client::open(
        Layout::new(d.path()),
        ClientOptions {
            processed: ProcessedPolicy::Leave,
            ..options()
        },
    )
    .unwrap();
    let t2 = c.submit(Family::Individual, msg).unwrap();
    c.wait(&t2, T).unwrap();
    drop(emu);
    let text = std::fs::read_to_string(d.path().join("res").join(t2.response_file())).unwrap();
    // Same identifier as the ticket we pair with.
    text.replace(
        t2.arbitrary_file_identifier.as_deref().unwrap(),
        t.arbitrary_file_identifier.as_deref().unwrap(),
    )
    .into_bytes()
}

fn write_slowly(path: &Path, bytes: &[u8], chunks: usize, pause: Duration) {
    let mut f = std::fs::File::create(path).unwrap();
    let step = bytes.len().div_ceil(chunks);
    for c in bytes.chunks(step) {
        f.write_all(c).unwrap();
        f.flush().unwrap();
        std::thread::sleep(pause);
    }
}

#[test]
fn a_face_file_written_slowly_is_waited_for_and_never_deleted() {
    let d = tempfile::tempdir().unwrap();
    let _emu = down_emulator(d.path());
    let client = Arc::new(
        Client::open(
            Layout::new(d.path()),
            ClientOptions {
                settle_timeout: Duration::from_millis(500),
                face_processed: ProcessedPolicy::Delete,
                ..options()
            },
        )
        .unwrap(),
    );
    let name = face_name("slow", "20250401090000");
    let path = d.path().join("face").join(&name);
    let bytes = face_bytes();
    // Six chunks 300 ms apart: 1.8 s of writing, far beyond the 0.5 s settle time that
    // used to be counted from the first sight of the file.
    let writer = {
        let path = path.clone();
        std::thread::spawn(move || write_slowly(&path, &bytes, 6, Duration::from_millis(300)))
    };
    let c = client.clone();
    let first = c.next_face(T).unwrap().expect("the face result");
    writer.join().unwrap();
    assert_eq!(first.file_name, name);
    assert!(
        first.result.is_ok(),
        "taken complete, not reported broken: {:?}",
        first.result
    );
    assert!(path.exists(), "not deleted before the acknowledgement");
    client.ack_face(&first).unwrap();
    assert!(!path.exists(), "deleted (policy) after the acknowledgement");
}

#[test]
fn an_answer_written_slowly_is_waited_for() {
    let d = tempfile::tempdir().unwrap();
    let emu = down_emulator(d.path());
    let client = Client::open(
        Layout::new(d.path()),
        ClientOptions {
            settle_timeout: Duration::from_millis(500),
            ..options()
        },
    )
    .unwrap();
    let msg = request(&emu);
    let t = client.submit(Family::Individual, &msg).unwrap();
    let bytes = answer_bytes_for(&t, &msg);
    let path = d.path().join("res").join(t.response_file());
    let writer =
        std::thread::spawn(move || write_slowly(&path, &bytes, 6, Duration::from_millis(300)));
    let a = client.wait_answer(&t, T).unwrap();
    writer.join().unwrap();
    assert_eq!(a.file_name, t.response_file());
    assert!(matches!(
        a.value,
        onshi::terminal::Reply::Message(Message::QualificationResponse(_))
    ));
}

#[test]
fn a_malformed_face_file_is_reported_once_to_a_once_poller_and_kept() {
    let d = tempfile::tempdir().unwrap();
    let layout = Layout::new(d.path());
    layout.create_all().unwrap();
    let name = face_name("bad", "20250401090000");
    let path = d.path().join("face").join(&name);
    std::fs::write(&path, b"<?xml version=\"1.0\"?><XmlMsg><MessageHeader>").unwrap();
    // Written a minute ago: a poller started now has no history of it, and need not wait.
    let f = std::fs::File::options().write(true).open(&path).unwrap();
    f.set_modified(std::time::SystemTime::now() - Duration::from_secs(60))
        .unwrap();
    drop(f);
    let opts = ClientOptions {
        face_processed: ProcessedPolicy::Delete,
        ..options()
    };
    let once = Client::open(layout.clone(), opts.clone()).unwrap();
    let events = once.poll_face().unwrap();
    assert_eq!(events.len(), 1, "{events:?}");
    let e = &events[0];
    let err = e.result.as_ref().unwrap_err();
    assert_eq!(err.kind, FaceFileErrorKind::Incomplete);
    assert!(err.message_ja(&e.file_name).contains(&name));
    once.ack_face(e).unwrap();
    drop(once);
    assert!(
        path.exists(),
        "a file that cannot be read is kept, whatever the policy"
    );
    // Reported once: the next poller sees nothing.
    let again = Client::open(layout, opts).unwrap();
    assert!(again.poll_face().unwrap().is_empty());
}

#[cfg(unix)]
fn mkfifo(p: &Path) {
    let ok = std::process::Command::new("mkfifo")
        .arg(p)
        .status()
        .unwrap()
        .success();
    assert!(ok);
}

#[cfg(unix)]
#[test]
fn fifos_links_and_huge_files_are_refused_by_name_without_blocking() {
    let d = tempfile::tempdir().unwrap();
    let emu = down_emulator(d.path());
    let client = Arc::new(Client::open(Layout::new(d.path()), options()).unwrap());
    let msg = request(&emu);
    let res = d.path().join("res");

    // A FIFO named like the answer: refused at once (it used to block forever).
    let t = client.submit(Family::Individual, &msg).unwrap();
    mkfifo(&res.join(t.response_file()));
    let c = client.clone();
    let t2 = t.clone();
    let e = within(20, move || c.wait(&t2, T)).unwrap_err();
    assert!(
        matches!(&e, TerminalError::NotRegularFile { kind: "fifo", file } if *file == t.response_file()),
        "{e}"
    );

    // A link to a file outside the root: not followed, its content not shown.
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.xml");
    std::fs::write(&secret, answer_bytes_for(&t, &msg)).unwrap();
    let t = client.submit(Family::Individual, &msg).unwrap();
    std::os::unix::fs::symlink(&secret, res.join(t.response_file())).unwrap();
    let e = client.wait(&t, T).unwrap_err();
    assert!(matches!(e, TerminalError::Symlink { .. }), "{e}");
    assert_eq!(e.code(), 416);

    // A sparse 2 GiB file: refused by its size, nothing read (it used to take 2 GiB).
    let t = client.submit(Family::Individual, &msg).unwrap();
    let f = std::fs::File::create(res.join(t.response_file())).unwrap();
    f.set_len(2 << 30).unwrap();
    drop(f);
    let c = client.clone();
    let e = within(20, move || c.wait(&t, T)).unwrap_err();
    assert!(matches!(e, TerminalError::TooLarge { .. }), "{e}");

    // /dev/zero behind a link: not followed.
    let t = client.submit(Family::Individual, &msg).unwrap();
    std::os::unix::fs::symlink("/dev/zero", res.join(t.response_file())).unwrap();
    let c = client.clone();
    let e = within(20, move || c.wait(&t, T)).unwrap_err();
    assert!(matches!(e, TerminalError::Symlink { .. }), "{e}");

    // In face/: a FIFO and a link are reported once as events, never read, kept.
    let face = d.path().join("face");
    let fifo = face_name("fifo", "20250401090000");
    mkfifo(&face.join(&fifo));
    let link = face_name("link", "20250401090001");
    std::os::unix::fs::symlink(&secret, face.join(&link)).unwrap();
    let c = client.clone();
    let events = within(20, move || c.poll_face().unwrap());
    let kinds: Vec<(String, FaceFileErrorKind)> = events
        .iter()
        .map(|e| (e.file_name.clone(), e.result.as_ref().unwrap_err().kind))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (fifo.clone(), FaceFileErrorKind::NotRegular),
            (link.clone(), FaceFileErrorKind::Symlink)
        ]
    );
    for e in &events {
        client.ack_face(e).unwrap();
    }
    assert!(face.join(&fifo).exists() && face.join(&link).exists());
}

#[cfg(unix)]
#[test]
fn links_inside_the_root_are_followed_only_when_allowed() {
    let d = tempfile::tempdir().unwrap();
    let emu = down_emulator(d.path());
    let msg = request(&emu);
    let client = Client::open(
        Layout::new(d.path()),
        ClientOptions {
            symlinks: SymlinkPolicy::WithinRoot,
            ..options()
        },
    )
    .unwrap();
    let t = client.submit(Family::Individual, &msg).unwrap();
    let inside = d.path().join("elsewhere.xml");
    std::fs::write(&inside, answer_bytes_for(&t, &msg)).unwrap();
    std::os::unix::fs::symlink(&inside, d.path().join("res").join(t.response_file())).unwrap();
    assert!(client.wait(&t, T).is_ok(), "inside the root: followed");
    let t = client.submit(Family::Individual, &msg).unwrap();
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("x.xml");
    std::fs::write(&secret, answer_bytes_for(&t, &msg)).unwrap();
    std::os::unix::fs::symlink(&secret, d.path().join("res").join(t.response_file())).unwrap();
    let e = client.wait(&t, T).unwrap_err();
    assert!(
        matches!(
            e,
            TerminalError::Symlink {
                outside_root: true,
                ..
            }
        ),
        "{e}"
    );
}

#[cfg(unix)]
#[test]
fn the_emulator_skips_a_fifo_named_like_a_request() {
    let d = tempfile::tempdir().unwrap();
    let req = d.path().join("req");
    std::fs::create_dir_all(&req).unwrap();
    let fifo = req.join("OQSsiquc01req_fifo.xml");
    mkfifo(&fifo);
    let emu = Emulator::start(emulator(d.path())).unwrap();
    let client = Client::open(Layout::new(d.path()), options()).unwrap();
    // The worker is not stalled on the FIFO: a real request is answered.
    let r = client.query(query_for(&emu.dataset().persons[0]), now_jst().date(), T);
    assert!(r.is_ok(), "{r:?}");
    assert!(fifo.exists(), "left alone");
}

/// A flood of face files: every one delivered once, oldest first (that draining 10,000 takes
/// linear time is measured by `cargo bench --bench terminal`; 10,000 here with
/// `ONSHI_FLOOD=10000`).
#[test]
fn a_flood_of_face_files_is_delivered_once_each_in_order() {
    let d = tempfile::tempdir().unwrap();
    let layout = Layout::new(d.path());
    layout.create_all().unwrap();
    let bytes = face_bytes();
    let n: usize = std::env::var("ONSHI_FLOOD")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000);
    let mut names = Vec::with_capacity(n);
    for i in 0..n {
        // Times in the names: 2025-04-01 00:00:00 + i seconds, so the order is known.
        let t = chrono::NaiveDate::from_ymd_opt(2025, 4, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap()
            + chrono::Duration::seconds(i as i64);
        let name = face_name(&format!("{i}"), &t.format("%Y%m%d%H%M%S").to_string());
        std::fs::write(layout.face_path(&name), &bytes).unwrap();
        names.push(name);
    }
    let old = std::time::SystemTime::now() - Duration::from_secs(10);
    for name in &names {
        let f = std::fs::File::options()
            .write(true)
            .open(layout.face_path(name))
            .unwrap();
        f.set_modified(old).unwrap();
    }
    let client = Client::open(layout.clone(), options()).unwrap();
    let mut got = Vec::with_capacity(n);
    loop {
        let batch = client.poll_face().unwrap();
        if batch.is_empty() {
            break;
        }
        for e in batch {
            assert!(e.result.is_ok(), "{}", e.file_name);
            client.ack_face(&e).unwrap();
            got.push(e.file_name);
        }
    }
    assert_eq!(got, names, "every file once, oldest first");
    drop(client);
    let again = Client::open(layout, options()).unwrap();
    assert!(again.poll_face().unwrap().is_empty());
}

#[test]
fn an_unreadable_face_folder_is_an_error_not_silence() {
    let d = tempfile::tempdir().unwrap();
    let layout = Layout::new(d.path());
    layout.create_all().unwrap();
    let client = Client::open(layout.clone(), options()).unwrap();
    // face/ is replaced by something that cannot be listed (as root, a mode cannot stop
    // us: a file where the folder was does).
    std::fs::remove_dir(&layout.face).unwrap();
    std::fs::write(&layout.face, b"not a folder").unwrap();
    let faults = Arc::new(Mutex::new(Vec::new()));
    let f2 = faults.clone();
    let sub = client.on_face(move |e| {
        if let Err(e) = e {
            f2.lock().unwrap().push(e.message_ja());
        }
    });
    let e = client.next_face(Duration::from_secs(2)).unwrap_err();
    assert!(matches!(e, TerminalError::Io { .. }), "{e}");
    assert!(e.message_ja().contains("face"), "{}", e.message_ja());
    let start = Instant::now();
    while faults.lock().unwrap().is_empty() && start.elapsed() < T {
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(1500));
    sub.stop();
    assert_eq!(
        faults.lock().unwrap().len(),
        1,
        "reported to the callback once, not at every look"
    );
}

#[test]
fn a_read_only_journal_is_an_error_and_nothing_is_marked_delivered() {
    let d = tempfile::tempdir().unwrap();
    let Some(fs) = Tmpfs::mount(&d.path().join("state"), "4m") else {
        return;
    };
    let layout = Layout::new(d.path()).with_state_dir(&fs.dir);
    layout.create_all().unwrap();
    let name = face_name("ro", "20250401090000");
    std::fs::write(layout.face_path(&name), face_bytes()).unwrap();
    let client = Client::open(layout.clone(), options()).unwrap();
    fs.read_only(true);
    let e = client.next_face(Duration::from_secs(3)).unwrap_err();
    assert!(
        e.message_ja().contains("読み取り専用"),
        "{}",
        e.message_ja()
    );
    drop(client);
    fs.read_only(false);
    // Nothing was acknowledged: delivered now.
    let client = Client::open(layout, options()).unwrap();
    let e = client.next_face(T).unwrap().unwrap();
    assert_eq!(e.file_name, name);
}

#[test]
fn a_full_disk_is_a_clear_error_and_the_emulator_keeps_what_it_took() {
    let d = tempfile::tempdir().unwrap();
    let Some(fs) = Tmpfs::mount(&d.path().join("oqs"), "2m") else {
        return;
    };
    let root = fs.dir.clone();
    let mut cfg = emulator(&root);
    cfg.behaviour = Behaviour::Down;
    let emu = Emulator::start(cfg).unwrap();
    let client = Client::open(Layout::new(&root), options()).unwrap();
    let msg = request(&emu);
    let t = client.submit(Family::Individual, &msg).unwrap();
    let filler = fs.fill();
    // The client cannot write: a clear error, in Japanese for staff.
    let e = client.submit(Family::Individual, &msg).unwrap_err();
    assert!(e.message_ja().contains("空き容量"), "{}", e.message_ja());
    // The emulator takes the request but cannot write the answer: the request is kept.
    emu.set_behaviour(Behaviour::Normal);
    let start = Instant::now();
    while emu.stats().write_failures == 0 && start.elapsed() < T {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(emu.stats().write_failures > 0);
    assert!(
        root.join(".oqs-emulator")
            .join("taken")
            .join(&t.request_file)
            .exists()
    );
    std::fs::remove_file(filler).unwrap();
    // Space again: the answer is written and collected.
    let m = client.wait(&t, T).unwrap();
    assert!(matches!(m, Message::QualificationResponse(_)));
}

#[test]
fn a_request_taken_by_a_killed_emulator_is_answered_after_a_restart() {
    let d = tempfile::tempdir().unwrap();
    let layout = Layout::new(d.path());
    layout.create_all().unwrap();
    let client = Client::open(layout, options()).unwrap();
    let ds = onshi::terminal::Dataset::demo();
    let msg = Message::QualificationRequest(QualificationRequest {
        queries: vec![query_for(&ds.persons[0])],
        ..Default::default()
    });
    let t = client.submit(Family::Individual, &msg).unwrap();
    // What a killed emulator leaves: the request moved into its work folder, no answer.
    let taken = d.path().join(".oqs-emulator").join("taken");
    std::fs::create_dir_all(&taken).unwrap();
    std::fs::rename(
        d.path().join("req").join(&t.request_file),
        taken.join(&t.request_file),
    )
    .unwrap();
    let _emu = Emulator::start(emulator(d.path())).unwrap();
    assert!(client.wait(&t, T).is_ok());
    // Removed once the answer is written (the client may see the answer a moment before).
    let start = Instant::now();
    while taken.join(&t.request_file).exists() && start.elapsed() < T {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(!taken.join(&t.request_file).exists());
}

#[test]
fn one_emulator_per_root_and_a_precise_error_after_stop() {
    let d = tempfile::tempdir().unwrap();
    let a = Emulator::start(emulator(d.path())).unwrap();
    let e = Emulator::start(emulator(d.path())).unwrap_err();
    assert!(matches!(e, TerminalError::AlreadyRunning { .. }), "{e}");
    assert_eq!(e.code(), 418);
    a.shutdown();
    assert!(matches!(
        a.push_face("P01"),
        Err(TerminalError::EmulatorStopped)
    ));
    a.shutdown(); // twice: nothing happens
    let b = Emulator::start(emulator(d.path())).unwrap();
    assert!(b.push_face("P01").is_ok());
    assert!(b.persons().iter().any(|p| p.id == "P01" && p.face));
}

#[test]
fn an_answer_after_a_give_up_is_named_collected_and_not_blamed_on_the_link() {
    for policy in [ProcessedPolicy::Delete, ProcessedPolicy::Archive] {
        let d = tempfile::tempdir().unwrap();
        let emu = down_emulator(d.path());
        let client = Client::open(
            Layout::new(d.path()),
            ClientOptions {
                processed: policy,
                ..options()
            },
        )
        .unwrap();
        let t = client.submit(Family::Individual, &request(&emu)).unwrap();
        let e = client.wait(&t, Duration::from_millis(300)).unwrap_err();
        assert!(matches!(e, TerminalError::NotAnswering(_)), "{e}");
        emu.set_behaviour(Behaviour::Normal);
        let res = d.path().join("res").join(t.response_file());
        let start = Instant::now();
        while !res.exists() && start.elapsed() < T {
            std::thread::sleep(Duration::from_millis(20));
        }
        // doctor names it.
        let report = client.doctor(&Default::default());
        let late = report
            .checks
            .iter()
            .find(|c| c.id == "late_answers")
            .unwrap();
        assert_eq!(late.files, vec![t.response_file()]);
        // Collected, with its file name.
        let a = client.collect_answer(&t).unwrap().unwrap();
        assert_eq!(a.file_name, t.response_file());
        assert!(client.pending().unwrap().is_empty());
        // Waiting again: the answer (archived) or a precise status — never "not answering"
        // with advice about the network.
        match (policy, client.wait(&t, Duration::from_millis(300))) {
            (ProcessedPolicy::Archive, Ok(Message::QualificationResponse(_))) => {}
            (ProcessedPolicy::Delete, Err(TerminalError::AlreadyCollected(c))) => {
                assert_eq!(c.answer_file, t.response_file());
            }
            (p, other) => panic!("{p:?}: {other:?}"),
        }
    }
}

#[test]
fn no_answer_tells_a_slow_link_program_from_a_stopped_one() {
    let d = tempfile::tempdir().unwrap();
    let emu = down_emulator(d.path());
    let client = Client::open(Layout::new(d.path()), options()).unwrap();
    let msg = request(&emu);
    // Stopped: nothing leaves req/.
    let t = client.submit(Family::Individual, &msg).unwrap();
    let TerminalError::NotAnswering(n) = client.wait(&t, Duration::from_millis(3500)).unwrap_err()
    else {
        panic!()
    };
    assert!(n.request_still_in_req);
    assert_eq!(n.link_program_active, Some(false));
    assert!(n.to_text_ja().contains("OQSComApp"));
    client.forget(&t).unwrap();
    std::fs::remove_file(d.path().join("req").join(&t.request_file)).unwrap();

    // Slow: a queue ahead of ours is being worked through.
    let ahead: Vec<_> = (0..8)
        .map(|_| client.submit(Family::Individual, &msg).unwrap())
        .collect();
    let t = client.submit(Family::Individual, &msg).unwrap();
    let req = d.path().join("req");
    let taker = std::thread::spawn(move || {
        for a in ahead.iter().take(5) {
            std::thread::sleep(Duration::from_millis(300));
            let _ = std::fs::remove_file(req.join(&a.request_file));
        }
    });
    let TerminalError::NotAnswering(n) = client.wait(&t, Duration::from_millis(2600)).unwrap_err()
    else {
        panic!()
    };
    taker.join().unwrap();
    assert_eq!(n.link_program_active, Some(true));
    assert_eq!(n.requests_queued, Some(3));
    let text = n.to_text_ja();
    assert!(
        text.contains("順番に処理") && !text.contains("OQSComApp"),
        "{text}"
    );
}

#[test]
fn waits_are_cancelled_from_another_thread() {
    let d = tempfile::tempdir().unwrap();
    let emu = down_emulator(d.path());
    let client = Arc::new(Client::open(Layout::new(d.path()), options()).unwrap());
    let t = client.submit(Family::Individual, &request(&emu)).unwrap();
    let cancel = Cancel::new();
    let (c, c2, t2) = (client.clone(), cancel.clone(), t.clone());
    let waiter = std::thread::spawn(move || {
        let start = Instant::now();
        (
            c.wait(
                &t2,
                WaitLimit::new(Duration::from_secs(60)).with_cancel(&c2),
            ),
            start.elapsed(),
        )
    });
    std::thread::sleep(Duration::from_millis(200));
    cancel.cancel();
    let (r, took) = waiter.join().unwrap();
    assert!(matches!(r, Err(TerminalError::Cancelled { .. })), "{r:?}");
    assert!(took < Duration::from_secs(10), "{took:?}");
    assert_eq!(client.pending().unwrap(), vec![t], "still pending");

    // next_face, and a bulk flow waiting between polls.
    let cancel = Cancel::new();
    let c2 = cancel.clone();
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(200));
        c2.cancel();
    });
    let r = client.next_face((Duration::from_secs(60), &cancel));
    assert!(matches!(r, Err(TerminalError::Cancelled { .. })), "{r:?}");
    drop(emu);
    let mut cfg = emulator(d.path());
    cfg.processing_polls = 1000;
    let _emu = Emulator::start(cfg).unwrap();
    let cancel = Cancel::new();
    let opts = BulkOptions {
        initial_backoff: Duration::from_secs(30),
        cancel: Some(cancel.clone()),
        ..BulkOptions::default()
    };
    let c2 = cancel.clone();
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(1500));
        c2.cancel();
    });
    let start = Instant::now();
    let ds = onshi::terminal::Dataset::demo();
    let upload = Message::QualificationRequest(QualificationRequest {
        queries: vec![query_for(&ds.persons[0])],
        ..Default::default()
    });
    let r = client.bulk(Family::BulkQualification, &upload, &opts, &mut |_| {});
    assert!(matches!(r, Err(TerminalError::Cancelled { .. })), "{r:?}");
    assert!(start.elapsed() < Duration::from_secs(20));
}

#[test]
fn a_panicking_callback_loses_nothing_and_stop_works_from_inside() {
    let d = tempfile::tempdir().unwrap();
    let emu = Emulator::start(emulator(d.path())).unwrap();
    let client = Client::open(Layout::new(d.path()), options()).unwrap();
    let name = emu.push_face("P01").unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s2 = seen.clone();
    let mut first = true;
    let sub = client.on_face(move |e| {
        let e = e.unwrap();
        s2.lock().unwrap().push((e.file_name.clone(), e.delivery));
        if std::mem::take(&mut first) {
            panic!("the EMR's bug");
        }
        FaceAck::Ack
    });
    let start = Instant::now();
    while seen.lock().unwrap().len() < 2 && start.elapsed() < T {
        std::thread::sleep(Duration::from_millis(20));
    }
    drop(sub);
    let s = seen.lock().unwrap().clone();
    assert_eq!(
        s,
        vec![(name.clone(), 1), (name.clone(), 2)],
        "delivered again"
    );
    assert!(
        client.poll_face().unwrap().is_empty(),
        "acknowledged the second time"
    );

    // Stopping the subscription from inside its own callback neither hangs nor panics.
    let slot: Arc<Mutex<Option<onshi::terminal::FaceSubscription>>> = Arc::new(Mutex::new(None));
    let s2 = slot.clone();
    let sub = client.on_face(move |_| {
        if let Some(s) = s2.lock().unwrap().take() {
            s.stop();
        }
    });
    *slot.lock().unwrap() = Some(sub);
    emu.push_face("P02").unwrap();
    let start = Instant::now();
    while slot.lock().unwrap().is_some() && start.elapsed() < T {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(slot.lock().unwrap().is_none());
}

#[cfg(unix)]
#[test]
fn archived_face_results_and_the_journal_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let d = tempfile::tempdir().unwrap();
    let emu = Emulator::start(emulator(d.path())).unwrap();
    let client = Client::open(
        Layout::new(d.path()),
        ClientOptions {
            face_processed: ProcessedPolicy::Archive,
            ..options()
        },
    )
    .unwrap();
    let name = emu.push_face("P01").unwrap();
    let e = client.next_face(T).unwrap().unwrap();
    client.ack_face(&e).unwrap();
    let l = client.layout();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&l.archive.join(&name)), 0o600);
    assert_eq!(mode(&l.archive), 0o700);
    assert_eq!(mode(&l.state), 0o700);
    assert_eq!(mode(&l.state.join("face")), 0o700);
}

#[test]
fn looser_face_names_are_taken_and_strangers_are_named_by_doctor() {
    let d = tempfile::tempdir().unwrap();
    let layout = Layout::new(d.path());
    layout.create_all().unwrap();
    let auto = "OQSsiquc01res_face_auto_20260929160112.xml";
    std::fs::write(layout.face_path(auto), face_bytes()).unwrap();
    std::fs::write(layout.face_path("OQS_20260929160112.txt"), b"x").unwrap();
    let client = Client::open(
        layout.clone(),
        ClientOptions {
            watch: WatchConfig::rescan_only(Duration::from_millis(50)),
            ..options()
        },
    )
    .unwrap();
    let e = client.next_face(T).unwrap().unwrap();
    assert_eq!(e.file_name, auto);
    assert!(e.face.is_none(), "not the terminal's exact form");
    assert_eq!(
        e.written_at.unwrap().to_string(),
        "2026-09-29 16:01:12",
        "time from the name"
    );
    client.ack_face(&e).unwrap();
    let r = client.doctor(&Default::default());
    let face = r.checks.iter().find(|c| c.id == "face").unwrap();
    assert_eq!(face.files, vec!["OQS_20260929160112.txt".to_string()]);
}
