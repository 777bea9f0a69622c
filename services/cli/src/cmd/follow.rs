//! `status --follow` and `add --wait`: live progress bars until every
//! followed torrent completes or fails, driven by `/v1/events` (no polling).
//!
//! Rules:
//! - the event stream is opened before the current state is read, so
//!   nothing that happens in between is missed; a torrent already complete
//!   is done at once;
//! - `completed` (or the state `seeding`) ends a torrent well; `error` (as
//!   an event or a state) ends it badly (exit 3), `removed` too (exit 5);
//!   after a resync every torrent is read again;
//! - bars are drawn on stderr when it is a terminal; the final result is
//!   printed on stdout (a line each, or each final detail in JSON modes);
//! - Ctrl-C ends with exit 130.

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use revaer_client::{Client, EventFollower, Followed};
use revaer_domain::events::Event;
use revaer_domain::torrent::{TorrentDetail, TorrentId, TorrentState};
use revaer_wire::EventsQuery;

use crate::cmd::torrents::short;
use crate::exit::{CliError, Exit};
use crate::human;
use crate::output::{line, Out};

/// The event types that move a followed torrent.
const FOLLOWED_TYPES: &str =
    "progress,state_changed,completed,torrent_error,removed,metadata_received";

/// Bar resolution: per mille.
const BAR_LENGTH: u64 = 1000;

/// Where a followed torrent stands.
#[derive(Debug, Clone, PartialEq)]
enum Standing {
    Running,
    Done,
    Failed(String, Exit),
}

struct Tracked {
    id: TorrentId,
    name: String,
    size: i64,
    standing: Standing,
    bar: ProgressBar,
}

impl Tracked {
    fn refresh(&mut self, detail: &TorrentDetail) {
        let s = &detail.summary;
        self.name = s.name.clone();
        self.size = s.size;
        self.standing = match (s.state, &s.error) {
            // Checked first: a completed torrent whose files are gone is
            // not done.
            (TorrentState::MissingFiles, error) => Standing::Failed(
                error
                    .clone()
                    .unwrap_or_else(|| "its files are missing".into()),
                Exit::Runtime,
            ),
            _ if s.completed_at.is_some() || s.state == TorrentState::Seeding => Standing::Done,
            (TorrentState::Error, error) => Standing::Failed(
                error
                    .clone()
                    .unwrap_or_else(|| "the torrent is in error".into()),
                Exit::Runtime,
            ),
            _ => Standing::Running,
        };
        self.bar
            .set_prefix(format!("{} {}", short(&self.id), self.name));
        self.progress(s.progress, s.download_bps);
    }

    fn progress(&self, progress: f64, download_bps: i64) {
        self.bar
            .set_position((progress.clamp(0.0, 1.0) * BAR_LENGTH as f64) as u64);
        let remaining = (1.0 - progress).max(0.0) * self.size as f64;
        let eta = (download_bps > 0).then(|| (remaining / download_bps as f64).ceil() as i64);
        self.bar.set_message(format!(
            "{} down {} ETA {}",
            human::percent(progress),
            human::rate(download_bps),
            human::eta(eta)
        ));
    }
}

/// Follows `ids` until each completes or fails; the exit code says how.
pub async fn until_done(client: &Client, ids: &[TorrentId], out: Out) -> Result<Exit, CliError> {
    let query = EventsQuery {
        types: Some(FOLLOWED_TYPES.into()),
        torrent: (ids.len() == 1).then(|| ids[0].to_string()),
        last_event_id: None,
    };
    let mut follower = EventFollower::new(client, query, None);
    match follower.next().await? {
        Followed::Opened => {}
        Followed::Retrying { reason, .. } => {
            return Err(CliError::Runtime(format!(
                "cannot follow events at {}: {reason}",
                client.base_url()
            )))
        }
        _ => {}
    }
    let (multi, mut tracked) = track(client, ids, out).await?;
    let mut interrupt = std::pin::pin!(tokio::signal::ctrl_c());
    while tracked.iter().any(|t| t.standing == Standing::Running) {
        let next = tokio::select! {
            next = follower.next() => next?,
            _ = &mut interrupt => {
                multi.clear().ok();
                return Err(CliError::Interrupted);
            }
        };
        match next {
            Followed::Event(event) => {
                if let Some(envelope) = &event.envelope {
                    apply(client, &mut tracked, &envelope.event).await?;
                }
            }
            Followed::Resync { .. } => {
                for t in tracked.iter_mut() {
                    t.refresh(&client.torrent(&t.id).await?);
                }
            }
            Followed::Retrying { reason, .. } => {
                multi
                    .println(format!("event stream lost ({reason}); reconnecting"))
                    .ok();
            }
            Followed::Opened => {
                // Events missed while away are replayed; nothing to do.
            }
        }
        for t in &tracked {
            if t.standing != Standing::Running && !t.bar.is_finished() {
                t.bar.finish();
            }
        }
    }
    multi.clear().ok();
    finish(client, &tracked, out).await
}

/// One bar per torrent, each filled from the torrent's current detail.
async fn track(
    client: &Client,
    ids: &[TorrentId],
    out: Out,
) -> Result<(MultiProgress, Vec<Tracked>), CliError> {
    let multi = MultiProgress::with_draw_target(if out.human() {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    });
    let template = if !out.may_color {
        "{prefix} [{bar:30}] {msg}"
    } else {
        "{prefix:.bold} [{bar:30.cyan/blue}] {msg}"
    };
    let style = ProgressStyle::with_template(template)
        .map_err(|err| CliError::Runtime(format!("progress bar: {err}")))?
        .progress_chars("=> ");
    let mut tracked = Vec::with_capacity(ids.len());
    for id in ids {
        let bar = multi.add(ProgressBar::new(BAR_LENGTH).with_style(style.clone()));
        let mut t = Tracked {
            id: id.clone(),
            name: String::new(),
            size: 0,
            standing: Standing::Running,
            bar,
        };
        t.refresh(&client.torrent(id).await?);
        tracked.push(t);
    }
    Ok((multi, tracked))
}

/// Moves the torrent an event is about.
async fn apply(client: &Client, tracked: &mut [Tracked], event: &Event) -> Result<(), CliError> {
    let Some(t) = event
        .torrent()
        .and_then(|id| tracked.iter_mut().find(|t| &t.id == id))
    else {
        return Ok(());
    };
    if t.standing != Standing::Running {
        return Ok(());
    }
    match event {
        Event::Progress {
            progress,
            download_bps,
            ..
        } => t.progress(*progress, *download_bps),
        Event::Completed { .. } => t.standing = Standing::Done,
        Event::TorrentError { message, .. } => {
            t.standing = Standing::Failed(message.clone(), Exit::Runtime);
        }
        Event::Removed { .. } => {
            t.standing = Standing::Failed("removed while being followed".into(), Exit::NotFound);
        }
        Event::StateChanged { .. } | Event::MetadataReceived { .. } => {
            t.refresh(&client.torrent(&t.id).await?);
        }
        _ => {}
    }
    Ok(())
}

/// Prints the outcome of each torrent; the first failure's code wins.
async fn finish(client: &Client, tracked: &[Tracked], out: Out) -> Result<Exit, CliError> {
    let mut exit = Exit::Success;
    for t in tracked {
        if let Standing::Failed(reason, code) = &t.standing {
            eprintln!("revaer: {} {}: {reason}", t.id, t.name);
            if exit == Exit::Success {
                exit = *code;
            }
        }
        if out.human() {
            let word = match &t.standing {
                Standing::Done => "completed",
                _ => "failed",
            };
            line(&format!("{word}: {}  {}", t.id, t.name));
        } else if !matches!(t.standing, Standing::Failed(_, Exit::NotFound)) {
            out.json(&client.torrent(&t.id).await?)?;
        }
    }
    Ok(exit)
}
