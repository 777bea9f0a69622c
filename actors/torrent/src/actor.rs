//! The `TorrentSession` actor: lifecycle, the alert pump and configuration.

use actix::prelude::SendError;
use actix::{Actor, ActorContext, AsyncContext, Context, Handler, Supervised};
use libtorrent_sys::Session;
use revaer_messages::config::{ConfigSnapshot, Mode};
use revaer_messages::engine::{EngineError, EngineStatus, GetEngineStatus, RestartEngine};
use revaer_messages::events::{Event, Publish};
use revaer_messages::health::ComponentHealth;
use revaer_messages::watch::ConfigChanged;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use crate::ledger::Ledger;
use crate::options::{session_settings, EngineOptions};
use crate::progress::ProgressCoalescer;
use crate::resume::ResumeStore;
use crate::shutdown::Stopping;
use crate::view::TrackedTable;
use crate::writer::ResumeWriter;
use crate::COMPONENT;

/// Owner of the libtorrent session.
pub struct TorrentSession {
    pub(crate) options: EngineOptions,
    pub(crate) config: Arc<ConfigSnapshot>,
    pub(crate) session: Option<Arc<Session>>,
    /// Tracked torrents, indexed for list queries.
    pub(crate) torrents: TrackedTable,
    /// Per-torrent progress coalescing (see `progress.rs`).
    pub(crate) progress: ProgressCoalescer,
    /// Where resume files are read at restore.
    pub(crate) resume: ResumeStore,
    /// The one writer of resume files (see `writer.rs`).
    pub(crate) writer: ResumeWriter,
    /// The one ordered writer of the catalogue (see `ledger.rs`).
    pub(crate) ledger: Ledger,
    pub(crate) listening: bool,
    pub(crate) last_error: Option<String>,
    /// Torrents whose resume data was requested and not yet answered.
    pub(crate) pending_resume: HashMap<String, Instant>,
    /// Set while saving before a stop or restart (see `shutdown.rs`).
    pub(crate) stopping: Option<Stopping>,
    /// Set once restore finished; commands before that get `Unavailable`.
    pub(crate) ready: bool,
    /// Failed attempts to load the catalogue since the last success.
    pub(crate) restore_attempts: u32,
    /// In setup mode the engine waits: no session, no listening socket, no
    /// DHT, until setup has written the operator's paths and settings.
    pub(crate) dormant: bool,
    /// Set by `RestartEngine`: the coming restart is routine, not a failure.
    pub(crate) restart_requested: bool,
    /// The last error of each (torrent, tracker), so a retry failing the
    /// same way is not logged again at info.
    pub(crate) tracker_errors: HashMap<(String, String), String>,
}

impl TorrentSession {
    /// A new engine; the session starts when the actor starts.
    pub fn new(options: EngineOptions) -> Self {
        let config = options.config.clone();
        let resume = ResumeStore::new(&config.engine_profile.resume_dir);
        let writer = ResumeWriter::spawn(resume.clone(), options.metrics.clone());
        let ledger = Ledger::spawn(options.pool.clone(), options.health.clone());
        let progress_interval = options.progress_interval;
        options
            .health
            .set(COMPONENT, ComponentHealth::degraded("starting"));
        Self {
            options,
            config,
            session: None,
            torrents: TrackedTable::default(),
            progress: ProgressCoalescer::new(progress_interval),
            resume,
            writer,
            ledger,
            listening: false,
            last_error: None,
            pending_resume: HashMap::new(),
            stopping: None,
            ready: false,
            restore_attempts: 0,
            dormant: false,
            restart_requested: false,
            tracker_errors: HashMap::new(),
        }
    }

    /// The session, or `Unavailable` while it is not running.
    pub(crate) fn session(&self) -> Result<Arc<Session>, EngineError> {
        match (&self.session, self.ready) {
            (Some(session), true) => Ok(session.clone()),
            _ if self.dormant => Err(EngineError::Unavailable(
                "the engine starts when setup is complete".to_string(),
            )),
            _ => Err(EngineError::Unavailable(
                self.last_error
                    .clone()
                    .unwrap_or_else(|| "the engine is starting".to_string()),
            )),
        }
    }

    /// Hands an event to the hub without waiting and without growing its
    /// mailbox past its capacity: a refused `progress` update is counted and
    /// sent again with a later tick (a newer one replaces it); the rare
    /// lifecycle events are never dropped.
    pub(crate) fn publish(&mut self, event: Event, request_id: Option<String>) {
        let Some(events) = &self.options.events else {
            return;
        };
        match events.try_send(Publish { event, request_id }) {
            Ok(()) | Err(SendError::Closed(_)) => {}
            Err(SendError::Full(refused)) => {
                self.options.metrics.events_dropped.inc();
                match refused.event {
                    Event::Progress { ref torrent, .. } => {
                        let id = torrent.as_str().to_string();
                        self.progress.requeue(&id, refused.event);
                    }
                    _ => events.do_send(refused),
                }
            }
        }
    }

    /// Copies changed torrents and the availability into the snapshot that
    /// list and detail queries read (see `view.rs`).
    pub(crate) fn sync_view(&mut self) {
        let available = self.session().map(drop);
        self.options
            .view
            .sync(&mut self.torrents, self.session.as_ref(), available);
    }

    /// Updates the health board and announces a status change.
    pub(crate) fn report_health(&self) {
        let mut health = match (&self.last_error, self.listening) {
            // Waiting for setup is the expected state of a fresh install.
            _ if self.dormant => ComponentHealth {
                detail: Some("waiting for setup to complete".into()),
                ..ComponentHealth::ok()
            },
            (Some(err), _) => ComponentHealth::degraded(err.clone()),
            (None, false) => ComponentHealth::degraded("not listening for peers"),
            (None, true) => ComponentHealth::ok(),
        };
        let status = self.status();
        health
            .facts
            .insert("listening".into(), status.listening.into());
        // Commands are accepted once the catalogue is restored.
        health.facts.insert("ready".into(), self.ready.into());
        health
            .facts
            .insert("listen_port".into(), status.listen_port.into());
        health
            .facts
            .insert("torrents".into(), status.torrents.into());
        health
            .facts
            .insert("dht_nodes".into(), status.dht_nodes.into());
        // A change of status is announced by the board itself.
        self.options.health.set(COMPONENT, health);
    }

    pub(crate) fn status(&self) -> EngineStatus {
        let session = self.session.as_ref();
        EngineStatus {
            listening: self.listening,
            listen_port: session.and_then(|s| s.listen_port().ok()).unwrap_or(0),
            torrents: self.torrents.len(),
            dht_nodes: if self.config.engine_profile.dht {
                session.and_then(|s| s.dht_nodes().ok()).unwrap_or(0)
            } else {
                0
            },
            last_error: self.last_error.clone(),
            ..self.transfer_totals()
        }
    }

    /// Rates and session byte counts of every torrent together, and the
    /// free space of the download root.
    fn transfer_totals(&self) -> EngineStatus {
        let mut totals = EngineStatus::default();
        for status in self.torrents.values().filter_map(|t| t.status.as_ref()) {
            totals.download_bps += status.download_rate;
            totals.upload_bps += status.upload_rate;
            totals.session_downloaded += status.total_payload_download;
            totals.session_uploaded += status.total_payload_upload;
        }
        totals.free_bytes = crate::gauges::free_bytes(std::path::Path::new(
            &self.config.engine_profile.download_root,
        ));
        totals
    }

    fn start_session(&mut self) -> Result<(), EngineError> {
        let settings = session_settings(&self.config.engine_profile, self.options.port_mapping);
        let session =
            Session::new(&settings).map_err(|err| EngineError::Internal(err.to_string()))?;
        self.listening = session.is_listening().unwrap_or(false);
        self.session = Some(Arc::new(session));
        Ok(())
    }

    /// Stops in-flight work and forgets runtime state (the catalogue and
    /// resume files are the truth; `started` rebuilds from them).
    fn reset(&mut self) {
        self.session = None;
        self.torrents.clear();
        self.progress.clear();
        self.pending_resume.clear();
        // Callers of an unfinished stop learn it failed (their sender drops).
        self.stopping = None;
        self.ready = false;
        self.listening = false;
        // Queries answer `Unavailable` and the snapshot lets go of the session.
        self.sync_view();
        self.tracker_errors.clear();
    }
}

impl Actor for TorrentSession {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        if self.config.app_profile.mode == Mode::Setup {
            tracing::info!("setup mode: the engine starts once setup is complete");
            self.dormant = true;
            self.report_health();
            return;
        }
        self.activate(ctx);
    }

    fn stopped(&mut self, _ctx: &mut Self::Context) {
        self.reset();
    }
}

impl TorrentSession {
    /// Builds the session, restores the catalogue and starts the timers.
    fn activate(&mut self, ctx: &mut Context<Self>) {
        self.dormant = false;
        if let Err(err) = self.start_session() {
            tracing::error!(error = %err, "cannot start the libtorrent session");
            self.last_error = Some(err.to_string());
            self.report_health();
            // Let the supervisor try again later rather than spinning.
            ctx.run_later(std::time::Duration::from_secs(5), |_, ctx| ctx.stop());
            return;
        }
        self.last_error = None;
        self.restore(ctx);
        let tick = self.options.tick;
        ctx.run_interval(tick, |actor, ctx| {
            actor.pump();
            actor.enforce_share_limits(ctx);
        });
        let resume_every = self.options.resume_interval;
        ctx.run_interval(resume_every, |actor, _ctx| actor.save_changed_resume_data());
        ctx.run_interval(crate::gauges::HOST_GAUGES_EVERY, |actor, _ctx| {
            actor.update_host_gauges();
        });
    }
}

impl Supervised for TorrentSession {
    fn restarting(&mut self, _ctx: &mut Context<Self>) {
        if std::mem::take(&mut self.restart_requested) {
            tracing::info!("torrent engine restarting as requested");
        } else {
            tracing::warn!(
                "torrent engine restarting; reattaching from the catalogue and resume data"
            );
        }
        self.reset();
    }
}

impl Handler<ConfigChanged> for TorrentSession {
    type Result = ();

    fn handle(&mut self, msg: ConfigChanged, ctx: &mut Self::Context) {
        if msg.snapshot.revision <= self.config.revision {
            return;
        }
        let previous = std::mem::replace(&mut self.config, msg.snapshot);
        let resume = ResumeStore::new(&self.config.engine_profile.resume_dir);
        if resume != self.resume {
            self.writer.retarget(resume.clone());
            self.resume = resume;
        }
        if self.dormant && self.config.app_profile.mode == Mode::Active {
            tracing::info!(
                config.revision = self.config.revision,
                "setup complete; starting the engine"
            );
            self.activate(ctx);
            return;
        }
        if previous.engine_profile == self.config.engine_profile {
            return;
        }
        if previous.engine_profile.pex != self.config.engine_profile.pex {
            // libtorrent reads the peer-exchange plugin only when a session is built.
            tracing::info!("peer exchange changed; restarting the engine session");
            ctx.address().do_send(RestartEngine);
            return;
        }
        let Some(session) = self.session.clone() else {
            return;
        };
        let started = Instant::now();
        let settings = session_settings(&self.config.engine_profile, self.options.port_mapping);
        match session.apply_settings(&settings) {
            Ok(()) => {
                let took = started.elapsed();
                self.options
                    .metrics
                    .config_apply
                    .observe(took.as_secs_f64());
                tracing::info!(
                    config.revision = self.config.revision,
                    duration_ms = took.as_millis() as u64,
                    "engine settings applied"
                );
            }
            Err(err) => {
                tracing::error!(error = %err, "engine settings rejected by libtorrent");
                self.last_error = Some(format!("settings rejected: {err}"));
                self.report_health();
            }
        }
    }
}

impl Handler<GetEngineStatus> for TorrentSession {
    type Result = Result<EngineStatus, EngineError>;

    fn handle(&mut self, _msg: GetEngineStatus, _ctx: &mut Self::Context) -> Self::Result {
        Ok(self.status())
    }
}
