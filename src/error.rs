//! The library's error type.
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
//! Error messages never contain personal data: values are shown redacted
//! (see [`crate::personal::redact`]).

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
        match self {
            Error::Id(e) => e.code(),
            Error::Xml(e) => e.code(),
            Error::History(e) => e.code(),
            Error::Terminal(e) => e.code(),
            Error::Card(e) => e.code(),
            Error::Json(_) => 700,
            Error::Io(_) => 701,
        }
    }
}
