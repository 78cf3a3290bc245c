//! Faults on loopback, each bounded in time: the relay down while faces arrive, the relay
//! dying between storing and acknowledging, a network cut, revoked and expired credentials,
//! clock skew, and malformed or oversized messages on both sides.
#![cfg(all(feature = "agent", feature = "relay"))]

mod cloud_common;
use cloud_common::*;
use futures_util::{SinkExt, StreamExt};
use onshi::cloud::protocol::{AgentFrame, Command, PROTOCOL_VERSION, RelayFrame};
use onshi::relay::RelayConfig;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

const T: Duration = Duration::from_secs(30);

fn down_secs() -> u64 {
    std::env::var("ONSHI_FAULT_DOWN_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(30)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn relay_down_30_seconds_while_faces_arrive_loses_and_doubles_nothing() {
    let d = tempfile::tempdir().unwrap();
    let url = sqlite_url(d.path());
    let relay = RelayHandle::start(RelayConfig::new(url.clone())).await;
    let addr = relay.addr;
    let c = clinic(&relay.base, "c1", d.path()).await;
    let emu = emulator(&c.terminal_root);
    let agent = start_agent(&c).await;
    c.emr.wait_state("ok", T).await;
    let mut pushed = push_faces(&emu, 3);
    c.emr.wait_events(3, T).await;
    let mut sse = Sse::open(&c.emr, None).await;
    let mut last = 0;
    for _ in 0..3 {
        last = sse.next(T).await.unwrap().0;
    }
    drop(sse);

    relay.stop().await;
    let down = Duration::from_secs(down_secs());
    let start = Instant::now();
    while start.elapsed() < down {
        pushed.extend(push_faces(&emu, 2));
        tokio::time::sleep(Duration::from_millis(1500)).await;
    }
    assert!(
        agent.status().outbox > 0,
        "faces wait in the outbox while the relay is down"
    );
    let relay = RelayHandle::start_on(RelayConfig::new(url), addr).await;
    let events = c
        .emr
        .wait_events(pushed.len(), Duration::from_secs(60))
        .await;
    assert_exactly_once(&events, &pushed);
    // The stream resumes after the last id the EMR saw: every new event once.
    let mut sse = Sse::open(&c.emr, Some(last)).await;
    let mut resumed = Vec::new();
    while resumed.len() < pushed.len() - 3 {
        let (_, e) = sse.next(T).await.expect("resumed stream");
        resumed.push(e);
    }
    assert_exactly_once(&resumed, &pushed[3..]);
    let deadline = Instant::now() + T;
    while agent.status().outbox > 0 {
        assert!(Instant::now() < deadline, "outbox not drained");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    drop(agent);
    emu.stop();
    relay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn relay_dying_between_store_and_ack_stores_once() {
    let d = tempfile::tempdir().unwrap();
    let cfg = RelayConfig::new(sqlite_url(d.path()));
    let fault = cfg.faults.drop_after_store.clone();
    let relay = RelayHandle::start(cfg).await;
    let c = clinic(&relay.base, "c1", d.path()).await;
    let emu = emulator(&c.terminal_root);
    let agent = start_agent(&c).await;
    c.emr.wait_state("ok", T).await;
    fault.store(true, Ordering::SeqCst);
    let pushed = push_faces(&emu, 1);
    let deadline = Instant::now() + T;
    while fault.load(Ordering::SeqCst) {
        assert!(Instant::now() < deadline, "the fault did not fire");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Stored, not acknowledged: the agent reconnects, resends; the relay keeps one.
    let deadline = Instant::now() + T;
    while agent.status().outbox > 0 {
        assert!(Instant::now() < deadline, "never acknowledged");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(agent.status().attempts >= 2, "the agent reconnected");
    assert_exactly_once(&c.emr.events().await, &pushed);
    drop(agent);
    emu.stop();
    relay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn network_cut_is_seen_as_agent_down_and_heals_without_loss() {
    let d = tempfile::tempdir().unwrap();
    let mut cfg = RelayConfig::new(sqlite_url(d.path()));
    cfg.agent_grace = Duration::from_secs(2);
    let relay = RelayHandle::start(cfg).await;
    let c = clinic(&relay.base, "c1", d.path()).await;
    let cutter = Cutter::start(relay.addr).await;
    point_credential_at(&c.state_dir, &format!("http://{}", cutter.addr));
    let emu = emulator(&c.terminal_root);
    let agent = start_agent(&c).await;
    c.emr.wait_state("ok", T).await;
    cutter.cut();
    let mut pushed = push_faces(&emu, 5);
    let st = c.emr.wait_state("agent_down", T).await;
    assert!(
        st["message_ja"]
            .as_str()
            .unwrap()
            .starts_with("資格情報の取得に時間がかかっています")
    );
    pushed.extend(push_faces(&emu, 5));
    cutter.restore();
    c.emr.wait_state("ok", T).await;
    let events = c.emr.wait_events(pushed.len(), T).await;
    assert_exactly_once(&events, &pushed);
    drop(agent);
    emu.stop();
    relay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn revocation_takes_effect_at_the_next_frame() {
    let d = tempfile::tempdir().unwrap();
    let relay = RelayHandle::start(RelayConfig::new(sqlite_url(d.path()))).await;
    let c = clinic(&relay.base, "c1", d.path()).await;
    let emu = emulator(&c.terminal_root);
    let agent = start_agent(&c).await;
    let st = c.emr.wait_state("ok", T).await;
    let agent_id = st["agent"]["id"].as_str().unwrap().to_string();
    admin_post(
        &relay.base,
        &format!("/admin/v1/agents/{agent_id}/revoke"),
        serde_json::json!({}),
    )
    .await;
    let st = c.emr.wait_state("agent_revoked", T).await;
    assert!(!st["agent"]["connected"].as_bool().unwrap());
    let deadline = Instant::now() + T;
    while agent.status().state != onshi::agent::LinkState::Refused {
        assert!(Instant::now() < deadline, "{:?}", agent.status());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Nothing more is accepted from it; the face waits in its outbox.
    push_faces(&emu, 1);
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert!(c.emr.events().await.is_empty());
    assert_eq!(agent.status().outbox, 1);
    // The credential is refused outright now.
    let cred = onshi::agent::credential::load(&c.state_dir)
        .unwrap()
        .unwrap();
    let r = reqwest::Client::new()
        .post(format!("{}/agent/v1/exchange", relay.base))
        .bearer_auth(cred.credential.as_str())
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["error"], "revoked");
    drop(agent);
    emu.stop();
    relay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn expired_credentials_are_refused_and_rotation_replaces_them() {
    let d = tempfile::tempdir().unwrap();
    let mut cfg = RelayConfig::new(sqlite_url(d.path()));
    cfg.credential_ttl = Duration::from_secs(3);
    let relay = RelayHandle::start(cfg).await;
    let c = clinic(&relay.base, "c1", d.path()).await;
    let emu = emulator(&c.terminal_root);
    // No rotation: the credential runs out.
    let mut acfg = agent_config(&c.state_dir, &c.terminal_root);
    acfg.rotate_before = Duration::ZERO;
    let agent = onshi::agent::Agent::start(acfg).await.unwrap();
    c.emr.wait_state("ok", T).await;
    let st = c.emr.wait_state("credential_expired", T).await;
    assert!(st["guidance_ja"][0].as_str().unwrap().contains("有効期限"));
    drop(agent);

    // With rotation (expiry closer than rotate_before), a fresh credential replaces it.
    let c2 = clinic(&relay.base, "c2", d.path()).await;
    let before = onshi::agent::credential::load(&c2.state_dir)
        .unwrap()
        .unwrap();
    let mut acfg = agent_config(&c2.state_dir, &c2.terminal_root);
    acfg.rotate_before = Duration::from_secs(3600);
    let agent = onshi::agent::Agent::start(acfg).await.unwrap();
    let deadline = Instant::now() + T;
    loop {
        let now = onshi::agent::credential::load(&c2.state_dir)
            .unwrap()
            .unwrap();
        if now.credential.as_str() != before.credential.as_str() {
            break;
        }
        assert!(Instant::now() < deadline, "not rotated");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // The new credential works; once used, the old one is refused.
    let new = onshi::agent::credential::load(&c2.state_dir)
        .unwrap()
        .unwrap();
    let ok = relay
        .relay
        .store()
        .authenticate_agent(new.credential.as_str(), onshi::relay::store::now_ms())
        .await
        .unwrap();
    assert!(ok.is_ok());
    let old = relay
        .relay
        .store()
        .authenticate_agent(before.credential.as_str(), onshi::relay::store::now_ms())
        .await
        .unwrap();
    assert!(old.is_err());
    drop(agent);
    emu.stop();
    relay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn clock_skew_is_reported_and_harmless() {
    let d = tempfile::tempdir().unwrap();
    let relay = RelayHandle::start(RelayConfig::new(sqlite_url(d.path()))).await;
    let c = clinic(&relay.base, "c1", d.path()).await;
    let emu = emulator(&c.terminal_root);
    let mut acfg = agent_config(&c.state_dir, &c.terminal_root);
    acfg.clock_offset_ms = 3 * 3600 * 1000; // the clinic PC is three hours ahead
    let agent = onshi::agent::Agent::start(acfg).await.unwrap();
    let st = c.emr.wait_health(T).await;
    let skew = st["agent"]["clock_skew_ms"].as_i64().unwrap();
    assert!((skew - 3 * 3600 * 1000).abs() < 5000, "{skew}");
    let a = agent.status();
    assert!((a.clock_skew_ms.unwrap() + 3 * 3600 * 1000).abs() < 5000);
    let v = c.emr.run(&Command::Doctor, T).await;
    assert_eq!(v["state"], "done");
    let pushed = push_faces(&emu, 2);
    assert_exactly_once(&c.emr.wait_events(2, T).await, &pushed);
    drop(agent);
    emu.stop();
    relay.stop().await;
}

async fn raw_ws(
    base: &str,
    credential: &str,
) -> tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>> {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let mut req = format!("{}/agent/v1/connect", base.replace("http://", "ws://"))
        .into_client_request()
        .unwrap();
    req.headers_mut().insert(
        "authorization",
        format!("Bearer {credential}").parse().unwrap(),
    );
    tokio_tungstenite::connect_async(req).await.unwrap().0
}

async fn next_frame(
    ws: &mut tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
) -> Option<RelayFrame> {
    use tokio_tungstenite::tungstenite::Message;
    loop {
        match tokio::time::timeout(T, ws.next()).await.ok()?? {
            Ok(Message::Text(t)) => return serde_json::from_str(t.as_str()).ok(),
            Ok(Message::Close(_)) | Err(_) => return None,
            Ok(_) => continue,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn malformed_and_oversized_messages_are_refused_on_the_relay_side() {
    use tokio_tungstenite::tungstenite::Message;
    let d = tempfile::tempdir().unwrap();
    let mut cfg = RelayConfig::new(sqlite_url(d.path()));
    cfg.limits.max_frame_bytes = 64 * 1024;
    let relay = RelayHandle::start(cfg).await;
    let c = clinic(&relay.base, "c1", d.path()).await;
    let cred = onshi::agent::credential::load(&c.state_dir)
        .unwrap()
        .unwrap();
    let hello = serde_json::to_string(&AgentFrame::Hello {
        protocol: PROTOCOL_VERSION,
        agent_version: "test".into(),
        clock_ms: 0,
    })
    .unwrap();

    // No credential, a wrong one: 401 before any upgrade.
    for cred in [None, Some("oa_wrong")] {
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;
        let mut req = format!(
            "{}/agent/v1/connect",
            relay.base.replace("http://", "ws://")
        )
        .into_client_request()
        .unwrap();
        if let Some(c) = cred {
            req.headers_mut()
                .insert("authorization", format!("Bearer {c}").parse().unwrap());
        }
        match tokio_tungstenite::connect_async(req).await {
            Err(tokio_tungstenite::tungstenite::Error::Http(r)) => {
                assert_eq!(r.status().as_u16(), 401)
            }
            other => panic!("expected 401, got {:?}", other.map(|_| ())),
        }
    }

    // Garbage after hello: a bad_frame error, then the connection closes.
    for garbage in [
        Message::Text("{not json".into()),
        Message::Text(r#"{"t":"face","key":"../../etc/passwd","taken_ms":0,"payload":{"file_name":"../../etc/passwd"}}"#.into()),
        Message::Binary(vec![0u8, 159, 146, 150].into()),
    ] {
        let mut ws = raw_ws(&relay.base, cred.credential.as_str()).await;
        ws.send(Message::Text(hello.clone().into())).await.unwrap();
        assert!(matches!(next_frame(&mut ws).await, Some(RelayFrame::Welcome { .. })));
        ws.send(garbage).await.unwrap();
        match next_frame(&mut ws).await {
            Some(RelayFrame::Error { code, .. }) => {
                assert_eq!(code, onshi::cloud::protocol::ErrorCode::BadFrame)
            }
            other => panic!("expected a bad_frame error, got {other:?}"),
        }
        assert!(next_frame(&mut ws).await.is_none(), "closed after the error");
    }
    // A wrong first frame and a wrong version.
    let mut ws = raw_ws(&relay.base, cred.credential.as_str()).await;
    ws.send(Message::Text(r#"{"t":"heartbeat"}"#.into()))
        .await
        .unwrap();
    assert!(matches!(
        next_frame(&mut ws).await,
        Some(RelayFrame::Error { .. })
    ));
    let mut ws = raw_ws(&relay.base, cred.credential.as_str()).await;
    ws.send(Message::Text(
        hello
            .replace(
                &format!("\"protocol\":{PROTOCOL_VERSION}"),
                "\"protocol\":99",
            )
            .into(),
    ))
    .await
    .unwrap();
    match next_frame(&mut ws).await {
        Some(RelayFrame::Error { code, .. }) => {
            assert_eq!(code, onshi::cloud::protocol::ErrorCode::UnsupportedVersion)
        }
        other => panic!("{other:?}"),
    }
    // Oversized: the socket is closed.
    let mut ws = raw_ws(&relay.base, cred.credential.as_str()).await;
    ws.send(Message::Text(hello.clone().into())).await.unwrap();
    next_frame(&mut ws).await;
    let _ = ws.send(Message::Text("x".repeat(200 * 1024).into())).await;
    assert!(next_frame(&mut ws).await.is_none());
    // Long polling: bad and oversized bodies.
    let http = reqwest::Client::new();
    let post = |body: Vec<u8>| {
        http.post(format!("{}/agent/v1/exchange", relay.base))
            .bearer_auth(cred.credential.as_str())
            .body(body)
            .send()
    };
    assert_eq!(
        post(b"{\"frames\":[{\"t\":1}]}".to_vec())
            .await
            .unwrap()
            .status()
            .as_u16(),
        400
    );
    assert_eq!(
        post(vec![b' '; 200 * 1024])
            .await
            .unwrap()
            .status()
            .as_u16(),
        413
    );
    // EMR side: malformed, unknown command, oversized.
    let emr = |body: Vec<u8>| {
        http.post(format!("{}/v1/commands", relay.base))
            .bearer_auth(&c.emr.key)
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    assert_eq!(emr(b"{".to_vec()).await.unwrap().status().as_u16(), 422);
    assert_eq!(
        emr(br#"{"command":{"op":"format_disk"}}"#.to_vec())
            .await
            .unwrap()
            .status()
            .as_u16(),
        422
    );
    // The relay answers 413 as soon as the declared length is over its limit, without reading
    // the body; a client still writing the 2 MiB may see that answer or, when the relay has
    // closed the connection first, a failed write (1 run in 20 saw "Broken pipe"). Either way
    // nothing is accepted.
    match emr(vec![b' '; 2 * 1024 * 1024]).await {
        Ok(resp) => assert_eq!(resp.status().as_u16(), 413),
        Err(e) => assert!(
            e.is_request() || e.is_body(),
            "an oversized body must be refused, not fail otherwise: {e:?}"
        ),
    }
    // The relay is still serving.
    assert_eq!(c.emr.status().await["clinic_id"], "c1");
    relay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_relay_sending_garbage_does_not_break_the_agent() {
    use tokio_tungstenite::tungstenite::Message;
    // A fake relay: accepts, reads hello, answers garbage, then a frame too large.
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    let accepted = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let acc2 = accepted.clone();
    tokio::spawn(async move {
        loop {
            let Ok((s, _)) = l.accept().await else { return };
            let n = acc2.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let Ok(mut ws) = tokio_tungstenite::accept_async(s).await else {
                    return;
                };
                let _ = ws.next().await;
                let m = match n % 3 {
                    0 => Message::Text("][".into()),
                    1 => Message::Text(r#"{"t":"ack","keys":["../x"]}"#.into()),
                    _ => Message::Text(format!("\"{}\"", "a".repeat(9 * 1024 * 1024)).into()),
                };
                let _ = ws.send(m).await;
                let _ = ws.close(None).await;
            });
        }
    });
    let d = tempfile::tempdir().unwrap();
    let state = d.path().join("agent");
    onshi::agent::credential::save(
        &state,
        &onshi::agent::credential::Credential {
            relay_url: format!("http://{addr}"),
            agent_id: "agt_x".into(),
            clinic_id: "c".into(),
            credential: zeroize::Zeroizing::new("oa_x".into()),
            expires_ms: i64::MAX,
        },
    )
    .unwrap();
    let mut acfg = agent_config(&state, &d.path().join("terminal"));
    acfg.transport = onshi::agent::link::TransportChoice::WebSocket;
    let agent = onshi::agent::Agent::start(acfg).await.unwrap();
    let deadline = Instant::now() + T;
    while accepted.load(Ordering::SeqCst) < 4 {
        assert!(Instant::now() < deadline, "the agent stopped reconnecting");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let s = agent.status();
    assert_ne!(s.state, onshi::agent::LinkState::Connected);
    assert!(s.last_error.is_some());
    drop(agent);
}
