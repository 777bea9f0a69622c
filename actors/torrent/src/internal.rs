//! Engine commands that other actors and tests send, never the API:
//! moving storage after FsOps placed the files, and dialling a peer directly.

use actix::Handler;
use revaer_messages::engine::{ConnectPeer, EngineError, MoveStorage};
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
        // refuses a relative one rather than resolve it against its cwd.
        if !Path::new(&msg.path).is_absolute() {
            return Err(EngineError::InvalidArgument(
                "the new storage path must be absolute".into(),
            ));
        }
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
