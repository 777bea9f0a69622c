use super::*;

fn policy(mode: MoveMode) -> FsPolicy {
    FsPolicy {
        library_root: "/lib".into(),
        extract: true,
        flatten: false,
        move_mode: mode,
        cleanup_keep: vec![],
        cleanup_drop: vec![],
        chmod_file: Some("640".into()),
        chmod_dir: None,
        owner: None,
        group: None,
        umask: Some("027".into()),
        allow_paths: vec!["/".into()],
        allow_special_modes: false,
        extract_max_ratio: 4,
        extract_min_free_bytes: 0,
    }
}

fn input(files: &[&str], category: Option<&str>) -> Result<JobInput, Box<dyn std::error::Error>> {
    Ok(JobInput {
        torrent: TorrentId::parse(&"ab".repeat(20))?,
        name: "Show".into(),
        category: category.map(str::to_string),
        save_path: "/dl".into(),
        files: files
            .iter()
            .map(|p| InputFile {
                path: (*p).to_string(),
                size: 1,
            })
            .collect(),
        request_id: None,
    })
}

#[test]
fn multi_file_keeps_root_under_category() -> Result<(), Box<dyn std::error::Error>> {
    let plan = make_plan(
        &input(&["Show/a.mkv", "Show/sub/b.srt"], Some("tv"))?,
        &policy(MoveMode::Move),
    )?;
    assert_eq!(plan.destination, "/lib/tv/Show");
    assert_eq!(plan.engine_save_path.as_deref(), Some("/lib/tv"));
    assert_eq!(plan.torrent_root.as_deref(), Some("Show"));
    let targets: Vec<_> = plan.files.iter().map(|f| f.target.as_str()).collect();
    assert_eq!(targets, ["a.mkv", "sub/b.srt"]);
    assert_eq!(plan.permissions.effective_file_mode(), Some(0o640));
    assert_eq!(plan.permissions.effective_dir_mode(), Some(0o750));
    Ok(())
}

#[test]
fn single_file_gets_a_folder_named_after_its_stem() -> Result<(), Box<dyn std::error::Error>> {
    let plan = make_plan(&input(&["movie.mkv"], None)?, &policy(MoveMode::Move))?;
    assert_eq!(plan.destination, "/lib/movie");
    assert_eq!(plan.engine_save_path.as_deref(), Some("/lib/movie"));
    assert_eq!(plan.files[0].target, "movie.mkv");
    Ok(())
}

#[test]
fn groups_rar_volumes_and_refuses_gaps() -> Result<(), Box<dyn std::error::Error>> {
    let plan = make_plan(
        &input(
            &[
                "R/x.part1.rar",
                "R/x.part2.rar",
                "R/old.rar",
                "R/old.r00",
                "R/old.r01",
                "R/lone.r00",
                "R/d/a.zip",
                "R/b.tar.gz",
                "R/c.7z",
            ],
            None,
        )?,
        &policy(MoveMode::Copy),
    )?;
    let volumes: Vec<_> = plan.archives.iter().map(|a| a.volumes.clone()).collect();
    assert_eq!(
        volumes,
        vec![
            vec!["R/b.tar.gz".to_string()],
            vec!["R/c.7z".to_string()],
            vec!["R/d/a.zip".to_string()],
            vec![
                "R/old.rar".to_string(),
                "R/old.r00".to_string(),
                "R/old.r01".to_string()
            ],
            vec!["R/x.part1.rar".to_string(), "R/x.part2.rar".to_string()],
        ]
    );
    assert_eq!(plan.archives[2].dir, "d");
    let gap = make_plan(
        &input(&["R/x.part1.rar", "R/x.part3.rar"], None)?,
        &policy(MoveMode::Copy),
    );
    assert!(matches!(
        gap,
        Err(PlanError::MissingVolume { missing: 2, .. })
    ));
    Ok(())
}

#[test]
fn refuses_traversal_and_bad_names() -> Result<(), Box<dyn std::error::Error>> {
    let p = policy(MoveMode::Copy);
    for files in [&["../etc/passwd"][..], &["/etc/passwd"][..]] {
        let refused = make_plan(&input(files, None)?, &p);
        assert!(
            matches!(refused, Err(PlanError::BadPath { .. })),
            "{files:?}: {refused:?}"
        );
    }
    for category in ["../x", "a/b", "..", ".hidden"] {
        assert!(
            matches!(
                make_plan(&input(&["a.mkv"], Some(category))?, &p),
                Err(PlanError::BadCategory { .. })
            ),
            "{category}"
        );
    }
    let mut bad_mode = p.clone();
    bad_mode.chmod_dir = Some("9".into());
    assert!(matches!(
        make_plan(&input(&["a.mkv"], None)?, &bad_mode),
        Err(PlanError::BadMode { .. })
    ));
    // Setuid/setgid/sticky only with the opt-in.
    let mut setuid = p.clone();
    setuid.chmod_file = Some("4755".into());
    assert!(matches!(
        make_plan(&input(&["a.mkv"], None)?, &setuid),
        Err(PlanError::BadMode {
            field: "chmod_file",
            ..
        })
    ));
    setuid.allow_special_modes = true;
    let plan = make_plan(&input(&["a.mkv"], None)?, &setuid)?;
    assert_eq!(plan.permissions.file_mode, Some(0o4755));
    Ok(())
}
