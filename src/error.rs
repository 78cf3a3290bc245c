//! The library's error type, and the three parts every error is told in.
//!
//! Each module has its own error enum (`ids::IdError`, `xml::XmlError`, …) that says what is
//! wrong and where; [`Error`] gathers them for callers who want one type. Every error has a
//! stable numeric code ([`Error::code`]) that is also the `onshi_status` value of the C ABI.
//! Codes are grouped by family and never reused:
//!
//! | range | family |
//! |---|---|
//! | 100–199 | identifiers and check digits (`ids`) |
//! | 200–299 | XML files of the terminal (`xml`) |
//! | 300–399 | diff and history (`diff`, `history`) |
//! | 400–499 | terminal client and emulator (`terminal`) |
//! | 500–599 | card reader (`card`) |
//! | 600–699 | C ABI misuse (`ffi`) |
//! | 700–799 | JSON records and I/O |
//!
//! **Two audiences.** An error is read by two people: the receptionist in front of the
//! screen, who needs to know in Japanese what happened and what to do, and the developer or
//! administrator reading a log, who needs the English detail of what failed and where.
//! [`Diagnostic`] gives the three parts separately — [`code`](Diagnostic::code),
//! [`staff_message_ja`](Diagnostic::staff_message_ja) and [`detail`](Diagnostic::detail) —
//! for [`Error`] and every module error, so a screen never shows a file path and a log never
//! has to be translated. `Display` is the detail.
//!
//! ```
//! use onshi::Diagnostic;
//! use onshi::ids::{InsurerNumber, Mode};
//! let e = InsurerNumber::parse("138058", Mode::Strict).unwrap_err();
//! assert_eq!(e.code(), 103);
//! assert_eq!(e.detail(), "保険者番号: check digit (検証番号) is 8, expected 7");
//! assert_eq!(
//!     e.staff_message_ja(),
//!     "保険者番号の検証番号（最後の1桁）が合いません。入力間違いがないか確認してください。"
//! );
//! ```
//!
//! Error messages never contain personal data: values are shown redacted
//! (see [`crate::personal::redact`]).

use crate::card::CardError;
use crate::history::HistoryError;
use crate::ids::{IdError, IdKind};
use crate::terminal::TerminalError;
use crate::xml::{FileNameError, XmlError};

/// A `Result` whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Any error of the library.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An identifier (保険者番号, 受給者番号, …) is malformed or fails its check digit.
    #[error(transparent)]
    Id(#[from] crate::ids::IdError),
    /// A terminal XML file could not be read or written.
    #[error(transparent)]
    Xml(#[from] crate::xml::XmlError),
    /// A history operation was refused.
    #[error(transparent)]
    History(#[from] crate::history::HistoryError),
    /// The terminal client or emulator failed.
    #[error(transparent)]
    Terminal(#[from] crate::terminal::TerminalError),
    /// The card reader or the card failed.
    #[error(transparent)]
    Card(#[from] crate::card::CardError),
    /// A JSON record could not be read.
    #[error("JSON record: {0}")]
    Json(#[from] serde_json::Error),
    /// A file-system operation failed.
    #[error("I/O: {0}")]
    Io(#[from] std::io::Error),
}

impl Error {
    /// The stable numeric code of this error (the C ABI's `onshi_status`).
    pub fn code(&self) -> u32 {
        use crate::ffi::status as st;
        match self {
            Error::Id(e) => e.code(),
            Error::Xml(e) => e.code(),
            Error::History(e) => e.code(),
            Error::Terminal(e) => e.code(),
            Error::Card(e) => e.code(),
            Error::Json(_) => st::ONSHI_JSON,
            Error::Io(_) => st::ONSHI_IO,
        }
    }
}

/// An error told in three separate parts: a stable code, a Japanese message for reception
/// staff, and an English detail for developers (see the module documentation).
pub trait Diagnostic: std::error::Error {
    /// The stable numeric code (the C ABI's `onshi_status`; never reused).
    fn code(&self) -> u32;

    /// What reception staff read, in Japanese: what happened and what to do next. Holds no
    /// personal data, no file path and no English.
    fn staff_message_ja(&self) -> String;

    /// The English detail for developers and logs: what failed and where (file, line,
    /// element, the redacted value). The same as `Display`.
    fn detail(&self) -> String {
        self.to_string()
    }
}

impl Diagnostic for Error {
    fn code(&self) -> u32 {
        Error::code(self)
    }

    fn staff_message_ja(&self) -> String {
        match self {
            Error::Id(e) => e.staff_message_ja(),
            Error::Xml(e) => e.staff_message_ja(),
            Error::History(e) => e.staff_message_ja(),
            Error::Terminal(e) => e.staff_message_ja(),
            Error::Card(e) => e.staff_message_ja(),
            Error::Json(e) => e.staff_message_ja(),
            Error::Io(e) => e.staff_message_ja(),
        }
    }
}

/// The identifier's name with the particle staff read it with (「保険者番号の」).
fn of(kind: IdKind) -> String {
    format!("{}の", kind.label())
}

impl Diagnostic for IdError {
    fn code(&self) -> u32 {
        IdError::code(self)
    }

    fn staff_message_ja(&self) -> String {
        let k = self.kind();
        match self {
            IdError::Empty { .. } => format!("{}が入力されていません。", k.label()),
            IdError::NotDigit { position, .. } => match k {
                IdKind::CardSymbol | IdKind::CardNumber | IdKind::RecipientNumber => format!(
                    "{}{position}文字目に使えない文字が含まれています。入力内容を確認してください。",
                    of(k)
                ),
                _ => format!(
                    "{}{position}文字目が数字ではありません。数字だけで入力してください。",
                    of(k)
                ),
            },
            IdError::Length {
                found, expected, ..
            } => format!(
                "{}桁数が正しくありません（入力 {found} 桁、正しくは {}）。被保険者証などを見て入力し直してください。",
                of(k),
                match expected.strip_prefix("at least ") {
                    Some(n) => format!("{n} 桁以上"),
                    None => format!("{} 桁", expected.replace(" or ", "または")),
                }
            ),
            IdError::Prefecture { .. } => format!(
                "{}都道府県番号（01〜47）が正しくありません。入力内容を確認してください。",
                of(k)
            ),
            IdError::CheckDigit { .. } => format!(
                "{}検証番号（最後の1桁）が合いません。入力間違いがないか確認してください。",
                of(k)
            ),
            IdError::TooLong { max, .. } => {
                format!("{}文字数が多すぎます（{max}文字まで）。", of(k))
            }
        }
    }
}

impl Diagnostic for XmlError {
    fn code(&self) -> u32 {
        XmlError::code(self)
    }

    fn staff_message_ja(&self) -> String {
        match self {
            XmlError::FileName(e) => e.staff_message_ja(),
            XmlError::Unrepresentable { character, .. } => format!(
                "「{character}」は資格確認端末に送れない文字（Shift_JIS にない文字）です。別の表記で入力してください。"
            ),
            XmlError::InvalidValue { field, .. } => format!(
                "資格確認端末のファイルの「{field}」の値を読み取れませんでした。システム管理者に連絡してください。"
            ),
            e => crate::ffi::status::status_message_ja(e.code()).to_string(),
        }
    }
}

impl Diagnostic for FileNameError {
    fn code(&self) -> u32 {
        FileNameError::code(self)
    }

    fn staff_message_ja(&self) -> String {
        crate::ffi::status::status_message_ja(FileNameError::code(self)).to_string()
    }
}

impl Diagnostic for HistoryError {
    fn code(&self) -> u32 {
        HistoryError::code(self)
    }

    fn staff_message_ja(&self) -> String {
        match self {
            HistoryError::SubstituteRefused { label, .. } => format!(
                "{label}の返却値に「●」（表示できない文字）が含まれているため反映できません。登録済みの値のままにしてください。"
            ),
            e => crate::ffi::status::status_message_ja(e.code()).to_string(),
        }
    }
}

impl Diagnostic for TerminalError {
    fn code(&self) -> u32 {
        TerminalError::code(self)
    }

    /// [`TerminalError::message_ja`].
    fn staff_message_ja(&self) -> String {
        self.message_ja()
    }
}

impl Diagnostic for crate::terminal::FaceFileError {
    fn code(&self) -> u32 {
        crate::terminal::FaceFileError::code(self)
    }

    fn staff_message_ja(&self) -> String {
        use crate::terminal::FaceFileErrorKind as K;
        match self.kind {
            K::Incomplete => "顔認証付きカードリーダーの結果ファイルが途中までしか書かれていません。資格確認端末の状態を確認し、もう一度カードをかざしていただいてください。",
            K::TooLarge => "顔認証付きカードリーダーの結果ファイルが大きすぎるため読み込みませんでした。システム管理者に連絡してください。",
            K::NotRegular | K::Symlink => "face フォルダに結果ファイルではないものがあるため読み込みませんでした。システム管理者に連絡してください。",
            K::Unreadable => "顔認証付きカードリーダーの結果ファイルを開けません。共有フォルダのアクセス権を確認してください。",
            _ => "顔認証付きカードリーダーの結果ファイルを読み取れません。資格確認端末の状態を確認し、もう一度カードをかざしていただいてください。",
        }
        .into()
    }
}

impl Diagnostic for CardError {
    fn code(&self) -> u32 {
        CardError::code(self)
    }

    fn staff_message_ja(&self) -> String {
        self.staff_message()
    }
}

impl Diagnostic for serde_json::Error {
    fn code(&self) -> u32 {
        700
    }

    fn staff_message_ja(&self) -> String {
        "登録データ（JSON）を読み取れませんでした。データの形式を確認するか、システム管理者に連絡してください。"
            .into()
    }

    fn detail(&self) -> String {
        format!("JSON record: {self}")
    }
}

impl Diagnostic for std::io::Error {
    fn code(&self) -> u32 {
        701
    }

    fn staff_message_ja(&self) -> String {
        use std::io::ErrorKind as K;
        match self.kind() {
            K::NotFound => "ファイルまたはフォルダーが見つかりません。設定を確認してください。",
            K::PermissionDenied | K::ReadOnlyFilesystem => {
                "ファイルまたはフォルダーへのアクセスが許可されていません。フォルダーの権限を確認してください。"
            }
            K::StorageFull | K::QuotaExceeded => {
                "ディスクの空きが足りません。不要なファイルを削除するか、システム管理者に連絡してください。"
            }
            _ => {
                "ファイルを読み書きできませんでした。ディスクの空きとフォルダーの権限を確認してください。"
            }
        }
        .into()
    }

    fn detail(&self) -> String {
        format!("I/O: {self}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Staff text is Japanese and never empty (it may name a folder staff can check).
    fn looks_like_staff_text(s: &str) {
        assert!(!s.is_empty());
        assert!(
            s.chars().any(|c| ('\u{3040}'..='\u{30ff}').contains(&c)),
            "not Japanese: {s}"
        );
    }

    #[test]
    fn every_family_has_japanese_staff_text_and_an_english_detail() {
        let id = crate::ids::InsurerNumber::parse("12345", crate::ids::Mode::Strict).unwrap_err();
        let xml = crate::xml::parse(b"<nope").unwrap_err();
        let hist = HistoryError::StaleReview;
        let term = TerminalError::MissingFolder {
            folder: "res",
            path: "/mnt/oqs/res".into(),
        };
        let json = serde_json::from_str::<u32>("x").unwrap_err();
        let io = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        let card = CardError::NoReader;
        let all: Vec<Error> = vec![
            id.into(),
            xml.into(),
            hist.into(),
            term.into(),
            json.into(),
            io.into(),
            card.into(),
        ];
        for e in &all {
            looks_like_staff_text(&e.staff_message_ja());
            assert!(
                e.detail().is_ascii() || e.detail().contains("番号"),
                "{}",
                e.detail()
            );
            assert_eq!(Diagnostic::code(e), e.code());
            assert_eq!(e.detail(), e.to_string());
        }
        let t = &all[3];
        assert!(
            t.detail().contains("/mnt/oqs/res"),
            "the detail names the path"
        );
        assert!(
            t.staff_message_ja().contains("共有フォルダ")
                && !t.staff_message_ja().contains("does not exist"),
            "the staff text is Japanese only: {}",
            t.staff_message_ja()
        );
    }

    #[test]
    fn identifier_texts_say_which_number_and_what_to_do() {
        use crate::ids::{InsurerNumber, Mode, RecipientNumber};
        let e = InsurerNumber::parse("12345", Mode::Strict).unwrap_err();
        assert_eq!(
            e.staff_message_ja(),
            "保険者番号の桁数が正しくありません（入力 5 桁、正しくは 6または8 桁）。被保険者証などを見て入力し直してください。"
        );
        // A local 受給者番号 may hold letters; a control character is never allowed.
        assert!(RecipientNumber::parse("12a", Mode::Strict).is_ok());
        let e = RecipientNumber::parse("12\u{7}", Mode::Strict).unwrap_err();
        assert!(
            e.staff_message_ja()
                .starts_with("受給者番号の3文字目に使えない文字"),
            "{}",
            e.staff_message_ja()
        );
    }
}
