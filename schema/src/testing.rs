//! Test support: a fresh, migrated database per test, dropped afterwards.
//!
//! Tests run in parallel; each gets its own database on the local server, so
//! nothing mutable is shared between them.

use diesel::prelude::*;

use crate::{migrate, pool, DbError};

/// The local test server (trust auth on this project's machines; `ops/`
/// scripts make sure it runs).
pub const TEST_SERVER_URL: &str = "postgres://postgres@127.0.0.1:5432";

/// A uniquely named database that is dropped on `Drop`.
#[derive(Debug)]
pub struct TestDatabase {
    name: String,
    url: String,
}

impl TestDatabase {
    /// Creates an empty database (no migrations applied).
    pub fn empty() -> Result<Self, DbError> {
        let name = format!("revaer_test_{}", uuid::Uuid::new_v4().simple());
        let mut admin = pool::connect(&format!("{TEST_SERVER_URL}/postgres"))?;
        diesel::sql_query(format!("CREATE DATABASE \"{name}\"")).execute(&mut admin)?;
        let url = format!("{TEST_SERVER_URL}/{name}");
        Ok(Self { name, url })
    }

    /// Creates a database with every migration applied.
    pub fn migrated() -> Result<Self, DbError> {
        let db = Self::empty()?;
        migrate::run_pending(&mut db.connect()?)?;
        Ok(db)
    }

    /// The database's URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The database's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// A new connection to it.
    pub fn connect(&self) -> Result<PgConnection, DbError> {
        pool::connect(&self.url)
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Ok(mut admin) = pool::connect(&format!("{TEST_SERVER_URL}/postgres")) {
            let _ = diesel::sql_query(format!(
                "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                self.name
            ))
            .execute(&mut admin);
        }
    }
}
