//! The configuration a loopback test runs under.

use revaer_messages::config::{ConfigSnapshot, Mode};
use revaer_schema::models::config;
use revaer_schema::testing::TestDatabase;

use crate::TestResult;

/// The database's stored configuration in active mode (as after setup) with
/// an engine that never leaves 127.0.0.1: ephemeral port, no DHT, LSD or PEX.
pub fn active_loopback_snapshot(db: &TestDatabase) -> TestResult<ConfigSnapshot> {
    let mut snapshot = config::load_snapshot(&mut db.connect()?)?;
    snapshot.app_profile.mode = Mode::Active;
    let engine = &mut snapshot.engine_profile;
    engine.listen_interface = "127.0.0.1".into();
    engine.listen_port = 0;
    engine.dht = false;
    engine.lsd = false;
    engine.pex = false;
    Ok(snapshot)
}
