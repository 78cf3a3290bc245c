//! Shared harness of the agent/relay tests: an in-process relay, an emulated terminal, an
//! enrolled agent, and an EMR client that uses only the relay's HTTP API.
#![allow(dead_code)]

use onshi::agent::terminal::TerminalConfig;
use onshi::agent::{Agent, AgentConfig};
use onshi::cloud::protocol::Command;
use onshi::relay::{Relay, RelayConfig};
use onshi::terminal::{Emulator, EmulatorConfig};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub const INSTITUTION: &str = "1310000003";
pub const ADMIN: &str = "admin-token-for-tests";

/// A relay served on loopback by this process.
pub struct RelayHandle {
    pub relay: Relay,
    pub addr: SocketAddr,
    pub base: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl RelayHandle {
    pub async fn start(config: RelayConfig) -> RelayHandle {
        Self::start_on(config, "127.0.0.1:0".parse().unwrap()).await
    }

    /// Starts on a given address (to restart on the same port), retrying while the port is
    /// still held by the previous instance.
    pub async fn start_on(mut config: RelayConfig, addr: SocketAddr) -> RelayHandle {
        if config.admin_token.is_none() {
            config.admin_token = Some(ADMIN.into());
        }
        let relay = Relay::new(config).await.expect("relay starts");
        let mut listener = None;
        for _ in 0..100 {
            match tokio::net::TcpListener::bind(addr).await {
                Ok(l) => {
                    listener = Some(l);
                    break;
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
        let listener = listener.expect("bind");
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let r2 = relay.clone();
        let task = tokio::spawn(async move {
            let _ = r2
                .serve(listener, async move {
                    let _ = rx.await;
                })
                .await;
        });
        RelayHandle {
            relay,
            addr,
            base: format!("http://{addr}"),
            stop: Some(tx),
            task: Some(task),
        }
    }

    /// Stops serving (connections dropped) and waits for it.
    pub async fn stop(mut self) {
        if let Some(t) = self.stop.take() {
            let _ = t.send(());
        }
        if let Some(t) = self.task.take() {
            let _ = tokio::time::timeout(Duration::from_secs(10), t).await;
        }
        self.relay.store().close().await;
    }
}

pub fn sqlite_url(dir: &Path) -> String {
    format!("sqlite://{}", dir.join("relay.db").display())
}

/// A PostgreSQL URL from `ONSHI_PG_URL` (tests/run-all.sh starts a throwaway server and sets
/// it); with `ONSHI_REQUIRE_PG=1` its absence is a failure, otherwise the test is skipped.
pub fn pg_url() -> Option<String> {
    match std::env::var("ONSHI_PG_URL") {
        Ok(u) if !u.is_empty() => Some(u),
        _ => {
            assert!(
                std::env::var("ONSHI_REQUIRE_PG").is_err(),
                "ONSHI_REQUIRE_PG is set but ONSHI_PG_URL is not"
            );
            eprintln!("skipped: set ONSHI_PG_URL to run the PostgreSQL tests");
            None
        }
    }
}

/// A fresh database in the PostgreSQL server of `base` (so tests do not share rows).
pub async fn fresh_pg_db(base: &str, name: &str) -> String {
    use sqlx::Connection;
    let mut c = sqlx::postgres::PgConnection::connect(base)
        .await
        .expect("connect to PostgreSQL");
    let db = format!("onshi_{name}_{}", std::process::id());
    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"))
        .execute(&mut c)
        .await;
    sqlx::query(&format!("CREATE DATABASE {db}"))
        .execute(&mut c)
        .await
        .expect("create database");
    let (head, _) = base.rsplit_once('/').expect("URL with a database");
    format!("{head}/{db}")
}

/// The EMR: only HTTP.
#[derive(Clone)]
pub struct Emr {
    pub http: reqwest::Client,
    pub base: String,
    pub key: String,
}

impl Emr {
    pub fn new(base: &str, key: &str) -> Emr {
        Emr {
            http: reqwest::Client::new(),
            base: base.into(),
            key: key.into(),
        }
    }

    pub async fn get(&self, path: &str) -> (u16, serde_json::Value) {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.key)
            .send()
            .await
            .expect("request");
        let s = r.status().as_u16();
        (s, r.json().await.unwrap_or(serde_json::Value::Null))
    }

    pub async fn submit(&self, c: &Command, idem: Option<&str>) -> (u16, serde_json::Value) {
        let mut b = self
            .http
            .post(format!("{}/v1/commands", self.base))
            .bearer_auth(&self.key)
            .json(&serde_json::json!({ "command": c }));
        if let Some(k) = idem {
            b = b.header("Idempotency-Key", k);
        }
        let r = b.send().await.expect("request");
        let s = r.status().as_u16();
        (s, r.json().await.unwrap_or(serde_json::Value::Null))
    }

    /// Submits and waits for the outcome.
    pub async fn run(&self, c: &Command, within: Duration) -> serde_json::Value {
        let (s, v) = self.submit(c, None).await;
        assert_eq!(s, 202, "{v}");
        let id = v["id"].as_str().unwrap().to_string();
        self.wait(&id, within).await
    }

    pub async fn wait(&self, id: &str, within: Duration) -> serde_json::Value {
        let deadline = Instant::now() + within;
        loop {
            let (s, v) = self.get(&format!("/v1/commands/{id}?wait=5")).await;
            assert_eq!(s, 200, "{v}");
            if v["state"] == "done" || v["state"] == "failed" {
                return v;
            }
            assert!(Instant::now() < deadline, "command {id} not finished: {v}");
        }
    }

    /// All events so far (polling API).
    pub async fn events(&self) -> Vec<serde_json::Value> {
        let mut out = Vec::new();
        let mut after = 0;
        loop {
            let (s, v) = self
                .get(&format!("/v1/events?after={after}&limit=1000"))
                .await;
            assert_eq!(s, 200, "{v}");
            let list = v["events"].as_array().cloned().unwrap_or_default();
            if list.is_empty() {
                return out;
            }
            after = list.last().unwrap()["seq"].as_i64().unwrap();
            out.extend(list);
        }
    }

    pub async fn wait_events(&self, n: usize, within: Duration) -> Vec<serde_json::Value> {
        let deadline = Instant::now() + within;
        loop {
            let e = self.events().await;
            if e.len() >= n || Instant::now() > deadline {
                return e;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn status(&self) -> serde_json::Value {
        let (s, v) = self.get("/v1/status").await;
        assert_eq!(s, 200, "{v}");
        v
    }

    /// Waits until the agent reported the terminal's health.
    pub async fn wait_health(&self, within: Duration) -> serde_json::Value {
        let deadline = Instant::now() + within;
        loop {
            let v = self.status().await;
            if !v["terminal"].is_null() {
                return v;
            }
            assert!(Instant::now() < deadline, "no health report: {v}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn wait_state(&self, state: &str, within: Duration) -> serde_json::Value {
        let deadline = Instant::now() + within;
        loop {
            let v = self.status().await;
            if v["state"] == state {
                return v;
            }
            assert!(
                Instant::now() < deadline,
                "clinic state is not {state} within {within:?}: {v}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// An SSE reader over a streaming response.
pub struct Sse {
    resp: reqwest::Response,
    buf: String,
}

impl Sse {
    pub async fn open(emr: &Emr, last_event_id: Option<i64>) -> Sse {
        let mut b = emr
            .http
            .get(format!("{}/v1/events/stream", emr.base))
            .bearer_auth(&emr.key);
        if let Some(id) = last_event_id {
            b = b.header("Last-Event-ID", id.to_string());
        }
        let resp = b.send().await.expect("SSE");
        assert_eq!(resp.status().as_u16(), 200);
        Sse {
            resp,
            buf: String::new(),
        }
    }

    /// The next `face` event (id, data).
    pub async fn next(&mut self, within: Duration) -> Option<(i64, serde_json::Value)> {
        tokio::time::timeout(within, async {
            loop {
                if let Some(i) = self.buf.find("\n\n") {
                    let block: String = self.buf.drain(..i + 2).collect();
                    let mut id = None;
                    let mut data = String::new();
                    let mut face = false;
                    for l in block.lines() {
                        if let Some(x) = l.strip_prefix("id:") {
                            id = x.trim().parse().ok();
                        } else if let Some(x) = l.strip_prefix("data:") {
                            data.push_str(x.trim_start());
                        } else if l.trim() == "event: face" {
                            face = true;
                        }
                    }
                    if face {
                        return Some((id?, serde_json::from_str(&data).ok()?));
                    }
                    continue;
                }
                match self.resp.chunk().await {
                    Ok(Some(c)) => self.buf.push_str(&String::from_utf8_lossy(&c)),
                    _ => return None,
                }
            }
        })
        .await
        .ok()
        .flatten()
    }
}

/// A clinic with its EMR key and a state folder holding an enrolled agent's credential.
pub struct Clinic {
    pub id: String,
    pub emr: Emr,
    pub state_dir: PathBuf,
    pub terminal_root: PathBuf,
}

pub async fn admin_post(base: &str, path: &str, body: serde_json::Value) -> serde_json::Value {
    let r = reqwest::Client::new()
        .post(format!("{base}{path}"))
        .bearer_auth(ADMIN)
        .json(&body)
        .send()
        .await
        .unwrap();
    let s = r.status().as_u16();
    let v: serde_json::Value = r.json().await.unwrap_or_default();
    assert!(s == 201 || s == 204 || s == 200, "{path}: {s} {v}");
    v
}

/// Creates a clinic through the admin API and enrols an agent for it.
pub async fn clinic(relay_base: &str, id: &str, dir: &Path) -> Clinic {
    let v = admin_post(
        relay_base,
        "/admin/v1/clinics",
        serde_json::json!({ "id": id, "name": format!("見本医院 {id}") }),
    )
    .await;
    let key = v["api_key"].as_str().unwrap().to_string();
    let code = admin_post(
        relay_base,
        &format!("/admin/v1/clinics/{id}/enrolment-codes"),
        serde_json::json!({}),
    )
    .await["code"]
        .as_str()
        .unwrap()
        .to_string();
    let state_dir = dir.join(format!("agent-{id}"));
    let cfg = agent_config(&state_dir, &dir.join(format!("terminal-{id}")));
    onshi::agent::enrol(&cfg, relay_base, &code)
        .await
        .expect("enrol");
    Clinic {
        id: id.into(),
        emr: Emr::new(relay_base, &key),
        state_dir,
        terminal_root: dir.join(format!("terminal-{id}")),
    }
}

pub fn agent_config(state_dir: &Path, terminal_root: &Path) -> AgentConfig {
    let mut t = TerminalConfig::new(terminal_root);
    t.medical_institution_code = Some(INSTITUTION.into());
    t.answer_timeout = Duration::from_secs(15);
    t.bulk_backoff = (Duration::from_millis(50), Duration::from_millis(200));
    t.bulk_deadline = Duration::from_secs(30);
    t.rescan = Duration::from_millis(100);
    t.create_folders = true;
    let mut c = AgentConfig::new(state_dir, t);
    c.status_addr = Some(([127, 0, 0, 1], 0).into());
    c.heartbeat = Duration::from_millis(500);
    c.backoff = (Duration::from_millis(100), Duration::from_millis(1000));
    c
}

pub fn emulator(root: &Path) -> Emulator {
    let mut c = EmulatorConfig::new(root);
    c.watch.rescan_interval = Duration::from_millis(50);
    Emulator::start(c).expect("emulator")
}

pub async fn start_agent(c: &Clinic) -> Agent {
    Agent::start(agent_config(&c.state_dir, &c.terminal_root))
        .await
        .expect("agent starts")
}

/// Keys of a list of events.
pub fn keys(events: &[serde_json::Value]) -> Vec<String> {
    events
        .iter()
        .map(|e| e["key"].as_str().unwrap().to_string())
        .collect()
}

pub fn person(emu: &Emulator, label: &str) -> onshi::terminal::Person {
    emu.dataset()
        .persons
        .iter()
        .find(|p| p.label.starts_with(label))
        .cloned()
        .unwrap_or_else(|| panic!("no person {label}"))
}

pub fn query_for(p: &onshi::terminal::Person) -> onshi::model::QualificationQuery {
    p.query()
}

pub fn today() -> chrono::NaiveDate {
    onshi::terminal::now_jst().date()
}

/// A TCP forwarder on loopback whose traffic can be cut (connections dropped, new ones
/// refused) and restored: a network cut between agent and relay.
pub struct Cutter {
    pub addr: SocketAddr,
    up: std::sync::Arc<std::sync::atomic::AtomicBool>,
    epoch: std::sync::Arc<tokio::sync::watch::Sender<u64>>,
}

impl Cutter {
    pub async fn start(target: SocketAddr) -> Cutter {
        use std::sync::atomic::Ordering;
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = l.local_addr().unwrap();
        let up = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
        let (tx, rx) = tokio::sync::watch::channel(0u64);
        let epoch = std::sync::Arc::new(tx);
        let up2 = up.clone();
        tokio::spawn(async move {
            loop {
                let Ok((mut inbound, _)) = l.accept().await else {
                    return;
                };
                if !up2.load(Ordering::SeqCst) {
                    drop(inbound);
                    continue;
                }
                let mut rx = rx.clone();
                tokio::spawn(async move {
                    let Ok(mut out) = tokio::net::TcpStream::connect(target).await else {
                        return;
                    };
                    let start = *rx.borrow_and_update();
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut inbound, &mut out) => {}
                        _ = async { while rx.changed().await.is_ok() { if *rx.borrow() != start { break; } } } => {}
                    }
                });
            }
        });
        Cutter { addr, up, epoch }
    }

    pub fn cut(&self) {
        self.up.store(false, std::sync::atomic::Ordering::SeqCst);
        self.epoch.send_modify(|e| *e += 1);
    }

    pub fn restore(&self) {
        self.up.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

/// Rewrites the relay URL in an enrolled agent's credential (to go through a [`Cutter`]).
pub fn point_credential_at(state_dir: &Path, base: &str) {
    let mut c = onshi::agent::credential::load(state_dir).unwrap().unwrap();
    c.relay_url = base.into();
    onshi::agent::credential::save(state_dir, &c).unwrap();
}

/// Pushes a face for each of `n` persons (cycling through the dataset); returns the names.
pub fn push_faces(emu: &Emulator, n: usize) -> Vec<String> {
    // The first persons of the dataset all hold a card for the face reader.
    let ids: Vec<String> = emu
        .dataset()
        .persons
        .iter()
        .take(8)
        .map(|p| p.id.clone())
        .collect();
    (0..n)
        .map(|i| emu.push_face(&ids[i % ids.len()]).expect("push face"))
        .collect()
}

/// Asserts the EMR sees exactly `expected` keys, each once.
pub fn assert_exactly_once(events: &[serde_json::Value], expected: &[String]) {
    let got = keys(events);
    let unique: std::collections::BTreeSet<&String> = got.iter().collect();
    assert_eq!(unique.len(), got.len(), "duplicates at the EMR");
    let want: std::collections::BTreeSet<&String> = expected.iter().collect();
    assert_eq!(unique, want, "lost or unexpected events");
}

/// A child process killed when dropped.
pub struct Child(pub std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Reads the first stdout line of a child (a JSON object) and returns it.
pub fn first_json_line(child: &mut std::process::Child) -> serde_json::Value {
    use std::io::BufRead;
    let out = child.stdout.take().expect("piped stdout");
    let mut r = std::io::BufReader::new(out);
    let mut line = String::new();
    r.read_line(&mut line).expect("a line");
    // Keep draining so the child never blocks on a full pipe.
    std::thread::spawn(move || {
        let mut sink = String::new();
        while r.read_line(&mut sink).map(|n| n > 0).unwrap_or(false) {
            sink.clear();
        }
    });
    serde_json::from_str(line.trim()).unwrap_or_else(|_| panic!("not JSON: {line:?}"))
}
