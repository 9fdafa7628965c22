//! A progress bar on standard error: redrawn in place on a terminal, a line per tenth otherwise
//! (logs, CI).

use std::io::{IsTerminal, Write};

pub struct Progress {
    label: String,
    total: u64,
    done: u64,
    tty: bool,
    last_tenth: u64,
}

impl Progress {
    pub fn new(label: impl Into<String>, total: u64) -> Progress {
        let progress = Progress { label: label.into(), total, done: 0, tty: std::io::stderr().is_terminal(), last_tenth: 0 };
        progress.draw();
        progress
    }

    pub fn total(&self) -> u64 {
        self.total
    }

    pub fn set_total(&mut self, total: u64) {
        self.total = total;
        self.draw();
    }

    /// Both figures at once, as a queue reports them.
    pub fn set(&mut self, done: u64, total: u64) {
        (self.done, self.total) = (done, total);
        self.draw();
        self.log_tenth();
    }

    fn draw(&self) {
        let total = self.total.max(1);
        let filled = (self.done.min(total) * 30 / total) as usize;
        let line = format!("{} [{}{}] {}/{}", self.label, "#".repeat(filled), ".".repeat(30 - filled), self.done, self.total);
        let mut err = std::io::stderr();
        if self.tty {
            let _ = write!(err, "\r{line}");
            let _ = err.flush();
        }
    }

    /// Prints a line at every tenth when not on a terminal.
    fn log_tenth(&mut self) {
        let tenth = self.done * 10 / self.total.max(1);
        if !self.tty && tenth > self.last_tenth {
            self.last_tenth = tenth;
            eprintln!("{} {}/{}", self.label, self.done, self.total);
        }
    }

    pub fn tick(&mut self) {
        self.set(self.done + 1, self.total);
    }

    pub fn finish(self) {
        if self.tty {
            eprintln!();
        }
    }
}
