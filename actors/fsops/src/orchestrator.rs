//! The `FsOpsOrchestrator` actor: hears about finished torrents, keeps one
//! job per torrent in `fs_jobs`, runs them (a few at a time) as `FsOpsJob`
//! actors and supervises them. See `STATE.md` for the job state machine.
//!
//! Rules:
//! - it learns of completions from the event hub (`completed` events,
//!   resuming by event id when the hub drops it) or from a typed
//!   [`TorrentCompleted`] message; planning uses the newest `ConfigChanged`
//!   snapshot at that moment;
//! - at start it resumes every job that is not done: `running` ones were
//!   interrupted (a crash), `pending` ones wait for their backoff;
//! - `fsops` on the health board is degraded exactly while some job is
//!   failed or backing off, and says so specifically when archive support
//!   is missing;
//! - it never blocks: the store and the filesystem are reached through
//!   blocking threads.

use actix::dev::ToEnvelope;
use actix::{
    Actor, ActorFutureExt, Addr, AsyncContext, Context, Handler, Message, Recipient,
    ResponseActFuture, SpawnHandle, StreamHandler, Supervised, WrapFuture,
};
use revaer_messages::config::ConfigSnapshot;
use revaer_messages::engine::{ControlTorrent, GetTorrent};
use revaer_messages::events::{Event, Publish};
use revaer_messages::fsops::{FsopsCommandError, RetryFsops};
use revaer_messages::health::{ComponentHealth, HealthBoard};
use revaer_messages::hub::{EventFilter, HubItem, Subscribe};
use revaer_messages::torrent::TorrentId;
use revaer_messages::watch::ConfigChanged;
use revaer_schema::models::fs_jobs::{self, FsJobRow};
use revaer_schema::PgPool;
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::sync::Arc;
use std::time::Duration;
use tokio_stream::wrappers::ReceiverStream;

use crate::fs::{FileSystem, RealFs};
use crate::intake::{self, Created};
use crate::job::{FsOpsJob, JobEnded, JobSpec};
use crate::metrics::{FsopsMetrics, STATUSES};
use crate::plan::{make_plan, JobInput, Plan, Step};
use crate::runner::{JobDeps, RetryPolicy, RunEnd};
use crate::steps::TestHooks;
use crate::store::db;
use crate::COMPONENT;

/// Delay before subscribing again after the hub dropped us or was unreachable.
const RESUBSCRIBE_DELAY: Duration = Duration::from_secs(1);
/// How often running jobs are checked for actors that vanished.
const WATCHDOG_INTERVAL: Duration = Duration::from_secs(5);

/// Everything the orchestrator needs from the composition root.
#[derive(Clone)]
pub struct FsopsOptions {
    /// The job store (and the catalogue, for torrents the engine forgot).
    pub pool: PgPool,
    /// Configuration at start; later revisions arrive as `ConfigChanged`.
    pub config: Arc<ConfigSnapshot>,
    /// Health board.
    pub health: HealthBoard,
    /// Metrics.
    pub metrics: FsopsMetrics,
    /// Where FsOps events go.
    pub events: Option<Recipient<Publish>>,
    /// The hub to hear `completed` events from.
    pub hub: Option<Recipient<Subscribe>>,
    /// The engine, told to move storage in move mode.
    pub engine: Option<Recipient<ControlTorrent>>,
    /// The engine, asked for a finished torrent's files.
    pub engine_query: Option<Recipient<GetTorrent>>,
    /// The EXDEV seam (tests substitute it).
    pub fs: Arc<dyn FileSystem>,
    /// Jobs running at once.
    pub max_concurrent: usize,
    /// Backoff of failed runs.
    pub retry: RetryPolicy,
    /// Crash simulation (tests only).
    pub hooks: TestHooks,
}

impl FsopsOptions {
    /// Production defaults.
    pub fn new(
        pool: PgPool,
        config: Arc<ConfigSnapshot>,
        health: HealthBoard,
        metrics: FsopsMetrics,
    ) -> Self {
        Self {
            pool,
            config,
            health,
            metrics,
            events: None,
            hub: None,
            engine: None,
            engine_query: None,
            fs: Arc::new(RealFs),
            max_concurrent: 2,
            retry: RetryPolicy::default(),
            hooks: TestHooks::default(),
        }
    }

    /// Connects the orchestrator to the event hub (it publishes its events
    /// there and hears `completed` from it) and to the torrent engine (file
    /// lists, pause/move/resume for `move` mode).
    pub fn connect<H, E>(&mut self, hub: &Addr<H>, engine: &Addr<E>)
    where
        H: Actor + Handler<Publish> + Handler<Subscribe>,
        H::Context: ToEnvelope<H, Publish> + ToEnvelope<H, Subscribe>,
        E: Actor + Handler<ControlTorrent> + Handler<GetTorrent>,
        E::Context: ToEnvelope<E, ControlTorrent> + ToEnvelope<E, GetTorrent>,
    {
        self.events = Some(hub.clone().recipient());
        self.hub = Some(hub.clone().recipient());
        self.engine = Some(engine.clone().recipient());
        self.engine_query = Some(engine.clone().recipient());
    }
}

/// A torrent finished downloading (the typed alternative to the hub's
/// `completed` event).
#[derive(Debug, Clone, Message)]
#[rtype(result = "()")]
pub struct TorrentCompleted {
    /// The torrent.
    pub torrent: TorrentId,
    /// Where it was saved.
    pub save_path: String,
    /// Causing request, when known.
    pub request_id: Option<String>,
}

/// Create (and run) the job of a torrent whose files are already known.
#[derive(Debug, Clone, Message)]
#[rtype(result = "Result<(), FsopsCommandError>")]
pub struct EnqueueJob {
    /// The finished torrent.
    pub input: JobInput,
}

/// Ask what the orchestrator is busy with (tests, health).
#[derive(Debug, Clone, Copy, Message)]
#[rtype(result = "FsopsActivity")]
pub struct GetActivity;

/// What the orchestrator is busy with.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FsopsActivity {
    /// Whether the store was read since start.
    pub loaded: bool,
    /// Jobs running (or starting).
    pub running: usize,
    /// Jobs waiting for a slot.
    pub queued: usize,
    /// Jobs waiting for their backoff.
    pub scheduled: usize,
    /// Jobs failed or backing off.
    pub failing: usize,
}

/// Why a job is not healthy.
#[derive(Debug, Clone)]
struct Failing {
    error: String,
    unsupported: bool,
}

/// The orchestrator.
pub struct FsOpsOrchestrator {
    options: FsopsOptions,
    deps: Arc<JobDeps>,
    /// `None` while the job's row is being loaded.
    running: HashMap<TorrentId, Option<Addr<FsOpsJob>>>,
    queue: VecDeque<TorrentId>,
    timers: HashMap<TorrentId, SpawnHandle>,
    failing: BTreeMap<TorrentId, Failing>,
    last_event_id: Option<u64>,
    loaded: bool,
}

impl FsOpsOrchestrator {
    /// An orchestrator; it loads unfinished jobs and subscribes when started.
    pub fn new(options: FsopsOptions) -> Self {
        let deps = Arc::new(JobDeps {
            pool: options.pool.clone(),
            fs: options.fs.clone(),
            events: options.events.clone(),
            engine: options.engine.clone(),
            metrics: options.metrics.clone(),
            hooks: options.hooks.clone(),
            retry: options.retry,
        });
        options.health.set(COMPONENT, ComponentHealth::ok());
        Self {
            options,
            deps,
            running: HashMap::new(),
            queue: VecDeque::new(),
            timers: HashMap::new(),
            failing: BTreeMap::new(),
            last_event_id: None,
            loaded: false,
        }
    }

    fn publish(&self, event: Event) {
        if let Some(events) = &self.options.events {
            events.do_send(Publish::new(event));
        }
    }

    /// Reads unfinished jobs and schedules them.
    fn load(&mut self, ctx: &mut Context<Self>) {
        let pool = self.options.pool.clone();
        ctx.spawn(
            async move { db(&pool, fs_jobs::unfinished).await }
                .into_actor(self)
                .map(|loaded, act, ctx| {
                    match loaded {
                        Ok(rows) => {
                            for row in rows {
                                act.adopt(row, ctx);
                            }
                            act.loaded = true;
                        }
                        Err(err) => {
                            tracing::error!(error = %err, "cannot load fsops jobs; retrying");
                            act.options.health.set(
                                COMPONENT,
                                ComponentHealth::degraded(format!("cannot read jobs: {err}")),
                            );
                            ctx.run_later(RESUBSCRIBE_DELAY * 5, |act, ctx| act.load(ctx));
                            return;
                        }
                    }
                    act.report(ctx);
                }),
        );
    }

    /// Schedules one unfinished job found in the store.
    fn adopt(&mut self, row: FsJobRow, ctx: &mut Context<Self>) {
        let Ok(torrent) = TorrentId::parse(&row.torrent_id) else {
            return;
        };
        match row.status.as_str() {
            "failed" => {
                self.failing.insert(
                    torrent,
                    Failing {
                        error: row.last_error.unwrap_or_default(),
                        unsupported: false,
                    },
                );
            }
            _ => {
                if let Some(error) = row.last_error.filter(|_| row.status == "pending") {
                    self.failing.insert(
                        torrent.clone(),
                        Failing {
                            error,
                            unsupported: false,
                        },
                    );
                }
                let delay = row
                    .next_attempt_at
                    .and_then(|at| (at - chrono::Utc::now()).to_std().ok())
                    .unwrap_or_default();
                self.schedule(torrent, delay, ctx);
            }
        }
    }

    fn schedule(&mut self, torrent: TorrentId, delay: Duration, ctx: &mut Context<Self>) {
        if let Some(timer) = self.timers.remove(&torrent) {
            ctx.cancel_future(timer);
        }
        if delay.is_zero() {
            self.enqueue(torrent, ctx);
            return;
        }
        let key = torrent.clone();
        let timer = ctx.run_later(delay, move |act, ctx| {
            act.timers.remove(&key);
            act.enqueue(key, ctx);
        });
        self.timers.insert(torrent, timer);
    }

    fn enqueue(&mut self, torrent: TorrentId, ctx: &mut Context<Self>) {
        if let Some(timer) = self.timers.remove(&torrent) {
            ctx.cancel_future(timer);
        }
        if self.running.contains_key(&torrent) || self.queue.contains(&torrent) {
            return;
        }
        self.queue.push_back(torrent);
        self.pump(ctx);
    }

    /// Starts queued jobs while slots are free.
    fn pump(&mut self, ctx: &mut Context<Self>) {
        while self.running.len() < self.options.max_concurrent.max(1) {
            let Some(torrent) = self.queue.pop_front() else {
                break;
            };
            self.running.insert(torrent.clone(), None);
            self.start_job(torrent, ctx);
        }
    }

    /// Loads the job's row (planning it now if a retry cleared its plan) and
    /// starts its actor.
    fn start_job(&mut self, torrent: TorrentId, ctx: &mut Context<Self>) {
        let pool = self.options.pool.clone();
        let policy = self.options.config.fs_policy.clone();
        let id = torrent.to_string();
        let load = async move {
            let Some(row) = db(&pool, move |c| fs_jobs::find(c, &id)).await? else {
                return Ok(Startable::Gone);
            };
            if row.status == "done" || row.status == "failed" {
                return Ok(Startable::Gone);
            }
            let completed: Vec<Step> = row
                .completed()
                .iter()
                .filter_map(|s| Step::parse(s))
                .collect();
            let plan = match row.plan.clone().map(serde_json::from_value::<Plan>) {
                Some(Ok(plan)) => plan,
                Some(Err(err)) => {
                    return Ok(Startable::Unplannable(format!(
                        "stored plan is unreadable: {err}"
                    )))
                }
                None => {
                    let input: JobInput = match serde_json::from_value(row.input.clone()) {
                        Ok(input) => input,
                        Err(err) => {
                            return Ok(Startable::Unplannable(format!(
                                "stored input is unreadable: {err}"
                            )))
                        }
                    };
                    match make_plan(&input, &policy) {
                        Ok(plan) => {
                            let json = serde_json::to_value(&plan)
                                .map_err(|e| revaer_schema::DbError::Corrupt(e.to_string()))?;
                            let id = row.torrent_id.clone();
                            let destination = plan.destination.clone();
                            db(&pool, move |c| {
                                fs_jobs::set_plan(c, &id, &json, &destination)
                            })
                            .await?;
                            plan
                        }
                        Err(err) => {
                            return Ok(Startable::Unplannable(format!("planning failed: {err}")))
                        }
                    }
                }
            };
            Ok::<_, revaer_schema::DbError>(Startable::Ready(Box::new(JobSpec {
                plan,
                completed,
                request_id: row.request_id,
            })))
        };
        let key = torrent.clone();
        ctx.spawn(load.into_actor(self).map(move |loaded, act, ctx| {
            match loaded {
                Ok(Startable::Ready(spec)) => {
                    let parent = ctx.address().recipient();
                    let job = FsOpsJob::new(*spec, act.deps.clone(), parent).start();
                    act.running.insert(key, Some(job));
                    return;
                }
                Ok(Startable::Gone) => {}
                Ok(Startable::Unplannable(error)) => act.fail_unplannable(key.clone(), error, ctx),
                Err(err) => {
                    tracing::warn!(torrent.info_hash = %key, error = %err, "cannot start fsops job");
                    act.running.remove(&key);
                    act.schedule(key, act.options.retry.base_delay, ctx);
                    return;
                }
            }
            act.running.remove(&key);
            act.pump(ctx);
        }));
    }

    fn fail_unplannable(&mut self, torrent: TorrentId, error: String, ctx: &mut Context<Self>) {
        let pool = self.options.pool.clone();
        let id = torrent.to_string();
        let text = error.clone();
        ctx.spawn(
            async move {
                let _ = db(&pool, move |c| fs_jobs::mark_failed(c, &id, None, &text)).await;
            }
            .into_actor(self)
            .map(|(), act, ctx| act.report(ctx)),
        );
        self.publish(Event::FsopsFailed {
            torrent: torrent.clone(),
            step: "plan".into(),
            error: error.clone(),
        });
        self.failing.insert(
            torrent,
            Failing {
                error,
                unsupported: false,
            },
        );
    }

    /// Updates the health board and the per-status gauge.
    fn report(&mut self, ctx: &mut Context<Self>) {
        let health = if self.failing.is_empty() {
            ComponentHealth::ok()
        } else {
            let unsupported = self.failing.iter().find(|(_, f)| f.unsupported);
            let detail = match unsupported {
                Some((torrent, f)) => format!("archive support missing ({torrent}): {}", f.error),
                None => {
                    let (torrent, f) = self
                        .failing
                        .iter()
                        .next()
                        .map(|(t, f)| (t.to_string(), f.error.clone()))
                        .unwrap_or_default();
                    format!(
                        "{} post-processing job(s) failing; {torrent}: {f}",
                        self.failing.len()
                    )
                }
            };
            let mut health = ComponentHealth::degraded(detail);
            health.facts.insert(
                "failing".into(),
                serde_json::Value::from(self.failing.len()),
            );
            health
        };
        // A change of status is announced by the board itself.
        self.options.health.set(COMPONENT, health);
        let pool = self.options.pool.clone();
        let gauge = self.options.metrics.jobs.clone();
        ctx.spawn(
            async move {
                if let Ok(counts) = db(&pool, fs_jobs::count_by_status).await {
                    let counts: BTreeMap<String, i64> = counts.into_iter().collect();
                    for status in STATUSES {
                        gauge
                            .with_label_values(&[status])
                            .set(counts.get(status).copied().unwrap_or(0));
                    }
                }
            }
            .into_actor(self),
        );
    }

    fn subscribe(&mut self, ctx: &mut Context<Self>) {
        let Some(hub) = self.options.hub.clone() else {
            self.reconcile(ctx);
            return;
        };
        let request = Subscribe {
            last_event_id: self.last_event_id,
            filter: EventFilter {
                types: Some(BTreeSet::from(["completed".to_string()])),
                torrent: None,
            },
            internal: true,
        };
        ctx.spawn(async move { hub.send(request).await }.into_actor(self).map(
            |reply, act, ctx| match reply {
                Ok(subscription) => {
                    ctx.add_stream(ReceiverStream::new(subscription.receiver));
                    // From here on completions arrive as events; anything
                    // that completed before (or while we were detached) is
                    // found in the catalogue.
                    act.reconcile(ctx);
                }
                Err(err) => {
                    tracing::warn!(error = %err, "event hub unreachable; fsops subscribes again");
                    ctx.run_later(RESUBSCRIBE_DELAY, |act, ctx| act.subscribe(ctx));
                }
            },
        ));
    }

    /// Turns every completion recorded in the catalogue without a job into
    /// one, so a crash or a gap in the event stream never loses
    /// post-processing. A completion that also arrives as an event finds the
    /// job already there and changes nothing.
    fn reconcile(&mut self, ctx: &mut Context<Self>) {
        let pool = self.options.pool.clone();
        ctx.spawn(
            async move { db(&pool, fs_jobs::completions_without_job).await }
                .into_actor(self)
                .map(|found, act, ctx| match found {
                    Ok(rows) => {
                        for (id, save_path) in rows {
                            let Ok(torrent) = TorrentId::parse(&id) else {
                                continue;
                            };
                            tracing::warn!(
                                torrent.info_hash = %torrent,
                                "completed torrent has no post-processing job; starting one"
                            );
                            act.intake(
                                TorrentCompleted {
                                    torrent,
                                    save_path,
                                    request_id: None,
                                },
                                ctx,
                            );
                        }
                    }
                    Err(err) => {
                        tracing::error!(error = %err, "cannot look for missed completions; retrying");
                        ctx.run_later(RESUBSCRIBE_DELAY * 5, |act, ctx| act.reconcile(ctx));
                    }
                }),
        );
    }

    /// Turns a completion into a job.
    fn intake(&mut self, msg: TorrentCompleted, ctx: &mut Context<Self>) {
        let engine = self.options.engine_query.clone();
        let pool = self.options.pool.clone();
        let torrent = msg.torrent.clone();
        ctx.spawn(
            async move {
                intake::resolve(engine.as_ref(), &pool, msg.torrent, msg.save_path, msg.request_id)
                    .await
            }
            .into_actor(self)
            .map(move |resolved, act, ctx| match resolved {
                Ok(input) => act.create(input, ctx),
                Err(err) => {
                    tracing::error!(torrent.info_hash = %torrent, error = %err, "cannot post-process a finished torrent");
                }
            }),
        );
    }

    fn create(&mut self, input: JobInput, ctx: &mut Context<Self>) {
        let fut = self.create_future(input);
        ctx.spawn(fut.map(|_, _, _| ()));
    }

    fn create_future(
        &mut self,
        input: JobInput,
    ) -> impl actix::ActorFuture<Self, Output = Result<(), FsopsCommandError>> {
        let pool = self.options.pool.clone();
        let policy = self.options.config.fs_policy.clone();
        let torrent = input.torrent.clone();
        async move { intake::create(&pool, input, &policy).await }
            .into_actor(self)
            .map(move |created, act, ctx| match created {
                Ok(Created::Pending) => {
                    act.enqueue(torrent, ctx);
                    act.report(ctx);
                    Ok(())
                }
                Ok(Created::PlanFailed(err)) => {
                    let error = format!("planning failed: {err}");
                    act.publish(Event::FsopsFailed {
                        torrent: torrent.clone(),
                        step: "plan".into(),
                        error: error.clone(),
                    });
                    act.failing.insert(
                        torrent,
                        Failing {
                            error,
                            unsupported: false,
                        },
                    );
                    act.report(ctx);
                    Ok(())
                }
                Ok(Created::Exists(status)) => {
                    tracing::debug!(torrent.info_hash = %torrent, fsops.status = %status, "fsops job exists; completion ignored");
                    Ok(())
                }
                Err(err) => Err(FsopsCommandError::Unavailable(err.to_string())),
            })
    }

    /// Jobs whose actor is gone without a report (it cannot happen by
    /// design; if it does, the store still knows where the job stands).
    fn watchdog(&mut self, ctx: &mut Context<Self>) {
        let vanished: Vec<TorrentId> = self
            .running
            .iter()
            .filter(|(_, addr)| addr.as_ref().is_some_and(|a| !a.connected()))
            .map(|(t, _)| t.clone())
            .collect();
        for torrent in vanished {
            tracing::warn!(torrent.info_hash = %torrent, "fsops job vanished; restarting it");
            self.running.remove(&torrent);
            self.schedule(torrent, self.options.retry.base_delay, ctx);
        }
    }
}

enum Startable {
    Ready(Box<JobSpec>),
    Gone,
    Unplannable(String),
}

impl Actor for FsOpsOrchestrator {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        self.load(ctx);
        self.subscribe(ctx);
        ctx.run_interval(WATCHDOG_INTERVAL, |act, ctx| act.watchdog(ctx));
    }
}

impl Supervised for FsOpsOrchestrator {
    /// Timers and the hub stream belonged to the old context; `started`
    /// reloads from the store and subscribes again (resuming by event id).
    /// Jobs still running keep running and report to the new context.
    fn restarting(&mut self, _ctx: &mut Context<Self>) {
        tracing::warn!("fsops orchestrator restarting");
        self.timers.clear();
        self.queue.clear();
        self.running
            .retain(|_, addr| addr.as_ref().is_some_and(Addr::connected));
    }
}

impl StreamHandler<HubItem> for FsOpsOrchestrator {
    fn handle(&mut self, item: HubItem, ctx: &mut Self::Context) {
        match item {
            HubItem::Event(envelope) => {
                self.last_event_id = Some(envelope.id);
                if let Event::Completed { torrent, save_path } = &envelope.event {
                    self.intake(
                        TorrentCompleted {
                            torrent: torrent.clone(),
                            save_path: save_path.clone(),
                            request_id: envelope.request_id.clone(),
                        },
                        ctx,
                    );
                }
            }
            HubItem::Resync { latest_id } => {
                // Completions between our last id and now are gone from the
                // hub; the catalogue still has them.
                tracing::warn!(
                    hub.latest_id = latest_id,
                    "fsops missed events while detached from the hub; reconciling with the catalogue"
                );
                self.last_event_id = Some(latest_id);
                self.reconcile(ctx);
            }
        }
    }

    fn finished(&mut self, ctx: &mut Self::Context) {
        // The hub dropped us (lagging or restarted): come back where we left.
        ctx.run_later(RESUBSCRIBE_DELAY, |act, ctx| act.subscribe(ctx));
    }
}

impl Handler<ConfigChanged> for FsOpsOrchestrator {
    type Result = ();

    fn handle(&mut self, msg: ConfigChanged, _ctx: &mut Self::Context) {
        if msg.snapshot.revision >= self.options.config.revision {
            self.options.config = msg.snapshot;
        }
    }
}

impl Handler<TorrentCompleted> for FsOpsOrchestrator {
    type Result = ();

    fn handle(&mut self, msg: TorrentCompleted, ctx: &mut Self::Context) {
        self.intake(msg, ctx);
    }
}

impl Handler<EnqueueJob> for FsOpsOrchestrator {
    type Result = ResponseActFuture<Self, Result<(), FsopsCommandError>>;

    fn handle(&mut self, msg: EnqueueJob, _ctx: &mut Self::Context) -> Self::Result {
        Box::pin(self.create_future(msg.input))
    }
}

impl Handler<JobEnded> for FsOpsOrchestrator {
    type Result = ();

    fn handle(&mut self, msg: JobEnded, ctx: &mut Self::Context) {
        let JobEnded { torrent, end } = msg;
        self.running.remove(&torrent);
        match end {
            RunEnd::Done => {
                self.failing.remove(&torrent);
            }
            RunEnd::Interrupted => {}
            RunEnd::Retry { delay, error } => {
                self.failing.insert(
                    torrent.clone(),
                    Failing {
                        error,
                        unsupported: false,
                    },
                );
                self.schedule(torrent, delay, ctx);
            }
            RunEnd::Failed { error, unsupported } => {
                self.failing.insert(torrent, Failing { error, unsupported });
            }
        }
        self.report(ctx);
        self.pump(ctx);
    }
}

impl Handler<RetryFsops> for FsOpsOrchestrator {
    type Result = ResponseActFuture<Self, Result<(), FsopsCommandError>>;

    fn handle(&mut self, msg: RetryFsops, _ctx: &mut Self::Context) -> Self::Result {
        let pool = self.options.pool.clone();
        let torrent = msg.torrent.clone();
        let request_id = msg.request_id.clone();
        let busy = self.running.contains_key(&torrent);
        let id = torrent.to_string();
        let reset = async move {
            let row = db(&pool, {
                let id = id.clone();
                move |c| fs_jobs::find(c, &id)
            })
            .await
            .map_err(|e| FsopsCommandError::Unavailable(e.to_string()))?
            .ok_or_else(|| FsopsCommandError::NotFound(msg.torrent.clone()))?;
            if row.status == "done" {
                return Err(FsopsCommandError::AlreadyDone(msg.torrent.clone()));
            }
            if busy {
                return Ok(false);
            }
            // Nothing ran yet: plan again under the current policy.
            let replan = row.completed().is_empty();
            db(&pool, move |c| fs_jobs::reset_for_retry(c, &id, replan))
                .await
                .map_err(|e| FsopsCommandError::Unavailable(e.to_string()))?;
            Ok(true)
        };
        Box::pin(reset.into_actor(self).map(move |reset, act, ctx| {
            if reset? {
                tracing::info!(
                    torrent.info_hash = %torrent,
                    request_id = request_id.as_deref().unwrap_or_default(),
                    "fsops job retried on demand"
                );
                act.failing.remove(&torrent);
                act.enqueue(torrent, ctx);
                act.report(ctx);
            }
            Ok(())
        }))
    }
}

impl Handler<GetActivity> for FsOpsOrchestrator {
    type Result = actix::MessageResult<GetActivity>;

    fn handle(&mut self, _msg: GetActivity, _ctx: &mut Self::Context) -> Self::Result {
        actix::MessageResult(FsopsActivity {
            loaded: self.loaded,
            running: self.running.len(),
            queued: self.queue.len(),
            scheduled: self.timers.len(),
            failing: self.failing.len(),
        })
    }
}
