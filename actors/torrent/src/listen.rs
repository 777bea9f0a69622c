//! The peer port coming up: health and the log.

use crate::actor::TorrentSession;

impl TorrentSession {
    /// libtorrent reports each listen address once per socket type (TCP,
    /// uTP): TCP's line stands for the address, uTP's would only repeat it.
    pub(crate) fn listen_succeeded(&mut self, address: &str, port: u16, socket: &str) {
        if socket == "TCP" {
            tracing::info!(engine.address = %address, engine.port = port, "engine listening");
        } else {
            tracing::debug!(engine.address = %address, engine.port = port, engine.socket = %socket, "engine listening");
        }
        if !self.listening
            || self
                .last_error
                .as_deref()
                .is_some_and(|e| e.starts_with("listen"))
        {
            self.listening = true;
            self.last_error = None;
            self.report_health();
        }
    }
}
