//! Progress bars on stderr for long jobs; hidden when stderr is not a terminal.

use aisle_engine::{FitProgress, Progress};
use indicatif::{ProgressBar, ProgressStyle};

/// A bar that follows an engine job's [`Progress`] reports.
pub struct Bar {
    bar: ProgressBar,
}

impl Bar {
    /// A bar counting bytes of input.
    pub fn bytes(label: &str) -> Self {
        Self::with_template(label, "{prefix} [{bar:30}] {bytes}/{total_bytes} {msg} ({eta})")
    }

    /// A bar counting events.
    pub fn events(label: &str) -> Self {
        Self::with_template(
            label,
            "{prefix} [{bar:30}] {human_pos}/{human_len} events ({per_sec}, {eta})",
        )
    }

    /// A bar counting training steps, with the model's own status (loss, validation metric).
    pub fn steps(label: &str) -> Self {
        Self::with_template(label, "{prefix} [{bar:30}] {pos}/{len} steps {msg} ({elapsed})")
    }

    /// A bar counting items (catalog sync, embedding).
    pub fn items(label: &str) -> Self {
        Self::with_template(
            label,
            "{prefix} [{bar:30}] {human_pos}/{human_len} items ({per_sec}, {eta})",
        )
    }

    /// Sets the done and total counts directly.
    pub fn counts(&self, done: u64, total: u64) {
        self.bar.set_length(total);
        self.bar.set_position(done);
    }

    /// Takes one report from a model fit.
    pub fn fit(&self, progress: &FitProgress) {
        self.bar.set_length(progress.total);
        self.bar.set_position(progress.done);
        self.bar.set_message(progress.message.clone());
    }

    fn with_template(label: &str, template: &str) -> Self {
        let bar = ProgressBar::new(0);
        let style =
            ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style.progress_chars("=> "));
        bar.set_prefix(label.to_string());
        Self { bar }
    }

    /// Takes one report from the job.
    pub fn update(&self, progress: Progress) {
        if let Some(total) = progress.total {
            self.bar.set_length(total);
        }
        self.bar.set_position(progress.done);
        if progress.records > 0 {
            let rejected = if progress.rejected > 0 {
                format!(", {} rejected", progress.rejected)
            } else {
                String::new()
            };
            self.bar.set_message(format!(
                "{} rows{rejected}",
                crate::format::thousands(progress.records)
            ));
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
