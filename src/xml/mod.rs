//! The terminal's XML files: reading and writing every message family.
//!
//! (Being built; see the issue tracker.)

/// Errors of this module.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum XmlError {
    /// Not available yet.
    #[error("not available")]
    Unavailable,
}

impl XmlError {
    /// Stable numeric code (C ABI `onshi_status`).
    pub fn code(&self) -> u32 {
        200
    }
}
