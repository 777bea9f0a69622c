//! Command-line flags of `revaerd`.

use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;

use crate::logging::LogFormat;

/// Revaer daemon: torrent orchestration with a PostgreSQL control plane.
///
/// Environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/revaer)
/// or DATABASE_URL_FILE (a file holding it), RUST_LOG, and for containers
/// REVAER_BIND, REVAER_LOG_FORMAT and REVAER_ACCESS_LOG (a flag wins over
/// its variable).
#[derive(Debug, Parser)]
#[command(name = "revaerd", version, about, long_about)]
pub struct Cli {
    /// Bind the HTTP server to ADDR:PORT for this run, overriding the stored
    /// app_profile.bind_addr/http_port (use port 0 for any free port).
    /// Env: REVAER_BIND.
    #[arg(long, value_name = "ADDR:PORT")]
    pub bind: Option<SocketAddr>,

    /// Number of HTTP worker threads (default: number of CPUs).
    #[arg(long, value_name = "N")]
    pub workers: Option<usize>,

    /// Log line format on stderr. Env: REVAER_LOG_FORMAT.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub log_format: Option<LogFormat>,

    /// Log one line per HTTP request (target `revaer::access`).
    /// Env: REVAER_ACCESS_LOG=true.
    #[arg(long)]
    pub access_log: bool,

    /// What to do (default: run the server).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the database if needed, apply pending migrations and exit.
    Migrate,
    /// GET the server's /health; exit 0 when it answers 200, 1 otherwise
    /// (for container HEALTHCHECKs: no curl needed).
    Healthcheck(HealthcheckArgs),
}

/// Flags of `revaerd healthcheck`.
#[derive(Debug, Args)]
pub struct HealthcheckArgs {
    /// The URL to check (plain http). Default: /health on REVAER_BIND's
    /// port (on loopback when it binds every address), else
    /// http://127.0.0.1:7070/health.
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,

    /// Give up after this many seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 5)]
    pub timeout: u64,
}
