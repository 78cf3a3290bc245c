//! Agent + relay + emulator end to end, for every operation, on SQLite and PostgreSQL:
//! face events (SSE, polling list, signed webhooks), 個別照会, 照会番号登録, bulk with
//! progress, 薬剤情報 with and without consent, health checks, idempotent submission, both
//! transports.
#![cfg(all(feature = "agent", feature = "relay"))]

mod cloud_common;
use cloud_common::*;
use onshi::agent::link::TransportChoice;
use onshi::cloud::protocol::{Command, FacePayload};
use onshi::relay::RelayConfig;
use onshi::xml::{DocumentRequest, Family, Message, QualificationRequest, ReferenceNumberRequest};
use std::time::Duration;

const T: Duration = Duration::from_secs(30);

async fn every_operation(db_url: String, transport: TransportChoice) {
    let dir = tempfile::tempdir().unwrap();
    let relay = RelayHandle::start(RelayConfig::new(db_url)).await;
    let c = clinic(&relay.base, "c1", dir.path()).await;
    assert_eq!(
        c.emr.status().await["state"],
        "agent_down",
        "enrolled, not yet running"
    );
    let emu = emulator(&c.terminal_root);
    let mut cfg = agent_config(&c.state_dir, &c.terminal_root);
    cfg.transport = transport;
    let agent = onshi::agent::Agent::start(cfg).await.unwrap();
    let st = c.emr.wait_health(T).await;
    assert_eq!(st["state"], "ok", "{st}");
    assert!(st["agent"]["connected"].as_bool().unwrap());
    assert_eq!(st["terminal"]["terminal"], "ok", "{st}");

    // Face event → SSE stream and polling list, with the face file name as key.
    let mut sse = Sse::open(&c.emr, None).await;
    let p = person(&emu, "社保 本人");
    let face_file = emu.push_face(&p.id).unwrap();
    let (seq, ev) = sse.next(T).await.expect("a face event on the stream");
    assert!(seq > 0);
    assert_eq!(ev["key"].as_str().unwrap(), face_file);
    let payload: FacePayload = serde_json::from_value(ev["payload"].clone()).unwrap();
    let Some(Message::QualificationResponse(r)) = payload.message else {
        panic!("face payload: {payload:?}")
    };
    assert_eq!(
        r.body.results[0].person.name.as_ref().unwrap().expose(),
        p.qualifications[0].person.name.as_ref().unwrap().expose()
    );
    assert_eq!(keys(&c.emr.events().await), vec![face_file.clone()]);

    // 個別照会.
    let v = c
        .emr
        .run(
            &Command::Query {
                query: query_for(&p),
                date: today(),
            },
            T,
        )
        .await;
    assert_eq!(v["state"], "done", "{v}");
    assert_eq!(v["outcome"]["status"], "answer");
    assert_eq!(v["outcome"]["message"]["type"], "qualification_response");

    // 該当資格なし is an answer, not a failure.
    let none = person(&emu, "該当資格なし");
    let v = c
        .emr
        .run(
            &Command::Query {
                query: query_for(&none),
                date: today(),
            },
            T,
        )
        .await;
    assert_eq!(v["outcome"]["status"], "answer", "{v}");

    // 照会番号登録.
    let fam = person(&emu, "社保 家族");
    let x = &fam.qualifications[0];
    let req = ReferenceNumberRequest {
        registrations: vec![onshi::model::ReferenceNumberRegistration {
            reference_number: Some(onshi::Personal::new("CHART-0002".into())),
            card: x.card.clone(),
            ..Default::default()
        }],
        ..Default::default()
    };
    let v = c
        .emr
        .run(&Command::ReferenceNumber { request: req }, T)
        .await;
    assert_eq!(
        v["outcome"]["message"]["type"], "reference_number_response",
        "{v}"
    );

    // Bulk 一括照会 with progress (the emulator answers 処理中 once).
    let upload = Message::QualificationRequest(QualificationRequest {
        header: onshi::model::MessageHeader {
            qualification_confirmation_date: Some(today()),
            ..Default::default()
        },
        queries: ["社保 本人", "国保 本人", "後期高齢 1割"]
            .iter()
            .map(|l| query_for(&person(&emu, l)))
            .collect(),
        ..Default::default()
    });
    let v = c
        .emr
        .run(
            &Command::Bulk {
                family: Family::BulkQualification,
                upload,
            },
            T,
        )
        .await;
    assert_eq!(v["outcome"]["status"], "answer", "{v}");
    assert!(v["outcome"]["reception_number"].is_string());
    assert_eq!(v["progress"]["step"], "done", "{v}");
    assert!(
        v["progress"]["polls"].as_u64().unwrap() >= 2,
        "one 処理中 poll, then the results: {v}"
    );
    let results = &v["outcome"]["message"];
    assert_eq!(results["type"], "bulk_qualification_response");

    // 薬剤情報: consented → document; refused → NotConsented, nothing written.
    for (label, consented) in [("薬剤・特定健診 同意あり", true), ("薬剤 同意なし", false)]
    {
        let who = person(&emu, label);
        let v = c
            .emr
            .run(
                &Command::Query {
                    query: query_for(&who),
                    date: today(),
                },
                T,
            )
            .await;
        let m: Message = serde_json::from_value(v["outcome"]["message"].clone()).unwrap();
        let Message::QualificationResponse(r) = m else {
            panic!()
        };
        let q = r.body.results[0].clone();
        let now = onshi::terminal::now_jst();
        let request = DocumentRequest {
            card: q.card.clone(),
            query: onshi::model::DocumentQuery {
                start_month: Some(
                    (now.date() - chrono::Duration::days(180))
                        .format("%Y%m")
                        .to_string(),
                ),
                end_month: Some(now.format("%Y%m").to_string()),
                file_category: Some(onshi::codes::FileCategory::Xml),
                pr_di_inf_classification: Some("1".into()),
                medical_treatment_flag: Some(onshi::codes::MedicalTreatmentFlag::Ordinary),
            },
            ..Default::default()
        };
        let taken = emu.stats().taken;
        let v = c
            .emr
            .run(
                &Command::Document {
                    kind: onshi::terminal::DocumentKind::DrugInfo,
                    consent: q.consents.pharmacists.clone(),
                    request,
                },
                T,
            )
            .await;
        if consented {
            assert_eq!(v["outcome"]["status"], "answer", "{v}");
            assert_eq!(v["outcome"]["message"]["type"], "document_response");
        } else {
            assert_eq!(v["outcome"]["status"], "not_consented", "{v}");
            assert_eq!(v["outcome"]["message_ja"], "情報の提供は同意されていません");
            assert_eq!(emu.stats().taken, taken, "nothing was written to req/");
        }
    }

    // Health checks on command.
    let v = c.emr.run(&Command::Doctor, T).await;
    assert_eq!(v["outcome"]["status"], "doctor");
    assert_eq!(v["outcome"]["health"]["terminal"], "ok", "{v}");

    // The terminal's link program stops: a typed failure that says so, and the clinic
    // status names the terminal, not the agent.
    emu.set_behaviour(onshi::terminal::Behaviour::Down);
    let mut slow = agent_config(&c.state_dir, &c.terminal_root);
    slow.terminal.answer_timeout = Duration::from_millis(800);
    drop(agent);
    let agent = onshi::agent::Agent::start(slow).await.unwrap();
    c.emr.wait_state("ok", T).await;
    let v = c
        .emr
        .run(
            &Command::Query {
                query: query_for(&p),
                date: today(),
            },
            T,
        )
        .await;
    assert_eq!(v["state"], "failed", "{v}");
    assert_eq!(v["outcome"]["error"]["kind"], "not_answering");
    assert!(
        v["outcome"]["error"]["message_ja"]
            .as_str()
            .unwrap()
            .starts_with("資格情報の取得に時間がかかっています")
    );
    drop(agent);
    emu.stop();
    relay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_operation_sqlite_websocket() {
    let d = tempfile::tempdir().unwrap();
    every_operation(sqlite_url(d.path()), TransportChoice::WebSocket).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_operation_sqlite_long_polling() {
    let d = tempfile::tempdir().unwrap();
    every_operation(sqlite_url(d.path()), TransportChoice::LongPoll).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_operation_postgres() {
    let Some(base) = pg_url() else { return };
    let url = fresh_pg_db(&base, "e2e").await;
    every_operation(url, TransportChoice::Auto).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn commands_with_an_idempotency_key_are_queued_once() {
    let d = tempfile::tempdir().unwrap();
    let relay = RelayHandle::start(RelayConfig::new(sqlite_url(d.path()))).await;
    let c = clinic(&relay.base, "c1", d.path()).await;
    let (s1, v1) = c.emr.submit(&Command::Doctor, Some("visit-42")).await;
    let (s2, v2) = c.emr.submit(&Command::Doctor, Some("visit-42")).await;
    assert_eq!((s1, s2), (202, 200));
    assert_eq!(v1["id"], v2["id"]);
    let (s3, _) = c.emr.submit(&Command::Doctor, Some("../bad key")).await;
    assert_eq!(s3, 400);
    relay.stop().await;
}

/// A webhook receiver: records (signature ok, idempotency key); fails the first `fail` calls.
async fn webhook_receiver(
    fail: usize,
) -> (
    String,
    std::sync::Arc<std::sync::Mutex<Vec<(bool, String)>>>,
    std::sync::Arc<std::sync::Mutex<String>>,
) {
    use axum::http::HeaderMap;
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::<(bool, String)>::new()));
    let secret = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let calls = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let (s2, sec2) = (seen.clone(), secret.clone());
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |h: HeaderMap, body: axum::body::Bytes| {
            let (seen, secret, calls) = (s2.clone(), sec2.clone(), calls.clone());
            async move {
                let n = calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                if n < fail {
                    return axum::http::StatusCode::SERVICE_UNAVAILABLE;
                }
                let sig = h
                    .get("onshi-signature")
                    .unwrap()
                    .to_str()
                    .unwrap()
                    .to_string();
                let key = h
                    .get("onshi-idempotency-key")
                    .unwrap()
                    .to_str()
                    .unwrap()
                    .to_string();
                let now = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_secs() as i64;
                let ok =
                    onshi::relay::webhook::verify(&secret.lock().unwrap(), &sig, &body, now, 300);
                seen.lock().unwrap().push((ok, key));
                axum::http::StatusCode::NO_CONTENT
            }
        }),
    );
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", l.local_addr().unwrap());
    tokio::spawn(async move {
        let _ = axum::serve(l, app).await;
    });
    (url, seen, secret)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn webhooks_are_signed_and_retried_until_accepted() {
    let d = tempfile::tempdir().unwrap();
    let relay = RelayHandle::start(RelayConfig::new(sqlite_url(d.path()))).await;
    let c = clinic(&relay.base, "c1", d.path()).await;
    let (url, seen, secret) = webhook_receiver(1).await;
    let r = c
        .emr
        .http
        .post(format!("{}/v1/webhooks", relay.base))
        .bearer_auth(&c.emr.key)
        .json(&serde_json::json!({ "url": url }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let v: serde_json::Value = r.json().await.unwrap();
    *secret.lock().unwrap() = v["secret"].as_str().unwrap().to_string();
    let emu = emulator(&c.terminal_root);
    let agent = start_agent(&c).await;
    let f1 = emu.push_face(&person(&emu, "社保 本人").id).unwrap();
    let f2 = emu.push_face(&person(&emu, "国保 本人").id).unwrap();
    let deadline = std::time::Instant::now() + T;
    loop {
        let got: Vec<String> = seen.lock().unwrap().iter().map(|x| x.1.clone()).collect();
        if got.contains(&f1) && got.contains(&f2) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "webhooks not delivered: {got:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        seen.lock().unwrap().iter().all(|x| x.0),
        "every signature verifies"
    );
    drop(agent);
    emu.stop();
    relay.stop().await;
}
