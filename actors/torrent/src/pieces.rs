//! Piece priorities as libtorrent holds them: what first/last piece
//! priority changes, read straight from the session (not the snapshot,
//! which does not carry them) for tests and diagnostics.

use actix::Handler;
use revaer_messages::engine::{EngineError, GetPiecePriorities};

use crate::actor::TorrentSession;
use crate::mapping::engine_error;

impl Handler<GetPiecePriorities> for TorrentSession {
    type Result = Result<Vec<u8>, EngineError>;

    fn handle(&mut self, msg: GetPiecePriorities, _ctx: &mut Self::Context) -> Self::Result {
        let session = self.session()?;
        self.tracked(&msg.id)?;
        session
            .piece_priorities(msg.id.as_str())
            .map_err(|err| engine_error(err, &msg.id))
    }
}
