//! SHA-256 of files, and copying with verification.
//!
//! Rule: a copy is only trusted after its bytes were read back and hashed;
//! it is written to a temporary name next to its destination's staging area
//! and renamed into place, so a crash never leaves a half-written file under
//! a final name.

use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{Read, Write};
use std::path::Path;

use crate::error::{StepError, StepResult};

const CHUNK: usize = 1 << 20;

/// Size and SHA-256 (hex) of a file.
pub fn hash_file(path: &Path) -> StepResult<(u64, String)> {
    let mut file = File::open(path).map_err(|e| StepError::io("cannot open", path, e))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; CHUNK];
    let mut size = 0u64;
    loop {
        let n = file
            .read(&mut buf)
            .map_err(|e| StepError::io("cannot read", path, e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        size += n as u64;
    }
    Ok((size, hex::encode(hasher.finalize())))
}

/// Copies `src` to `tmp` (hashing on the way, keeping the mode), flushes it
/// to disk, reads it back and checks the hash, then renames it to `dst`.
/// Returns the size and hash.
pub fn copy_verified(src: &Path, tmp: &Path, dst: &Path) -> StepResult<(u64, String)> {
    let mut input = File::open(src).map_err(|e| StepError::io("cannot open", src, e))?;
    let mut output = File::create(tmp).map_err(|e| StepError::io("cannot create", tmp, e))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; CHUNK];
    let mut size = 0u64;
    loop {
        let n = input
            .read(&mut buf)
            .map_err(|e| StepError::io("cannot read", src, e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        output
            .write_all(&buf[..n])
            .map_err(|e| StepError::io("cannot write", tmp, e))?;
        size += n as u64;
    }
    output
        .sync_all()
        .map_err(|e| StepError::io("cannot flush", tmp, e))?;
    drop(output);
    let permissions = std::fs::metadata(src)
        .map_err(|e| StepError::io("cannot stat", src, e))?
        .permissions();
    std::fs::set_permissions(tmp, permissions)
        .map_err(|e| StepError::io("cannot set mode of", tmp, e))?;
    let expected = hex::encode(hasher.finalize());
    let (copied_size, copied) = hash_file(tmp)?;
    if copied_size != size || copied != expected {
        // Best effort: the mismatch is the error to report; a temp copy
        // left behind is overwritten when the step runs again.
        let _ = std::fs::remove_file(tmp);
        return Err(StepError::Io {
            context: format!("verification of the copy of {} failed", src.display()),
            source: std::io::Error::other("checksum mismatch"),
        });
    }
    std::fs::rename(tmp, dst).map_err(|e| StepError::io("cannot rename into place", dst, e))?;
    Ok((size, expected))
}
