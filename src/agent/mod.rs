//! `onshi agent`: the clinic-side link program (the seed's 連携プログラム) that lets a cloud
//! EMR use the clinic's 資格確認端末 through `onshi relay`.
//!
//! It runs on a clinic PC that reaches both the terminal's shared folder and the internet,
//! and bridges nothing but the req/res/face files: it connects **out** to the relay only
//! ([`link`]: WebSocket, or HTTPS long polling through proxies that block upgrades; TLS with
//! rustls; reconnect with jittered backoff), pushes every face result from a durable
//! [`outbox`] until the relay acknowledges it, runs the EMR's commands through the library's
//! terminal client, and sends a heartbeat with the health checks so the cloud can tell
//! *agent down* from *link program down* from *folder misconfigured*. A local status page on
//! 127.0.0.1 shows the same ([`status`]).
//!
//! Logs are structured (`tracing`) and never carry names, numbers or birthdates: only file
//! names (which hold none), ids, counts and error kinds.

pub mod credential;
pub mod link;
pub mod outbox;
pub mod service;
pub mod status;
pub mod terminal;

use crate::cloud::protocol::{
    self, AgentFrame, CommandOutcome, ErrorCode, Limits, PROTOCOL_VERSION, Progress, RelayFrame,
};
use credential::Credential;
use link::{ConnectError, Link, Net, Transport, TransportChoice};
use outbox::Outbox;
use serde::Serialize;
use std::collections::{HashMap, HashSet, VecDeque};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use terminal::{Terminal, TerminalConfig};
use tokio::sync::{Notify, mpsc};

/// Settings of the agent.
#[derive(Clone, Debug)]
pub struct AgentConfig {
    /// Where the credential and the outbox live.
    pub state_dir: PathBuf,
    /// The terminal's folders.
    pub terminal: TerminalConfig,
    /// WebSocket, long polling, or WebSocket with the fallback.
    pub transport: TransportChoice,
    /// An extra CA certificate file (PEM) trusted besides the system's roots.
    pub ca_file: Option<PathBuf>,
    /// Trust the system's roots (on by default).
    pub system_roots: bool,
    /// An HTTP proxy (`http://proxy:8080`); `None`: the `HTTPS_PROXY` environment variable.
    pub proxy: Option<String>,
    /// Heartbeat interval.
    pub heartbeat: Duration,
    /// Backoff between reconnections: first and longest (jittered ±50 %).
    pub backoff: (Duration, Duration),
    /// Rotate the credential when it expires sooner than this.
    pub rotate_before: Duration,
    /// The local status page (`127.0.0.1:8731` by default; loopback only).
    pub status_addr: Option<std::net::SocketAddr>,
    /// Frame limits.
    pub limits: Limits,
    /// Face events in flight (sent, not yet acknowledged) at most.
    pub window: usize,
    /// Added to the agent's clock in what it reports (to test clock skew).
    #[doc(hidden)]
    pub clock_offset_ms: i64,
}

impl AgentConfig {
    /// Defaults: Auto transport, system roots, heartbeat every 15 s, backoff 0.5 s → 30 s,
    /// rotation 30 days before expiry, status page on 127.0.0.1:8731.
    pub fn new(state_dir: impl Into<PathBuf>, terminal: TerminalConfig) -> AgentConfig {
        AgentConfig {
            state_dir: state_dir.into(),
            terminal,
            transport: TransportChoice::Auto,
            ca_file: None,
            system_roots: true,
            proxy: None,
            heartbeat: Duration::from_secs(15),
            backoff: (Duration::from_millis(500), Duration::from_secs(30)),
            rotate_before: Duration::from_secs(30 * 24 * 3600),
            status_addr: Some(std::net::SocketAddr::from(([127, 0, 0, 1], 8731))),
            limits: Limits::default(),
            window: 256,
            clock_offset_ms: 0,
        }
    }
}

/// Why the agent could not start or enrol.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AgentError {
    /// Not enrolled (no credential in the state folder).
    #[error("not enrolled: run `onshi agent enrol --relay URL --code CODE` first")]
    NotEnrolled,
    /// The state folder.
    #[error("state folder: {0}")]
    State(std::io::Error),
    /// TLS settings.
    #[error(transparent)]
    Tls(#[from] crate::cloud::tls::TlsError),
    /// The `--proxy` / `HTTPS_PROXY` value is not a URL (its parser's reason).
    #[error("proxy URL: {0}")]
    ProxyUrl(String),
    /// The HTTP client could not be built or the request to the relay failed.
    #[error("HTTP: {0}")]
    Http(#[from] reqwest::Error),
    /// The relay answered the enrolment or rotation with something that is not a credential.
    #[error("the relay's answer is not a credential: {0}")]
    NotACredential(serde_json::Error),
    /// The relay refused (enrolment code, credential): its HTTP status and its message.
    #[error("the relay refused ({status}): {message}")]
    Refused {
        /// The HTTP status.
        status: u16,
        /// The relay's `message`, or the status's reason phrase.
        message: String,
    },
    /// The configured 医療機関コード is not valid (the error names the identifier).
    #[error(transparent)]
    InstitutionCode(#[from] crate::ids::IdError),
    /// The terminal's folders could not be opened.
    #[error("terminal: {0}")]
    Terminal(#[from] crate::terminal::TerminalError),
    /// Opening the terminal stopped before it finished (the blocking task panicked or the
    /// runtime shut down).
    #[error("terminal: the opening task did not finish: {0}")]
    TerminalTask(tokio::task::JoinError),
    /// The status page could not listen.
    #[error("status page: {0}")]
    StatusPage(std::io::Error),
    /// The status page address is not a loopback address.
    #[error("the status page listens on loopback only (127.0.0.1 or ::1)")]
    StatusNotLoopback,
}

/// The connection state shown on the status page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkState {
    /// Not connected yet.
    Starting,
    /// Connected.
    Connected,
    /// Waiting before the next attempt.
    Reconnecting,
    /// The relay refused the credential (revoked / expired): enrol again.
    Refused,
}

/// One face event on the status page (no personal data: the file name and states only).
#[derive(Clone, Debug, Serialize)]
pub struct EventLine {
    /// The face file name.
    pub key: String,
    /// When it was taken (Unix ms).
    pub taken_ms: i64,
    /// `true` when the file could be read.
    pub readable: bool,
    /// `true` once the relay stored it.
    pub acknowledged: bool,
}

/// What the status page shows.
#[derive(Clone, Debug, Serialize)]
pub struct AgentStatus {
    /// The agent's version.
    pub version: String,
    /// The relay (scheme, host and port only).
    pub relay: String,
    /// Agent and clinic ids.
    pub agent_id: String,
    /// The clinic.
    pub clinic_id: String,
    /// Connection state.
    pub state: LinkState,
    /// Transport in use.
    pub transport: Option<Transport>,
    /// Since when connected (Unix ms).
    pub connected_since_ms: Option<i64>,
    /// The last connection error (no secrets).
    pub last_error: Option<String>,
    /// Connection attempts since start.
    pub attempts: u64,
    /// The relay's clock minus ours (ms), from the last welcome.
    pub clock_skew_ms: Option<i64>,
    /// Credential expiry (Unix ms, relay clock).
    pub credential_expires_ms: i64,
    /// Last health report.
    pub health: Option<protocol::Health>,
    /// Face events waiting in the outbox.
    pub outbox: usize,
    /// Last face events, newest first.
    pub events: VecDeque<EventLine>,
    /// Commands run since start.
    pub commands: u64,
}

pub(crate) struct Shared {
    config: AgentConfig,
    outbox: Outbox,
    terminal: Arc<Terminal>,
    status: Mutex<AgentStatus>,
    wake: Notify,
    credential: Mutex<Credential>,
    net: Net,
}

impl Shared {
    fn set_status(&self, f: impl FnOnce(&mut AgentStatus)) {
        let mut s = self.status.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut s);
    }
    fn now_ms(&self) -> i64 {
        unix_ms() + self.config.clock_offset_ms
    }
}

fn unix_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// The standard base64 alphabet, with padding.
pub fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for c in bytes.chunks(3) {
        let n = (c[0] as u32) << 16
            | (*c.get(1).unwrap_or(&0) as u32) << 8
            | *c.get(2).unwrap_or(&0) as u32;
        out.push(A[(n >> 18) as usize & 63] as char);
        out.push(A[(n >> 12) as usize & 63] as char);
        out.push(if c.len() > 1 {
            A[(n >> 6) as usize & 63] as char
        } else {
            '='
        });
        out.push(if c.len() > 2 {
            A[n as usize & 63] as char
        } else {
            '='
        });
    }
    out
}

fn build_net(config: &AgentConfig) -> Result<Net, AgentError> {
    let tls = crate::cloud::tls::client_config(config.ca_file.as_deref(), config.system_roots)?;
    let proxy_s = config.proxy.clone().or_else(|| {
        ["HTTPS_PROXY", "https_proxy"]
            .iter()
            .find_map(|v| std::env::var(v).ok())
            .filter(|s| !s.is_empty())
    });
    let proxy = match &proxy_s {
        Some(p) => Some(reqwest::Url::parse(p).map_err(|e| AgentError::ProxyUrl(e.to_string()))?),
        None => None,
    };
    let mut b = reqwest::Client::builder()
        .use_preconfigured_tls(tls.clone())
        .connect_timeout(Duration::from_secs(10));
    b = match &proxy {
        Some(p) => b.proxy(reqwest::Proxy::all(p.clone())?),
        None => b.no_proxy(),
    };
    let http = b.build()?;
    Ok(Net {
        http,
        tls: Arc::new(tls),
        proxy,
        limits: config.limits,
        connect_timeout: Duration::from_secs(10),
    })
}

/// Redeems a one-time enrolment code at the relay and stores the credential (0600) in
/// `config.state_dir`.
pub async fn enrol(
    config: &AgentConfig,
    relay_url: &str,
    code: &str,
) -> Result<Credential, AgentError> {
    let net = build_net(config)?;
    let url = format!("{}/agent/v1/enrol", relay_url.trim_end_matches('/'));
    let r = net
        .http
        .post(url)
        .json(&serde_json::json!({ "code": code }))
        .send()
        .await?;
    let status = r.status();
    let body = r.bytes().await?;
    if !status.is_success() {
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
        return Err(AgentError::Refused {
            status: status.as_u16(),
            message: v
                .get("message")
                .and_then(|m| m.as_str())
                .or(status.canonical_reason())
                .unwrap_or("")
                .to_string(),
        });
    }
    let c = credential_from(relay_url, &body)?;
    credential::save(&config.state_dir, &c).map_err(AgentError::State)?;
    tracing::info!(agent = %c.agent_id, clinic = %c.clinic_id, "enrolled");
    Ok(c)
}

fn credential_from(relay_url: &str, body: &[u8]) -> Result<Credential, AgentError> {
    #[derive(serde::Deserialize)]
    struct R {
        agent_id: String,
        clinic_id: String,
        credential: zeroize::Zeroizing<String>,
        expires_ms: i64,
    }
    let r: R = serde_json::from_slice(body).map_err(AgentError::NotACredential)?;
    Ok(Credential {
        relay_url: relay_url.trim_end_matches('/').to_string(),
        agent_id: r.agent_id,
        clinic_id: r.clinic_id,
        credential: r.credential,
        expires_ms: r.expires_ms,
    })
}

/// Asks the relay for the next credential and stores it (the old one stays valid until the
/// new one is first used).
pub async fn rotate(config: &AgentConfig) -> Result<Credential, AgentError> {
    let net = build_net(config)?;
    let old = credential::load(&config.state_dir)
        .map_err(AgentError::State)?
        .ok_or(AgentError::NotEnrolled)?;
    rotate_with(&net, &config.state_dir, &old).await
}

async fn rotate_with(
    net: &Net,
    state_dir: &std::path::Path,
    old: &Credential,
) -> Result<Credential, AgentError> {
    let url = format!("{}/agent/v1/rotate", old.relay_url);
    let r = net
        .http
        .post(url)
        .bearer_auth(old.credential.as_str())
        .send()
        .await?;
    let status = r.status();
    let body = r.bytes().await?;
    if !status.is_success() {
        return Err(AgentError::Refused {
            status: status.as_u16(),
            message: format!(
                "rotation: {}",
                status.canonical_reason().unwrap_or("refused")
            ),
        });
    }
    let c = credential_from(&old.relay_url, &body)?;
    credential::save(state_dir, &c).map_err(AgentError::State)?;
    tracing::info!(agent = %c.agent_id, "credential rotated");
    Ok(c)
}

/// A running agent.
pub struct Agent {
    shared: Arc<Shared>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
    _face: terminal::FaceFeed,
    status_addr: Option<std::net::SocketAddr>,
}

impl std::fmt::Debug for Agent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Agent")
            .field("status_addr", &self.status_addr)
            .finish_non_exhaustive()
    }
}

fn relay_origin(url: &str) -> String {
    reqwest::Url::parse(url)
        .map(|u| u.origin().ascii_serialization())
        .unwrap_or_else(|_| "?".into())
}

impl Agent {
    /// Starts the agent on the current tokio runtime: opens the terminal folders, the outbox
    /// and the status page, and connects to the relay of the stored credential.
    pub async fn start(config: AgentConfig) -> Result<Agent, AgentError> {
        let cred = credential::load(&config.state_dir)
            .map_err(AgentError::State)?
            .ok_or(AgentError::NotEnrolled)?;
        let net = build_net(&config)?;
        let outbox = Outbox::open(config.state_dir.join("outbox")).map_err(AgentError::State)?;
        let tc = config.terminal.clone();
        let terminal = tokio::task::spawn_blocking(move || Terminal::open(tc))
            .await
            .map_err(AgentError::TerminalTask)??;
        let terminal = Arc::new(terminal);
        let status = AgentStatus {
            version: env!("CARGO_PKG_VERSION").into(),
            relay: relay_origin(&cred.relay_url),
            agent_id: cred.agent_id.clone(),
            clinic_id: cred.clinic_id.clone(),
            state: LinkState::Starting,
            transport: None,
            connected_since_ms: None,
            last_error: None,
            attempts: 0,
            clock_skew_ms: None,
            credential_expires_ms: cred.expires_ms,
            health: None,
            outbox: outbox.len(),
            events: VecDeque::new(),
            commands: 0,
        };
        let status_listener = match config.status_addr {
            Some(a) if !a.ip().is_loopback() => return Err(AgentError::StatusNotLoopback),
            Some(a) => Some(
                tokio::net::TcpListener::bind(a)
                    .await
                    .map_err(AgentError::StatusPage)?,
            ),
            None => None,
        };
        let shared = Arc::new(Shared {
            outbox,
            terminal: terminal.clone(),
            status: Mutex::new(status),
            wake: Notify::new(),
            credential: Mutex::new(cred),
            net,
            config,
        });
        // Face results → outbox (durably) → wake the sender.
        let s2 = shared.clone();
        let face = terminal.on_face(move |payload| {
            let key = payload.file_name.clone();
            let readable = payload.error.is_none();
            let taken_ms = s2.now_ms();
            let frame = AgentFrame::Face {
                key: key.clone(),
                taken_ms,
                payload,
            };
            let stored = match s2.outbox.put(&key, protocol::encode(&frame).as_bytes()) {
                Ok(()) => {
                    tracing::info!(key = %key, readable, "face event queued");
                    true
                }
                // Not acknowledged: the client hands the file out again.
                Err(e) => {
                    tracing::error!(key = %key, error = %e, "cannot write the outbox");
                    false
                }
            };
            if !stored {
                return false;
            }
            s2.set_status(|s| {
                s.events.push_front(EventLine {
                    key,
                    taken_ms,
                    readable,
                    acknowledged: false,
                });
                s.events.truncate(20);
            });
            s2.wake.notify_one();
            true
        });
        let mut tasks = vec![tokio::spawn(connection_loop(shared.clone()))];
        let mut status_addr = None;
        if let Some(l) = status_listener {
            status_addr = l.local_addr().ok();
            tasks.push(tokio::spawn(status::serve(shared.clone(), l)));
        }
        Ok(Agent {
            shared,
            tasks,
            _face: face,
            status_addr,
        })
    }

    /// Where the status page listens.
    pub fn status_addr(&self) -> Option<std::net::SocketAddr> {
        self.status_addr
    }

    /// A snapshot of the status.
    pub fn status(&self) -> AgentStatus {
        let mut s = self
            .shared
            .status
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        s.outbox = self.shared.outbox.len();
        s
    }

    /// Stops the agent (the outbox keeps what was not acknowledged).
    pub fn stop(self) {
        drop(self);
    }
}

impl Drop for Agent {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

/// Jittered exponential backoff: `initial · 2^attempt`, at most `max`, times 0.5–1.5.
pub fn jittered_backoff(attempt: u32, initial: Duration, max: Duration) -> Duration {
    let base = initial
        .saturating_mul(1u32 << attempt.min(16))
        .min(max)
        .as_secs_f64();
    let j: f64 = 0.5 + rand::random::<f64>();
    Duration::from_secs_f64((base * j).min(max.as_secs_f64() * 1.5))
}

async fn connection_loop(shared: Arc<Shared>) {
    let mut attempt: u32 = 0;
    let mut poll_until: Option<Instant> = None;
    loop {
        let cred = match credential::load(&shared.config.state_dir) {
            Ok(Some(c)) => c,
            _ => shared
                .credential
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .clone(),
        };
        *shared.credential.lock().unwrap_or_else(|p| p.into_inner()) = cred.clone();
        shared.set_status(|s| {
            s.attempts += 1;
            s.agent_id = cred.agent_id.clone();
            s.clinic_id = cred.clinic_id.clone();
        });
        let hello = AgentFrame::Hello {
            protocol: PROTOCOL_VERSION,
            agent_version: env!("CARGO_PKG_VERSION").into(),
            clock_ms: shared.now_ms(),
        };
        let use_poll = match shared.config.transport {
            TransportChoice::LongPoll => true,
            TransportChoice::WebSocket => false,
            TransportChoice::Auto => poll_until.is_some_and(|t| Instant::now() < t),
        };
        let r = if use_poll {
            link::connect_poll(&shared.net, &cred, hello).await
        } else {
            match link::connect_ws(&shared.net, &cred, hello.clone()).await {
                Err(ConnectError::UpgradeRefused(m))
                    if shared.config.transport == TransportChoice::Auto =>
                {
                    tracing::warn!(reason = %m, "WebSocket refused; using long polling for 10 minutes");
                    poll_until = Some(Instant::now() + Duration::from_secs(600));
                    link::connect_poll(&shared.net, &cred, hello).await
                }
                other => other,
            }
        };
        let wait = match r {
            Ok((link, welcome)) => {
                attempt = 0;
                let reason = session(&shared, link, welcome, &cred).await;
                shared.set_status(|s| {
                    s.state = LinkState::Reconnecting;
                    s.transport = None;
                    s.connected_since_ms = None;
                    s.last_error = Some(reason.clone());
                });
                tracing::warn!(reason = %reason, "disconnected from the relay");
                if reason.starts_with("refused") {
                    shared.set_status(|s| s.state = LinkState::Refused);
                    Duration::from_secs(30)
                } else {
                    jittered_backoff(0, shared.config.backoff.0, shared.config.backoff.1)
                }
            }
            Err(ConnectError::Refused(code, m)) => {
                tracing::error!(code = ?code, "the relay refused this agent: {m}");
                shared.set_status(|s| {
                    s.state = LinkState::Refused;
                    s.last_error = Some(format!("refused ({code:?}): {m}"));
                });
                // Wait for a new enrolment (the credential file is reread each attempt).
                Duration::from_secs(if code.is_fatal() { 30 } else { 5 })
            }
            Err(e) => {
                attempt = attempt.saturating_add(1);
                shared.set_status(|s| {
                    s.state = LinkState::Reconnecting;
                    s.last_error = Some(e.to_string());
                });
                tracing::warn!(error = %e, attempt, "cannot reach the relay");
                jittered_backoff(
                    attempt - 1,
                    shared.config.backoff.0,
                    shared.config.backoff.1,
                )
            }
        };
        tokio::time::sleep(wait).await;
    }
}

// One per command, moved once: boxing would only add noise.
#[allow(clippy::large_enum_variant)]
enum Work {
    Progress(String, Progress),
    Done(String, CommandOutcome),
}

/// One connected session; returns why it ended.
async fn session(
    shared: &Arc<Shared>,
    mut link: Link,
    welcome: RelayFrame,
    cred: &Credential,
) -> String {
    let RelayFrame::Welcome {
        server_ms,
        credential_expires_ms,
        ..
    } = welcome
    else {
        return "the relay did not welcome this agent".into();
    };
    let skew = server_ms - shared.now_ms();
    let now_relay = server_ms;
    shared.set_status(|s| {
        s.state = LinkState::Connected;
        s.transport = Some(link.transport);
        s.connected_since_ms = Some(now_relay);
        s.clock_skew_ms = Some(skew);
        s.credential_expires_ms = credential_expires_ms;
        s.last_error = None;
    });
    tracing::info!(transport = ?link.transport, skew_ms = skew, "connected to the relay");
    // Rotation, judged on the relay's clock.
    if credential_expires_ms - now_relay < shared.config.rotate_before.as_millis() as i64 {
        let (net, dir, c) = (
            shared.net.clone(),
            shared.config.state_dir.clone(),
            cred.clone(),
        );
        tokio::spawn(async move {
            if let Err(e) = rotate_with(&net, &dir, &c).await {
                tracing::warn!(error = %e, "credential rotation failed; will retry on the next connection");
            }
        });
    }
    let (work_tx, mut work_rx) = mpsc::unbounded_channel::<Work>();
    let mut in_flight: HashMap<String, Instant> = HashMap::new();
    let mut ticks: u64 = 0;
    let mut running: HashSet<String> = HashSet::new();
    // Results not yet acknowledged, and recent acknowledged ones (to answer a resent command
    // without running it twice).
    let mut unacked: HashMap<String, CommandOutcome> = HashMap::new();
    let mut done: VecDeque<(String, CommandOutcome)> = VecDeque::new();
    let mut heartbeat = tokio::time::interval(shared.config.heartbeat);
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    // Keys to send, from the last listing of the outbox folder (listed again when a face
    // arrives, and every second for entries in flight too long).
    let mut queue: VecDeque<String> = VecDeque::new();
    let mut dirty = true;
    loop {
        if dirty {
            dirty = false;
            queue = shared
                .outbox
                .keys()
                .into_iter()
                .filter(|k| {
                    in_flight
                        .get(k)
                        .is_none_or(|t| t.elapsed() >= Duration::from_secs(30))
                })
                .collect();
        }
        // Fill the window.
        while in_flight.len() < shared.config.window {
            let Some(key) = queue.pop_front() else { break };
            if in_flight
                .get(&key)
                .is_some_and(|t| t.elapsed() < Duration::from_secs(30))
            {
                continue;
            }
            let Some(bytes) = shared.outbox.get(&key) else {
                continue;
            };
            let Ok(frame) = protocol::decode_agent_frame(&bytes, &shared.config.limits) else {
                tracing::error!(key = %key, "unreadable outbox entry; left in place");
                in_flight.insert(key, Instant::now() + Duration::from_secs(3600));
                continue;
            };
            if link.out.send(frame).await.is_err() {
                return "connection closed".into();
            }
            in_flight.insert(key, Instant::now());
        }
        tokio::select! {
            f = link.inc.recv() => {
                let Some(f) = f else { return "connection closed".into() };
                match f {
                    RelayFrame::Ack { keys } => {
                        for k in keys {
                            if let Err(e) = shared.outbox.remove(&k) {
                                tracing::error!(key = %k, error = %e, "cannot remove an acknowledged event");
                            }
                            in_flight.remove(&k);
                            shared.set_status(|s| {
                                for e in s.events.iter_mut().filter(|e| e.key == k) {
                                    e.acknowledged = true;
                                }
                            });
                        }
                    }
                    RelayFrame::Command { id, command } => {
                        if let Some(o) = unacked.get(&id).cloned().or_else(|| done.iter().find(|(d, _)| *d == id).map(|(_, o)| o.clone())) {
                            let _ = link.out.send(AgentFrame::Result { command_id: id, outcome: o }).await;
                        } else if running.insert(id.clone()) {
                            tracing::info!(command = %id, op = command.op(), "running command");
                            shared.set_status(|s| s.commands += 1);
                            let t = shared.terminal.clone();
                            let tx = work_tx.clone();
                            let outbox = shared.outbox.len() as u64;
                            tokio::task::spawn_blocking(move || {
                                let tx2 = tx.clone();
                                let id2 = id.clone();
                                let outcome = t.run(&command, outbox, &mut |p| {
                                    let _ = tx2.send(Work::Progress(id2.clone(), p));
                                });
                                let _ = tx.send(Work::Done(id, outcome));
                            });
                        }
                    }
                    RelayFrame::ResultAck { command_id } => {
                        if let Some(o) = unacked.remove(&command_id) {
                            done.push_back((command_id, o));
                            if done.len() > 64 { done.pop_front(); }
                        }
                    }
                    RelayFrame::Error { code, message } => {
                        return if matches!(code, ErrorCode::Revoked | ErrorCode::Expired | ErrorCode::Unauthorized) {
                            format!("refused ({code:?}): {message}")
                        } else {
                            format!("relay error ({code:?}): {message}")
                        };
                    }
                    RelayFrame::Welcome { .. } => {}
                }
            }
            w = work_rx.recv() => {
                match w {
                    Some(Work::Progress(id, p)) => {
                        let _ = link.out.send(AgentFrame::Progress { command_id: id, progress: p }).await;
                    }
                    Some(Work::Done(id, o)) => {
                        running.remove(&id);
                        tracing::info!(command = %id, ok = !matches!(o, CommandOutcome::Failed { .. }), "command finished");
                        unacked.insert(id.clone(), o.clone());
                        if link.out.send(AgentFrame::Result { command_id: id, outcome: o }).await.is_err() {
                            return "connection closed".into();
                        }
                    }
                    None => {}
                }
            }
            _ = heartbeat.tick() => {
                let t = shared.terminal.clone();
                let n = shared.outbox.len() as u64;
                let health = tokio::task::spawn_blocking(move || t.health(n)).await;
                if let Ok(h) = health {
                    shared.set_status(|s| s.health = Some(h.clone()));
                    let f = AgentFrame::Heartbeat { health: h, clock_ms: shared.now_ms() };
                    if link.out.send(f).await.is_err() {
                        return "connection closed".into();
                    }
                }
            }
            _ = shared.wake.notified() => { dirty = true; }
            _ = tick.tick() => {
                if !link.alive() {
                    return "connection lost".into();
                }
                ticks += 1;
                if queue.is_empty() {
                    dirty = true;
                }
                // Resend results the relay has not acknowledged (it may have missed them).
                for (id, o) in unacked.clone().into_iter().filter(|_| ticks % 5 == 0) {
                    let _ = link.out.send(AgentFrame::Result { command_id: id, outcome: o }).await;
                }
            }
        }
    }
}
