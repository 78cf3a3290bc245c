//! No panic message of the library reaches the host's stderr (issue 10: a face callback that
//! stopped its own delivery printed a panic message on the host's stderr). The first call of
//! the C ABI installs a hook that keeps quiet for panics inside its guards and on the
//! library's own threads (`onshi-…`), and hands every other panic of the process to the hook
//! that was there before. This file is its own test process, so the hooks it installs are
//! the only ones.

use std::panic;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

#[test]
fn library_panics_are_quiet_and_the_hosts_own_still_reach_its_hook() {
    // The host's hook, installed before the library is first called.
    let seen = Arc::new(AtomicUsize::new(0));
    let s = seen.clone();
    panic::set_hook(Box::new(move |_| {
        s.fetch_add(1, Ordering::SeqCst);
    }));
    // Any export installs the library's hook on top.
    let e = onshi::ffi::error::onshi_error_new();
    unsafe { onshi::ffi::error::onshi_error_free(e) };

    // A panic on one of the library's threads: quiet.
    let lib = std::thread::Builder::new()
        .name("onshi-test-worker".into())
        .spawn(|| panic!("inside the library"))
        .unwrap();
    assert!(lib.join().is_err());
    assert_eq!(
        seen.load(Ordering::SeqCst),
        0,
        "a library panic reached the host's hook"
    );

    // A panic of the host's own: passed on.
    let host = std::thread::Builder::new()
        .name("host-thread".into())
        .spawn(|| panic!("the host's own"))
        .unwrap();
    assert!(host.join().is_err());
    assert_eq!(
        seen.load(Ordering::SeqCst),
        1,
        "the host's panic must still reach its hook"
    );
    let _ = panic::take_hook();
}
