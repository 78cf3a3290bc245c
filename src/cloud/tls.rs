//! TLS client settings shared by the agent and the relay's webhooks: rustls with the ring
//! provider (no C toolchain beyond a C compiler; cross-builds with mingw), the system's root
//! certificates plus an optional CA file (a vendor's private CA, or a proxy's).

use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use std::path::Path;
use std::sync::Arc;

/// Why the TLS settings could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TlsError {
    /// The CA file could not be read.
    #[error("cannot read the CA file {path}: {source}")]
    CaFile {
        /// The file.
        path: String,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// The CA file holds no PEM certificate.
    #[error("the CA file {0} holds no PEM certificate")]
    NoCertificate(String),
    /// rustls refused the settings.
    #[error("TLS settings: {0}")]
    Rustls(String),
}

/// The certificates in a PEM text (others are skipped).
pub fn pem_certificates(bytes: &[u8]) -> Vec<CertificateDer<'static>> {
    CertificateDer::pem_slice_iter(bytes)
        .filter_map(Result::ok)
        .collect()
}

/// The client settings: system roots (when `system_roots`) plus the certificates of
/// `ca_file`.
pub fn client_config(
    ca_file: Option<&Path>,
    system_roots: bool,
) -> Result<rustls::ClientConfig, TlsError> {
    let mut roots = rustls::RootCertStore::empty();
    if system_roots {
        let native = rustls_native_certs::load_native_certs();
        for c in native.certs {
            let _ = roots.add(c);
        }
    }
    if let Some(p) = ca_file {
        let bytes = std::fs::read(p).map_err(|source| TlsError::CaFile {
            path: p.display().to_string(),
            source,
        })?;
        let certs = pem_certificates(&bytes);
        if certs.is_empty() {
            return Err(TlsError::NoCertificate(p.display().to_string()));
        }
        for c in certs {
            roots.add(c).map_err(|e| TlsError::Rustls(e.to_string()))?;
        }
    }
    // ring, not aws-lc-rs: aws-lc-rs needs cmake and nasm to cross-build the Windows agent
    // with mingw. rustls 0.23.48 deprecates ring's provider only for lacking post-quantum
    // key exchange; its classical suites are what the relay's HTTPS offers today.
    #[allow(deprecated)]
    let provider = rustls::crypto::ring::default_provider();
    rustls::ClientConfig::builder_with_provider(Arc::new(provider))
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsError::Rustls(e.to_string()))
        .map(|b| b.with_root_certificates(roots).with_no_client_auth())
}
