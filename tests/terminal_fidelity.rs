//! A terminal of late 2026 (oqs-2026 §0–§2), end to end against the emulator, in both
//! encodings: files encrypted per prefix (and the hooks that decrypt them, including hooks
//! that panic, hang, fail or return garbage), zipped bulk results, an unknown
//! SegmentOfResult, `.err` in a subfolder of `res/`, loose face names, files in `face/` that
//! are not face results, and the newer file families.

mod terminal_common;

use onshi::model::{MessageHeader, QualificationQuery};
use onshi::terminal::{
    BulkOptions, CipherError, CipherStage, Client, ClientOptions, CommandLine, Emulator,
    ExternalCommand, FaceFileErrorKind, FaceNames, FileCipher, Layout, TerminalError, ZipRefusal,
    now_jst,
};
use onshi::xml::{Encoding, Family, Message, QualificationRequest};
use std::sync::Arc;
use std::time::{Duration, Instant};
use terminal_common::*;

/// A test-only "encryption": every byte XORed with 0xA5, for the prefixes given (as
/// `encrypt.conf` lists them). Never a real scheme.
#[derive(Debug, Clone)]
struct Xor {
    prefixes: Vec<&'static str>,
}

impl Xor {
    fn all() -> Xor {
        Xor {
            prefixes: vec!["OQS", "YZK", "TKK"],
        }
    }
    fn applies(&self, name: &str) -> bool {
        self.prefixes.iter().any(|p| name.starts_with(p))
    }
}

fn xor(b: &[u8]) -> Vec<u8> {
    b.iter().map(|x| x ^ 0xA5).collect()
}

impl FileCipher for Xor {
    fn decrypt(&self, _: &str, bytes: &[u8]) -> Result<Vec<u8>, CipherError> {
        Ok(xor(bytes))
    }
    fn encrypt(&self, name: &str, bytes: &[u8]) -> Result<Vec<u8>, CipherError> {
        Ok(if self.applies(name) {
            xor(bytes)
        } else {
            bytes.to_vec()
        })
    }
}

fn today() -> chrono::NaiveDate {
    now_jst().date()
}

fn encrypted_emulator(root: &std::path::Path, enc: Encoding) -> Emulator {
    let mut c = emulator(root);
    c.encoding = enc;
    c.cipher = Some(Arc::new(Xor::all()));
    Emulator::start(c).unwrap()
}

#[test]
fn an_encrypting_terminal_is_named_then_read_with_the_hook() {
    for enc in [Encoding::Utf8, Encoding::ShiftJis] {
        let d = tempfile::tempdir().unwrap();
        let emu = encrypted_emulator(d.path(), enc);
        let client = Client::open(Layout::new(d.path()), options()).unwrap();
        let p = emu.dataset().persons[0].clone();
        // Without the vendor's module: a typed outcome naming the setting and the prefix,
        // never "malformed XML"; the ticket stays pending.
        let t = client
            .submit(
                Family::Individual,
                &Message::QualificationRequest(QualificationRequest {
                    header: MessageHeader {
                        qualification_confirmation_date: Some(today()),
                        ..Default::default()
                    },
                    queries: vec![query_for(&p)],
                    ..Default::default()
                }),
            )
            .unwrap();
        let e = client.wait(&t, T).unwrap_err();
        let TerminalError::Encrypted { prefix, file } = &e else {
            panic!("{enc:?}: {e}")
        };
        assert_eq!(prefix, "OQSsiquc");
        assert_eq!(file, &t.response_file());
        assert_eq!(e.code(), 420);
        let ja = e.message_ja();
        assert!(
            ja.contains("encrypt.conf") && ja.contains("復号モジュール") && ja.contains("OQSsiquc"),
            "{ja}"
        );
        assert_eq!(client.pending().unwrap().len(), 1, "still pending");
        assert!(
            d.path().join("res").join(t.response_file()).exists(),
            "file left"
        );
        // The doctor names it per prefix.
        let r = client.doctor(&Default::default());
        let c = r.checks.iter().find(|c| c.id == "encryption").unwrap();
        assert!(c.message_ja.contains("OQSsiquc 1 件"), "{}", c.message_ja);
        // With the hook the same ticket is collected.
        client.set_cipher(Some(Arc::new(Xor::all())));
        let a = client.collect(&t).unwrap().expect("answer");
        let onshi::terminal::Reply::Message(Message::QualificationResponse(r)) = a else {
            panic!("{a:?}")
        };
        assert_eq!(r.body.results.len(), p.qualifications.len());
        assert!(client.pending().unwrap().is_empty());

        // Face results: an error event without the hook, the result with it.
        client.set_cipher(None);
        let name = emu.push_face("P01").unwrap();
        let ev = client.next_face(T).unwrap().expect("event");
        assert_eq!(ev.file_name, name);
        let err = ev.result.as_ref().unwrap_err();
        assert_eq!(err.kind, FaceFileErrorKind::Encrypted);
        assert!(err.message_ja(&name).contains("encrypt_face.conf"));
        client.release_face(&ev);
        // Setting the hook reads it again.
        client.set_cipher(Some(Arc::new(Xor::all())));
        let ev = client.next_face(T).unwrap().expect("event");
        assert!(ev.result.is_ok(), "{:?}", ev.result);
        client.ack_face(&ev).unwrap();
    }
}

#[test]
fn requests_pass_through_the_encrypt_hook() {
    let d = tempfile::tempdir().unwrap();
    let emu = encrypted_emulator(d.path(), Encoding::Utf8);
    let client = Client::open(
        Layout::new(d.path()),
        ClientOptions {
            cipher: Some(Arc::new(Xor::all())),
            ..options()
        },
    )
    .unwrap();
    // Hold the emulator back to look at the request as written.
    emu.set_behaviour(onshi::terminal::Behaviour::Down);
    let p = emu.dataset().persons[0].clone();
    let t = client
        .submit(
            Family::Individual,
            &Message::QualificationRequest(QualificationRequest {
                queries: vec![query_for(&p)],
                ..Default::default()
            }),
        )
        .unwrap();
    let written = std::fs::read(d.path().join("req").join(&t.request_file)).unwrap();
    assert_eq!(onshi::xml::sniff(&written), onshi::xml::Sniff::NotXml);
    emu.set_behaviour(onshi::terminal::Behaviour::Normal);
    assert!(matches!(
        client.wait(&t, T).unwrap(),
        Message::QualificationResponse(_)
    ));
}

/// Hooks that do everything wrong.
#[derive(Debug)]
enum Broken {
    Panics,
    Hangs,
    Garbage,
    Fails,
}

impl FileCipher for Broken {
    fn decrypt(&self, _: &str, _: &[u8]) -> Result<Vec<u8>, CipherError> {
        match self {
            Broken::Panics => panic!("vendor module crashed"),
            Broken::Hangs => loop {
                std::thread::sleep(Duration::from_secs(60));
            },
            Broken::Garbage => Ok(vec![0xde, 0xad, 0xbe, 0xef]),
            Broken::Fails => Err(CipherError("key not found".into())),
        }
    }
}

#[test]
fn broken_hooks_are_typed_errors_never_crashes_or_hangs() {
    let d = tempfile::tempdir().unwrap();
    let emu = encrypted_emulator(d.path(), Encoding::Utf8);
    let p = emu.dataset().persons[0].clone();
    for (hook, want) in [
        (Broken::Panics, "panicked"),
        (Broken::Hangs, "did not answer"),
        (Broken::Garbage, "not XML"),
        (Broken::Fails, "key not found"),
    ] {
        // A panic may take a while to unwind (a backtrace is printed): only the hang gets
        // the short limit.
        let limit = match hook {
            Broken::Hangs => Duration::from_millis(300),
            _ => Duration::from_secs(5),
        };
        let client = Client::open(
            Layout::new(d.path()),
            ClientOptions {
                cipher: Some(Arc::new(hook)),
                hook_timeout: limit,
                settle_timeout: Duration::from_millis(500),
                ..options()
            },
        )
        .unwrap();
        let started = Instant::now();
        let p = p.clone();
        let e = within(30, move || {
            client
                .query(query_for(&p), today(), Duration::from_secs(20))
                .unwrap_err()
        });
        let TerminalError::Hook { stage, reason, .. } = &e else {
            panic!("{want}: {e}")
        };
        assert_eq!(*stage, CipherStage::Decrypt);
        assert!(reason.contains(want), "{want}: {reason}");
        assert_eq!(e.code(), 421);
        assert!(e.message_ja().contains("復号"), "{}", e.message_ja());
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "{want}: took too long"
        );
    }
}

#[cfg(unix)]
#[test]
fn external_commands_decrypt_and_a_missing_one_is_a_typed_error() {
    let d = tempfile::tempdir().unwrap();
    let mut c = emulator(d.path());
    // The emulator "encrypts" with base64 (a test stand-in for the vendor's module).
    c.cipher = Some(Arc::new(ExternalCommand {
        decrypt: None,
        encrypt: Some(CommandLine::new("base64")),
        timeout: Duration::from_secs(10),
    }));
    let emu = Emulator::start(c).unwrap();
    let p = emu.dataset().persons[0].clone();
    let missing = Client::open(
        Layout::new(d.path()),
        ClientOptions {
            cipher: Some(Arc::new(ExternalCommand::decrypt_with(CommandLine::new(
                "/nonexistent/vendor/oqsdecrypt",
            )))),
            settle_timeout: Duration::from_millis(300),
            ..options()
        },
    )
    .unwrap();
    let e = missing.query(query_for(&p), today(), T).unwrap_err();
    assert!(
        matches!(&e, TerminalError::Hook { reason, .. } if reason.contains("cannot run")),
        "{e}"
    );
    drop(missing);
    let client = Client::open(
        Layout::new(d.path()),
        ClientOptions {
            cipher: Some(Arc::new(ExternalCommand::decrypt_with(CommandLine {
                program: "base64".into(),
                args: vec!["-d".into()],
            }))),
            ..options()
        },
    )
    .unwrap();
    let r = client.query(query_for(&p), today(), T).unwrap();
    assert!(!r.body.results.is_empty());
}

fn bulk_opts() -> BulkOptions {
    BulkOptions {
        deadline: Duration::from_secs(30),
        step_timeout: T,
        initial_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(20),
        ..BulkOptions::default()
    }
}

fn assistance_upload() -> Message {
    Message::QualificationRequest(QualificationRequest {
        queries: vec![QualificationQuery {
            medical_treatment_month: Some(now_jst().format("%Y%m").to_string()),
            ..Default::default()
        }],
        ..Default::default()
    })
}

#[test]
fn zipped_bulk_results_in_both_encodings() {
    for enc in [Encoding::Utf8, Encoding::ShiftJis] {
        let d = tempfile::tempdir().unwrap();
        let mut c = emulator(d.path());
        c.encoding = enc;
        c.zip_bulk = true;
        let _emu = Emulator::start(c).unwrap();
        let client = Client::open(Layout::new(d.path()), options()).unwrap();
        for family in [Family::BulkMedicalAssistance, Family::BulkQualification] {
            let up = if family == Family::BulkMedicalAssistance {
                assistance_upload()
            } else {
                let persons: Vec<_> = _emu.dataset().persons.iter().take(3).cloned().collect();
                Message::QualificationRequest(QualificationRequest {
                    header: MessageHeader {
                        qualification_confirmation_date: Some(today()),
                        ..Default::default()
                    },
                    queries: persons.iter().map(query_for).collect(),
                    ..Default::default()
                })
            };
            let out = client.bulk(family, &up, &bulk_opts(), &mut |_| {}).unwrap();
            let Message::BulkQualificationResponse(b) = out.message else {
                panic!("{enc:?} {family:?}")
            };
            assert!(!b.units.is_empty(), "{enc:?} {family:?}");
        }
        // The zips were taken (default policy: deleted once read).
        let left: Vec<_> = std::fs::read_dir(d.path().join("res"))
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".zip"))
            .collect();
        assert!(left.is_empty(), "{left:?}");
    }
}

#[test]
fn a_hostile_zip_is_refused_and_left_in_res() {
    let d = tempfile::tempdir().unwrap();
    let _emu = {
        let mut c = emulator(d.path());
        c.processing_polls = 0;
        c.behaviour = onshi::terminal::Behaviour::Down;
        Emulator::start(c).unwrap()
    };
    let client = Client::open(Layout::new(d.path()), options()).unwrap();
    let dl = Message::BulkDownloadRequest(onshi::xml::BulkDownloadRequest {
        reception_number: "R1".into(),
        ..Default::default()
    });
    let t = client.submit(Family::BulkMedicalAssistance, &dl).unwrap();
    // A "terminal" answering with a zip bomb.
    let bomb = onshi::terminal::zip_result(&t.response_file(), &vec![b' '; 32 << 20]).unwrap();
    let zip_name = t.response_file().replace(".xml", ".zip");
    std::fs::write(d.path().join("res").join(&zip_name), &bomb).unwrap();
    let e = client.wait(&t, T).unwrap_err();
    assert!(
        matches!(
            &e,
            TerminalError::Zip {
                refusal: ZipRefusal::Ratio { .. },
                ..
            }
        ),
        "{e}"
    );
    assert_eq!(e.code(), 423);
    assert!(
        d.path().join("res").join(&zip_name).exists(),
        "kept for inspection"
    );
}

#[test]
fn an_unknown_segment_ends_the_bulk_flow_as_a_failure() {
    for raw in ["3", "8"] {
        let d = tempfile::tempdir().unwrap();
        let mut c = emulator(d.path());
        c.bulk_segment = Some(raw.into());
        let _emu = Emulator::start(c).unwrap();
        let client = Client::open(Layout::new(d.path()), options()).unwrap();
        let e = client
            .bulk(
                Family::BulkMedicalAssistance,
                &assistance_upload(),
                &bulk_opts(),
                &mut |_| {},
            )
            .unwrap_err();
        let TerminalError::UnknownSegment { segment, .. } = &e else {
            panic!("{e}")
        };
        assert_eq!(segment.as_deref(), Some(raw));
        assert_eq!(e.code(), 424);
        assert!(e.message_ja().contains(raw));
    }
}

#[test]
fn err_files_in_a_subfolder_of_res() {
    let d = tempfile::tempdir().unwrap();
    let mut c = emulator(d.path());
    c.err_subfolder = Some("error".into());
    let _emu = Emulator::start(c).unwrap();
    let client = Client::open(Layout::new(d.path()), options()).unwrap();
    // No search block: the terminal rejects it.
    let t = client
        .submit(
            Family::Individual,
            &Message::QualificationRequest(QualificationRequest::default()),
        )
        .unwrap();
    let e = client.wait(&t, T).unwrap_err();
    assert!(matches!(e, TerminalError::Rejected { .. }), "{e}");
    // Not searched below res/ when told not to.
    let d2 = tempfile::tempdir().unwrap();
    let mut c = emulator(d2.path());
    c.err_subfolder = Some("error".into());
    let _emu2 = Emulator::start(c).unwrap();
    let flat = Client::open(
        Layout::new(d2.path()),
        ClientOptions {
            err_depth: 0,
            ..options()
        },
    )
    .unwrap();
    let t = flat
        .submit(
            Family::Individual,
            &Message::QualificationRequest(QualificationRequest::default()),
        )
        .unwrap();
    assert!(matches!(
        flat.wait(&t, Duration::from_millis(1500)),
        Err(TerminalError::NotAnswering(_))
    ));
}

#[test]
fn loose_face_names_are_taken_with_their_time() {
    for (style, prefix) in [
        (FaceNames::Auto, "OQSsiquc01res_face_auto_"),
        (FaceNames::TimeOnly, "OQSsiquc01res_face_2"),
    ] {
        let d = tempfile::tempdir().unwrap();
        let mut c = emulator(d.path());
        c.face_names = style;
        let emu = Emulator::start(c).unwrap();
        let client = Client::open(Layout::new(d.path()), options()).unwrap();
        let name = emu.push_face("P01").unwrap();
        assert!(name.starts_with(prefix), "{name}");
        let ev = client.next_face(T).unwrap().expect("taken");
        assert_eq!(ev.file_name, name);
        assert!(ev.face.is_none());
        let stamp = &name[name.len() - 18..name.len() - 4];
        assert_eq!(
            ev.written_at.unwrap().format("%Y%m%d%H%M%S").to_string(),
            stamp
        );
        assert!(ev.result.is_ok());
    }
    // No time in the name: the file's time.
    let d = tempfile::tempdir().unwrap();
    let l = Layout::new(d.path());
    l.create_all().unwrap();
    let client = Client::open(l.clone(), options()).unwrap();
    std::fs::write(l.face.join("OQSsiquc01res_face_manual.xml"), face_bytes()).unwrap();
    let ev = client.next_face(T).unwrap().expect("taken");
    let age = now_jst() - ev.written_at.unwrap();
    assert!(age.num_seconds().abs() < 120, "{age}");
}

#[test]
fn ten_thousand_skipped_face_files_are_each_reported_once() {
    // On a tmpfs when there is one (creating 10,000 files on a disk takes a while).
    let d = match std::path::Path::new("/dev/shm").is_dir() {
        true => tempfile::tempdir_in("/dev/shm").unwrap(),
        false => tempfile::tempdir().unwrap(),
    };
    let l = Layout::new(d.path());
    l.create_all().unwrap();
    for i in 0..10_000 {
        std::fs::write(l.face.join(format!("note{i:05}.txt")), b"x").unwrap();
    }
    std::fs::write(
        l.face.join("publicmedicalhub_20260929160112.xml"),
        b"<XmlMsg/>",
    )
    .unwrap();
    std::fs::write(l.face.join(face_name("1", "20260929160112")), face_bytes()).unwrap();
    let client = Client::open(l.clone(), options()).unwrap();
    let started = Instant::now();
    let events = client.poll_face().unwrap();
    let first = client.skipped_faces();
    let took = started.elapsed();
    assert_eq!(events.len(), 1, "the one face result");
    assert_eq!(first.len(), 10_001);
    let unique: std::collections::HashSet<_> = first.iter().map(|f| f.name.clone()).collect();
    assert_eq!(unique.len(), 10_001, "each once");
    let pmh = first
        .iter()
        .find(|f| f.name.starts_with("publicmedicalhub"))
        .unwrap();
    assert_eq!(pmh.family, Some(Family::PublicMedicalHub));
    assert!(pmh.message_ja.contains("PMH"), "{}", pmh.message_ja);
    // Looked at again: nothing new.
    client.ack_face(&events[0]).unwrap();
    let again = Instant::now();
    client.poll_face().unwrap();
    assert!(client.skipped_faces().is_empty());
    eprintln!(
        "10,001 skipped files: first look {took:?}, next look {:?}",
        again.elapsed()
    );
    // A new one is reported, alone.
    std::fs::write(l.face.join("late.txt"), b"x").unwrap();
    client.poll_face().unwrap();
    let late = client.skipped_faces();
    assert_eq!(late.len(), 1);
    assert_eq!(late[0].name, "late.txt");
}

#[test]
fn new_families_reach_the_client() {
    let (d, emu, client) = setup();
    // 訪問 / オンライン single queries: the 個別照会 shape, answered like one.
    let p = emu.dataset().persons[0].clone();
    for family in [Family::HomeVisitQuery, Family::OnlineQuery] {
        let t = client
            .submit(
                family,
                &Message::QualificationRequest(QualificationRequest {
                    header: MessageHeader {
                        qualification_confirmation_date: Some(today()),
                        ..Default::default()
                    },
                    queries: vec![query_for(&p)],
                    ..Default::default()
                }),
            )
            .unwrap();
        assert!(t.request_file.starts_with(family.prefix()));
        let m = client.wait(&t, T).unwrap();
        assert!(matches!(m, Message::QualificationResponse(_)), "{family:?}");
    }
    // A family whose body is not modelled: kept whole, both ways.
    let body = onshi::model::UnknownElement {
        name: "RevocationInfo".into(),
        attributes: vec![],
        text: None,
        children: vec![onshi::model::UnknownElement {
            name: "ReasonCode".into(),
            attributes: vec![("kind".into(), "x".into())],
            text: Some("1".into()),
            children: vec![],
        }],
    };
    let req = Message::Unmodelled(onshi::xml::UnmodelledMessage {
        body: vec![body.clone()],
        ..Default::default()
    });
    let t = client.submit(Family::ConsentRevocation, &req).unwrap();
    let written = std::fs::read(d.path().join("req").join(&t.request_file));
    // The emulator may have taken it already; either way it answers with a reason.
    let _ = written;
    let e = client.wait(&t, T).unwrap_err();
    let TerminalError::Rejected { content, .. } = &e else {
        panic!("{e}")
    };
    assert!(
        content.expose().contains("閲覧同意取り消し"),
        "{}",
        content.expose()
    );
    // The 電子処方箋 family is known but not sent.
    assert!(client.submit(Family::ElectronicPrescription, &req).is_err());
    drop(emu);
}

#[test]
fn shift_jis_encrypted_face_with_the_hook() {
    let d = tempfile::tempdir().unwrap();
    let emu = encrypted_emulator(d.path(), Encoding::ShiftJis);
    let client = Client::open(
        Layout::new(d.path()),
        ClientOptions {
            cipher: Some(Arc::new(Xor::all())),
            ..options()
        },
    )
    .unwrap();
    emu.push_face("P01").unwrap();
    let ev = client.next_face(T).unwrap().expect("event");
    let r = ev.result.expect("decrypted and parsed");
    assert!(!r.body.results.is_empty());
}
