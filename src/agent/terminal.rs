//! The agent's only door to the terminal: every use of [`crate::terminal`] by the agent is in
//! this file, so a change of the client's API (face-event acknowledgement, cancel tokens)
//! stays a local change here.
//!
//! Everything here blocks (the client is thread-based); the agent calls it from
//! `spawn_blocking`.

use crate::cloud::protocol::{
    Command, CommandError, CommandOutcome, FacePayload, Finding, Health, Progress, TerminalState,
};
use crate::terminal::{
    BulkOptions, BulkProgress, Client, ClientOptions, DoctorOptions, DocumentAnswer, FaceAck,
    FaceSubscription, Layout, ProcessedPolicy, Reply, TerminalError, WatchConfig, doctor, now_jst,
};
use crate::xml::Message;
use std::path::PathBuf;
use std::time::Duration;

/// How the agent uses the terminal's folders.
#[derive(Clone, Debug)]
pub struct TerminalConfig {
    /// The share holding `req/`, `res/` and `face/`.
    pub root: PathBuf,
    /// 医療機関コード for requests that lack one.
    pub medical_institution_code: Option<String>,
    /// Wait for a single answer at most this long.
    pub answer_timeout: Duration,
    /// Deadline of a bulk flow.
    pub bulk_deadline: Duration,
    /// First and longest wait between bulk polls.
    pub bulk_backoff: (Duration, Duration),
    /// Rescan interval of the folders (events are lost on network shares).
    pub rescan: Duration,
    /// Create `req/`, `res/` and `face/` when missing (for demos and tests; off for a real
    /// terminal, where a missing folder is a misconfiguration to report).
    pub create_folders: bool,
}

impl TerminalConfig {
    /// Defaults for a root: 60 s answers, 10 min bulk deadline, backoff 2 s → 60 s, rescan
    /// every second.
    pub fn new(root: impl Into<PathBuf>) -> TerminalConfig {
        TerminalConfig {
            root: root.into(),
            medical_institution_code: None,
            answer_timeout: Duration::from_secs(60),
            bulk_deadline: Duration::from_secs(600),
            bulk_backoff: (Duration::from_secs(2), Duration::from_secs(60)),
            rescan: Duration::from_secs(1),
            create_folders: false,
        }
    }
}

/// An open connection to the terminal's folders.
pub(crate) struct Terminal {
    client: Client,
    config: TerminalConfig,
}

/// Face delivery stops when this is dropped.
pub(crate) struct FaceFeed(#[allow(dead_code)] FaceSubscription);

impl Terminal {
    pub fn open(config: TerminalConfig) -> Result<Terminal, super::AgentError> {
        let code = match &config.medical_institution_code {
            Some(c) => Some(c.parse::<crate::ids::MedicalInstitutionCode>()?),
            None => None,
        };
        let options = ClientOptions {
            watch: WatchConfig {
                use_events: true,
                rescan_interval: config.rescan,
            },
            // Face files are archived, not deleted, once handed to the outbox: if writing the
            // outbox failed, the file is still on disk.
            face_processed: ProcessedPolicy::Archive,
            medical_institution_code: code,
            create_folders: config.create_folders,
            ..ClientOptions::default()
        };
        let client = Client::open(Layout::new(&config.root), options)?;
        Ok(Terminal { client, config })
    }

    /// Calls `sink` for each face result (from a background thread), at least once each:
    /// the client hands a face file out, `sink` stores it (the outbox write) and says whether
    /// it did; only then is it acknowledged in the client's journal (and archived). A file
    /// not acknowledged — `sink` failed, or the agent died before — is handed out again; the
    /// outbox and the relay drop repeats by key.
    pub fn on_face(&self, mut sink: impl FnMut(FacePayload) -> bool + Send + 'static) -> FaceFeed {
        FaceFeed(self.client.on_face(move |e| match e {
            Ok(e) => {
                let payload = FacePayload {
                    file_name: e.file_name.clone(),
                    message: e
                        .result
                        .as_ref()
                        .ok()
                        .cloned()
                        .map(Message::QualificationResponse),
                    error: e.result.as_ref().err().map(|x| x.to_string()),
                };
                if sink(payload) {
                    FaceAck::Ack
                } else {
                    FaceAck::Release
                }
            }
            Err(err) => {
                tracing::warn!(error = %err, "face folder");
                FaceAck::Release
            }
        }))
    }

    /// The health checks.
    pub fn health(&self, outbox: u64) -> Health {
        let report = doctor(self.client.layout(), &DoctorOptions::default());
        let sev = |s: crate::terminal::doctor::Health| {
            serde_json::to_value(s)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default()
        };
        let bad = |id: &str| {
            report
                .checks
                .iter()
                .any(|c| c.id == id && c.severity == crate::terminal::doctor::Health::Error)
        };
        let terminal = if bad("folders") {
            TerminalState::FolderMisconfigured
        } else if bad("link_program") {
            TerminalState::LinkProgramDown
        } else if report.worst() == crate::terminal::doctor::Health::Ok {
            TerminalState::Ok
        } else {
            TerminalState::Warning
        };
        Health {
            terminal,
            findings: report
                .checks
                .iter()
                .map(|c| Finding {
                    id: c.id.to_string(),
                    severity: sev(c.severity),
                    message_ja: c.message_ja.clone(),
                    advice_ja: c.advice_ja.clone(),
                })
                .collect(),
            outbox,
            agent_version: env!("CARGO_PKG_VERSION").to_string(),
        }
    }

    /// Runs a command and returns its outcome (never an error: failures are outcomes).
    pub fn run(
        &self,
        command: &Command,
        outbox: u64,
        progress: &mut dyn FnMut(Progress),
    ) -> CommandOutcome {
        let t = self.config.answer_timeout;
        let r: Result<CommandOutcome, TerminalError> = match command {
            Command::Query { query, date } => self
                .client
                .query(query.clone(), *date, t)
                .map(|r| answer(Message::QualificationResponse(r), None)),
            Command::ReferenceNumber { request } => self
                .client
                .register_reference_number(request.clone(), t)
                .map(|r| answer(Message::ReferenceNumberResponse(r), None)),
            Command::Bulk { family, upload } => {
                let options = BulkOptions {
                    deadline: self.config.bulk_deadline,
                    step_timeout: t,
                    initial_backoff: self.config.bulk_backoff.0,
                    max_backoff: self.config.bulk_backoff.1,
                    cancel: None,
                };
                self.client
                    .bulk(*family, upload, &options, &mut |p| {
                        if let Some(p) = progress_of(p) {
                            progress(p);
                        }
                    })
                    .map(|o| answer(o.message, Some(o.reception_number)))
            }
            Command::Document {
                kind,
                consent,
                request,
            } => self
                .client
                .document(*kind, consent, request.clone(), now_jst(), t)
                .map(|a| match a {
                    DocumentAnswer::Xml(d) => answer(Message::DocumentResponse(d), None),
                    DocumentAnswer::Pdf(b) => binary("application/pdf", &b),
                    DocumentAnswer::NotConsented(r) => CommandOutcome::NotConsented {
                        message_ja: r.message_ja().to_string(),
                        expired: r.expired,
                    },
                }),
            Command::Doctor => Ok(CommandOutcome::Doctor {
                health: self.health(outbox),
            }),
        };
        r.unwrap_or_else(|e| terminal_failure(&e))
    }

    /// Submits a raw message and returns the reply (the benchmark's in-process floor and
    /// tools; not used by commands).
    #[allow(dead_code)]
    pub fn reply(
        &self,
        family: crate::xml::Family,
        m: &Message,
    ) -> Result<Reply, crate::terminal::TerminalError> {
        let t = self.client.submit(family, m)?;
        self.client.wait_reply(&t, self.config.answer_timeout)
    }
}

fn progress_of(p: BulkProgress) -> Option<Progress> {
    #[allow(unreachable_patterns)] // BulkProgress is non_exhaustive for users of the crate
    Some(match p {
        BulkProgress::Submitted => Progress::Submitted,
        BulkProgress::Accepted { reception_number } => Progress::Accepted { reception_number },
        BulkProgress::Processing { polls, .. } => Progress::Processing { polls },
        BulkProgress::Done { polls } => Progress::Done { polls },
        _ => return None,
    })
}

fn answer(message: Message, reception_number: Option<String>) -> CommandOutcome {
    CommandOutcome::Answer {
        message,
        reception_number,
    }
}

fn binary(media_type: &str, bytes: &[u8]) -> CommandOutcome {
    CommandOutcome::Binary {
        media_type: media_type.into(),
        base64: crate::agent::base64(bytes),
    }
}

fn failed(kind: &str, code: Option<u32>, message: &str, ja: Option<String>) -> CommandOutcome {
    CommandOutcome::Failed {
        error: CommandError {
            kind: kind.into(),
            code,
            message: message.into(),
            message_ja: ja,
        },
    }
}

/// A typed failure from the client's error (messages carry no personal data).
fn terminal_failure(e: &TerminalError) -> CommandOutcome {
    let (kind, ja) = match e {
        TerminalError::NotAnswering(n) => ("not_answering", Some(n.to_text_ja())),
        TerminalError::Rejected { .. } => ("rejected", None),
        TerminalError::BadAnswer { .. } => ("bad_answer", None),
        TerminalError::Mismatch { .. } | TerminalError::UnexpectedAnswer { .. } => {
            ("bad_answer", None)
        }
        TerminalError::InvalidRequest { .. } | TerminalError::Encode { .. } => {
            ("invalid_request", None)
        }
        TerminalError::BulkFailed { error_message, .. } => ("bulk_failed", error_message.clone()),
        TerminalError::BulkDeadline { .. } => ("bulk_deadline", None),
        TerminalError::MissingFolder { .. } => (
            "missing_folder",
            Some("資格確認端末の共有フォルダ（req/res/face）が見つかりません。フォルダの設定と接続を確認してください。".into()),
        ),
        TerminalError::Io { .. } => ("io", None),
        _ => ("internal", None),
    };
    failed(kind, Some(e.code()), &e.to_string(), ja)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agent::AgentError;

    // Regression: a wrong 医療機関コード was a String error that said "医療機関コード" twice and
    // could not be told apart from a folder fault.
    #[test]
    fn a_wrong_institution_code_is_its_own_error() {
        let dir = tempfile::tempdir().unwrap();
        let mut config = TerminalConfig::new(dir.path());
        config.create_folders = true;
        config.medical_institution_code = Some("1310000009".into());
        let e = Terminal::open(config).err().expect("refused");
        assert!(matches!(e, AgentError::InstitutionCode(_)), "{e:?}");
        assert_eq!(e.to_string().matches("医療機関コード").count(), 1, "{e}");
    }

    #[test]
    fn a_missing_terminal_folder_is_a_terminal_error() {
        let dir = tempfile::tempdir().unwrap();
        let config = TerminalConfig::new(dir.path().join("not-there"));
        let e = Terminal::open(config).err().expect("refused");
        assert!(matches!(e, AgentError::Terminal(_)), "{e:?}");
    }
}
