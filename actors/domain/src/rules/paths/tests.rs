use super::*;

#[test]
fn lexical_rule() {
    assert_eq!(check_lexical("/srv/dl/x"), Ok(()));
    for bad in ["", "relative", "/srv/../etc", "/srv/dl/.."] {
        assert_eq!(check_lexical(bad), Err(PathError::NotAbsolute), "{bad:?}");
    }
    assert_eq!(check_lexical("/srv/a\0b"), Err(PathError::Control));
}

#[test]
fn roots_contain_by_name_and_after_resolving() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::temp_dir().join(format!("revaer-paths-{}", std::process::id()));
    let root = dir.join("downloads");
    let outside = dir.join("outside");
    std::fs::create_dir_all(&root)?;
    std::fs::create_dir_all(&outside)?;
    let link = root.join("link");
    let _ = std::fs::remove_file(&link);
    std::os::unix::fs::symlink(&outside, &link)?;
    let root_text = root.to_string_lossy().into_owned();
    let roots = [root_text.as_str(), ""];
    let under = |rel: &str| root.join(rel).to_string_lossy().into_owned();

    assert!(contain(&under("new/deeper"), &roots).is_ok());
    assert!(contain(&root_text, &roots).is_ok());
    assert!(matches!(
        contain(&under("link/x"), &roots),
        Err(PathError::Escapes(_))
    ));
    assert!(matches!(
        contain(&under("link"), &roots),
        Err(PathError::Escapes(_))
    ));
    assert_eq!(
        contain(&outside.to_string_lossy(), &roots),
        Err(PathError::Outside)
    );
    assert_eq!(
        contain(&format!("{root_text}x"), &roots),
        Err(PathError::Outside)
    );
    assert_eq!(contain("/anything", &[""]), Err(PathError::Outside));
    // A root that does not exist yet still contains its own subtree.
    let future = dir.join("future").to_string_lossy().into_owned();
    assert!(contain(&format!("{future}/a/b"), &[future.as_str()]).is_ok());
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
