//! A client killed while waiting: a new one collects the answer that arrived meanwhile,
//! delivers again the face result the dead one had taken but not acknowledged, and never
//! the one it had acknowledged. The killed client is this test binary itself, started as a
//! child process with `ONSHI_RESTART_CHILD_ROOT` set.

mod terminal_common;

use onshi::terminal::{
    Behaviour, Client, ClientOptions, Emulator, Layout, ProcessedPolicy, Ticket, now_jst,
};
use onshi::xml::{Family, Message, QualificationRequest};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use terminal_common::*;

const CHILD_ENV: &str = "ONSHI_RESTART_CHILD_ROOT";

fn leave_options() -> ClientOptions {
    ClientOptions {
        // Leave face files in face/: only the journal can prevent a second delivery.
        face_processed: ProcessedPolicy::Leave,
        ..options()
    }
}

fn request() -> Message {
    let ds = onshi::terminal::Dataset::demo();
    Message::QualificationRequest(QualificationRequest {
        header: onshi::model::MessageHeader {
            qualification_confirmation_date: Some(now_jst().date()),
            ..Default::default()
        },
        queries: vec![query_for(&ds.persons[0])],
        ..Default::default()
    })
}

/// The child's part: take the two waiting face events, acknowledge the first only, submit a
/// query, then wait "forever". Does nothing in a normal test run.
#[test]
fn restart_child_role() {
    let Ok(root) = std::env::var(CHILD_ENV) else {
        return;
    };
    let root = Path::new(&root);
    let client = Client::open(Layout::new(root), leave_options()).unwrap();
    let e = client
        .next_face(T)
        .unwrap()
        .expect("face event for the child");
    client.ack_face(&e).unwrap();
    std::fs::write(root.join("child-face.txt"), &e.file_name).unwrap();
    let e2 = client
        .next_face(T)
        .unwrap()
        .expect("second face event for the child");
    std::fs::write(root.join("child-face2.txt"), &e2.file_name).unwrap();
    let t = client.submit(Family::Individual, &request()).unwrap();
    std::fs::write(
        root.join("child-ticket.json"),
        serde_json::to_vec(&t).unwrap(),
    )
    .unwrap();
    let _ = client.wait(&t, Duration::from_secs(600));
    unreachable!("the parent kills this process while it waits");
}

fn wait_file(p: &Path, within: Duration) -> bool {
    let end = Instant::now() + within;
    while Instant::now() < end {
        if p.exists() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

#[test]
fn killed_client_answer_is_collected_after_restart() {
    if std::env::var(CHILD_ENV).is_ok() {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let mut cfg = emulator(d.path());
    cfg.behaviour = Behaviour::Down; // the answer must arrive after the child is gone
    let emu = Emulator::start(cfg).unwrap();
    let first_face = emu.push_face("P01").unwrap();
    std::thread::sleep(Duration::from_millis(1100)); // a later time in the second name
    let unacked_face = emu.push_face("P03").unwrap();

    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "restart_child_role",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, d.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let ticket_file = d.path().join("child-ticket.json");
    let ok = wait_file(&ticket_file, Duration::from_secs(60));
    std::thread::sleep(Duration::from_millis(100));
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(ok, "the child never submitted");
    assert!(!status.success(), "the child was killed while waiting");
    let child_ticket: Ticket =
        serde_json::from_slice(&std::fs::read(&ticket_file).unwrap()).unwrap();
    assert_eq!(
        std::fs::read_to_string(d.path().join("child-face.txt")).unwrap(),
        first_face
    );
    assert_eq!(
        std::fs::read_to_string(d.path().join("child-face2.txt")).unwrap(),
        unacked_face
    );

    // The terminal comes back and answers while no client runs.
    emu.set_behaviour(Behaviour::Normal);
    let res = d.path().join("res").join(child_ticket.response_file());
    assert!(wait_file(&res, T), "the emulator answered");

    // A new client: the ticket is pending in the journal and its answer is collected.
    let client = Client::open(Layout::new(d.path()), leave_options()).unwrap();
    let pending = client.pending().unwrap();
    assert_eq!(pending, vec![child_ticket.clone()]);
    let answer = client.wait(&pending[0], T).unwrap();
    let Message::QualificationResponse(r) = answer else {
        panic!()
    };
    assert_eq!(
        r.header.arbitrary_file_identifier,
        child_ticket.arbitrary_file_identifier
    );
    assert!(client.pending().unwrap().is_empty());

    // The face file the child acknowledged is still in face/ (policy: leave) but is not
    // delivered again; the one it took without acknowledging comes again, marked as a
    // redelivery; a new one is delivered exactly once.
    assert!(d.path().join("face").join(&first_face).exists());
    let again = client.poll_face().unwrap();
    assert_eq!(again.len(), 1, "{again:?}");
    assert_eq!(again[0].file_name, unacked_face);
    assert_eq!(again[0].delivery, 2, "counted as a redelivery");
    client.ack_face(&again[0]).unwrap();
    let second = emu.push_face("P02").unwrap();
    let e = client.next_face(T).unwrap().unwrap();
    assert_eq!(e.file_name, second);
    assert_eq!(e.delivery, 1);
    client.ack_face(&e).unwrap();
    assert!(
        client
            .next_face(Duration::from_millis(200))
            .unwrap()
            .is_none()
    );
    // And a third client process later sees nothing new either.
    let again = Client::open(Layout::new(d.path()), leave_options()).unwrap();
    assert!(again.poll_face().unwrap().is_empty());
}
