//! The req/res/face folder client and a faithful emulator of the 資格確認端末.
//!
//! The clinic's side of オンライン資格確認 is a folder protocol: the practice system writes a
//! request into `req/`, the terminal's 連携アプリケーション takes it and writes the answer
//! into `res/` under the same name with `req` → `res`; the face-recognition card reader pushes
//! results into `face/`.
//!
//! * [`Client`] — submit requests atomically, wait for answers (paired by file name and
//!   `ArbitraryFileIdentifier`), face results as events delivered exactly once, the bulk
//!   two-phase flow, consent-gated 薬剤/特定健診 retrieval, a journal for restarts;
//! * [`doctor()`] — health checks with advice for staff (is the link program running?);
//! * [`Emulator`] — a stand-in for the terminal, for tests and demos, driven by a dataset of
//!   fictitious insured persons ([`Dataset`]);
//! * [`Layout`] — where the folders are; [`WatchConfig`] — events and rescan.
//!
//! Nothing here panics on what it finds in the folders: files there are untrusted.

pub mod atomic;
mod client;
pub(crate) mod codec;
pub mod dataset;
pub mod doctor;
pub mod emulator;
pub mod journal;
pub mod layout;
pub mod outcome;
mod watch;

pub use client::{
    BulkOptions, BulkOutcome, BulkProgress, Client, ClientOptions, DocumentAnswer, FaceEvent,
    FaceSubscription, Reply, Ticket,
};
pub use codec::Encoding;
pub use dataset::{Dataset, Person};
pub use doctor::{DoctorOptions, DoctorReport, doctor};
pub use emulator::{Behaviour, Emulator, EmulatorConfig};
pub use layout::{Layout, ProcessedPolicy};
pub use outcome::{ConsentRefusal, DocumentKind, NotAnswering};
pub use watch::WatchConfig;

use crate::Personal;
use chrono::NaiveDateTime;
use std::path::Path;

/// The current time in Japan (JST, UTC+9; Japan has no daylight saving time). The terminal's
/// times (`ProcessExecutionTime`, face file names, consent times) are JST.
pub fn now_jst() -> NaiveDateTime {
    let utc: chrono::DateTime<chrono::Utc> = std::time::SystemTime::now().into();
    utc.naive_utc() + chrono::Duration::hours(9)
}

/// Errors of the terminal client and emulator. None carries personal data in its message.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TerminalError {
    /// A file-system operation failed.
    #[error("{op} {path}: {source}")]
    Io {
        /// What was being done.
        op: &'static str,
        /// The file or folder (paths hold no personal data).
        path: String,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// No answer in time. Carries what to tell staff ([`NotAnswering::to_text_ja`]).
    #[error("no answer to {} within {:?} (request still in req/: {}): the terminal or its link program is not answering", .0.request_file, .0.waited, .0.request_still_in_req)]
    NotAnswering(Box<NotAnswering>),
    /// The terminal rejected the request: it moved it to `res/` and wrote a `.err` file.
    #[error("the terminal rejected {request_file} (.err file, {} chars)", content.chars().count())]
    Rejected {
        /// The request file.
        request_file: String,
        /// The `.err` file's text (may quote the request: treat as personal).
        content: Personal<String>,
    },
    /// The answer file could not be read.
    #[error("answer {file} cannot be read: {reason}")]
    BadAnswer {
        /// The answer file.
        file: String,
        /// Why.
        reason: String,
    },
    /// The answer file's identifier does not match the request's.
    #[error("answer {file} does not belong to the request ({what} differs)")]
    Mismatch {
        /// The answer file.
        file: String,
        /// Which identifier differs.
        what: &'static str,
    },
    /// The answer is not of the expected kind.
    #[error("answer {file} is not a {expected}")]
    UnexpectedAnswer {
        /// The answer file.
        file: String,
        /// What was expected.
        expected: &'static str,
    },
    /// The request cannot be written (message does not fit the family …).
    #[error("invalid request: {reason}")]
    InvalidRequest {
        /// Why.
        reason: String,
    },
    /// The request could not be encoded.
    #[error("cannot encode the request: {reason}")]
    Encode {
        /// Why.
        reason: String,
    },
    /// A bulk flow ended with 処理結果区分 9 (異常終了).
    #[error("bulk request {reception_number} failed (error code {error_code:?})")]
    BulkFailed {
        /// 受付番号.
        reception_number: String,
        /// エラーコード.
        error_code: Option<String>,
        /// エラーメッセージ (to show staff).
        error_message: Option<String>,
    },
    /// A bulk flow was still 処理中 at its deadline.
    #[error(
        "bulk request {reception_number} still in progress after {polls} polls (deadline reached)"
    )]
    BulkDeadline {
        /// 受付番号 (poll again later with it).
        reception_number: String,
        /// Polls made.
        polls: u32,
    },
    /// An emulator dataset is invalid.
    #[error("dataset: {reason}")]
    Dataset {
        /// Why (with the person id, never personal values).
        reason: String,
    },
    /// `req/`, `res/` or `face/` does not exist: wrong root, or the share is not connected.
    #[error(
        "the {folder} folder {path} does not exist (wrong root, or the terminal's shared folder is not connected)"
    )]
    MissingFolder {
        /// `req`, `res` or `face`.
        folder: &'static str,
        /// Where it was looked for.
        path: String,
    },
}

impl TerminalError {
    /// Stable numeric code (C ABI `onshi_status`), in 400–499.
    pub fn code(&self) -> u32 {
        match self {
            TerminalError::Io { .. } => 400,
            TerminalError::NotAnswering(_) => 401,
            TerminalError::Rejected { .. } => 402,
            TerminalError::BadAnswer { .. } => 403,
            TerminalError::Mismatch { .. } => 404,
            TerminalError::UnexpectedAnswer { .. } => 405,
            TerminalError::InvalidRequest { .. } => 406,
            TerminalError::Encode { .. } => 407,
            TerminalError::BulkFailed { .. } => 408,
            TerminalError::BulkDeadline { .. } => 409,
            TerminalError::Dataset { .. } => 410,
            TerminalError::MissingFolder { .. } => 411,
        }
    }

    pub(crate) fn io(op: &'static str, path: &Path, source: std::io::Error) -> TerminalError {
        TerminalError::Io {
            op,
            path: path.display().to_string(),
            source,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_in_range_and_messages_carry_no_content() {
        let e = TerminalError::Rejected {
            request_file: "OQSsiquc01req_1.xml".into(),
            content: Personal::new("見本　花子 19800101".into()),
        };
        assert_eq!(e.code(), 402);
        let s = e.to_string();
        assert!(!s.contains("見本") && !s.contains("1980"), "{s}");
        let n = TerminalError::NotAnswering(Box::new(NotAnswering {
            request_file: "OQSsiquc01req_1.xml".into(),
            waited: std::time::Duration::from_secs(1),
            request_still_in_req: true,
        }));
        assert!((400..500).contains(&n.code()));
    }

    #[test]
    fn jst_is_nine_hours_ahead_of_utc() {
        let utc: chrono::DateTime<chrono::Utc> = std::time::SystemTime::now().into();
        let d = now_jst() - utc.naive_utc();
        assert!((d.num_seconds() - 9 * 3600).abs() < 5);
    }
}
