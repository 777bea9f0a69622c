//! Errors of the persistence layer.

/// A database operation failed.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// Could not open a connection.
    #[error("cannot connect to PostgreSQL: {0}")]
    Connect(String),
    /// The pool had no connection to give in time.
    #[error("database pool exhausted or unreachable: {0}")]
    Pool(#[from] diesel::r2d2::PoolError),
    /// A query failed.
    #[error("query failed: {0}")]
    Query(#[from] diesel::result::Error),
    /// Applying or reverting migrations failed.
    #[error("migration failed: {0}")]
    Migration(String),
    /// A stored value does not fit the domain type (e.g. an unknown enum spelling).
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
}
