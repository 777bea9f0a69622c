//! Asking a session for resume data (answered by alerts, see
//! [`crate::alert`]).

use super::Session;
use crate::error::Result;

impl Session {
    /// Requests resume data; it arrives as a `SaveResumeData` alert (or
    /// `SaveResumeDataFailed`). The data includes the info dictionary, so it
    /// is self-contained.
    pub fn save_resume_data(&self, id: &str) -> Result<()> {
        self.with_torrent(id, |s, id| s.save_resume_data(id, false, true))
    }

    /// Like [`Session::save_resume_data`] without flushing the disk cache
    /// first (libtorrent 2.0 releases the torrent's files to flush), for
    /// frequent saves of a running download.
    pub fn save_resume_data_unflushed(&self, id: &str) -> Result<()> {
        self.with_torrent(id, |s, id| s.save_resume_data(id, false, false))
    }

    /// Like [`Session::save_resume_data`], but when nothing significant
    /// changed since the last save libtorrent answers with
    /// `SaveResumeDataFailed` ("resume data not modified") instead of data.
    pub fn save_resume_data_if_modified(&self, id: &str) -> Result<()> {
        self.with_torrent(id, |s, id| s.save_resume_data(id, true, true))
    }
}
