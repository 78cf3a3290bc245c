//! Opaque handles, checked pointer casts, out-parameters and UTF-8 string views.
//!
//! Every C handle type (`onshi_qualification`, `onshi_error`, …) is an empty Rust struct that
//! C only sees as `typedef struct onshi_x onshi_x;`. The [`Castable`] trait ties it to the Rust
//! value it stands for; the memory behind the pointer is a [`Handle`]: a type tag, the
//! handle's last error, and the value. The tag lets every call reject a pointer to a handle of
//! another type (`ONSHI_INVALID_HANDLE`) instead of reading it as the wrong thing.
//!
//! All pointer handling of the C ABI lives in this file: the export functions never cast or
//! dereference a raw pointer themselves.

use super::panic::{Failure, catch, guard};
use super::status::*;
use std::ffi::c_char;
use std::ptr::NonNull;
use std::sync::Mutex;

/// Ties a C handle type to the Rust value behind it.
pub(crate) trait Castable {
    /// The Rust value a handle of this type owns.
    type Rust;
    /// The type tag stored first in the handle's memory.
    const TAG: u64;
}

/// Tag written over a handle's type tag when it is freed.
const FREED: u64 = u64::from_le_bytes(*b"freed!!!");

/// The memory behind every handle pointer. `repr(C)` keeps the tag at offset 0 for every `T`,
/// so a pointer to any handle can be checked against any expected type.
#[repr(C)]
pub(crate) struct Handle<T> {
    tag: u64,
    last_error: Mutex<String>,
    pub(crate) value: T,
}

impl<T> Handle<T> {
    /// Records the message of a failed call (informational statuses are not errors).
    pub(crate) fn record(&self, failure: &Failure) {
        if failure.is_informational() {
            return;
        }
        let mut m = self.last_error.lock().unwrap_or_else(|p| p.into_inner());
        m.clear();
        m.push_str(&failure.message);
    }

    /// The message of the most recent failed call ("" if none failed yet).
    pub(crate) fn last_error(&self) -> String {
        self.last_error
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

/// Boxes `value` into a new handle and gives up ownership to the caller.
pub(crate) fn into_raw<C: Castable>(value: C::Rust) -> *mut C {
    let h = Box::new(Handle {
        tag: C::TAG,
        last_error: Mutex::new(String::new()),
        value,
    });
    Box::into_raw(h).cast()
}

fn check<C: Castable>(p: *const C) -> Result<NonNull<Handle<C::Rust>>, Failure> {
    let p = NonNull::new(p.cast_mut().cast::<Handle<C::Rust>>())
        .ok_or(Failure::of(ONSHI_NULL_PARAMETER))?;
    if !p.as_ptr().is_aligned() {
        return Err(Failure::of(ONSHI_INVALID_HANDLE));
    }
    // SAFETY: `p` is non-NULL and aligned; the caller promises it points to a live handle
    // of this library, and `repr(C)` puts the tag of every handle type at offset 0.
    let tag = unsafe { std::ptr::addr_of!((*p.as_ptr()).tag).read() };
    if tag != C::TAG {
        return Err(Failure::of(ONSHI_INVALID_HANDLE));
    }
    Ok(p)
}

/// Borrows a handle.
///
/// # Safety
/// `p` is NULL or a pointer returned by this library and not yet freed.
pub(crate) unsafe fn handle_ref<'a, C: Castable>(
    p: *const C,
) -> Result<&'a Handle<C::Rust>, Failure> {
    // SAFETY: checked non-NULL, aligned and tagged; the caller guarantees it is live and not
    // being mutated concurrently.
    check(p).map(|p| unsafe { p.as_ref() })
}

/// Borrows a handle mutably.
///
/// # Safety
/// As [`handle_ref`], and no other reference to the handle is in use.
pub(crate) unsafe fn handle_mut<'a, C: Castable>(
    p: *mut C,
) -> Result<&'a mut Handle<C::Rust>, Failure> {
    // SAFETY: as in `handle_ref`; exclusivity is the caller's promise (documented per type).
    check(p).map(|mut p| unsafe { p.as_mut() })
}

/// Frees a handle; NULL is accepted. A pointer that is not a live handle of this type is
/// left alone.
///
/// # Safety
/// `p` is NULL or a pointer returned by this library and not yet freed.
pub(crate) unsafe fn free<C: Castable>(p: *mut C) {
    if let Ok(h) = check(p) {
        // SAFETY: `h` came from `Box::into_raw` in `into_raw` with this exact type (the tag
        // says so). The tag is overwritten first so a stale copy of the pointer is rejected
        // for as long as the allocator leaves the memory alone.
        unsafe {
            std::ptr::addr_of_mut!((*h.as_ptr()).tag).write(FREED);
            drop(Box::from_raw(h.as_ptr()));
        }
    }
}

/// Runs a read-only method: the handle is checked, `f` runs inside the panic guard, and a
/// failure is recorded as the handle's last error.
///
/// # Safety
/// As [`handle_ref`].
pub(crate) unsafe fn method<C: Castable>(
    p: *const C,
    f: impl FnOnce(&C::Rust) -> Result<(), Failure>,
) -> onshi_status {
    guard(|| {
        // SAFETY: forwarded from the caller.
        let h = unsafe { handle_ref(p) }?;
        let r = catch(|| f(&h.value));
        if let Err(e) = &r {
            h.record(e);
        }
        r
    })
}

/// Runs a mutating method, like [`method`].
///
/// # Safety
/// As [`handle_mut`].
pub(crate) unsafe fn method_mut<C: Castable>(
    p: *mut C,
    f: impl FnOnce(&mut C::Rust) -> Result<(), Failure>,
) -> onshi_status {
    guard(|| {
        // SAFETY: forwarded from the caller.
        let h = unsafe { handle_mut(p) }?;
        let r = catch(|| f(&mut h.value));
        if let Err(e) = &r {
            h.record(e);
        }
        r
    })
}

/// A checked, not yet written out-parameter. Checking every out-pointer before doing any
/// work is what makes "out-parameters are written only on success" hold.
pub(crate) struct Out<T>(NonNull<T>);

impl<T> Out<T> {
    /// Checks an out-pointer: non-NULL and aligned.
    pub(crate) fn new(p: *mut T) -> Result<Out<T>, Failure> {
        let p = NonNull::new(p).ok_or(Failure::of(ONSHI_NULL_PARAMETER))?;
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

/// Reads a caller's input struct passed by pointer.
///
/// # Safety
/// `p` is NULL or valid for reading one `T`.
pub(crate) unsafe fn read_in<T: Copy>(p: *const T) -> Result<T, Failure> {
    if p.is_null() {
        return Err(Failure::of(ONSHI_NULL_PARAMETER));
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
/// string; `(NULL, n > 0)` is `ONSHI_NULL_PARAMETER`; invalid UTF-8 is `ONSHI_INVALID_UTF8`.
///
/// # Safety
/// `ptr` is NULL or valid for reading `len` bytes during the call.
pub(crate) unsafe fn text_in<'a>(ptr: *const u8, len: usize) -> Result<&'a str, Failure> {
    // SAFETY: forwarded from the caller.
    let bytes = unsafe { bytes_in(ptr, len) }?;
    std::str::from_utf8(bytes).map_err(|e| {
        Failure::new(
            ONSHI_INVALID_UTF8,
            format!(
                "input is not valid UTF-8 (byte {} of {len})",
                e.valid_up_to()
            ),
        )
    })
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
/// call succeeds; otherwise nothing is copied and the call returns `ONSHI_BUFFER_TOO_SMALL`.
pub(crate) struct TextOut {
    buf: *mut c_char,
    cap: usize,
    len: Out<usize>,
}

impl TextOut {
    /// Checks the triple: `out_len` must be non-NULL; `buf` may be NULL only with `cap == 0`.
    pub(crate) fn new(buf: *mut c_char, cap: usize, out_len: *mut usize) -> Result<Self, Failure> {
        let len = Out::new(out_len)?;
        if buf.is_null() && cap != 0 {
            return Err(Failure::new(
                ONSHI_NULL_PARAMETER,
                "buffer is NULL but its capacity is not 0",
            ));
        }
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
    /// Checks the triple: `out_len` must be non-NULL; `buf` may be NULL only with `cap == 0`.
    pub(crate) fn new(buf: *mut u8, cap: usize, out_len: *mut usize) -> Result<Self, Failure> {
        let len = Out::new(out_len)?;
        if buf.is_null() && cap != 0 {
            return Err(Failure::new(
                ONSHI_NULL_PARAMETER,
                "buffer is NULL but its capacity is not 0",
            ));
        }
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
    fn handles_reject_null_and_other_types() {
        let p = into_raw::<Dummy>("x".into());
        unsafe {
            assert_eq!(handle_ref(p).unwrap().value, "x");
            let wrong = p.cast::<Other>();
            assert_eq!(
                handle_ref(wrong).err().unwrap().status,
                ONSHI_INVALID_HANDLE
            );
            free(wrong); // ignored: wrong type
            assert_eq!(
                handle_ref::<Dummy>(std::ptr::null()).err().unwrap().status,
                ONSHI_NULL_PARAMETER
            );
            free::<Dummy>(std::ptr::null_mut());
            free(p);
        }
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
        assert_eq!(
            TextOut::new(std::ptr::null_mut(), 4, &mut n)
                .err()
                .unwrap()
                .status,
            ONSHI_NULL_PARAMETER
        );
        assert_eq!(
            TextOut::new(buf.as_mut_ptr(), 7, std::ptr::null_mut())
                .err()
                .unwrap()
                .status,
            ONSHI_NULL_PARAMETER
        );
    }
}
