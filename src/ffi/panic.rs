//! The panic guard and the failure type every export funnels through.
//!
//! Every exported function runs its body inside [`guard`] (a `catch_unwind`), so a bug in the
//! library becomes `ONSHI_PANIC` instead of unwinding into — and killing — the caller's
//! process. Functions that return something other than a status use [`guard_or`] with a
//! documented fallback value (NULL, 0, false).

use super::status::*;
use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// Why a call failed: the status returned to C and the message kept for `_last_error` /
/// `onshi_error_message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    pub(crate) status: onshi_status,
    pub(crate) message: String,
}

impl Failure {
    /// A failure with its own message.
    pub(crate) fn new(status: onshi_status, message: impl Into<String>) -> Failure {
        Failure {
            status,
            message: message.into(),
        }
    }

    /// A failure described by its status alone.
    pub(crate) fn of(status: onshi_status) -> Failure {
        Failure::new(status, describe(status))
    }

    /// `ONSHI_PANIC` with the panic's message.
    pub(crate) fn panic(payload: Box<dyn Any + Send>) -> Failure {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        Failure::new(ONSHI_PANIC, format!("internal error in onshi: {what}"))
    }

    /// Statuses that describe a normal outcome rather than an error; they do not replace the
    /// handle's last error.
    pub(crate) fn is_informational(&self) -> bool {
        matches!(self.status, ONSHI_BUFFER_TOO_SMALL | ONSHI_NOT_PRESENT)
    }
}

impl From<onshi_status> for Failure {
    fn from(status: onshi_status) -> Failure {
        Failure::of(status)
    }
}

impl From<crate::Error> for Failure {
    fn from(e: crate::Error) -> Failure {
        Failure::new(e.code(), e.to_string())
    }
}

impl From<crate::ids::IdError> for Failure {
    fn from(e: crate::ids::IdError) -> Failure {
        Failure::new(of_id_error(&e), e.to_string())
    }
}

impl From<crate::history::HistoryError> for Failure {
    fn from(e: crate::history::HistoryError) -> Failure {
        Failure::new(e.code(), e.to_string())
    }
}

impl From<crate::card::CardError> for Failure {
    /// The English error, then the guidance for staff in Japanese.
    fn from(e: crate::card::CardError) -> Failure {
        Failure::new(e.code(), format!("{e}: {}", e.staff_message()))
    }
}

impl From<serde_json::Error> for Failure {
    fn from(e: serde_json::Error) -> Failure {
        crate::Error::from(e).into()
    }
}

/// Runs `f`, turning a panic into `Err(ONSHI_PANIC)`.
pub(crate) fn catch<T>(f: impl FnOnce() -> Result<T, Failure>) -> Result<T, Failure> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|p| Err(Failure::panic(p)))
}

/// Runs an export's body: `Ok` becomes `ONSHI_OK`, a failure its status, a panic
/// `ONSHI_PANIC`.
pub(crate) fn guard(f: impl FnOnce() -> Result<(), Failure>) -> onshi_status {
    match catch(f) {
        Ok(()) => ONSHI_OK,
        Err(e) => e.status,
    }
}

/// Runs the body of an export that returns a value, with `fallback` on panic.
pub(crate) fn guard_or<T>(fallback: T, f: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or(fallback)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_a_status() {
        let hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let s = guard(|| panic!("boom"));
        let e = catch::<()>(|| panic!("{}", "formatted boom")).unwrap_err();
        let v = guard_or(7u32, || panic!("boom"));
        std::panic::set_hook(hook);
        assert_eq!(s, ONSHI_PANIC);
        assert_eq!(e.status, ONSHI_PANIC);
        assert!(e.message.contains("formatted boom"), "{}", e.message);
        assert_eq!(v, 7);
    }

    #[test]
    fn failures_keep_library_codes() {
        let e = crate::ids::InsurerNumber::parse("138058", crate::ids::Mode::Strict).unwrap_err();
        let f = Failure::from(e);
        assert_eq!(f.status, ONSHI_ID_CHECK_DIGIT);
        assert!(f.message.contains("expected 7"));
        assert_eq!(guard(|| Err(ONSHI_OUT_OF_RANGE.into())), ONSHI_OUT_OF_RANGE);
        assert_eq!(guard(|| Ok(())), ONSHI_OK);
    }
}
