//! `onshi demo --cloud`: the seed's flow from a cloud EMR's side. In one process: the
//! terminal emulator (the clinic), `onshi relay` on SQLite (the data centre), `onshi agent`
//! (the clinic PC's link program), and an EMR that uses only the relay's HTTP API: a face
//! event arrives in its stream, it commands a 資格確認, shows the diff, and when the agent
//! stops it shows the seed's FAQ row-19 message.

use crate::demo::ui::{describe, query_for, say, title};
use onshi::agent::terminal::TerminalConfig;
use onshi::agent::{Agent, AgentConfig};
use onshi::cloud::protocol::Command;
use onshi::diff::{self, DiffContext, QueryKind, Returned};
use onshi::relay::{Relay, RelayConfig};
use onshi::terminal::{Emulator, EmulatorConfig, now_jst};
use onshi::xml::{Message, QualificationResponse};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

struct Emr {
    http: reqwest::Client,
    base: String,
    key: String,
}

impl Emr {
    async fn get(&self, path: &str) -> Result<serde_json::Value, String> {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.key)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        r.json().await.map_err(|e| e.to_string())
    }
    async fn command(&self, c: &Command) -> Result<serde_json::Value, String> {
        let r = self
            .http
            .post(format!("{}/v1/commands", self.base))
            .bearer_auth(&self.key)
            .json(&serde_json::json!({ "command": c }))
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let v: serde_json::Value = r.json().await.map_err(|e| e.to_string())?;
        let id = v["id"].as_str().ok_or("no command id")?.to_string();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let v = self.get(&format!("/v1/commands/{id}?wait=10")).await?;
            let st = v["state"].as_str().unwrap_or("");
            if st == "done" || st == "failed" || Instant::now() > deadline {
                return Ok(v);
            }
        }
    }
}

/// Reads one `face` event from an SSE response.
async fn next_sse(resp: &mut reqwest::Response, buf: &mut String) -> Option<serde_json::Value> {
    loop {
        if let Some(i) = buf.find("\n\n") {
            let block: String = buf.drain(..i + 2).collect();
            let data: String = block
                .lines()
                .filter_map(|l| l.strip_prefix("data:"))
                .map(str::trim_start)
                .collect::<Vec<_>>()
                .join("\n");
            if block.lines().any(|l| l == "event: face") {
                return serde_json::from_str(&data).ok();
            }
            continue;
        }
        match resp.chunk().await {
            Ok(Some(c)) => buf.push_str(&String::from_utf8_lossy(&c)),
            _ => return None,
        }
    }
}

pub fn run(keep: Option<PathBuf>, delay_ms: u64) -> ExitCode {
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(1);
        }
    };
    let (root, remove) = match keep {
        Some(d) => (d, false),
        None => (
            std::env::temp_dir().join(format!("onshi-cloud-demo-{}", std::process::id())),
            true,
        ),
    };
    let code = rt.block_on(walk(root.clone(), delay_ms));
    if remove {
        let _ = std::fs::remove_dir_all(&root);
    }
    code
}

async fn walk(root: PathBuf, delay_ms: u64) -> ExitCode {
    match walk_inner(root, delay_ms).await {
        Ok(()) => {
            println!("\n完了 / done");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("\nonshi demo --cloud: {e}");
            ExitCode::from(1)
        }
    }
}

async fn walk_inner(root: PathBuf, delay_ms: u64) -> Result<(), String> {
    println!("onshi demo --cloud — クラウド型電子カルテから見たオンライン資格確認");
    println!("(the seed's flow from a cloud EMR: emulator + onshi relay (SQLite) + onshi agent)");
    println!("作業フォルダ / folder: {}", root.display());
    let terminal_root = root.join("terminal");
    let mut ecfg = EmulatorConfig::new(&terminal_root);
    ecfg.delay = Duration::from_millis(delay_ms);
    let emu = Emulator::start(ecfg).map_err(|e| e.to_string())?;

    title(
        1,
        "クラウド側: relay を起動",
        "The data centre: start the relay",
    );
    std::fs::create_dir_all(&root).map_err(|e| e.to_string())?;
    let db = format!("sqlite://{}", root.join("relay.db").display());
    let mut rcfg = RelayConfig::new(db);
    rcfg.agent_grace = Duration::from_secs(5);
    let relay = Relay::new(rcfg).await.map_err(|e| e.to_string())?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| e.to_string())?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let base = format!("http://{addr}");
    let r2 = relay.clone();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        let _ = r2
            .serve(listener, async move {
                let _ = stop_rx.await;
            })
            .await;
    });
    let key = relay
        .create_clinic("demo-clinic", "見本歯科医院")
        .await
        .map_err(|e| e.to_string())?;
    let code = relay
        .enrolment_code("demo-clinic")
        .await
        .map_err(|e| e.to_string())?;
    say(
        &format!("relay: {base}  医療機関 demo-clinic、登録コード {code}"),
        "a clinic and a one-time enrolment code",
    );

    title(
        2,
        "医院側: onshi agent を登録して起動",
        "The clinic PC: enrol and start the agent",
    );
    let mut tcfg = TerminalConfig::new(&terminal_root);
    tcfg.answer_timeout = Duration::from_secs(20);
    tcfg.medical_institution_code = Some("1310000003".into());
    tcfg.bulk_backoff = (Duration::from_millis(100), Duration::from_millis(400));
    tcfg.rescan = Duration::from_millis(200);
    let mut acfg = AgentConfig::new(root.join("agent-state"), tcfg);
    acfg.status_addr = Some(([127, 0, 0, 1], 0).into());
    acfg.heartbeat = Duration::from_secs(1);
    let cred = onshi::agent::enrol(&acfg, &base, &code)
        .await
        .map_err(|e| e.to_string())?;
    let agent = Agent::start(acfg).await.map_err(|e| e.to_string())?;
    say(
        &format!(
            "agent {} を登録（認証情報は 0600 で保存）。状態ページ http://{}/",
            cred.agent_id,
            agent
                .status_addr()
                .map(|a| a.to_string())
                .unwrap_or_default()
        ),
        "enrolled; the credential is stored owner-only; local status page",
    );
    let emr = Emr {
        http: reqwest::Client::new(),
        base: base.clone(),
        key,
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let s = emr.get("/v1/status").await?;
        if s["state"] == "ok" {
            say(
                &format!(
                    "電子カルテの表示: {}",
                    s["message_ja"].as_str().unwrap_or("")
                ),
                "the EMR's clinic status",
            );
            break;
        }
        if Instant::now() > deadline {
            return Err(format!("the agent did not connect: {s}"));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    title(
        3,
        "マイナ保険証で受付（顔認証）",
        "A patient at the face reader",
    );
    let mut stream = emr
        .http
        .get(format!("{base}/v1/events/stream"))
        .bearer_auth(&emr.key)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let person = emu.dataset().persons[0].clone();
    emu.push_face(&person.id).map_err(|e| e.to_string())?;
    let t0 = Instant::now();
    let mut buf = String::new();
    let ev = tokio::time::timeout(Duration::from_secs(20), next_sse(&mut stream, &mut buf))
        .await
        .map_err(|_| "no face event within 20 s".to_string())?
        .ok_or("the stream ended")?;
    let payload: onshi::cloud::protocol::FacePayload =
        serde_json::from_value(ev["payload"].clone()).map_err(|e| e.to_string())?;
    let who = match &payload.message {
        Some(Message::QualificationResponse(r)) => {
            r.body.results.first().map(describe).unwrap_or_default()
        }
        _ => "（読み取れない結果）".into(),
    };
    say(
        &format!(
            "SSE で受信（{} ms、冪等キー {}）: {who}",
            t0.elapsed().as_millis(),
            ev["key"].as_str().unwrap_or("")
        ),
        "the face event arrived in the EMR's stream with its idempotency key",
    );

    title(
        4,
        "［資格確認］をクラウドから指示し、差分を表示",
        "The EMR commands a 資格確認 and shows the diff",
    );
    let today = now_jst().date();
    let c = Command::Query {
        query: query_for(&person),
        date: today,
    };
    let v = emr.command(&c).await?;
    let outcome = &v["outcome"];
    if outcome["status"] != "answer" {
        return Err(format!("the query failed: {outcome}"));
    }
    let m: Message =
        serde_json::from_value(outcome["message"].clone()).map_err(|e| e.to_string())?;
    let Message::QualificationResponse(r) = m else {
        return Err("not a 資格確認結果".into());
    };
    let r: QualificationResponse = r;
    let mut registered = person.qualifications.first().cloned().unwrap_or_default();
    registered.person.address = Some(onshi::Personal::new(
        "東京都千代田区霞が関１－２－２（旧住所）".into(),
    ));
    let ret = Returned::from(&r.body);
    let dd = diff::compare(
        &registered,
        &ret,
        &DiffContext::new(today, QueryKind::InsuranceCard),
    );
    say(
        &format!(
            "結果 {} → 差分: {}",
            v["id"].as_str().unwrap_or(""),
            dd.verdict.label()
        ),
        "the answer came back through the relay; field-by-field comparison:",
    );
    crate::demo::steps::print_fields(&dd);

    drop(stream);
    title(5, "連携プログラムが止まると", "When the link program stops");
    agent.stop();
    say("onshi agent を停止しました。", "the agent was stopped");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let s = emr.get("/v1/status").await?;
        if s["state"] == "agent_down" {
            say(
                &format!(
                    "電子カルテの表示: 「{}」",
                    s["message_ja"].as_str().unwrap_or("")
                ),
                "the EMR shows the seed's FAQ row 19",
            );
            for g in s["guidance_ja"].as_array().into_iter().flatten() {
                println!("    ・{}", g.as_str().unwrap_or(""));
            }
            break;
        }
        if Instant::now() > deadline {
            return Err(format!("the status did not turn to agent_down: {s}"));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let _ = stop_tx.send(());
    let _ = server.await;
    emu.stop();
    Ok(())
}
