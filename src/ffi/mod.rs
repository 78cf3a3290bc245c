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
//! * **Errors in detail.** A handle keeps the message of its last failed call
//!   (`onshi_<type>_last_error`); constructors and free functions that can fail on content
//!   take an optional `onshi_error *` first ([`error`]). Nothing is thread-local.
//! * **Text in** is UTF-8 as `const uint8_t *ptr, size_t len`, not NUL-terminated; `(NULL, 0)`
//!   is the empty string; invalid UTF-8 is `ONSHI_INVALID_UTF8`. CP932 (Shift_JIS) callers
//!   convert first (C#: `Encoding.UTF8.GetBytes`; Win32: `MultiByteToWideChar` +
//!   `WideCharToMultiByte(CP_UTF8, …)`).
//! * **Text out** is "size query, then fill" into `char *buf, size_t cap, size_t *out_len`:
//!   `*out_len` receives the length in bytes without the NUL; when `buf` is non-NULL and
//!   `cap > *out_len` the text plus a NUL is copied and the call returns `ONSHI_OK`, otherwise
//!   nothing is copied and it returns `ONSHI_BUFFER_TOO_SMALL`. Call once with `(NULL, 0)` to
//!   learn the size, or once with a buffer that is usually big enough and again if not.
//! * **Safety.** Every export checks its pointers (NULL, alignment, handle type) and runs in
//!   a panic guard, so nothing a caller passes can unwind into or abort the host; a bug
//!   inside the library is `ONSHI_PANIC`. Handles must still not be used after being freed.
//! * **Ownership** is stated in every function's documentation with fixed phrases: "The
//!   caller owns the returned handle and must free it with onshi_x_free.", "NULL is
//!   accepted.", "Out-parameters are written only on success."
//! * **Callbacks** (to come with the terminal client) take `void *userdata` first.
//! * **Threads.** Functions taking a `const` handle may run concurrently on one handle; a
//!   non-`const` handle must not be shared during the call.
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
pub mod qualification;
pub(crate) mod record;
pub mod status;
pub mod terminal;
pub mod version;
