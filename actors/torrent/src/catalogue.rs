//! Catalogue access from the actor, always on a blocking thread.

use revaer_messages::engine::EngineError;
use revaer_schema::{DbError, PgPool, PooledConn};

/// Runs `work` with a pooled connection on tokio's blocking pool.
pub async fn blocking<T, F>(pool: PgPool, work: F) -> Result<T, EngineError>
where
    T: Send + 'static,
    F: FnOnce(&mut PooledConn) -> Result<T, DbError> + Send + 'static,
{
    let joined = tokio::task::spawn_blocking(move || {
        let mut conn = pool.get().map_err(DbError::from)?;
        work(&mut conn)
    })
    .await;
    match joined {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(err)) => {
            tracing::error!(error = %err, "catalogue query failed");
            Err(EngineError::Internal(format!(
                "catalogue unavailable: {err}"
            )))
        }
        Err(err) => Err(EngineError::Internal(format!(
            "catalogue task failed: {err}"
        ))),
    }
}
