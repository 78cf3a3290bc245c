//! The req/res/face folder client and the terminal emulator.
//!
//! (Being built; see the issue tracker.)

/// Errors of this module.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TerminalError {
    /// Not available yet.
    #[error("not available")]
    Unavailable,
}

impl TerminalError {
    /// Stable numeric code (C ABI `onshi_status`).
    pub fn code(&self) -> u32 {
        400
    }
}
