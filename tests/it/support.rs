//! Helpers the suites share: running the `korpu` binary (with a timeout when input
//! may make it hang) and Graphviz, scratch folders, and the seeded generator the fuzz
//! suites draw their cases from.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Runs `korpu ARGS` and waits for it.
pub(crate) fn korpu(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_korpu")).args(args).output().unwrap()
}

/// Runs `command` with `input` on its stdin and waits for it.
pub(crate) fn feed(mut command: Command, input: &str) -> Output {
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
pub(crate) fn korpu_stdin(args: &[&str], input: &str) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_korpu"));
    command.args(args);
    feed(command, input)
}

/// Runs `command` with `input` on its stdin, killing it if it runs past `timeout`.
/// `Err` says it timed out (and after how long); the output is lost then.
pub(crate) fn run_with_timeout(
    mut command: Command,
    input: &[u8],
    timeout: Duration,
) -> Result<Output, String> {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    // Separate threads feed and drain the pipes, so a child that writes much before it
    // reads, or never reads, cannot block the wait for it.
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let feeder = std::thread::spawn(move || {
        // A child that exits without reading everything closes the pipe; that is its
        // business, and its exit status tells the rest.
        let _ = stdin.write_all(&input);
    });
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let mut pause = Duration::from_micros(200);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("timed out after {:.1} s", started.elapsed().as_secs_f64()));
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(20));
    };
    feeder.join().unwrap();
    Ok(Output { status, stdout: stdout.join().unwrap(), stderr: stderr.join().unwrap() })
}

/// xorshift64*: tiny, seeded, good enough to pick test cases, and the same on every
/// platform, so a seed names a case for good.
pub(crate) struct Rng(u64);

impl Rng {
    /// Seeded from `KORPU_FUZZ_SEED`, or the fixed default so every run checks the same
    /// cases.
    pub(crate) fn seeded() -> Self {
        Rng::new(fuzz_seed())
    }

    pub(crate) fn new(seed: u64) -> Self {
        Rng(seed | 1)
    }

    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..bound` (`bound` must not be 0).
    pub(crate) fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }

    /// True one time in `times`.
    pub(crate) fn one_in(&mut self, times: usize) -> bool {
        self.below(times) == 0
    }

    pub(crate) fn pick<'a, T: ?Sized>(&mut self, items: &[&'a T]) -> &'a T {
        items[self.below(items.len())]
    }
}

/// `KORPU_FUZZ_SEED`, or the default seed.
pub(crate) fn fuzz_seed() -> u64 {
    std::env::var("KORPU_FUZZ_SEED")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(0x5EED_C0DE_u64)
}

/// How many cases a fuzz test runs: `KORPU_FUZZ_CASES`, or its default.
pub(crate) fn fuzz_cases(default: usize) -> usize {
    std::env::var("KORPU_FUZZ_CASES").ok().and_then(|text| text.parse().ok()).unwrap_or(default)
}

/// A temporary folder, removed when dropped.
pub(crate) struct Scratch(pub PathBuf);

impl Scratch {
    /// A fresh folder named after the suite and the test.
    pub(crate) fn new(suite: &str, name: &str) -> Scratch {
        let path =
            std::env::temp_dir().join(format!("korpu-{suite}-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        Scratch(path)
    }

    /// Writes `text` to `name` inside the folder.
    pub(crate) fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    pub(crate) fn path(&self) -> &Path {
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
pub(crate) fn graphviz(test: &str) -> bool {
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
pub(crate) fn run_dot(dot: &str, format: &str) -> Vec<u8> {
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
