//! [`Personal`]: a wrapper that keeps personal data out of logs.
//!
//! Names, kana, addresses, birthdates and card numbers travel through the library inside
//! `Personal<T>`. Its `Debug` and `Display` print `‹redacted›`, so a `{:?}` of a record, an
//! error message or a log line cannot leak them by accident. Reading the value is explicit:
//! [`Personal::expose`] (or `Deref`).
//!
//! ```
//! use onshi::Personal;
//! let name = Personal::new("見本　花子".to_string());
//! assert_eq!(format!("{name:?}"), "‹redacted›");
//! assert_eq!(name.expose(), "見本　花子");
//! ```

use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::Deref;

/// A personal value (name, address, birthdate, card number …) whose `Debug` and `Display`
/// are redacted. Serialization (JSON, XML) writes the real value.
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Personal<T>(T);

impl<T> Personal<T> {
    /// Wraps a personal value.
    pub const fn new(value: T) -> Self {
        Personal(value)
    }

    /// The real value. Call this only where the value is needed (a form, a comparison, a
    /// file to the terminal), never to build a log line.
    pub fn expose(&self) -> &T {
        &self.0
    }

    /// Unwraps the real value.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl Personal<String> {
    /// The real value as `&str`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<T> Deref for Personal<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> From<T> for Personal<T> {
    fn from(value: T) -> Self {
        Personal(value)
    }
}

impl From<&str> for Personal<String> {
    fn from(value: &str) -> Self {
        Personal(value.to_string())
    }
}

impl<T> fmt::Debug for Personal<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("‹redacted›")
    }
}

impl<T> fmt::Display for Personal<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("‹redacted›")
    }
}

/// Masks a personal text for an error message or a log line: keeps its length class only.
///
/// ```
/// assert_eq!(onshi::personal::redact("19800101"), "‹8 chars›");
/// ```
pub fn redact(value: &str) -> String {
    format!("‹{} chars›", value.chars().count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_never_show_the_value() {
        let p = Personal::new("ｼﾝﾘｮｳ ﾀﾛｳ".to_string());
        assert!(!format!("{p:?}").contains("ｼﾝﾘｮｳ"));
        assert!(!format!("{p}").contains("ｼﾝﾘｮｳ"));
        assert_eq!(p.as_str(), "ｼﾝﾘｮｳ ﾀﾛｳ");
    }

    #[test]
    fn serializes_the_real_value() {
        let p = Personal::new("abc".to_string());
        assert_eq!(serde_json::to_string(&p).unwrap(), "\"abc\"");
    }
}
