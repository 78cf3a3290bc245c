//! What the EMR shows staff about a clinic's link: the seed's FAQ row 19 and its
//! neighbours. A pure function of the stored agent rows and the time.

use super::store::AgentRow;
use crate::cloud::protocol::{Health, TerminalState};
use serde::{Deserialize, Serialize};

/// The row-19 headline: what staff see when the clinic's link program is not running.
pub const AGENT_DOWN_JA: &str = "資格情報の取得に時間がかかっています。時間をおいて予定画面のオンライン資格情報通知をご確認ください";

/// What to check when the agent is down (the seed's guidance for its 連携プログラム).
pub const AGENT_DOWN_GUIDANCE_JA: [&str; 3] = [
    "院内のパソコンで連携プログラム（onshi agent）が起動していない可能性があります。",
    "連携プログラムを動かしているパソコンの電源とネットワークを確認し、サービス「onshi agent」を起動してください（ローカルの状態ページ http://127.0.0.1:8731/ で確認できます）。",
    "パソコンの更新（Windows Update など）の後から連携できなくなった場合は、サポートデスクにお問い合わせください。",
];

/// The overall state of a clinic's link, worst first in this order of checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkState {
    /// No agent was ever enrolled.
    NoAgent,
    /// The agent's credential was revoked: enrol again.
    AgentRevoked,
    /// The agent's credential expired: enrol again.
    CredentialExpired,
    /// The agent is not connected (row 19).
    AgentDown,
    /// The terminal's folders are missing or not writable.
    FolderMisconfigured,
    /// The terminal's 連携アプリケーション does not take requests.
    LinkProgramDown,
    /// Works, with a warning from the health checks.
    TerminalWarning,
    /// Everything works.
    Ok,
}

/// The agent part of a status.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentView {
    /// Agent id.
    pub id: String,
    /// A relay process holds its connection now.
    pub connected: bool,
    /// Last frame received (Unix ms).
    pub last_seen_ms: Option<i64>,
    /// Version it reported.
    pub version: Option<String>,
    /// Its clock minus the relay's (ms).
    pub clock_skew_ms: Option<i64>,
    /// Credential expiry (Unix ms).
    pub credential_expires_ms: i64,
    /// Revoked at (Unix ms).
    pub revoked_ms: Option<i64>,
}

/// A clinic's status for the EMR and the admin page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClinicStatus {
    /// The clinic.
    pub clinic_id: String,
    /// Its name.
    pub name: String,
    /// The state.
    pub state: LinkState,
    /// The headline for staff (Japanese).
    pub message_ja: String,
    /// What to check (Japanese), in order.
    pub guidance_ja: Vec<String>,
    /// The most recently seen agent.
    pub agent: Option<AgentView>,
    /// The terminal's health as last reported by the agent.
    pub terminal: Option<Health>,
    /// When that report came (Unix ms).
    pub terminal_reported_ms: Option<i64>,
    /// The relay's clock (Unix ms).
    pub server_ms: i64,
}

/// Judges a clinic's link at `now` from its agents (most recently seen first).
pub fn clinic_status(clinic_id: &str, name: &str, agents: &[AgentRow], now: i64) -> ClinicStatus {
    let active: Vec<&AgentRow> = agents.iter().filter(|a| a.revoked_ms.is_none()).collect();
    let agent = active.first().copied().or(agents.first());
    let health: Option<Health> = agent
        .and_then(|a| a.health.as_deref())
        .and_then(|h| serde_json::from_str(h).ok());
    let (state, message_ja, guidance_ja): (LinkState, String, Vec<String>) = match agent {
        None => (
            LinkState::NoAgent,
            "連携プログラム（onshi agent）が登録されていません。".into(),
            vec!["管理画面で登録コードを発行し、院内のパソコンで onshi agent enrol を実行してください。".into()],
        ),
        Some(a) if a.revoked_ms.is_some() => (
            LinkState::AgentRevoked,
            AGENT_DOWN_JA.into(),
            vec!["連携プログラムの登録が取り消されています。新しい登録コードで登録し直してください。".into()],
        ),
        Some(a) if a.cred_expires_ms <= now => (
            LinkState::CredentialExpired,
            AGENT_DOWN_JA.into(),
            vec!["連携プログラムの認証情報の有効期限が切れています。新しい登録コードで登録し直してください。".into()],
        ),
        Some(a) if a.connected_until_ms <= now => (
            LinkState::AgentDown,
            AGENT_DOWN_JA.into(),
            AGENT_DOWN_GUIDANCE_JA.iter().map(|s| s.to_string()).collect(),
        ),
        Some(_) => match &health {
            Some(h) => {
                let advice: Vec<String> = h
                    .findings
                    .iter()
                    .filter(|f| f.severity != "ok")
                    .flat_map(|f| {
                        std::iter::once(f.message_ja.clone()).chain(f.advice_ja.clone())
                    })
                    .collect();
                match h.terminal {
                    TerminalState::FolderMisconfigured => (
                        LinkState::FolderMisconfigured,
                        "資格確認端末の共有フォルダ（req/res/face）に接続できません。".into(),
                        advice,
                    ),
                    TerminalState::LinkProgramDown => (
                        LinkState::LinkProgramDown,
                        crate::terminal::outcome::NOT_ANSWERING_JA.into(),
                        advice,
                    ),
                    TerminalState::Warning => (
                        LinkState::TerminalWarning,
                        "オンライン資格確認は利用できますが、確認が必要な点があります。".into(),
                        advice,
                    ),
                    TerminalState::Ok => (
                        LinkState::Ok,
                        "オンライン資格確認は利用できます。".into(),
                        Vec::new(),
                    ),
                }
            }
            None => (
                LinkState::Ok,
                "連携プログラムは接続しています（端末の状態は確認中です）。".into(),
                Vec::new(),
            ),
        },
    };
    ClinicStatus {
        clinic_id: clinic_id.into(),
        name: name.into(),
        state,
        message_ja,
        guidance_ja,
        agent: agent.map(|a| AgentView {
            id: a.id.clone(),
            connected: a.revoked_ms.is_none() && a.connected_until_ms > now,
            last_seen_ms: a.last_seen_ms,
            version: a.agent_version.clone(),
            clock_skew_ms: a.clock_skew_ms,
            credential_expires_ms: a.cred_expires_ms,
            revoked_ms: a.revoked_ms,
        }),
        terminal: health,
        terminal_reported_ms: agent.and_then(|a| a.health_ms),
        server_ms: now,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::protocol::Finding;

    fn row(connected_until: i64, health: Option<Health>) -> AgentRow {
        AgentRow {
            id: "agt_1".into(),
            clinic_id: "c1".into(),
            revoked_ms: None,
            cred_expires_ms: 10_000,
            last_seen_ms: Some(900),
            connected_until_ms: connected_until,
            agent_version: Some("0.1.0".into()),
            clock_skew_ms: Some(0),
            health: health.map(|h| serde_json::to_string(&h).unwrap()),
            health_ms: Some(900),
        }
    }

    fn health(t: TerminalState) -> Health {
        Health {
            terminal: t,
            findings: vec![Finding {
                id: "link_program".into(),
                severity: "error".into(),
                message_ja: "要求が取り込まれていません".into(),
                advice_ja: Some("連携アプリケーションを起動してください".into()),
            }],
            outbox: 0,
            agent_version: "0.1.0".into(),
        }
    }

    #[test]
    fn agent_down_is_row_19_and_differs_from_terminal_problems() {
        let s = clinic_status("c1", "n", &[row(999, None)], 1000);
        assert_eq!(s.state, LinkState::AgentDown);
        assert!(
            s.message_ja
                .starts_with("資格情報の取得に時間がかかっています")
        );
        assert!(s.guidance_ja[0].contains("連携プログラム"));
        let s = clinic_status(
            "c1",
            "n",
            &[row(2000, Some(health(TerminalState::LinkProgramDown)))],
            1000,
        );
        assert_eq!(s.state, LinkState::LinkProgramDown);
        assert!(
            s.guidance_ja
                .iter()
                .any(|g| g.contains("連携アプリケーション"))
        );
        let s = clinic_status(
            "c1",
            "n",
            &[row(2000, Some(health(TerminalState::FolderMisconfigured)))],
            1000,
        );
        assert_eq!(s.state, LinkState::FolderMisconfigured);
        let s = clinic_status(
            "c1",
            "n",
            &[row(2000, Some(health(TerminalState::Ok)))],
            1000,
        );
        assert_eq!(s.state, LinkState::Ok);
        assert_eq!(clinic_status("c1", "n", &[], 1).state, LinkState::NoAgent);
    }

    #[test]
    fn revoked_and_expired_credentials_are_told_apart() {
        let mut r = row(2000, None);
        r.revoked_ms = Some(5);
        assert_eq!(
            clinic_status("c", "n", &[r], 1000).state,
            LinkState::AgentRevoked
        );
        let r = row(20_000, None);
        assert_eq!(
            clinic_status("c", "n", &[r], 10_000).state,
            LinkState::CredentialExpired
        );
    }
}
