//! API keys. Only the argon2id hash of a secret is stored; the secret itself
//! is shown once to whoever created the key.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::models::revision;
use crate::schema::api_keys;
use crate::DbError;

/// A stored key (including its hash: never serialise this type to clients).
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = api_keys)]
pub struct ApiKeyRow {
    /// Public identifier, the part before `:`.
    pub key_id: String,
    /// argon2id PHC string of the secret.
    pub secret_hash: String,
    /// Human label.
    pub label: String,
    /// Disabled keys authenticate but are refused with 403.
    pub enabled: bool,
    /// Token bucket size.
    pub rate_burst: i32,
    /// Seconds to refill the whole bucket.
    pub rate_per_seconds: i32,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last authenticated use (updated at most once a minute).
    pub last_used_at: Option<DateTime<Utc>>,
}

/// A key to insert.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = api_keys)]
pub struct NewApiKey<'a> {
    /// Public identifier.
    pub key_id: &'a str,
    /// argon2id hash of the secret.
    pub secret_hash: &'a str,
    /// Human label.
    pub label: &'a str,
    /// Token bucket size.
    pub rate_burst: i32,
    /// Seconds to refill the bucket.
    pub rate_per_seconds: i32,
}

/// Fields a key update may change.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = api_keys)]
pub struct ApiKeyChanges {
    /// New label.
    pub label: Option<String>,
    /// Enable or disable.
    pub enabled: Option<bool>,
    /// New bucket size.
    pub rate_burst: Option<i32>,
    /// New refill period.
    pub rate_per_seconds: Option<i32>,
}

/// Inserts a key inside the caller's transaction.
pub fn insert(conn: &mut PgConnection, key: &NewApiKey<'_>) -> Result<ApiKeyRow, DbError> {
    Ok(diesel::insert_into(api_keys::table)
        .values(key)
        .returning(ApiKeyRow::as_returning())
        .get_result(conn)?)
}

/// Inserts a key in its own transaction; returns it and the new revision.
pub fn create(
    conn: &mut PgConnection,
    key: &NewApiKey<'_>,
    actor: &str,
) -> Result<(ApiKeyRow, i64), DbError> {
    conn.transaction(|conn| {
        revision::set_actor(conn, actor)?;
        let row = insert(conn, key)?;
        Ok((row, revision::current(conn)?.revision))
    })
}

/// Finds a key by id.
pub fn find(conn: &mut PgConnection, key_id: &str) -> Result<Option<ApiKeyRow>, DbError> {
    Ok(api_keys::table
        .find(key_id)
        .select(ApiKeyRow::as_select())
        .first(conn)
        .optional()?)
}

/// All keys, oldest first.
pub fn list(conn: &mut PgConnection) -> Result<Vec<ApiKeyRow>, DbError> {
    Ok(api_keys::table
        .order(api_keys::created_at.asc())
        .select(ApiKeyRow::as_select())
        .load(conn)?)
}

/// The outcome of a change that must leave at least one enabled key, so
/// the instance never locks itself out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyWrite<T> {
    /// Committed.
    Done(T),
    /// No key with that id.
    NotFound,
    /// Refused: it would disable or delete the last enabled key.
    LastEnabled,
}

/// Whether `key_id` is enabled and no other key is. Call it under
/// [`revision::lock`], so the answer still holds when the change commits.
fn is_last_enabled(conn: &mut PgConnection, key_id: &str) -> Result<bool, DbError> {
    let target_enabled: bool = diesel::select(diesel::dsl::exists(
        api_keys::table.filter(api_keys::key_id.eq(key_id).and(api_keys::enabled)),
    ))
    .get_result(conn)?;
    if !target_enabled {
        return Ok(false);
    }
    let others_enabled: bool = diesel::select(diesel::dsl::exists(
        api_keys::table.filter(api_keys::key_id.ne(key_id).and(api_keys::enabled)),
    ))
    .get_result(conn)?;
    Ok(!others_enabled)
}

/// Applies changes in one transaction under the settings lock; disabling
/// the last enabled key is refused inside that transaction (two concurrent
/// revocations are serialised, the second sees the first). Returns the row
/// and the new revision.
pub fn update(
    conn: &mut PgConnection,
    key_id: &str,
    changes: &ApiKeyChanges,
    actor: &str,
) -> Result<KeyWrite<(ApiKeyRow, i64)>, DbError> {
    conn.transaction(|conn| {
        revision::lock(conn)?;
        revision::set_actor(conn, actor)?;
        if changes.enabled == Some(false) && is_last_enabled(conn, key_id)? {
            return Ok(KeyWrite::LastEnabled);
        }
        let is_empty = changes.label.is_none()
            && changes.enabled.is_none()
            && changes.rate_burst.is_none()
            && changes.rate_per_seconds.is_none();
        let row = if is_empty {
            find(conn, key_id)?
        } else {
            diesel::update(api_keys::table.find(key_id))
                .set(changes)
                .returning(ApiKeyRow::as_returning())
                .get_result(conn)
                .optional()?
        };
        match row {
            Some(row) => Ok(KeyWrite::Done((row, revision::current(conn)?.revision))),
            None => Ok(KeyWrite::NotFound),
        }
    })
}

/// Deletes a key in one transaction under the settings lock, refusing to
/// delete the last enabled key; returns the new revision.
pub fn delete(
    conn: &mut PgConnection,
    key_id: &str,
    actor: &str,
) -> Result<KeyWrite<i64>, DbError> {
    conn.transaction(|conn| {
        revision::lock(conn)?;
        revision::set_actor(conn, actor)?;
        if is_last_enabled(conn, key_id)? {
            return Ok(KeyWrite::LastEnabled);
        }
        let deleted = diesel::delete(api_keys::table.find(key_id)).execute(conn)?;
        if deleted == 0 {
            return Ok(KeyWrite::NotFound);
        }
        Ok(KeyWrite::Done(revision::current(conn)?.revision))
    })
}

/// Records a use of the key. Cheap and not a settings change (the trigger
/// ignores `last_used_at`).
pub fn touch(conn: &mut PgConnection, key_id: &str) -> Result<(), DbError> {
    diesel::update(api_keys::table.find(key_id))
        .set(api_keys::last_used_at.eq(diesel::dsl::now))
        .execute(conn)?;
    Ok(())
}
