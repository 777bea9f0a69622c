//! Piece priorities: first/last piece priority and reading them back.

use super::Session;
use crate::error::Result;

impl Session {
    /// First/last piece priority: `on` puts the first and last pieces of
    /// every wanted file at priority 7; off sets every piece back to its
    /// file's priority. Kept across file priority changes; before metadata
    /// it is applied when the metadata arrives.
    pub fn set_first_last_piece(&self, id: &str, on: bool) -> Result<()> {
        self.with_torrent(id, |s, id| s.set_first_last(id, on))
    }

    /// Priority (0..=7) of every piece; empty until metadata is known.
    pub fn piece_priorities(&self, id: &str) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        self.with_torrent(id, |s, id| s.piece_priorities(id, &mut out))?;
        Ok(out)
    }
}
