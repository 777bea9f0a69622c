//! `revaer-seed`: a BitTorrent peer for ops/runbook, on 127.0.0.1 only.
//!
//! It writes each requested payload (deterministic bytes, see
//! `libtorrent_sys::testing::write_payload`), seeds it from one libtorrent
//! session over TCP (no DHT, LSD, UPnP, NAT-PMP or PEX, so nothing leaves
//! the machine), prints one line per torrent once it seeds:
//!
//! ```text
//! torrent NAME INFO_HASH MAGNET
//! ready PORT
//! ```
//!
//! and then, with `--dial`, dials that address for every torrent once a
//! second until it is killed, so a client that restarts finds it again
//! without a tracker. The magnets carry `x.pe=127.0.0.1:PORT` for the same
//! reason. Why TCP only: a uTP connection of a client killed with SIGKILL
//! lingers on this side until it times out, and libtorrent refuses a second
//! connection from the same address meanwhile.

use clap::Parser;
use libtorrent_sys::testing::{wait_until, write_payload, CHECK_TIMEOUT, COMMENT, LISTEN_TIMEOUT};
use libtorrent_sys::{create_torrent, AddOptions, PeerProtocol, Session, SessionSettings};
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::str::FromStr;
use std::time::Duration;

/// How often `--dial` is repeated.
const DIAL_EVERY: Duration = Duration::from_secs(1);

/// Size of the small second file of every payload.
const NFO_BYTES: usize = 4096;

/// Seeds generated payloads on 127.0.0.1 and prints their magnets.
#[derive(Debug, Parser)]
#[command(name = "revaer-seed", version)]
struct Args {
    /// Directory for the payloads (NAME/video.mkv and NAME/info.nfo each).
    #[arg(long)]
    dir: PathBuf,

    /// A payload: NAME:BYTES[:UPLOAD_BYTES_PER_SECOND]; repeat for more.
    #[arg(long = "torrent", value_name = "SPEC", required = true)]
    torrents: Vec<Spec>,

    /// Dial this peer (ip:port) for every torrent, once a second.
    #[arg(long, value_name = "ADDR:PORT")]
    dial: Option<SocketAddr>,

    /// Seed of the payload generator (same seed, same bytes).
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

/// One payload to seed.
#[derive(Debug, Clone)]
struct Spec {
    name: String,
    bytes: usize,
    upload_limit: i32,
}

#[derive(Debug, thiserror::Error)]
enum Error {
    #[error("{0}: expected NAME:BYTES[:UPLOAD_BYTES_PER_SECOND] with a plain NAME")]
    Spec(String),
    #[error(transparent)]
    Testing(#[from] libtorrent_sys::testing::Error),
    #[error(transparent)]
    Libtorrent(#[from] libtorrent_sys::Error),
    #[error("writing to stdout: {0}")]
    Stdout(#[from] std::io::Error),
}

impl FromStr for Spec {
    type Err = Error;

    fn from_str(raw: &str) -> Result<Self, Error> {
        let bad = || Error::Spec(raw.to_string());
        let mut parts = raw.split(':');
        let name = parts
            .next()
            .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
        let bytes = parts.next().and_then(|b| b.parse().ok());
        let limit = parts
            .next()
            .map(str::parse)
            .transpose()
            .map_err(|_| bad())?;
        match (name, bytes, parts.next()) {
            (Some(name), Some(bytes), None) if bytes > NFO_BYTES => Ok(Self {
                name: name.to_string(),
                bytes,
                upload_limit: limit.unwrap_or(0),
            }),
            _ => Err(bad()),
        }
    }
}

fn main() -> ExitCode {
    match run(Args::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("revaer-seed: {err}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Args) -> Result<(), Error> {
    let session = Session::new(&SessionSettings {
        peer_protocol: PeerProtocol::Tcp,
        ..SessionSettings::loopback()
    })?;
    wait_until("listen socket", LISTEN_TIMEOUT, || {
        Ok(session.listen_port()? != 0)
    })?;
    let port = session.listen_port()?;
    let save_path = args.dir.to_string_lossy().into_owned();
    let mut ids = Vec::new();
    for (n, spec) in args.torrents.iter().enumerate() {
        let files = [
            ("video.mkv", spec.bytes - NFO_BYTES),
            ("info.nfo", NFO_BYTES),
        ];
        let seed = args.seed.wrapping_add(n as u64);
        let payload = write_payload(&args.dir, &spec.name, &files, seed)?;
        let torrent = create_torrent(&payload, 0, &[], COMMENT)?;
        let id = session.add_torrent_file(&torrent, &AddOptions::with_save_path(&save_path))?;
        session.set_limits(&id, 0, spec.upload_limit)?;
        ids.push((spec, id));
    }
    let mut out = std::io::stdout().lock();
    for (spec, id) in &ids {
        wait_until(&format!("{} to seed", spec.name), CHECK_TIMEOUT, || {
            Ok(session.status(id)?.is_seeding)
        })?;
        let magnet = format!("{}&x.pe=127.0.0.1:{port}", session.magnet_uri(id)?);
        writeln!(out, "torrent {} {id} {magnet}", spec.name)?;
    }
    writeln!(out, "ready {port}")?;
    out.flush()?;
    drop(out);
    loop {
        if let Some(peer) = args.dial {
            for (_, id) in &ids {
                // A refused dial (the client is down) is retried next round.
                let _ = session.connect_peer(id, peer.ip(), peer.port());
            }
        }
        std::thread::sleep(DIAL_EVERY);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_parse_or_are_refused() {
        let spec: Result<Spec, _> = "first:100000:2000000".parse();
        assert!(
            matches!(spec, Ok(Spec { ref name, bytes: 100000, upload_limit: 2000000 }) if name == "first")
        );
        for bad in [
            "",
            "x",
            "x:",
            "x:10",
            "../x:100000",
            "x:100000:fast",
            "x:100000:1:2",
        ] {
            assert!(bad.parse::<Spec>().is_err(), "{bad} accepted");
        }
    }
}
