//! Engine commands that other actors, tests and the qBittorrent facade
//! (`setLocation`, `addPeers`) send, never `/v1`: moving storage after FsOps
//! placed the files, and dialling a peer directly.

use actix::Handler;
use revaer_domain::rules::paths;
use revaer_messages::engine::{Argument, ConnectPeer, EngineError, MoveStorage};
use std::path::Path;

use crate::actor::TorrentSession;
use crate::mapping::engine_error;

impl Handler<MoveStorage> for TorrentSession {
    type Result = Result<(), EngineError>;

    #[tracing::instrument(name = "engine.move_storage", skip_all, fields(
        request_id = msg.request_id.as_deref().unwrap_or_default(),
        torrent.id = %msg.id,
    ))]
    fn handle(&mut self, msg: MoveStorage, _ctx: &mut Self::Context) -> Self::Result {
        let session = self.session()?;
        self.tracked(&msg.id)?;
        // FsOps computed the path inside its allow-list; the engine still
        // applies the save-path rule of an add (absolute, inside the download
        // root or allow_paths once symlinks are resolved) before it writes.
        paths::contain(&msg.path, &self.config.save_roots()).map_err(|err| {
            EngineError::invalid(
                Argument::SavePath,
                format!("the new storage path {:?} {err}", msg.path),
            )
        })?;
        session
            .move_storage(msg.id.as_str(), Path::new(&msg.path))
            .map_err(|err| engine_error(err, &msg.id))?;
        tracing::info!(path = %msg.path, "storage moving");
        Ok(())
    }
}

impl Handler<ConnectPeer> for TorrentSession {
    type Result = Result<(), EngineError>;

    fn handle(&mut self, msg: ConnectPeer, _ctx: &mut Self::Context) -> Self::Result {
        let session = self.session()?;
        self.tracked(&msg.id)?;
        session
            .connect_peer(msg.id.as_str(), msg.peer.ip(), msg.peer.port())
            .map_err(|err| engine_error(err, &msg.id))
    }
}
