//! Persistence for Revaer: diesel migrations, the generated `schema.rs`, and
//! one module of queries per table.
//!
//! Rule: this crate knows SQL and nothing about actors or HTTP. Every function
//! here is blocking; callers run it on a blocking thread (`web::block`,
//! `spawn_blocking`) or a dedicated thread, never on an actix arbiter.

pub mod error;
pub mod migrate;
pub mod models;
pub mod notify;
pub mod pool;
#[rustfmt::skip]
pub mod schema;
#[cfg(feature = "testing")]
pub mod testing;

pub use diesel::PgConnection;
pub use error::DbError;
pub use pool::{PgPool, PooledConn};
