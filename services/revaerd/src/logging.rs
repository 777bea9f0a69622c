//! Log output: human-readable lines on stderr, filtered by RUST_LOG.

use std::io::IsTerminal;
use tracing_subscriber::EnvFilter;

const DEFAULT_FILTER: &str = "info,actix_server=warn";

/// Installs the global subscriber; `filter` defaults to `info`.
///
/// Colour codes are written only when stderr is a terminal: under systemd,
/// docker or a log file they would end up as escape sequences in the journal.
/// An unparsable `filter` falls back to the default and says so, rather than
/// silently logging nothing or everything.
pub fn init(filter: Option<&str>) {
    let (env_filter, rejected) = match filter.map(EnvFilter::try_new) {
        Some(Ok(parsed)) => (parsed, None),
        Some(Err(error)) => (EnvFilter::new(DEFAULT_FILTER), Some(error)),
        None => (EnvFilter::new(DEFAULT_FILTER), None),
    };
    let installed = tracing_subscriber::fmt()
        .with_env_filter(env_filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(true)
        .try_init()
        .is_ok();
    if let (true, Some(error)) = (installed, rejected) {
        tracing::warn!(%error, default = DEFAULT_FILTER, "RUST_LOG is not a valid filter; using the default");
    }
}
