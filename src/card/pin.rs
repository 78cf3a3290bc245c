//! [`Pin`]: the patient's 券面事項入力補助用暗証番号, held in a zeroized buffer.

use super::CardError;
use std::fmt;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// The 4-digit 券面事項入力補助用暗証番号 the patient types.
///
/// The digits live in a buffer that is overwritten with zeros when the `Pin` is dropped.
/// `Debug` prints `Pin(‹redacted›)`; there is no `Display`, `Clone` or serialization, so the
/// PIN cannot end up in a log line or a JSON record by accident. Full-width digits (`０`–`９`,
/// as typed with a Japanese IME) are folded to ASCII.
///
/// ```
/// use onshi::card::Pin;
/// let pin = Pin::new("１２３4").unwrap();
/// assert_eq!(format!("{pin:?}"), "Pin(‹redacted›)");
/// assert!(Pin::new("12345").is_err());
/// assert!(Pin::new("12a4").is_err());
/// ```
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct Pin {
    digits: [u8; 4],
}

impl Pin {
    /// Validates and wraps a PIN: exactly 4 digits, ASCII or full-width; surrounding ASCII
    /// whitespace (a trailing newline from a terminal) is ignored.
    pub fn new(text: &str) -> Result<Pin, CardError> {
        let mut digits = [0u8; 4];
        let mut n = 0usize;
        for c in text.trim_matches(|c: char| c.is_ascii_whitespace()).chars() {
            let d = match c {
                '0'..='9' => c as u32 - '0' as u32,
                '０'..='９' => c as u32 - '０' as u32,
                _ => {
                    digits.zeroize();
                    return Err(CardError::InvalidPinFormat);
                }
            };
            if n >= 4 {
                digits.zeroize();
                return Err(CardError::InvalidPinFormat);
            }
            digits[n] = b'0' + d as u8;
            n += 1;
        }
        if n != 4 {
            digits.zeroize();
            return Err(CardError::InvalidPinFormat);
        }
        Ok(Pin { digits })
    }

    /// Reads a PIN from the data field of a VERIFY command (4 ASCII digits), for the
    /// allow-list check of raw APDUs.
    pub(crate) fn from_ascii(bytes: &[u8]) -> Option<Pin> {
        if bytes.len() == 4 && bytes.iter().all(u8::is_ascii_digit) {
            let mut digits = [0u8; 4];
            digits.copy_from_slice(bytes);
            Some(Pin { digits })
        } else {
            None
        }
    }

    /// A second zeroized copy, for a VERIFY command that owns its PIN.
    pub(crate) fn duplicate(&self) -> Pin {
        Pin {
            digits: self.digits,
        }
    }

    /// The 4 ASCII digits, for building the VERIFY APDU (which is itself zeroized).
    pub(crate) fn ascii(&self) -> &[u8; 4] {
        &self.digits
    }
}

impl std::str::FromStr for Pin {
    type Err = CardError;
    fn from_str(s: &str) -> Result<Pin, CardError> {
        Pin::new(s)
    }
}

impl fmt::Debug for Pin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Pin(‹redacted›)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ascii_and_full_width_digits() {
        assert_eq!(Pin::new("0000").unwrap().ascii(), b"0000");
        assert_eq!(Pin::new("９８７６").unwrap().ascii(), b"9876");
        assert_eq!(Pin::new(" 1234\n").unwrap().ascii(), b"1234");
        assert_eq!("4321".parse::<Pin>().unwrap().ascii(), b"4321");
    }

    #[test]
    fn rejects_everything_else() {
        for bad in [
            "", "123", "12345", "12 34", "abcd", "١٢٣٤", "12３", "1234５", "-123", "12.3",
        ] {
            assert!(
                matches!(Pin::new(bad), Err(CardError::InvalidPinFormat)),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn debug_is_redacted() {
        let pin = Pin::new("1234").unwrap();
        assert!(!format!("{pin:?}").contains("1234"));
    }

    #[test]
    fn zeroize_clears_the_digits() {
        let mut pin = Pin::new("1234").unwrap();
        pin.zeroize();
        assert_eq!(pin.digits, [0; 4]);
    }

    #[test]
    fn from_ascii_is_strict() {
        assert!(Pin::from_ascii(b"1234").is_some());
        assert!(Pin::from_ascii(b"123").is_none());
        assert!(Pin::from_ascii(b"12345").is_none());
        assert!(Pin::from_ascii(b"12\x003").is_none());
    }
}
