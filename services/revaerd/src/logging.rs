//! Log output on stderr, filtered by RUST_LOG: human-readable lines, or one
//! JSON object per line for Loki, Vector and the like.

use std::io::IsTerminal;
use tracing_subscriber::EnvFilter;

const DEFAULT_FILTER: &str = "info,actix_server=warn";

/// How log lines are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// `time LEVEL span{fields}: target: message fields`.
    #[default]
    Text,
    /// One JSON object per line: `timestamp`, `level`, `target`, the
    /// event's fields (`message` included) at the top level, and the
    /// request's span (`request_id`, `http.method`, `http.target`) under `span`.
    Json,
}

impl LogFormat {
    /// `text` or `json`, in any case.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "text" => Some(Self::Text),
            "json" => Some(Self::Json),
            _ => None,
        }
    }
}

/// Installs the global subscriber; `filter` defaults to `info`.
///
/// Colour codes are written only when stderr is a terminal: under systemd,
/// docker or a log file they would end up as escape sequences in the journal.
/// An unparsable `filter` falls back to the default and says so, rather than
/// silently logging nothing or everything.
pub fn init(filter: Option<&str>, format: LogFormat) {
    let (env_filter, rejected) = match filter.map(EnvFilter::try_new) {
        Some(Ok(parsed)) => (parsed, None),
        Some(Err(error)) => (EnvFilter::new(DEFAULT_FILTER), Some(error)),
        None => (EnvFilter::new(DEFAULT_FILTER), None),
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(env_filter)
        .with_writer(std::io::stderr)
        .with_target(true);
    let installed = match format {
        LogFormat::Text => builder
            .with_ansi(std::io::stderr().is_terminal())
            .try_init()
            .is_ok(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .try_init()
            .is_ok(),
    };
    if let (true, Some(error)) = (installed, rejected) {
        tracing::warn!(%error, default = DEFAULT_FILTER, "RUST_LOG is not a valid filter; using the default");
    }
}
