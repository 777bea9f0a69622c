//! Embedded migrations, applied at boot (and by `revaerd migrate`).
//!
//! Fast path: when nothing is pending we return at once. Otherwise we take a
//! PostgreSQL advisory lock so that two instances starting together never run
//! the same migration twice.

use diesel::prelude::*;
use diesel::PgConnection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::DbError;

/// Every migration under `schema/migrations`, compiled into the binary.
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

/// Arbitrary but fixed key of the advisory lock that serialises migrators.
const MIGRATION_LOCK_KEY: i64 = 0x7265_7661_6572; // "revaer"

/// Applies pending migrations; returns the versions applied.
pub fn run_pending(conn: &mut PgConnection) -> Result<Vec<String>, DbError> {
    let pending = conn
        .has_pending_migration(MIGRATIONS)
        .map_err(|err| DbError::Migration(err.to_string()))?;
    if !pending {
        return Ok(Vec::new());
    }
    diesel::sql_query(format!("SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})")).execute(conn)?;
    let applied = conn
        .run_pending_migrations(MIGRATIONS)
        .map(|versions| versions.iter().map(|v| v.to_string()).collect::<Vec<_>>())
        .map_err(|err| DbError::Migration(err.to_string()));
    let unlocked =
        diesel::sql_query(format!("SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY})")).execute(conn);
    let applied = applied?;
    unlocked?;
    for version in &applied {
        tracing::info!(migration = %version, "applied migration");
    }
    Ok(applied)
}

/// Reverts every applied migration (tests of `down.sql`).
pub fn revert_all(conn: &mut PgConnection) -> Result<Vec<String>, DbError> {
    conn.revert_all_migrations(MIGRATIONS)
        .map(|versions| versions.iter().map(|v| v.to_string()).collect())
        .map_err(|err| DbError::Migration(err.to_string()))
}
