//! Per-clinic isolation: clinic A's EMR key and agent can never read, command or receive
//! anything of clinic B.
#![cfg(all(feature = "agent", feature = "relay"))]

mod cloud_common;
use cloud_common::*;
use onshi::cloud::protocol::{AgentFrame, CommandOutcome, PROTOCOL_VERSION, RelayFrame};
use onshi::relay::RelayConfig;
use std::time::Duration;

const T: Duration = Duration::from_secs(30);

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn clinics_cannot_see_or_command_each_other() {
    let d = tempfile::tempdir().unwrap();
    let relay = RelayHandle::start(RelayConfig::new(sqlite_url(d.path()))).await;
    let a = clinic(&relay.base, "clinic-a", d.path()).await;
    let b = clinic(&relay.base, "clinic-b", d.path()).await;
    let emu_a = emulator(&a.terminal_root);
    let emu_b = emulator(&b.terminal_root);
    let agent_a = start_agent(&a).await;
    let agent_b = start_agent(&b).await;
    a.emr.wait_state("ok", T).await;
    b.emr.wait_state("ok", T).await;

    // Events go to their own clinic only (also on the stream).
    let mut sse_a = Sse::open(&a.emr, None).await;
    let fa = push_faces(&emu_a, 2);
    let fb = push_faces(&emu_b, 3);
    assert_exactly_once(&a.emr.wait_events(2, T).await, &fa);
    assert_exactly_once(&b.emr.wait_events(3, T).await, &fb);
    let mut seen = Vec::new();
    while seen.len() < 2 {
        seen.push(sse_a.next(T).await.unwrap().1);
    }
    assert!(
        sse_a.next(Duration::from_millis(700)).await.is_none(),
        "B's events never reach A's stream"
    );
    assert_exactly_once(&seen, &fa);

    // B's command is invisible to A, and runs on B's terminal only.
    let (s, v) = b
        .emr
        .submit(&onshi::cloud::protocol::Command::Doctor, None)
        .await;
    assert_eq!(s, 202);
    let id = v["id"].as_str().unwrap().to_string();
    let (s, v) = a.emr.get(&format!("/v1/commands/{id}")).await;
    assert_eq!(s, 404, "{v}");
    b.emr.wait(&id, T).await;
    let (s, _) = a.emr.get(&format!("/v1/commands/{id}")).await;
    assert_eq!(s, 404);
    // Same idempotency key in two clinics: two commands.
    let (_, va) = a
        .emr
        .submit(&onshi::cloud::protocol::Command::Doctor, Some("k1"))
        .await;
    let (_, vb) = b
        .emr
        .submit(&onshi::cloud::protocol::Command::Doctor, Some("k1"))
        .await;
    assert_ne!(va["id"], vb["id"]);
    // Status and webhooks are per clinic.
    assert_eq!(a.emr.status().await["clinic_id"], "clinic-a");
    let (s, v) = b.emr.get("/v1/webhooks").await;
    assert_eq!((s, v["webhooks"].as_array().unwrap().len()), (200, 0));
    let r = reqwest::Client::new()
        .delete(format!("{}/v1/webhooks/whk_of_someone_else", relay.base))
        .bearer_auth(&a.emr.key)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);
    // An EMR key is not an admin token, nor an agent credential.
    let r = reqwest::Client::new()
        .get(format!("{}/admin/v1/clinics", relay.base))
        .bearer_auth(&a.emr.key)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    let r = reqwest::Client::new()
        .post(format!("{}/agent/v1/exchange", relay.base))
        .bearer_auth(&a.emr.key)
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    drop(agent_a);
    drop(agent_b);
    // Dropping an agent only starts closing its connection: wait until the relay has seen
    // both go, or B's next command may be handed to B's closing connection (issue 13).
    a.emr.wait_state("agent_down", T).await;
    b.emr.wait_state("agent_down", T).await;

    // Agent A answering B's command id: ignored (acknowledged so it stops, never stored).
    let (_, v) = b
        .emr
        .submit(&onshi::cloud::protocol::Command::Doctor, None)
        .await;
    let b_cmd = v["id"].as_str().unwrap().to_string();
    let cred_a = onshi::agent::credential::load(&a.state_dir)
        .unwrap()
        .unwrap();
    let http = reqwest::Client::new();
    let ex = |frames: Vec<AgentFrame>| {
        http.post(format!("{}/agent/v1/exchange", relay.base))
            .bearer_auth(cred_a.credential.as_str())
            .json(&serde_json::json!({ "frames": frames, "wait_ms": 0 }))
            .send()
    };
    let r: serde_json::Value = ex(vec![AgentFrame::Hello {
        protocol: PROTOCOL_VERSION,
        agent_version: "t".into(),
        clock_ms: 0,
    }])
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let frames: Vec<RelayFrame> = serde_json::from_value(r["frames"].clone()).unwrap();
    assert!(
        !frames
            .iter()
            .any(|f| matches!(f, RelayFrame::Command { id, .. } if *id == b_cmd)),
        "A's agent is never sent B's command"
    );
    ex(vec![AgentFrame::Result {
        command_id: b_cmd.clone(),
        outcome: CommandOutcome::Failed {
            error: onshi::cloud::protocol::CommandError {
                kind: "forged".into(),
                code: None,
                message: "forged".into(),
                message_ja: None,
            },
        },
    }])
    .await
    .unwrap();
    let (_, v) = b.emr.get(&format!("/v1/commands/{b_cmd}")).await;
    assert_eq!(v["state"], "queued", "B's command untouched: {v}");
    emu_a.stop();
    emu_b.stop();
    relay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn emr_requests_are_rate_limited_per_clinic() {
    let d = tempfile::tempdir().unwrap();
    let mut cfg = RelayConfig::new(sqlite_url(d.path()));
    cfg.emr_rate = onshi::relay::Rate {
        per_second: 1.0,
        burst: 5.0,
    };
    let relay = RelayHandle::start(cfg).await;
    let a = relay.relay.create_clinic("a", "a").await.unwrap();
    let b = relay.relay.create_clinic("b", "b").await.unwrap();
    let ea = Emr::new(&relay.base, &a);
    let eb = Emr::new(&relay.base, &b);
    let mut codes = Vec::new();
    for _ in 0..8 {
        codes.push(ea.get("/v1/status").await.0);
    }
    assert_eq!(&codes[..5], &[200; 5]);
    assert!(codes[5..].contains(&429), "{codes:?}");
    assert_eq!(
        eb.get("/v1/status").await.0,
        200,
        "another clinic is not limited"
    );
    relay.stop().await;
}
