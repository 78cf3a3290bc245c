//! [`Cancel`]: stop a blocking wait from another thread; [`WaitLimit`]: how long a call may
//! block, and the token that can end it sooner.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, Weak};
use std::time::Duration;

/// A wake-up signal: a generation counter and a condition variable.
#[derive(Default)]
pub(crate) struct Slot {
    generation: Mutex<u64>,
    cv: Condvar,
}

impl Slot {
    pub(crate) fn current(&self) -> u64 {
        *self.generation.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn bump(&self) {
        let mut g = self.generation.lock().unwrap_or_else(|p| p.into_inner());
        *g = g.wrapping_add(1);
        self.cv.notify_all();
    }

    /// Waits until the generation is no longer `seen`, at most `timeout`.
    pub(crate) fn wait_change(&self, seen: u64, timeout: Duration) {
        let g = self.generation.lock().unwrap_or_else(|p| p.into_inner());
        let _ = self
            .cv
            .wait_timeout_while(g, timeout, |g| *g == seen)
            .map_err(|p| p.into_inner());
    }
}

#[derive(Default)]
struct Inner {
    cancelled: AtomicBool,
    waiters: Mutex<Vec<Weak<Slot>>>,
}

/// A cancellation token for [`Client::wait`](super::Client::wait),
/// [`query`](super::Client::query), [`next_face`](super::Client::next_face),
/// [`bulk`](super::Client::bulk) and the other blocking calls: clone it, pass it in a
/// [`WaitLimit`] (or [`BulkOptions::cancel`](super::BulkOptions::cancel)), and call
/// [`cancel`](Cancel::cancel) from any thread; the call returns
/// [`TerminalError::Cancelled`](super::TerminalError::Cancelled) within milliseconds. A
/// cancelled wait leaves its ticket pending (its answer can still be collected later).
///
/// ```
/// use std::time::Duration;
/// use onshi::terminal::{Cancel, WaitLimit};
/// let c = Cancel::new();
/// let limit = WaitLimit::new(Duration::from_secs(30)).with_cancel(&c);
/// let other = c.clone();
/// std::thread::spawn(move || other.cancel());
/// # let _ = limit;
/// ```
#[derive(Clone, Default)]
pub struct Cancel {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Cancel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cancel")
            .field("cancelled", &self.is_cancelled())
            .finish()
    }
}

impl Cancel {
    /// A token not cancelled yet.
    pub fn new() -> Cancel {
        Cancel::default()
    }

    /// Cancels every call waiting with this token, now and later (a token stays cancelled).
    pub fn cancel(&self) {
        self.inner.cancelled.store(true, Ordering::SeqCst);
        let waiters =
            std::mem::take(&mut *self.inner.waiters.lock().unwrap_or_else(|p| p.into_inner()));
        for w in waiters {
            if let Some(s) = w.upgrade() {
                s.bump();
            }
        }
    }

    /// `true` once [`cancel`](Self::cancel) was called.
    pub fn is_cancelled(&self) -> bool {
        self.inner.cancelled.load(Ordering::SeqCst)
    }

    /// Wakes `slot` when cancelled (forgotten once the slot is dropped).
    pub(crate) fn register(&self, slot: &Arc<Slot>) {
        let mut w = self.inner.waiters.lock().unwrap_or_else(|p| p.into_inner());
        w.retain(|x| x.strong_count() > 0);
        w.push(Arc::downgrade(slot));
        drop(w);
        if self.is_cancelled() {
            slot.bump();
        }
    }
}

/// How long a call may block, and an optional [`Cancel`] token that ends it sooner.
/// A plain [`Duration`] converts into one, so `client.wait(&t, Duration::from_secs(30))`
/// works as before.
#[derive(Clone, Debug, Default)]
pub struct WaitLimit {
    /// Give up after this long.
    pub timeout: Duration,
    /// End sooner when this token is cancelled.
    pub cancel: Option<Cancel>,
}

impl WaitLimit {
    /// A limit of `timeout`, not cancellable.
    pub fn new(timeout: Duration) -> WaitLimit {
        WaitLimit {
            timeout,
            cancel: None,
        }
    }

    /// The same limit, cancellable with `cancel`.
    pub fn with_cancel(mut self, cancel: &Cancel) -> WaitLimit {
        self.cancel = Some(cancel.clone());
        self
    }

    pub(crate) fn cancelled(&self) -> bool {
        self.cancel.as_ref().is_some_and(Cancel::is_cancelled)
    }
}

impl From<Duration> for WaitLimit {
    fn from(timeout: Duration) -> WaitLimit {
        WaitLimit::new(timeout)
    }
}

impl From<(Duration, &Cancel)> for WaitLimit {
    fn from((timeout, cancel): (Duration, &Cancel)) -> WaitLimit {
        WaitLimit::new(timeout).with_cancel(cancel)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[test]
    fn cancel_wakes_a_registered_slot_from_another_thread() {
        let c = Cancel::new();
        let slot = Arc::new(Slot::default());
        c.register(&slot);
        let seen = slot.current();
        let c2 = c.clone();
        let t = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            c2.cancel();
        });
        let start = Instant::now();
        slot.wait_change(seen, Duration::from_secs(10));
        assert!(start.elapsed() < Duration::from_secs(5));
        assert!(c.is_cancelled());
        t.join().unwrap();
        // Registering after the fact wakes at once.
        let s2 = Arc::new(Slot::default());
        let g = s2.current();
        c.register(&s2);
        assert_ne!(s2.current(), g);
        let l: WaitLimit = (Duration::from_secs(1), &c).into();
        assert!(l.cancelled());
        assert!(!WaitLimit::from(Duration::ZERO).cancelled());
    }
}
