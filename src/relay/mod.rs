//! `onshi relay`: the cloud end of the link between a clinic's terminal and a cloud EMR.
//!
//! A [`Relay`] is an [`axum::Router`] a vendor can mount in their own service, or run as is
//! with `onshi relay serve`. It
//! * authenticates clinic agents (`onshi agent`) with per-agent credentials obtained from
//!   one-time enrolment codes, and talks to them over a WebSocket or HTTPS long polling
//!   ([`crate::cloud::protocol`]);
//! * stores every face event before acknowledging it, once per idempotency key, and hands it
//!   to the EMR as a Server-Sent Events stream, a polling list and signed webhooks;
//! * queues the EMR's commands (個別照会, 照会番号登録, bulk flows, 薬剤/特定健診, health
//!   checks) and routes them to whichever relay process holds the clinic's agent (PostgreSQL
//!   LISTEN/NOTIFY), then keeps their progress and results;
//! * tells the EMR the clinic's link state with the staff texts of the seed's FAQ row 19
//!   ([`status::clinic_status`]); serves an admin page.
//!
//! The HTTP API is described by `openapi/relay.yaml` (checked against the router by a test).
//! Every EMR request is scoped to the clinic of its API key; agents reach only their clinic.

mod admin;
mod agent_api;
pub mod bus;
mod emr_api;
mod limit;
pub mod status;
pub mod store;
pub mod webhook;

use crate::cloud::protocol::{Limits, RelayFrame};
use bus::{Bus, Notice};
use limit::RateLimiter;
use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use store::{Store, StoreError};
use tokio::sync::{Notify, mpsc};

pub use status::{ClinicStatus, LinkState, clinic_status};
pub use store::Backend;

/// The OpenAPI description of the relay's HTTP API (served at `/openapi.yaml`).
pub const OPENAPI_YAML: &str = include_str!("../../openapi/relay.yaml");

/// A rate: `per_second` on average, bursts up to `burst`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rate {
    /// Sustained requests (or frames) per second.
    pub per_second: f64,
    /// Largest burst.
    pub burst: f64,
}

/// Test hooks that simulate faults. Not for production use.
#[doc(hidden)]
#[derive(Clone, Debug, Default)]
pub struct Faults {
    /// After storing the next face event, drop the agent's connection instead of
    /// acknowledging (as if the relay died between the two). Cleared when it fires.
    pub drop_after_store: Arc<AtomicBool>,
}

/// Settings of a [`Relay`].
#[derive(Clone, Debug)]
pub struct RelayConfig {
    /// `sqlite://FILE` (default) or `postgres://…`.
    pub database_url: String,
    /// The administrator token (admin API and page). `None`: administration is disabled.
    pub admin_token: Option<String>,
    /// Lifetime of an agent credential.
    pub credential_ttl: Duration,
    /// Lifetime of an enrolment code.
    pub enrolment_code_ttl: Duration,
    /// An agent counts as connected this long after its last frame (heartbeats come more
    /// often), and a long-polling session lives this long between exchanges.
    pub agent_grace: Duration,
    /// Frame size limits of the agent protocol.
    pub limits: Limits,
    /// Largest EMR request body.
    pub emr_body_limit: usize,
    /// Frames per agent.
    pub agent_rate: Rate,
    /// Requests per EMR API key (per clinic).
    pub emr_rate: Rate,
    /// Webhook request timeout.
    pub webhook_timeout: Duration,
    /// Longest hold of `GET /v1/commands/{id}?wait=` (the API allows up to 30 s).
    pub max_wait: Duration,
    /// Fault injection for tests.
    #[doc(hidden)]
    pub faults: Faults,
}

impl RelayConfig {
    /// Defaults for a database URL: credentials live 90 days, enrolment codes 24 hours, an
    /// agent is down 45 s after its last frame, 8 MiB frames, 1 MiB EMR bodies, 200 frames/s
    /// per agent (bursts of 20,000), 20 requests/s per EMR key (bursts of 200).
    pub fn new(database_url: impl Into<String>) -> RelayConfig {
        RelayConfig {
            database_url: database_url.into(),
            admin_token: None,
            credential_ttl: Duration::from_secs(90 * 24 * 3600),
            enrolment_code_ttl: Duration::from_secs(24 * 3600),
            agent_grace: Duration::from_secs(45),
            limits: Limits::default(),
            emr_body_limit: 1024 * 1024,
            agent_rate: Rate {
                per_second: 200.0,
                burst: 20_000.0,
            },
            emr_rate: Rate {
                per_second: 20.0,
                burst: 200.0,
            },
            webhook_timeout: Duration::from_secs(10),
            max_wait: Duration::from_secs(30),
            faults: Faults::default(),
        }
    }
}

/// Why the relay could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RelayError {
    /// Storage.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The LISTEN connection (PostgreSQL).
    #[error("cannot LISTEN on PostgreSQL: {0}")]
    Listen(sqlx::Error),
    /// The HTTP client for webhooks.
    #[error("cannot build the webhook HTTP client: {0}")]
    Http(String),
    /// Serving.
    #[error("serve: {0}")]
    Serve(std::io::Error),
}

/// One live agent connection held by this process.
#[derive(Clone, Debug)]
pub(crate) struct Session {
    pub id: u64,
    /// Names this connection in `commands.sent_to` (unique across relay processes).
    pub token: String,
    pub agent_id: String,
    /// The way to the connection's writer; `None` once the session ended.
    tx: Arc<Mutex<Option<mpsc::UnboundedSender<RelayFrame>>>>,
    pub close: Arc<Notify>,
}

impl Session {
    /// A new session of `agent_id` and the receiving end of its frames.
    pub fn new(
        id: u64,
        agent_id: &str,
        close: Arc<Notify>,
    ) -> (Session, mpsc::UnboundedReceiver<RelayFrame>) {
        let (tx, rx) = mpsc::unbounded_channel();
        let s = Session {
            id,
            token: store::random_id("ses_"),
            agent_id: agent_id.to_string(),
            tx: Arc::new(Mutex::new(Some(tx))),
            close,
        };
        (s, rx)
    }

    /// Hands a frame to the connection; `false` once the session ended.
    pub fn send(&self, f: RelayFrame) -> bool {
        self.tx
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
            .is_some_and(|tx| tx.send(f).is_ok())
    }

    /// From now on [`Session::send`] fails (the receiver sees the end after the frames
    /// already handed over).
    fn end(&self) {
        self.tx.lock().unwrap_or_else(|p| p.into_inner()).take();
    }
}

pub(crate) struct Inner {
    pub store: Store,
    pub bus: Bus,
    pub config: RelayConfig,
    pub admin_hash: Option<String>,
    /// clinic id → live sessions (normally one).
    pub sessions: Mutex<HashMap<String, Vec<Session>>>,
    pub next_session: AtomicU64,
    pub agent_limiter: RateLimiter,
    pub emr_limiter: RateLimiter,
    pub http: reqwest::Client,
    pub polls: agent_api::PollSessions,
}

/// The relay: shared state behind a cheap handle.
#[derive(Clone)]
pub struct Relay {
    inner: Arc<Inner>,
    tasks: Arc<Vec<tokio::task::AbortHandle>>,
}

impl std::fmt::Debug for Relay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Relay")
            .field("backend", &self.inner.store.backend())
            .finish_non_exhaustive()
    }
}

impl Relay {
    /// Opens the database (applying migrations), starts listening for notices and starts the
    /// background tasks (command routing, webhook deliveries) on the current runtime.
    pub async fn new(config: RelayConfig) -> Result<Relay, RelayError> {
        let store = Store::open(&config.database_url).await?;
        let bus = Bus::start(store.clone())
            .await
            .map_err(RelayError::Listen)?;
        let http = reqwest::Client::builder()
            .use_preconfigured_tls(
                webhook::tls_config_for_relay().map_err(|e| RelayError::Http(e.to_string()))?,
            )
            .timeout(config.webhook_timeout)
            .build()
            .map_err(|e| RelayError::Http(e.to_string()))?;
        let inner = Arc::new(Inner {
            admin_hash: config.admin_token.as_deref().map(store::hash_secret),
            agent_limiter: RateLimiter::new(config.agent_rate),
            emr_limiter: RateLimiter::new(config.emr_rate),
            store,
            bus,
            config,
            sessions: Mutex::new(HashMap::new()),
            next_session: AtomicU64::new(1),
            http,
            polls: agent_api::PollSessions::default(),
        });
        let tasks = vec![
            tokio::spawn(route_commands(inner.clone())).abort_handle(),
            tokio::spawn(webhook::deliver_loop(inner.clone())).abort_handle(),
            tokio::spawn(agent_api::sweep_polls(inner.clone())).abort_handle(),
        ];
        Ok(Relay {
            inner,
            tasks: Arc::new(tasks),
        })
    }

    /// The HTTP router: agent endpoints under `/agent/v1`, the EMR API under `/v1`,
    /// administration under `/admin`, plus `/healthz` and `/openapi.yaml`.
    pub fn router(&self) -> axum::Router {
        use axum::routing::get;
        axum::Router::new()
            .merge(agent_api::routes(self.inner.clone()))
            .merge(emr_api::routes(self.inner.clone()))
            .merge(admin::routes(self.inner.clone()))
            .route("/healthz", get(|| async { "ok" }))
            .route(
                "/openapi.yaml",
                get(|| async {
                    (
                        [(axum::http::header::CONTENT_TYPE, "application/yaml")],
                        OPENAPI_YAML,
                    )
                }),
            )
    }

    /// The store (for tools and tests).
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// Creates a clinic and returns its EMR API key (the admin API does the same).
    pub async fn create_clinic(&self, id: &str, name: &str) -> Result<String, StoreError> {
        self.inner.store.create_clinic(id, name).await
    }

    /// A one-time enrolment code for a clinic's agent.
    pub async fn enrolment_code(&self, clinic_id: &str) -> Result<String, StoreError> {
        Ok(self
            .inner
            .store
            .create_enrolment_code(clinic_id, self.inner.config.enrolment_code_ttl)
            .await?
            .0)
    }

    /// Serves the router on `listener` until `shutdown` completes; then closes agent
    /// connections, stops the background tasks, and gives open requests (event streams,
    /// held long polls) two seconds before it returns.
    pub async fn serve(
        self,
        listener: tokio::net::TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), RelayError> {
        let app = self.router();
        let (tx, mut rx) = tokio::sync::watch::channel(false);
        let me = self.clone();
        let graceful = axum::serve(listener, app).with_graceful_shutdown(async move {
            shutdown.await;
            me.shutdown();
            let _ = tx.send(true);
        });
        let r = tokio::select! {
            r = std::future::IntoFuture::into_future(graceful) => r.map_err(RelayError::Serve),
            _ = async {
                if rx.wait_for(|v| *v).await.is_ok() {
                    tokio::time::sleep(Duration::from_secs(2)).await;
                } else {
                    std::future::pending::<()>().await;
                }
            } => Ok(()),
        };
        self.shutdown();
        r
    }

    /// Stops the background tasks and drops every agent connection of this process.
    pub fn shutdown(&self) {
        for t in self.tasks.iter() {
            t.abort();
        }
        let sessions = std::mem::take(
            &mut *self
                .inner
                .sessions
                .lock()
                .unwrap_or_else(|p| p.into_inner()),
        );
        for s in sessions.values().flatten() {
            s.close.notify_one();
        }
    }
}

impl Inner {
    pub fn register(&self, clinic: &str, s: Session) {
        let mut m = self.sessions.lock().unwrap_or_else(|p| p.into_inner());
        m.entry(clinic.to_string()).or_default().push(s);
    }

    pub fn unregister(&self, clinic: &str, id: u64) {
        let mut m = self.sessions.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(v) = m.get_mut(clinic) {
            v.retain(|s| s.id != id);
            if v.is_empty() {
                m.remove(clinic);
            }
        }
    }

    /// Ends a session: no frame is handed to it any more, and the commands it took without
    /// answering them go back to `queued` (delivered again on the next connection).
    ///
    /// Marking a command sent happens before handing it over ([`Inner::dispatch`]), and
    /// this ends the session before it requeues: so a command handed to this session is
    /// requeued here, and one handed over after the end fails and is requeued by dispatch.
    pub async fn end_session(&self, clinic: &str, s: &Session) {
        self.unregister(clinic, s.id);
        s.end();
        match self.store.requeue_sent_to(clinic, &s.token).await {
            Ok(0) => {}
            Ok(n) => {
                tracing::info!(agent = %s.agent_id, commands = n, "connection ended before results: commands queued again")
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot requeue the commands of an ended connection")
            }
        }
    }

    pub fn sessions_of(&self, clinic: &str) -> Vec<Session> {
        self.sessions
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(clinic)
            .cloned()
            .unwrap_or_default()
    }

    /// Sends the clinic's queued commands to its live sessions here (`all`: also those
    /// already sent, for a new connection).
    pub async fn dispatch(&self, clinic: &str, only: Option<&Session>, all: bool) {
        let sessions = match only {
            Some(s) => vec![s.clone()],
            None => self.sessions_of(clinic),
        };
        if sessions.is_empty() {
            return;
        }
        let cmds = match self.store.open_commands(clinic).await {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(error = %e, "cannot read open commands");
                return;
            }
        };
        for c in cmds {
            if !all && c.state != "queued" {
                continue;
            }
            let Ok(command) = serde_json::from_str(&c.body) else {
                continue;
            };
            let frame = RelayFrame::Command {
                id: c.id.clone(),
                command,
            };
            // The newest session is the live one; older ones are closing.
            let Some(s) = sessions.last() else { break };
            // Marked first (for this connection), then handed over: see `end_session`.
            match self.store.mark_sent(clinic, &c.id, &s.token, all).await {
                Ok(true) => {}
                // Finished meanwhile, or taken by a concurrent dispatch.
                Ok(false) => continue,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot mark a command sent; retried later");
                    continue;
                }
            }
            if !s.send(frame) {
                // The session ended meanwhile: whatever it was marked with goes back.
                let _ = self.store.requeue_sent_to(clinic, &s.token).await;
                return;
            }
        }
    }
}

/// Routes queued commands to the agents held here, on notices and every 5 s.
async fn route_commands(inner: Arc<Inner>) {
    let mut rx = inner.bus.subscribe();
    let mut tick = tokio::time::interval(Duration::from_secs(5));
    loop {
        tokio::select! {
            n = rx.recv() => match n {
                Ok(Notice::Command { clinic }) => inner.dispatch(&clinic, None, false).await,
                Ok(Notice::Revoked { agent }) => {
                    let all: Vec<Session> = inner
                        .sessions
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .values()
                        .flatten()
                        .filter(|s| s.agent_id == agent)
                        .cloned()
                        .collect();
                    for s in all {
                        s.send(RelayFrame::Error {
                            code: crate::cloud::protocol::ErrorCode::Revoked,
                            message: "this agent was revoked".into(),
                        });
                        s.close.notify_one();
                    }
                }
                Ok(_) => {}
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                Err(_) => return,
            },
            _ = tick.tick() => {
                let clinics: Vec<String> = inner
                    .sessions
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .keys()
                    .cloned()
                    .collect();
                for c in clinics {
                    inner.dispatch(&c, None, false).await;
                }
            }
        }
    }
}

/// Reads `Authorization: Bearer …`.
pub(crate) fn bearer(headers: &axum::http::HeaderMap) -> Option<&str> {
    headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

/// A JSON error response `{ "error": code, "message": … }`.
pub(crate) fn error_response(
    status: axum::http::StatusCode,
    code: &str,
    message: impl Into<String>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    (
        status,
        axum::Json(serde_json::json!({ "error": code, "message": message.into() })),
    )
        .into_response()
}

/// Escapes text for HTML.
pub(crate) fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

pub(crate) fn fault_fires(flag: &AtomicBool) -> bool {
    flag.swap(false, Ordering::SeqCst)
}
