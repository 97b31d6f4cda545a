//! The progress bar of `LOAD CSV` on a terminal: a thread that polls the session's
//! `LoadProgress` (bytes read of the file's size, set to zero when no file is open) and
//! draws one line on stderr while a file is read, cleared when it is done. `korpu
//! query`/`run` start one per statement, the shell one for its whole life. Not drawn
//! when stderr is not a terminal, so scripts and pipes see nothing of it.

use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use korpu::query::LoadProgress;

/// Draws while alive; dropping it stops the thread and clears the line.
pub(crate) struct ProgressBar {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl ProgressBar {
    /// Starts drawing `progress` when stderr is a terminal.
    pub(crate) fn start(progress: &Arc<LoadProgress>) -> ProgressBar {
        progress.bytes_total.store(0, Ordering::Relaxed);
        progress.bytes_read.store(0, Ordering::Relaxed);
        let stop = Arc::new(AtomicBool::new(false));
        if !std::io::stderr().is_terminal() {
            return ProgressBar { stop, thread: None };
        }
        let (progress, stopped) = (progress.clone(), stop.clone());
        let thread = std::thread::spawn(move || draw(&progress, &stopped));
        ProgressBar { stop, thread: Some(thread) }
    }
}

impl Drop for ProgressBar {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn draw(progress: &LoadProgress, stop: &AtomicBool) {
    let mut drawn = false;
    // Ticks of 50 ms since the current file began: a short load shows nothing.
    let mut ticks = 0u32;
    while !stop.load(Ordering::Relaxed) {
        std::thread::sleep(Duration::from_millis(50));
        let total = progress.bytes_total.load(Ordering::Relaxed);
        if total == 0 {
            // No file is being read (any more): clear what was drawn.
            if drawn {
                clear();
                drawn = false;
            }
            ticks = 0;
            continue;
        }
        ticks += 1;
        if ticks < 6 || !ticks.is_multiple_of(4) {
            continue;
        }
        let read = progress.bytes_read.load(Ordering::Relaxed).min(total);
        let share = read as f64 / total as f64;
        let filled = (share * 30.0) as usize;
        let bar: String = "#".repeat(filled) + &".".repeat(30 - filled);
        let mebibyte = 1024.0 * 1024.0;
        eprint!(
            "\r\x1b[2KLOAD CSV [{bar}] {:>3.0}%  {:.1} of {:.1} MiB",
            share * 100.0,
            read as f64 / mebibyte,
            total as f64 / mebibyte
        );
        let _ = std::io::stderr().flush();
        drawn = true;
    }
    if drawn {
        clear();
    }
}

fn clear() {
    eprint!("\r\x1b[2K");
    let _ = std::io::stderr().flush();
}
