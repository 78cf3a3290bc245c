//! The C ABI (`include/onshi.h`, generated from this module by cbindgen).
//!
//! This module only adapts the Rust API; no domain logic lives here. Its conventions, which
//! the header's introduction repeats for C, C++ and C# callers:
//!
//! * **Names.** Every symbol starts with `onshi_`; types are opaque handles; functions are
//!   `onshi_<type>_<verb>` with `_new`/`_free` pairs; a `const` first argument means
//!   read-only.
//! * **Status.** Fallible functions return `onshi_status` (`uint32_t`, `ONSHI_OK` = 0; see
//!   [`status`]). Outputs go through trailing out-parameters that are written only on
//!   success. Enumerations are `uint32_t` typedefs with `#define`d values, because C may pass
//!   any number: an unknown value is `ONSHI_INVALID_ARGUMENT`, never undefined behaviour.
//! * **Errors in two parts.** An `onshi_error` holds the status, a Japanese text for
//!   reception staff and an English detail for developers ([`error`],
//!   [`crate::Diagnostic`]). Constructors and free functions that can fail on content take an
//!   optional `onshi_error *` first; the terminal client's methods take one right after the
//!   client, so threads sharing a client each get their own outcome. A handle also keeps its
//!   last failure (`onshi_<type>_last_error`, `onshi_error_from_handle`). Nothing is
//!   thread-local.
//! * **Text in** is UTF-8 as `const uint8_t *ptr, size_t len`, not NUL-terminated; `(NULL, 0)`
//!   is the empty string; invalid UTF-8 is `ONSHI_INVALID_UTF8`, a NUL inside
//!   `ONSHI_EMBEDDED_NUL`. CP932 (Shift_JIS) callers convert first (C#:
//!   `Encoding.UTF8.GetBytes`; Win32: `MultiByteToWideChar` + `WideCharToMultiByte(CP_UTF8,
//!   …)`).
//! * **Text out** is "size query, then fill" into `char *buf, size_t cap, size_t *out_len`:
//!   `*out_len` receives the length in bytes without the NUL; when `buf` is non-NULL and
//!   `cap > *out_len` the text plus a NUL is copied and the call returns `ONSHI_OK`, otherwise
//!   (a NULL `buf` whatever `cap` says, or too small a `cap`) nothing is copied and it returns
//!   `ONSHI_BUFFER_TOO_SMALL`. Call once with `(NULL, 0)` to
//!   learn the size, or once with a buffer that is usually big enough and again if not.
//! * **Safety.** Handles are keys of a registry of live handles (not addresses), so a freed,
//!   foreign or wrong-type handle is `ONSHI_INVALID_HANDLE` without any memory being read.
//!   Every export runs in a panic guard, so nothing a caller passes can unwind into or abort
//!   the host, and a quiet panic hook keeps the library's panics off the host's stderr; a bug
//!   inside the library is `ONSHI_PANIC`.
//! * **Ownership** is stated in every function's documentation with fixed phrases: "The
//!   caller owns the returned handle and must free it with onshi_x_free.", "NULL is
//!   accepted.", "Out-parameters are written only on success."
//! * **Callbacks** take `void *userdata` first and run on a library thread.
//! * **Threads.** Every handle may be shared between threads: a read takes a snapshot, a
//!   change holds the handle's lock. `_free` while other threads are inside calls on the
//!   handle waits for them (the terminal client cancels its waits first). Blocking client
//!   calls take an optional `onshi_cancel_token`.
//!
//! Adding a record type (phase 2: queries, responses, diffs, history) follows
//! [`qualification`]: an opaque type with a `handle::Castable` impl, an `onshi_field`
//! range and a table in [`field`], the same accessor set (`_get_text`, `_set_text`,
//! `_clear`, typed `_get_*`/`_set_*`, `_count`, `_item_*`), `_to_json`/`_from_json`,
//! `_last_error`.

// The C naming (`onshi_status`, `onshi_qualification`) is the public contract.
#![allow(non_camel_case_types)]
// C functions with a text out-parameter triple and an item address have many arguments.
#![allow(clippy::too_many_arguments)]

pub mod card;
pub mod codes;
pub mod diff;
pub mod document;
pub mod enums;
pub mod error;
pub mod field;
pub mod generated;
pub(crate) mod handle;
pub mod history;
pub mod ids;
pub mod matching;
pub(crate) mod panic;
pub mod public_expense;
pub mod qualification;
pub mod reception;
pub(crate) mod record;
pub mod status;
pub mod terminal;
pub mod version;
