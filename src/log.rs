//! Opt-in logging. Lines are built only when a logger wants them, and never
//! from secret values: callers pass paths, statuses and timings only.

use crate::options::{LogLevel, Logger};

#[derive(Clone, Default)]
pub(crate) struct Log(Option<(Logger, LogLevel)>);

impl Log {
    pub(crate) fn new(logger: Option<(Logger, LogLevel)>) -> Log {
        Log(logger)
    }

    pub(crate) fn emit(&self, level: LogLevel, line: impl FnOnce() -> String) {
        if let Some((logger, max)) = &self.0 {
            if level <= *max {
                logger(level, &line());
            }
        }
    }
}
