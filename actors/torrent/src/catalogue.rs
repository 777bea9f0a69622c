//! Catalogue access from the actor, always on a blocking thread.

use revaer_messages::engine::EngineError;
use revaer_schema::{DbError, PgConnection, PgPool};

/// Runs `work` with a pooled connection on tokio's blocking pool.
pub async fn blocking<T, F>(pool: PgPool, work: F) -> Result<T, EngineError>
where
    T: Send + 'static,
    F: FnOnce(&mut PgConnection) -> Result<T, DbError> + Send + 'static,
{
    revaer_schema::pool::blocking(&pool, work)
        .await
        .map_err(|err: DbError| {
            tracing::error!(error = %err, "catalogue query failed");
            EngineError::Internal(format!("catalogue unavailable: {err}"))
        })
}
