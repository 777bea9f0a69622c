//! Command-line flags of `revaerd`.

use clap::{Parser, Subcommand};
use std::net::SocketAddr;

/// Revaer daemon: torrent orchestration with a PostgreSQL control plane.
/// Reads only DATABASE_URL (default postgres://postgres@127.0.0.1:5432/revaer) and RUST_LOG.
#[derive(Debug, Parser)]
#[command(name = "revaerd", version, about)]
pub struct Cli {
    /// Bind the HTTP server to ADDR:PORT for this run, overriding the stored
    /// app_profile.bind_addr/http_port (use port 0 for any free port).
    #[arg(long, value_name = "ADDR:PORT")]
    pub bind: Option<SocketAddr>,

    /// Number of HTTP worker threads (default: number of CPUs).
    #[arg(long, value_name = "N")]
    pub workers: Option<usize>,

    /// What to do (default: run the server).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the database if needed, apply pending migrations and exit.
    Migrate,
}
