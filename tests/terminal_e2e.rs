//! The client against the emulator, end to end, for every message family and scenario.

mod terminal_common;

use onshi::codes::*;
use onshi::model::{MessageHeader, QualificationQuery};
use onshi::terminal::{
    Behaviour, BulkOptions, BulkProgress, Client, DocumentAnswer, DocumentKind, Emulator, Layout,
    TerminalError, now_jst,
};
use onshi::xml::Encoding;
use onshi::xml::{DocumentRequest, Family, Message, QualificationRequest, ReferenceNumberRequest};
use std::time::Duration;
use terminal_common::*;

fn today() -> chrono::NaiveDate {
    now_jst().date()
}

#[test]
fn individual_query_for_every_scenario() {
    let (_d, emu, client) = setup();
    for p in emu.dataset().persons.clone() {
        if p.is_public_assistance() {
            continue; // 医療扶助 has no insurance card to query by (bulk test below).
        }
        let r = client.query(query_for(&p), today(), T).unwrap();
        assert_eq!(r.header.segment_of_result, Some(SegmentOfResult::Normal));
        assert_eq!(
            r.header.reference_classification,
            Some(ReferenceClassification::InsuranceCard)
        );
        if p.processing_error.is_some() {
            assert_eq!(
                r.body.outcome.status,
                Some(ProcessingResultStatus::Error),
                "{}",
                p.id
            );
            assert!(r.body.outcome.message.is_some());
            continue;
        }
        assert_eq!(
            r.body.qualification_validity.as_ref(),
            Some(&p.validity),
            "{}",
            p.id
        );
        if p.validity == QualificationValidity::Valid {
            let got = &r.body.results[0];
            let want = &p.qualifications[0];
            assert_eq!(got.person.name, want.person.name, "{}", p.id);
            assert_eq!(got.card.insurer_number, want.card.insurer_number);
            assert_eq!(
                got.insured_partial_contribution_ratio,
                want.insured_partial_contribution_ratio
            );
            assert_eq!(got.elderly_recipient, want.elderly_recipient);
            assert_eq!(got.limit_certificate, want.limit_certificate);
            assert_eq!(got.specific_diseases, want.specific_diseases);
            assert_eq!(got.preschool_classification, want.preschool_classification);
        }
    }
    assert!(client.pending().unwrap().is_empty());
    assert_eq!(emu.stats().rejected, 0);
}

#[test]
fn unknown_card_is_an_answer_not_an_error() {
    let (_d, emu, client) = setup();
    let mut q = query_for(&emu.dataset().persons[0]);
    q.card.insured_identification_number =
        Some(onshi::ids::CardNumber::parse("424242", onshi::ids::Mode::Strict).unwrap());
    let r = client.query(q, today(), T).unwrap();
    assert_eq!(
        r.body.qualification_validity,
        Some(QualificationValidity::NotFound)
    );
    assert!(r.body.results.is_empty());
}

#[test]
fn answers_are_paired_by_identifier_and_name() {
    let (d, emu, client) = setup();
    let p = emu.dataset().persons[0].clone();
    let msg = Message::QualificationRequest(QualificationRequest {
        header: MessageHeader {
            qualification_confirmation_date: Some(today()),
            arbitrary_file_identifier: Some("clinic-visit-42".into()),
            ..Default::default()
        },
        queries: vec![query_for(&p)],
        ..Default::default()
    });
    let t = client.submit(Family::Individual, &msg).unwrap();
    assert_eq!(
        t.arbitrary_file_identifier.as_deref(),
        Some("clinic-visit-42")
    );
    let Message::QualificationResponse(r) = client.wait(&t, T).unwrap() else {
        panic!()
    };
    assert_eq!(
        r.header.arbitrary_file_identifier.as_deref(),
        Some("clinic-visit-42")
    );
    // The answer file was consumed (default policy: delete) and nothing is pending.
    assert!(!d.path().join("res").join(t.response_file()).exists());
    assert!(client.pending().unwrap().is_empty());
}

#[test]
fn reference_number_single_then_face_shows_it() {
    let (_d, emu, client) = setup();
    let p = person(&emu, "社保 家族").clone();
    let x = &p.qualifications[0];
    let req = ReferenceNumberRequest {
        registrations: vec![ReferenceNumberRegistration {
            card: CardKey {
                insurer_number: x.card.insurer_number.clone(),
                insured_card_symbol: x.card.insured_card_symbol.clone(),
                insured_identification_number: x.card.insured_identification_number.clone(),
                insured_branch_number: x.card.insured_branch_number.clone(),
            },
            reference_number: Some(onshi::Personal::new("CHART-0002".into())),
            ..Default::default()
        }],
        ..Default::default()
    };
    let r = client.register_reference_number(req, T).unwrap();
    assert_eq!(r.outcome.status, Some(ProcessingResultStatus::Normal));
    emu.push_face(&p.id).unwrap();
    let e = client.next_face(T).unwrap().expect("face event");
    let f = e.result.unwrap();
    assert_eq!(
        f.body.results[0]
            .reference_number
            .as_ref()
            .map(|n| n.expose().as_str()),
        Some("CHART-0002")
    );
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

#[test]
fn bulk_qualification_polls_while_processing() {
    let (_d, emu, client) = setup();
    let persons: Vec<_> = emu.dataset().persons.iter().take(12).cloned().collect();
    let queries: Vec<QualificationQuery> = persons
        .iter()
        .enumerate()
        .map(|(i, p)| QualificationQuery {
            arbitrary_identifier: Some(format!("appt-{i}")),
            ..query_for(p)
        })
        .collect();
    let upload = Message::QualificationRequest(QualificationRequest {
        header: MessageHeader {
            qualification_confirmation_date: Some(today() + chrono::Duration::days(1)),
            ..Default::default()
        },
        queries,
        ..Default::default()
    });
    let mut steps = Vec::new();
    let out = client
        .bulk(Family::BulkQualification, &upload, &bulk_opts(), &mut |p| {
            steps.push(p)
        })
        .unwrap();
    assert_eq!(out.polls, 2, "one 処理中 then the results");
    assert!(matches!(steps[0], BulkProgress::Submitted));
    assert!(
        steps
            .iter()
            .any(|s| matches!(s, BulkProgress::Processing { .. }))
    );
    let Message::BulkQualificationResponse(b) = out.message else {
        panic!()
    };
    assert_eq!(b.units.len(), 12);
    assert_eq!(b.header.number_of_processing_result, Some(12));
    let ids: Vec<_> = b
        .units
        .iter()
        .map(|u| {
            u.query_echo
                .as_ref()
                .unwrap()
                .arbitrary_identifier
                .clone()
                .unwrap()
        })
        .collect();
    assert!(ids.contains(&"appt-0".to_string()) && ids.contains(&"appt-11".to_string()));
}

#[test]
fn bulk_reference_numbers_and_whole_clinic_families() {
    let (_d, emu, client) = setup();
    let regs: Vec<_> = emu.dataset().persons[..3]
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let x = &p.qualifications[0];
            ReferenceNumberRegistration {
                card: CardKey {
                    insurer_number: x.card.insurer_number.clone(),
                    insured_card_symbol: x.card.insured_card_symbol.clone(),
                    insured_identification_number: x.card.insured_identification_number.clone(),
                    insured_branch_number: x.card.insured_branch_number.clone(),
                },
                reference_number: Some(onshi::Personal::new(format!("C{i:04}"))),
                ..Default::default()
            }
        })
        .collect();
    let up = Message::ReferenceNumberRequest(ReferenceNumberRequest {
        registrations: regs,
        ..Default::default()
    });
    let out = client
        .bulk(Family::BulkReferenceNumber, &up, &bulk_opts(), &mut |_| {})
        .unwrap();
    let Message::ReferenceNumberResponse(r) = out.message else {
        panic!("{:?}", out.message)
    };
    assert_eq!(r.registrations.len(), 3);
    assert!(
        r.registrations
            .iter()
            .all(|x| x.outcome.status == Some(ProcessingResultStatus::Normal))
    );

    // 医療扶助: every recipient of the clinic for a month.
    let q = QualificationQuery {
        medical_treatment_month: Some(now_jst().format("%Y%m").to_string()),
        ..Default::default()
    };
    let up = Message::QualificationRequest(QualificationRequest {
        queries: vec![q],
        ..Default::default()
    });
    let out = client
        .bulk(
            Family::BulkMedicalAssistance,
            &up,
            &bulk_opts(),
            &mut |_| {},
        )
        .unwrap();
    let Message::BulkQualificationResponse(b) = out.message else {
        panic!()
    };
    assert!(b.units.len() >= 2);
    assert!(
        b.units
            .iter()
            .all(|u| u.results.iter().all(|q| q.is_public_assistance()))
    );
    assert!(
        b.units
            .iter()
            .any(|u| u.qualification_validity == Some(QualificationValidity::ValidUnregistered))
    );
    assert!(
        b.units
            .iter()
            .any(|u| u.results.iter().any(|q| !q.medical_tickets.is_empty()))
    );

    // 訪問 / オンライン: by consent date.
    for (family, flag) in [
        (Family::BulkHomeVisit, MedicalTreatmentFlag::HomeVisit),
        (Family::BulkOnline, MedicalTreatmentFlag::Online),
    ] {
        let q = QualificationQuery {
            consent_date_from: chrono::NaiveDate::from_ymd_opt(2025, 1, 1),
            consent_date_to: chrono::NaiveDate::from_ymd_opt(2025, 12, 31),
            medical_treatment_flag: Some(flag),
            ..Default::default()
        };
        let up = Message::QualificationRequest(QualificationRequest {
            queries: vec![q],
            ..Default::default()
        });
        let out = client.bulk(family, &up, &bulk_opts(), &mut |_| {}).unwrap();
        let Message::BulkQualificationResponse(b) = out.message else {
            panic!()
        };
        assert_eq!(b.units.len(), 1, "{family:?}");
    }
}

#[test]
fn bulk_deadline_and_unknown_reception_number() {
    let d = tempfile::tempdir().unwrap();
    let mut cfg = emulator(d.path());
    cfg.processing_polls = 1000;
    let emu = Emulator::start(cfg).unwrap();
    let client = Client::open(Layout::new(d.path()), options()).unwrap();
    let up = Message::QualificationRequest(QualificationRequest {
        queries: vec![query_for(&emu.dataset().persons[0])],
        ..Default::default()
    });
    let opts = BulkOptions {
        deadline: Duration::from_secs(2),
        ..bulk_opts()
    };
    let e = client
        .bulk(Family::BulkQualification, &up, &opts, &mut |_| {})
        .unwrap_err();
    assert!(
        matches!(e, TerminalError::BulkDeadline { polls, .. } if polls >= 2),
        "{e}"
    );
    // Downloading with a reception number the terminal does not know: 異常終了.
    let dl = Message::BulkDownloadRequest(onshi::xml::BulkDownloadRequest {
        reception_number: "000000000000".into(),
        ..Default::default()
    });
    let t = client.submit(Family::BulkQualification, &dl).unwrap();
    let Message::BulkQualificationResponse(b) = client.wait(&t, T).unwrap() else {
        panic!()
    };
    assert_eq!(b.header.segment_of_result, Some(SegmentOfResult::Abnormal));
}

fn doc_request(p: &onshi::terminal::Person, category: FileCategory) -> DocumentRequest {
    let x = &p.qualifications[0];
    DocumentRequest {
        query: DocumentQuery {
            start_month: Some("202410".into()),
            end_month: Some("202504".into()),
            file_category: Some(category),
            pr_di_inf_classification: Some("1".into()),
            medical_treatment_flag: Some(MedicalTreatmentFlag::Ordinary),
        },
        card: CardKey {
            insurer_number: x.card.insurer_number.clone(),
            insured_card_symbol: x.card.insured_card_symbol.clone(),
            insured_identification_number: x.card.insured_identification_number.clone(),
            insured_branch_number: x.card.insured_branch_number.clone(),
        },
        ..Default::default()
    }
}

#[test]
fn drug_and_checkup_documents_only_with_valid_consent() {
    let (d, emu, client) = setup();
    let now = now_jst();
    let yes = person(&emu, "薬剤・特定健診 同意あり").clone();
    let r = client.query(query_for(&yes), today(), T).unwrap();
    let consents = r.body.results[0].consents.clone();
    let a = client
        .document(
            DocumentKind::DrugInfo,
            &consents.pharmacists,
            doc_request(&yes, FileCategory::Xml),
            now,
            T,
        )
        .unwrap();
    let DocumentAnswer::Xml(doc) = a else {
        panic!("{a:?}")
    };
    assert_eq!(doc.outcome.result_code.as_deref(), Some("1"));
    assert!(!doc.body.is_empty());
    let a = client
        .document(
            DocumentKind::Checkup,
            &consents.specific_health_checkups,
            doc_request(&yes, FileCategory::Pdf),
            now,
            T,
        )
        .unwrap();
    assert!(matches!(a, DocumentAnswer::Pdf(ref b) if b.starts_with(b"%PDF")));

    // Expired consent: nothing is written to req/.
    let old = person(&emu, "薬剤 同意期限切れ").clone();
    let r = client.query(query_for(&old), today(), T).unwrap();
    let taken = emu.stats().taken;
    let a = client
        .document(
            DocumentKind::DrugInfo,
            &r.body.results[0].consents.pharmacists,
            doc_request(&old, FileCategory::Xml),
            now,
            T,
        )
        .unwrap();
    let DocumentAnswer::NotConsented(refusal) = a else {
        panic!()
    };
    assert!(refusal.expired);
    assert_eq!(refusal.message_ja(), "情報の提供は同意されていません");
    // Refused at the reader.
    let no = person(&emu, "薬剤 同意なし").clone();
    let r = client.query(query_for(&no), today(), T).unwrap();
    let a = client
        .document(
            DocumentKind::DrugInfo,
            &r.body.results[0].consents.pharmacists,
            doc_request(&no, FileCategory::Xml),
            now,
            T,
        )
        .unwrap();
    assert!(matches!(
        a,
        DocumentAnswer::NotConsented(ConsentRefusalLike { expired: false, .. })
    ));
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(
        emu.stats().taken,
        taken + 1,
        "only the query reached the terminal"
    );
    assert_eq!(std::fs::read_dir(d.path().join("req")).unwrap().count(), 0);
}

use onshi::model::{CardKey, DocumentQuery, ReferenceNumberRegistration};
use onshi::terminal::ConsentRefusal as ConsentRefusalLike;

#[test]
fn malformed_request_comes_back_as_err() {
    let (d, emu, client) = setup();
    // A request without 医療機関コード: the terminal cannot process it.
    let client2 = Client::open(
        Layout::new(d.path()),
        onshi::terminal::ClientOptions {
            medical_institution_code: None,
            ..options()
        },
    )
    .unwrap();
    let msg = Message::QualificationRequest(QualificationRequest {
        queries: vec![query_for(&emu.dataset().persons[0])],
        ..Default::default()
    });
    let t = client2.submit(Family::Individual, &msg).unwrap();
    let e = client2.wait(&t, T).unwrap_err();
    let TerminalError::Rejected {
        content,
        request_file,
    } = &e
    else {
        panic!("{e}")
    };
    assert_eq!(request_file, &t.request_file);
    assert!(
        content.expose().contains("医療機関コード"),
        "{}",
        content.expose()
    );
    assert_eq!(e.code(), 402);
    // Both the moved request and the .err were cleaned up.
    assert!(!d.path().join("res").join(&t.request_file).exists());
    assert!(!d.path().join("res").join(t.err_file()).exists());
    // Garbage written straight into req/.
    std::fs::write(
        d.path().join("req").join("OQSsiquc01req_garbage1.xml"),
        b"<XmlMsg><oops></XmlMsg>",
    )
    .unwrap();
    let t = onshi::terminal::Ticket {
        request_file: "OQSsiquc01req_garbage1.xml".into(),
        family: Family::Individual,
        phase: onshi::xml::Phase::Upload,
        arbitrary_file_identifier: None,
        reception_number: None,
        submitted_at: now_jst(),
    };
    assert!(matches!(
        client.wait(&t, T),
        Err(TerminalError::Rejected { .. })
    ));
    assert_eq!(emu.stats().rejected, 2);
}

#[test]
fn terminal_down_and_silent() {
    let d = tempfile::tempdir().unwrap();
    let mut cfg = emulator(d.path());
    cfg.behaviour = Behaviour::Down;
    let emu = Emulator::start(cfg).unwrap();
    let client = Client::open(Layout::new(d.path()), options()).unwrap();
    let p = emu.dataset().persons[0].clone();
    let e = client
        .query(query_for(&p), today(), Duration::from_millis(300))
        .unwrap_err();
    let TerminalError::NotAnswering(n) = &e else {
        panic!("{e}")
    };
    assert!(n.request_still_in_req);
    assert!(n.to_text_ja().starts_with(
        "資格情報の取得に時間がかかっています。資格確認端末の連携アプリケーションが起動しているか確認してください。"
    ));
    assert!(n.to_text_ja().contains("req フォルダに残っています"));
    // The ticket stays pending; when the terminal comes back the answer can be collected.
    let pending = client.pending().unwrap();
    assert_eq!(pending.len(), 1);
    emu.set_behaviour(Behaviour::Normal);
    let m = client.wait(&pending[0], T).unwrap();
    assert!(matches!(m, Message::QualificationResponse(_)));
    assert!(client.pending().unwrap().is_empty());

    emu.set_behaviour(Behaviour::Silent);
    let msg = Message::QualificationRequest(QualificationRequest {
        queries: vec![query_for(&p)],
        ..Default::default()
    });
    let taken = emu.stats().taken;
    let t = client.submit(Family::Individual, &msg).unwrap();
    // Wait until the silent terminal has taken it (however slow the machine), then time out.
    let end = std::time::Instant::now() + T;
    while emu.stats().taken == taken && std::time::Instant::now() < end {
        std::thread::sleep(Duration::from_millis(10));
    }
    let e = client.wait(&t, Duration::from_millis(200)).unwrap_err();
    let TerminalError::NotAnswering(n) = &e else {
        panic!("{e}")
    };
    assert!(!n.request_still_in_req, "taken but never answered");
    assert!(n.to_text_ja().contains("回線認証"));
}

#[test]
fn shift_jis_answers_and_requests() {
    let d = tempfile::tempdir().unwrap();
    let mut cfg = emulator(d.path());
    cfg.encoding = Encoding::ShiftJis;
    let emu = Emulator::start(cfg).unwrap();
    let client = Client::open(
        Layout::new(d.path()),
        onshi::terminal::ClientOptions {
            encoding: Encoding::ShiftJis,
            processed: onshi::terminal::ProcessedPolicy::Archive,
            ..options()
        },
    )
    .unwrap();
    let p = person(&emu, "社保 本人").clone();
    let r = client.query(query_for(&p), today(), T).unwrap();
    assert_eq!(
        r.header.character_code_identifier,
        Some(CharacterCodeIdentifier::ShiftJis)
    );
    assert_eq!(
        r.body.results[0].person.name,
        p.qualifications[0].person.name
    );
    // The archived answer really is Shift_JIS.
    let archived = std::fs::read_dir(d.path().join(".onshi").join("archive"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let bytes = std::fs::read(archived).unwrap();
    assert!(std::str::from_utf8(&bytes).is_err(), "not UTF-8");
    assert!(String::from_utf8_lossy(&bytes[..80]).contains("Shift_JIS"));
    // A ● name survives Shift_JIS.
    let maru = person(&emu, "● 氏名（髙").clone();
    let r = client.query(query_for(&maru), today(), T).unwrap();
    assert!(
        r.body.results[0]
            .person
            .name
            .as_ref()
            .unwrap()
            .contains('●')
    );
}

#[test]
fn face_events_poll_callback_and_policies() {
    let (d, emu, client) = setup();
    let a = emu.push_face("P01").unwrap();
    let b = emu.push_face("P02").unwrap();
    let got = {
        let mut v = Vec::new();
        let end = std::time::Instant::now() + T;
        while v.len() < 2 && std::time::Instant::now() < end {
            v.extend(client.poll_face().unwrap());
            std::thread::sleep(Duration::from_millis(20));
        }
        v
    };
    let names: Vec<_> = got.iter().map(|e| e.file_name.clone()).collect();
    assert!(names.contains(&a) && names.contains(&b));
    for e in &got {
        let r = e.result.as_ref().unwrap();
        assert_eq!(
            r.header.reference_classification,
            Some(ReferenceClassification::MyNumberCard)
        );
        assert!(r.body.query_echo.is_none());
        assert_eq!(e.face.as_ref().unwrap().institution_code, "1310000003");
        assert_eq!(e.delivery, 1);
        assert!(e.written_at.is_some());
    }
    // Handed out and not acknowledged: not handed out twice by this client.
    assert!(client.poll_face().unwrap().is_empty());
    assert_eq!(client.unacknowledged_faces().len(), 2);
    for e in &got {
        client.ack_face(e).unwrap();
        client.ack_face(e).unwrap(); // idempotent
    }
    assert!(client.unacknowledged_faces().is_empty());
    assert!(
        client.poll_face().unwrap().is_empty(),
        "acknowledged: never again"
    );
    assert!(
        d.path().join("face").join(&a).exists(),
        "left in face/ by default (other programs may read it)"
    );

    // Callback form, with a second client on the same root: each file goes to one of them.
    let other = Client::open(Layout::new(d.path()), options()).unwrap();
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let s1 = seen.clone();
    let s2 = seen.clone();
    let sub1 = client.on_face(move |e| s1.lock().unwrap().push(e.unwrap().file_name));
    let sub2 = other.on_face(move |e| s2.lock().unwrap().push(e.unwrap().file_name));
    let mut pushed = Vec::new();
    for id in ["P03", "P04", "P05", "P06", "P07"] {
        pushed.push(emu.push_face(id).unwrap());
    }
    let end = std::time::Instant::now() + T;
    while seen.lock().unwrap().len() < 5 && std::time::Instant::now() < end {
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(200));
    sub1.stop();
    drop(sub2);
    let mut s = seen.lock().unwrap().clone();
    s.sort();
    pushed.sort();
    assert_eq!(s, pushed, "each face file exactly once across both clients");

    // The delete policy applies only after the acknowledgement.
    let deleting = Client::open(
        Layout::new(d.path()),
        onshi::terminal::ClientOptions {
            face_processed: onshi::terminal::ProcessedPolicy::Delete,
            ..options()
        },
    )
    .unwrap();
    let c = emu.push_face("P08").unwrap();
    let e = deleting.next_face(T).unwrap().unwrap();
    assert_eq!(e.file_name, c);
    assert!(
        d.path().join("face").join(&c).exists(),
        "not before the ack"
    );
    deleting.ack_face(&e).unwrap();
    assert!(
        !d.path().join("face").join(&c).exists(),
        "deleted after the ack"
    );
}

#[test]
fn persons_who_cannot_use_the_reader_are_refused() {
    let (_d, emu, _client) = setup();
    let p = person(&emu, "該当資格なし").id.clone();
    assert!(emu.push_face(&p).is_err());
    assert!(emu.push_face("nobody").is_err());
}

#[test]
fn a_wrong_root_is_reported_not_created() {
    let d = tempfile::tempdir().unwrap();
    let wrong = d.path().join("not-the-share");
    let e = Client::open(Layout::new(&wrong), options()).unwrap_err();
    assert!(
        matches!(e, TerminalError::MissingFolder { folder: "req", .. }),
        "{e}"
    );
    assert_eq!(e.code(), 411);
    assert!(!wrong.exists(), "nothing was created");
    let ok = Client::open(
        Layout::new(&wrong),
        onshi::terminal::ClientOptions {
            create_folders: true,
            ..options()
        },
    );
    assert!(ok.is_ok() && wrong.join("face").is_dir());
}

#[test]
fn the_emulator_answers_2024_labels_and_odd_values_in_both_encodings() {
    use onshi::terminal::ProcessedPolicy;
    for enc in [Encoding::Utf8, Encoding::ShiftJis] {
        let d = tempfile::tempdir().unwrap();
        let mut cfg = emulator(d.path());
        cfg.encoding = enc;
        let emu = Emulator::start(cfg).unwrap();
        let client = Client::open(
            Layout::new(d.path()),
            onshi::terminal::ClientOptions {
                encoding: enc,
                processed: ProcessedPolicy::Archive,
                ..options()
            },
        )
        .unwrap();
        // 被保険者証区分 05 and 07 come back, labelled as they read since 2024-12-02.
        for (prefix, wire, label) in [
            ("特別療養費", "05", "特別療養費支給対象者"),
            ("自衛官", "07", "自衛官"),
        ] {
            let p = person(&emu, prefix).clone();
            let r = client.query(query_for(&p), today(), T).unwrap();
            let c = r.body.results[0]
                .insured_card_classification
                .clone()
                .unwrap();
            assert_eq!(c.wire(), wire, "{enc:?}");
            assert_eq!(c.label_on(today()), label, "{enc:?}");
        }
        // An odd value in the answer keeps the answer: the value is kept as it came.
        let p = person(&emu, "規格外の値").clone();
        let r = client.query(query_for(&p), today(), T).unwrap();
        let q = &r.body.results[0];
        assert_eq!(q.person.name, p.qualifications[0].person.name);
        assert_eq!(q.insured_card_expiration_date, None);
        assert!(
            q.extra
                .iter()
                .any(|e| e.name == "InsuredCardExpirationDate"
                    && e.text.as_deref() == Some("99999999")),
            "{enc:?}: {:?}",
            q.extra
        );
        // The file the emulator wrote reads with one warning that says where.
        let warned: Vec<_> = std::fs::read_dir(d.path().join(".onshi").join("archive"))
            .unwrap()
            .filter_map(|e| {
                let doc = onshi::xml::parse(&std::fs::read(e.unwrap().path()).unwrap()).unwrap();
                (!doc.warnings.is_empty()).then_some(doc)
            })
            .collect();
        let [doc] = warned.as_slice() else {
            panic!("{enc:?}: {} files with warnings", warned.len())
        };
        assert_eq!(doc.encoding, enc);
        assert_eq!(doc.warnings.len(), 1);
        assert!(
            doc.warnings[0]
                .path
                .ends_with("ResultOfQualificationConfirmation[1]/InsuredCardExpirationDate"),
            "{}",
            doc.warnings[0].path
        );
    }
}

#[test]
fn bulk_registrations_come_back_as_units_when_the_emulator_writes_them() {
    for enc in [Encoding::Utf8, Encoding::ShiftJis] {
        let d = tempfile::tempdir().unwrap();
        let mut cfg = emulator(d.path());
        cfg.encoding = enc;
        cfg.processing_polls = 0;
        cfg.registration_units = true;
        let emu = Emulator::start(cfg).unwrap();
        let client = Client::open(
            Layout::new(d.path()),
            onshi::terminal::ClientOptions {
                encoding: enc,
                ..options()
            },
        )
        .unwrap();
        let mut regs: Vec<ReferenceNumberRegistration> = emu.dataset().persons[..2]
            .iter()
            .map(|p| ReferenceNumberRegistration {
                card: p.qualifications[0].card.clone(),
                reference_number: Some(onshi::Personal::new(format!("U-{}", p.id))),
                ..Default::default()
            })
            .collect();
        // A card nobody holds: its unit is an error with a code.
        regs.push(ReferenceNumberRegistration {
            card: CardKey {
                insurer_number: regs[0].card.insurer_number.clone(),
                insured_identification_number: Some(
                    onshi::ids::CardNumber::parse("999999", onshi::ids::Mode::Lenient).unwrap(),
                ),
                ..Default::default()
            },
            reference_number: Some(onshi::Personal::new("U-none".into())),
            ..Default::default()
        });
        let up = Message::ReferenceNumberRequest(ReferenceNumberRequest {
            registrations: regs,
            ..Default::default()
        });
        let out = client
            .bulk(Family::BulkReferenceNumber, &up, &bulk_opts(), &mut |_| {})
            .unwrap();
        let Message::ReferenceNumberResponse(r) = out.message else {
            panic!("{:?}", out.message)
        };
        assert!(r.registrations.is_empty(), "{enc:?}");
        assert_eq!(r.units.len(), 3, "{enc:?}");
        let all = r.outcomes();
        let status: Vec<_> = all.iter().map(|o| o.outcome.status.clone()).collect();
        assert_eq!(
            status,
            vec![
                Some(ProcessingResultStatus::Normal),
                Some(ProcessingResultStatus::Normal),
                Some(ProcessingResultStatus::Error)
            ],
            "{enc:?}"
        );
        assert_eq!(all[2].outcome.code.as_deref(), Some("EMU2001"));
        assert_eq!(
            all[0]
                .registration
                .and_then(|g| g.reference_number.as_ref())
                .map(|n| n.expose().as_str()),
            Some("U-P01")
        );
    }
}

#[test]
fn an_unregistered_assistance_answer_early_in_the_month_is_a_recheck_in_both_encodings() {
    use onshi::diff::{self, DiffContext, QueryKind, RecheckReason, Returned, Verdict};
    let on = |d: u32| chrono::NaiveDate::from_ymd_opt(2026, 10, d).unwrap();
    for enc in [Encoding::Utf8, Encoding::ShiftJis] {
        let d = tempfile::tempdir().unwrap();
        let mut cfg = emulator(d.path());
        cfg.encoding = enc;
        let emu = Emulator::start(cfg).unwrap();
        let client = Client::open(
            Layout::new(d.path()),
            onshi::terminal::ClientOptions {
                encoding: enc,
                ..options()
            },
        )
        .unwrap();
        // P15: 医療扶助, 資格有効性 6 (未委託・未登録), as the terminal writes it.
        let p = person(&emu, "医療扶助（資格有効性 6").clone();
        let r = client.query(query_for(&p), today(), T).unwrap();
        assert_eq!(
            r.body.qualification_validity,
            Some(QualificationValidity::ValidUnregistered),
            "{enc:?}"
        );
        let clinic = &p.qualifications[0];
        // Early in the month: not 無効, re-check on the 21st.
        let early = diff::compare(
            clinic,
            &Returned::from(&r.body),
            &DiffContext::new(on(5), QueryKind::MyNumberCard),
        );
        assert_ne!(early.verdict, Verdict::NotConfirmed, "{enc:?}");
        let rc = early.recheck.as_ref().expect("a day to re-check");
        assert_eq!(rc.reason, RecheckReason::TicketNotYetRegistered);
        assert_eq!(rc.on, on(21), "{enc:?}");
        // After the welfare office's window: nothing to re-check.
        let late = diff::compare(
            clinic,
            &Returned::from(&r.body),
            &DiffContext::new(on(25), QueryKind::MyNumberCard),
        );
        assert!(late.recheck.is_none(), "{enc:?}");
    }
}
