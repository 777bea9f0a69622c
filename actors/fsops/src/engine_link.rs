//! What FsOps asks of the torrent engine in `move` mode: pause the torrent
//! while its files move, point it at the new place, resume it. A torrent the
//! engine no longer has is not an error: there is nothing left to keep seeding.

use actix::dev::ToEnvelope;
use actix::{Actor, Addr, Handler, Recipient};
use revaer_messages::engine::{ControlTorrent, EngineError, MoveStorage, TorrentCommand};
use revaer_messages::torrent::TorrentId;

use crate::error::StepError;

/// The engine's mailboxes FsOps uses.
#[derive(Clone)]
pub struct EngineLink {
    /// Pause and resume.
    pub control: Recipient<ControlTorrent>,
    /// Follow the files to their new directory.
    pub move_storage: Recipient<MoveStorage>,
}

/// One request to the engine.
#[derive(Debug, Clone)]
pub enum EngineCall {
    /// Stop transferring before the files move.
    Pause,
    /// The files are now under this save path.
    MoveTo(String),
    /// Transfer (seed) again.
    Resume,
}

impl EngineLink {
    /// The mailboxes of one engine.
    pub fn of<E>(engine: &Addr<E>) -> Self
    where
        E: Actor + Handler<ControlTorrent> + Handler<MoveStorage>,
        E::Context: ToEnvelope<E, ControlTorrent> + ToEnvelope<E, MoveStorage>,
    {
        Self {
            control: engine.clone().recipient(),
            move_storage: engine.clone().recipient(),
        }
    }

    /// Sends `call` for `torrent`; `NotFound` counts as done.
    pub async fn call(&self, torrent: &TorrentId, call: EngineCall) -> Result<(), StepError> {
        let id = torrent.clone();
        let reply = match &call {
            EngineCall::Pause | EngineCall::Resume => {
                let command = match call {
                    EngineCall::Pause => TorrentCommand::Pause,
                    _ => TorrentCommand::Resume,
                };
                let msg = ControlTorrent {
                    id,
                    command,
                    request_id: None,
                };
                self.control.send(msg).await
            }
            EngineCall::MoveTo(path) => {
                let msg = MoveStorage {
                    id,
                    path: path.clone(),
                    request_id: None,
                };
                self.move_storage.send(msg).await
            }
        };
        match reply {
            Ok(Ok(())) | Ok(Err(EngineError::NotFound(_))) => Ok(()),
            Ok(Err(err)) => Err(StepError::Engine(format!("{call:?}: {err}"))),
            Err(err) => Err(StepError::Engine(format!("{call:?}: {err}"))),
        }
    }
}
