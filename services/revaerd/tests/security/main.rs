//! Regression tests of the security hardening (issue 10), one module per
//! area, each test named after the item it covers. They run against a real
//! revaerd (in-process HTTP server, real PostgreSQL, real libtorrent on
//! loopback), like the other suites. The memory bound of uploads (item 4)
//! and the select load (item 5) have their own binaries, since they measure
//! the whole process.

#[path = "../support/mod.rs"]
mod support;

mod category;
mod input;
mod last_key;
mod media;
mod paths;

use support::TestServer;

/// A server whose per-address bucket never runs dry: these tests fail many
/// authentications on purpose and are not about throttling.
async fn server() -> Result<(TestServer, String), Box<dyn std::error::Error>> {
    TestServer::start_active_with(|options| options.api.rate_limit.ip_burst = 1_000_000).await
}
mod lockout;
mod revocation;
mod streams;
mod timing;
mod uploads;
mod modes;
