//! Categories and tags are configuration objects: each write is one
//! settings revision with a history row naming the actor, and the snapshot
//! carries them.

use revaer_domain::labels::Category;
use revaer_schema::models::labels::{self, Written};
use revaer_schema::models::{config, revision};
use revaer_schema::testing::TestDatabase;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn category(name: &str, save_path: Option<&str>) -> Category {
    Category {
        name: name.into(),
        save_path: save_path.map(str::to_string),
    }
}

#[test]
fn categories_are_created_replaced_and_deleted_with_revisions() -> TestResult {
    let db = TestDatabase::migrated()?;
    let mut conn = db.connect()?;
    let start = revision::current(&mut conn)?.revision;

    let (written, rev) = labels::put_category(&mut conn, &category("tv", None), "test")?;
    assert_eq!((written, rev), (Written::Created, start + 1));
    let (written, rev) = labels::put_category(&mut conn, &category("tv", Some("/srv/tv")), "test")?;
    assert_eq!((written, rev), (Written::Replaced, start + 2));
    let (_, same) = labels::put_category(&mut conn, &category("tv", Some("/srv/tv")), "test")?;
    assert_eq!(same, start + 2, "an unchanged category is no new revision");

    let rev = labels::ensure_categories(&mut conn, &["films".into(), "tv".into()], "test")?;
    assert_eq!(rev, start + 3);
    let snapshot = config::load_snapshot(&mut conn)?;
    assert_eq!(snapshot.revision, start + 3);
    assert_eq!(
        snapshot.categories,
        vec![category("films", None), category("tv", Some("/srv/tv"))],
        "ensure leaves existing categories alone"
    );

    let (deleted, rev) =
        labels::delete_categories(&mut conn, &["tv".into(), "nope".into()], "key:x")?;
    assert_eq!((deleted, rev), (vec!["tv".to_string()], start + 4));
    let history = revision::history_since(&mut conn, start + 3)?;
    assert_eq!(history.len(), 1);
    assert_eq!(
        (
            history[0].table_name.as_str(),
            history[0].operation.as_str()
        ),
        ("categories", "delete")
    );
    assert_eq!(history[0].actor, "key:x");
    Ok(())
}

#[test]
fn tags_are_created_once_and_deleted() -> TestResult {
    let db = TestDatabase::migrated()?;
    let mut conn = db.connect()?;
    let (created, _) = labels::create_tags(&mut conn, &["b".into(), "a".into()], "test")?;
    assert_eq!(created, vec!["b", "a"]);
    let (again, _) = labels::create_tags(&mut conn, &["a".into(), "c".into()], "test")?;
    assert_eq!(again, vec!["c"], "existing tags are not created twice");
    assert_eq!(config::load_snapshot(&mut conn)?.tags, vec!["a", "b", "c"]);
    let (deleted, _) = labels::delete_tags(&mut conn, &["a".into(), "x".into()], "test")?;
    assert_eq!(deleted, vec!["a"]);
    assert_eq!(labels::list_tags(&mut conn)?, vec!["b", "c"]);
    Ok(())
}

#[test]
fn the_database_refuses_malformed_names() -> TestResult {
    let db = TestDatabase::migrated()?;
    let mut conn = db.connect()?;
    for bad in ["", "/tv", "tv/hd", "a\\b", ".x", " tv"] {
        assert!(
            labels::put_category(&mut conn, &category(bad, None), "test").is_err(),
            "category {bad:?}"
        );
    }
    assert!(labels::put_category(&mut conn, &category("tv", Some("relative")), "t").is_err());
    for bad in ["", " ", "a,b"] {
        assert!(
            labels::create_tags(&mut conn, &[bad.to_string()], "test").is_err(),
            "tag {bad:?}"
        );
    }
    Ok(())
}
