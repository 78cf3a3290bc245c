//! The panic guard and the failure type every export funnels through.
//!
//! Every exported function runs its body inside [`guard`] (a `catch_unwind`), so a bug in the
//! library becomes `ONSHI_PANIC` instead of unwinding into — and killing — the caller's
//! process. Functions that return something other than a status use [`guard_or`] with a
//! documented fallback value (NULL, 0, false).
//!
//! A caught panic must not print either: Rust's default panic hook writes the message to the
//! host's stderr before `catch_unwind` sees it. The first export called installs a hook
//! ([`install_quiet_hook`]) that keeps quiet for panics inside a guard and on the library's
//! own threads (named `onshi-…`), keeps their message and place for the `ONSHI_PANIC`
//! detail, and hands every other panic of the process to the hook that was there before.

use super::status::*;
use crate::error::Diagnostic;
use std::any::Any;
use std::cell::{Cell, RefCell};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;

/// Why a call failed: the status returned to C, the English detail for developers (kept for
/// `_last_error` / `onshi_error_message`) and, when the error has one of its own, the Japanese
/// text for reception staff (otherwise the status's, [`status_message_ja`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    pub(crate) status: onshi_status,
    pub(crate) message: String,
    pub(crate) staff: Option<String>,
}

impl Failure {
    /// A failure with its own (English) detail; the staff text is the status's.
    pub(crate) fn new(status: onshi_status, message: impl Into<String>) -> Failure {
        Failure {
            status,
            message: message.into(),
            staff: None,
        }
    }

    /// A failure described by its status alone.
    pub(crate) fn of(status: onshi_status) -> Failure {
        Failure::new(status, describe(status))
    }

    /// Replaces the staff text.
    pub(crate) fn with_staff(mut self, staff: impl Into<String>) -> Failure {
        self.staff = Some(staff.into());
        self
    }

    /// The Japanese text for reception staff.
    pub(crate) fn staff_ja(&self) -> &str {
        match &self.staff {
            Some(s) => s,
            None => status_message_ja(self.status),
        }
    }

    /// The empty failure an error object holds after a success.
    pub(crate) fn ok() -> Failure {
        Failure {
            status: ONSHI_OK,
            message: String::new(),
            staff: Some(String::new()),
        }
    }

    /// `ONSHI_PANIC` with the panic's message and, when the hook saw it, its place.
    pub(crate) fn panic(payload: Box<dyn Any + Send>) -> Failure {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        let at = LAST_PANIC_AT
            .with(|l| l.borrow_mut().take())
            .map(|l| format!(" at {l}"))
            .unwrap_or_default();
        Failure::new(ONSHI_PANIC, format!("internal error in onshi{at}: {what}"))
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

/// Every error of the library crosses the C ABI with its code, its English detail and its
/// Japanese staff text as separate parts.
impl<E: Diagnostic> From<E> for Failure {
    fn from(e: E) -> Failure {
        Failure {
            status: e.code(),
            message: e.detail(),
            staff: Some(e.staff_message_ja()),
        }
    }
}

thread_local! {
    /// How many guards this thread is inside: a panic then is caught, so it stays quiet.
    static GUARDED: Cell<u32> = const { Cell::new(0) };
    /// Where the last quiet panic of this thread happened (`file:line:column`).
    static LAST_PANIC_AT: RefCell<Option<String>> = const { RefCell::new(None) };
}

static QUIET_HOOK: Once = Once::new();

/// Installs, once per process, the panic hook that keeps the library's panics off the host's
/// stderr (see the module documentation). Panics elsewhere in the process still reach the
/// hook that was installed before.
pub(crate) fn install_quiet_hook() {
    QUIET_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let ours = GUARDED.with(|g| g.get() > 0)
                || std::thread::current()
                    .name()
                    .is_some_and(|n| n.starts_with("onshi-"));
            if ours {
                let at = info
                    .location()
                    .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()));
                LAST_PANIC_AT.with(|l| *l.borrow_mut() = at);
            } else {
                previous(info);
            }
        }));
    });
}

/// Marks this thread as inside a guard until dropped.
struct Guarded;

impl Guarded {
    fn enter() -> Guarded {
        install_quiet_hook();
        GUARDED.with(|g| g.set(g.get() + 1));
        Guarded
    }
}

impl Drop for Guarded {
    fn drop(&mut self) {
        GUARDED.with(|g| g.set(g.get().saturating_sub(1)));
    }
}

/// Runs `f`, turning a panic into `Err(ONSHI_PANIC)` without printing it.
pub(crate) fn catch<T>(f: impl FnOnce() -> Result<T, Failure>) -> Result<T, Failure> {
    let _quiet = Guarded::enter();
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
    let _quiet = Guarded::enter();
    catch_unwind(AssertUnwindSafe(f)).unwrap_or(fallback)
}

/// Runs `f` (the caller's callback, or code around it, on a library thread) so that a panic
/// of the library around it is swallowed quietly instead of ending the thread.
pub(crate) fn quietly(f: impl FnOnce()) {
    let _quiet = Guarded::enter();
    let _ = catch_unwind(AssertUnwindSafe(f));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_a_status() {
        let s = guard(|| panic!("boom"));
        let e = catch::<()>(|| panic!("{}", "formatted boom")).unwrap_err();
        let v = guard_or(7u32, || panic!("boom"));
        assert_eq!(s, ONSHI_PANIC);
        assert_eq!(e.status, ONSHI_PANIC);
        assert!(e.message.contains("formatted boom"), "{}", e.message);
        assert!(e.message.contains("panic.rs:"), "the place: {}", e.message);
        assert_eq!(v, 7);
        assert!(
            e.staff_ja().contains("ライブラリ内部のエラー"),
            "{}",
            e.staff_ja()
        );
    }

    #[test]
    fn failures_keep_library_codes_and_both_texts() {
        let e = crate::ids::InsurerNumber::parse("138058", crate::ids::Mode::Strict).unwrap_err();
        let f = Failure::from(e);
        assert_eq!(f.status, ONSHI_ID_CHECK_DIGIT);
        assert!(f.message.contains("expected 7"));
        assert!(f.staff_ja().contains("検証番号"), "{}", f.staff_ja());
        assert_eq!(guard(|| Err(ONSHI_OUT_OF_RANGE.into())), ONSHI_OUT_OF_RANGE);
        assert_eq!(guard(|| Ok(())), ONSHI_OK);
    }
}
