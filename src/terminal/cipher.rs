//! Encrypted files: the hooks that decrypt what the terminal wrote and encrypt what the
//! clinic sends.
//!
//! The terminal's link program can encrypt its files per file prefix (`encrypt.conf`, and
//! `encrypt_face.conf` for the face DLL's output; oqs-2026 §1.1). The cipher, the file layout
//! and the passphrase (kept in the terminal's Windows credential store, per レセコン vendor)
//! are the vendor's: onshi **never implements or guesses a scheme**. It only
//!
//! * sniffs every file of `res/` and `face/` before parsing ([`crate::xml::sniff`]): a file
//!   that is not XML is [`TerminalError::Encrypted`] (staff text naming the setting and the
//!   prefix) — never "malformed XML";
//! * hands such a file to a [`FileCipher`] when one is set ([`ClientOptions::cipher`] or
//!   [`Client::set_cipher`]): the vendor's module, as Rust code, a C callback
//!   (`onshi_client_set_cipher`) or an external command ([`ExternalCommand`]: the face DLL's
//!   definition file allows an `.exe`, or a `.bat`/`.cmd` calling one);
//! * passes every request through the cipher's [`FileCipher::encrypt`] before writing it
//!   (whether the terminal expects encrypted requests is not known; the default leaves the
//!   request as it is, and the cipher decides per file name).
//!
//! A hook is untrusted code from the library's point of view: it runs on a thread of its own
//! and is given [`ClientOptions::hook_timeout`] to answer; a hook that panics, hangs, fails or
//! returns something that is not XML is [`TerminalError::Hook`] naming the file and the
//! stage, and the file stays where it is.
//!
//! [`ClientOptions::cipher`]: super::ClientOptions::cipher
//! [`ClientOptions::hook_timeout`]: super::ClientOptions::hook_timeout
//! [`Client::set_cipher`]: super::Client::set_cipher

use super::TerminalError;
use crate::xml::{Sniff, sniff};
use serde::{Deserialize, Serialize};
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The staff text for an encrypted file (oqs-2026 §1.1).
pub const ENCRYPTED_JA: &str = "資格確認端末のファイル暗号化設定（encrypt.conf / encrypt_face.conf）が有効です。レセコンベンダーの復号モジュールが必要です。";

/// Why a hook could not do its work: a short reason for developers, without file content.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct CipherError(pub String);

/// Which way a hook works.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CipherStage {
    /// A file the terminal wrote (`res/`, `face/`), before it is parsed.
    Decrypt,
    /// A request, before it is written into `req/`.
    Encrypt,
}

impl CipherStage {
    /// `decrypt` / `encrypt`.
    pub fn as_str(self) -> &'static str {
        match self {
            CipherStage::Decrypt => "decrypt",
            CipherStage::Encrypt => "encrypt",
        }
    }
}

/// The vendor's decryption (and encryption) module. Implementations must be cheap to call
/// from several threads at once.
pub trait FileCipher: Send + Sync + std::fmt::Debug {
    /// Decrypts a file the terminal wrote. Called only for a file that is not XML
    /// ([`crate::xml::sniff`]); its result must be the file's XML (UTF-8 or Shift_JIS, as
    /// the terminal writes it) or, for a zipped bulk answer, the zip.
    fn decrypt(&self, file_name: &str, bytes: &[u8]) -> Result<Vec<u8>, CipherError>;

    /// Encrypts a request (or, in the emulator, an answer) before it is written. The default
    /// returns the bytes unchanged; decide by `file_name`'s prefix, as `encrypt.conf` does.
    fn encrypt(&self, file_name: &str, bytes: &[u8]) -> Result<Vec<u8>, CipherError> {
        let _ = file_name;
        Ok(bytes.to_vec())
    }
}

/// The prefix of a file name for messages (`OQSsiquc`, a face key …; `?` when the name is
/// not an interface name).
pub(crate) fn prefix_of(file_name: &str) -> String {
    match crate::xml::FileName::parse(file_name) {
        Ok(n) => n.written_prefix().to_string(),
        Err(_) => file_name.chars().take(8).collect(),
    }
}

/// Runs `cipher` on `bytes` on a thread of its own, for at most `timeout`. A panic, an error,
/// the timeout or (when decrypting) a result that is not XML is [`TerminalError::Hook`]. A
/// hook that never returns keeps its thread; the caller goes on.
pub(crate) fn run(
    cipher: &Arc<dyn FileCipher>,
    stage: CipherStage,
    file_name: &str,
    bytes: &[u8],
    timeout: Duration,
    max_bytes: u64,
) -> Result<Vec<u8>, TerminalError> {
    let fail = |reason: String| TerminalError::Hook {
        file: file_name.to_string(),
        stage,
        reason,
    };
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    let c = cipher.clone();
    let name = file_name.to_string();
    let input = bytes.to_vec();
    std::thread::Builder::new()
        .name("onshi-cipher".into())
        .spawn(move || {
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match stage {
                CipherStage::Decrypt => c.decrypt(&name, &input),
                CipherStage::Encrypt => c.encrypt(&name, &input),
            }));
            let _ = tx.send(r);
        })
        .map_err(|e| fail(format!("cannot start the hook's thread: {e}")))?;
    let out = match rx.recv_timeout(timeout) {
        Ok(Ok(Ok(out))) => out,
        Ok(Ok(Err(e))) => return Err(fail(e.0)),
        Ok(Err(_)) => return Err(fail("the hook panicked".into())),
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
            return Err(fail(format!(
                "the hook did not answer within {} ms",
                timeout.as_millis()
            )));
        }
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
            return Err(fail("the hook ended without an answer".into()));
        }
    };
    if out.len() as u64 > max_bytes {
        return Err(fail(format!(
            "the hook returned {} bytes, more than the limit of {max_bytes}",
            out.len()
        )));
    }
    if stage == CipherStage::Decrypt && sniff(&out) != Sniff::Xml && !out.starts_with(b"PK\x03\x04")
    {
        return Err(fail(
            "the hook's result is not XML (wrong key or module for this prefix?)".into(),
        ));
    }
    Ok(out)
}

/// A program and its arguments.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommandLine {
    /// The program (an `.exe`; on Windows a `.bat`/`.cmd` works too).
    pub program: PathBuf,
    /// Its arguments.
    #[serde(default)]
    pub args: Vec<String>,
}

impl CommandLine {
    /// `program` without arguments.
    pub fn new(program: impl Into<PathBuf>) -> CommandLine {
        CommandLine {
            program: program.into(),
            args: Vec::new(),
        }
    }
}

/// A [`FileCipher`] that runs the vendor's external program: the file's bytes on its
/// standard input, the result on its standard output; the environment variables
/// `ONSHI_FILE_NAME` (the file name) and `ONSHI_CIPHER_STAGE` (`decrypt` / `encrypt`) say what
/// it is given. A non-zero exit is a [`CipherError`] with the end of its standard error; a
/// program that runs longer than `timeout` is killed.
///
/// ```no_run
/// use onshi::terminal::{ClientOptions, CommandLine, ExternalCommand};
/// use std::sync::Arc;
/// let mut o = ClientOptions::default();
/// o.cipher = Some(Arc::new(ExternalCommand::decrypt_with(CommandLine::new(
///     r"C:\Vendor\oqsdecrypt.exe",
/// ))));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExternalCommand {
    /// Runs to decrypt a file of `res/` or `face/` (`None`: an encrypted file stays
    /// [`TerminalError::Encrypted`]).
    pub decrypt: Option<CommandLine>,
    /// Runs to encrypt a request (`None`: requests are written as they are).
    pub encrypt: Option<CommandLine>,
    /// Longest run (default 20 s).
    pub timeout: Duration,
}

/// Most of a program's standard error kept for the error message.
const STDERR_TAIL: usize = 400;

/// Largest output read from a program.
const MAX_OUTPUT: u64 = 256 * 1024 * 1024;

impl ExternalCommand {
    /// Decrypts with `command`; requests are written as they are.
    pub fn decrypt_with(command: CommandLine) -> ExternalCommand {
        ExternalCommand {
            decrypt: Some(command),
            encrypt: None,
            timeout: Duration::from_secs(20),
        }
    }

    fn run(
        &self,
        cmd: &CommandLine,
        stage: CipherStage,
        file_name: &str,
        input: &[u8],
    ) -> Result<Vec<u8>, CipherError> {
        let shown = cmd.program.display().to_string();
        let mut child = Command::new(&cmd.program)
            .args(&cmd.args)
            .env("ONSHI_FILE_NAME", file_name)
            .env("ONSHI_CIPHER_STAGE", stage.as_str())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| CipherError(format!("cannot run {shown}: {e}")))?;
        let mut stdin = child.stdin.take();
        let input = input.to_vec();
        let writer = std::thread::spawn(move || {
            if let Some(s) = stdin.as_mut() {
                // A program that exits without reading all of it gives a broken pipe: its
                // exit status tells what happened.
                let _ = s.write_all(&input);
            }
            drop(stdin);
        });
        // The pipes are read on threads of their own and waited for until the deadline: a
        // process the program started in the background may keep them open after it exits.
        let (out_tx, out_rx) = std::sync::mpsc::channel();
        let mut out = child.stdout.take();
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(o) = out.as_mut() {
                let _ = o.take(MAX_OUTPUT + 1).read_to_end(&mut buf);
            }
            let _ = out_tx.send(buf);
        });
        let (err_tx, err_rx) = std::sync::mpsc::channel();
        let mut err = child.stderr.take();
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(e) = err.as_mut() {
                let _ = e.take(1 << 20).read_to_end(&mut buf);
            }
            let _ = err_tx.send(buf);
        });
        let deadline = Instant::now() + self.timeout;
        let status = loop {
            match child.try_wait() {
                Ok(Some(s)) => break s,
                Ok(None) if Instant::now() >= deadline => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(CipherError(format!(
                        "{shown} did not finish within {} ms (killed)",
                        self.timeout.as_millis()
                    )));
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(5)),
                Err(e) => return Err(CipherError(format!("waiting for {shown}: {e}"))),
            }
        };
        // The writer is not waited for: it ends when the pipe closes.
        drop(writer);
        let left = || deadline.saturating_duration_since(Instant::now());
        let stderr = err_rx.recv_timeout(left()).unwrap_or_default();
        let Ok(output) = out_rx.recv_timeout(left()) else {
            return Err(CipherError(format!(
                "{shown} exited with {status} but its output stayed open for {} ms (a process \
                 it started still holds it)",
                self.timeout.as_millis()
            )));
        };
        if !status.success() {
            let text = String::from_utf8_lossy(&stderr);
            let text = text.trim();
            let tail: String = {
                let n = text.chars().count();
                text.chars().skip(n.saturating_sub(STDERR_TAIL)).collect()
            };
            return Err(CipherError(format!(
                "{shown} exited with {status}{}{tail}",
                if tail.is_empty() { "" } else { ": " }
            )));
        }
        if output.len() as u64 > MAX_OUTPUT {
            return Err(CipherError(format!(
                "{shown} wrote more than {MAX_OUTPUT} bytes"
            )));
        }
        Ok(output)
    }
}

impl FileCipher for ExternalCommand {
    fn decrypt(&self, file_name: &str, bytes: &[u8]) -> Result<Vec<u8>, CipherError> {
        match &self.decrypt {
            Some(c) => self.run(c, CipherStage::Decrypt, file_name, bytes),
            None => Err(CipherError("no decryption command is set".into())),
        }
    }

    fn encrypt(&self, file_name: &str, bytes: &[u8]) -> Result<Vec<u8>, CipherError> {
        match &self.encrypt {
            Some(c) => self.run(c, CipherStage::Encrypt, file_name, bytes),
            None => Ok(bytes.to_vec()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A test-only cipher: XOR with 0x5A (never a real scheme).
    #[derive(Debug)]
    struct Xor;
    impl FileCipher for Xor {
        fn decrypt(&self, _: &str, b: &[u8]) -> Result<Vec<u8>, CipherError> {
            Ok(b.iter().map(|x| x ^ 0x5A).collect())
        }
    }

    #[derive(Debug)]
    struct Bad(u8);
    impl FileCipher for Bad {
        fn decrypt(&self, _: &str, _: &[u8]) -> Result<Vec<u8>, CipherError> {
            match self.0 {
                0 => panic!("boom"),
                1 => {
                    std::thread::sleep(Duration::from_secs(5));
                    Ok(b"<a/>".to_vec())
                }
                2 => Ok(b"\x00\x01garbage".to_vec()),
                _ => Err(CipherError("no key".into())),
            }
        }
    }

    fn arc(c: impl FileCipher + 'static) -> Arc<dyn FileCipher> {
        Arc::new(c)
    }

    #[test]
    fn a_hook_that_works_and_hooks_that_do_not() {
        let secret: Vec<u8> = b"<XmlMsg/>".iter().map(|x| x ^ 0x5A).collect();
        let t = Duration::from_secs(2);
        let ok = run(
            &arc(Xor),
            CipherStage::Decrypt,
            "f.xml",
            &secret,
            t,
            1 << 20,
        )
        .unwrap();
        assert_eq!(ok, b"<XmlMsg/>");
        let reason = |b: u8, t: Duration| match run(
            &arc(Bad(b)),
            CipherStage::Decrypt,
            "f",
            b"x",
            t,
            1 << 20,
        ) {
            Err(TerminalError::Hook {
                reason,
                stage,
                file,
            }) => {
                assert_eq!(stage, CipherStage::Decrypt);
                assert_eq!(file, "f");
                reason
            }
            other => panic!("{other:?}"),
        };
        assert!(reason(0, t).contains("panicked"));
        let start = Instant::now();
        assert!(reason(1, Duration::from_millis(100)).contains("did not answer"));
        assert!(
            start.elapsed() < Duration::from_secs(2),
            "not held up by the hang"
        );
        assert!(reason(2, t).contains("not XML"));
        assert_eq!(reason(3, t), "no key");
        // Too large.
        let e = run(&arc(Xor), CipherStage::Decrypt, "f", &secret, t, 4).unwrap_err();
        assert!(e.to_string().contains("limit"), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn external_commands() {
        let cmd = |p: &str, a: &[&str]| CommandLine {
            program: p.into(),
            args: a.iter().map(|s| s.to_string()).collect(),
        };
        let mut x = ExternalCommand::decrypt_with(cmd("base64", &["-d"]));
        assert_eq!(x.decrypt("f", b"PFhtbE1zZy8+\n").unwrap(), b"<XmlMsg/>");
        // The environment names the file.
        x.decrypt = Some(cmd(
            "sh",
            &["-c", "printf %s \"$ONSHI_FILE_NAME:$ONSHI_CIPHER_STAGE\""],
        ));
        assert_eq!(
            x.decrypt("OQSsiquc01res_1.xml", b"").unwrap(),
            b"OQSsiquc01res_1.xml:decrypt"
        );
        // Non-zero exit: its stderr's tail.
        x.decrypt = Some(cmd("sh", &["-c", "echo 'key not found' >&2; exit 3"]));
        let e = x.decrypt("f", b"abc").unwrap_err();
        assert!(e.0.contains("key not found") && e.0.contains('3'), "{e}");
        // A program that does not exist.
        x.decrypt = Some(cmd("/nonexistent/oqsdecrypt", &[]));
        assert!(x.decrypt("f", b"abc").unwrap_err().0.contains("cannot run"));
        // A program that exits while a process it started keeps its output open: an error
        // at the deadline, not a wait for that process.
        x.decrypt = Some(cmd("sh", &["-c", "sleep 30 & echo '<a/>'"]));
        x.timeout = Duration::from_millis(300);
        let start = Instant::now();
        let e = x.decrypt("f", b"").unwrap_err();
        assert!(e.0.contains("stayed open"), "{e}");
        assert!(start.elapsed() < Duration::from_secs(5));
        // A program that hangs is killed.
        x.decrypt = Some(cmd("sleep", &["30"]));
        x.timeout = Duration::from_millis(200);
        let start = Instant::now();
        assert!(x.decrypt("f", b"").unwrap_err().0.contains("killed"));
        assert!(start.elapsed() < Duration::from_secs(5));
        // No encryption command: requests as they are.
        assert_eq!(x.encrypt("f", b"<a/>").unwrap(), b"<a/>");
        x.decrypt = None;
        assert!(x.decrypt("f", b"").is_err());
    }
}
