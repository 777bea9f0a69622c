//! Moving torrents in libtorrent's download queue. Only torrents that are
//! not finished have a queue position (0 is the head); a finished one
//! reports -1 and libtorrent leaves it where it is.

use super::Session;
use crate::error::{Error, Result};

/// One step of a torrent through the download queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueMove {
    /// To the head of the queue (position 0).
    Top,
    /// To the end of the queue.
    Bottom,
    /// One place towards the head.
    Up,
    /// One place towards the end.
    Down,
}

impl QueueMove {
    /// The shim's code for the movement (see `Session::queue_move` in C++).
    fn code(self) -> u8 {
        match self {
            Self::Top => 0,
            Self::Bottom => 1,
            Self::Up => 2,
            Self::Down => 3,
        }
    }
}

impl Session {
    /// Moves a torrent in the download queue. libtorrent applies it on its
    /// network thread in call order, so a later [`Session::status`] sees it.
    pub fn queue_move(&self, id: &str, movement: QueueMove) -> Result<()> {
        self.with_torrent(id, |s, id| s.queue_move(id, movement.code()))
    }

    /// Puts a torrent at `position` in the download queue (0 is the head;
    /// past the end means the end), shifting the others.
    pub fn set_queue_position(&self, id: &str, position: i32) -> Result<()> {
        if position < 0 {
            return Err(Error::InvalidArgument(format!(
                "queue position must be >= 0, got {position}"
            )));
        }
        self.with_torrent(id, |s, id| s.set_queue_position(id, position))
    }
}
