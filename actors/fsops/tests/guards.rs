//! Permissions, cleanup and the allow-list on their own, on real folders:
//! what FsOps may change, delete and touch, and that a step with nothing
//! asked of it reports skipped.

mod support;

use revaer_fsops::plan::{make_plan, Step};
use revaer_fsops::{RealFs, StepError, StepStatus, TestHooks, Work};
use revaer_messages::config::MoveMode;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;
use std::sync::Arc;
use support::{bytes, payload, run_all, run_steps, torrent, Sandbox, TestResult};

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
