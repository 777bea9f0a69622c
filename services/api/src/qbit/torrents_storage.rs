//! `setLocation` and `addPeers`: the facade's way to the engine's
//! move-storage and peer-dial messages (the ones FsOps and tests use).
//!
//! Rules:
//! - `setLocation`: the new location must pass the same save-path rule as
//!   an add (`revaer_domain::rules::paths::contain`: absolute, no `..`,
//!   inside the download root or `fs_policy.allow_paths` once symlinks are
//!   resolved), else `400`, as qBittorrent answers a bad path; the engine
//!   checks it again before it moves anything; hashes it does not know are
//!   skipped;
//! - `addPeers`: `peers` is `|`-separated `ip:port` (IPv6 as `[ip]:port`);
//!   malformed entries are skipped and `400` answers when none is valid, as
//!   qBittorrent does; the answer is qBittorrent's JSON
//!   `{hash: {"added": n, "failed": m}}`.

use std::collections::BTreeMap;
use std::net::SocketAddr;

use actix_web::{web, HttpResponse};
use revaer_domain::rules::paths;
use revaer_messages::engine::{ConnectPeer, MoveStorage};
use serde::Serialize;

use crate::engine;
use crate::extract::ReqId;
use crate::qbit::form::Params;
use crate::qbit::response::{self, QbitError};
use crate::qbit::torrents_actions::named;
use crate::qbit::torrents_read::handles;
use crate::state::ApiState;

/// Moves the named torrents' data to `location`.
#[utoipa::path(post, tag = "qbittorrent", path = "/api/v2/torrents/setLocation",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "`hashes`, `location`"),
    responses((status = 200, description = "Moving (empty body)", body = String, content_type = "text/plain"),
        (status = 400, description = "Empty location, or outside the allowed roots", body = String, content_type = "text/plain")))]
pub async fn set_location(
    state: web::Data<ApiState>,
    params: Params,
    request_id: ReqId,
) -> Result<HttpResponse, QbitError> {
    params.hashes()?;
    let location = params
        .text("location")
        .ok_or_else(|| QbitError::bad_request("Save path cannot be empty"))?;
    paths::contain(location, &state.snapshot().save_roots())
        .map_err(|err| QbitError::bad_request(format!("location: {err}")))?;
    let handles = handles(&state)?;
    for torrent in named(&state, &params).await? {
        let message = MoveStorage {
            id: torrent.id,
            path: location.to_string(),
            request_id: request_id.0.clone(),
        };
        match engine::call(&handles.move_storage, message).await {
            Ok(()) => {}
            // Removed meanwhile: skipped, like an unknown hash.
            Err(err) if err.status.as_u16() == 404 => {}
            Err(err) if err.status.is_client_error() => {
                return Err(QbitError::bad_request(format!("location: {err}")))
            }
            Err(err) => return Err(err.into()),
        }
    }
    Ok(response::done())
}

/// The well-formed peers of `peers`.
fn parse_peers(text: &str) -> Vec<SocketAddr> {
    text.split('|')
        .filter_map(|peer| peer.trim().parse::<SocketAddr>().ok())
        .filter(|peer| peer.port() != 0)
        .collect()
}

/// qBittorrent's per-torrent outcome of `addPeers`.
#[derive(Debug, Default, Serialize)]
struct Outcome {
    added: usize,
    failed: usize,
}

/// Dials the given peers for each named torrent.
#[utoipa::path(post, tag = "qbittorrent", path = "/api/v2/torrents/addPeers",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "`hashes`, `peers` (`ip:port|ip:port`)"),
    responses((status = 200, description = "`{hash: {added, failed}}`", body = String, content_type = "application/json"),
        (status = 400, description = "No valid peer", body = String, content_type = "text/plain")))]
pub async fn add_peers(
    state: web::Data<ApiState>,
    params: Params,
) -> Result<HttpResponse, QbitError> {
    params.hashes()?;
    let peers = parse_peers(params.require("peers")?);
    if peers.is_empty() {
        return Err(QbitError::bad_request("No valid peers were specified"));
    }
    let handles = handles(&state)?;
    let mut outcomes = BTreeMap::new();
    for torrent in named(&state, &params).await? {
        let mut outcome = Outcome::default();
        for peer in &peers {
            let message = ConnectPeer {
                id: torrent.id.clone(),
                peer: *peer,
            };
            match engine::call(&handles.connect_peer, message).await {
                Ok(()) => outcome.added += 1,
                Err(err) if err.status.is_server_error() => return Err(err.into()),
                Err(_) => outcome.failed += 1,
            }
        }
        outcomes.insert(torrent.id.to_string(), outcome);
    }
    response::json(&outcomes)
}

#[cfg(test)]
mod tests {
    use super::parse_peers;

    #[test]
    fn peers_are_ip_port_pairs_and_malformed_ones_are_skipped() {
        let peers = parse_peers("127.0.0.1:6881| [::1]:51413 |host:1|1.2.3.4|1.2.3.4:0|");
        let shown: Vec<String> = peers.iter().map(ToString::to_string).collect();
        assert_eq!(shown, ["127.0.0.1:6881", "[::1]:51413"]);
        assert!(parse_peers("nonsense").is_empty());
    }
}
