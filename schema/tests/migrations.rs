//! Migrations apply to an empty database, revert cleanly and re-apply.

use diesel::prelude::*;
use revaer_schema::migrate;
use revaer_schema::testing::TestDatabase;

#[derive(QueryableByName)]
struct Table {
    #[diesel(sql_type = diesel::sql_types::Text)]
    table_name: String,
}

/// Every table the migrations create, in name order. A migration that adds
/// or drops a table updates this list.
const TABLES: [&str; 11] = [
    "api_keys",
    "app_profile",
    "categories",
    "engine_profile",
    "fs_jobs",
    "fs_policy",
    "settings_history",
    "settings_revision",
    "setup_tokens",
    "tags",
    "torrents",
];

/// The tables the migrations create, in name order.
fn user_tables(conn: &mut PgConnection) -> Vec<String> {
    diesel::sql_query(
        "SELECT table_name::text AS table_name FROM information_schema.tables \
         WHERE table_schema = 'public' AND table_name <> '__diesel_schema_migrations' \
         ORDER BY table_name",
    )
    .load::<Table>(conn)
    .map(|tables| tables.into_iter().map(|t| t.table_name).collect())
    .unwrap_or_default()
}

#[test]
fn migrations_apply_revert_and_reapply() -> Result<(), Box<dyn std::error::Error>> {
    let db = TestDatabase::empty()?;
    let mut conn = db.connect()?;
    let applied = migrate::run_pending(&mut conn)?;
    assert!(
        !applied.is_empty(),
        "a fresh database has pending migrations"
    );
    let tables = user_tables(&mut conn);
    assert_eq!(tables, TABLES, "exactly the control-plane tables exist");
    assert!(
        migrate::run_pending(&mut conn)?.is_empty(),
        "second run is a no-op"
    );

    let reverted = migrate::run_pending(&mut conn).and_then(|_| migrate::revert_all(&mut conn))?;
    assert_eq!(reverted.len(), applied.len());
    assert_eq!(
        user_tables(&mut conn),
        Vec::<String>::new(),
        "down.sql drops everything up.sql created"
    );

    assert_eq!(migrate::run_pending(&mut conn)?.len(), applied.len());
    assert_eq!(user_tables(&mut conn), TABLES);
    Ok(())
}

#[test]
fn a_fresh_database_holds_the_shipped_engine_defaults() -> Result<(), Box<dyn std::error::Error>> {
    let db = TestDatabase::migrated()?;
    let snapshot = revaer_schema::models::config::load_snapshot(&mut db.connect()?)?;
    assert_eq!(
        snapshot.engine_profile,
        revaer_domain::config::EngineProfile::default(),
        "the migrations' column defaults and EngineProfile::default() agree"
    );
    let fs = snapshot.fs_policy;
    assert!(!fs.allow_special_modes, "special modes are opt-in");
    assert_eq!(
        (fs.extract_max_ratio, fs.extract_min_free_bytes),
        (
            revaer_domain::config::FsPolicy::DEFAULT_EXTRACT_MAX_RATIO,
            revaer_domain::config::FsPolicy::DEFAULT_EXTRACT_MIN_FREE_BYTES
        ),
        "the extraction limits' column defaults and the domain's agree"
    );
    Ok(())
}
