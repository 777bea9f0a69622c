//! Manual order of the download queue (`MoveInQueue`).
//!
//! Rules, as qBittorrent's session: the selection is moved one torrent at a
//! time in the order of current positions, so it keeps its own order (to the
//! top or down: the last in the queue moves first; to the bottom or up: the
//! first moves first). Torrents without a queue position (finished ones)
//! stay. With queueing off (`max_active` -1) nothing moves: the engine
//! refuses with `QueueingDisabled`. The new positions are read back at once,
//! so the next listing shows them and the catalogue keeps them, and every
//! torrent whose position changed is announced (`torrent_updated`).

use actix::Handler;
use libtorrent_sys::QueueMove as LtMove;
use revaer_messages::engine::{EngineError, MoveInQueue, QueueMove};
use revaer_messages::events::Event;
use revaer_messages::torrent::TorrentId;

use crate::actor::TorrentSession;
use crate::mapping::engine_error;

/// The bridge's movement for the domain's.
fn bridge_move(movement: QueueMove) -> LtMove {
    match movement {
        QueueMove::Top => LtMove::Top,
        QueueMove::Bottom => LtMove::Bottom,
        QueueMove::Up => LtMove::Up,
        QueueMove::Down => LtMove::Down,
    }
}

/// The queued torrents of a selection (`(position, id)`, position >= 0) in
/// the order they must move so the selection keeps its relative order.
pub(crate) fn move_order(
    mut queued: Vec<(i32, TorrentId)>,
    movement: QueueMove,
) -> Vec<(i32, TorrentId)> {
    queued.sort();
    queued.dedup_by(|a, b| a.1 == b.1);
    if matches!(movement, QueueMove::Top | QueueMove::Down) {
        queued.reverse();
    }
    queued
}

impl TorrentSession {
    fn move_in_queue(&mut self, msg: MoveInQueue) -> Result<(), EngineError> {
        let MoveInQueue {
            ids,
            movement,
            request_id,
        } = msg;
        let session = self.session()?;
        if self.config.engine_profile.max_active == -1 {
            return Err(EngineError::QueueingDisabled);
        }
        let mut queued = Vec::with_capacity(ids.len());
        for id in &ids {
            self.tracked(id)?;
            let status = session
                .status(id.as_str())
                .map_err(|err| engine_error(err, id))?;
            if status.queue_position >= 0 {
                queued.push((status.queue_position, id.clone()));
            }
        }
        let queued = move_order(queued, movement);
        for (_, id) in &queued {
            session
                .queue_move(id.as_str(), bridge_move(movement))
                .map_err(|err| engine_error(err, id))?;
        }
        if queued.is_empty() {
            return Ok(());
        }
        // Every shifted torrent has a new position: read them all now rather
        // than at the next tick, so a listing right after shows the order,
        // and announce each one whose position changed (qBittorrent's
        // `priority`), the shifted ones as much as the moved ones.
        let statuses = match session.statuses() {
            Ok(statuses) => statuses,
            Err(err) => {
                // The moves are done; the next tick's statuses carry them.
                tracing::warn!(error = %err, "cannot read positions after a queue move");
                return Ok(());
            }
        };
        let shifted: Vec<TorrentId> = statuses
            .iter()
            .filter_map(|s| self.torrents.get(&s.id).map(|t| (t, s.queue_position)))
            .filter(|(tracked, position)| tracked.queue_position != *position)
            .map(|(tracked, _)| tracked.id.clone())
            .collect();
        statuses.into_iter().for_each(|s| self.apply_status(s));
        for id in shifted {
            self.publish(Event::TorrentUpdated { torrent: id }, request_id.clone());
        }
        Ok(())
    }
}

impl Handler<MoveInQueue> for TorrentSession {
    type Result = Result<(), EngineError>;

    #[tracing::instrument(name = "engine.queue", skip_all, fields(
        request_id = msg.request_id.as_deref().unwrap_or_default(),
        torrents = msg.ids.len(),
        movement = ?msg.movement,
    ))]
    fn handle(&mut self, msg: MoveInQueue, _ctx: &mut Self::Context) -> Self::Result {
        let outcome = self.move_in_queue(msg);
        self.sync_view();
        tracing::info!(ok = outcome.is_ok(), "queue move");
        outcome
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(order: &[(i32, TorrentId)]) -> Vec<i32> {
        order.iter().map(|(p, _)| *p).collect()
    }

    #[test]
    fn the_selection_moves_so_it_keeps_its_order() -> Result<(), Box<dyn std::error::Error>> {
        let id = |c: &str| TorrentId::parse(&c.repeat(40));
        let selection = vec![(4, id("b")?), (1, id("a")?), (7, id("c")?), (1, id("a")?)];
        let up = move_order(selection.clone(), QueueMove::Up);
        assert_eq!(
            ids(&up),
            [1, 4, 7],
            "up: the first moves first; a duplicate once"
        );
        assert_eq!(
            ids(&move_order(selection.clone(), QueueMove::Bottom)),
            [1, 4, 7]
        );
        assert_eq!(
            ids(&move_order(selection.clone(), QueueMove::Top)),
            [7, 4, 1]
        );
        assert_eq!(ids(&move_order(selection, QueueMove::Down)), [7, 4, 1]);
        Ok(())
    }
}
