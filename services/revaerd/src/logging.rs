//! Log output: human-readable lines on stderr, filtered by RUST_LOG.

use tracing_subscriber::EnvFilter;

/// Installs the global subscriber; `filter` defaults to `info`.
pub fn init(filter: Option<&str>) {
    let filter = filter
        .and_then(|f| EnvFilter::try_new(f).ok())
        .unwrap_or_else(|| EnvFilter::new("info,actix_server=warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(true)
        .try_init();
}
