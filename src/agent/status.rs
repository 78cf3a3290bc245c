//! The agent's local status page on 127.0.0.1 (what a clinic's staff or a support desk
//! opens on the phone or the PC): connection, terminal health, the last face events
//! (file names and states only: no names, numbers or birthdates), version. `/status.json`
//! gives the same for tools.

use super::{AgentStatus, LinkState, Shared};
use crate::cloud::protocol::TerminalState;
use axum::Router;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Json};
use axum::routing::get;
use std::sync::Arc;

fn snapshot(shared: &Shared) -> AgentStatus {
    let mut s = shared
        .status
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    s.outbox = shared.outbox.len();
    s
}

pub(crate) async fn serve(shared: Arc<Shared>, listener: tokio::net::TcpListener) {
    let app = Router::new()
        .route("/", get(page))
        .route("/status.json", get(json))
        .with_state(shared);
    if let Err(e) = axum::serve(listener, app).await {
        tracing::error!(error = %e, "status page stopped");
    }
}

async fn json(State(shared): State<Arc<Shared>>) -> impl IntoResponse {
    Json(snapshot(&shared))
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn ago(now: i64, t: i64) -> String {
    let s = (now - t).max(0) / 1000;
    if s < 60 {
        format!("{s} 秒前")
    } else if s < 3600 {
        format!("{} 分前", s / 60)
    } else {
        format!("{} 時間前", s / 3600)
    }
}

async fn page(State(shared): State<Arc<Shared>>) -> impl IntoResponse {
    let s = snapshot(&shared);
    let now = super::unix_ms();
    let (cls, conn) = match s.state {
        LinkState::Connected => ("ok", "クラウドに接続しています"),
        LinkState::Starting => ("warn", "接続しています…"),
        LinkState::Reconnecting => ("bad", "クラウドに接続できません（再接続中）"),
        LinkState::Refused => (
            "bad",
            "クラウドが接続を拒否しました（登録の取り消し・期限切れ）。登録し直してください",
        ),
    };
    let (tcls, terminal) = match s.health.as_ref().map(|h| h.terminal) {
        None => ("warn", "確認中"),
        Some(TerminalState::Ok) => ("ok", "正常"),
        Some(TerminalState::Warning) => ("warn", "注意があります"),
        Some(TerminalState::LinkProgramDown) => (
            "bad",
            "資格確認端末の連携アプリケーションが応答していません",
        ),
        Some(TerminalState::FolderMisconfigured) => {
            ("bad", "共有フォルダ（req/res/face）に接続できません")
        }
    };
    let findings: String = s
        .health
        .iter()
        .flat_map(|h| h.findings.iter())
        .filter(|f| f.severity != "ok")
        .map(|f| {
            format!(
                "<li>{}{}</li>",
                esc(&f.message_ja),
                f.advice_ja
                    .as_deref()
                    .map(|a| format!("<br><small>→ {}</small>", esc(a)))
                    .unwrap_or_default()
            )
        })
        .collect();
    let events: String = s
        .events
        .iter()
        .map(|e| {
            format!(
                "<tr><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
                ago(now, e.taken_ms),
                esc(&e.key),
                if e.readable {
                    "読取可"
                } else {
                    "読取不可"
                },
                if e.acknowledged {
                    "送信済"
                } else {
                    "送信待ち"
                }
            )
        })
        .collect();
    Html(format!(
        "<!doctype html><html lang=\"ja\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta http-equiv=\"refresh\" content=\"5\">\
<title>onshi agent 状態</title><style>body{{font-family:system-ui,'Noto Sans CJK JP',sans-serif;margin:1em;max-width:52em;color:#222}}\
.ok{{color:#0a6b2a}}.warn{{color:#9a6700}}.bad{{color:#b00020}}h2{{font-size:1.05em;margin-top:1.4em}}\
table{{border-collapse:collapse;width:100%}}td,th{{border:1px solid #ccc;padding:.3em .5em;text-align:left}}small{{color:#555}}\
.big{{font-size:1.2em;font-weight:bold}}</style></head><body>\
<h1>onshi agent <small>v{}</small></h1>\
<h2>クラウド（{}）</h2><p id=\"connection\" class=\"big {cls}\" data-state=\"{}\">{conn}</p>\
<p><small>医療機関 {} · エージェント {} · 通信方式 {} · 時刻のずれ {} · 接続試行 {} 回{}</small></p>\
<h2>資格確認端末</h2><p id=\"terminal\" class=\"big {tcls}\">{terminal}</p><ul>{findings}</ul>\
<h2>顔認証の結果（最新 20 件・個人情報は表示しません）</h2><p>送信待ち {} 件</p>\
<table id=\"events\"><thead><tr><th>受信</th><th>ファイル</th><th>内容</th><th>クラウド</th></tr></thead><tbody>{events}</tbody></table>\
</body></html>",
        esc(&s.version),
        esc(&s.relay),
        serde_json::to_value(s.state)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default(),
        esc(&s.clinic_id),
        esc(&s.agent_id),
        match s.transport {
            Some(super::Transport::WebSocket) => "WebSocket",
            Some(super::Transport::LongPoll) => "ロングポーリング",
            None => "—",
        },
        s.clock_skew_ms
            .map(|m| format!("{} 秒", m / 1000))
            .unwrap_or("—".into()),
        s.attempts,
        s.last_error
            .as_deref()
            .map(|e| format!("<br>最後のエラー: {}", esc(e)))
            .unwrap_or_default(),
        s.outbox,
    ))
}
