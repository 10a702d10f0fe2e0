//! TLS to PostgreSQL, read from the URL the way libpq reads it.
//!
//! A campaign outgrows one machine by putting the ledger on a database server, and managed
//! servers accept only encrypted connections. `postgres://…?sslmode=verify-full&sslrootcert=ca.pem`
//! means what it means to `psql`. tokio-postgres knows only `disable`, `prefer` and `require`
//! and takes no root certificate, so both parameters are taken out of the URL here and become a
//! rustls configuration:
//!
//! | `sslmode` | encrypted | server certificate checked |
//! |---|---|---|
//! | `disable` | no | – |
//! | `prefer` (default) | if the server offers it | against `sslrootcert` if given, else not |
//! | `require` | yes | against `sslrootcert` if given, else not |
//! | `verify-ca` | yes | chain against `sslrootcert` |
//! | `verify-full` | yes | chain against `sslrootcert`, and the host name |
//!
//! As in libpq, `prefer` and `require` without a root certificate encrypt but do not
//! authenticate the server; use `verify-full` across networks you do not control.

use std::sync::Arc;

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, aws_lc_rs};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use tokio_postgres_rustls::MakeRustlsConnect;

use crate::StoreError;

/// libpq's `sslmode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SslMode {
    Disable,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

/// What a URL asks of TLS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TlsOptions {
    pub(crate) mode: SslMode,
    /// A PEM file of the certificate authorities to trust.
    pub(crate) root_cert: Option<String>,
}

fn open_err(msg: impl Into<String>) -> StoreError {
    StoreError::Open(msg.into())
}

/// `%XX` escapes of a URL query value.
fn percent_decode(s: &str) -> Result<String, StoreError> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| open_err("bad %-escape in the connection string"))?;
            out.push(hex);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| open_err("the connection string is not UTF-8"))
}

/// Takes `sslmode` and `sslrootcert` out of a `postgres://` URL's query; returns the rest of
/// the URL (for tokio-postgres) and the TLS options.
pub(crate) fn split_url(url: &str) -> Result<(String, TlsOptions), StoreError> {
    let mut opts = TlsOptions {
        mode: SslMode::Prefer,
        root_cert: None,
    };
    let Some((base, query)) = url.split_once('?') else {
        return Ok((url.to_owned(), opts));
    };
    let mut kept = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        match k {
            "sslmode" => {
                opts.mode = match percent_decode(v)?.as_str() {
                    "disable" => SslMode::Disable,
                    // libpq's `allow` tries plain first; encrypting when offered is as good.
                    "allow" | "prefer" => SslMode::Prefer,
                    "require" => SslMode::Require,
                    "verify-ca" => SslMode::VerifyCa,
                    "verify-full" => SslMode::VerifyFull,
                    other => {
                        return Err(open_err(format!(
                            "unknown sslmode {other:?}: use disable, prefer, require, verify-ca or verify-full"
                        )));
                    }
                };
            }
            "sslrootcert" => opts.root_cert = Some(percent_decode(v)?),
            _ => kept.push(pair),
        }
    }
    let rest = if kept.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    Ok((rest, opts))
}

fn load_roots(path: &str) -> Result<RootCertStore, StoreError> {
    let mut roots = RootCertStore::empty();
    let certs = CertificateDer::pem_file_iter(path)
        .map_err(|e| open_err(format!("sslrootcert {path:?}: {e}")))?;
    for c in certs {
        let c = c.map_err(|e| open_err(format!("sslrootcert {path:?}: {e}")))?;
        roots
            .add(c)
            .map_err(|e| open_err(format!("sslrootcert {path:?}: {e}")))?;
    }
    if roots.is_empty() {
        return Err(open_err(format!(
            "sslrootcert {path:?} holds no PEM certificate"
        )));
    }
    Ok(roots)
}

/// The connector for these options. With `disable` it is never used (tokio-postgres does not
/// ask for TLS), but the pool keeps one type of connector.
pub(crate) fn connector(opts: &TlsOptions) -> Result<MakeRustlsConnect, StoreError> {
    let provider = Arc::new(aws_lc_rs::default_provider());
    let builder = ClientConfig::builder_with_provider(Arc::clone(&provider))
        .with_safe_default_protocol_versions()
        .map_err(|e| open_err(format!("TLS: {e}")))?;
    let roots = opts.root_cert.as_deref().map(load_roots).transpose()?;
    let verifier: Arc<dyn ServerCertVerifier> = match (opts.mode, roots) {
        (SslMode::VerifyFull, Some(r)) => {
            WebPkiServerVerifier::builder_with_provider(Arc::new(r), Arc::clone(&provider))
                .build()
                .map_err(|e| open_err(format!("TLS: {e}")))?
        }
        (SslMode::VerifyCa | SslMode::VerifyFull, None) => {
            return Err(open_err(
                "sslmode=verify-ca and verify-full need sslrootcert=PATH: the PEM file of the \
                 authority that signed the server's certificate",
            ));
        }
        (_, Some(r)) => Arc::new(ChainOnly(
            WebPkiServerVerifier::builder_with_provider(Arc::new(r), Arc::clone(&provider))
                .build()
                .map_err(|e| open_err(format!("TLS: {e}")))?,
        )),
        (_, None) => Arc::new(EncryptOnly(provider)),
    };
    let config = builder
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    Ok(MakeRustlsConnect::new(config))
}

/// `verify-ca`: the chain must lead to a trusted authority; the host name is not checked.
#[derive(Debug)]
struct ChainOnly(Arc<WebPkiServerVerifier>);

impl ServerCertVerifier for ChainOnly {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        // The name is checked last, after the chain: a name error means the chain was good.
        match self
            .0
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
        {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

/// `prefer`/`require` without a root certificate (libpq's meaning): the connection is
/// encrypted and the handshake signed, but the certificate is not checked.
#[derive(Debug)]
struct EncryptOnly(Arc<CryptoProvider>);

impl ServerCertVerifier for EncryptOnly {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tls_parameters_leave_the_url_and_the_rest_stays() {
        let (rest, o) = split_url(
            "postgres://u:p@db:5432/chek?application_name=x&sslmode=verify-full&sslrootcert=%2Fetc%2Fca%20bundle.pem&connect_timeout=3",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            rest,
            "postgres://u:p@db:5432/chek?application_name=x&connect_timeout=3"
        );
        assert_eq!(o.mode, SslMode::VerifyFull);
        assert_eq!(o.root_cert.as_deref(), Some("/etc/ca bundle.pem"));
        let (rest, o) = split_url("postgres://db/chek").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (rest.as_str(), o.mode),
            ("postgres://db/chek", SslMode::Prefer)
        );
        let (rest, o) =
            split_url("postgres://db/chek?sslmode=disable").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (rest.as_str(), o.mode),
            ("postgres://db/chek", SslMode::Disable)
        );
        assert!(split_url("postgres://db/chek?sslmode=always").is_err());
        assert!(split_url("postgres://db/chek?sslrootcert=%zz").is_err());
    }

    #[test]
    fn verifying_modes_need_a_root_certificate_that_exists() {
        let o = |mode, root: Option<&str>| TlsOptions {
            mode,
            root_cert: root.map(str::to_owned),
        };
        assert!(connector(&o(SslMode::Prefer, None)).is_ok());
        assert!(connector(&o(SslMode::Require, None)).is_ok());
        let e = connector(&o(SslMode::VerifyFull, None))
            .err()
            .map(|e| e.to_string());
        assert!(e.is_some_and(|e| e.contains("sslrootcert")));
        let e = connector(&o(SslMode::VerifyCa, Some("/nonexistent/ca.pem")))
            .err()
            .map(|e| e.to_string());
        assert!(e.is_some_and(|e| e.contains("/nonexistent/ca.pem")));
    }
}
