//! Test support: a fresh, migrated database per test, dropped afterwards.
//!
//! Tests run in parallel; each gets its own database on the local server, so
//! nothing mutable is shared between them.

use diesel::prelude::*;

use crate::{migrate, pool, DbError};

/// The test server when `REVAER_TEST_SERVER_URL` names none: the local
/// server (trust auth on this project's machines; `ops/` scripts make sure
/// it runs).
pub const DEFAULT_TEST_SERVER_URL: &str = "postgres://postgres@127.0.0.1:5432";

/// The server tests create their databases on: `REVAER_TEST_SERVER_URL`
/// (`postgres://user@host:port`, no database name) or the default. Read here
/// rather than in revaerd's `env.rs` because only tests use it.
pub fn test_server_url() -> String {
    std::env::var("REVAER_TEST_SERVER_URL")
        .ok()
        .map(|url| url.trim_end_matches('/').to_owned())
        .filter(|url| !url.is_empty())
        .unwrap_or_else(|| DEFAULT_TEST_SERVER_URL.to_owned())
}

/// Connection options of every test URL. Why no TLS: the local server offers
/// it and libpq would use it, which puts OpenSSL on every pool and watcher
/// thread. When a test binary exits, OpenSSL's exit handlers free its global
/// state while such threads (connection-pool maintenance, HTTP workers that
/// were never stopped) may still be inside it: seen as "malloc_consolidate():
/// unaligned fastbin chunk detected" / SIGABRT after every test had passed.
/// Loopback needs no TLS.
pub const TEST_URL_OPTIONS: &str = "?sslmode=disable";

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
        let server = test_server_url();
        let mut admin = pool::connect(&format!("{server}/postgres{TEST_URL_OPTIONS}"))?;
        diesel::sql_query(format!("CREATE DATABASE \"{name}\"")).execute(&mut admin)?;
        let url = format!("{server}/{name}{TEST_URL_OPTIONS}");
        Ok(Self { name, url })
    }

    /// Creates a database with every migration applied.
    pub fn migrated() -> Result<Self, DbError> {
        let db = Self::empty()?;
        migrate::run_pending(&mut db.connect()?)?;
        Ok(db)
    }

    /// A migrated database whose engine profile listens only on 127.0.0.1
    /// (any port) with DHT, LSD and PEX off, so a server booted over it
    /// never reaches beyond loopback.
    pub fn loopback() -> Result<Self, DbError> {
        let db = Self::migrated()?;
        diesel::sql_query(
            "UPDATE engine_profile SET listen_interface = '127.0.0.1', listen_port = 0, \
             dht = false, lsd = false, pex = false",
        )
        .execute(&mut db.connect()?)?;
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
        let server = test_server_url();
        if let Ok(mut admin) = pool::connect(&format!("{server}/postgres{TEST_URL_OPTIONS}")) {
            // Drop cannot report an error; a database left behind has a
            // name no later test reuses, so it only costs disk.
            let _ = diesel::sql_query(format!(
                "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                self.name
            ))
            .execute(&mut admin);
        }
    }
}
