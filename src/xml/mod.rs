//! The terminal's XML files: reading and writing every message family.
//!
//! * [`FileName`] — what a file is from its name, and req ↔ res pairing;
//! * [`Message`] and its structs — the content of every family.
//!
//! (Parsing and writing are being built; see the issue tracker.)

mod filename;
mod messages;

pub use filename::{
    Direction, Extension, FaceFile, Family, FileName, FileNameError, MAX_FILE_NAME_LEN, Phase,
};
pub use messages::*;

/// Errors of this module.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum XmlError {
    /// The file name is not an interface file name, or is unsafe.
    #[error(transparent)]
    FileName(#[from] FileNameError),
}

impl XmlError {
    /// Stable numeric code (C ABI `onshi_status`).
    pub fn code(&self) -> u32 {
        match self {
            XmlError::FileName(e) => e.code(),
        }
    }
}
