//! An exclusive lock on an open file, held until the file is closed — and released by the
//! operating system when the process dies, which is what makes a crashed deliverer's claims
//! (and a crashed emulator's root) free again without any clean-up.
//!
//! `flock` on Unix, `LockFileEx` on Windows (enforced by the server on an SMB share). The
//! standard library's `File::try_lock` does the same from Rust 1.89 and can replace this once
//! the crate's minimum Rust version allows it.

use std::fs::File;
use std::io;

/// Tries to lock `f` exclusively without waiting: `Ok(true)` locked (until `f` is closed),
/// `Ok(false)` another open file (in this or another process) holds the lock.
pub(crate) fn try_lock(f: &File) -> io::Result<bool> {
    imp::try_lock(f)
}

#[cfg(unix)]
mod imp {
    use std::fs::File;
    use std::io;
    use std::os::unix::io::AsRawFd;

    pub(super) fn try_lock(f: &File) -> io::Result<bool> {
        // SAFETY: `flock` on a descriptor owned by `f`, which outlives the call.
        let r = unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
        if r == 0 {
            return Ok(true);
        }
        let e = io::Error::last_os_error();
        if e.kind() == io::ErrorKind::WouldBlock {
            Ok(false)
        } else {
            Err(e)
        }
    }
}

#[cfg(windows)]
mod imp {
    use std::fs::File;
    use std::io;
    use std::os::windows::io::AsRawHandle;
    use windows_sys::Win32::Foundation::ERROR_LOCK_VIOLATION;
    use windows_sys::Win32::Storage::FileSystem::{
        LOCKFILE_EXCLUSIVE_LOCK, LOCKFILE_FAIL_IMMEDIATELY, LockFileEx,
    };
    use windows_sys::Win32::System::IO::OVERLAPPED;

    pub(super) fn try_lock(f: &File) -> io::Result<bool> {
        let mut overlapped = OVERLAPPED::default();
        // SAFETY: a handle owned by `f`, which outlives the call; `overlapped` is a valid,
        // zeroed OVERLAPPED for a synchronous handle (offset 0).
        let ok = unsafe {
            LockFileEx(
                f.as_raw_handle() as _,
                LOCKFILE_EXCLUSIVE_LOCK | LOCKFILE_FAIL_IMMEDIATELY,
                0,
                u32::MAX,
                u32::MAX,
                &mut overlapped,
            )
        };
        if ok != 0 {
            return Ok(true);
        }
        let e = io::Error::last_os_error();
        if e.raw_os_error() == Some(ERROR_LOCK_VIOLATION as i32) {
            Ok(false)
        } else {
            Err(e)
        }
    }
}

#[cfg(not(any(unix, windows)))]
mod imp {
    /// No OS lock on this platform: every claim succeeds (delivery is then at least once,
    /// with duplicates possible between concurrent consumers).
    pub(super) fn try_lock(_: &std::fs::File) -> std::io::Result<bool> {
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_open_file_is_refused_until_the_first_is_closed() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("lock");
        let a = File::create(&p).unwrap();
        let b = std::fs::OpenOptions::new().write(true).open(&p).unwrap();
        assert!(try_lock(&a).unwrap());
        assert!(!try_lock(&b).unwrap(), "held by the other open file");
        drop(a);
        assert!(try_lock(&b).unwrap(), "released when closed");
    }
}
