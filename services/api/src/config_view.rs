//! The HTTP layer's subscription to the config watcher: it keeps the latest
//! snapshot in a `watch` channel that handlers read without locking, and
//! drops cached API keys whenever a new revision arrives.

use actix::{Actor, Context, Handler};
use revaer_messages::config::ConfigSnapshot;
use revaer_messages::watch::ConfigChanged;
use std::sync::Arc;
use tokio::sync::watch;

use crate::auth::KeyCache;

/// Subscriber actor feeding the HTTP layer's view of the configuration.
pub struct ConfigView {
    tx: watch::Sender<Arc<ConfigSnapshot>>,
    keys: KeyCache,
}

impl ConfigView {
    /// A view starting from `initial`; returns the actor and the receiver handlers read.
    pub fn new(
        initial: Arc<ConfigSnapshot>,
        keys: KeyCache,
    ) -> (Self, watch::Receiver<Arc<ConfigSnapshot>>) {
        let (tx, rx) = watch::channel(initial);
        (Self { tx, keys }, rx)
    }
}

impl Actor for ConfigView {
    type Context = Context<Self>;
}

impl Handler<ConfigChanged> for ConfigView {
    type Result = ();

    fn handle(&mut self, msg: ConfigChanged, _ctx: &mut Self::Context) {
        let current = self.tx.borrow().revision;
        if msg.snapshot.revision < current {
            return;
        }
        if msg.snapshot.revision > current {
            self.keys.clear();
        }
        self.tx.send_replace(msg.snapshot);
    }
}
