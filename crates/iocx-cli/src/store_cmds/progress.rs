//! The import progress bar: on stderr, only when stderr is a terminal, and
//! only once the work has taken a couple of seconds, so quick imports and
//! scripted runs never see it.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long work runs before the bar appears.
const DELAY: Duration = Duration::from_secs(2);

/// A progress bar over a count of attributes, shown after [`DELAY`].
pub struct Progress {
    bar: ProgressBar,
    start: Instant,
    /// Whether the bar may ever be shown (stderr is a terminal).
    terminal: bool,
    shown: bool,
}

impl Progress {
    /// A hidden bar over `total` attributes, labelled `phase`.
    pub fn new(total: u64, phase: &'static str) -> Progress {
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
        if let Ok(style) = ProgressStyle::with_template(
            "{msg:>11} [{bar:40}] {human_pos}/{human_len} attributes ({eta})",
        ) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(phase);
        Progress {
            bar,
            start: Instant::now(),
            terminal: std::io::stderr().is_terminal(),
            shown: false,
        }
    }

    /// Starts the next phase over `total` attributes (the delay still counts
    /// from the first phase).
    pub fn phase(&mut self, total: u64, phase: &'static str) {
        self.bar.set_length(total);
        self.bar.set_position(0);
        self.bar.set_message(phase);
    }

    /// Moves the bar to `done`, showing it once the work has run long enough.
    pub fn set(&mut self, done: u64) {
        if !self.shown && self.terminal && self.start.elapsed() >= DELAY {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
            self.shown = true;
        }
        self.bar.set_position(done);
    }

    /// Removes the bar.
    pub fn finish(self) {
        self.bar.finish_and_clear();
    }
}
