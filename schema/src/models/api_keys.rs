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

/// Applies changes; `None` when the key does not exist. Returns the new revision too.
pub fn update(
    conn: &mut PgConnection,
    key_id: &str,
    changes: &ApiKeyChanges,
    actor: &str,
) -> Result<Option<(ApiKeyRow, i64)>, DbError> {
    conn.transaction(|conn| {
        revision::set_actor(conn, actor)?;
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
            Some(row) => Ok(Some((row, revision::current(conn)?.revision))),
            None => Ok(None),
        }
    })
}

/// Deletes a key; returns the new revision, or `None` when it did not exist.
pub fn delete(conn: &mut PgConnection, key_id: &str, actor: &str) -> Result<Option<i64>, DbError> {
    conn.transaction(|conn| {
        revision::set_actor(conn, actor)?;
        let deleted = diesel::delete(api_keys::table.find(key_id)).execute(conn)?;
        if deleted == 0 {
            return Ok(None);
        }
        Ok(Some(revision::current(conn)?.revision))
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
