//! Regression tests of the security hardening (issue 10), one module per
//! item, each test named after the item it covers. They run against a real
//! revaerd (in-process HTTP server, real PostgreSQL, real libtorrent on
//! loopback), like the other suites. The memory bound of uploads (item 4,
//! `tests/body_memory.rs`) and the select load (item 5,
//! `tests/select_load.rs`) have their own binaries, since they measure the
//! whole process; the hostile archives (items 10 and 11) are FsOps tests
//! (`actors/fsops/tests/hostile.rs`).

#[path = "../support/mod.rs"]
mod support;

mod category; // item 7
mod input; // item 6
mod last_key; // item 13
mod lockout; // item 3
mod media; // item 14
mod modes; // item 9
mod paths; // item 8
mod revocation; // item 1
mod streams; // item 2
mod timing; // item 12
mod uploads; // item 4

use revaer_messages::engine::{AddOptions, AddTorrent, Argument, EngineError, TorrentSource};
use support::torrents::TorrentServer;
use support::{TestResult, TestServer};

/// A server whose per-address bucket never runs dry: these tests fail many
/// authentications on purpose and are not about throttling.
async fn server() -> Result<(TestServer, String), Box<dyn std::error::Error>> {
    TestServer::start_active_with(|options| options.api.rate_limit.ip_burst = 1_000_000).await
}

/// Asks the engine directly (below the API) to add `magnet` with `options`
/// and checks it refuses with an invalid `argument`: each rule holds in the
/// engine too, not only at the edge.
async fn engine_refuses(
    t: &TorrentServer,
    magnet: String,
    options: AddOptions,
    argument: Argument,
) -> TestResult {
    let refused = t
        .server
        .running
        .engine
        .send(AddTorrent {
            source: TorrentSource::Magnet(magnet),
            options,
            request_id: None,
        })
        .await?;
    assert!(
        matches!(&refused, Err(EngineError::InvalidArgument { argument: a, .. }) if *a == argument),
        "{refused:?}"
    );
    Ok(())
}
