//! Test-only probe for the 32-bit Windows build (i686-pc-windows-gnu): that target unwinds
//! with DWARF tables (libgcc's dw2 unwinder, linked statically), and the C ABI's panic guard
//! relies on `catch_unwind` working inside a DLL loaded by a C program. onshi exports no
//! function that panics on purpose, so this DLL, built by the same rustc for the same target
//! with the same panic strategy as onshi.dll, does: `probe_catch(depth)` panics `depth`
//! frames down, with a value to drop in every frame, and returns what the guard saw.
//!
//! Build: rustc --edition 2024 --crate-type cdylib -C panic=unwind -O
//!        --target i686-pc-windows-gnu -o unwind_probe.dll unwind_probe.rs
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicU32, Ordering};

static DROPPED: AtomicU32 = AtomicU32::new(0);

struct Guard;
impl Drop for Guard {
    fn drop(&mut self) {
        DROPPED.fetch_add(1, Ordering::SeqCst);
    }
}

#[inline(never)]
fn dive(depth: u32) -> u32 {
    let _g = Guard;
    if depth == 0 {
        panic!("probe panic");
    }
    dive(depth - 1) + 1
}

/// Returns 1000 + the number of frames whose values were dropped while unwinding when the
/// panic was caught, or 0 when no panic came (never).
#[unsafe(no_mangle)]
pub extern "C" fn probe_catch(depth: u32) -> u32 {
    DROPPED.store(0, Ordering::SeqCst);
    std::panic::set_hook(Box::new(|_| {}));
    match catch_unwind(AssertUnwindSafe(|| dive(depth))) {
        Ok(_) => 0,
        Err(_) => 1000 + DROPPED.load(Ordering::SeqCst),
    }
}
