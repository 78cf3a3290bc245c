//! Administration: clinics, enrolment codes, revocation (JSON under `/admin/v1`) and the
//! admin page (`/admin`): every clinic with its agent state and terminal health.

use super::bus::Notice;
use super::status::{ClinicStatus, LinkState, clinic_status};
use super::store::{hash_secret, now_ms};
use super::{Inner, bearer, error_response, esc};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use std::sync::Arc;

pub(crate) fn routes(inner: Arc<Inner>) -> Router {
    Router::new()
        .route("/admin", get(page))
        .route("/admin/login", post(login))
        .route("/admin/v1/clinics", post(create_clinic).get(list_clinics))
        .route("/admin/v1/clinics/{id}/enrolment-codes", post(create_code))
        .route("/admin/v1/agents/{id}/revoke", post(revoke))
        .layer(axum::extract::DefaultBodyLimit::max(64 * 1024))
        .with_state(inner)
}

fn cookie_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::COOKIE)?
        .to_str()
        .ok()?
        .split(';')
        .map(str::trim)
        .find_map(|c| c.strip_prefix("onshi_admin="))
}

fn is_admin(inner: &Inner, headers: &HeaderMap) -> bool {
    let Some(expected) = &inner.admin_hash else {
        return false;
    };
    bearer(headers)
        .or_else(|| cookie_token(headers))
        .is_some_and(|t| hash_secret(t) == *expected)
}

fn forbidden() -> Response {
    error_response(
        StatusCode::UNAUTHORIZED,
        "unauthorized",
        "administrator token required",
    )
}

fn valid_clinic_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

#[derive(Deserialize)]
struct NewClinic {
    id: String,
    name: String,
}

async fn create_clinic(
    State(inner): State<Arc<Inner>>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    if !is_admin(&inner, &headers) {
        return forbidden();
    }
    let Ok(c) = serde_json::from_slice::<NewClinic>(&body) else {
        return error_response(
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_request",
            "expected {\"id\": …, \"name\": …}",
        );
    };
    if !valid_clinic_id(&c.id) || c.name.chars().count() > 200 {
        return error_response(
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_request",
            "id: 1-64 of A-Z a-z 0-9 _ -; name: at most 200 characters",
        );
    }
    match inner.store.create_clinic(&c.id, &c.name).await {
        Ok(key) => (
            StatusCode::CREATED,
            Json(serde_json::json!({ "clinic_id": c.id, "api_key": key })),
        )
            .into_response(),
        Err(_) => error_response(
            StatusCode::CONFLICT,
            "exists",
            "a clinic with this id exists",
        ),
    }
}

async fn statuses(inner: &Inner) -> Result<Vec<ClinicStatus>, Response> {
    let clinics = inner.store.clinics().await.map_err(|_| {
        error_response(StatusCode::SERVICE_UNAVAILABLE, "storage", "storage failed")
    })?;
    let now = now_ms();
    let mut out = Vec::new();
    for (id, name) in clinics {
        let agents = inner.store.agents_of(&id).await.map_err(|_| {
            error_response(StatusCode::SERVICE_UNAVAILABLE, "storage", "storage failed")
        })?;
        out.push(clinic_status(&id, &name, &agents, now));
    }
    Ok(out)
}

async fn list_clinics(State(inner): State<Arc<Inner>>, headers: HeaderMap) -> Response {
    if !is_admin(&inner, &headers) {
        return forbidden();
    }
    match statuses(&inner).await {
        Ok(s) => Json(serde_json::json!({ "clinics": s })).into_response(),
        Err(r) => r,
    }
}

async fn create_code(
    State(inner): State<Arc<Inner>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if !is_admin(&inner, &headers) {
        return forbidden();
    }
    match inner.store.clinic_name(&id).await {
        Ok(Some(_)) => {}
        Ok(None) => return error_response(StatusCode::NOT_FOUND, "not_found", "no such clinic"),
        Err(_) => {
            return error_response(StatusCode::SERVICE_UNAVAILABLE, "storage", "storage failed");
        }
    }
    match inner
        .store
        .create_enrolment_code(&id, inner.config.enrolment_code_ttl)
        .await
    {
        Ok((code, expires_ms)) => (
            StatusCode::CREATED,
            Json(serde_json::json!({ "code": code, "expires_ms": expires_ms })),
        )
            .into_response(),
        Err(_) => error_response(StatusCode::SERVICE_UNAVAILABLE, "storage", "storage failed"),
    }
}

async fn revoke(
    State(inner): State<Arc<Inner>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if !is_admin(&inner, &headers) {
        return forbidden();
    }
    match inner.store.revoke(&id).await {
        Ok(true) => {
            inner.bus.publish(Notice::Revoked { agent: id }).await;
            StatusCode::NO_CONTENT.into_response()
        }
        Ok(false) => error_response(StatusCode::NOT_FOUND, "not_found", "no such active agent"),
        Err(_) => error_response(StatusCode::SERVICE_UNAVAILABLE, "storage", "storage failed"),
    }
}

#[derive(Deserialize)]
struct LoginForm {
    token: String,
}

async fn login(State(inner): State<Arc<Inner>>, axum::Form(f): axum::Form<LoginForm>) -> Response {
    let ok = inner
        .admin_hash
        .as_ref()
        .is_some_and(|h| hash_secret(&f.token) == *h);
    if !ok {
        return (StatusCode::UNAUTHORIZED, Html(login_page(true))).into_response();
    }
    // Tokens are [A-Za-z0-9_-]; anything else is refused above by the hash check unless the
    // operator chose such a token, so quote nothing and keep the cookie simple.
    let safe: String = f
        .token
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    (
        [(
            header::SET_COOKIE,
            format!("onshi_admin={safe}; HttpOnly; SameSite=Strict; Path=/admin"),
        )],
        Redirect::to("/admin"),
    )
        .into_response()
}

fn login_page(failed: bool) -> String {
    format!(
        "<!doctype html><html lang=\"ja\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">\
<title>onshi relay 管理</title><style>{CSS}</style></head><body><h1>onshi relay 管理</h1>{}\
<form method=\"post\" action=\"/admin/login\"><label>管理トークン <input id=\"token\" name=\"token\" type=\"password\" autocomplete=\"off\"></label> \
<button id=\"login\" type=\"submit\">ログイン</button></form></body></html>",
        if failed {
            "<p class=\"err\" id=\"login-error\">トークンが違います。</p>"
        } else {
            ""
        }
    )
}

const CSS: &str = "body{font-family:system-ui,'Noto Sans CJK JP',sans-serif;margin:1.5em;color:#222}\
table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;padding:.4em .6em;text-align:left;vertical-align:top}\
th{background:#f3f3f3}.ok{color:#0a6b2a;font-weight:bold}.bad{color:#b00020;font-weight:bold}.warn{color:#9a6700;font-weight:bold}\
.err{color:#b00020}small{color:#666}";

fn class(s: LinkState) -> &'static str {
    match s {
        LinkState::Ok => "ok",
        LinkState::TerminalWarning => "warn",
        _ => "bad",
    }
}

fn when(ms: Option<i64>, now: i64) -> String {
    match ms {
        None => "—".into(),
        Some(t) => {
            let s = (now - t).max(0) / 1000;
            if s < 60 {
                format!("{s} 秒前")
            } else if s < 3600 {
                format!("{} 分前", s / 60)
            } else {
                format!("{} 時間前", s / 3600)
            }
        }
    }
}

async fn page(State(inner): State<Arc<Inner>>, headers: HeaderMap) -> Response {
    if !is_admin(&inner, &headers) {
        return Html(login_page(false)).into_response();
    }
    let list = match statuses(&inner).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let now = now_ms();
    let mut rows = String::new();
    for s in &list {
        let agent = s
            .agent
            .as_ref()
            .map(|a| {
                format!(
                    "{}<br><small>{} · v{} · 最終受信 {}</small>",
                    esc(&a.id),
                    if a.connected {
                        "接続中"
                    } else {
                        "未接続"
                    },
                    esc(a.version.as_deref().unwrap_or("?")),
                    when(a.last_seen_ms, now)
                )
            })
            .unwrap_or_else(|| "—".into());
        let terminal = s
            .terminal
            .as_ref()
            .map(|h| {
                let findings: Vec<String> = h
                    .findings
                    .iter()
                    .filter(|f| f.severity != "ok")
                    .map(|f| esc(&f.message_ja))
                    .collect();
                format!(
                    "{:?}{}<br><small>報告 {}</small>",
                    h.terminal,
                    if findings.is_empty() {
                        String::new()
                    } else {
                        format!("<br>{}", findings.join("<br>"))
                    },
                    when(s.terminal_reported_ms, now)
                )
            })
            .unwrap_or_else(|| "—".into());
        rows.push_str(&format!(
            "<tr data-clinic=\"{}\"><td>{}<br><small>{}</small></td><td class=\"{}\" data-state=\"{}\">{}<br>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&s.clinic_id),
            esc(&s.name),
            esc(&s.clinic_id),
            class(s.state),
            serde_json::to_value(s.state).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default(),
            esc(&format!("{:?}", s.state)),
            esc(&s.message_ja),
            agent,
            terminal
        ));
    }
    Html(format!(
        "<!doctype html><html lang=\"ja\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">\
<meta http-equiv=\"refresh\" content=\"10\"><title>onshi relay 管理</title><style>{CSS}</style></head><body>\
<h1>onshi relay 管理 <small>v{}</small></h1><p>医療機関 {} 件</p>\
<table id=\"clinics\"><thead><tr><th>医療機関</th><th>状態</th><th>連携プログラム</th><th>資格確認端末</th></tr></thead><tbody>{rows}</tbody></table>\
</body></html>",
        env!("CARGO_PKG_VERSION"),
        list.len()
    ))
    .into_response()
}
