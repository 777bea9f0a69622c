//! Test helpers shared by the actor, schema and server test suites: one
//! message collector, one event log with bounded waits, one active-mode
//! configuration snapshot for loopback tests.
//!
//! Rule: this crate is only ever a dev-dependency.

mod collector;
mod config;
mod events;

pub use collector::{collect, Collector};
pub use config::active_loopback_snapshot;
pub use events::EventLog;

/// What tests return.
pub type TestResult<T = ()> = Result<T, Box<dyn std::error::Error>>;

/// Upper bound of any wait in tests: generous, because CI machines are
/// shared and slow, and a wait that times out is a failure, not a retry.
pub const TIMEOUT: std::time::Duration = std::time::Duration::from_secs(90);
