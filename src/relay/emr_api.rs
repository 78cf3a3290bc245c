//! The EMR's side of the relay (`/v1/…`): commands, face events (list, SSE stream),
//! webhooks and the clinic's status. Every handler is scoped to the clinic of the API key.

use super::bus::Notice;
use super::status::clinic_status;
use super::store::{CommandRow, StoredEvent, now_ms};
use super::{Inner, bearer, error_response};
use crate::cloud::protocol::{self, Command};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Duration;

pub(crate) fn routes(inner: Arc<Inner>) -> Router {
    let limit = inner.config.emr_body_limit;
    Router::new()
        .route("/v1/status", get(status))
        .route("/v1/commands", post(submit))
        .route("/v1/commands/{id}", get(command))
        .route("/v1/events", get(events))
        .route("/v1/events/stream", get(stream))
        .route("/v1/webhooks", post(add_webhook).get(list_webhooks))
        .route("/v1/webhooks/{id}", delete(remove_webhook))
        .layer(DefaultBodyLimit::max(limit))
        .with_state(inner)
}

fn storage(e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "storage error");
    error_response(
        StatusCode::SERVICE_UNAVAILABLE,
        "storage",
        "the relay's storage failed",
    )
}

/// The clinic of the request's API key, after the rate limit.
async fn clinic(inner: &Inner, headers: &HeaderMap) -> Result<String, Response> {
    let Some(key) = bearer(headers) else {
        return Err(error_response(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "missing API key (Authorization: Bearer …)",
        ));
    };
    let clinic = match inner.store.clinic_by_emr_key(key).await {
        Ok(Some(c)) => c,
        Ok(None) => {
            return Err(error_response(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "unknown API key",
            ));
        }
        Err(e) => return Err(storage(e)),
    };
    if !inner.emr_limiter.take(&clinic, 1.0) {
        return Err(error_response(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "too many requests for this clinic",
        ));
    }
    Ok(clinic)
}

async fn status(State(inner): State<Arc<Inner>>, headers: HeaderMap) -> Response {
    let clinic = match clinic(&inner, &headers).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let name = inner
        .store
        .clinic_name(&clinic)
        .await
        .ok()
        .flatten()
        .unwrap_or_default();
    match inner.store.agents_of(&clinic).await {
        Ok(agents) => Json(clinic_status(&clinic, &name, &agents, now_ms())).into_response(),
        Err(e) => storage(e),
    }
}

/// `POST /v1/commands` body.
#[derive(Deserialize)]
struct SubmitRequest {
    command: Command,
}

/// A command as the EMR sees it.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct CommandView {
    /// Its id.
    pub id: String,
    /// `query`, `bulk` …
    pub op: String,
    /// `queued`, `sent`, `done` or `failed`.
    pub state: String,
    /// Bulk progress.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub progress: Option<serde_json::Value>,
    /// The outcome ([`crate::cloud::protocol::CommandOutcome`]) once done or failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<serde_json::Value>,
    /// Created (Unix ms).
    pub created_ms: i64,
    /// Last change (Unix ms).
    pub updated_ms: i64,
}

fn view(c: CommandRow) -> CommandView {
    CommandView {
        id: c.id,
        op: c.op,
        state: c.state,
        progress: c.progress.and_then(|p| serde_json::from_str(&p).ok()),
        outcome: c.outcome.and_then(|o| serde_json::from_str(&o).ok()),
        created_ms: c.created_ms,
        updated_ms: c.updated_ms,
    }
}

async fn submit(
    State(inner): State<Arc<Inner>>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let clinic = match clinic(&inner, &headers).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let req: SubmitRequest = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => {
            return error_response(
                StatusCode::UNPROCESSABLE_ENTITY,
                "bad_command",
                format!("not a command at line {}, column {}", e.line(), e.column()),
            );
        }
    };
    let idem = match headers.get("idempotency-key").map(|v| v.to_str()) {
        None => None,
        Some(Ok(k)) if protocol::valid_key(k) => Some(k.to_string()),
        Some(_) => {
            return error_response(
                StatusCode::BAD_REQUEST,
                "bad_idempotency_key",
                "Idempotency-Key: 1-200 characters of A-Z a-z 0-9 _ - .",
            );
        }
    };
    let body = protocol::encode(&req.command);
    match inner
        .store
        .insert_command(&clinic, idem.as_deref(), req.command.op(), &body)
        .await
    {
        Ok((id, new)) => {
            if new {
                inner
                    .bus
                    .publish(Notice::Command {
                        clinic: clinic.clone(),
                    })
                    .await;
            }
            match inner.store.command(&clinic, &id).await {
                Ok(Some(c)) => (
                    if new {
                        StatusCode::ACCEPTED
                    } else {
                        StatusCode::OK
                    },
                    Json(view(c)),
                )
                    .into_response(),
                Ok(None) => error_response(StatusCode::NOT_FOUND, "not_found", "no such command"),
                Err(e) => storage(e),
            }
        }
        Err(e) => storage(e),
    }
}

/// `?wait=` seconds.
#[derive(Deserialize)]
struct WaitQuery {
    #[serde(default)]
    wait: Option<u64>,
}

async fn command(
    State(inner): State<Arc<Inner>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<WaitQuery>,
) -> Response {
    let clinic = match clinic(&inner, &headers).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let wait = match q.wait.unwrap_or(0) {
        w if w > 30 => {
            return error_response(
                StatusCode::BAD_REQUEST,
                "bad_request",
                "wait: at most 30 seconds",
            );
        }
        w => Duration::from_secs(w).min(inner.config.max_wait),
    };
    let deadline = tokio::time::Instant::now() + wait;
    let mut rx = inner.bus.subscribe();
    loop {
        let c = match inner.store.command(&clinic, &id).await {
            Ok(Some(c)) => c,
            Ok(None) => {
                return error_response(StatusCode::NOT_FOUND, "not_found", "no such command");
            }
            Err(e) => return storage(e),
        };
        let open = c.state == "queued" || c.state == "sent";
        if !open || tokio::time::Instant::now() >= deadline {
            return Json(view(c)).into_response();
        }
        // Wake on this command's notice, or recheck each second.
        let until = deadline.min(tokio::time::Instant::now() + Duration::from_secs(1));
        loop {
            match tokio::time::timeout_at(until, rx.recv()).await {
                Ok(Ok(Notice::Result { id: nid, .. })) if nid == id => break,
                Ok(Ok(_)) => continue,
                _ => break,
            }
        }
    }
}

/// `GET /v1/events` query.
#[derive(Deserialize)]
struct EventsQuery {
    #[serde(default)]
    after: Option<i64>,
    #[serde(default)]
    limit: Option<i64>,
}

/// A face event as the EMR receives it.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct EventView {
    /// Sequence number (the SSE id; pass it back as `after` or `Last-Event-ID`).
    pub seq: i64,
    /// Idempotency key (the face file name): the same event may come more than once.
    pub key: String,
    /// When the agent took the file (Unix ms, agent clock).
    pub taken_ms: i64,
    /// When the relay stored it (Unix ms).
    pub stored_ms: i64,
    /// The [`crate::cloud::protocol::FacePayload`].
    pub payload: serde_json::Value,
}

pub(crate) fn event_view(e: StoredEvent) -> EventView {
    EventView {
        seq: e.seq,
        key: e.key,
        taken_ms: e.taken_ms,
        stored_ms: e.stored_ms,
        payload: serde_json::from_str(&e.payload).unwrap_or(serde_json::Value::Null),
    }
}

async fn events(
    State(inner): State<Arc<Inner>>,
    headers: HeaderMap,
    Query(q): Query<EventsQuery>,
) -> Response {
    let clinic = match clinic(&inner, &headers).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let limit = q.limit.unwrap_or(100).clamp(1, 1000);
    match inner
        .store
        .events_after(&clinic, q.after.unwrap_or(0).max(0), limit)
        .await
    {
        Ok(ev) => {
            let list: Vec<EventView> = ev.into_iter().map(event_view).collect();
            Json(serde_json::json!({ "events": list })).into_response()
        }
        Err(e) => storage(e),
    }
}

async fn stream(
    State(inner): State<Arc<Inner>>,
    headers: HeaderMap,
    Query(q): Query<EventsQuery>,
) -> Response {
    let clinic = match clinic(&inner, &headers).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let from_header = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|s| s.trim().parse::<i64>().ok());
    let after = from_header.or(q.after).unwrap_or(0).max(0);
    let rx = inner.bus.subscribe();
    struct St {
        inner: Arc<Inner>,
        clinic: String,
        after: i64,
        rx: tokio::sync::broadcast::Receiver<Notice>,
        buf: std::collections::VecDeque<StoredEvent>,
    }
    let st = St {
        inner,
        clinic,
        after,
        rx,
        buf: Default::default(),
    };
    let s = futures_util::stream::unfold(st, |mut st| async move {
        loop {
            if let Some(e) = st.buf.pop_front() {
                st.after = e.seq;
                let seq = e.seq;
                let data = protocol::encode(&event_view(e));
                let ev = Event::default()
                    .id(seq.to_string())
                    .event("face")
                    .data(data);
                return Some((Ok::<Event, std::convert::Infallible>(ev), st));
            }
            match st.inner.store.events_after(&st.clinic, st.after, 256).await {
                Ok(v) if !v.is_empty() => {
                    st.buf.extend(v);
                    continue;
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "SSE: cannot read events"),
            }
            // Wait for a notice for this clinic, or recheck after 2 s.
            let until = tokio::time::Instant::now() + Duration::from_secs(2);
            loop {
                match tokio::time::timeout_at(until, st.rx.recv()).await {
                    Ok(Ok(Notice::Event { clinic })) if clinic == st.clinic => break,
                    Ok(Ok(_)) => continue,
                    Ok(Err(tokio::sync::broadcast::error::RecvError::Lagged(_))) => break,
                    Ok(Err(_)) => return None,
                    Err(_) => break,
                }
            }
        }
    });
    Sse::new(s)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}

/// `POST /v1/webhooks` body.
#[derive(Deserialize)]
struct WebhookRequest {
    url: String,
}

fn valid_webhook_url(u: &str) -> bool {
    match reqwest::Url::parse(u) {
        Ok(url) => {
            (url.scheme() == "https" || url.scheme() == "http")
                && url.host_str().is_some()
                && url.username().is_empty()
                && u.len() <= 2000
        }
        Err(_) => false,
    }
}

async fn add_webhook(
    State(inner): State<Arc<Inner>>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let clinic = match clinic(&inner, &headers).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let req: WebhookRequest = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(_) => {
            return error_response(
                StatusCode::UNPROCESSABLE_ENTITY,
                "bad_webhook",
                "expected {\"url\": …}",
            );
        }
    };
    if !valid_webhook_url(&req.url) {
        return error_response(
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_webhook",
            "the url must be http(s)://host/… without credentials",
        );
    }
    let secret = super::store::random_token("whsec_");
    match inner.store.add_webhook(&clinic, &req.url, &secret).await {
        Ok(id) => (
            StatusCode::CREATED,
            Json(serde_json::json!({ "id": id, "url": req.url, "secret": secret })),
        )
            .into_response(),
        Err(e) => storage(e),
    }
}

async fn list_webhooks(State(inner): State<Arc<Inner>>, headers: HeaderMap) -> Response {
    let clinic = match clinic(&inner, &headers).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    match inner.store.webhooks(&clinic).await {
        Ok(w) => {
            let list: Vec<serde_json::Value> = w
                .into_iter()
                .map(|w| serde_json::json!({ "id": w.id, "url": w.url }))
                .collect();
            Json(serde_json::json!({ "webhooks": list })).into_response()
        }
        Err(e) => storage(e),
    }
}

async fn remove_webhook(
    State(inner): State<Arc<Inner>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let clinic = match clinic(&inner, &headers).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    match inner.store.remove_webhook(&clinic, &id).await {
        Ok(true) => StatusCode::NO_CONTENT.into_response(),
        Ok(false) => error_response(StatusCode::NOT_FOUND, "not_found", "no such webhook"),
        Err(e) => storage(e),
    }
}
