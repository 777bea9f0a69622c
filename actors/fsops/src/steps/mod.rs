//! The five steps, as blocking functions over one job's working state.
//!
//! Rules: each step is idempotent on its own (it can run again after a crash
//! at any point and give the same result), checks the allow-list before it
//! touches anything, and returns whether it did something or had nothing to
//! do. Recording the step as completed is the caller's job (`runner`).

pub mod budget;
pub mod cleanup;
pub mod extract;
pub mod flatten;
pub mod permissions;
pub mod transfer;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::allow::AllowList;
use crate::error::{StepError, StepResult};
use crate::fs::FileSystem;
use crate::meta::MetaStore;
use crate::plan::{Plan, Step};

/// How a step ended when it did not fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepStatus {
    /// It did its work.
    Done,
    /// The policy asked for nothing (no archives, no flatten, ...).
    Skipped,
}

impl StepStatus {
    /// The spelling in events and metrics.
    pub fn as_str(self) -> &'static str {
        match self {
            StepStatus::Done => "done",
            StepStatus::Skipped => "skipped",
        }
    }
}

/// Test hooks that simulate a crash. Production leaves them empty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TestHooks {
    /// Stop the run right after this step is recorded, as if the process
    /// had been killed there (the job stays `running`).
    pub stop_after: Option<Step>,
    /// Stop in the middle of the transfer step after this many files.
    pub interrupt_transfer_after: Option<usize>,
}

/// One job's working state, owned by whichever blocking task runs a step.
pub struct Work {
    /// The plan being executed (the stored one when resuming).
    pub plan: Plan,
    /// The destination.
    pub dest: PathBuf,
    /// Its `.revaer.meta`.
    pub store: MetaStore,
    /// The allow-list of the plan.
    pub allow: AllowList,
    /// The EXDEV seam.
    pub fs: Arc<dyn FileSystem>,
    /// Crash simulation.
    pub hooks: TestHooks,
}

impl Work {
    /// Checks every path of `plan` and opens its destination. Nothing is
    /// created before the allow-list accepted it.
    pub fn prepare(plan: &Plan, fs: Arc<dyn FileSystem>, hooks: TestHooks) -> StepResult<Self> {
        let allow = AllowList::new(&plan.allow_paths)?;
        let dest = PathBuf::from(&plan.destination);
        check_paths(plan, &allow, &dest)?;
        let store = MetaStore::open(&dest, plan)?;
        let plan = store.meta.plan.clone();
        let work = Self {
            plan,
            dest,
            store,
            allow,
            fs,
            hooks,
        };
        work.recheck()?;
        Ok(work)
    }

    /// The checks repeated before every step: the destination (now existing)
    /// and every source still present.
    pub fn recheck(&self) -> StepResult<()> {
        check_paths(&self.plan, &self.allow, &self.dest)?;
        self.allow.existing(&self.dest, "destination")?;
        Ok(())
    }

    /// Does the work of one step; recording it as completed is separate
    /// (move mode tells the engine in between).
    pub fn execute(&mut self, step: Step) -> StepResult<StepStatus> {
        match step {
            Step::Extract => extract::run(self),
            Step::Flatten => flatten::run(self),
            Step::Transfer => transfer::run(self),
            Step::Permissions => permissions::run(self),
            Step::Cleanup => cleanup::run(self),
        }
    }
}

/// Sources must be plain files inside the allow-list; the destination must
/// be inside it and must not overlap the download.
fn check_paths(plan: &Plan, allow: &AllowList, dest: &Path) -> StepResult<()> {
    let root = Path::new(&plan.source_root);
    let dest = allow.target(dest, "destination")?;
    for file in &plan.files {
        let src = root.join(&file.source);
        let Ok(meta) = std::fs::symlink_metadata(&src) else {
            // Moved already, or missing: the transfer step tells which.
            continue;
        };
        if meta.file_type().is_symlink() {
            return Err(StepError::Refused(format!(
                "source {} is a symbolic link",
                src.display()
            )));
        }
        let canonical = allow.existing(&src, "source")?;
        if canonical.starts_with(&dest) {
            return Err(StepError::Refused(format!(
                "source {} lies inside the destination {}",
                src.display(),
                dest.display()
            )));
        }
    }
    if let Some(top) = &plan.torrent_root {
        let top = root.join(top);
        if top.exists() {
            let top = allow.existing(&top, "source")?;
            if dest.starts_with(&top) {
                return Err(StepError::Refused(format!(
                    "destination {} lies inside the download {}",
                    dest.display(),
                    top.display()
                )));
            }
        }
    }
    Ok(())
}
