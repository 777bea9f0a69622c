//! Bakes the VCS revision into the binary for `/health/full` and
//! `revaer_build_info`: `REVAER_BUILD_REVISION` when the build sets it (the
//! Dockerfile does, as its context has no `.git`), else `git rev-parse`.

use std::process::Command;

fn main() {
    let revision = std::env::var("REVAER_BUILD_REVISION")
        .ok()
        .filter(|s| !s.trim().is_empty())
        .or_else(git_revision)
        .unwrap_or_else(|| "unknown".to_string());
    println!("cargo:rustc-env=REVAER_BUILD_REVISION={revision}");
    println!("cargo:rerun-if-env-changed=REVAER_BUILD_REVISION");
    println!("cargo:rerun-if-changed=../../.git/HEAD");
    println!("cargo:rerun-if-changed=../../.git/refs/heads");
}

fn git_revision() -> Option<String> {
    Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .output()
        .ok()
        .filter(|out| out.status.success())
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}
