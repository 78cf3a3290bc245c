//! Version of the library and of its JSON record schema.
//!
//! The `ONSHI_VERSION_*` constants become macros in `onshi.h` (with `ONSHI_VERSION_STRING`
//! derived from them in the header's trailer); a unit test keeps them equal to Cargo.toml's
//! version and the C, C++ and C# tests compare them with [`onshi_version`].

use super::handle::TextOut;
use super::panic::{guard, guard_or};
use super::status::*;
use std::ffi::c_char;

/// Major version of the library this header belongs to.
pub const ONSHI_VERSION_MAJOR: u32 = 0;
/// Minor version of the library this header belongs to.
pub const ONSHI_VERSION_MINOR: u32 = 2;
/// Patch version of the library this header belongs to.
pub const ONSHI_VERSION_PATCH: u32 = 0;
/// `MAJOR * 1000000 + MINOR * 1000 + PATCH`, for `#if ONSHI_VERSION_NUMBER >= …`.
pub const ONSHI_VERSION_NUMBER: u32 = 2000;
/// Version of the JSON record schema used by `_to_json` / `_from_json`.
pub const ONSHI_RECORD_SCHEMA_VERSION: u32 = 1;

/// Copies the version of the loaded library (`"0.2.0"`), ASCII. Compare it with
/// `ONSHI_VERSION_STRING` to detect a header/library mismatch.
///
/// Out-parameters are written only on success, except `*out_len`, which is also written with
/// `ONSHI_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `buf` is NULL or writable for `cap` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_version(
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> onshi_status {
    guard(|| TextOut::new(buf, cap, out_len)?.write(env!("CARGO_PKG_VERSION")))
}

/// The version of the loaded library as `MAJOR * 1000000 + MINOR * 1000 + PATCH`.
#[unsafe(no_mangle)]
pub extern "C" fn onshi_version_number() -> u32 {
    guard_or(0, version_number)
}

/// The JSON record schema version of the loaded library.
#[unsafe(no_mangle)]
pub extern "C" fn onshi_record_schema_version() -> u32 {
    crate::model::RECORD_SCHEMA_VERSION
}

fn version_number() -> u32 {
    let p = |s: &str| s.parse::<u32>().unwrap_or(0);
    p(env!("CARGO_PKG_VERSION_MAJOR")) * 1_000_000
        + p(env!("CARGO_PKG_VERSION_MINOR")) * 1000
        + p(env!("CARGO_PKG_VERSION_PATCH"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_constants_match_cargo_toml() {
        assert_eq!(
            ONSHI_VERSION_MAJOR.to_string(),
            env!("CARGO_PKG_VERSION_MAJOR")
        );
        assert_eq!(
            ONSHI_VERSION_MINOR.to_string(),
            env!("CARGO_PKG_VERSION_MINOR")
        );
        assert_eq!(
            ONSHI_VERSION_PATCH.to_string(),
            env!("CARGO_PKG_VERSION_PATCH")
        );
        assert_eq!(ONSHI_VERSION_NUMBER, version_number());
        assert_eq!(ONSHI_VERSION_NUMBER, onshi_version_number());
        assert_eq!(
            ONSHI_RECORD_SCHEMA_VERSION,
            crate::model::RECORD_SCHEMA_VERSION
        );
    }
}
