//! The job store seen from async code: every query runs on a blocking
//! thread with a pooled connection, never on an actor's arbiter.

use diesel::PgConnection;
use revaer_schema::{DbError, PgPool};

/// Runs `query` on a blocking thread.
pub async fn db<T, F>(pool: &PgPool, query: F) -> Result<T, DbError>
where
    T: Send + 'static,
    F: FnOnce(&mut PgConnection) -> Result<T, DbError> + Send + 'static,
{
    revaer_schema::pool::blocking(pool, query).await
}
