//! `revaer status ID [--follow]`: everything about one torrent.

use revaer_client::Client;
use revaer_domain::torrent::TorrentDetail;

use crate::cmd::follow;
use crate::exit::{CliError, Exit};
use crate::human;
use crate::ids::Resolver;
use crate::output::{line, table, Out};

/// Shows a torrent, or follows it to completion with `follow`.
pub async fn status(client: &Client, raw: &str, follow: bool, out: Out) -> Result<Exit, CliError> {
    let id = Resolver::new(client).resolve(raw).await?;
    if follow {
        return follow::until_done(client, &[id], out).await;
    }
    let detail = client.torrent(&id).await?;
    if out.human() {
        print_detail(&detail, out);
    } else {
        out.json(&detail)?;
    }
    Ok(Exit::Success)
}

fn field(name: &str, value: impl AsRef<str>) {
    line(&format!("  {name:<11} {}", value.as_ref()));
}

fn or_dash(value: Option<&str>) -> &str {
    value.filter(|v| !v.is_empty()).unwrap_or("-")
}

/// The detail as labelled lines plus file and tracker tables.
pub fn print_detail(detail: &TorrentDetail, out: Out) {
    let s = &detail.summary;
    line(&s.name);
    field("id", s.id.as_str());
    field(
        "state",
        format!("{} ({})", s.state.as_str(), human::percent(s.progress)),
    );
    field(
        "size",
        format!(
            "{} (downloaded {}, uploaded {}, ratio {:.2})",
            human::size(s.size),
            human::size(s.downloaded),
            human::size(s.uploaded),
            s.ratio
        ),
    );
    field(
        "rates",
        format!(
            "down {}, up {}, ETA {}",
            human::rate(s.download_bps),
            human::rate(s.upload_bps),
            human::eta(s.eta_seconds)
        ),
    );
    field(
        "limits",
        format!(
            "down {}, up {}",
            human::limit(detail.summary.limits.download_bps),
            human::limit(detail.summary.limits.upload_bps)
        ),
    );
    field(
        "peers",
        format!("{} (seeds {})", detail.summary.peers, detail.summary.seeds),
    );
    field("category", or_dash(s.category.as_deref()));
    field(
        "tags",
        if s.tags.is_empty() {
            "-".into()
        } else {
            s.tags.join(", ")
        },
    );
    field("save path", &s.save_path);
    field("sequential", if s.sequential { "on" } else { "off" });
    field(
        "first/last prio",
        if s.first_last_piece_prio { "on" } else { "off" },
    );
    field("super seeding", if s.super_seeding { "on" } else { "off" });
    field("added", s.added_at.to_rfc3339());
    field(
        "completed",
        s.completed_at
            .map_or_else(|| "-".into(), |t| t.to_rfc3339()),
    );
    field("fsops", fsops_line(detail));
    if let Some(error) = &s.error {
        field("error", error);
    }
    print_files(detail, out);
    print_trackers(detail, out);
}

/// The post-processing job in one line: status, then its error or where
/// the files went.
fn fsops_line(detail: &TorrentDetail) -> String {
    detail.fsops.as_ref().map_or_else(
        || "-".to_string(),
        |f| match (&f.error, &f.destination) {
            (Some(error), _) => format!("{}: {error}", f.status.as_str()),
            (None, Some(destination)) => format!("{} -> {destination}", f.status.as_str()),
            (None, None) => f.status.as_str().to_string(),
        },
    )
}

/// The tracker table, when the torrent has trackers.
fn print_trackers(detail: &TorrentDetail, out: Out) {
    if !detail.trackers.is_empty() {
        line(&format!("Trackers ({}):", detail.trackers.len()));
        let mut rows = out.table(&["TIER", "STATUS", "URL", "MESSAGE"]);
        for t in &detail.trackers {
            rows.add_row(vec![
                t.tier.to_string(),
                t.status.clone(),
                t.url.clone(),
                or_dash(t.message.as_deref()).to_string(),
            ]);
        }
        table(&rows);
    }
}

/// The file table.
pub fn print_files(detail: &TorrentDetail, out: Out) {
    line(&format!("Files ({}):", detail.files.len()));
    let mut rows = out.table(&["IDX", "PRIO", "DONE", "SIZE", "PATH"]);
    for f in &detail.files {
        rows.add_row(vec![
            f.index.to_string(),
            if f.selected {
                f.priority.to_string()
            } else {
                "skip".into()
            },
            human::percent(f.progress),
            human::size(f.size),
            f.path.clone(),
        ]);
    }
    table(&rows);
}
