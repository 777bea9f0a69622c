//! The `ConfigWatcher` actor: subscriber registry and ordered delivery.

use actix::{Actor, ActorContext, AsyncContext, Context, Handler, Recipient, Supervised};
use chrono::Utc;
use revaer_messages::config::ConfigSnapshot;
use revaer_messages::events::{Event, Publish};
use revaer_messages::health::{ComponentHealth, HealthBoard};
use revaer_messages::watch::{ConfigChanged, SubscribeConfig};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use crate::listener::{self, ListenTiming, Loaded, WatchConnected, WatchFailed};
use crate::metrics::WatcherMetrics;

/// Name of this component on the health board.
pub const COMPONENT: &str = "config_watcher";

/// How the watcher connects and how fast it polls.
#[derive(Debug, Clone)]
pub struct WatcherSettings {
    /// Database URL for the dedicated LISTEN connection.
    pub database_url: String,
    /// Loop timing.
    pub timing: ListenTiming,
}

impl WatcherSettings {
    /// Production timing for `database_url`.
    pub fn new(database_url: impl Into<String>) -> Self {
        Self {
            database_url: database_url.into(),
            timing: ListenTiming::default(),
        }
    }

    /// Overrides the loop timing (tests use faster rechecks and backoff).
    pub fn with_timing(mut self, timing: ListenTiming) -> Self {
        self.timing = timing;
        self
    }
}

/// Watches settings and fans `ConfigChanged` out to subscribers.
pub struct ConfigWatcher {
    settings: WatcherSettings,
    subscribers: Vec<Recipient<ConfigChanged>>,
    current: Option<Arc<ConfigSnapshot>>,
    events: Option<Recipient<Publish>>,
    health: HealthBoard,
    metrics: WatcherMetrics,
    stop: Arc<AtomicBool>,
    listener: Option<std::thread::JoinHandle<()>>,
}

impl ConfigWatcher {
    /// A watcher; it starts listening when the actor starts.
    pub fn new(settings: WatcherSettings, health: HealthBoard, metrics: WatcherMetrics) -> Self {
        health.set(COMPONENT, ComponentHealth::degraded("starting"));
        Self {
            settings,
            subscribers: Vec::new(),
            current: None,
            events: None,
            health,
            metrics,
            stop: Arc::new(AtomicBool::new(false)),
            listener: None,
        }
    }

    /// Also publish a `config_changed` event for every new revision.
    pub fn with_events(mut self, events: Recipient<Publish>) -> Self {
        self.events = Some(events);
        self
    }

    fn start_listener(&mut self, ctx: &mut Context<Self>) {
        self.stop = Arc::new(AtomicBool::new(false));
        let stop = self.stop.clone();
        let addr = ctx.address();
        let settings = self.settings.clone();
        let last = self.current.as_ref().map_or(-1, |s| s.revision);
        let spawned = std::thread::Builder::new()
            .name("config-listen".into())
            .spawn(move || {
                listener::run(settings.database_url, addr, stop, settings.timing, last);
            });
        match spawned {
            Ok(handle) => self.listener = Some(handle),
            Err(err) => {
                tracing::error!(error = %err, "cannot start the config listener thread");
                self.metrics.failures.inc();
                ctx.stop();
            }
        }
    }
}

impl Actor for ConfigWatcher {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        self.start_listener(ctx);
    }

    fn stopped(&mut self, _ctx: &mut Self::Context) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

impl Supervised for ConfigWatcher {
    /// The old listener thread is told to stop; `started` spawns a fresh one
    /// that catches up from the last delivered revision. Subscribers are kept.
    fn restarting(&mut self, _ctx: &mut Context<Self>) {
        self.stop.store(true, Ordering::Relaxed);
        tracing::warn!("config watcher restarting");
    }
}

impl Handler<SubscribeConfig> for ConfigWatcher {
    type Result = Option<Arc<ConfigSnapshot>>;

    fn handle(&mut self, msg: SubscribeConfig, _ctx: &mut Self::Context) -> Self::Result {
        self.subscribers.push(msg.0);
        self.current.clone()
    }
}

impl Handler<Loaded> for ConfigWatcher {
    type Result = ();

    fn handle(&mut self, msg: Loaded, _ctx: &mut Self::Context) {
        let revision = msg.snapshot.revision;
        if self
            .current
            .as_ref()
            .is_some_and(|cur| cur.revision >= revision)
        {
            return;
        }
        let first = self.current.is_none();
        self.current = Some(msg.snapshot.clone());
        self.subscribers.retain(|sub| sub.connected());
        for subscriber in &self.subscribers {
            subscriber.do_send(ConfigChanged {
                snapshot: msg.snapshot.clone(),
            });
        }
        let latency = (Utc::now() - msg.bumped_at).to_std().unwrap_or_default();
        if !first {
            self.metrics.latency.observe(latency.as_secs_f64());
            if let Some(events) = &self.events {
                events.do_send(Publish::new(Event::ConfigChanged { revision }));
            }
        }
        self.metrics.revision.set(revision);
        tracing::info!(
            config.revision = revision,
            latency_ms = latency.as_millis() as u64,
            "settings revision delivered"
        );
    }
}

impl Handler<WatchFailed> for ConfigWatcher {
    type Result = ();

    fn handle(&mut self, msg: WatchFailed, _ctx: &mut Self::Context) {
        self.metrics.failures.inc();
        self.health.set(
            COMPONENT,
            ComponentHealth::degraded(format!("reconnecting: {}", msg.error)),
        );
    }
}

impl Handler<WatchConnected> for ConfigWatcher {
    type Result = ();

    fn handle(&mut self, _msg: WatchConnected, _ctx: &mut Self::Context) {
        self.metrics.connects.inc();
        self.health.set(COMPONENT, ComponentHealth::ok());
    }
}

impl Drop for ConfigWatcher {
    /// Stops the listener thread and waits for it (it checks the flag every
    /// poll interval), so no libpq call is in flight while the process tears
    /// down its libraries at exit.
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(handle) = self.listener.take() {
            let _ = handle.join();
        }
    }
}
