//! `revaer add`, `ls` and `select`.

use clap::{ArgGroup, Args};
use revaer_client::Client;
use revaer_domain::engine::{AddOptions, ContentLayout};
use revaer_domain::torrent::{TorrentId, TorrentLimits, TorrentSummary};
use revaer_wire::{
    ActionRequest, AddTorrentRequest, FileSelection, GlobRule, ListParams, SelectRequest,
};
use std::path::Path;

use crate::args::Layout;
use crate::cmd::{detail, follow};
use crate::exit::{CliError, Exit};
use crate::human;
use crate::ids::Resolver;
use crate::output::{line, table, Out};
use crate::Outcome;

/// Priority of a wanted file (libtorrent's default).
const NORMAL: i64 = 4;

/// `revaer add`.
#[derive(Debug, Args)]
pub struct AddArgs {
    /// Magnet links and/or .torrent files (uploaded).
    #[arg(required = true, value_name = "MAGNET|FILE")]
    pub sources: Vec<String>,
    /// Category label.
    #[arg(long)]
    pub category: Option<String>,
    /// A tag (repeat for several).
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// Absolute save path inside the download root or an allowed path.
    #[arg(long)]
    pub save_path: Option<String>,
    /// Add paused.
    #[arg(long)]
    pub paused: bool,
    /// Download pieces in order.
    #[arg(long)]
    pub sequential: bool,
    /// Put it at the head of the download queue instead of the end.
    #[arg(long)]
    pub top_of_queue: bool,
    /// Download only these file indices (.torrent files only).
    #[arg(long, value_delimiter = ',', value_name = "IDX,...")]
    pub files: Vec<u32>,
    /// Download limit (bytes/s; K, M, G suffixes).
    #[arg(long, value_parser = human::parse_rate)]
    pub down_limit: Option<i64>,
    /// Upload limit (bytes/s; K, M, G suffixes).
    #[arg(long, value_parser = human::parse_rate)]
    pub up_limit: Option<i64>,
    /// Where the files go under the save path (default: original).
    #[arg(long, value_enum, value_name = "LAYOUT")]
    pub content_layout: Option<Layout>,
    /// Fetch the first and last pieces of every wanted file first.
    #[arg(long)]
    pub first_last_prio: bool,
    /// Take the data already in the save path as complete, without
    /// checking it (.torrent files only).
    #[arg(long)]
    pub skip_checking: bool,
    /// Show progress until every added torrent completes.
    #[arg(long)]
    pub wait: bool,
}

/// `revaer ls`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only these states (comma-separated).
    #[arg(long)]
    pub state: Option<String>,
    /// Only this category.
    #[arg(long)]
    pub category: Option<String>,
    /// Only torrents with this tag.
    #[arg(long)]
    pub tag: Option<String>,
    /// Only torrents with a tracker on this host.
    #[arg(long)]
    pub tracker: Option<String>,
    /// Only torrents with a file of this extension.
    #[arg(long)]
    pub extension: Option<String>,
    /// Only names containing this text.
    #[arg(long)]
    pub name: Option<String>,
    /// `added_at`, `name`, `progress` or `ratio` (`-name`: descending).
    #[arg(long, allow_hyphen_values = true)]
    pub sort: Option<String>,
    /// `asc` or `desc`.
    #[arg(long)]
    pub order: Option<String>,
    /// Page size (1 to 500).
    #[arg(long)]
    pub limit: Option<u32>,
    /// Continue after this page (`next_cursor` of the previous one).
    #[arg(long, conflicts_with = "all")]
    pub cursor: Option<String>,
    /// Every page, merged.
    #[arg(long)]
    pub all: bool,
}

/// `revaer select`.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("what").required(true).multiple(true).args(["include", "exclude", "priority"])))]
pub struct SelectArgs {
    /// Info hash or unique prefix.
    pub id: String,
    /// Want the files matching this glob (`*`, `?`, `[a-z]`; case-insensitive).
    #[arg(long, value_name = "GLOB")]
    pub include: Vec<String>,
    /// Skip the files matching this glob (applied after --include).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Set one file's priority, 0 (skip) to 7 (applied last).
    #[arg(long, value_name = "IDX=P", value_parser = parse_priority)]
    pub priority: Vec<(i64, i64)>,
}

fn parse_priority(text: &str) -> Result<(i64, i64), String> {
    let (index, priority) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}` is not IDX=PRIORITY (e.g. 3=7)"))?;
    let number = |s: &str| {
        s.trim()
            .parse::<i64>()
            .map_err(|_| format!("`{text}` is not IDX=PRIORITY (e.g. 3=7)"))
    };
    Ok((number(index)?, number(priority)?))
}

/// Adds every source; reports each failure and goes on with the rest.
pub async fn add(client: &Client, args: AddArgs, out: Out) -> Result<Exit, CliError> {
    let mut outcome = Outcome::default();
    let mut added = Vec::new();
    for source in &args.sources {
        match add_one(client, source, &args).await {
            Ok(summary) => {
                if out.human() {
                    line(&format!("added {}  {}", summary.id, summary.name));
                } else {
                    out.json(&summary)?;
                }
                added.push(summary.id);
            }
            Err(err) => outcome.failed(&err, out),
        }
    }
    if args.wait && !added.is_empty() {
        let waited = follow::until_done(client, &added, out).await?;
        return Ok(outcome.exit().max(waited));
    }
    Ok(outcome.exit())
}

fn options(args: &AddArgs) -> AddOptions {
    let limits = (args.down_limit.is_some() || args.up_limit.is_some()).then_some(TorrentLimits {
        download_bps: args.down_limit,
        upload_bps: args.up_limit,
    });
    AddOptions {
        save_path: args.save_path.clone(),
        category: args.category.clone(),
        tags: args.tags.clone(),
        paused: args.paused,
        sequential: args.sequential.then_some(true),
        files: None,
        limits,
        top_of_queue: args.top_of_queue,
        content_layout: args.content_layout.map(|layout| match layout {
            Layout::Original => ContentLayout::Original,
            Layout::Subfolder => ContentLayout::Subfolder,
            Layout::NoSubfolder => ContentLayout::NoSubfolder,
        }),
        first_last_piece_prio: args.first_last_prio,
        skip_checking: args.skip_checking,
    }
}

async fn add_one(
    client: &Client,
    source: &str,
    args: &AddArgs,
) -> Result<TorrentSummary, CliError> {
    let mut options = options(args);
    if source
        .trim_start()
        .to_ascii_lowercase()
        .starts_with("magnet:")
    {
        if !args.files.is_empty() {
            return Err(CliError::Usage(
                "--files needs a .torrent file: a magnet has no file list yet (use `revaer select` once its metadata arrived)".into(),
            ));
        }
        let request = AddTorrentRequest::new(source.trim(), options);
        return Ok(client.add_magnet(&request).await?);
    }
    let path = Path::new(source);
    let bytes = std::fs::read(path).map_err(|err| {
        CliError::Usage(format!(
            "cannot read {source}: {err} (neither a magnet link nor a readable .torrent file)"
        ))
    })?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "upload.torrent".into());
    if args.files.is_empty() {
        return Ok(client.add_file(&name, bytes, &options).await?);
    }
    // Only the listed files: add paused, skip every other file, then
    // resume unless asked to stay paused, so no unwanted byte is fetched.
    let highest = args.files.iter().copied().max().unwrap_or(0);
    options.files = Some(
        (0..=highest)
            .map(|i| {
                if args.files.contains(&i) {
                    NORMAL as u8
                } else {
                    0
                }
            })
            .collect(),
    );
    options.paused = true;
    let summary = client.add_file(&name, bytes, &options).await?;
    let select = SelectRequest {
        rules: vec![GlobRule {
            glob: "*".into(),
            priority: 0,
        }],
        files: args
            .files
            .iter()
            .map(|&index| FileSelection {
                index: i64::from(index),
                priority: NORMAL,
            })
            .collect(),
    };
    client.select(&summary.id, &select).await?;
    if !args.paused {
        client
            .action(&summary.id, &ActionRequest::named("resume"))
            .await?;
    }
    Ok(summary)
}

/// Lists torrents (one page, or `--all` merged).
pub async fn list(client: &Client, args: ListArgs, out: Out) -> Result<(), CliError> {
    let params = ListParams {
        limit: args.limit.map(|n| n.to_string()),
        cursor: args.cursor,
        state: args.state,
        category: args.category,
        tag: args.tag,
        tracker: args.tracker,
        extension: args.extension,
        name: args.name,
        sort: args.sort,
        order: args.order,
    };
    let list = if args.all {
        client.list_all(&params).await?
    } else {
        client.list(&params).await?
    };
    if !out.human() {
        return out.json(&list);
    }
    let mut rows = out.table(&[
        "ID", "NAME", "STATE", "DONE", "SIZE", "DOWN", "UP", "ETA", "RATIO",
    ]);
    for t in &list.items {
        rows.add_row(vec![
            comfy_table::Cell::new(short(&t.id)),
            comfy_table::Cell::new(&t.name),
            out.state(t.state),
            comfy_table::Cell::new(human::percent(t.progress)),
            comfy_table::Cell::new(human::size(t.size)),
            comfy_table::Cell::new(human::rate(t.download_bps)),
            comfy_table::Cell::new(human::rate(t.upload_bps)),
            comfy_table::Cell::new(human::eta(t.eta_seconds)),
            comfy_table::Cell::new(format!("{:.2}", t.ratio)),
        ]);
    }
    table(&rows);
    if let Some(cursor) = &list.next_cursor {
        eprintln!("more torrents follow: --cursor {cursor} (or --all)");
    }
    Ok(())
}

/// The first 8 characters of an id, as tables show it.
pub fn short(id: &TorrentId) -> &str {
    &id.as_str()[..8]
}

/// Sets file priorities.
pub async fn select(client: &Client, args: SelectArgs, out: Out) -> Result<(), CliError> {
    let id = Resolver::new(client).resolve(&args.id).await?;
    let rules = args
        .include
        .iter()
        .map(|glob| (glob, NORMAL))
        .chain(args.exclude.iter().map(|glob| (glob, 0)))
        .map(|(glob, priority)| GlobRule {
            glob: glob.clone(),
            priority,
        })
        .collect();
    let files = args
        .priority
        .iter()
        .map(|&(index, priority)| FileSelection { index, priority })
        .collect();
    let detail = client.select(&id, &SelectRequest { files, rules }).await?;
    if out.human() {
        detail::print_files(&detail, out);
        Ok(())
    } else {
        out.json(&detail)
    }
}
