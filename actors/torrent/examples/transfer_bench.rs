//! Loopback transfer benchmark: a libtorrent seeder and the Revaer engine
//! actor on 127.0.0.1, one payload of `SIZE_MIB` (default 256) MiB in four
//! files. Prints the time from add to `Completed` and the rate.
//!
//! Usage: `transfer_bench [MiB] [prefer_tcp|tcp_and_utp|tcp|utp] [--trace]`;
//! the second argument is the engine profile's `peer_protocol` (default
//! `prefer_tcp`, as shipped), used by both sides; `--trace` prints progress
//! over time.
//!
//! Run through `ops/bench/engine-transfer` (release build, local PostgreSQL).

use actix::{Actor, Context, Handler};
use libtorrent_sys::{
    create_torrent, AddOptions as LtAdd, PeerProtocol as LtPeerProtocol, Session, SessionSettings,
};
use prometheus::Registry;
use revaer_messages::config::PeerProtocol;
use revaer_messages::engine::{AddOptions, AddTorrent, ConnectPeer, TorrentSource};
use revaer_messages::events::{Event, Publish};
use revaer_messages::health::HealthBoard;
use revaer_schema::models::config;
use revaer_schema::testing::TestDatabase;
use revaer_torrent::{EngineMetrics, EngineOptions, TorrentSession};
use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

struct Completion {
    done: mpsc::UnboundedSender<()>,
    /// `--trace`: print progress and state changes with their time,
    /// to tell a stall (connection, checking) from a slow steady rate.
    trace: Option<Instant>,
}

impl Actor for Completion {
    type Context = Context<Self>;
}

impl Handler<Publish> for Completion {
    type Result = ();
    fn handle(&mut self, msg: Publish, _: &mut Context<Self>) {
        if let Some(started) = self.trace {
            let at = started.elapsed().as_secs_f64();
            match &msg.event {
                Event::Progress {
                    downloaded,
                    download_bps,
                    ..
                } => eprintln!("{at:7.2} s  downloaded {downloaded} B  rate {download_bps} B/s"),
                Event::StateChanged { state, .. } => eprintln!("{at:7.2} s  state {state:?}"),
                _ => {}
            }
        }
        if matches!(msg.event, Event::Completed { .. }) {
            let _ = self.done.send(());
        }
    }
}

fn write_payload(dir: &std::path::Path, total: usize) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    for index in 0..4 {
        let mut file =
            std::io::BufWriter::new(std::fs::File::create(dir.join(format!("part{index}.bin")))?);
        let mut left = total / 4;
        let mut block = vec![0u8; 1 << 20];
        while left > 0 {
            for chunk in block.chunks_mut(8) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                let bytes = state.to_le_bytes();
                chunk.copy_from_slice(&bytes[..chunk.len()]);
            }
            let n = left.min(block.len());
            file.write_all(&block[..n])?;
            left -= n;
        }
        file.flush()?;
        // Written back before the clock starts: otherwise the kernel's
        // writeback of the seed data competes with the transfer and one run
        // in two measured the disk, not the engine.
        file.get_ref().sync_all()?;
    }
    Ok(())
}

/// The shipped configuration with the engine kept on loopback (no DHT, LSD
/// or PEX) and its folders under `dir`.
fn loopback_snapshot(
    db: &TestDatabase,
    dir: &std::path::Path,
    protocol: PeerProtocol,
) -> Result<revaer_messages::config::ConfigSnapshot, Box<dyn std::error::Error>> {
    let mut snapshot = config::load_snapshot(&mut db.connect()?)?;
    snapshot.app_profile.mode = revaer_messages::config::Mode::Active;
    snapshot.engine_profile.listen_interface = "127.0.0.1".into();
    snapshot.engine_profile.listen_port = 0;
    snapshot.engine_profile.dht = false;
    snapshot.engine_profile.lsd = false;
    snapshot.engine_profile.pex = false;
    snapshot.engine_profile.peer_protocol = protocol;
    snapshot.engine_profile.download_root = dir.join("downloads").to_string_lossy().into_owned();
    snapshot.engine_profile.resume_dir = dir.join("resume").to_string_lossy().into_owned();
    snapshot.fs_policy.allow_paths = vec![dir.to_string_lossy().into_owned()];
    Ok(snapshot)
}

#[actix_rt::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let size_mib: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(256);
    let protocol = match std::env::args().nth(2) {
        Some(name) => PeerProtocol::parse(&name).ok_or_else(|| {
            format!("unknown peer protocol {name:?} (prefer_tcp, tcp_and_utp, tcp, utp)")
        })?,
        None => PeerProtocol::PreferTcp,
    };
    let dir = tempfile::tempdir()?;
    let seed_root = dir.path().join("seed");
    write_payload(&seed_root.join("payload"), size_mib << 20)?;
    let torrent = create_torrent(&seed_root.join("payload"), 0, &[], "bench")?;
    let seeder = Session::new(&SessionSettings {
        peer_protocol: match protocol {
            PeerProtocol::PreferTcp => LtPeerProtocol::PreferTcp,
            PeerProtocol::TcpAndUtp => LtPeerProtocol::TcpAndUtp,
            PeerProtocol::Tcp => LtPeerProtocol::Tcp,
            PeerProtocol::Utp => LtPeerProtocol::Utp,
        },
        ..SessionSettings::loopback()
    })?;
    seeder.add_torrent_file(
        &torrent,
        &LtAdd::with_save_path(seed_root.to_string_lossy()),
    )?;
    let port = seeder.listen_port()?;

    let db = TestDatabase::migrated()?;
    let snapshot = loopback_snapshot(&db, dir.path(), protocol)?;
    let registry = Registry::new();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut options = EngineOptions::new(
        revaer_schema::pool::build_pool(db.url(), 4)?,
        Arc::new(snapshot),
        HealthBoard::default(),
        EngineMetrics::register(&registry)?,
    );
    let trace = std::env::args()
        .any(|arg| arg == "--trace")
        .then(Instant::now);
    options.events = Some(Completion { done: tx, trace }.start().recipient());
    options.port_mapping = false;
    let engine = TorrentSession::new(options).start();

    let started = Instant::now();
    let summary = engine
        .send(AddTorrent {
            source: TorrentSource::File(torrent),
            options: AddOptions::default(),
            request_id: None,
        })
        .await??;
    engine
        .send(ConnectPeer {
            id: summary.id.clone(),
            peer: std::net::SocketAddr::from(([127, 0, 0, 1], port)),
        })
        .await??;
    tokio::time::timeout(Duration::from_secs(600), rx.recv())
        .await?
        .ok_or("engine stopped")?;
    let took = started.elapsed().as_secs_f64();
    let mib = size_mib as f64;
    println!(
        "payload {size_mib} MiB over {}: completed in {took:.2} s = {:.1} MiB/s ({:.1} MB/s)",
        protocol.as_str(),
        mib / took,
        mib * 1.048_576 / took
    );
    Ok(())
}
