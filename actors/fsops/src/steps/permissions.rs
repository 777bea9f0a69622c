//! Step 4, permissions: file and folder modes, owner and group.
//!
//! Rules:
//! - modes are set explicitly rather than through the process umask (which
//!   is process-wide and would race with every other thread): a file gets
//!   `chmod_file` (0666 when only `umask` is set) minus `umask`, a folder
//!   `chmod_dir` (0777 by default) minus `umask`. With nothing configured
//!   the step is skipped and modes stay as the download had them;
//! - owner and group are names or numeric ids, resolved through the system
//!   user database; an unknown name is a permanent failure;
//! - links are never followed (`lchown`, and no chmod on a link); FsOps'
//!   own files (`.revaer.meta`, the staging area) are left alone;
//! - with `hardlink`, a file in the library shares its inode with the
//!   download, so its mode and owner change for both: that is what a hard
//!   link is.

use nix::unistd::{Group, User};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::error::{StepError, StepResult};
use crate::meta::RESERVED;
use crate::steps::{StepStatus, Work};
use crate::walk::{walk, Kind};

/// Runs the step.
pub fn run(work: &mut Work) -> StepResult<StepStatus> {
    let perms = work.plan.permissions.clone();
    if perms.is_empty() {
        return Ok(StepStatus::Skipped);
    }
    let uid = perms.owner.as_deref().map(resolve_user).transpose()?;
    let gid = perms.group.as_deref().map(resolve_group).transpose()?;
    let file_mode = perms.effective_file_mode();
    let dir_mode = perms.effective_dir_mode();
    let mut entries = vec![(work.dest.clone(), Kind::Dir)];
    entries.extend(
        walk(&work.dest, &RESERVED)?
            .into_iter()
            .map(|entry| (entry.path, entry.kind)),
    );
    for (path, kind) in entries {
        let mode = match kind {
            Kind::Dir => dir_mode,
            Kind::File => file_mode,
            Kind::Other => None,
        };
        if let Some(mode) = mode {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode))
                .map_err(|e| StepError::io("cannot chmod", &path, e))?;
        }
        if uid.is_some() || gid.is_some() {
            std::os::unix::fs::lchown(&path, uid, gid)
                .map_err(|e| StepError::io("cannot chown", &path, e))?;
        }
    }
    Ok(StepStatus::Done)
}

fn resolve_user(name: &str) -> StepResult<u32> {
    if let Ok(uid) = name.parse::<u32>() {
        return Ok(uid);
    }
    match User::from_name(name) {
        Ok(Some(user)) => Ok(user.uid.as_raw()),
        Ok(None) => Err(StepError::Refused(format!(
            "unknown user {name:?} (fs_policy.owner)"
        ))),
        Err(err) => Err(StepError::io(
            "cannot look up user",
            Path::new(name),
            std::io::Error::from(err),
        )),
    }
}

fn resolve_group(name: &str) -> StepResult<u32> {
    if let Ok(gid) = name.parse::<u32>() {
        return Ok(gid);
    }
    match Group::from_name(name) {
        Ok(Some(group)) => Ok(group.gid.as_raw()),
        Ok(None) => Err(StepError::Refused(format!(
            "unknown group {name:?} (fs_policy.group)"
        ))),
        Err(err) => Err(StepError::io(
            "cannot look up group",
            Path::new(name),
            std::io::Error::from(err),
        )),
    }
}
