//! TLS: `korpu serve --tls-cert … --tls-key …` serves `bolt+s://` and `https://`. A
//! self-signed certificate made for the test; the official Python driver, told to trust
//! it, connects encrypted and queries, and an HTTPS client fetches the explorer. A
//! client that will not trust the certificate is refused, and a plain client gets
//! nothing it can read.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::support::Scratch;

#[test]
fn bolt_and_https_over_tls_with_a_certificate_the_client_trusts() {
    let python = match crate::bolt::driver_environments() {
        Ok(venvs) => venvs[0].join("bin/python"),
        Err(reason) if std::env::var_os("CI").is_some() => {
            panic!("CI must run the TLS test: {reason}")
        }
        Err(reason) => {
            eprintln!("skipped the TLS test: {reason} (run .ci/run)");
            return;
        }
    };
    let folder = Scratch::new("tls", "certs");
    let made =
        rcgen::generate_simple_self_signed(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
            .unwrap();
    let cert = folder.write("cert.pem", &made.cert.pem());
    let key = folder.write("key.pem", &made.key_pair.serialize_pem());
    let mut child = Command::new(env!("CARGO_BIN_EXE_korpu"))
        .args(["serve", "--bolt", "127.0.0.1:0", "--http", "127.0.0.1:0", "--tls-cert"])
        .arg(&cert)
        .arg("--tls-key")
        .arg(&key)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap());
    let (mut https, mut bolt) = (String::new(), String::new());
    lines.read_line(&mut https).unwrap();
    lines.read_line(&mut bolt).unwrap();
    let https = https.trim().to_owned();
    let bolt = bolt.trim().to_owned();
    assert!(https.starts_with("https://127.0.0.1:"), "{https}");
    let address = bolt.strip_prefix("bolt+s://").unwrap_or_else(|| panic!("{bolt}")).to_owned();
    let script = r#"
import ssl, sys, urllib.request
import neo4j
address, cert, page = sys.argv[1], sys.argv[2], sys.argv[3]
trusted = neo4j.TrustCustomCAs(cert)
with neo4j.GraphDatabase.driver(f"bolt://{address}", auth=("neo4j", "x"), encrypted=True, trusted_certificates=trusted) as driver:
    records, _, _ = driver.execute_query("MATCH (o:Organization) RETURN count(o) AS n")
    print("bolt", records[0]["n"])
try:
    with neo4j.GraphDatabase.driver(f"bolt://{address}", auth=("neo4j", "x"), encrypted=True) as untrusting:
        untrusting.verify_connectivity()
    print("untrusted accepted")
except Exception as error:
    print("untrusted refused", type(error).__name__)
context = ssl.create_default_context(cafile=cert)
with urllib.request.urlopen(page, context=context) as answer:
    print("https", answer.status, "Körpü" in answer.read().decode())
"#;
    let output = Command::new(&python)
        .args(["-c", script, &address])
        .arg(&cert)
        .arg(&https)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.lines().any(|line| line.starts_with("bolt ") && line != "bolt 0"), "{stdout}");
    assert!(stdout.contains("untrusted refused"), "{stdout}");
    assert!(stdout.contains("https 200 True"), "{stdout}");
    eprintln!("{stdout}");
    // A client speaking plain Bolt gets no Bolt answer, only TLS's refusal.
    let mut plain = TcpStream::connect(&address).unwrap();
    plain.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    plain
        .write_all(&[0x60, 0x60, 0xB0, 0x17, 0, 0, 4, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
        .unwrap();
    let mut answer = Vec::new();
    let _ = plain.read_to_end(&mut answer);
    assert_ne!(answer.get(..4), Some(&[0u8, 0, 4, 5][..]), "a plain handshake was answered");
    let _ = child.kill();
    let _ = child.wait();
}
