//! The bounds of one extract step.
//!
//! Rules:
//! - the bytes a job extracts, over all its archives, stay within the
//!   plan's budget (`extract_max_ratio` times the torrent's size); the write
//!   that would pass it fails the step instead, so an archive bomb costs at
//!   most the budget;
//! - the target filesystem keeps `extract_min_free_bytes` free: checked
//!   before the first byte and again every [`FREE_CHECK_EVERY`] bytes
//!   written (so it can dip below by at most that much);
//! - both failures are [`StepError::Limit`]: permanent, since extracting the
//!   same archive again reaches the same limit.

use std::path::{Path, PathBuf};

use crate::error::{StepError, StepResult};
use crate::plan::Plan;

/// How often (in bytes written) the free space is measured again.
pub const FREE_CHECK_EVERY: u64 = 8 * 1024 * 1024;

/// What is left to spend.
#[derive(Debug)]
pub struct Budget {
    /// Bytes still allowed, `None` without a ratio limit.
    left: Option<u64>,
    total: Option<u64>,
    min_free: u64,
    target: PathBuf,
    since_check: u64,
}

impl Budget {
    /// The budget of `plan`, extracting below `target`; fails at once when
    /// the target filesystem is already below the margin.
    pub fn new(plan: &Plan, target: &Path) -> StepResult<Self> {
        let budget = Self {
            left: plan.extract_budget(),
            total: plan.extract_budget(),
            min_free: plan.limits.min_free_bytes,
            target: target.to_path_buf(),
            since_check: 0,
        };
        budget.check_free()?;
        Ok(budget)
    }

    /// Accounts for `bytes` about to be written from `archive`.
    pub fn spend(&mut self, bytes: u64, archive: &str) -> StepResult<()> {
        if let (Some(left), Some(total)) = (self.left.as_mut(), self.total) {
            if bytes > *left {
                return Err(StepError::Limit(format!(
                    "{archive} would extract more than {total} bytes \
                     (fs_policy.extract_max_ratio times the torrent's size)"
                )));
            }
            *left -= bytes;
        }
        self.since_check += bytes;
        if self.since_check >= FREE_CHECK_EVERY {
            self.since_check = 0;
            self.check_free()?;
        }
        Ok(())
    }

    fn check_free(&self) -> StepResult<()> {
        if self.min_free == 0 {
            return Ok(());
        }
        let stats = nix::sys::statvfs::statvfs(&self.target).map_err(|errno| {
            StepError::io(
                "cannot measure free space on",
                &self.target,
                std::io::Error::from(errno),
            )
        })?;
        let free: u64 = stats
            .blocks_available()
            .saturating_mul(stats.fragment_size());
        if free < self.min_free {
            return Err(StepError::Limit(format!(
                "only {free} bytes free on the filesystem of {}; \
                 fs_policy.extract_min_free_bytes keeps {}",
                self.target.display(),
                self.min_free
            )));
        }
        Ok(())
    }
}
