//! `revaer tail`: the live event stream, one line per event, for as long
//! as the user wants, across dropped connections and server restarts.
//!
//! Rules:
//! - `-o json`/`-o ndjson` print each event's `data:` exactly as served, one
//!   per line; a resync is printed as `{"type":"resync","latest_id":N}` so
//!   scripts see it in band (and refetch state);
//! - notices (reconnecting, resync) go to stderr in every mode;
//! - with `--resume-file` the id of each event is stored after the event is
//!   printed, so a new `tail` continues right after the last line printed:
//!   nothing missed, nothing twice (Ctrl-C ends cleanly between events);
//! - ends with 0 on Ctrl-C or when stdout is closed; bad keys or filters are
//!   errors (exit 4 or 2), lost connections are retried forever.

use revaer_client::{Client, EventFollower, Followed, StreamedEvent};
use revaer_domain::events::Event;
use revaer_wire::EventsQuery;
use serde::Serialize;

use crate::args::TailArgs;
use crate::exit::CliError;
use crate::human;
use crate::ids::Resolver;
use crate::output::{line, Out};
use crate::resume::ResumeFile;

/// The in-band resync line of the JSON modes.
#[derive(Debug, Serialize)]
struct ResyncLine {
    #[serde(rename = "type")]
    kind: &'static str,
    latest_id: u64,
}

/// Follows events until Ctrl-C.
pub async fn run(client: &Client, args: TailArgs, out: Out) -> Result<(), CliError> {
    let torrent = match &args.torrent {
        Some(raw) => Some(Resolver::new(client).resolve(raw).await?.to_string()),
        None => None,
    };
    let resume = args.resume_file.map(ResumeFile::new);
    let last_id = match &resume {
        Some(file) => file.load()?,
        None => None,
    };
    let query = EventsQuery {
        types: args.types,
        torrent,
        last_event_id: None,
    };
    let mut follower = EventFollower::new(client, query, last_id);
    let mut interrupt = std::pin::pin!(tokio::signal::ctrl_c());
    let mut connected_before = false;
    loop {
        let next = tokio::select! {
            next = follower.next() => next?,
            _ = &mut interrupt => return Ok(()),
        };
        let shown_id = match next {
            Followed::Opened => {
                if connected_before {
                    eprintln!("revaer: reconnected");
                }
                connected_before = true;
                continue;
            }
            Followed::Event(event) => {
                if !show(&event, out) {
                    return Ok(());
                }
                event.id
            }
            Followed::Resync { latest_id, .. } => {
                eprintln!(
                    "revaer: resync: the server no longer has the events after the last one seen \
                     (it restarted, or they were evicted); refetch state (e.g. `revaer ls`) if it matters"
                );
                if !out.human() {
                    out.json(&ResyncLine {
                        kind: "resync",
                        latest_id,
                    })?;
                }
                latest_id
            }
            Followed::Retrying { after, reason } => {
                eprintln!(
                    "revaer: event stream lost ({reason}); reconnecting in {:.1}s",
                    after.as_secs_f64()
                );
                continue;
            }
        };
        if let Some(file) = &resume {
            file.store(shown_id)?;
        }
    }
}

/// Prints one event; false when stdout is closed.
fn show(event: &StreamedEvent, out: Out) -> bool {
    if !out.human() {
        return line(&event.data);
    }
    let Some(envelope) = &event.envelope else {
        return line(&format!(
            "{:>6}  {:<17} {}",
            event.id, event.kind, event.data
        ));
    };
    let torrent = envelope
        .event
        .torrent()
        .map(|id| id.as_str()[..8].to_string())
        .unwrap_or_else(|| "-".repeat(8));
    line(&format!(
        "{}  {}  {:<17} {torrent}  {}",
        envelope.at.format("%H:%M:%S%.3f"),
        event.id,
        event.kind,
        what(&envelope.event)
    ))
}

/// The interesting fields of an event, in words.
pub fn what(event: &Event) -> String {
    match event {
        Event::TorrentAdded { name, .. } | Event::MetadataReceived { name, .. } => name.clone(),
        Event::FilesDiscovered { files, .. } => format!("{} files", files.len()),
        Event::Progress {
            progress,
            download_bps,
            upload_bps,
            ..
        } => format!(
            "{} down {} up {}",
            human::percent(*progress),
            human::rate(*download_bps),
            human::rate(*upload_bps)
        ),
        Event::StateChanged { state, .. } => state.as_str().to_string(),
        Event::Completed { save_path, .. } => save_path.clone(),
        Event::Removed { data_deleted, .. } => if *data_deleted {
            "data deleted"
        } else {
            "data kept"
        }
        .to_string(),
        Event::TorrentError { message, .. } => message.clone(),
        Event::TorrentUpdated { .. } => "settings or labels changed".to_string(),
        Event::HealthChanged {
            component,
            status,
            detail,
        } => format!(
            "{component} {} {}",
            serde_json::to_value(status)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            detail.as_deref().unwrap_or("")
        ),
        Event::ConfigChanged { revision } => format!("revision {revision}"),
        Event::FsopsStarted { destination, .. } | Event::FsopsCompleted { destination, .. } => {
            destination.clone()
        }
        Event::FsopsStep { step, status, .. } => format!("{step} {status}"),
        Event::FsopsFailed { step, error, .. } => format!("{step}: {error}"),
    }
}
