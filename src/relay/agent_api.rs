//! The agents' side of the relay: enrolment, rotation, the WebSocket and the long-polling
//! fallback. Both transports share [`handle_frame`].

use super::bus::Notice;
use super::store::{AgentAuth, AuthFailure, now_ms};
use super::{Inner, Session, bearer, error_response, fault_fires};
use crate::cloud::protocol::{
    self, AgentFrame, CommandOutcome, ErrorCode, ExchangeResponse, PROTOCOL_VERSION, RelayFrame,
};
use axum::extract::ws::{Message as WsMessage, WebSocket, WebSocketUpgrade};
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};
use tokio::sync::{Mutex as AsyncMutex, Notify, mpsc};

pub(crate) fn routes(inner: Arc<Inner>) -> Router {
    let limit = inner.config.limits.max_frame_bytes + 1024;
    Router::new()
        .route("/agent/v1/enrol", post(enrol))
        .route("/agent/v1/rotate", post(rotate))
        .route("/agent/v1/connect", get(connect))
        .route("/agent/v1/exchange", post(exchange))
        .layer(DefaultBodyLimit::max(limit))
        .with_state(inner)
}

/// `POST /agent/v1/enrol` body.
#[derive(Deserialize)]
struct EnrolRequest {
    code: String,
}

/// A credential handed to an agent (enrolment and rotation).
#[derive(Serialize, Deserialize)]
pub struct CredentialResponse {
    /// The agent.
    pub agent_id: String,
    /// Its clinic.
    pub clinic_id: String,
    /// The secret.
    pub credential: String,
    /// Expiry (Unix ms, relay clock).
    pub expires_ms: i64,
    /// The relay's clock (Unix ms).
    pub server_ms: i64,
}

fn internal(e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "storage error");
    error_response(
        StatusCode::SERVICE_UNAVAILABLE,
        "storage",
        "the relay's storage failed",
    )
}

async fn enrol(State(inner): State<Arc<Inner>>, body: axum::body::Bytes) -> Response {
    let Ok(req) = serde_json::from_slice::<EnrolRequest>(&body) else {
        return error_response(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "expected {\"code\": …}",
        );
    };
    // Codes are guessed offline only: 16 characters of 32 symbols. Still, limit attempts.
    if !inner.agent_limiter.take("enrol", 1.0) {
        return error_response(StatusCode::TOO_MANY_REQUESTS, "rate_limited", "slow down");
    }
    match inner
        .store
        .enrol(&req.code, inner.config.credential_ttl)
        .await
    {
        Ok(Some(c)) => {
            tracing::info!(agent = %c.agent_id, clinic = %c.clinic_id, "agent enrolled");
            Json(CredentialResponse {
                agent_id: c.agent_id,
                clinic_id: c.clinic_id,
                credential: c.credential.to_string(),
                expires_ms: c.expires_ms,
                server_ms: now_ms(),
            })
            .into_response()
        }
        Ok(None) => error_response(
            StatusCode::UNAUTHORIZED,
            "invalid_code",
            "the enrolment code is unknown, used or expired",
        ),
        Err(e) => internal(e),
    }
}

fn auth_error(f: AuthFailure) -> Response {
    let (code, msg) = match f {
        AuthFailure::Unknown => ("unauthorized", "unknown credential"),
        AuthFailure::Revoked => ("revoked", "this agent was revoked: enrol again"),
        AuthFailure::Expired => ("expired", "the credential expired: enrol again"),
    };
    error_response(StatusCode::UNAUTHORIZED, code, msg)
}

async fn authenticate(inner: &Inner, headers: &HeaderMap) -> Result<AgentAuth, Response> {
    let Some(token) = bearer(headers) else {
        return Err(auth_error(AuthFailure::Unknown));
    };
    match inner.store.authenticate_agent(token, now_ms()).await {
        Ok(Ok(a)) => Ok(a),
        Ok(Err(f)) => Err(auth_error(f)),
        Err(e) => Err(internal(e)),
    }
}

async fn rotate(State(inner): State<Arc<Inner>>, headers: HeaderMap) -> Response {
    let auth = match authenticate(&inner, &headers).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    match inner.store.rotate(&auth, inner.config.credential_ttl).await {
        Ok(c) => {
            tracing::info!(agent = %c.agent_id, "agent credential rotated");
            Json(CredentialResponse {
                agent_id: c.agent_id,
                clinic_id: c.clinic_id,
                credential: c.credential.to_string(),
                expires_ms: c.expires_ms,
                server_ms: now_ms(),
            })
            .into_response()
        }
        Err(e) => internal(e),
    }
}

/// Checks, at each frame, that the agent is still allowed (revocation takes effect at the
/// next frame).
async fn still_valid(inner: &Inner, auth: &AgentAuth) -> Result<(), ErrorCode> {
    match inner.store.agent(&auth.agent_id).await {
        Ok(Some(a)) if a.revoked_ms.is_some() => Err(ErrorCode::Revoked),
        Ok(Some(a)) if a.cred_expires_ms <= now_ms() && auth.expires_ms <= now_ms() => {
            Err(ErrorCode::Expired)
        }
        Ok(Some(_)) => Ok(()),
        Ok(None) => Err(ErrorCode::Unauthorized),
        // A storage hiccup is not the agent's fault: let the frame's own handling fail.
        Err(_) => Ok(()),
    }
}

/// What handling a frame produced.
#[allow(clippy::large_enum_variant)] // one per frame, moved once
pub(crate) enum Handled {
    /// Frames to send back.
    Reply(Vec<RelayFrame>),
    /// Close the connection (refusal or injected fault).
    Close(Option<RelayFrame>),
}

/// Handles one frame of an authenticated agent (both transports).
pub(crate) async fn handle_frame(inner: &Inner, auth: &AgentAuth, frame: AgentFrame) -> Handled {
    if !inner.agent_limiter.take(&auth.agent_id, 1.0) {
        return Handled::Close(Some(RelayFrame::Error {
            code: ErrorCode::RateLimited,
            message: "too many frames: slow down".into(),
        }));
    }
    if let Err(code) = still_valid(inner, auth).await {
        return Handled::Close(Some(RelayFrame::Error {
            code,
            message: "credential no longer valid".into(),
        }));
    }
    match frame {
        AgentFrame::Hello { .. } => Handled::Reply(Vec::new()),
        AgentFrame::Face {
            key,
            taken_ms,
            payload,
        } => {
            let body = protocol::encode(&payload);
            match inner
                .store
                .store_event(&auth.clinic_id, &key, &body, taken_ms)
                .await
            {
                Ok((_, new)) => {
                    if new {
                        inner
                            .bus
                            .publish(Notice::Event {
                                clinic: auth.clinic_id.clone(),
                            })
                            .await;
                    }
                    if fault_fires(&inner.config.faults.drop_after_store) {
                        return Handled::Close(None);
                    }
                    Handled::Reply(vec![RelayFrame::Ack { keys: vec![key] }])
                }
                // Not stored: no ack, the agent resends.
                Err(e) => {
                    tracing::warn!(error = %e, "face event not stored");
                    Handled::Reply(Vec::new())
                }
            }
        }
        AgentFrame::Progress {
            command_id,
            progress,
        } => {
            let p = protocol::encode(&progress);
            if let Ok(true) = inner
                .store
                .set_progress(&auth.clinic_id, &command_id, &p)
                .await
            {
                inner
                    .bus
                    .publish(Notice::Result {
                        clinic: auth.clinic_id.clone(),
                        id: command_id,
                    })
                    .await;
            }
            Handled::Reply(Vec::new())
        }
        AgentFrame::Result {
            command_id,
            outcome,
        } => {
            let state = if matches!(outcome, CommandOutcome::Failed { .. }) {
                "failed"
            } else {
                "done"
            };
            let o = protocol::encode(&outcome);
            match inner
                .store
                .set_outcome(&auth.clinic_id, &command_id, state, &o)
                .await
            {
                Ok(found) => {
                    if found {
                        inner
                            .bus
                            .publish(Notice::Result {
                                clinic: auth.clinic_id.clone(),
                                id: command_id.clone(),
                            })
                            .await;
                    } else {
                        tracing::warn!(agent = %auth.agent_id, "result for a command of no such id in its clinic");
                    }
                    // Acknowledged either way: resending cannot make it belong.
                    Handled::Reply(vec![RelayFrame::ResultAck { command_id }])
                }
                Err(e) => {
                    tracing::warn!(error = %e, "result not stored");
                    Handled::Reply(Vec::new())
                }
            }
        }
        AgentFrame::Heartbeat { health, clock_ms } => {
            let h = protocol::encode(&health);
            let _ = inner
                .store
                .store_health(&auth.agent_id, &h, clock_ms - now_ms())
                .await;
            Handled::Reply(Vec::new())
        }
    }
}

fn welcome(auth: &AgentAuth) -> RelayFrame {
    RelayFrame::Welcome {
        protocol: PROTOCOL_VERSION,
        agent_id: auth.agent_id.clone(),
        clinic_id: auth.clinic_id.clone(),
        server_ms: now_ms(),
        credential_expires_ms: auth.expires_ms,
    }
}

/// Validates a hello; returns the refusal when the version differs.
async fn hello(inner: &Inner, auth: &AgentAuth, frame: &AgentFrame) -> Result<(), RelayFrame> {
    let AgentFrame::Hello {
        protocol,
        agent_version,
        clock_ms,
    } = frame
    else {
        return Err(RelayFrame::Error {
            code: ErrorCode::BadFrame,
            message: "the first frame must be hello".into(),
        });
    };
    if *protocol != PROTOCOL_VERSION {
        return Err(RelayFrame::Error {
            code: ErrorCode::UnsupportedVersion,
            message: format!("this relay speaks protocol {PROTOCOL_VERSION}"),
        });
    }
    let version: String = agent_version.chars().take(64).collect();
    let _ = inner
        .store
        .agent_hello(&auth.agent_id, &version, clock_ms - now_ms())
        .await;
    tracing::info!(agent = %auth.agent_id, clinic = %auth.clinic_id, version = %version, "agent connected");
    Ok(())
}

// ---------------------------------------------------------------------------- WebSocket

async fn connect(
    State(inner): State<Arc<Inner>>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    let auth = match authenticate(&inner, &headers).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let max = inner.config.limits.max_frame_bytes;
    ws.max_message_size(max)
        .max_frame_size(max)
        .on_upgrade(move |socket| ws_session(inner, auth, socket))
}

async fn send_ws(socket: &mut WebSocket, f: &RelayFrame) -> bool {
    socket
        .send(WsMessage::Text(protocol::encode(f).into()))
        .await
        .is_ok()
}

async fn ws_session(inner: Arc<Inner>, auth: AgentAuth, mut socket: WebSocket) {
    let limits = inner.config.limits;
    // The first frame: hello, within 10 s.
    let first = tokio::time::timeout(Duration::from_secs(10), socket.recv()).await;
    let frame = match first {
        Ok(Some(Ok(WsMessage::Text(t)))) => protocol::decode_agent_frame(t.as_bytes(), &limits),
        _ => return,
    };
    let frame = match frame {
        Ok(f) => f,
        Err(e) => {
            let _ = send_ws(
                &mut socket,
                &RelayFrame::Error {
                    code: ErrorCode::BadFrame,
                    message: e.to_string(),
                },
            )
            .await;
            return;
        }
    };
    if let Err(refusal) = hello(&inner, &auth, &frame).await {
        let _ = send_ws(&mut socket, &refusal).await;
        return;
    }
    if !send_ws(&mut socket, &welcome(&auth)).await {
        return;
    }
    let grace = inner.config.agent_grace.as_millis() as i64;
    let _ = inner
        .store
        .touch_agent(&auth.agent_id, now_ms() + grace)
        .await;
    let close = Arc::new(Notify::new());
    let (session, mut rx) = Session::new(
        inner.next_session.fetch_add(1, Ordering::Relaxed),
        &auth.agent_id,
        close.clone(),
    );
    inner.register(&auth.clinic_id, session.clone());
    inner.dispatch(&auth.clinic_id, Some(&session), true).await;
    let mut last_touch = Instant::now();
    loop {
        tokio::select! {
            _ = close.notified() => {
                while let Ok(f) = rx.try_recv() {
                    if !send_ws(&mut socket, &f).await { break; }
                }
                break;
            }
            out = rx.recv() => {
                let Some(f) = out else { break };
                if !send_ws(&mut socket, &f).await { break; }
            }
            msg = tokio::time::timeout(inner.config.agent_grace, socket.recv()) => {
                let msg = match msg {
                    Err(_) => break, // nothing, not even a heartbeat, within the grace period
                    Ok(None) | Ok(Some(Err(_))) => break,
                    Ok(Some(Ok(m))) => m,
                };
                let text = match msg {
                    WsMessage::Text(t) => t,
                    WsMessage::Binary(_) => {
                        let _ = send_ws(&mut socket, &RelayFrame::Error { code: ErrorCode::BadFrame, message: "binary frames are not part of the protocol".into() }).await;
                        break;
                    }
                    WsMessage::Close(_) => break,
                    _ => continue,
                };
                let frame = match protocol::decode_agent_frame(text.as_bytes(), &limits) {
                    Ok(f) => f,
                    Err(e) => {
                        tracing::warn!(agent = %auth.agent_id, error = %e, "bad frame");
                        let _ = send_ws(&mut socket, &RelayFrame::Error { code: ErrorCode::BadFrame, message: e.to_string() }).await;
                        break;
                    }
                };
                if last_touch.elapsed() > Duration::from_secs(1) {
                    last_touch = Instant::now();
                    let _ = inner.store.touch_agent(&auth.agent_id, now_ms() + grace).await;
                }
                match handle_frame(&inner, &auth, frame).await {
                    Handled::Reply(frames) => {
                        let mut ok = true;
                        for f in frames {
                            if !send_ws(&mut socket, &f).await { ok = false; break; }
                        }
                        if !ok { break; }
                    }
                    Handled::Close(f) => {
                        if let Some(f) = f { let _ = send_ws(&mut socket, &f).await; }
                        break;
                    }
                }
            }
        }
    }
    // Commands written to this socket without a result go back to `queued` before the
    // clinic shows its agent down.
    inner.end_session(&auth.clinic_id, &session).await;
    drop(rx);
    if inner.sessions_of(&auth.clinic_id).is_empty() {
        let _ = inner.store.touch_agent(&auth.agent_id, now_ms()).await;
    }
    tracing::info!(agent = %auth.agent_id, "agent disconnected");
}

// ---------------------------------------------------------------------------- long polling

/// A long-polling session: the queue of frames for the agent, between exchanges.
pub(crate) struct PollSession {
    session: Session,
    clinic: String,
    rx: AsyncMutex<mpsc::UnboundedReceiver<RelayFrame>>,
    last: std::sync::Mutex<Instant>,
}

/// Long-polling sessions by agent id.
#[derive(Default)]
pub(crate) struct PollSessions {
    map: std::sync::Mutex<HashMap<String, Arc<PollSession>>>,
}

/// Ends long-polling sessions idle longer than the grace period.
pub(crate) async fn sweep_polls(inner: Arc<Inner>) {
    let mut tick = tokio::time::interval(Duration::from_secs(2));
    loop {
        tick.tick().await;
        let grace = inner.config.agent_grace;
        let dead: Vec<Arc<PollSession>> = {
            let mut m = inner.polls.map.lock().unwrap_or_else(|p| p.into_inner());
            let dead: Vec<String> = m
                .iter()
                .filter(|(_, s)| {
                    s.last.lock().unwrap_or_else(|p| p.into_inner()).elapsed() > grace
                        || s.session.close.clone().notified().now_or_never_closed()
                })
                .map(|(k, _)| k.clone())
                .collect();
            dead.iter().filter_map(|k| m.remove(k)).collect()
        };
        for s in dead {
            inner.end_session(&s.clinic, &s.session).await;
        }
    }
}

trait NowOrNever {
    fn now_or_never_closed(self) -> bool;
}

impl<F: std::future::Future<Output = ()>> NowOrNever for F {
    /// `true` when the notification was already pending (the session was told to close).
    fn now_or_never_closed(self) -> bool {
        use futures_util::FutureExt;
        self.now_or_never().is_some()
    }
}

/// Ends a long-polling session whose held request was dropped (see [`exchange`]).
struct Abandoned {
    inner: Option<Arc<Inner>>,
    agent: String,
    ps: Arc<PollSession>,
}

impl Abandoned {
    fn disarm(mut self) {
        self.inner = None;
    }
}

impl Drop for Abandoned {
    fn drop(&mut self) {
        let Some(inner) = self.inner.take() else {
            return;
        };
        let Ok(rt) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let (agent, ps) = (std::mem::take(&mut self.agent), self.ps.clone());
        rt.spawn(async move {
            // Only if it is still the agent's session (a hello may have replaced it).
            let current = {
                let mut m = inner.polls.map.lock().unwrap_or_else(|p| p.into_inner());
                match m.get(&agent) {
                    Some(s) if Arc::ptr_eq(s, &ps) => m.remove(&agent),
                    _ => None,
                }
            };
            let Some(ps) = current else { return };
            inner.end_session(&ps.clinic, &ps.session).await;
            if inner.sessions_of(&ps.clinic).is_empty() {
                let _ = inner.store.touch_agent(&agent, now_ms()).await;
            }
            tracing::info!(agent = %agent, "long poll abandoned: session ended");
        });
    }
}

async fn exchange(
    State(inner): State<Arc<Inner>>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let auth = match authenticate(&inner, &headers).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let req = match protocol::decode_exchange_request(&body, &inner.config.limits) {
        Ok(r) => r,
        Err(e) => return error_response(StatusCode::BAD_REQUEST, "bad_frame", e.to_string()),
    };
    let mut out = Vec::new();
    let mut frames = req.frames.into_iter().peekable();
    let grace = inner.config.agent_grace.as_millis() as i64;
    // A hello (re)starts the session.
    if let Some(first @ AgentFrame::Hello { .. }) = frames.peek() {
        if let Err(refusal) = hello(&inner, &auth, first).await {
            return Json(ExchangeResponse {
                frames: vec![refusal],
            })
            .into_response();
        }
        frames.next();
        let (session, rx) = Session::new(
            inner.next_session.fetch_add(1, Ordering::Relaxed),
            &auth.agent_id,
            Arc::new(Notify::new()),
        );
        let ps = Arc::new(PollSession {
            session: session.clone(),
            clinic: auth.clinic_id.clone(),
            rx: AsyncMutex::new(rx),
            last: std::sync::Mutex::new(Instant::now()),
        });
        let old = inner
            .polls
            .map
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(auth.agent_id.clone(), ps);
        // The old session's commands are queued again, then all go to the new one.
        if let Some(old) = old {
            inner.end_session(&old.clinic, &old.session).await;
        }
        inner.register(&auth.clinic_id, session.clone());
        out.push(welcome(&auth));
        inner.dispatch(&auth.clinic_id, Some(&session), true).await;
    }
    let ps = inner
        .polls
        .map
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get(&auth.agent_id)
        .cloned();
    let Some(ps) = ps else {
        return error_response(
            StatusCode::CONFLICT,
            "hello_required",
            "no session: start with a hello frame",
        );
    };
    *ps.last.lock().unwrap_or_else(|p| p.into_inner()) = Instant::now();
    let _ = inner
        .store
        .touch_agent(&auth.agent_id, now_ms() + grace)
        .await;
    for f in frames {
        match handle_frame(&inner, &auth, f).await {
            Handled::Reply(r) => out.extend(r),
            Handled::Close(f) => {
                out.extend(f);
                let old = inner
                    .polls
                    .map
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .remove(&auth.agent_id);
                if let Some(old) = old {
                    inner.end_session(&old.clinic, &old.session).await;
                }
                return Json(ExchangeResponse { frames: out }).into_response();
            }
        }
    }
    // Queued frames; wait for some when there is nothing to say (another exchange may be
    // waiting already: then answer at once).
    if let Ok(mut rx) = ps.rx.try_lock() {
        while let Ok(f) = rx.try_recv() {
            out.push(f);
        }
        if out.is_empty() && req.wait_ms > 0 {
            let wait = Duration::from_millis(req.wait_ms.min(30_000));
            // The agent keeps one poll held; when the request is dropped while held (its
            // connection closed), the agent is gone or starts a new session with a hello:
            // either way this session is over.
            let guard = Abandoned {
                inner: Some(inner.clone()),
                agent: auth.agent_id.clone(),
                ps: ps.clone(),
            };
            if let Ok(Some(f)) = tokio::time::timeout(wait, rx.recv()).await {
                out.push(f);
                while let Ok(f) = rx.try_recv() {
                    out.push(f);
                }
            }
            guard.disarm();
        }
    }
    *ps.last.lock().unwrap_or_else(|p| p.into_inner()) = Instant::now();
    Json(ExchangeResponse { frames: out }).into_response()
}
