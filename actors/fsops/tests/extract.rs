//! The extract step on its own: every archive format, multi-volume RAR,
//! hostile archives and unsupported input, on real files.

mod support;

use revaer_fsops::plan::{make_plan, Step};
use revaer_fsops::{RealFs, StepError, StepStatus, TestHooks, Work, STAGING_DIR};
use std::sync::Arc;
use support::archives::{self, Compression};
use support::{bytes, torrent, AnyResult, Sandbox, TestResult};

/// Writes `volumes` under `R/`, runs only the extract step, and returns the
/// staged tree of the first archive set.
fn extract(sandbox: &Sandbox, volumes: &[(&str, Vec<u8>)]) -> AnyResult<Result<Work, StepError>> {
    let mut files = Vec::new();
    for (name, data) in volumes {
        let rel = format!("R/{name}");
        sandbox.write(&rel, data)?;
        files.push(rel);
    }
    let refs: Vec<&str> = files.iter().map(String::as_str).collect();
    let input = sandbox.input(&torrent(1), "R", None, &refs)?;
    let mut policy = sandbox.policy();
    policy.extract = true;
    let plan = make_plan(&input, &policy)?;
    let mut work = Work::prepare(&plan, Arc::new(RealFs), TestHooks::default())?;
    Ok(work.execute(Step::Extract).map(|status| {
        assert_eq!(status, StepStatus::Done);
        work
    }))
}

fn staged(work: &Work, rel: &str) -> AnyResult<Vec<u8>> {
    Ok(std::fs::read(
        work.dest.join(STAGING_DIR).join("extract/0").join(rel),
    )?)
}

const MOVIE: &str = "Movie/movie.mkv";
const SUBS: &str = "Movie/subs/en.srt";

fn check_payload(work: &Work) -> TestResult {
    assert_eq!(staged(work, MOVIE)?, bytes(1, 300_000));
    assert_eq!(staged(work, SUBS)?, bytes(2, 1234));
    Ok(())
}

fn payload() -> [(&'static str, Vec<u8>); 2] {
    [(MOVIE, bytes(1, 300_000)), (SUBS, bytes(2, 1234))]
}

fn entries<'a>(payload: &'a [(&'static str, Vec<u8>)]) -> Vec<(&'static str, &'a [u8])> {
    payload.iter().map(|(n, d)| (*n, d.as_slice())).collect()
}

#[test]
fn extracts_zip() -> TestResult {
    let sandbox = Sandbox::new()?;
    let p = payload();
    let work = extract(&sandbox, &[("a.zip", archives::zip(&entries(&p))?)])??;
    check_payload(&work)
}

#[test]
fn extracts_tar_in_every_compression() -> TestResult {
    for (name, compression) in [
        ("a.tar", Compression::None),
        ("a.tar.gz", Compression::Gzip),
        ("a.tar.bz2", Compression::Bzip2),
        ("a.tar.xz", Compression::Xz),
    ] {
        let sandbox = Sandbox::new()?;
        let p = payload();
        let work = extract(
            &sandbox,
            &[(name, archives::tar(&entries(&p), compression)?)],
        )?
        .map_err(|e| format!("{name}: {e}"))?;
        check_payload(&work)?;
    }
    Ok(())
}

#[test]
fn extracts_7z() -> TestResult {
    let sandbox = Sandbox::new()?;
    let p = payload();
    let work = extract(&sandbox, &[("a.7z", archives::seven_zip(&entries(&p))?)])??;
    check_payload(&work)
}

#[test]
fn extracts_rar4_single_volume() -> TestResult {
    let sandbox = Sandbox::new()?;
    let p = payload();
    let mut volumes = archives::rar4(&entries(&p), 1, false);
    let work = extract(&sandbox, &[("a.rar", volumes.remove(0))])??;
    check_payload(&work)
}

#[test]
fn extracts_rar5_single_volume() -> TestResult {
    let sandbox = Sandbox::new()?;
    let p = payload();
    let mut volumes = archives::rar5(&entries(&p), 1);
    let work = extract(&sandbox, &[("a.rar", volumes.remove(0))])??;
    check_payload(&work)
}

#[test]
fn extracts_rar4_multi_volume_new_naming() -> TestResult {
    let sandbox = Sandbox::new()?;
    let p = payload();
    let volumes = archives::rar4(&entries(&p), 3, true);
    let named: Vec<(String, Vec<u8>)> = volumes
        .into_iter()
        .enumerate()
        .map(|(i, v)| (format!("a.part{}.rar", i + 1), v))
        .collect();
    let refs: Vec<(&str, Vec<u8>)> = named.iter().map(|(n, v)| (n.as_str(), v.clone())).collect();
    let work = extract(&sandbox, &refs)??;
    check_payload(&work)
}

#[test]
fn extracts_rar4_multi_volume_old_naming() -> TestResult {
    let sandbox = Sandbox::new()?;
    let p = payload();
    let volumes = archives::rar4(&entries(&p), 3, false);
    let names = ["a.rar", "a.r00", "a.r01"];
    let refs: Vec<(&str, Vec<u8>)> = names.iter().copied().zip(volumes).collect();
    let work = extract(&sandbox, &refs)??;
    check_payload(&work)
}

#[test]
fn extracts_rar5_multi_volume() -> TestResult {
    let sandbox = Sandbox::new()?;
    let p = payload();
    let volumes = archives::rar5(&entries(&p), 3);
    let names = ["a.part1.rar", "a.part2.rar", "a.part3.rar"];
    let refs: Vec<(&str, Vec<u8>)> = names.iter().copied().zip(volumes).collect();
    let work = extract(&sandbox, &refs)??;
    check_payload(&work)
}

#[test]
fn refuses_traversal_absolute_and_symlink_members() -> TestResult {
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("dotdot.zip", archives::zip(&[("../../escaped.txt", b"x")])?),
        (
            "dotdot.tar",
            archives::tar(&[("a/../../escaped.txt", b"x")], Compression::None)?,
        ),
        (
            "absolute.tar",
            archives::tar(&[("/tmp/revaer-escaped.txt", b"x")], Compression::None)?,
        ),
        ("link.tar", archives::tar_with_symlink("link", "/etc")?),
    ];
    for (name, data) in cases {
        let sandbox = Sandbox::new()?;
        let result = extract(&sandbox, &[(name, data)])?;
        match result {
            Err(StepError::Refused(message)) => {
                assert!(message.contains(name), "{name}: {message}");
            }
            Err(other) => return Err(format!("{name}: expected a refusal, got {other}").into()),
            Ok(_) => return Err(format!("{name}: hostile archive was extracted").into()),
        }
        assert!(!sandbox.dir.path().join("escaped.txt").exists());
        assert!(!sandbox.root.join("escaped.txt").exists());
    }
    assert!(!std::path::Path::new("/tmp/revaer-escaped.txt").exists());
    Ok(())
}

#[test]
fn unsupported_format_is_reported_as_such() -> TestResult {
    let sandbox = Sandbox::new()?;
    let result = extract(
        &sandbox,
        &[("fake.zip", b"this is not an archive at all".to_vec())],
    )?;
    match result {
        Err(err @ StepError::Unsupported(_)) => {
            assert!(err.is_unsupported() && err.is_permanent());
            Ok(())
        }
        Err(other) => Err(format!("expected unsupported, got {other}").into()),
        Ok(_) => Err("garbage was extracted".into()),
    }
}

#[test]
fn missing_volume_fails_the_plan() -> TestResult {
    let sandbox = Sandbox::new()?;
    let p = payload();
    let volumes = archives::rar5(&entries(&p), 3);
    sandbox.write("R/a.part1.rar", &volumes[0])?;
    sandbox.write("R/a.part3.rar", &volumes[2])?;
    let input = sandbox.input(&torrent(1), "R", None, &["R/a.part1.rar", "R/a.part3.rar"])?;
    let mut policy = sandbox.policy();
    policy.extract = true;
    let err = make_plan(&input, &policy)
        .err()
        .ok_or("plan accepted a gap")?;
    assert!(err.to_string().contains("misses volume 2"), "{err}");
    Ok(())
}

#[test]
fn extraction_runs_again_from_scratch() -> TestResult {
    let sandbox = Sandbox::new()?;
    let p = payload();
    let mut work = extract(&sandbox, &[("a.zip", archives::zip(&entries(&p))?)])??;
    // Leftovers of an interrupted run are discarded, not merged.
    std::fs::write(
        work.dest.join(STAGING_DIR).join("extract/0/leftover.tmp"),
        b"junk",
    )?;
    work.execute(Step::Extract)?;
    assert!(!work
        .dest
        .join(STAGING_DIR)
        .join("extract/0/leftover.tmp")
        .exists());
    check_payload(&work)
}

/// The RAR fixtures are written by our own test code, so they are checked
/// against an independent reader too: `lsar -t` from The Unarchiver (Debian
/// `unar`, installed by `ops/install-deps`) must find every file intact.
#[test]
fn rar_fixtures_pass_an_independent_reader() -> TestResult {
    if std::process::Command::new("lsar")
        .arg("-h")
        .output()
        .is_err()
    {
        eprintln!("lsar (Debian `unar`) is not installed; independent RAR check skipped");
        return Ok(());
    }
    let dir = tempfile::tempdir()?;
    let p = payload();
    type Set = (&'static str, Vec<Vec<u8>>, Vec<String>);
    let sets: Vec<Set> = vec![
        (
            "rar4 single",
            archives::rar4(&entries(&p), 1, false),
            vec!["s4.rar".into()],
        ),
        (
            "rar5 single",
            archives::rar5(&entries(&p), 1),
            vec!["s5.rar".into()],
        ),
        (
            "rar4 parts",
            archives::rar4(&entries(&p), 3, true),
            (1..=3).map(|i| format!("m4.part{i}.rar")).collect(),
        ),
        (
            "rar4 old names",
            archives::rar4(&entries(&p), 3, false),
            vec!["o4.rar".into(), "o4.r00".into(), "o4.r01".into()],
        ),
        (
            "rar5 parts",
            archives::rar5(&entries(&p), 3),
            (1..=3).map(|i| format!("m5.part{i}.rar")).collect(),
        ),
    ];
    for (index, (label, volumes, names)) in sets.into_iter().enumerate() {
        assert_eq!(volumes.len(), names.len(), "{label}: volume count");
        // One folder per set: lsar looks for sibling volumes by name.
        let folder = dir.path().join(index.to_string());
        std::fs::create_dir_all(&folder)?;
        for (name, data) in names.iter().zip(&volumes) {
            std::fs::write(folder.join(name), data)?;
        }
        let output = std::process::Command::new("lsar")
            .arg("-t")
            .arg(folder.join(&names[0]))
            .output()?;
        let text = String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{label}: lsar -t failed:\n{text}");
        assert!(
            text.contains("movie.mkv")
                && text.contains("en.srt")
                && !text.contains("Failed")
                && !text.contains("ERROR"),
            "{label}: lsar -t output:\n{text}"
        );
    }
    Ok(())
}
