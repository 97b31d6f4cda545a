//! The explorer's safety checks as pure functions of a request's headers: the Host and
//! Origin must name this very server (so a page on another site, even one whose DNS
//! name was rebound to 127.0.0.1, cannot read answers), and when writes are allowed the
//! request must carry the token printed at startup.

use std::net::SocketAddr;

/// Why a request was refused before it reached a handler.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum Refusal {
    #[error("the request has no Host header")]
    NoHost,
    #[error("the Host `{0}` is not this server (DNS rebinding protection)")]
    ForeignHost(String),
    #[error("the Origin `{0}` is not this server; cross-site requests are refused")]
    ForeignOrigin(String),
    #[error(
        "this server accepts writes, so every request needs the token printed at startup (the `token` of the URL, sent as the X-Korpu-Token header)"
    )]
    MissingToken,
}

/// The host names a browser on this machine can use for a loopback server.
const LOOPBACK_NAMES: &[&str] = &["127.0.0.1", "localhost", "[::1]"];

/// True when `host` (a Host header, or the host part of an Origin) names this server:
/// a loopback name with this port, or the address the listener is bound to.
pub(crate) fn is_own_host(host: &str, bound: SocketAddr) -> bool {
    let host = host.trim().to_ascii_lowercase();
    let port = bound.port().to_string();
    let Some((name, given_port)) = host.rsplit_once(':') else {
        return false;
    };
    if given_port != port {
        return false;
    }
    let bound_name = match bound {
        SocketAddr::V4(address) => address.ip().to_string(),
        SocketAddr::V6(address) => format!("[{}]", address.ip()),
    };
    name == bound_name || (bound.ip().is_loopback() && LOOPBACK_NAMES.contains(&name))
}

/// Checks Host and (when sent) Origin. A browser sends Origin on every cross-site
/// request that could change state and on every fetch, so a foreign one is refused even
/// where the Host looks right.
pub(crate) fn check_origin(
    host: Option<&str>,
    origin: Option<&str>,
    bound: SocketAddr,
) -> Result<(), Refusal> {
    let host = host.ok_or(Refusal::NoHost)?;
    if !is_own_host(host, bound) {
        return Err(Refusal::ForeignHost(host.to_owned()));
    }
    if let Some(origin) = origin {
        let own = origin
            .strip_prefix("http://")
            .or_else(|| origin.strip_prefix("https://"))
            .is_some_and(|rest| is_own_host(rest, bound));
        if !own {
            return Err(Refusal::ForeignOrigin(origin.to_owned()));
        }
    }
    Ok(())
}

/// Checks the write token, when the server has one, in constant time.
pub(crate) fn check_token(expected: Option<&str>, given: Option<&str>) -> Result<(), Refusal> {
    let Some(expected) = expected else { return Ok(()) };
    let given = given.ok_or(Refusal::MissingToken)?;
    let same_length = given.len() == expected.len();
    let difference = given.bytes().zip(expected.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b));
    if same_length && difference == 0 { Ok(()) } else { Err(Refusal::MissingToken) }
}

/// A fresh token of 128 random bits in hex, from the operating system's generator.
pub(crate) fn new_token() -> anyhow::Result<String> {
    use std::io::Read as _;
    let mut bytes = [0u8; 16];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut random| random.read_exact(&mut bytes))
        .map_err(|error| anyhow::anyhow!("reading /dev/urandom for the write token: {error}"))?;
    Ok(bytes.iter().map(|byte| format!("{byte:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bound() -> SocketAddr {
        "127.0.0.1:7474".parse().unwrap()
    }

    #[test]
    fn loopback_names_with_the_right_port_are_this_server() {
        for host in ["127.0.0.1:7474", "localhost:7474", "LOCALHOST:7474", "[::1]:7474"] {
            assert!(is_own_host(host, bound()), "{host}");
        }
        for host in ["127.0.0.1:80", "evil.example:7474", "localhost", "127.0.0.1", ""] {
            assert!(!is_own_host(host, bound()), "{host}");
        }
    }

    #[test]
    fn a_rebound_name_or_a_foreign_origin_is_refused() {
        assert_eq!(check_origin(Some("127.0.0.1:7474"), None, bound()), Ok(()));
        assert_eq!(
            check_origin(Some("127.0.0.1:7474"), Some("http://localhost:7474"), bound()),
            Ok(())
        );
        assert!(matches!(
            check_origin(Some("attacker.example:7474"), None, bound()),
            Err(Refusal::ForeignHost(_))
        ));
        assert!(matches!(
            check_origin(Some("127.0.0.1:7474"), Some("http://attacker.example"), bound()),
            Err(Refusal::ForeignOrigin(_))
        ));
        assert!(matches!(
            check_origin(Some("127.0.0.1:7474"), Some("null"), bound()),
            Err(Refusal::ForeignOrigin(_))
        ));
        assert_eq!(check_origin(None, None, bound()), Err(Refusal::NoHost));
    }

    #[test]
    fn the_token_must_match_exactly() {
        assert_eq!(check_token(None, None), Ok(()));
        assert_eq!(check_token(Some("abc"), Some("abc")), Ok(()));
        assert_eq!(check_token(Some("abc"), Some("abd")), Err(Refusal::MissingToken));
        assert_eq!(check_token(Some("abc"), Some("ab")), Err(Refusal::MissingToken));
        assert_eq!(check_token(Some("abc"), None), Err(Refusal::MissingToken));
    }
}
