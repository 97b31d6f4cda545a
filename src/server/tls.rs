//! TLS for the servers (`--tls-cert`, `--tls-key`): the certificate chain and key read
//! from PEM files into a rustls configuration, and `Transport`, what a connection reads
//! from and writes to, a plain socket or a TLS session over one, so the protocol code
//! is the same for both.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context as _, Result};
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::{ServerConfig, ServerConnection, StreamOwned};

/// A server's TLS settings, shared by its connections.
pub(crate) type Tls = Arc<ServerConfig>;

/// Reads the certificate chain and private key (PEM) a server presents.
pub(crate) fn load(cert: &Path, key: &Path) -> Result<Tls> {
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .with_context(|| format!("reading the TLS certificate {}", cert.display()))?
        .collect::<Result<_, _>>()
        .with_context(|| format!("{} is not a PEM certificate chain", cert.display()))?;
    if chain.is_empty() {
        anyhow::bail!("{} holds no certificate", cert.display());
    }
    let key = PrivateKeyDer::from_pem_file(key)
        .with_context(|| format!("reading the TLS private key {} (PEM)", key.display()))?;
    // ring rather than aws-lc-rs: no CMake or C++ toolchain at build time. It lacks the
    // post-quantum key exchanges, which is what rustls deprecates it for.
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .context("setting up TLS")?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .context("the TLS key does not fit the certificate")?;
    Ok(Arc::new(config))
}

/// A connection's byte stream: a socket, or TLS over a socket.
pub(crate) enum Transport {
    Plain(TcpStream),
    Tls(Box<StreamOwned<ServerConnection, TcpStream>>),
}

impl Transport {
    /// Wraps an accepted socket: TLS when the server has it (the handshake happens on
    /// the first read or write).
    pub(crate) fn accept(socket: TcpStream, tls: Option<&Tls>) -> io::Result<Transport> {
        match tls {
            None => Ok(Transport::Plain(socket)),
            Some(config) => {
                let session =
                    ServerConnection::new(Arc::clone(config)).map_err(io::Error::other)?;
                Ok(Transport::Tls(Box::new(StreamOwned::new(session, socket))))
            }
        }
    }

    fn socket(&self) -> &TcpStream {
        match self {
            Transport::Plain(socket) => socket,
            Transport::Tls(stream) => &stream.sock,
        }
    }

    pub(crate) fn set_read_timeout(&self, timeout: Option<Duration>) -> io::Result<()> {
        self.socket().set_read_timeout(timeout)
    }

    /// Says the server will write no more (TLS's close_notify first), keeping the read
    /// side open for what the client still sends.
    pub(crate) fn shutdown_write(&mut self) -> io::Result<()> {
        if let Transport::Tls(stream) = self {
            stream.conn.send_close_notify();
            stream.flush()?;
        }
        self.socket().shutdown(Shutdown::Write)
    }
}

impl Read for Transport {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        match self {
            Transport::Plain(socket) => socket.read(buffer),
            Transport::Tls(stream) => stream.read(buffer),
        }
    }
}

impl Write for Transport {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        match self {
            Transport::Plain(socket) => socket.write(bytes),
            Transport::Tls(stream) => stream.write(bytes),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Transport::Plain(socket) => socket.flush(),
            Transport::Tls(stream) => stream.flush(),
        }
    }
}
