//! The agent's credential: obtained once with an enrolment code, stored in the state folder
//! with permissions 0600 (owner only) on Unix, replaced atomically on rotation. The secret is
//! zeroized in memory and never logged (`Debug` redacts it).

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

/// What the agent keeps after enrolment.
#[derive(Clone, Serialize, Deserialize)]
pub struct Credential {
    /// The relay's base URL (`https://relay.example.com`).
    pub relay_url: String,
    /// The agent's id.
    pub agent_id: String,
    /// The clinic it serves.
    pub clinic_id: String,
    /// The secret.
    pub credential: Zeroizing<String>,
    /// Expiry (Unix ms, relay clock).
    pub expires_ms: i64,
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credential")
            .field("relay_url", &self.relay_url)
            .field("agent_id", &self.agent_id)
            .field("clinic_id", &self.clinic_id)
            .field("credential", &"<redacted>")
            .field("expires_ms", &self.expires_ms)
            .finish()
    }
}

/// The credential file in a state folder.
pub fn path(state_dir: &Path) -> PathBuf {
    state_dir.join("credential.json")
}

/// Reads the credential (`None` when the agent is not enrolled).
pub fn load(state_dir: &Path) -> std::io::Result<Option<Credential>> {
    match std::fs::read(path(state_dir)) {
        Ok(b) => serde_json::from_slice(&b)
            .map(Some)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// Writes the credential atomically, readable by the owner only.
pub fn save(state_dir: &Path, c: &Credential) -> std::io::Result<()> {
    use std::io::Write;
    std::fs::create_dir_all(state_dir)?;
    let tmp = state_dir.join(".credential.json.tmp");
    let _ = std::fs::remove_file(&tmp);
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    {
        let mut f = o.open(&tmp)?;
        let json = Zeroizing::new(serde_json::to_vec(c).map_err(std::io::Error::other)?);
        f.write_all(&json)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path(state_dir))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_owner_only_and_redacted() {
        let d = tempfile::tempdir().unwrap();
        let c = Credential {
            relay_url: "http://127.0.0.1:1".into(),
            agent_id: "agt_1".into(),
            clinic_id: "c1".into(),
            credential: Zeroizing::new("oa_secret".into()),
            expires_ms: 5,
        };
        save(d.path(), &c).unwrap();
        save(d.path(), &c).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let m = std::fs::metadata(path(d.path()))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(m & 0o777, 0o600);
        }
        let back = load(d.path()).unwrap().unwrap();
        assert_eq!(back.credential.as_str(), "oa_secret");
        assert!(!format!("{back:?}").contains("oa_secret"));
        assert!(load(&d.path().join("none")).unwrap().is_none());
    }
}
