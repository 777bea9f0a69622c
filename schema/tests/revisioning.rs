//! Database-side revisioning: one revision per transaction, history rows and
//! NOTIFY payloads in commit order.

use diesel::prelude::*;
use revaer_schema::models::{config, revision};
use revaer_schema::notify::{self, SettingsNotification};
use revaer_schema::testing::TestDatabase;
use std::time::{Duration, Instant};

fn wait_for_notifications(conn: &mut PgConnection, count: usize) -> Vec<SettingsNotification> {
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut seen = Vec::new();
    while seen.len() < count && Instant::now() < deadline {
        // A trivial query makes libpq read pending notifications off the socket.
        let _ = diesel::sql_query("SELECT 1").execute(conn);
        seen.extend(notify::drain_settings(conn).unwrap_or_default());
        std::thread::sleep(Duration::from_millis(20));
    }
    seen
}

#[test]
fn a_multi_table_transaction_is_one_revision() -> Result<(), Box<dyn std::error::Error>> {
    let db = TestDatabase::migrated()?;
    let mut listener = db.connect()?;
    notify::listen_settings(&mut listener)?;
    let mut conn = db.connect()?;
    let before = revision::current(&mut conn)?.revision;

    let mut snapshot = config::load_snapshot(&mut conn)?;
    snapshot.engine_profile.dht = false;
    snapshot.fs_policy.extract = true;
    snapshot.app_profile.instance_name = "one-tx".into();
    let after = config::save_sections(
        &mut conn,
        config::SectionsUpdate {
            app_profile: Some(&snapshot.app_profile),
            engine_profile: Some(&snapshot.engine_profile),
            fs_policy: Some(&snapshot.fs_policy),
        },
        "test",
    )?;
    assert_eq!(
        after,
        before + 1,
        "three tables in one transaction bump once"
    );

    let history = revision::history_since(&mut conn, before)?;
    assert_eq!(history.len(), 3);
    assert!(history
        .iter()
        .all(|row| row.revision == after && row.actor == "test"));

    let notes = wait_for_notifications(&mut listener, 3);
    let tables: Vec<_> = notes
        .iter()
        .map(|n| (n.table.as_str(), n.revision, n.operation.as_str()))
        .collect();
    assert_eq!(
        tables,
        vec![
            ("app_profile", after, "update"),
            ("engine_profile", after, "update"),
            ("fs_policy", after, "update")
        ]
    );
    Ok(())
}

#[test]
fn separate_transactions_notify_in_order_and_no_op_updates_do_not_bump(
) -> Result<(), Box<dyn std::error::Error>> {
    let db = TestDatabase::migrated()?;
    let mut listener = db.connect()?;
    notify::listen_settings(&mut listener)?;
    let mut conn = db.connect()?;
    let start = revision::current(&mut conn)?.revision;

    for port in [7001, 7002, 7003] {
        diesel::sql_query(format!("UPDATE engine_profile SET listen_port = {port}"))
            .execute(&mut conn)?;
    }
    // Touching only the timestamp is not a settings change.
    diesel::sql_query("UPDATE engine_profile SET updated_at = now()").execute(&mut conn)?;
    assert_eq!(revision::current(&mut conn)?.revision, start + 3);

    let notes = wait_for_notifications(&mut listener, 3);
    let revisions: Vec<i64> = notes.iter().map(|n| n.revision).collect();
    assert_eq!(revisions, vec![start + 1, start + 2, start + 3]);
    Ok(())
}

#[test]
fn rolled_back_changes_leave_no_revision() -> Result<(), Box<dyn std::error::Error>> {
    let db = TestDatabase::migrated()?;
    let mut conn = db.connect()?;
    let start = revision::current(&mut conn)?.revision;
    let result: Result<(), diesel::result::Error> = conn.transaction(|conn| {
        diesel::sql_query("UPDATE fs_policy SET flatten = true").execute(conn)?;
        Err(diesel::result::Error::RollbackTransaction)
    });
    assert!(result.is_err());
    assert_eq!(revision::current(&mut conn)?.revision, start);
    assert!(revision::history_since(&mut conn, start)?.is_empty());
    Ok(())
}
