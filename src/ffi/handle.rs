//! Opaque handles, the registry of live handles, checked out-parameters and UTF-8 string
//! views.
//!
//! **A handle is a key, not an address.** Every C handle type (`onshi_qualification`,
//! `onshi_error`, …) is an empty Rust struct that C only sees as `typedef struct onshi_x
//! onshi_x;`. The pointer value C holds encodes a slot of a process-wide registry and the
//! slot's generation; the registry maps it to the [`Handle`] behind it. So every call checks
//! its handles without reading memory the caller gave it: a NULL, a pointer that never was a
//! handle, a handle of another type, and a handle already freed (its slot's generation has
//! moved on) are all `ONSHI_INVALID_HANDLE` with a message saying which — never a read of
//! freed memory. (A slot's generation wraps after 2^32 reuses on 64-bit targets, 2^10 on
//! 32-bit ones; only then could a stale handle name a live one again.)
//!
//! **Threads.** Every handle may be shared between threads. The value is kept as
//! `Mutex<Arc<T>>`: a read-only call takes a snapshot (locks, clones the `Arc`, unlocks) and
//! reads it without holding any lock, so reads never wait for each other and a call never
//! holds one handle's lock while waiting for another's; a mutating call holds the lock and
//! changes the value in place (copy-on-write when a reader still holds a snapshot). Types that
//! synchronize themselves (the terminal client, the emulator, a card session) are only read.
//! A mutating call may snapshot other handles while it holds its own lock; no mutating call of
//! a type reads a handle of a type whose mutating calls read the first type (today: a
//! history's `_apply` reads a diff and choices, a matching's `_add_qualification` reads a
//! qualification), so no two calls wait for each other.
//!
//! **Freeing.** `_free` takes the handle out of the registry at once (later calls get
//! `ONSHI_INVALID_HANDLE`), lets the value stop what it runs in the background
//! ([`Castable::close`]: the client cancels its waits and stops face delivery), waits until
//! the calls already inside the handle on other threads have returned, and drops the value.
//!
//! All pointer handling of the C ABI lives in this file: the export functions never cast or
//! dereference a raw pointer themselves.

use super::panic::{Failure, catch, guard};
use super::status::*;
use std::any::Any;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::ffi::c_char;
use std::ptr::NonNull;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError, RwLock};

/// Ties a C handle type to the Rust value behind it.
pub(crate) trait Castable: Sized + 'static {
    /// The Rust value a handle of this type owns.
    type Rust: Send + Sync + 'static;
    /// The type's tag: a second check, next to the `TypeId` of the value.
    const TAG: u64;

    /// Called by `_free` once the handle has left the registry and before it waits for the
    /// calls still inside it: stops what would keep them (or the caller's callbacks) running.
    fn close(_value: &Self::Rust) {}
}

/// The C name of a handle type (`onshi_qualification`), for messages.
fn c_name<C>() -> &'static str {
    let n = std::any::type_name::<C>();
    n.rsplit("::").next().unwrap_or(n)
}

/// Locks a mutex, ignoring poisoning: every value behind a lock stays consistent across a
/// caught panic (a mutating call either finished its change or did not start it).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// What the registry holds for each live handle.
pub(crate) struct Handle<T> {
    last_error: Mutex<Failure>,
    value: Mutex<Arc<T>>,
    /// Calls inside this handle now (on any thread).
    calls: AtomicUsize,
    /// Set by `_free`; the last call out then wakes it.
    closing: AtomicBool,
    idle_lock: Mutex<()>,
    idle: Condvar,
}

impl<T> Handle<T> {
    /// Records the failure of a call (informational statuses are not errors).
    pub(crate) fn record(&self, failure: &Failure) {
        if failure.is_informational() {
            return;
        }
        *lock(&self.last_error) = failure.clone();
    }

    /// The most recent failure ([`Failure::ok`] if none failed yet).
    pub(crate) fn last_failure(&self) -> Failure {
        lock(&self.last_error).clone()
    }

    /// The English message of the most recent failed call ("" if none failed yet).
    pub(crate) fn last_error(&self) -> String {
        lock(&self.last_error).message.clone()
    }

    /// A snapshot of the value.
    fn snapshot(&self) -> Arc<T> {
        lock(&self.value).clone()
    }

    fn leave(&self) {
        if self.calls.fetch_sub(1, Ordering::SeqCst) == 1 && self.closing.load(Ordering::SeqCst) {
            let _g = lock(&self.idle_lock);
            self.idle.notify_all();
        }
    }

    /// Waits until no call is inside the handle but `own` (calls of this thread).
    fn wait_idle(&self, own: usize) {
        self.closing.store(true, Ordering::SeqCst);
        let mut g = lock(&self.idle_lock);
        while self.calls.load(Ordering::SeqCst) > own {
            g = self.idle.wait(g).unwrap_or_else(PoisonError::into_inner);
        }
    }
}

// ---- the registry ----

/// Low bits that are always 0, so a handle looks like an aligned pointer.
const SHIFT: u32 = 3;
#[cfg(target_pointer_width = "64")]
const INDEX_BITS: u32 = 29;
#[cfg(not(target_pointer_width = "64"))]
const INDEX_BITS: u32 = 19;
const INDEX_MAX: usize = (1 << INDEX_BITS) - 1;
const GEN_BITS: u32 = usize::BITS - SHIFT - INDEX_BITS;
const GEN_MASK: u64 = if GEN_BITS >= 32 {
    u32::MAX as u64
} else {
    (1u64 << GEN_BITS) - 1
};

/// Where a handle lives in the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Id {
    index: usize,
    generation: u32,
}

impl Id {
    /// The pointer value C sees: `(generation, index + 1, 000)`; never 0.
    fn to_ptr<C>(self) -> *mut C {
        let v = ((self.generation as usize) << (INDEX_BITS + SHIFT)) | ((self.index + 1) << SHIFT);
        // A handle is never dereferenced: it only has to round-trip through C.
        std::ptr::without_provenance_mut(v)
    }

    fn from_ptr<C>(p: *const C) -> Option<Id> {
        let v = p as usize;
        if v & ((1 << SHIFT) - 1) != 0 {
            return None;
        }
        let i = (v >> SHIFT) & INDEX_MAX;
        let generation = (v >> (INDEX_BITS + SHIFT)) as u64;
        if i == 0 || generation > GEN_MASK {
            return None;
        }
        Some(Id {
            index: i - 1,
            generation: generation as u32,
        })
    }
}

/// A handle of any type, as the registry holds it.
trait Erased: Send + Sync {
    fn last_failure(&self) -> Failure;
    fn into_any(self: Arc<Self>) -> Arc<dyn Any + Send + Sync>;
}

impl<T: Send + Sync + 'static> Erased for Handle<T> {
    fn last_failure(&self) -> Failure {
        Handle::last_failure(self)
    }
    fn into_any(self: Arc<Self>) -> Arc<dyn Any + Send + Sync> {
        self
    }
}

struct Entry {
    tag: u64,
    name: &'static str,
    handle: Arc<dyn Erased>,
}

struct Slot {
    generation: u32,
    entry: Option<Entry>,
}

struct Registry {
    slots: Vec<Slot>,
    /// Free slots, oldest first: a slot is reused as late as possible.
    free: VecDeque<usize>,
}

static REGISTRY: RwLock<Registry> = RwLock::new(Registry {
    slots: Vec::new(),
    free: VecDeque::new(),
});

fn registry_read() -> std::sync::RwLockReadGuard<'static, Registry> {
    REGISTRY.read().unwrap_or_else(PoisonError::into_inner)
}

fn registry_write() -> std::sync::RwLockWriteGuard<'static, Registry> {
    REGISTRY.write().unwrap_or_else(PoisonError::into_inner)
}

/// The number of live handles (`onshi_live_handle_count`).
pub(crate) fn live_handles() -> usize {
    let r = registry_read();
    r.slots.iter().filter(|s| s.entry.is_some()).count()
}

/// Registers `value` as a new handle and gives up ownership to the caller.
///
/// Panics (caught by the export's guard: `ONSHI_PANIC`) only when 2^29 handles (2^19 on
/// 32-bit targets) are alive at once.
pub(crate) fn into_raw<C: Castable>(value: C::Rust) -> *mut C {
    let handle: Arc<Handle<C::Rust>> = Arc::new(Handle {
        last_error: Mutex::new(Failure::ok()),
        value: Mutex::new(Arc::new(value)),
        calls: AtomicUsize::new(0),
        closing: AtomicBool::new(false),
        idle_lock: Mutex::new(()),
        idle: Condvar::new(),
    });
    let entry = Entry {
        tag: C::TAG,
        name: c_name::<C>(),
        handle,
    };
    let mut r = registry_write();
    let index = match r.free.pop_front() {
        Some(i) => i,
        None => {
            let i = r.slots.len();
            assert!(i < INDEX_MAX, "too many live onshi handles ({i})");
            r.slots.push(Slot {
                generation: 0,
                entry: None,
            });
            i
        }
    };
    let slot = &mut r.slots[index];
    slot.entry = Some(entry);
    Id {
        index,
        generation: slot.generation,
    }
    .to_ptr()
}

/// Why `p` is not a live handle of type `C`.
fn not_live<C: Castable>(p: *const C, r: &Registry) -> Failure {
    if p.is_null() {
        return Failure::new(
            ONSHI_NULL_PARAMETER,
            format!("the {} handle is NULL", c_name::<C>()),
        );
    }
    let what = match Id::from_ptr(p).and_then(|id| r.slots.get(id.index).map(|s| (id, s))) {
        None => "is not a handle of this library".to_string(),
        Some((id, s)) => match &s.entry {
            _ if s.generation != id.generation => "was freed".to_string(),
            None => "was freed".to_string(),
            Some(e) if e.tag != C::TAG => format!("is an {}", e.name),
            Some(_) => "is not of the expected type".to_string(),
        },
    };
    Failure::new(
        ONSHI_INVALID_HANDLE,
        format!("not a live {}: the handle {what}", c_name::<C>()),
    )
}

/// A call inside a handle: counted until dropped, so `_free` can wait for it.
pub(crate) struct Call<T> {
    id: Id,
    pub(crate) handle: Arc<Handle<T>>,
}

impl<T> Drop for Call<T> {
    fn drop(&mut self) {
        CALLS.with(|c| {
            let mut c = c.borrow_mut();
            if let Some(i) = c.iter().rposition(|x| *x == self.id) {
                c.remove(i);
            }
        });
        self.handle.leave();
    }
}

thread_local! {
    /// The handles this thread is inside, innermost last.
    static CALLS: RefCell<Vec<Id>> = const { RefCell::new(Vec::new()) };
    /// The handles this thread is changing (their lock is held).
    static WRITING: RefCell<Vec<Id>> = const { RefCell::new(Vec::new()) };
}

/// Enters a handle: checks it is a live handle of type `C` and counts the call.
fn enter<C: Castable>(p: *const C) -> Result<Call<C::Rust>, Failure> {
    let r = registry_read();
    let found = Id::from_ptr(p).and_then(|id| {
        let s = r.slots.get(id.index)?;
        let e = s.entry.as_ref()?;
        (s.generation == id.generation && e.tag == C::TAG)
            .then(|| {
                e.handle
                    .clone()
                    .into_any()
                    .downcast::<Handle<C::Rust>>()
                    .ok()
            })
            .flatten()
            .map(|h| (id, h))
    });
    let Some((id, handle)) = found else {
        return Err(not_live(p, &r));
    };
    // Counted while the registry is read-locked: `_free` (write lock) either sees this call
    // or the call does not find the handle.
    handle.calls.fetch_add(1, Ordering::SeqCst);
    drop(r);
    CALLS.with(|c| c.borrow_mut().push(id));
    Ok(Call { id, handle })
}

/// The last failure of a live handle of any type: `Err` when `p` is not one.
pub(crate) fn last_failure_of_any(p: *const std::ffi::c_void) -> Result<Failure, Failure> {
    let r = registry_read();
    let found = Id::from_ptr(p).and_then(|id| {
        let s = r.slots.get(id.index)?;
        let e = s.entry.as_ref()?;
        (s.generation == id.generation).then(|| e.handle.clone())
    });
    match found {
        Some(h) => {
            drop(r);
            Ok(h.last_failure())
        }
        None if p.is_null() => Err(Failure::new(ONSHI_NULL_PARAMETER, "the handle is NULL")),
        None => Err(Failure::new(
            ONSHI_INVALID_HANDLE,
            "not a live handle: it was freed or never was one",
        )),
    }
}

/// A snapshot of a handle's value: changes made by other threads after it was taken are not
/// seen, and it stays valid while they are made.
pub(crate) struct Snapshot<T>(Arc<T>);

impl<T> std::ops::Deref for Snapshot<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> Snapshot<T> {
    /// The value itself, shared: it outlives the call and the handle.
    pub(crate) fn share(&self) -> Arc<T> {
        self.0.clone()
    }
}

impl<T: Clone> Snapshot<T> {
    /// A copy of the value (not of the snapshot).
    pub(crate) fn clone(&self) -> T {
        T::clone(&self.0)
    }
}

/// A read-only view of a handle for the length of a call: a snapshot of its value.
pub(crate) struct Ref<T> {
    /// The value.
    pub(crate) value: Snapshot<T>,
    call: Call<T>,
}

impl<T> Ref<T> {
    /// The handle (its last error).
    pub(crate) fn handle(&self) -> &Handle<T> {
        &self.call.handle
    }

    /// The English message of the handle's most recent failed call ("" if none failed).
    pub(crate) fn last_error(&self) -> String {
        self.call.handle.last_error()
    }
}

/// Borrows a handle for reading: a snapshot of its value.
///
/// Refused (`ONSHI_INVALID_ARGUMENT`) when this same call is changing the handle: a handle
/// cannot be both the target and an input of one call.
///
/// # Safety
/// None beyond the function's contract: any pointer value is accepted and checked against the
/// registry without being dereferenced. (Kept `unsafe` for the callers' uniformity.)
pub(crate) unsafe fn handle_ref<C: Castable>(p: *const C) -> Result<Ref<C::Rust>, Failure> {
    let call = enter(p)?;
    if WRITING.with(|w| w.borrow().contains(&call.id)) {
        return Err(Failure::new(
            ONSHI_INVALID_ARGUMENT,
            format!(
                "the same {} is passed both as the handle being changed and as an input",
                c_name::<C>()
            ),
        ));
    }
    let value = Snapshot(call.handle.snapshot());
    Ok(Ref { value, call })
}

/// Frees a handle; NULL is accepted. A pointer that is not a live handle of this type is
/// left alone.
///
/// # Safety
/// None beyond the function's contract (see [`handle_ref`]).
pub(crate) unsafe fn free<C: Castable>(p: *mut C) {
    let Some(id) = Id::from_ptr(p) else { return };
    let handle = {
        let mut r = registry_write();
        let Some(s) = r.slots.get_mut(id.index) else {
            return;
        };
        if s.generation != id.generation || s.entry.as_ref().is_none_or(|e| e.tag != C::TAG) {
            return;
        }
        let Some(Ok(h)) = s
            .entry
            .take()
            .map(|e| e.handle.into_any().downcast::<Handle<C::Rust>>())
        else {
            return;
        };
        s.generation = ((u64::from(s.generation) + 1) & GEN_MASK) as u32;
        r.free.push_back(id.index);
        h
    };
    let value = handle.snapshot();
    C::close(&value);
    drop(value);
    // Calls of this thread inside the handle (a callback that frees the handle it was called
    // for) cannot end before this does.
    let own = CALLS.with(|c| c.borrow().iter().filter(|x| **x == id).count());
    handle.wait_idle(own);
}

/// Runs a read-only method: the handle is checked, `f` runs inside the panic guard on a
/// snapshot of the value, and a failure is recorded as the handle's last error.
///
/// # Safety
/// None beyond the function's contract (see [`handle_ref`]).
pub(crate) unsafe fn method<C: Castable>(
    p: *const C,
    f: impl FnOnce(&C::Rust) -> Result<(), Failure>,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    guard(|| unsafe { call(p, f) })
}

/// The body of [`method`] without the guard, for callers that add to it (a per-call error
/// object).
///
/// # Safety
/// None beyond the function's contract (see [`handle_ref`]).
pub(crate) unsafe fn call<C: Castable>(
    p: *const C,
    f: impl FnOnce(&C::Rust) -> Result<(), Failure>,
) -> Result<(), Failure> {
    // SAFETY: forwarded from the caller.
    let h = unsafe { handle_ref(p) }?;
    let r = catch(|| f(&h.value));
    if let Err(e) = &r {
        h.handle().record(e);
    }
    r
}

/// Runs a mutating method, like [`method`], with the handle's lock held: calls on the same
/// handle from other threads wait; reads that took their snapshot before keep it.
///
/// # Safety
/// None beyond the function's contract (see [`handle_ref`]).
pub(crate) unsafe fn method_mut<C: Castable>(
    p: *mut C,
    f: impl FnOnce(&mut C::Rust) -> Result<(), Failure>,
) -> onshi_status
where
    C::Rust: Clone,
{
    guard(|| {
        let call = enter(p.cast_const())?;
        let id = call.id;
        let r = {
            let mut v = lock(&call.handle.value);
            WRITING.with(|w| w.borrow_mut().push(id));
            let r = catch(|| f(Arc::make_mut(&mut v)));
            WRITING.with(|w| {
                let mut w = w.borrow_mut();
                if let Some(i) = w.iter().rposition(|x| *x == id) {
                    w.remove(i);
                }
            });
            r
        };
        if let Err(e) = &r {
            call.handle.record(e);
        }
        r
    })
}

/// Replaces the value of a handle (an error object's last outcome).
///
/// # Safety
/// None beyond the function's contract (see [`handle_ref`]).
pub(crate) unsafe fn replace<C: Castable>(p: *mut C, value: C::Rust) -> Result<(), Failure> {
    let call = enter(p.cast_const())?;
    *lock(&call.handle.value) = Arc::new(value);
    Ok(())
}

/// Checks that `p` is a live handle of type `C` without holding it.
///
/// # Safety
/// None beyond the function's contract (see [`handle_ref`]).
pub(crate) unsafe fn check_live<C: Castable>(p: *const C) -> Result<(), Failure> {
    enter(p).map(drop)
}

// ---- in and out parameters ----

/// A checked, not yet written out-parameter. Checking every out-pointer before doing any
/// work is what makes "out-parameters are written only on success" hold.
pub(crate) struct Out<T>(NonNull<T>);

impl<T> Out<T> {
    /// Checks an out-pointer: non-NULL and aligned.
    pub(crate) fn new(p: *mut T) -> Result<Out<T>, Failure> {
        let p = NonNull::new(p).ok_or(Failure::new(
            ONSHI_NULL_PARAMETER,
            "an out-parameter is NULL",
        ))?;
        if !p.as_ptr().is_aligned() {
            return Err(Failure::new(
                ONSHI_INVALID_ARGUMENT,
                "out-parameter is not aligned",
            ));
        }
        Ok(Out(p))
    }

    /// Writes the value.
    pub(crate) fn set(self, value: T) {
        // SAFETY: checked non-NULL and aligned; the caller promised writable memory.
        unsafe { self.0.as_ptr().write(value) }
    }
}

/// Reads an optional input struct passed by pointer: NULL is `None`.
///
/// # Safety
/// `p` is NULL or valid for reading one `T`.
pub(crate) unsafe fn opt_in<T: Copy>(p: *const T) -> Result<Option<T>, Failure> {
    if p.is_null() {
        return Ok(None);
    }
    // SAFETY: forwarded from the caller.
    unsafe { read_in(p) }.map(Some)
}

/// Reads a caller's input struct passed by pointer.
///
/// # Safety
/// `p` is NULL or valid for reading one `T`.
pub(crate) unsafe fn read_in<T: Copy>(p: *const T) -> Result<T, Failure> {
    if p.is_null() {
        return Err(Failure::new(
            ONSHI_NULL_PARAMETER,
            "an input structure pointer is NULL",
        ));
    }
    if !p.is_aligned() {
        return Err(Failure::new(
            ONSHI_INVALID_ARGUMENT,
            "pointer is not aligned",
        ));
    }
    // SAFETY: non-NULL, aligned, and the caller promises a readable `T`.
    Ok(unsafe { p.read() })
}

/// Borrows a caller's string given as pointer + byte length. `(NULL, 0)` is the empty
/// string; `(NULL, n > 0)` is `ONSHI_NULL_PARAMETER`; invalid UTF-8 is `ONSHI_INVALID_UTF8`;
/// a NUL character (U+0000) inside is `ONSHI_EMBEDDED_NUL` (C would cut the text there, and no
/// field of the interface holds one).
///
/// # Safety
/// `ptr` is NULL or valid for reading `len` bytes during the call.
pub(crate) unsafe fn text_in<'a>(ptr: *const u8, len: usize) -> Result<&'a str, Failure> {
    // SAFETY: forwarded from the caller.
    let bytes = unsafe { bytes_in(ptr, len) }?;
    let s = std::str::from_utf8(bytes).map_err(|e| {
        Failure::new(
            ONSHI_INVALID_UTF8,
            format!(
                "input is not valid UTF-8 (byte {} of {len})",
                e.valid_up_to()
            ),
        )
    })?;
    if let Some(at) = bytes.iter().position(|b| *b == 0) {
        return Err(Failure::new(
            ONSHI_EMBEDDED_NUL,
            format!("text input holds a NUL character at byte {at} of {len}"),
        ));
    }
    Ok(s)
}

/// Borrows a caller's byte buffer; `(NULL, 0)` is empty.
///
/// # Safety
/// `ptr` is NULL or valid for reading `len` bytes during the call.
pub(crate) unsafe fn bytes_in<'a>(ptr: *const u8, len: usize) -> Result<&'a [u8], Failure> {
    if ptr.is_null() {
        return if len == 0 {
            Ok(&[])
        } else {
            Err(Failure::new(
                ONSHI_NULL_PARAMETER,
                "string pointer is NULL but its length is not 0",
            ))
        };
    }
    if len > isize::MAX as usize {
        return Err(Failure::of(ONSHI_OUT_OF_RANGE));
    }
    // SAFETY: non-NULL, length bounded by isize::MAX, caller promises `len` readable bytes;
    // u8 has alignment 1.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// A checked text out-parameter triple `(char *buf, size_t cap, size_t *out_len)`.
///
/// The size query: `*out_len` receives the text's length in bytes (excluding the NUL). When
/// `buf` is non-NULL and `cap > *out_len` the text and a terminating NUL are copied and the
/// call succeeds; otherwise (a NULL `buf` whatever `cap` says, or a `cap` too small) nothing
/// is copied and the call returns `ONSHI_BUFFER_TOO_SMALL`.
pub(crate) struct TextOut {
    buf: *mut c_char,
    cap: usize,
    len: Out<usize>,
}

impl TextOut {
    /// Checks the triple: `out_len` must be non-NULL. A NULL `buf` is a size query, whatever
    /// `cap` says.
    pub(crate) fn new(buf: *mut c_char, cap: usize, out_len: *mut usize) -> Result<Self, Failure> {
        let len = Out::new(out_len)?;
        Ok(TextOut { buf, cap, len })
    }

    /// Writes `text`, or reports the length needed.
    pub(crate) fn write(self, text: &str) -> Result<(), Failure> {
        let n = text.len();
        self.len.set(n);
        if self.buf.is_null() || self.cap <= n {
            return Err(Failure::of(ONSHI_BUFFER_TOO_SMALL));
        }
        // SAFETY: `buf` is non-NULL and the caller promised `cap` writable bytes; `n + 1 <=
        // cap`. The regions cannot overlap: `text` is owned by the library.
        unsafe {
            std::ptr::copy_nonoverlapping(text.as_ptr(), self.buf.cast::<u8>(), n);
            self.buf.add(n).write(0);
        }
        Ok(())
    }
}

/// A checked bytes out-parameter triple `(uint8_t *buf, size_t cap, size_t *out_len)`: the
/// size query of text, for binary output (no terminating NUL).
///
/// `*out_len` receives the length in bytes. When `buf` is non-NULL and `cap >= *out_len` the
/// bytes are copied and the call succeeds; otherwise nothing is copied and the call returns
/// `ONSHI_BUFFER_TOO_SMALL`.
pub(crate) struct BytesOut {
    buf: *mut u8,
    cap: usize,
    len: Out<usize>,
}

impl BytesOut {
    /// Checks the triple: `out_len` must be non-NULL. A NULL `buf` is a size query, whatever
    /// `cap` says.
    pub(crate) fn new(buf: *mut u8, cap: usize, out_len: *mut usize) -> Result<Self, Failure> {
        let len = Out::new(out_len)?;
        Ok(BytesOut { buf, cap, len })
    }

    /// Writes `bytes`, or reports the length needed.
    pub(crate) fn write(self, bytes: &[u8]) -> Result<(), Failure> {
        let n = bytes.len();
        self.len.set(n);
        if n == 0 {
            return Ok(());
        }
        if self.buf.is_null() || self.cap < n {
            return Err(Failure::of(ONSHI_BUFFER_TOO_SMALL));
        }
        // SAFETY: `buf` is non-NULL and the caller promised `cap >= n` writable bytes; the
        // source is owned by the library, so the regions cannot overlap.
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), self.buf, n) };
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Dummy;
    impl Castable for Dummy {
        type Rust = String;
        const TAG: u64 = 1;
    }
    struct Other;
    impl Castable for Other {
        type Rust = u8;
        const TAG: u64 = 2;
    }

    #[test]
    fn handles_reject_null_other_types_and_freed() {
        let p = into_raw::<Dummy>("x".into());
        unsafe {
            assert_eq!(*handle_ref(p).ok().unwrap().value, "x");
            let wrong = p.cast::<Other>();
            let e = handle_ref(wrong).err().unwrap();
            assert_eq!(e.status, ONSHI_INVALID_HANDLE);
            assert!(e.message.contains("is an Dummy"), "{}", e.message);
            free(wrong); // ignored: wrong type
            assert_eq!(
                handle_ref::<Dummy>(std::ptr::null()).err().unwrap().status,
                ONSHI_NULL_PARAMETER
            );
            free::<Dummy>(std::ptr::null_mut());
            free(p);
            let e = handle_ref(p).err().unwrap();
            assert_eq!(e.status, ONSHI_INVALID_HANDLE);
            assert!(e.message.contains("was freed"), "{}", e.message);
            free(p); // a double free is ignored
            // A new handle reuses a slot only with a new generation: the stale pointer stays
            // dead even when the slot is taken again.
            let q: Vec<*mut Dummy> = (0..64).map(|i| into_raw::<Dummy>(i.to_string())).collect();
            assert!(q.iter().all(|x| *x != p));
            assert_eq!(handle_ref(p).err().unwrap().status, ONSHI_INVALID_HANDLE);
            for x in q {
                free(x);
            }
            let junk = std::ptr::without_provenance::<Dummy>(0xdead_bee8);
            assert_eq!(handle_ref(junk).err().unwrap().status, ONSHI_INVALID_HANDLE);
            let odd = std::ptr::without_provenance::<Dummy>(0x11);
            assert_eq!(handle_ref(odd).err().unwrap().status, ONSHI_INVALID_HANDLE);
        }
    }

    #[test]
    fn ids_round_trip() {
        for (index, generation) in [(0, 0), (1, 7), (INDEX_MAX - 1, GEN_MASK as u32)] {
            let id = Id { index, generation };
            let p: *mut Dummy = id.to_ptr();
            assert!(!p.is_null());
            assert_eq!(Id::from_ptr(p), Some(id));
        }
        assert_eq!(Id::from_ptr::<Dummy>(std::ptr::null()), None);
    }

    #[test]
    fn a_handle_changed_and_read_in_one_call_is_refused() {
        let p = into_raw::<Dummy>("x".into());
        let s = unsafe {
            method_mut(p, |v| {
                let inner = handle_ref(p).err().unwrap();
                assert_eq!(inner.status, ONSHI_INVALID_ARGUMENT);
                v.push('y');
                Ok(())
            })
        };
        assert_eq!(s, ONSHI_OK);
        unsafe {
            assert_eq!(*handle_ref(p).ok().unwrap().value, "xy");
            free(p);
        }
    }

    #[test]
    fn free_waits_for_calls_on_other_threads() {
        let p = into_raw::<Dummy>("x".into()) as usize;
        let (tx, rx) = std::sync::mpsc::channel();
        let t = std::thread::spawn(move || unsafe {
            method(p as *const Dummy, |v| {
                tx.send(()).unwrap();
                std::thread::sleep(std::time::Duration::from_millis(200));
                assert_eq!(v, "x");
                Ok(())
            })
        });
        rx.recv().unwrap();
        let t0 = std::time::Instant::now();
        unsafe { free(p as *mut Dummy) };
        assert!(t0.elapsed() >= std::time::Duration::from_millis(100));
        assert_eq!(t.join().unwrap(), ONSHI_OK);
    }

    #[test]
    fn text_in_rules() {
        unsafe {
            assert_eq!(text_in(std::ptr::null(), 0).unwrap(), "");
            assert_eq!(
                text_in(std::ptr::null(), 3).unwrap_err().status,
                ONSHI_NULL_PARAMETER
            );
            let bad = [b'a', 0xff];
            assert_eq!(
                text_in(bad.as_ptr(), 2).unwrap_err().status,
                ONSHI_INVALID_UTF8
            );
            let ok = "保険".as_bytes();
            assert_eq!(text_in(ok.as_ptr(), ok.len()).unwrap(), "保険");
            let nul = b"13805\x007";
            let e = text_in(nul.as_ptr(), nul.len()).unwrap_err();
            assert_eq!(e.status, ONSHI_EMBEDDED_NUL);
            assert!(e.message.contains("byte 5"), "{}", e.message);
        }
    }

    #[test]
    fn text_out_size_query_then_fill() {
        let mut n = 99usize;
        let e = TextOut::new(std::ptr::null_mut(), 0, &mut n)
            .unwrap()
            .write("有効")
            .unwrap_err();
        assert_eq!((e.status, n), (ONSHI_BUFFER_TOO_SMALL, 6));
        let mut buf = [1 as c_char; 6];
        let e = TextOut::new(buf.as_mut_ptr(), 6, &mut n)
            .unwrap()
            .write("有効")
            .unwrap_err();
        assert_eq!(e.status, ONSHI_BUFFER_TOO_SMALL);
        assert_eq!(buf, [1; 6], "nothing copied when too small");
        let mut buf = [1 as c_char; 7];
        TextOut::new(buf.as_mut_ptr(), 7, &mut n)
            .unwrap()
            .write("有効")
            .unwrap();
        assert_eq!(buf[6], 0);
        // A NULL buffer with a capacity is a size query too (the header says so).
        n = 0;
        let e = TextOut::new(std::ptr::null_mut(), 4, &mut n)
            .unwrap()
            .write("有効")
            .unwrap_err();
        assert_eq!((e.status, n), (ONSHI_BUFFER_TOO_SMALL, 6));
        assert_eq!(
            TextOut::new(buf.as_mut_ptr(), 7, std::ptr::null_mut())
                .err()
                .unwrap()
                .status,
            ONSHI_NULL_PARAMETER
        );
    }
}
