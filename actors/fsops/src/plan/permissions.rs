//! File and directory permissions of a plan, resolved once from the
//! policy's octal strings so a bad mode fails the plan, not a later chmod.

use super::PlanError;
use revaer_messages::config::FsPolicy;
use revaer_messages::config_patch::{max_mode, parse_octal};
use serde::{Deserialize, Serialize};

/// Permissions resolved from the policy's octal strings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Permissions {
    /// Mode of files, before the umask.
    pub file_mode: Option<u32>,
    /// Mode of directories, before the umask.
    pub dir_mode: Option<u32>,
    /// Bits cleared from every mode FsOps sets.
    pub umask: Option<u32>,
    /// Owner (user name or uid).
    pub owner: Option<String>,
    /// Group (name or gid).
    pub group: Option<String>,
}

impl Permissions {
    /// Whether the permissions step has anything to do.
    pub fn is_empty(&self) -> bool {
        self.file_mode.is_none()
            && self.dir_mode.is_none()
            && self.umask.is_none()
            && self.owner.is_none()
            && self.group.is_none()
    }

    /// The mode files end up with, if FsOps sets one: the configured mode
    /// (0666 when only a umask is set) minus the umask.
    pub fn effective_file_mode(&self) -> Option<u32> {
        effective(self.file_mode, 0o666, self.umask)
    }

    /// The mode directories end up with (0777 minus the umask by default).
    pub fn effective_dir_mode(&self) -> Option<u32> {
        effective(self.dir_mode, 0o777, self.umask)
    }
}

fn effective(mode: Option<u32>, default: u32, umask: Option<u32>) -> Option<u32> {
    match (mode, umask) {
        (None, None) => None,
        (mode, umask) => Some(mode.unwrap_or(default) & !umask.unwrap_or(0)),
    }
}

impl Permissions {
    /// Resolves the policy's modes, umask, owner and group.
    pub(super) fn from_policy(policy: &FsPolicy) -> Result<Self, PlanError> {
        // Setuid, setgid and sticky bits only with the explicit opt-in (the
        // edge refuses them too; a plan is the last line before chmod).
        let special = max_mode(policy.allow_special_modes);
        Ok(Self {
            file_mode: mode("chmod_file", policy.chmod_file.as_deref(), special)?,
            dir_mode: mode("chmod_dir", policy.chmod_dir.as_deref(), special)?,
            umask: mode("umask", policy.umask.as_deref(), 0o777)?,
            owner: non_empty(policy.owner.as_deref()),
            group: non_empty(policy.group.as_deref()),
        })
    }
}

fn non_empty(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

fn mode(field: &'static str, value: Option<&str>, max: u32) -> Result<Option<u32>, PlanError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(text) => parse_octal(text)
            .filter(|m| *m <= max)
            .map(Some)
            .ok_or_else(|| PlanError::BadMode {
                field,
                value: text.to_string(),
            }),
    }
}
