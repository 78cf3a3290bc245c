//! The req/res/face folder client and a faithful emulator of the 資格確認端末.
//!
//! The clinic's side of オンライン資格確認 is a folder protocol: the practice system writes a
//! request into `req/`, the terminal's 連携アプリケーション takes it and writes the answer
//! into `res/` under the same name with `req` → `res`; the face-recognition card reader pushes
//! results into `face/`.
//!
//! * [`Client`] — submit requests atomically, wait for answers (paired by file name and
//!   `ArbitraryFileIdentifier`), face results as events that are delivered until they are
//!   acknowledged ([`Client::ack_face`]; again after a restart when they were not), the bulk
//!   two-phase flow, consent-gated 薬剤/特定健診 retrieval, a journal for restarts, a
//!   [`Cancel`] token for every blocking call;
//! * [`doctor()`] — health checks with advice for staff (is the link program running?);
//! * [`Emulator`] — a stand-in for the terminal, for tests and demos, driven by a dataset of
//!   fictitious insured persons ([`Dataset`]);
//! * [`Layout`] — where the folders are; [`WatchConfig`] — events and rescan.
//!
//! Nothing here panics on what it finds in the folders: files there are untrusted. Only
//! regular files are read, opened without blocking and within a size limit; symbolic links
//! are not followed unless [`ClientOptions::symlinks`] allows links inside the root; each
//! refusal is a typed error naming the file.

pub mod atomic;
mod cancel;
pub mod cipher;
mod client;
pub(crate) mod codec;
pub mod dataset;
pub mod doctor;
pub mod emulator;
mod face;
mod fsio;
pub mod journal;
pub mod layout;
mod lock;
pub mod outcome;
mod ticket;
mod watch;
pub mod zipped;

pub use cancel::{Cancel, WaitLimit};
pub use cipher::{CipherError, CipherStage, CommandLine, ExternalCommand, FileCipher};
pub use client::{
    Answer, BulkOptions, BulkOutcome, BulkProgress, Client, ClientOptions, DocumentAnswer, Reply,
};
pub use dataset::{Dataset, Person, PersonSummary, PmhIntent};
pub use doctor::{DoctorOptions, DoctorReport, doctor};
pub use emulator::{Behaviour, Emulator, EmulatorConfig, EmulatorStats, FaceNames};
pub use face::{
    FaceAck, FaceEvent, FaceFileError, FaceFileErrorKind, FaceSubscription, POLL_BATCH, SkippedFile,
};
pub use fsio::SymlinkPolicy;
pub use journal::Collected;
pub use layout::{Layout, ProcessedPolicy};
pub use outcome::{ConsentRefusal, DocumentKind, NotAnswering};
pub use ticket::Ticket;
pub use watch::WatchConfig;
pub use zipped::{ZipRefusal, unzip_result, zip_result};

use crate::Personal;
use chrono::NaiveDateTime;
use std::path::Path;

/// The current time in Japan (JST, UTC+9; Japan has no daylight saving time). The terminal's
/// times (`ProcessExecutionTime`, face file names, consent times) are JST.
pub fn now_jst() -> NaiveDateTime {
    let utc: chrono::DateTime<chrono::Utc> = std::time::SystemTime::now().into();
    utc.naive_utc() + chrono::Duration::hours(9)
}

/// Why an answer file could not be used ([`TerminalError::BadAnswer`]).
///
/// ```
/// use onshi::terminal::{AnswerProblem, TerminalError};
/// let e = TerminalError::BadAnswer {
///     file: "TKKsiquc01res_x.xml".into(),
///     problem: AnswerProblem::NotClosed,
/// };
/// assert!(e.to_string().contains("not closed"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AnswerProblem {
    /// The content is not a valid terminal file, or the file inside a zipped bulk result has
    /// no terminal file name: the XML engine's error (where, and what kind; never a value
    /// from the file).
    #[error(transparent)]
    Xml(Box<crate::xml::XmlError>),
    /// The XML never closed within the settle timeout (the writer stopped half-way).
    #[error("the file stayed incomplete (its XML is not closed)")]
    NotClosed,
    /// A PDF, ZIP or PNG answer never got its end marker within the settle timeout.
    #[error("the file has no end marker (its writer stopped half-way)")]
    NoEndMarker,
}

impl From<crate::xml::XmlError> for AnswerProblem {
    fn from(e: crate::xml::XmlError) -> AnswerProblem {
        AnswerProblem::Xml(Box::new(e))
    }
}

impl From<Box<crate::xml::XmlError>> for AnswerProblem {
    fn from(e: Box<crate::xml::XmlError>) -> AnswerProblem {
        AnswerProblem::Xml(e)
    }
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
    #[error("answer {file} cannot be read: {problem}")]
    BadAnswer {
        /// The answer file.
        file: String,
        /// Why.
        #[source]
        problem: AnswerProblem,
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
    #[error("cannot encode the request: {error}")]
    Encode {
        /// The XML engine's reason (a value that cannot be written; no values quoted).
        #[source]
        error: Box<crate::xml::XmlError>,
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
    /// A blocking call was ended with its [`Cancel`] token. A ticket waited for stays
    /// pending.
    #[error("cancelled while waiting for {what}")]
    Cancelled {
        /// What was waited for (a request file name, or `face results`).
        what: String,
    },
    /// A file of the shared folders is larger than the limit ([`ClientOptions::max_bytes`]);
    /// it was not read.
    #[error("{file} is more than the limit of {max} bytes; not read")]
    TooLarge {
        /// The file name.
        file: String,
        /// The limit.
        max: u64,
    },
    /// Something that is not a regular file (a FIFO, a device, a folder …) carries an
    /// interface file's name; it was not read.
    #[error("{file} is not a regular file ({kind}); not read")]
    NotRegularFile {
        /// The file name.
        file: String,
        /// What it is (`fifo`, `device`, `directory`, `socket`, `other`).
        kind: &'static str,
    },
    /// A symbolic link carries an interface file's name; it was not followed
    /// ([`SymlinkPolicy`]).
    #[error("{file} is a symbolic link{}; not followed", if *.outside_root { " out of the shared folder" } else { "" })]
    Symlink {
        /// The link's file name.
        file: String,
        /// `true` when it leads out of the root (refused even with
        /// [`SymlinkPolicy::WithinRoot`]).
        outside_root: bool,
    },
    /// The ticket's answer was collected before (by this program or another one on the
    /// same journal) and is no longer in `res/` or the archive.
    #[error("the answer to {} was collected at {} ({})", .0.request_file, .0.collected_at, .0.answer_file)]
    AlreadyCollected(Box<Collected>),
    /// Another emulator already runs on this root (its lock file is held).
    #[error("another emulator already runs on {root} (lock file {lock})")]
    AlreadyRunning {
        /// The root.
        root: String,
        /// The lock file.
        lock: String,
    },
    /// The emulator was stopped ([`Emulator::shutdown`]); it takes no more calls.
    #[error("the emulator was stopped")]
    EmulatorStopped,
    /// The file is not XML: the terminal encrypts this prefix (`encrypt.conf` /
    /// `encrypt_face.conf`) and no decryption hook is set ([`FileCipher`]). Not a parse
    /// error; the file is left where it is (a ticket waiting for it stays pending).
    #[error(
        "{file} is not XML: the terminal encrypts {prefix} files (encrypt.conf / encrypt_face.conf) and no decryption hook is set"
    )]
    Encrypted {
        /// The file.
        file: String,
        /// Its prefix (`OQSsiquc` …), the line of `encrypt.conf` to look at.
        prefix: String,
    },
    /// The decryption or encryption hook failed: it returned an error, panicked, did not
    /// answer in time, or (decrypting) returned something that is not XML.
    #[error("the {} hook failed on {file}: {reason}", .stage.as_str())]
    Hook {
        /// The file.
        file: String,
        /// Decrypting or encrypting.
        stage: CipherStage,
        /// Why (the hook's message, or what went wrong; never file content).
        reason: String,
    },
    /// A zipped answer was refused ([`ZipRefusal`]: extra entries, an unsafe name, a
    /// symbolic link, an encrypted entry, too large or too compressed, damaged).
    #[error("zipped answer {file} refused: {refusal}")]
    Zip {
        /// The zip file.
        file: String,
        /// Why.
        refusal: ZipRefusal,
    },
    /// A bulk download answered a 処理結果区分 (`SegmentOfResult`) that is neither `1`
    /// (done), `2` (poll again) nor `9` (failed), or none: the flow ends as a failure, never
    /// as a success.
    #[error("bulk request {reception_number}: unknown SegmentOfResult {}", segment.as_deref().map_or("(absent)".to_string(), |s| format!("{s:?}")))]
    UnknownSegment {
        /// 受付番号.
        reception_number: String,
        /// The raw value (`None` when the element is absent).
        segment: Option<String>,
        /// The answer file.
        file: String,
    },
}

impl TerminalError {
    /// Stable numeric code (C ABI `onshi_status`), in 400–499.
    pub fn code(&self) -> u32 {
        use crate::ffi::status as st;
        match self {
            TerminalError::Io { .. } => st::ONSHI_TERMINAL_IO,
            TerminalError::NotAnswering(_) => st::ONSHI_TERMINAL_NOT_ANSWERING,
            TerminalError::Rejected { .. } => st::ONSHI_TERMINAL_REJECTED,
            TerminalError::BadAnswer { .. } => st::ONSHI_TERMINAL_BAD_ANSWER,
            TerminalError::Mismatch { .. } => st::ONSHI_TERMINAL_MISMATCH,
            TerminalError::UnexpectedAnswer { .. } => st::ONSHI_TERMINAL_UNEXPECTED_ANSWER,
            TerminalError::InvalidRequest { .. } => st::ONSHI_TERMINAL_INVALID_REQUEST,
            TerminalError::Encode { .. } => st::ONSHI_TERMINAL_ENCODE,
            TerminalError::BulkFailed { .. } => st::ONSHI_TERMINAL_BULK_FAILED,
            TerminalError::BulkDeadline { .. } => st::ONSHI_TERMINAL_BULK_DEADLINE,
            TerminalError::Dataset { .. } => st::ONSHI_TERMINAL_DATASET,
            TerminalError::MissingFolder { .. } => st::ONSHI_TERMINAL_MISSING_FOLDER,
            // ONSHI_TERMINAL_NOT_CONSENTED is the C ABI's (a refusal is an outcome here).
            TerminalError::Cancelled { .. } => st::ONSHI_TERMINAL_CANCELLED,
            TerminalError::TooLarge { .. } => st::ONSHI_TERMINAL_TOO_LARGE,
            TerminalError::NotRegularFile { .. } => st::ONSHI_TERMINAL_NOT_REGULAR_FILE,
            TerminalError::Symlink { .. } => st::ONSHI_TERMINAL_SYMLINK,
            TerminalError::AlreadyCollected(_) => st::ONSHI_TERMINAL_ALREADY_COLLECTED,
            TerminalError::AlreadyRunning { .. } => st::ONSHI_TERMINAL_ALREADY_RUNNING,
            TerminalError::EmulatorStopped => st::ONSHI_TERMINAL_EMULATOR_STOPPED,
            TerminalError::Encrypted { .. } => st::ONSHI_TERMINAL_ENCRYPTED,
            TerminalError::Hook { .. } => st::ONSHI_TERMINAL_HOOK_FAILED,
            TerminalError::Zip { refusal, .. } if refusal.is_size() => {
                st::ONSHI_TERMINAL_ZIP_TOO_LARGE
            }
            TerminalError::Zip { .. } => st::ONSHI_TERMINAL_ZIP_REFUSED,
            TerminalError::UnknownSegment { .. } => st::ONSHI_TERMINAL_UNKNOWN_SEGMENT,
        }
    }

    /// What to tell staff, in Japanese (the English [`Display`](std::fmt::Display) is the
    /// developer's detail). Never holds personal data: folder and file names of the
    /// interface only.
    ///
    /// ```
    /// use onshi::terminal::TerminalError;
    /// let e = TerminalError::Io {
    ///     op: "write",
    ///     path: "/srv/oqs/.onshi/face".into(),
    ///     source: std::io::Error::from(std::io::ErrorKind::StorageFull),
    /// };
    /// assert!(e.message_ja().contains("空き容量"));
    /// ```
    pub fn message_ja(&self) -> String {
        use std::io::ErrorKind as K;
        match self {
            TerminalError::Io { path, source, .. } => match source.kind() {
                K::PermissionDenied => format!(
                    "{path} にアクセスする権限がありません。共有フォルダのアクセス権（ユーザー・資格情報）を確認してください。"
                ),
                K::StorageFull | K::QuotaExceeded => format!(
                    "ディスクの空き容量が足りないため {path} に書き込めません。不要なファイルを削除して空きを作ってください。"
                ),
                K::ReadOnlyFilesystem => format!(
                    "{path} は読み取り専用のため書き込めません。ドライブや共有フォルダの設定を確認してください。"
                ),
                K::NotFound => format!(
                    "{path} が見つかりません。共有フォルダが接続されているか確認してください。"
                ),
                K::NotADirectory => format!(
                    "{path} はフォルダではありません。共有フォルダの設定を確認してください。"
                ),
                _ => format!(
                    "{path} の読み書きに失敗しました。共有フォルダの接続とディスクの状態を確認してください。"
                ),
            },
            TerminalError::NotAnswering(n) => n.to_text_ja(),
            TerminalError::Rejected { request_file, .. } => format!(
                "資格確認端末が要求 {request_file} を受け付けませんでした（エラーファイル .err）。入力内容を確認して再度照会してください。"
            ),
            TerminalError::BadAnswer { file, .. } => format!(
                "結果ファイル {file} を読み取れません（壊れているか、書き込みが終わっていません）。資格確認端末の状態を確認し、再度照会してください。"
            ),
            TerminalError::Mismatch { file, .. } => format!(
                "結果ファイル {file} が照会と一致しません。別の照会の結果の可能性があります。再度照会してください。"
            ),
            TerminalError::UnexpectedAnswer { file, .. } => {
                format!("結果ファイル {file} が想定した種類ではありません。再度照会してください。")
            }
            TerminalError::InvalidRequest { .. } | TerminalError::Encode { .. } => {
                "要求ファイルを作成できませんでした。入力内容を確認してください。".into()
            }
            TerminalError::BulkFailed { error_message, .. } => match error_message {
                Some(m) => format!("一括照会が異常終了しました: {m}"),
                None => "一括照会が異常終了しました。".into(),
            },
            TerminalError::BulkDeadline {
                reception_number, ..
            } => format!(
                "一括照会（受付番号 {reception_number}）がまだ処理中です。しばらくしてから結果を確認してください。"
            ),
            TerminalError::Dataset { .. } => {
                "エミュレーターのデータセットに誤りがあります。".into()
            }
            TerminalError::MissingFolder { folder, path } => format!(
                "{folder} フォルダ（{path}）が見つかりません。共有フォルダの場所の設定と、ネットワーク共有が接続されているかを確認してください。"
            ),
            TerminalError::Cancelled { .. } => "待機を取り消しました。".into(),
            TerminalError::TooLarge { file, .. } => format!(
                "{file} は大きすぎるため読み込みませんでした。資格確認端末が書いたファイルか確認してください。"
            ),
            TerminalError::NotRegularFile { file, .. } => format!(
                "{file} は通常のファイルではないため読み込みませんでした。共有フォルダの中身を確認してください。"
            ),
            TerminalError::Symlink { file, .. } => format!(
                "{file} はシンボリックリンクのため読み込みませんでした。共有フォルダの中身を確認してください。"
            ),
            TerminalError::AlreadyCollected(c) => format!(
                "この照会の結果（{}）は {} に受け取り済みです。",
                c.answer_file,
                c.collected_at.format("%Y-%m-%d %H:%M:%S")
            ),
            TerminalError::AlreadyRunning { .. } => {
                "このフォルダではすでにエミュレーターが動いています。".into()
            }
            TerminalError::EmulatorStopped => "エミュレーターは停止しています。".into(),
            TerminalError::Encrypted { file, prefix } => {
                format!(
                    "{}（{prefix} のファイル {file}）",
                    cipher::ENCRYPTED_JA.trim_end_matches('。')
                ) + "。"
            }
            TerminalError::Hook { file, stage, .. } => match stage {
                CipherStage::Decrypt => format!(
                    "暗号化されたファイル {file} を復号できませんでした。レセコンベンダーの復号モジュールの設定と動作を確認してください。"
                ),
                CipherStage::Encrypt => format!(
                    "要求ファイル {file} を暗号化できませんでした。レセコンベンダーの暗号化モジュールの設定と動作を確認してください。"
                ),
            },
            TerminalError::Zip { file, refusal } if refusal.is_size() => format!(
                "一括照会の結果 {file}（ZIP）が大きすぎる、または圧縮率が異常なため読み込みませんでした。資格確認端末が書いたファイルか確認してください。"
            ),
            TerminalError::Zip { file, .. } => format!(
                "一括照会の結果 {file}（ZIP）に想定外の内容があるため読み込みませんでした。資格確認端末が書いたファイルか確認してください。"
            ),
            TerminalError::UnknownSegment {
                reception_number,
                segment,
                ..
            } => format!(
                "一括照会（受付番号 {reception_number}）の結果に不明な処理結果区分（{}）が返りました。正常に終わったか確認できないため、結果は使いません。時間をおいて再度照会してください。",
                segment.as_deref().unwrap_or("なし")
            ),
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
            ..Default::default()
        }));
        assert!((400..500).contains(&n.code()));
        assert!(
            n.message_ja()
                .starts_with("資格情報の取得に時間がかかっています")
        );
    }

    #[test]
    fn staff_messages_by_fault() {
        let io = |k| TerminalError::Io {
            op: "write",
            path: "/oqs/face".into(),
            source: std::io::Error::from(k),
        };
        use std::io::ErrorKind as K;
        assert!(io(K::PermissionDenied).message_ja().contains("権限"));
        assert!(
            io(K::ReadOnlyFilesystem)
                .message_ja()
                .contains("読み取り専用")
        );
        assert!(io(K::StorageFull).message_ja().contains("空き容量"));
        let e = TerminalError::Symlink {
            file: "x.xml".into(),
            outside_root: true,
        };
        assert!(e.to_string().contains("out of the shared folder"));
        assert_eq!(e.code(), 416);
        assert!(e.message_ja().contains("x.xml"));
    }

    #[test]
    fn jst_is_nine_hours_ahead_of_utc() {
        let utc: chrono::DateTime<chrono::Utc> = std::time::SystemTime::now().into();
        let d = now_jst() - utc.naive_utc();
        assert!((d.num_seconds() - 9 * 3600).abs() < 5);
    }
}
