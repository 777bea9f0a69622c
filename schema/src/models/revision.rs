//! The settings revision counter and its audit history.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::schema::{settings_history, settings_revision};
use crate::DbError;

/// The current revision and when it was last bumped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = settings_revision)]
pub struct Revision {
    /// Monotonic counter.
    pub revision: i64,
    /// When the last bump happened (inside its transaction).
    pub updated_at: DateTime<Utc>,
}

/// Reads the current revision.
pub fn current(conn: &mut PgConnection) -> Result<Revision, DbError> {
    Ok(settings_revision::table
        .select(Revision::as_select())
        .first(conn)?)
}

/// One audit row.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = settings_history)]
pub struct HistoryRow {
    /// Revision of the change.
    pub revision: i64,
    /// Table that changed.
    pub table_name: String,
    /// insert/update/delete.
    pub operation: String,
    /// Row before (secrets removed).
    pub old_value: Option<serde_json::Value>,
    /// Row after (secrets removed).
    pub new_value: Option<serde_json::Value>,
    /// Who changed it.
    pub actor: String,
}

/// History rows newer than `after`, oldest first.
pub fn history_since(conn: &mut PgConnection, after: i64) -> Result<Vec<HistoryRow>, DbError> {
    Ok(settings_history::table
        .filter(settings_history::revision.gt(after))
        .order(settings_history::id.asc())
        .select(HistoryRow::as_select())
        .load(conn)?)
}

/// Names who is changing settings in the current transaction, for the history.
pub fn set_actor(conn: &mut PgConnection, actor: &str) -> Result<(), DbError> {
    diesel::sql_query("SELECT set_config('revaer.actor', $1, true)")
        .bind::<diesel::sql_types::Text, _>(actor)
        .execute(conn)?;
    Ok(())
}

/// Serialises configuration writers for the rest of the transaction.
pub fn lock(conn: &mut PgConnection) -> Result<(), DbError> {
    settings_revision::table
        .select(settings_revision::revision)
        .for_update()
        .first::<i64>(conn)?;
    Ok(())
}
