//! My Number card access over PC/SC.
//!
//! (Being built; see the issue tracker.)

/// Errors of this module.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CardError {
    /// Not available yet.
    #[error("not available")]
    Unavailable,
}

impl CardError {
    /// Stable numeric code (C ABI `onshi_status`).
    pub fn code(&self) -> u32 {
        500
    }
}
