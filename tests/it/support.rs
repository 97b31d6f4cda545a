//! Helpers the suites share: running the `korpu` binary and Graphviz, and scratch folders.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Runs `korpu ARGS` and waits for it.
pub fn korpu(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_korpu")).args(args).output().unwrap()
}

/// Runs `command` with `input` on its stdin and waits for it.
pub fn feed(mut command: Command, input: &str) -> Output {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

/// Runs `korpu ARGS` with `input` on its stdin.
pub fn korpu_stdin(args: &[&str], input: &str) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_korpu"));
    command.args(args);
    feed(command, input)
}

/// A temporary folder, removed when dropped.
pub struct Scratch(pub PathBuf);

impl Scratch {
    /// A fresh folder named after the suite and the test.
    pub fn new(suite: &str, name: &str) -> Scratch {
        let path =
            std::env::temp_dir().join(format!("korpu-{suite}-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        Scratch(path)
    }

    /// Writes `text` to `name` inside the folder.
    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Whether Graphviz's `dot` runs here. CI installs it, so there a missing `dot` fails;
/// elsewhere the test says what it skipped.
pub fn graphviz(test: &str) -> bool {
    match Command::new("dot").arg("-V").output() {
        Ok(output) if output.status.success() => true,
        _ if std::env::var_os("CI").is_some() => {
            panic!(
                "{test}: Graphviz `dot` is not installed, and CI must run this test (.ci/run installs it: apt-get install -y graphviz)"
            )
        }
        _ => {
            eprintln!(
                "SKIPPED {test}: Graphviz `dot` is not installed here; install it (apt-get install graphviz) to run this test"
            );
            false
        }
    }
}

/// Feeds DOT text to `dot` with an output format, returning its stdout.
#[track_caller]
pub fn run_dot(dot: &str, format: &str) -> Vec<u8> {
    let mut child = Command::new("dot")
        .arg(format!("-T{format}"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(dot.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "dot -T{format} refused the DOT:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.stderr.is_empty(),
        "dot -T{format} warned:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}
