//! Queries, one module per concern.

pub mod api_keys;
pub mod config;
pub mod fs_jobs;
pub mod labels;
pub mod revision;
pub mod setup;
pub mod torrents;

/// The strings of a JSON array column (other entries and non-arrays are
/// ignored: the columns are written by this crate, so they are lists of
/// strings unless edited by hand).
pub(crate) fn string_list(value: &serde_json::Value) -> Vec<String> {
    value
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}
