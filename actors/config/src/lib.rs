//! The configuration watcher: the one component that reads settings from
//! PostgreSQL at run time and tells everyone else about new revisions.
//!
//! It LISTENs on a dedicated connection (never a pooled one) from its own
//! thread, reloads the whole snapshot when a notification arrives or when a
//! periodic revision check finds it behind, and sends `ConfigChanged` to its
//! subscribers strictly in revision order. Notifications sent while the
//! connection was down are lost, so every (re)connect re-reads the revision:
//! a change is never missed, only delivered a little later.

mod listener;
mod metrics;
mod watcher;

pub use listener::{ListenTiming, APPLICATION_NAME};
pub use metrics::WatcherMetrics;
pub use watcher::{ConfigWatcher, WatcherSettings, COMPONENT};
