//! The qualification history: apply, expire, unlink, audit.
//!
//! (Being built; see the issue tracker.)

/// Errors of this module.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HistoryError {
    /// Not available yet.
    #[error("not available")]
    Unavailable,
}

impl HistoryError {
    /// Stable numeric code (C ABI `onshi_status`).
    pub fn code(&self) -> u32 {
        300
    }
}
