//! A command is `sent` only while a live agent connection holds it: when the connection it
//! was handed to ends without a result (the agent vanished, its long poll was abandoned), it
//! goes back to `queued` and the next connection gets it exactly once (issue 13).
#![cfg(all(feature = "agent", feature = "relay"))]

mod cloud_common;
use cloud_common::*;
use futures_util::{SinkExt, StreamExt};
use onshi::cloud::protocol::{AgentFrame, Command, CommandOutcome, PROTOCOL_VERSION, RelayFrame};
use onshi::relay::RelayConfig;
use std::time::{Duration, Instant};

const T: Duration = Duration::from_secs(30);

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

fn hello() -> AgentFrame {
    AgentFrame::Hello {
        protocol: PROTOCOL_VERSION,
        agent_version: "t".into(),
        clock_ms: 0,
    }
}

/// A bare WebSocket agent, welcomed.
async fn ws_agent(base: &str, credential: &str) -> Ws {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let mut req = format!("{}/agent/v1/connect", base.replace("http://", "ws://"))
        .into_client_request()
        .unwrap();
    req.headers_mut().insert(
        "authorization",
        format!("Bearer {credential}").parse().unwrap(),
    );
    let mut ws = tokio_tungstenite::connect_async(req).await.unwrap().0;
    ws.send(tokio_tungstenite::tungstenite::Message::Text(
        serde_json::to_string(&hello()).unwrap().into(),
    ))
    .await
    .unwrap();
    assert!(matches!(
        next_frame(&mut ws, T).await,
        Some(RelayFrame::Welcome { .. })
    ));
    ws
}

/// The next frame within `within` (`None`: nothing, or the connection ended).
async fn next_frame(ws: &mut Ws, within: Duration) -> Option<RelayFrame> {
    use tokio_tungstenite::tungstenite::Message;
    let deadline = tokio::time::Instant::now() + within;
    loop {
        match tokio::time::timeout_at(deadline, ws.next()).await.ok()?? {
            Ok(Message::Text(t)) => return serde_json::from_str(t.as_str()).ok(),
            Ok(Message::Close(_)) | Err(_) => return None,
            Ok(_) => continue,
        }
    }
}

/// How many times `id` is sent to `ws` within `within` (the relay's periodic routing runs
/// every 5 s: a window longer than that sees any resend).
async fn count_deliveries(ws: &mut Ws, id: &str, within: Duration) -> usize {
    let deadline = Instant::now() + within;
    let mut n = 0;
    while let Some(f) = next_frame(ws, deadline.saturating_duration_since(Instant::now())).await {
        if matches!(&f, RelayFrame::Command { id: i, .. } if i == id) {
            n += 1;
        }
    }
    n
}

/// Waits until the command is in `state`.
async fn wait_command_state(emr: &Emr, id: &str, state: &str, within: Duration) {
    let deadline = Instant::now() + within;
    loop {
        let (s, v) = emr.get(&format!("/v1/commands/{id}")).await;
        assert_eq!(s, 200, "{v}");
        if v["state"] == state {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "command {id} is not {state} within {within:?}: {v}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn submit_doctor(emr: &Emr) -> String {
    let (s, v) = emr.submit(&Command::Doctor, None).await;
    assert_eq!(s, 202, "{v}");
    v["id"].as_str().unwrap().to_string()
}

fn doctor_failed() -> CommandOutcome {
    CommandOutcome::Failed {
        error: onshi::cloud::protocol::CommandError {
            kind: "internal".into(),
            code: None,
            message: "test".into(),
            message_ja: None,
        },
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_command_taken_by_a_websocket_that_closes_goes_back_to_queued_and_is_resent_once() {
    let d = tempfile::tempdir().unwrap();
    let relay = RelayHandle::start(RelayConfig::new(sqlite_url(d.path()))).await;
    let c = clinic(&relay.base, "c1", d.path()).await;
    let cred = onshi::agent::credential::load(&c.state_dir)
        .unwrap()
        .unwrap();
    let mut ws = ws_agent(&relay.base, cred.credential.as_str()).await;
    let id = submit_doctor(&c.emr).await;
    // The relay writes the command to the connection: sent.
    assert!(
        matches!(next_frame(&mut ws, T).await, Some(RelayFrame::Command { id: i, .. }) if i == id)
    );
    wait_command_state(&c.emr, &id, "sent", T).await;
    // The agent vanishes without answering. Once the relay knows (agent_down), nobody holds
    // the command: it is queued again, not left "sent" to a connection that is gone.
    drop(ws);
    c.emr.wait_state("agent_down", T).await;
    let (_, v) = c.emr.get(&format!("/v1/commands/{id}")).await;
    assert_eq!(v["state"], "queued", "{v}");
    // The next connection gets it, once.
    let mut ws = ws_agent(&relay.base, cred.credential.as_str()).await;
    assert_eq!(
        count_deliveries(&mut ws, &id, Duration::from_secs(7)).await,
        1
    );
    let (_, v) = c.emr.get(&format!("/v1/commands/{id}")).await;
    assert_eq!(v["state"], "sent", "{v}");
    ws.send(tokio_tungstenite::tungstenite::Message::Text(
        serde_json::to_string(&AgentFrame::Result {
            command_id: id.clone(),
            outcome: doctor_failed(),
        })
        .unwrap()
        .into(),
    ))
    .await
    .unwrap();
    assert_eq!(c.emr.wait(&id, T).await["state"], "failed");
    drop(ws);
    relay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_long_poll_abandoned_by_its_agent_does_not_take_commands() {
    let d = tempfile::tempdir().unwrap();
    // The default grace (45 s) is longer than the waits below: the relay must notice the
    // abandoned poll itself, not by the session timing out.
    let relay = RelayHandle::start(RelayConfig::new(sqlite_url(d.path()))).await;
    let c = clinic(&relay.base, "c1", d.path()).await;
    let cred = onshi::agent::credential::load(&c.state_dir)
        .unwrap()
        .unwrap();
    let http = reqwest::Client::new();
    let exchange = |frames: Vec<AgentFrame>, wait_ms: u64| {
        let r = http
            .post(format!("{}/agent/v1/exchange", relay.base))
            .bearer_auth(cred.credential.as_str())
            .json(&serde_json::json!({ "frames": frames, "wait_ms": wait_ms }))
            .send();
        async move {
            let v: serde_json::Value = r.await.unwrap().json().await.unwrap();
            serde_json::from_value::<Vec<RelayFrame>>(v["frames"].clone()).unwrap()
        }
    };
    let f = exchange(vec![hello()], 0).await;
    assert!(matches!(f.first(), Some(RelayFrame::Welcome { .. })));
    c.emr.wait_state("ok", T).await;
    // The agent holds a poll, then goes away (its request is cut), and a command comes.
    let seen = |v: serde_json::Value| v["agent"]["last_seen_ms"].as_i64().unwrap();
    let before = seen(c.emr.status().await);
    // (A later millisecond, so the held poll's touch is told from the hello's.)
    tokio::time::sleep(Duration::from_millis(5)).await;
    let held = tokio::spawn(exchange(Vec::new(), 25_000));
    // The relay touches the agent just before it holds the poll.
    let deadline = Instant::now() + T;
    while seen(c.emr.status().await) == before {
        assert!(
            Instant::now() < deadline,
            "the poll never reached the relay"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    held.abort();
    let _ = held.await;
    let id = submit_doctor(&c.emr).await;
    // Nobody can receive it: it ends queued (never left "sent" to the dead poll), and the
    // clinic shows its agent down.
    wait_command_state(&c.emr, &id, "queued", Duration::from_secs(10)).await;
    c.emr
        .wait_state("agent_down", Duration::from_secs(10))
        .await;
    let (_, v) = c.emr.get(&format!("/v1/commands/{id}")).await;
    assert_eq!(v["state"], "queued", "{v}");
    // The agent's next session gets it once: with the welcome, and not again later.
    let f = exchange(vec![hello()], 0).await;
    let count = |f: &[RelayFrame]| {
        f.iter()
            .filter(|f| matches!(f, RelayFrame::Command { id: i, .. } if *i == id))
            .count()
    };
    assert!(matches!(f.first(), Some(RelayFrame::Welcome { .. })));
    assert_eq!(count(&f), 1, "{f:?}");
    let (_, v) = c.emr.get(&format!("/v1/commands/{id}")).await;
    assert_eq!(v["state"], "sent", "{v}");
    let f = exchange(Vec::new(), 7_000).await;
    assert_eq!(count(&f), 0, "{f:?}");
    let f = exchange(
        vec![AgentFrame::Result {
            command_id: id.clone(),
            outcome: doctor_failed(),
        }],
        0,
    )
    .await;
    assert!(
        f.iter()
            .any(|f| matches!(f, RelayFrame::ResultAck { command_id } if *command_id == id))
    );
    assert_eq!(c.emr.wait(&id, T).await["state"], "failed");
    relay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_old_connection_closing_after_the_agent_reconnected_does_not_requeue() {
    // The agent reconnects before the relay saw its old connection die (a half-open TCP
    // connection): the new connection gets the command, and the old one ending later must
    // neither take it back nor cause a second delivery.
    let d = tempfile::tempdir().unwrap();
    let relay = RelayHandle::start(RelayConfig::new(sqlite_url(d.path()))).await;
    let c = clinic(&relay.base, "c1", d.path()).await;
    let cred = onshi::agent::credential::load(&c.state_dir)
        .unwrap()
        .unwrap();
    let mut old = ws_agent(&relay.base, cred.credential.as_str()).await;
    let id = submit_doctor(&c.emr).await;
    assert!(
        matches!(next_frame(&mut old, T).await, Some(RelayFrame::Command { id: i, .. }) if i == id)
    );
    let mut new = ws_agent(&relay.base, cred.credential.as_str()).await;
    assert!(
        matches!(next_frame(&mut new, T).await, Some(RelayFrame::Command { id: i, .. }) if i == id)
    );
    drop(old);
    // The relay's periodic routing (every 5 s) would resend a command queued again.
    assert_eq!(
        count_deliveries(&mut new, &id, Duration::from_secs(7)).await,
        0
    );
    let (_, v) = c.emr.get(&format!("/v1/commands/{id}")).await;
    assert_eq!(v["state"], "sent", "{v}");
    c.emr.wait_state("ok", T).await;
    drop(new);
    c.emr.wait_state("agent_down", T).await;
    let (_, v) = c.emr.get(&format!("/v1/commands/{id}")).await;
    assert_eq!(v["state"], "queued", "{v}");
    relay.stop().await;
}
