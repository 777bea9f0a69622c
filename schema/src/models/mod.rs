//! Queries, one module per concern.

pub mod api_keys;
pub mod config;
pub mod fs_jobs;
pub mod revision;
pub mod setup;
pub mod torrents;
