//! The only module that reads the process environment (a test keeps it so).
//!
//! `DATABASE_URL` (or `DATABASE_URL_FILE`, for Docker and systemd secrets) is
//! the one setting the server needs; everything else lives in PostgreSQL.
//! The rest is optional and meant for containers, where flags are awkward:
//! `REVAER_BIND`, `REVAER_LOG_FORMAT`, `REVAER_ACCESS_LOG`, and `RUST_LOG`.
//! A flag given on the command line wins over its variable.

use std::net::SocketAddr;

use crate::logging::LogFormat;

/// Where PostgreSQL is when neither `DATABASE_URL` nor `DATABASE_URL_FILE` is set.
pub const DEFAULT_DATABASE_URL: &str = "postgres://postgres@127.0.0.1:5432/revaer";

/// What the environment says.
#[derive(Debug, Clone)]
pub struct Environment {
    /// PostgreSQL URL (may contain credentials: never log it).
    pub database_url: String,
    /// Log filter directives, e.g. `info,revaer_api=debug`.
    pub log_filter: Option<String>,
    /// `REVAER_BIND`: HTTP address for this run (as `--bind`).
    pub bind: Option<SocketAddr>,
    /// `REVAER_LOG_FORMAT`: `text` or `json` (as `--log-format`).
    pub log_format: Option<LogFormat>,
    /// `REVAER_ACCESS_LOG`: one log line per request (as `--access-log`).
    pub access_log: bool,
}

/// A variable that is set but unusable: the process refuses to start
/// rather than guess.
#[derive(Debug, thiserror::Error)]
pub enum EnvError {
    /// Both ways of giving the database URL.
    #[error("set DATABASE_URL or DATABASE_URL_FILE, not both")]
    TwoDatabaseUrls,
    /// The secret file cannot be read.
    #[error("cannot read DATABASE_URL_FILE {path}: {source}")]
    DatabaseUrlFile {
        /// The path given.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The secret file holds nothing.
    #[error("DATABASE_URL_FILE {0} is empty")]
    EmptyDatabaseUrlFile(String),
    /// Not an `ADDR:PORT`.
    #[error("REVAER_BIND must be ADDR:PORT (e.g. 0.0.0.0:7070 or [::]:7070), got {0:?}")]
    Bind(String),
    /// Neither `text` nor `json`.
    #[error("REVAER_LOG_FORMAT must be `text` or `json`, got {0:?}")]
    LogFormat(String),
    /// Not a boolean.
    #[error("REVAER_ACCESS_LOG must be true, false, 1 or 0, got {0:?}")]
    AccessLog(String),
}

impl Environment {
    /// Reads the environment once, at startup.
    pub fn read() -> Result<Self, EnvError> {
        Self::from_lookup(process_var)
    }

    /// Only `REVAER_BIND`: what `revaerd healthcheck` needs, without
    /// touching the database secret.
    pub fn read_bind() -> Result<Option<SocketAddr>, EnvError> {
        bind(&process_var)
    }

    /// The same rules over any source of variables (tests).
    pub fn from_lookup(var: impl Fn(&str) -> Option<String>) -> Result<Self, EnvError> {
        let database_url = match (var("DATABASE_URL"), var("DATABASE_URL_FILE")) {
            (Some(_), Some(_)) => return Err(EnvError::TwoDatabaseUrls),
            (Some(url), None) => url,
            (None, Some(path)) => read_secret(&path)?,
            (None, None) => DEFAULT_DATABASE_URL.to_string(),
        };
        let log_format = var("REVAER_LOG_FORMAT")
            .map(|raw| LogFormat::parse(&raw).ok_or(EnvError::LogFormat(raw)))
            .transpose()?;
        let access_log = match var("REVAER_ACCESS_LOG") {
            None => false,
            Some(raw) => match raw.trim().to_ascii_lowercase().as_str() {
                "1" | "true" | "yes" | "on" => true,
                "0" | "false" | "no" | "off" => false,
                _ => return Err(EnvError::AccessLog(raw)),
            },
        };
        Ok(Self {
            database_url,
            log_filter: var("RUST_LOG"),
            bind: bind(&var)?,
            log_format,
            access_log,
        })
    }
}

/// A variable's value; unset and blank are the same (compose files and
/// unit files often write `VAR=` to mean "not set").
fn process_var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn bind(var: &impl Fn(&str) -> Option<String>) -> Result<Option<SocketAddr>, EnvError> {
    var("REVAER_BIND")
        .map(|raw| raw.trim().parse().map_err(|_| EnvError::Bind(raw)))
        .transpose()
}

/// The file's content without surrounding whitespace: `echo URL > file`
/// and editors add a final newline.
fn read_secret(path: &str) -> Result<String, EnvError> {
    let text = std::fs::read_to_string(path).map_err(|source| EnvError::DatabaseUrlFile {
        path: path.to_string(),
        source,
    })?;
    let url = text.trim();
    if url.is_empty() {
        return Err(EnvError::EmptyDatabaseUrlFile(path.to_string()));
    }
    Ok(url.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> Result<Environment, EnvError> {
        let vars: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Environment::from_lookup(|name| vars.get(name).cloned())
    }

    #[test]
    fn nothing_set_means_the_local_defaults() -> Result<(), EnvError> {
        let read = env(&[])?;
        assert_eq!(read.database_url, DEFAULT_DATABASE_URL);
        assert_eq!(read.bind, None);
        assert_eq!(read.log_format, None);
        assert!(!read.access_log);
        Ok(())
    }

    #[test]
    fn the_database_url_comes_from_a_file_trimmed() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let file = dir.path().join("db_url");
        std::fs::write(&file, "postgres://u:p@db/revaer\n")?;
        let path = file.to_string_lossy().into_owned();
        assert_eq!(
            env(&[("DATABASE_URL_FILE", &path)])?.database_url,
            "postgres://u:p@db/revaer"
        );
        std::fs::write(&file, " \n")?;
        assert!(matches!(
            env(&[("DATABASE_URL_FILE", &path)]),
            Err(EnvError::EmptyDatabaseUrlFile(_))
        ));
        let missing = dir.path().join("nope").to_string_lossy().into_owned();
        assert!(matches!(
            env(&[("DATABASE_URL_FILE", &missing)]),
            Err(EnvError::DatabaseUrlFile { .. })
        ));
        assert!(matches!(
            env(&[
                ("DATABASE_URL", "postgres://x"),
                ("DATABASE_URL_FILE", &path)
            ]),
            Err(EnvError::TwoDatabaseUrls)
        ));
        Ok(())
    }

    #[test]
    fn container_settings_parse_or_are_refused() -> Result<(), EnvError> {
        let read = env(&[
            ("REVAER_BIND", "0.0.0.0:7070"),
            ("REVAER_LOG_FORMAT", "JSON"),
            ("REVAER_ACCESS_LOG", "true"),
        ])?;
        assert_eq!(read.bind, "0.0.0.0:7070".parse().ok());
        assert_eq!(read.log_format, Some(LogFormat::Json));
        assert!(read.access_log);
        assert!(matches!(
            env(&[("REVAER_BIND", "7070")]),
            Err(EnvError::Bind(_))
        ));
        assert!(matches!(
            env(&[("REVAER_LOG_FORMAT", "yaml")]),
            Err(EnvError::LogFormat(_))
        ));
        assert!(matches!(
            env(&[("REVAER_ACCESS_LOG", "sometimes")]),
            Err(EnvError::AccessLog(_))
        ));
        Ok(())
    }
}
