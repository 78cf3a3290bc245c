//! The agent ↔ relay protocol, version [`PROTOCOL_VERSION`].
//!
//! Frames are JSON objects with a `"t"` tag, carried one per WebSocket text message, or in
//! batches over the HTTPS long-polling fallback ([`ExchangeRequest`] / [`ExchangeResponse`]).
//! The same frames flow over both transports. Every decoder checks the size first
//! ([`Limits`]) and never panics on any input (fuzzed: `fuzz/fuzz_targets/cloud_frames.rs`).
//!
//! Delivery rules:
//! * face events ([`AgentFrame::Face`]) are sent from the agent's durable outbox until the
//!   relay answers [`RelayFrame::Ack`] with their key; the relay acknowledges only after the
//!   event is stored, and stores each key once per clinic (the face file name is the
//!   idempotency key), so resending is harmless;
//! * commands ([`RelayFrame::Command`]) are resent by the relay on every (re)connection until
//!   the agent's [`AgentFrame::Result`] is stored; the agent answers a command id it has
//!   already answered from its memory of recent results without running it twice.

use crate::model::{Consent, QualificationQuery};
use crate::terminal::DocumentKind;
use crate::xml::{DocumentRequest, Family, Message, ReferenceNumberRequest};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The protocol version this build speaks. A peer that speaks another major version is
/// refused with [`ErrorCode::UnsupportedVersion`].
pub const PROTOCOL_VERSION: u32 = 1;

/// Size limits of the decoders.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest frame (or exchange batch) accepted, in bytes.
    pub max_frame_bytes: usize,
    /// Most frames in one long-polling batch.
    pub max_batch: usize,
}

impl Default for Limits {
    /// 8 MiB per frame (a bulk download of a full day fits many times), 256 frames a batch.
    fn default() -> Self {
        Limits {
            max_frame_bytes: 8 * 1024 * 1024,
            max_batch: 256,
        }
    }
}

/// Why a frame was refused. Carries no content of the frame (it may hold personal data).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProtocolError {
    /// The frame is larger than [`Limits::max_frame_bytes`].
    #[error("frame of {size} bytes exceeds the limit of {max} bytes")]
    TooLarge {
        /// The frame's size.
        size: usize,
        /// The limit.
        max: usize,
    },
    /// A batch holds more than [`Limits::max_batch`] frames.
    #[error("batch of {count} frames exceeds the limit of {max}")]
    TooManyFrames {
        /// Frames in the batch.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// Not a frame of this protocol: bad JSON or an unknown shape, at this line and column.
    #[error("malformed frame at line {line}, column {column}: {kind}")]
    Malformed {
        /// 1-based line of the JSON text.
        line: usize,
        /// 1-based column.
        column: usize,
        /// `syntax`, `data` (valid JSON, wrong shape) or `eof`.
        kind: &'static str,
    },
    /// A field's value breaks a rule of the protocol (an empty key …).
    #[error("invalid frame: {0}")]
    Invalid(&'static str),
}

impl ProtocolError {
    fn from_json(e: &serde_json::Error) -> ProtocolError {
        use serde_json::error::Category;
        ProtocolError::Malformed {
            line: e.line(),
            column: e.column(),
            kind: match e.classify() {
                Category::Io | Category::Syntax => "syntax",
                Category::Data => "data",
                Category::Eof => "eof",
            },
        }
    }
}

/// The longest idempotency key (a face file name; the terminal's are about 60 characters).
pub const MAX_KEY_LEN: usize = 200;

/// Checks an idempotency key: 1–[`MAX_KEY_LEN`] ASCII characters, letters, digits, `_`, `-`
/// and `.` only (so it is a safe file name in the outbox, and never a path).
pub fn valid_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= MAX_KEY_LEN
        && key != "."
        && key != ".."
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
}

/// A face-reader result as the agent found it in `face/`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacePayload {
    /// The face file's name (also the event's idempotency key).
    pub file_name: String,
    /// The parsed result (a [`Message::QualificationResponse`]), when the file could be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<Message>,
    /// Why the file could not be read, when it could not (no content quoted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// What an EMR asks the clinic's terminal to do, through the relay and the agent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Command {
    /// 資格確認（個別照会） by 保険証 fields on `date` (資格確認日).
    Query {
        /// 保険者番号, 記号・番号, 枝番, 生年月日 …
        query: QualificationQuery,
        /// 資格確認日.
        date: NaiveDate,
    },
    /// 照会番号登録 (single).
    ReferenceNumber {
        /// The request.
        request: ReferenceNumberRequest,
    },
    /// A bulk two-phase flow (一括照会, 照会番号一括登録, 医療扶助 / 訪問 / オンライン).
    Bulk {
        /// The bulk family.
        family: Family,
        /// The 01 upload message.
        upload: Message,
    },
    /// 薬剤情報 / 特定健診情報, only while `consent` is valid (checked again by the agent
    /// with the clinic's clock).
    Document {
        /// Which document.
        kind: DocumentKind,
        /// The consent from the patient's last result.
        consent: Consent,
        /// The request.
        request: DocumentRequest,
    },
    /// Run the terminal health checks now.
    Doctor,
}

impl Command {
    /// A short name for logs and the admin page (no personal data).
    pub fn op(&self) -> &'static str {
        match self {
            Command::Query { .. } => "query",
            Command::ReferenceNumber { .. } => "reference_number",
            Command::Bulk { .. } => "bulk",
            Command::Document { .. } => "document",
            Command::Doctor => "doctor",
        }
    }
}

/// A typed failure of a command, as the EMR receives it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommandError {
    /// Stable kind: `not_answering`, `rejected`, `bad_answer`, `invalid_request`,
    /// `bulk_failed`, `bulk_deadline`, `missing_folder`, `io`, `encrypted`, `not_consented`,
    /// `unsupported`, `internal`.
    pub kind: String,
    /// The library's numeric code (`onshi_status`), when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<u32>,
    /// What happened (English, no personal data).
    pub message: String,
    /// What staff see (Japanese), when the library has a text for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_ja: Option<String>,
}

/// The answer to a [`Command`].
// Frames are built, sent and dropped one at a time: boxing would only add noise.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
#[non_exhaustive]
pub enum CommandOutcome {
    /// The terminal answered with a message (the 資格確認結果, 照会番号登録結果, bulk
    /// download result or document).
    Answer {
        /// The answer.
        message: Message,
        /// The 受付番号 of a bulk flow.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reception_number: Option<String>,
    },
    /// A binary answer (a PDF document, a zipped bulk result), base64.
    Binary {
        /// `application/pdf` or `application/zip`.
        media_type: String,
        /// The bytes, standard base64.
        base64: String,
    },
    /// The document was not requested: no valid consent (「情報の提供は同意されていません」).
    NotConsented {
        /// The staff text.
        message_ja: String,
        /// `true` when the consent had expired (rather than never given).
        expired: bool,
    },
    /// The health checks' report (the `doctor` command).
    Doctor {
        /// The report.
        health: Health,
    },
    /// The command failed.
    Failed {
        /// Why.
        error: CommandError,
    },
}

/// Where a bulk flow is (progress for the EMR's screen).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Progress {
    /// The 01 request was written.
    Submitted,
    /// The terminal gave a 受付番号.
    Accepted {
        /// 受付番号.
        reception_number: String,
    },
    /// The terminal said 処理中 `polls` times.
    Processing {
        /// Polls so far.
        polls: u32,
    },
    /// Results are in.
    Done {
        /// Polls it took.
        polls: u32,
    },
}

/// The state of the link to the terminal, as the agent's health checks judge it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TerminalState {
    /// Folders fine, requests consumed.
    Ok,
    /// Requests stay in `req/`: the terminal's 連携アプリケーション is not running.
    LinkProgramDown,
    /// `req/`, `res/` or `face/` missing or not writable: wrong folder or unmounted share.
    FolderMisconfigured,
    /// Something needs attention but checks still work (left-over files, clock …).
    Warning,
}

/// One health finding (from the library's `doctor`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Check id (`folders`, `link_program`, `answers`, `face`, `temp_files`, `pending`,
    /// `clock`).
    pub id: String,
    /// `ok`, `warning` or `error`.
    pub severity: String,
    /// For staff (Japanese).
    pub message_ja: String,
    /// What to do (Japanese).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub advice_ja: Option<String>,
}

/// The agent's health report, sent with every heartbeat.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    /// The overall judgement.
    pub terminal: TerminalState,
    /// Every check.
    pub findings: Vec<Finding>,
    /// Face events waiting in the outbox.
    pub outbox: u64,
    /// The agent's version.
    pub agent_version: String,
}

/// What the agent sends.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
#[non_exhaustive]
pub enum AgentFrame {
    /// First frame of a connection.
    Hello {
        /// [`PROTOCOL_VERSION`] of the agent.
        protocol: u32,
        /// The agent's version (`CARGO_PKG_VERSION`).
        agent_version: String,
        /// The agent's clock (Unix milliseconds), to report skew; never trusted for expiry.
        clock_ms: i64,
    },
    /// A face event from the outbox (resent until acknowledged).
    Face {
        /// Idempotency key: the face file name.
        key: String,
        /// When the agent took the file from `face/` (Unix ms, agent clock).
        taken_ms: i64,
        /// The event.
        payload: FacePayload,
    },
    /// Progress of a running command.
    Progress {
        /// The command.
        command_id: String,
        /// Where it is.
        progress: Progress,
    },
    /// A command's final answer.
    Result {
        /// The command.
        command_id: String,
        /// The answer.
        outcome: CommandOutcome,
    },
    /// Periodic liveness and health.
    Heartbeat {
        /// The health checks.
        health: Health,
        /// The agent's clock (Unix ms).
        clock_ms: i64,
    },
}

/// What the relay sends.
#[allow(clippy::large_enum_variant)] // one frame at a time, see CommandOutcome
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
#[non_exhaustive]
pub enum RelayFrame {
    /// Answer to [`AgentFrame::Hello`].
    Welcome {
        /// [`PROTOCOL_VERSION`] of the relay.
        protocol: u32,
        /// The agent's id.
        agent_id: String,
        /// The clinic it serves.
        clinic_id: String,
        /// The relay's clock (Unix ms): the reference for credential expiry.
        server_ms: i64,
        /// When the agent's credential expires (Unix ms, relay clock).
        credential_expires_ms: i64,
    },
    /// These face events are stored: the agent may delete them from its outbox.
    Ack {
        /// Their idempotency keys.
        keys: Vec<String>,
    },
    /// This command's result is stored.
    ResultAck {
        /// The command.
        command_id: String,
    },
    /// Run a command.
    Command {
        /// Its id (resent commands keep their id).
        id: String,
        /// What to do.
        command: Command,
    },
    /// A refusal; the relay closes the connection after it.
    Error {
        /// Why.
        code: ErrorCode,
        /// Details (no personal data).
        message: String,
    },
}

/// Why the relay refused an agent or a frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorCode {
    /// No credential, or an unknown one.
    Unauthorized,
    /// The credential was revoked: enrol again.
    Revoked,
    /// The credential expired: enrol again.
    Expired,
    /// Another protocol version.
    UnsupportedVersion,
    /// The frame could not be decoded or is too large.
    BadFrame,
    /// Too many requests: slow down.
    RateLimited,
}

impl ErrorCode {
    /// `true` when retrying with the same credential cannot help.
    pub fn is_fatal(self) -> bool {
        matches!(
            self,
            ErrorCode::Unauthorized
                | ErrorCode::Revoked
                | ErrorCode::Expired
                | ErrorCode::UnsupportedVersion
        )
    }
}

/// A long-polling exchange: frames from the agent, and how long the relay may hold the
/// request open when it has nothing to send.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExchangeRequest {
    /// Frames from the agent (the first exchange of a session starts with `hello`).
    #[serde(default)]
    pub frames: Vec<AgentFrame>,
    /// Hold the request up to this long (ms, at most 30,000) while there is nothing to send.
    #[serde(default)]
    pub wait_ms: u64,
}

/// The relay's answer to an [`ExchangeRequest`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExchangeResponse {
    /// Frames for the agent.
    pub frames: Vec<RelayFrame>,
}

fn check_size(bytes: &[u8], limits: &Limits) -> Result<(), ProtocolError> {
    if bytes.len() > limits.max_frame_bytes {
        return Err(ProtocolError::TooLarge {
            size: bytes.len(),
            max: limits.max_frame_bytes,
        });
    }
    Ok(())
}

fn check_agent_frame(f: &AgentFrame) -> Result<(), ProtocolError> {
    match f {
        AgentFrame::Face { key, payload, .. } => {
            if !valid_key(key) {
                return Err(ProtocolError::Invalid(
                    "face key is not a safe idempotency key",
                ));
            }
            if payload.file_name != *key {
                return Err(ProtocolError::Invalid(
                    "face key differs from its file name",
                ));
            }
            Ok(())
        }
        AgentFrame::Progress { command_id, .. } | AgentFrame::Result { command_id, .. }
            if !valid_key(command_id) =>
        {
            Err(ProtocolError::Invalid("command id is not a safe key"))
        }
        _ => Ok(()),
    }
}

fn check_relay_frame(f: &RelayFrame) -> Result<(), ProtocolError> {
    match f {
        RelayFrame::Ack { keys } if keys.iter().any(|k| !valid_key(k)) => {
            Err(ProtocolError::Invalid("ack key is not a safe key"))
        }
        RelayFrame::Command { id, .. } | RelayFrame::ResultAck { command_id: id }
            if !valid_key(id) =>
        {
            Err(ProtocolError::Invalid("command id is not a safe key"))
        }
        _ => Ok(()),
    }
}

/// Decodes one agent frame (relay side).
pub fn decode_agent_frame(bytes: &[u8], limits: &Limits) -> Result<AgentFrame, ProtocolError> {
    check_size(bytes, limits)?;
    let f: AgentFrame = serde_json::from_slice(bytes).map_err(|e| ProtocolError::from_json(&e))?;
    check_agent_frame(&f)?;
    Ok(f)
}

/// Decodes one relay frame (agent side).
pub fn decode_relay_frame(bytes: &[u8], limits: &Limits) -> Result<RelayFrame, ProtocolError> {
    check_size(bytes, limits)?;
    let f: RelayFrame = serde_json::from_slice(bytes).map_err(|e| ProtocolError::from_json(&e))?;
    check_relay_frame(&f)?;
    Ok(f)
}

/// Decodes a long-polling request body (relay side).
pub fn decode_exchange_request(
    bytes: &[u8],
    limits: &Limits,
) -> Result<ExchangeRequest, ProtocolError> {
    check_size(bytes, limits)?;
    let r: ExchangeRequest =
        serde_json::from_slice(bytes).map_err(|e| ProtocolError::from_json(&e))?;
    if r.frames.len() > limits.max_batch {
        return Err(ProtocolError::TooManyFrames {
            count: r.frames.len(),
            max: limits.max_batch,
        });
    }
    r.frames.iter().try_for_each(check_agent_frame)?;
    Ok(r)
}

/// Decodes a long-polling response body (agent side).
pub fn decode_exchange_response(
    bytes: &[u8],
    limits: &Limits,
) -> Result<ExchangeResponse, ProtocolError> {
    check_size(bytes, limits)?;
    let r: ExchangeResponse =
        serde_json::from_slice(bytes).map_err(|e| ProtocolError::from_json(&e))?;
    if r.frames.len() > limits.max_batch {
        return Err(ProtocolError::TooManyFrames {
            count: r.frames.len(),
            max: limits.max_batch,
        });
    }
    r.frames.iter().try_for_each(check_relay_frame)?;
    Ok(r)
}

/// Encodes any frame (or batch) as JSON.
pub fn encode<T: Serialize>(frame: &T) -> String {
    // The frames hold only strings, numbers, maps and sequences with string keys: JSON
    // serialization of them cannot fail.
    serde_json::to_string(frame).unwrap_or_else(|_| String::from("{}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn face(key: &str) -> AgentFrame {
        AgentFrame::Face {
            key: key.into(),
            taken_ms: 1,
            payload: FacePayload {
                file_name: key.into(),
                message: None,
                error: Some("unreadable".into()),
            },
        }
    }

    #[test]
    fn frames_round_trip() {
        let l = Limits::default();
        let f = face("OQSsiquc01res_face_1234567890abc_20250401093000.xml");
        let back = decode_agent_frame(encode(&f).as_bytes(), &l).unwrap();
        assert_eq!(back, f);
        let c = RelayFrame::Command {
            id: "c1".into(),
            command: Command::Doctor,
        };
        assert_eq!(decode_relay_frame(encode(&c).as_bytes(), &l).unwrap(), c);
        let x = ExchangeRequest {
            frames: vec![f],
            wait_ms: 10,
        };
        assert_eq!(
            decode_exchange_request(encode(&x).as_bytes(), &l).unwrap(),
            x
        );
    }

    #[test]
    fn oversized_and_malformed_frames_are_refused_without_content() {
        let l = Limits {
            max_frame_bytes: 64,
            max_batch: 1,
        };
        let big = vec![b' '; 65];
        assert!(matches!(
            decode_agent_frame(&big, &l),
            Err(ProtocolError::TooLarge { size: 65, max: 64 })
        ));
        let e = decode_agent_frame(r#"{"t":"face","key":"X","secret":"見本"#.as_bytes(), &l)
            .unwrap_err();
        assert!(matches!(e, ProtocolError::Malformed { .. }), "{e:?}");
        assert!(!e.to_string().contains("見本"));
        let e = decode_agent_frame(br#"{"t":"nope"}"#, &l).unwrap_err();
        assert!(matches!(e, ProtocolError::Malformed { kind: "data", .. }));
        let two = encode(&ExchangeRequest {
            frames: vec![face("a"), face("b")],
            wait_ms: 0,
        });
        let l2 = Limits {
            max_batch: 1,
            ..Limits::default()
        };
        assert!(matches!(
            decode_exchange_request(two.as_bytes(), &l2),
            Err(ProtocolError::TooManyFrames { count: 2, max: 1 })
        ));
    }

    #[test]
    fn keys_must_be_safe_file_names() {
        let l = Limits::default();
        for bad in ["", "..", "../x", "a/b", "a\\b", "ü", &"x".repeat(201)] {
            assert!(!valid_key(bad), "{bad:?}");
            assert!(decode_agent_frame(encode(&face(bad)).as_bytes(), &l).is_err());
        }
        let mut f = face("a");
        if let AgentFrame::Face { payload, .. } = &mut f {
            payload.file_name = "b".into();
        }
        assert_eq!(
            decode_agent_frame(encode(&f).as_bytes(), &l),
            Err(ProtocolError::Invalid(
                "face key differs from its file name"
            ))
        );
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(decode_agent_frame(deep.as_bytes(), &Limits::default()).is_err());
    }
}
