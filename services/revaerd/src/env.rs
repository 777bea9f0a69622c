//! The only module that reads the process environment (a test keeps it so).
//!
//! `DATABASE_URL` is the one setting the server needs; everything else lives
//! in PostgreSQL. `RUST_LOG` optionally tunes logging.

/// Where PostgreSQL is when `DATABASE_URL` is not set.
pub const DEFAULT_DATABASE_URL: &str = "postgres://postgres@127.0.0.1:5432/revaer";

/// What the environment says.
#[derive(Debug, Clone)]
pub struct Environment {
    /// PostgreSQL URL (may contain credentials: never log it).
    pub database_url: String,
    /// Log filter directives, e.g. `info,revaer_api=debug`.
    pub log_filter: Option<String>,
}

impl Environment {
    /// Reads the environment once, at startup.
    pub fn read() -> Self {
        let database_url = std::env::var("DATABASE_URL")
            .ok()
            .filter(|url| !url.trim().is_empty())
            .unwrap_or_else(|| DEFAULT_DATABASE_URL.to_string());
        let log_filter = std::env::var("RUST_LOG")
            .ok()
            .filter(|v| !v.trim().is_empty());
        Self {
            database_url,
            log_filter,
        }
    }
}
