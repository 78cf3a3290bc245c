//! Signed webhooks: each stored face event is POSTed to every active webhook of its clinic
//! until the receiver answers 2xx (at least once; the `Onshi-Idempotency-Key` header lets
//! the receiver drop repeats).
//!
//! Signature: `Onshi-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
//! The receiver recomputes it with the secret it got when registering the webhook and
//! rejects old timestamps (replays).

use super::Inner;
use super::bus::Notice;
use super::emr_api::event_view;
use super::store::{hex, now_ms};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::sync::Arc;
use std::time::Duration;

/// `t=…,v1=…` for `body` at `t` (Unix seconds).
pub fn signature(secret: &str, t: i64, body: &[u8]) -> String {
    // HMAC accepts keys of any length: `new_from_slice` cannot fail for it.
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(m) => m,
        Err(_) => return String::new(),
    };
    mac.update(t.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("t={t},v1={}", hex(&mac.finalize().into_bytes()))
}

/// Checks a signature header against `body` (constant-time comparison of the MAC), refusing
/// timestamps more than `tolerance` away from `now` (Unix seconds).
pub fn verify(secret: &str, header: &str, body: &[u8], now: i64, tolerance: i64) -> bool {
    let mut t = None;
    let mut v1 = None;
    for part in header.split(',') {
        if let Some(x) = part.strip_prefix("t=") {
            t = x.parse::<i64>().ok();
        } else if let Some(x) = part.strip_prefix("v1=") {
            v1 = Some(x);
        }
    }
    let (Some(t), Some(v1)) = (t, v1) else {
        return false;
    };
    if (now - t).abs() > tolerance {
        return false;
    }
    let expected = signature(secret, t, body);
    let expected = expected.rsplit("v1=").next().unwrap_or("");
    expected.len() == v1.len()
        && expected
            .bytes()
            .zip(v1.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// TLS for outgoing requests: the system's roots (ring provider, no aws-lc).
pub(crate) fn tls_config_for_relay() -> Result<rustls::ClientConfig, crate::cloud::tls::TlsError> {
    crate::cloud::tls::client_config(None, true)
}

/// Delivers due webhooks, on notices and every second.
pub(crate) async fn deliver_loop(inner: Arc<Inner>) {
    let mut rx = inner.bus.subscribe();
    loop {
        let due = match inner
            .store
            .claim_deliveries(32, Duration::from_secs(60))
            .await
        {
            Ok(d) => d,
            Err(e) => {
                tracing::warn!(error = %e, "cannot read webhook deliveries");
                Vec::new()
            }
        };
        let busy = !due.is_empty();
        for d in due {
            let body = crate::cloud::protocol::encode(&serde_json::json!({
                "clinic_id": d.webhook.clinic_id,
                "event": event_view(d.event.clone()),
            }));
            let t = now_ms() / 1000;
            let sig = signature(&d.webhook.secret, t, body.as_bytes());
            let r = inner
                .http
                .post(&d.webhook.url)
                .header("content-type", "application/json")
                .header("onshi-signature", sig)
                .header("onshi-idempotency-key", &d.event.key)
                .header("onshi-event-id", d.event.seq.to_string())
                .body(body)
                .send()
                .await;
            let (ok, status) = match r {
                Ok(resp) => (
                    resp.status().is_success(),
                    resp.status().as_u16().to_string(),
                ),
                Err(e) => (
                    false,
                    if e.is_timeout() {
                        "timeout".to_string()
                    } else {
                        "connect".to_string()
                    },
                ),
            };
            // Retry after 1, 2, 4 … s, at most 10 minutes apart.
            let backoff = 1000i64 << d.attempts.clamp(0, 10);
            let next = now_ms() + backoff.min(600_000);
            let _ = inner.store.delivery_attempt(d.id, ok, &status, next).await;
        }
        if busy {
            continue;
        }
        let until = tokio::time::Instant::now() + Duration::from_secs(1);
        loop {
            match tokio::time::timeout_at(until, rx.recv()).await {
                Ok(Ok(Notice::Event { .. } | Notice::Delivery)) => break,
                Ok(Ok(_)) => continue,
                Ok(Err(tokio::sync::broadcast::error::RecvError::Closed)) => return,
                _ => break,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_verify_and_tampering_fails() {
        let s = signature("whsec_x", 1_700_000_000, b"{\"a\":1}");
        assert!(s.starts_with("t=1700000000,v1="));
        assert!(verify("whsec_x", &s, b"{\"a\":1}", 1_700_000_010, 300));
        assert!(!verify("whsec_x", &s, b"{\"a\":2}", 1_700_000_010, 300));
        assert!(!verify("whsec_y", &s, b"{\"a\":1}", 1_700_000_010, 300));
        assert!(
            !verify("whsec_x", &s, b"{\"a\":1}", 1_700_010_000, 300),
            "replay"
        );
        assert!(!verify("whsec_x", "garbage", b"", 0, 300));
    }
}
