//! Outcomes for staff: what to say when the terminal does not answer, when a request was
//! rejected, and when a document may not be retrieved. The texts are data (Japanese, for the
//! reception screen), so an EMR can show them as they are.

use serde::{Deserialize, Serialize};
use std::time::Duration;

/// The message staff see when no answer came in time (the FAQ's
/// 「資格情報の取得に時間がかかっています」).
pub const NOT_ANSWERING_JA: &str = "資格情報の取得に時間がかかっています。資格確認端末の連携アプリケーションが起動しているか確認してください。";

/// The message staff see when 薬剤情報 / 特定健診情報 may not be shown.
pub const NOT_CONSENTED_JA: &str = "情報の提供は同意されていません";

/// The terminal (or its 連携アプリケーション) did not answer in time.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotAnswering {
    /// The request file (no personal data in file names).
    pub request_file: String,
    /// How long the client waited.
    pub waited: Duration,
    /// `true` when the request is still in `req/`: the link program has not picked it up,
    /// so it is not running (or cannot see the folder). `false`: it was taken, but no answer
    /// came back (terminal busy, offline, or the national system is slow).
    pub request_still_in_req: bool,
    /// While the request waited in `req/`, did the link program take other requests from
    /// it? `Some(true)`: yes — the terminal is working through a queue and is merely slow;
    /// `Some(false)`: nothing was taken while requests waited — it is stopped; `None`:
    /// not known (the wait was too short to tell, or the request was taken).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link_program_active: Option<bool>,
    /// Other requests still waiting in `req/` when the client gave up (when known).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requests_queued: Option<usize>,
}

impl NotAnswering {
    /// The headline for staff.
    pub fn message_ja(&self) -> &'static str {
        NOT_ANSWERING_JA
    }

    /// What to check, in order, for staff (Japanese).
    pub fn checks_ja(&self) -> Vec<String> {
        let v = |x: &[&str]| x.iter().map(|s| s.to_string()).collect::<Vec<String>>();
        if self.request_still_in_req && self.link_program_active == Some(true) {
            let mut out = vec![match self.requests_queued {
                Some(n) if n > 0 => format!(
                    "資格確認端末は要求を順番に処理しています（ほかに {n} 件の要求が待っています）。連携アプリケーションは動いています。"
                ),
                _ => {
                    "資格確認端末は要求を順番に処理しています。連携アプリケーションは動いています。"
                        .to_string()
                }
            }];
            out.extend(v(&[
                "しばらく待ってから結果を確認してください（onshi tickets collect、またはレセコンの結果確認）。",
                "混雑が続く場合は、同時に送る照会の数を減らしてください。",
            ]));
            return out;
        }
        if self.request_still_in_req {
            v(&[
                "要求ファイルが req フォルダに残っています。連携アプリケーションが要求を取り込んでいません。",
                "資格確認端末の電源が入っていて、Windows にログインしているか確認してください。",
                "資格確認端末で連携アプリケーション（OQSComApp）が起動しているか確認し、起動していなければ起動してください。",
                "レセコン・電子カルテ側の共有フォルダの設定（req/res/face の場所）が、連携アプリケーションの設定と同じか確認してください。",
                "端末の更新（Windows Update）の後に止まった場合は、端末を再起動してください。",
            ])
        } else {
            v(&[
                "要求は連携アプリケーションに取り込まれましたが、結果がまだ返っていません。",
                "資格確認端末のネットワーク（回線認証・VPN）がつながっているか確認してください。",
                "しばらく待ってから結果を確認するか、再度照会してください。",
                "続く場合はオンライン資格確認等コールセンターまたは端末のベンダーに連絡してください。",
            ])
        }
    }

    /// Headline and checks as one text block.
    pub fn to_text_ja(&self) -> String {
        let mut s = String::from(self.message_ja());
        for c in self.checks_ja() {
            s.push_str("\n・");
            s.push_str(&c);
        }
        s
    }
}

/// Which document a retrieval is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// 薬剤情報 (`YZKsiquc`), gated by the `PharmacistsInfo` consent.
    DrugInfo,
    /// 特定健診情報 (`TKKsiquc`), gated by the `SpecificHealthCheckupsInfo` consent.
    Checkup,
}

impl DocumentKind {
    /// Japanese name.
    pub fn label(self) -> &'static str {
        match self {
            DocumentKind::DrugInfo => "薬剤情報",
            DocumentKind::Checkup => "特定健診情報",
        }
    }

    /// The file family.
    pub fn family(self) -> crate::xml::Family {
        match self {
            DocumentKind::DrugInfo => crate::xml::Family::DrugInfo,
            DocumentKind::Checkup => crate::xml::Family::Checkup,
        }
    }
}

/// A document was not requested because the patient's consent is missing or expired.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentRefusal {
    /// The document.
    pub kind: DocumentKind,
    /// `true` when a consent was given but its 閲覧可能期限 has passed.
    pub expired: bool,
}

impl ConsentRefusal {
    /// 「情報の提供は同意されていません」.
    pub fn message_ja(&self) -> &'static str {
        NOT_CONSENTED_JA
    }

    /// What staff can do (Japanese).
    pub fn advice_ja(&self) -> &'static str {
        if self.expired {
            "同意の有効期限が過ぎています。患者さんに顔認証付きカードリーダーで改めて同意していただくと閲覧できます。"
        } else {
            "患者さんが顔認証付きカードリーダーで情報提供に同意していません。同意をいただいた場合のみ閲覧できます。"
        }
    }
}

/// The backoff of bulk polling: the wait after the `attempt`-th (0-based) 処理中 answer,
/// doubling from `initial` up to `max`.
///
/// ```
/// use std::time::Duration;
/// use onshi::terminal::outcome::backoff;
/// let ms = |n| Duration::from_millis(n);
/// assert_eq!(backoff(0, ms(100), ms(1000)), ms(100));
/// assert_eq!(backoff(3, ms(100), ms(1000)), ms(800));
/// assert_eq!(backoff(30, ms(100), ms(1000)), ms(1000));
/// ```
pub fn backoff(attempt: u32, initial: Duration, max: Duration) -> Duration {
    let factor = 1u32.checked_shl(attempt.min(31)).unwrap_or(u32::MAX);
    initial.checked_mul(factor).unwrap_or(max).min(max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advice_depends_on_whether_the_request_was_taken() {
        let mut n = NotAnswering {
            request_file: "OQSsiquc01req_1.xml".into(),
            waited: Duration::from_secs(30),
            request_still_in_req: true,
            ..Default::default()
        };
        assert!(n.to_text_ja().contains("連携アプリケーション（OQSComApp）"));
        // Slow, not stopped: other requests were taken meanwhile.
        n.link_program_active = Some(true);
        n.requests_queued = Some(12);
        let slow = n.to_text_ja();
        assert!(
            slow.contains("順番に処理") && slow.contains("12 件"),
            "{slow}"
        );
        assert!(!slow.contains("OQSComApp"), "{slow}");
        n.link_program_active = Some(false);
        assert!(
            n.to_text_ja()
                .starts_with("資格情報の取得に時間がかかっています")
        );
        n.request_still_in_req = false;
        assert!(n.to_text_ja().contains("回線認証"));
    }

    #[test]
    fn backoff_saturates() {
        let s = Duration::from_secs;
        assert_eq!(backoff(u32::MAX, s(1), s(10)), s(10));
        assert_eq!(backoff(1, Duration::ZERO, s(10)), Duration::ZERO);
        assert_eq!(backoff(2, s(1), s(10)), s(4));
    }

    #[test]
    fn consent_refusal_text() {
        let r = ConsentRefusal {
            kind: DocumentKind::DrugInfo,
            expired: true,
        };
        assert_eq!(r.message_ja(), "情報の提供は同意されていません");
        assert!(r.advice_ja().contains("有効期限"));
    }
}
