//! Flatten, transfer, permissions and cleanup on their own, and the
//! allow-list, on real folders.

mod support;

use revaer_fsops::plan::{make_plan, Step};
use revaer_fsops::{
    cross_device_error, FileSystem, RealFs, StepError, StepStatus, TestHooks, Work, STAGING_DIR,
};
use revaer_messages::config::MoveMode;
use std::io;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
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

#[test]
fn permissions_apply_modes_and_umask() -> TestResult {
    let sandbox = Sandbox::new()?;
    sandbox.write("P/a/b.txt", b"b")?;
    sandbox.write("P/c.txt", b"c")?;
    std::fs::set_permissions(
        sandbox.downloads.join("P/c.txt"),
        std::fs::Permissions::from_mode(0o600),
    )?;
    let input = sandbox.input(&torrent(8), "P", None, &["P/a/b.txt", "P/c.txt"])?;
    let mut policy = sandbox.policy();
    policy.chmod_file = Some("664".into());
    // setgid folders (group inheritance) need the explicit opt-in.
    policy.allow_special_modes = true;
    policy.chmod_dir = Some("2775".into());
    policy.umask = Some("002".into());
    let uid = std::fs::metadata(&sandbox.downloads)?.uid();
    policy.owner = Some(uid.to_string());
    run_all(&input, &policy)?;
    let dest = sandbox.library.join("P");
    let mode = |p: &Path| -> std::io::Result<u32> {
        Ok(std::fs::metadata(p)?.permissions().mode() & 0o7777)
    };
    assert_eq!(mode(&dest.join("c.txt"))?, 0o664);
    assert_eq!(mode(&dest.join("a/b.txt"))?, 0o664);
    assert_eq!(mode(&dest.join("a"))?, 0o2775);
    assert_eq!(mode(&dest)?, 0o2775);
    assert_eq!(std::fs::metadata(dest.join("c.txt"))?.uid(), uid);

    // Only a umask: files 0666 & ~umask, folders 0777 & ~umask.
    let sandbox = Sandbox::new()?;
    sandbox.write("U/d/f.txt", b"f")?;
    let input = sandbox.input(&torrent(9), "U", None, &["U/d/f.txt"])?;
    let mut policy = sandbox.policy();
    policy.umask = Some("027".into());
    run_all(&input, &policy)?;
    let dest = sandbox.library.join("U");
    assert_eq!(mode(&dest.join("d/f.txt"))?, 0o640);
    assert_eq!(mode(&dest.join("d"))?, 0o750);
    Ok(())
}

#[test]
fn permissions_refuse_an_unknown_owner() -> TestResult {
    let sandbox = Sandbox::new()?;
    sandbox.write("O/o.txt", b"o")?;
    let input = sandbox.input(&torrent(10), "O", None, &["O/o.txt"])?;
    let mut policy = sandbox.policy();
    policy.owner = Some("no-such-user-revaer".into());
    let plan = make_plan(&input, &policy)?;
    let mut work = run_steps(
        &plan,
        Arc::new(RealFs),
        &[Step::Extract, Step::Flatten, Step::Transfer],
    )?;
    let err = work
        .execute(Step::Permissions)
        .err()
        .ok_or("unknown owner accepted")?;
    assert!(
        err.is_permanent() && err.to_string().contains("no-such-user-revaer"),
        "{err}"
    );
    Ok(())
}

#[test]
fn cleanup_applies_keep_and_drop_globs() -> TestResult {
    let sandbox = Sandbox::new()?;
    let files = [
        "C/movie.mkv",
        "C/movie.sample.mkv",
        "C/info.nfo",
        "C/subs/en.srt",
        "C/subs/deep/x.nfo",
        "C/proof/cover.jpg",
    ];
    for (i, f) in files.iter().enumerate() {
        sandbox.write(f, &bytes(i as u64 + 20, 10))?;
    }
    let input = sandbox.input(&torrent(11), "C", None, &files)?;
    let mut policy = sandbox.policy();
    policy.cleanup_keep = vec!["*.mkv".into(), "*.srt".into()];
    policy.cleanup_drop = vec!["*sample*".into()];
    let work = run_all(&input, &policy)?;
    let dest = sandbox.library.join("C");
    let names: Vec<String> = payload(&dest)?.into_keys().collect();
    assert_eq!(names, ["movie.mkv", "subs/en.srt"]);
    assert!(!dest.join("proof").exists(), "emptied folders removed");
    assert!(!dest.join("subs/deep").exists());
    let mut removed = work.store.meta.removed.clone();
    removed.sort();
    assert_eq!(
        removed,
        [
            "C/info.nfo",
            "movie.sample.mkv",
            "proof/cover.jpg",
            "subs/deep/x.nfo"
        ]
        .map(|s| s.trim_start_matches("C/").to_string())
    );
    Ok(())
}

#[test]
fn cleanup_never_deletes_what_the_engine_seeds_in_move_mode() -> TestResult {
    let sandbox = Sandbox::new()?;
    sandbox.write("S/a.mkv", b"a")?;
    sandbox.write("S/a.nfo", b"n")?;
    let input = sandbox.input(&torrent(12), "S", None, &["S/a.mkv", "S/a.nfo"])?;
    let mut policy = sandbox.policy();
    policy.move_mode = MoveMode::Move;
    policy.cleanup_drop = vec!["*.nfo".into()];
    let work = run_all(&input, &policy)?;
    assert!(
        sandbox.library.join("S/a.nfo").exists(),
        "pinned torrent file kept"
    );
    assert!(work.store.meta.removed.is_empty());
    Ok(())
}

#[test]
fn allow_list_refuses_outside_source_and_destination() -> TestResult {
    // Destination outside.
    let sandbox = Sandbox::new()?;
    sandbox.write("A/a.txt", b"a")?;
    let input = sandbox.input(&torrent(13), "A", None, &["A/a.txt"])?;
    let mut policy = sandbox.policy();
    policy.library_root = sandbox.outside.to_string_lossy().into_owned();
    let plan = make_plan(&input, &policy)?;
    let refused = Work::prepare(&plan, Arc::new(RealFs), TestHooks::default()).err();
    assert!(
        matches!(refused, Some(StepError::Refused(m)) if m.contains("outside fs_policy.allow_paths"))
    );
    assert!(
        !sandbox.outside.join("A").exists(),
        "nothing created outside"
    );

    // Source outside (the download lives outside the allowed root).
    let sandbox = Sandbox::new()?;
    std::fs::create_dir_all(sandbox.outside.join("B"))?;
    std::fs::write(sandbox.outside.join("B/b.txt"), b"b")?;
    let mut input = sandbox.input(&torrent(14), "B", None, &[])?;
    input.save_path = sandbox.outside.to_string_lossy().into_owned();
    input.files = vec![revaer_fsops::plan::InputFile {
        path: "B/b.txt".into(),
        size: 1,
    }];
    let plan = make_plan(&input, &sandbox.policy())?;
    let refused = Work::prepare(&plan, Arc::new(RealFs), TestHooks::default()).err();
    assert!(matches!(refused, Some(StepError::Refused(m)) if m.contains("source")));
    assert!(
        !sandbox.library.join("B").exists(),
        "destination not created"
    );
    Ok(())
}

#[test]
fn allow_list_refuses_symlink_escapes() -> TestResult {
    // A source file that is a symlink to a file outside.
    let sandbox = Sandbox::new()?;
    std::fs::write(sandbox.outside.join("secret"), b"s")?;
    std::fs::create_dir_all(sandbox.downloads.join("L"))?;
    std::os::unix::fs::symlink(
        sandbox.outside.join("secret"),
        sandbox.downloads.join("L/file"),
    )?;
    let mut input = sandbox.input(&torrent(15), "L", None, &[])?;
    input.files = vec![revaer_fsops::plan::InputFile {
        path: "L/file".into(),
        size: 1,
    }];
    let plan = make_plan(&input, &sandbox.policy())?;
    let refused = Work::prepare(&plan, Arc::new(RealFs), TestHooks::default()).err();
    assert!(
        matches!(refused, Some(StepError::Refused(_))),
        "{refused:?}"
    );

    // A library category folder that is a symlink leading outside.
    let sandbox = Sandbox::new()?;
    sandbox.write("M/m.txt", b"m")?;
    std::os::unix::fs::symlink(&sandbox.outside, sandbox.library.join("movies"))?;
    let input = sandbox.input(&torrent(16), "M", Some("movies"), &["M/m.txt"])?;
    let plan = make_plan(&input, &sandbox.policy())?;
    let refused = Work::prepare(&plan, Arc::new(RealFs), TestHooks::default()).err();
    assert!(matches!(refused, Some(StepError::Refused(m)) if m.contains("resolves to")));
    assert!(
        std::fs::read_dir(&sandbox.outside)?.next().is_none(),
        "nothing written outside"
    );
    Ok(())
}

#[test]
fn a_foreign_destination_is_never_touched() -> TestResult {
    let sandbox = Sandbox::new()?;
    sandbox.write("F/f.txt", b"new")?;
    std::fs::create_dir_all(sandbox.library.join("F"))?;
    std::fs::write(sandbox.library.join("F/mine.txt"), b"user's file")?;
    let input = sandbox.input(&torrent(17), "F", None, &["F/f.txt"])?;
    let plan = make_plan(&input, &sandbox.policy())?;
    let refused = Work::prepare(&plan, Arc::new(RealFs), TestHooks::default()).err();
    assert!(
        matches!(refused, Some(StepError::Conflict(_))),
        "{refused:?}"
    );
    assert_eq!(
        std::fs::read(sandbox.library.join("F/mine.txt"))?,
        b"user's file"
    );
    assert!(!sandbox.library.join("F/.revaer.meta").exists());
    Ok(())
}

#[test]
fn every_step_reports_skipped_when_the_policy_asks_nothing() -> TestResult {
    let sandbox = Sandbox::new()?;
    sandbox.write("N/n.txt", b"n")?;
    let input = sandbox.input(&torrent(18), "N", None, &["N/n.txt"])?;
    let plan = make_plan(&input, &sandbox.policy())?;
    let mut work = Work::prepare(&plan, Arc::new(RealFs), TestHooks::default())?;
    let mut statuses = Vec::new();
    for step in Step::ALL {
        statuses.push(work.execute(step)?);
        work.store.complete(step)?;
    }
    assert_eq!(
        statuses,
        [
            StepStatus::Skipped,
            StepStatus::Skipped,
            StepStatus::Done,
            StepStatus::Skipped,
            StepStatus::Skipped
        ]
    );
    Ok(())
}
