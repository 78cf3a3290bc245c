//! The agent's connection to the relay: outbound only, one WebSocket (TLS with rustls,
//! through an HTTP proxy with `CONNECT` when one is set), or HTTPS long polling when a proxy
//! refuses the upgrade. Both give the agent the same pair of channels.

use super::credential::Credential;
use crate::cloud::protocol::{self, AgentFrame, ErrorCode, ExchangeRequest, Limits, RelayFrame};
use futures_util::{SinkExt, StreamExt};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite;

/// Which transport a link uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Transport {
    /// One WebSocket.
    WebSocket,
    /// HTTPS long polling (`POST /agent/v1/exchange`).
    LongPoll,
}

/// Which transport to use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransportChoice {
    /// WebSocket, falling back to long polling when the upgrade is refused.
    Auto,
    /// WebSocket only.
    WebSocket,
    /// Long polling only.
    LongPoll,
}

/// The network settings shared by all connections.
#[derive(Clone)]
pub(crate) struct Net {
    pub http: reqwest::Client,
    pub tls: Arc<rustls::ClientConfig>,
    pub proxy: Option<reqwest::Url>,
    pub limits: Limits,
    pub connect_timeout: Duration,
}

/// Why a connection failed.
#[derive(Debug)]
pub(crate) enum ConnectError {
    /// The relay refused the credential (or the version): retrying cannot help.
    Refused(ErrorCode, String),
    /// The WebSocket upgrade was refused by something in between (a proxy).
    UpgradeRefused(String),
    /// Anything else (network, relay down): retry with backoff.
    Other(String),
}

impl std::fmt::Display for ConnectError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConnectError::Refused(c, m) => write!(f, "refused ({c:?}): {m}"),
            ConnectError::UpgradeRefused(m) => write!(f, "WebSocket upgrade refused: {m}"),
            ConnectError::Other(m) => write!(f, "{m}"),
        }
    }
}

/// A live link: frames out, frames in. Dropping it closes the connection.
pub(crate) struct Link {
    pub out: mpsc::Sender<AgentFrame>,
    pub inc: mpsc::Receiver<RelayFrame>,
    pub transport: Transport,
    tasks: Vec<JoinHandle<()>>,
}

impl Link {
    /// `false` once a transport task ended (the connection is gone).
    pub fn alive(&self) -> bool {
        self.tasks.iter().all(|t| !t.is_finished())
    }
}

impl Drop for Link {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

/// Maps a relay's JSON error body (`{"error": …}`) to a refusal.
pub(crate) fn refusal(status: u16, body: &[u8]) -> ConnectError {
    let v: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    let code = v.get("error").and_then(|e| e.as_str()).unwrap_or("");
    let msg = v
        .get("message")
        .and_then(|e| e.as_str())
        .unwrap_or("")
        .to_string();
    match (status, code) {
        (401, "revoked") => ConnectError::Refused(ErrorCode::Revoked, msg),
        (401, "expired") => ConnectError::Refused(ErrorCode::Expired, msg),
        (401, _) => ConnectError::Refused(ErrorCode::Unauthorized, msg),
        (429, _) => ConnectError::Other(format!("rate limited: {msg}")),
        _ => ConnectError::UpgradeRefused(format!("HTTP {status}")),
    }
}

fn ws_url(relay: &str) -> Result<String, ConnectError> {
    let base = relay.trim_end_matches('/');
    let u = if let Some(r) = base.strip_prefix("https://") {
        format!("wss://{r}")
    } else if let Some(r) = base.strip_prefix("http://") {
        format!("ws://{r}")
    } else {
        return Err(ConnectError::Other(
            "the relay URL must start with https:// or http://".into(),
        ));
    };
    Ok(format!("{u}/agent/v1/connect"))
}

/// Opens a tunnel through an HTTP proxy (`CONNECT host:port`).
async fn tunnel(proxy: &reqwest::Url, host: &str, port: u16) -> Result<TcpStream, String> {
    let ph = proxy.host_str().ok_or("proxy URL without host")?;
    let pp = proxy.port_or_known_default().unwrap_or(8080);
    let mut s = TcpStream::connect((ph, pp))
        .await
        .map_err(|e| format!("proxy {ph}:{pp}: {e}"))?;
    let req = format!("CONNECT {host}:{port} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n");
    s.write_all(req.as_bytes())
        .await
        .map_err(|e| format!("proxy: {e}"))?;
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        if buf.len() > 16 * 1024 {
            return Err("proxy answer too long".into());
        }
        let n = s.read(&mut byte).await.map_err(|e| format!("proxy: {e}"))?;
        if n == 0 {
            return Err("proxy closed the connection".into());
        }
        buf.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&buf);
    let ok = head
        .lines()
        .next()
        .is_some_and(|l| l.split_whitespace().nth(1) == Some("200"));
    if !ok {
        return Err(format!(
            "proxy refused CONNECT: {}",
            head.lines().next().unwrap_or("")
        ));
    }
    Ok(s)
}

/// Connects over WebSocket and exchanges hello → welcome.
pub(crate) async fn connect_ws(
    net: &Net,
    cred: &Credential,
    hello: AgentFrame,
) -> Result<(Link, RelayFrame), ConnectError> {
    use tungstenite::client::IntoClientRequest;
    let url = ws_url(&cred.relay_url)?;
    let mut req = url
        .as_str()
        .into_client_request()
        .map_err(|e| ConnectError::Other(format!("relay URL: {e}")))?;
    let auth = format!("Bearer {}", cred.credential.as_str());
    req.headers_mut().insert(
        "authorization",
        auth.parse()
            .map_err(|_| ConnectError::Other("credential is not a header value".into()))?,
    );
    let max = net.limits.max_frame_bytes;
    let config = tungstenite::protocol::WebSocketConfig::default()
        .max_message_size(Some(max))
        .max_frame_size(Some(max));
    let connector = tokio_tungstenite::Connector::Rustls(net.tls.clone());
    let handshake = async {
        match &net.proxy {
            None => {
                tokio_tungstenite::connect_async_tls_with_config(
                    req,
                    Some(config),
                    true,
                    Some(connector),
                )
                .await
            }
            Some(p) => {
                let uri = req.uri().clone();
                let host = uri.host().unwrap_or("").to_string();
                let port = uri
                    .port_u16()
                    .unwrap_or(if uri.scheme_str() == Some("wss") {
                        443
                    } else {
                        80
                    });
                let stream = tunnel(p, &host, port)
                    .await
                    .map_err(|e| tungstenite::Error::Io(std::io::Error::other(e)))?;
                let _ = stream.set_nodelay(true);
                tokio_tungstenite::client_async_tls_with_config(
                    req,
                    stream,
                    Some(config),
                    Some(connector),
                )
                .await
            }
        }
    };
    let ws = match tokio::time::timeout(net.connect_timeout, handshake).await {
        Err(_) => return Err(ConnectError::Other("connect timed out".into())),
        Ok(Err(tungstenite::Error::Http(resp))) => {
            let body = resp.body().clone().unwrap_or_default();
            return Err(refusal(resp.status().as_u16(), &body));
        }
        Ok(Err(e)) => return Err(ConnectError::Other(e.to_string())),
        Ok(Ok((ws, _))) => ws,
    };
    let (mut sink, mut stream) = ws.split();
    sink.send(tungstenite::Message::Text(protocol::encode(&hello).into()))
        .await
        .map_err(|e| ConnectError::Other(e.to_string()))?;
    let limits = net.limits;
    let first = tokio::time::timeout(net.connect_timeout, stream.next()).await;
    let welcome = match first {
        Ok(Some(Ok(tungstenite::Message::Text(t)))) => {
            protocol::decode_relay_frame(t.as_bytes(), &limits)
                .map_err(|e| ConnectError::Other(format!("relay sent a bad frame: {e}")))?
        }
        _ => return Err(ConnectError::Other("no welcome from the relay".into())),
    };
    if let RelayFrame::Error { code, message } = &welcome {
        return Err(ConnectError::Refused(*code, message.clone()));
    }
    let (out_tx, mut out_rx) = mpsc::channel::<AgentFrame>(1024);
    let (in_tx, in_rx) = mpsc::channel::<RelayFrame>(1024);
    let writer = tokio::spawn(async move {
        let mut ping = tokio::time::interval(Duration::from_secs(20));
        loop {
            tokio::select! {
                f = out_rx.recv() => {
                    let Some(f) = f else { break };
                    if sink.send(tungstenite::Message::Text(protocol::encode(&f).into())).await.is_err() {
                        break;
                    }
                }
                _ = ping.tick() => {
                    if sink.send(tungstenite::Message::Ping(Vec::new().into())).await.is_err() {
                        break;
                    }
                }
            }
        }
        let _ = sink.close().await;
    });
    let in_tx2 = in_tx.clone();
    let reader = tokio::spawn(async move {
        while let Some(m) = stream.next().await {
            let t = match m {
                Ok(tungstenite::Message::Text(t)) => t,
                Ok(tungstenite::Message::Close(_)) | Err(_) => break,
                Ok(_) => continue,
            };
            match protocol::decode_relay_frame(t.as_bytes(), &limits) {
                Ok(f) => {
                    if in_tx2.send(f).await.is_err() {
                        break;
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "bad frame from the relay; reconnecting");
                    break;
                }
            }
        }
        // Dropping in_tx2 ends the link for the session loop.
    });
    drop(in_tx);
    Ok((
        Link {
            out: out_tx,
            inc: in_rx,
            transport: Transport::WebSocket,
            tasks: vec![writer, reader],
        },
        welcome,
    ))
}

async fn exchange(
    net: &Net,
    cred: &Credential,
    req: &ExchangeRequest,
    timeout: Duration,
) -> Result<Vec<RelayFrame>, ConnectError> {
    let url = format!("{}/agent/v1/exchange", cred.relay_url.trim_end_matches('/'));
    let r = net
        .http
        .post(url)
        .bearer_auth(cred.credential.as_str())
        .header("content-type", "application/json")
        .body(protocol::encode(req))
        .timeout(timeout)
        .send()
        .await
        .map_err(|e| ConnectError::Other(e.to_string()))?;
    let status = r.status().as_u16();
    let body = r
        .bytes()
        .await
        .map_err(|e| ConnectError::Other(e.to_string()))?;
    if status != 200 {
        return Err(match refusal(status, &body) {
            ConnectError::UpgradeRefused(m) => ConnectError::Other(m),
            other => other,
        });
    }
    protocol::decode_exchange_response(&body, &net.limits)
        .map(|r| r.frames)
        .map_err(|e| ConnectError::Other(format!("relay sent a bad batch: {e}")))
}

/// Connects with long polling: hello → welcome, then a receiving loop (held requests) and a
/// sending loop (batches).
pub(crate) async fn connect_poll(
    net: &Net,
    cred: &Credential,
    hello: AgentFrame,
) -> Result<(Link, RelayFrame), ConnectError> {
    let mut frames = exchange(
        net,
        cred,
        &ExchangeRequest {
            frames: vec![hello],
            wait_ms: 0,
        },
        net.connect_timeout,
    )
    .await?;
    if frames.is_empty() {
        return Err(ConnectError::Other("no welcome from the relay".into()));
    }
    let welcome = frames.remove(0);
    if let RelayFrame::Error { code, message } = &welcome {
        return Err(ConnectError::Refused(*code, message.clone()));
    }
    let (out_tx, mut out_rx) = mpsc::channel::<AgentFrame>(1024);
    let (in_tx, in_rx) = mpsc::channel::<RelayFrame>(1024);
    for f in frames {
        let _ = in_tx.send(f).await;
    }
    let (n1, c1, t1) = (net.clone(), cred.clone(), in_tx.clone());
    let receiver = tokio::spawn(async move {
        loop {
            let req = ExchangeRequest {
                frames: Vec::new(),
                wait_ms: 25_000,
            };
            match exchange(&n1, &c1, &req, Duration::from_secs(40)).await {
                Ok(frames) => {
                    for f in frames {
                        if t1.send(f).await.is_err() {
                            return;
                        }
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "long poll failed; reconnecting");
                    return;
                }
            }
        }
    });
    let (n2, c2, t2) = (net.clone(), cred.clone(), in_tx);
    let max_batch = net.limits.max_batch;
    let sender = tokio::spawn(async move {
        while let Some(first) = out_rx.recv().await {
            let mut batch = vec![first];
            while batch.len() < max_batch {
                match out_rx.try_recv() {
                    Ok(f) => batch.push(f),
                    Err(_) => break,
                }
            }
            let req = ExchangeRequest {
                frames: batch,
                wait_ms: 0,
            };
            match exchange(&n2, &c2, &req, Duration::from_secs(30)).await {
                Ok(frames) => {
                    for f in frames {
                        if t2.send(f).await.is_err() {
                            return;
                        }
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "sending failed; reconnecting");
                    return;
                }
            }
        }
    });
    Ok((
        Link {
            out: out_tx,
            inc: in_rx,
            transport: Transport::LongPoll,
            tasks: vec![receiver, sender],
        },
        welcome,
    ))
}
