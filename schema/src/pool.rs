//! Connection pool and database bootstrap.

use diesel::prelude::*;
use diesel::r2d2::{ConnectionManager, Pool, PooledConnection};
use diesel::sql_types::Text;
use std::time::Duration;

use crate::DbError;

/// The shared connection pool.
pub type PgPool = Pool<ConnectionManager<PgConnection>>;
/// One connection borrowed from the pool.
pub type PooledConn = PooledConnection<ConnectionManager<PgConnection>>;

/// Builds a pool; fails fast when the server is unreachable.
pub fn build_pool(url: &str, max_size: u32) -> Result<PgPool, DbError> {
    Pool::builder()
        .max_size(max_size)
        .connection_timeout(Duration::from_secs(5))
        .build(ConnectionManager::<PgConnection>::new(url))
        .map_err(|err| DbError::Connect(err.to_string()))
}

/// Runs `work` with a pooled connection on tokio's blocking pool, never on
/// an async worker or an actor's arbiter. Every async caller of the database
/// goes through here; the error type is the caller's, so each layer keeps
/// its own mapping of [`DbError`].
pub async fn blocking<T, E, F>(pool: &PgPool, work: F) -> Result<T, E>
where
    T: Send + 'static,
    E: From<DbError> + Send + 'static,
    F: FnOnce(&mut PgConnection) -> Result<T, E> + Send + 'static,
{
    let pool = pool.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = pool.get().map_err(DbError::from)?;
        work(&mut conn)
    })
    .await
    .map_err(|err| E::from(DbError::Connect(format!("blocking task failed: {err}"))))?
}

/// Whether the server answers a trivial query (readiness probes).
pub fn ping(conn: &mut PgConnection) -> Result<(), DbError> {
    diesel::sql_query("SELECT 1").execute(conn)?;
    Ok(())
}

/// Opens a single connection (for dedicated uses such as LISTEN).
pub fn connect(url: &str) -> Result<PgConnection, DbError> {
    PgConnection::establish(url).map_err(|err| DbError::Connect(err.to_string()))
}

/// Splits `postgres://host/db?opts` into the URL of the server's maintenance
/// database and the target database name.
pub fn split_database_url(url: &str) -> Option<(String, String)> {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let scheme_end = base.find("://")? + 3;
    let slash = base[scheme_end..].rfind('/')? + scheme_end;
    let name = &base[slash + 1..];
    if name.is_empty() {
        return None;
    }
    let mut admin = format!("{}/postgres", &base[..slash]);
    if let Some(query) = query {
        admin.push('?');
        admin.push_str(query);
    }
    Some((admin, name.to_string()))
}

#[derive(QueryableByName)]
struct Exists {
    #[diesel(sql_type = diesel::sql_types::Bool)]
    exists: bool,
}

/// Creates the database named in `url` when it does not exist yet, so that a
/// fresh install needs nothing but a reachable PostgreSQL server.
pub fn ensure_database(url: &str) -> Result<(), DbError> {
    if PgConnection::establish(url).is_ok() {
        return Ok(());
    }
    let (admin_url, name) = split_database_url(url).ok_or_else(|| {
        DbError::Connect(format!(
            "cannot find a database name in the URL ending {:?}",
            tail(url)
        ))
    })?;
    let mut admin = connect(&admin_url)?;
    let found: Exists =
        diesel::sql_query("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1) AS exists")
            .bind::<Text, _>(&name)
            .get_result(&mut admin)?;
    if !found.exists {
        // Identifiers cannot be bound; quote them instead.
        let quoted = name.replace('"', "\"\"");
        diesel::sql_query(format!("CREATE DATABASE \"{quoted}\"")).execute(&mut admin)?;
        tracing::info!(database = %name, "created database");
    }
    connect(url).map(|_| ())
}

/// The last path segment of a URL, for error messages that must not echo credentials.
fn tail(url: &str) -> &str {
    url.rsplit('/').next().unwrap_or_default()
}

#[cfg(test)]
mod tests;
