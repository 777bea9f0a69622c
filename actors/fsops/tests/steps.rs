//! Flatten and transfer (copy, move, hardlink, the cross-device fallback)
//! on their own, on real folders (permissions, cleanup and the allow-list:
//! `guards.rs`).

mod support;

use revaer_fsops::plan::{make_plan, Step};
use revaer_fsops::{cross_device_error, FileSystem, RealFs, STAGING_DIR};
use revaer_messages::config::MoveMode;
use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::sync::Arc;
use support::archives::{self, Compression};
use support::{bytes, payload, run_all, run_steps, torrent, Sandbox, TestResult};

/// Reports `EXDEV` for every rename and link, as a second filesystem would.
struct CrossDevice;

impl FileSystem for CrossDevice {
    fn rename(&self, _from: &Path, _to: &Path) -> io::Result<()> {
        Err(cross_device_error())
    }
    fn hard_link(&self, _original: &Path, _link: &Path) -> io::Result<()> {
        Err(cross_device_error())
    }
}

#[test]
fn flatten_renames_collisions_deterministically() -> TestResult {
    let sandbox = Sandbox::new()?;
    sandbox.write("Show/s1/e1.mkv", &bytes(1, 100))?;
    sandbox.write("Show/s2/e1.mkv", &bytes(2, 100))?;
    sandbox.write("Show/e1.mkv", &bytes(3, 100))?;
    sandbox.write(
        "Show/extras.tar",
        &archives::tar(
            &[("e1.mkv", &bytes(4, 50)), ("deep/notes.txt", b"n")],
            Compression::None,
        )?,
    )?;
    let files = [
        "Show/s1/e1.mkv",
        "Show/s2/e1.mkv",
        "Show/e1.mkv",
        "Show/extras.tar",
    ];
    let input = sandbox.input(&torrent(1), "Show", Some("tv"), &files)?;
    let mut policy = sandbox.policy();
    policy.extract = true;
    policy.flatten = true;
    let work = run_all(&input, &policy)?;
    let dest = sandbox.library.join("tv/Show");
    assert_eq!(work.dest, dest);
    let tree = payload(&dest)?;
    let names: Vec<&str> = tree.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "e1 (1).mkv",
            "e1 (2).mkv",
            "e1 (3).mkv",
            "e1.mkv",
            "extras.tar",
            "notes.txt"
        ]
    );
    // Torrent files by source path first, then extracted members.
    assert_eq!(std::fs::read(dest.join("e1.mkv"))?, bytes(3, 100));
    assert_eq!(std::fs::read(dest.join("e1 (1).mkv"))?, bytes(1, 100));
    assert_eq!(std::fs::read(dest.join("e1 (2).mkv"))?, bytes(2, 100));
    assert_eq!(std::fs::read(dest.join("e1 (3).mkv"))?, bytes(4, 50));
    assert!(!dest.join(STAGING_DIR).exists(), "staging removed");
    Ok(())
}

#[test]
fn without_flatten_members_land_beside_their_archive() -> TestResult {
    let sandbox = Sandbox::new()?;
    sandbox.write(
        "Pack/cd1/a.zip",
        &archives::zip(&[("inner/x.txt", b"x"), ("y.txt", b"y")])?,
    )?;
    sandbox.write("Pack/cd1/y.txt", b"torrent's own y")?;
    let input = sandbox.input(
        &torrent(2),
        "Pack",
        None,
        &["Pack/cd1/a.zip", "Pack/cd1/y.txt"],
    )?;
    let mut policy = sandbox.policy();
    policy.extract = true;
    run_all(&input, &policy)?;
    let dest = sandbox.library.join("Pack");
    let names: Vec<String> = payload(&dest)?.into_keys().collect();
    assert_eq!(
        names,
        ["cd1/a.zip", "cd1/inner/x.txt", "cd1/y (1).txt", "cd1/y.txt"]
    );
    assert_eq!(std::fs::read(dest.join("cd1/y.txt"))?, b"torrent's own y");
    Ok(())
}

#[test]
fn transfer_copy_keeps_the_download() -> TestResult {
    let sandbox = Sandbox::new()?;
    let src = sandbox.write("M/m.mkv", &bytes(5, 70_000))?;
    let input = sandbox.input(&torrent(3), "M", None, &["M/m.mkv"])?;
    let work = run_all(&input, &sandbox.policy())?;
    let copied = sandbox.library.join("M/m.mkv");
    assert_eq!(std::fs::read(&copied)?, bytes(5, 70_000));
    assert!(src.exists(), "copy leaves the source");
    assert_ne!(
        std::fs::metadata(&src)?.ino(),
        std::fs::metadata(&copied)?.ino()
    );
    let record = &work.store.meta.files[0];
    assert_eq!(
        (record.path.as_str(), record.size, record.method.as_str()),
        ("m.mkv", 70_000, "copy")
    );
    assert_eq!(record.sha256.len(), 64);
    Ok(())
}

#[test]
fn transfer_move_renames_and_removes_emptied_folders() -> TestResult {
    let sandbox = Sandbox::new()?;
    sandbox.write("M/sub/a.bin", &bytes(6, 1000))?;
    sandbox.write("M/b.bin", &bytes(7, 1000))?;
    let input = sandbox.input(&torrent(4), "M", None, &["M/sub/a.bin", "M/b.bin"])?;
    let mut policy = sandbox.policy();
    policy.move_mode = MoveMode::Move;
    let plan = make_plan(&input, &policy)?;
    assert_eq!(
        plan.engine_save_path.as_deref(),
        Some(sandbox.library.to_str().ok_or("utf8")?)
    );
    let work = run_steps(&plan, Arc::new(RealFs), &Step::ALL)?;
    assert!(
        !sandbox.downloads.join("M").exists(),
        "emptied download folders removed"
    );
    assert!(sandbox.downloads.exists(), "the save path itself stays");
    assert_eq!(
        std::fs::read(sandbox.library.join("M/sub/a.bin"))?,
        bytes(6, 1000)
    );
    assert!(work.store.meta.files.iter().all(|f| f.method == "rename"));
    Ok(())
}

#[test]
fn transfer_hardlink_shares_the_inode() -> TestResult {
    let sandbox = Sandbox::new()?;
    let src = sandbox.write("H/h.mkv", &bytes(8, 5000))?;
    let input = sandbox.input(&torrent(5), "H", None, &["H/h.mkv"])?;
    let mut policy = sandbox.policy();
    policy.move_mode = MoveMode::Hardlink;
    let work = run_all(&input, &policy)?;
    let linked = sandbox.library.join("H/h.mkv");
    assert_eq!(
        std::fs::metadata(&src)?.ino(),
        std::fs::metadata(&linked)?.ino()
    );
    assert_eq!(std::fs::metadata(&src)?.nlink(), 2);
    assert_eq!(work.store.meta.files[0].method, "hardlink");
    Ok(())
}

#[test]
fn cross_device_falls_back_to_copy_through_the_seam() -> TestResult {
    for mode in [MoveMode::Move, MoveMode::Hardlink] {
        let sandbox = Sandbox::new()?;
        let src = sandbox.write("X/x.bin", &bytes(9, 200_000))?;
        let input = sandbox.input(&torrent(6), "X", None, &["X/x.bin"])?;
        let mut policy = sandbox.policy();
        policy.move_mode = mode;
        let plan = make_plan(&input, &policy)?;
        let work = run_steps(&plan, Arc::new(CrossDevice), &Step::ALL)?;
        let placed = sandbox.library.join("X/x.bin");
        assert_eq!(std::fs::read(&placed)?, bytes(9, 200_000), "{mode:?}");
        assert_eq!(work.store.meta.files[0].method, "copy_fallback", "{mode:?}");
        match mode {
            MoveMode::Move => assert!(!src.exists(), "move removes the verified source"),
            _ => assert_ne!(
                std::fs::metadata(&src)?.ino(),
                std::fs::metadata(&placed)?.ino()
            ),
        }
    }
    Ok(())
}

/// A real second filesystem: a tmpfs mounted inside the sandbox (needs
/// root; skipped with a note where `mount` is refused, the seam test above
/// covers the logic everywhere).
#[test]
fn cross_device_falls_back_on_a_real_tmpfs() -> TestResult {
    let sandbox = Sandbox::new()?;
    let mount_point = sandbox.root.join("other-fs");
    std::fs::create_dir_all(&mount_point)?;
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=32m", "tmpfs"])
        .arg(&mount_point)
        .output();
    if !mounted.as_ref().is_ok_and(|o| o.status.success()) {
        eprintln!("cannot mount a tmpfs here; real cross-device test skipped");
        return Ok(());
    }
    let _unmount = Unmount(mount_point.clone());
    for mode in [MoveMode::Move, MoveMode::Hardlink] {
        let src = sandbox.write("T/t.bin", &bytes(10, 300_000))?;
        let input = sandbox.input(&torrent(7), "T", None, &["T/t.bin"])?;
        let mut policy = sandbox.policy();
        policy.move_mode = mode;
        policy.library_root = mount_point
            .join(format!("{mode:?}"))
            .to_string_lossy()
            .into_owned();
        let work = run_all(&input, &policy)?;
        let placed = Path::new(&policy.library_root).join("T/t.bin");
        assert_eq!(std::fs::read(&placed)?, bytes(10, 300_000));
        assert_eq!(work.store.meta.files[0].method, "copy_fallback", "{mode:?}");
        assert_ne!(
            std::fs::metadata(&placed)?.dev(),
            std::fs::metadata(&sandbox.downloads)?.dev()
        );
        if mode == MoveMode::Move {
            assert!(!src.exists());
        }
    }
    Ok(())
}

struct Unmount(std::path::PathBuf);

impl Drop for Unmount {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}
