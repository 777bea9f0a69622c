//! `torrents/add`: magnets in `urls` (one per line) and `.torrent` files in
//! multipart `torrents`, with qBittorrent's options.
//!
//! Rules:
//! - the options become Revaer's add options and are validated by the same
//!   function as `POST /v1/torrents` (save path inside the allowed roots,
//!   labels, limits); the engine re-checks what only it can;
//! - `paused` and `stopped` (WebAPI 2.11) both add the torrent stopped;
//!   `ratioLimit`, `seedingTimeLimit`, `inactiveSeedingTimeLimit` (`-2`
//!   global, `-1` none) and `rename` are applied to each added torrent
//!   before the reply, so the torrent is complete when a client reads it;
//! - an unknown category or tag is created, as qBittorrent does; a
//!   category's save path is the default save path;
//! - `Ok.` when at least one torrent was added, `Fails.` otherwise (a
//!   duplicate fails, as in qBittorrent);
//! - `http(s)` URLs of `.torrent` files are fetched under the rules of
//!   [`crate::qbit::fetch`] (config flags, public targets only by default,
//!   size and time limits, pinned addresses) and the bytes go through the
//!   same add path as an uploaded file; a URL that cannot be fetched counts
//!   as a failure. `addToTopOfQueue=true` puts the new torrents at the
//!   head of the download queue (`/v1`'s `top_of_queue`);
//! - `contentLayout` (`Original`, `Subfolder`, `NoSubfolder`; anything else
//!   is `Original`, as qBittorrent reads it), `firstLastPiecePrio` and
//!   `skip_checking` become the add options of the same names in `/v1`;
//!   `autoTMM` is accepted and has no effect.

use actix_web::{web, HttpRequest, HttpResponse};
use revaer_messages::engine::{
    AddOptions, AddTorrent, ContentLayout, ControlTorrent, TorrentCommand, TorrentSource,
};
use revaer_messages::labels::{category_name_problem, split_tags, tag_problem};
use revaer_messages::share_limits::{ShareLimit, ShareLimits};
use revaer_messages::torrent::TorrentLimits;
use revaer_messages::TorrentId;

use crate::engine;
use crate::extract::ReqId;
use crate::labels;
use crate::qbit::fetch::{self, FetchPolicy};
use crate::qbit::form::Params;
use crate::qbit::response::{self, QbitError};
use crate::qbit::torrents_read::handles;
use crate::routes::config::actor_of;
use crate::routes::torrents_add::{validate_options, MAGNET_LIMIT};
use crate::state::ApiState;

/// What to do to each torrent once added.
#[derive(Debug, Clone, Default, PartialEq)]
struct AfterAdd {
    share_limits: Option<ShareLimits>,
    rename: Option<String>,
}

fn limit(params: &Params, name: &str) -> Result<Option<ShareLimit>, QbitError> {
    Ok(params.number::<f64>(name)?.map(ShareLimit::from_qbit))
}

fn share_limits(params: &Params) -> Result<Option<ShareLimits>, QbitError> {
    let ratio = limit(params, "ratioLimit")?;
    let seeding = limit(params, "seedingTimeLimit")?;
    let inactive = limit(params, "inactiveSeedingTimeLimit")?;
    if ratio.is_none() && seeding.is_none() && inactive.is_none() {
        return Ok(None);
    }
    let limits = ShareLimits {
        ratio: ratio.unwrap_or_default(),
        seeding_minutes: seeding.unwrap_or_default(),
        inactive_minutes: inactive.unwrap_or_default(),
    };
    if let Some((name, problem)) = limits.problems().into_iter().next() {
        return Err(QbitError::bad_request(format!("{name}: {problem}")));
    }
    Ok(Some(limits))
}

/// qBittorrent's spelling of a content layout; an unknown value is the
/// original layout, as qBittorrent's enum parsing falls back to it.
fn content_layout(params: &Params) -> Option<ContentLayout> {
    params.text("contentLayout").map(|value| match value {
        "Subfolder" => ContentLayout::Subfolder,
        "NoSubfolder" => ContentLayout::NoSubfolder,
        _ => ContentLayout::Original,
    })
}

fn rate(params: &Params, name: &str) -> Result<Option<i64>, QbitError> {
    Ok(params.number::<i64>(name)?.map(|v| v.max(0)))
}

/// Revaer's add options and the follow-up steps from the parameters.
fn options(params: &Params) -> Result<(AddOptions, AfterAdd), QbitError> {
    let stopped = params.flag("stopped")?.or(params.flag("paused")?);
    let (download_bps, upload_bps) = (rate(params, "dlLimit")?, rate(params, "upLimit")?);
    let options = AddOptions {
        save_path: params.text("savepath").map(str::to_string),
        category: params.text("category").map(str::to_string),
        tags: params.get("tags").map(split_tags).unwrap_or_default(),
        paused: stopped.unwrap_or(false),
        sequential: params.flag("sequentialDownload")?,
        files: None,
        limits: (download_bps.is_some() || upload_bps.is_some()).then_some(TorrentLimits {
            download_bps,
            upload_bps,
        }),
        top_of_queue: params.flag("addToTopOfQueue")?.unwrap_or(false),
        content_layout: content_layout(params),
        first_last_piece_prio: params.flag("firstLastPiecePrio")?.unwrap_or(false),
        skip_checking: params.flag("skip_checking")?.unwrap_or(false),
    };
    if let Some(problem) = options.category.as_deref().and_then(category_name_problem) {
        return Err(QbitError::bad_request(format!("category: {problem}")));
    }
    if let Some(problem) = options.tags.iter().find_map(|t| tag_problem(t)) {
        return Err(QbitError::bad_request(format!("tags: {problem}")));
    }
    // Accepted for compatibility; its value must still be well-formed.
    params.flag("autoTMM")?;
    let after = AfterAdd {
        share_limits: share_limits(params)?,
        rename: params.text("rename").map(str::to_string),
    };
    Ok((options, after))
}

/// The sources named: magnets and `http(s)` URLs from `urls` (one per
/// line) and the uploaded files. Returns them and the count of URLs that
/// are neither.
fn sources(params: &Params) -> (Vec<TorrentSource>, Vec<String>, usize) {
    let mut found = Vec::new();
    let mut fetches = Vec::new();
    let mut refused = 0;
    for url in params
        .get("urls")
        .unwrap_or_default()
        .lines()
        .map(str::trim)
    {
        if url.is_empty() {
            continue;
        }
        if url.len() <= MAGNET_LIMIT && url.to_ascii_lowercase().starts_with("magnet:?") {
            found.push(TorrentSource::Magnet(url.to_string()));
        } else if url.len() <= MAGNET_LIMIT && fetch::is_http(url) {
            fetches.push(url.to_string());
        } else {
            refused += 1;
        }
    }
    found.extend(
        params
            .files
            .iter()
            .map(|upload| TorrentSource::File(upload.bytes.clone())),
    );
    (found, fetches, refused)
}

/// Fetches the `.torrent` URLs; a URL that gives nothing is logged and
/// skipped (it counts as a failure of the add).
async fn fetched(state: &ApiState, urls: Vec<String>) -> Vec<TorrentSource> {
    let policy = FetchPolicy::from_config(&state.snapshot(), state.settings.torrent_file_limit);
    let mut files = Vec::new();
    for url in urls {
        match fetch::fetch(&url, policy).await {
            Ok(bytes) => files.push(TorrentSource::File(bytes)),
            Err(err) => {
                tracing::info!(error = %err, "torrents/add: a torrent URL was not fetched");
            }
        }
    }
    files
}

/// Creates the category and tags the add names, when new.
async fn ensure_labels(
    state: &ApiState,
    actor: String,
    options: &AddOptions,
) -> Result<(), QbitError> {
    if let Some(category) = &options.category {
        labels::ensure_categories(state, actor.clone(), vec![category.clone()]).await?;
    }
    let snapshot = state.snapshot();
    let new_tags: Vec<String> = options
        .tags
        .iter()
        .filter(|t| !snapshot.tags.contains(t))
        .cloned()
        .collect();
    if !new_tags.is_empty() {
        labels::create_tags(state, actor, new_tags).await?;
    }
    Ok(())
}

async fn follow_up(
    state: &ApiState,
    id: TorrentId,
    after: &AfterAdd,
    request_id: &ReqId,
) -> Result<(), QbitError> {
    let handles = handles(state)?;
    let mut commands = Vec::new();
    if let Some(limits) = after.share_limits {
        commands.push(TorrentCommand::ShareLimits(limits));
    }
    if let Some(name) = &after.rename {
        commands.push(TorrentCommand::Rename(name.clone()));
    }
    for command in commands {
        let control = ControlTorrent {
            id: id.clone(),
            command,
            request_id: request_id.0.clone(),
        };
        engine::call(&handles.control, control).await?;
    }
    Ok(())
}

/// Adds torrents from magnets and `.torrent` files.
#[utoipa::path(post, tag = "qbittorrent", path = "/api/v2/torrents/add",
    request_body(content = String, content_type = "multipart/form-data",
        description = "`urls` (magnets or http(s) `.torrent` URLs, one per line), `torrents` (files), `savepath`, `category`, `tags`, `paused`/`stopped`, `sequentialDownload`, `ratioLimit`, `seedingTimeLimit`, `inactiveSeedingTimeLimit`, `upLimit`, `dlLimit`, `rename`; urlencoded works too"),
    responses((status = 200, description = "`Ok.` when a torrent was added, else `Fails.`", body = String, content_type = "text/plain")))]
pub async fn add(
    req: HttpRequest,
    state: web::Data<ApiState>,
    params: Params,
    request_id: ReqId,
) -> Result<HttpResponse, QbitError> {
    let (mut options, after) = options(&params)?;
    labels::apply_category_path(&mut options, &state.snapshot());
    let errors = validate_options(&options, &state.snapshot());
    if !errors.is_empty() {
        return Err(crate::error::ApiError::validation(errors).into());
    }
    let (mut sources, urls, refused) = sources(&params);
    if refused > 0 {
        tracing::info!(
            urls.refused = refused,
            "torrents/add: only magnet links and http(s) URLs are accepted in urls"
        );
    }
    sources.extend(fetched(&state, urls).await);
    ensure_labels(&state, actor_of(&req), &options).await?;
    let handles = handles(&state)?;
    let mut added = 0;
    for source in sources {
        let add = AddTorrent {
            source,
            options: options.clone(),
            request_id: request_id.0.clone(),
        };
        match engine::call(&handles.add, add).await {
            Ok(summary) => {
                follow_up(&state, summary.id, &after, &request_id).await?;
                added += 1;
            }
            Err(err) if err.status.is_server_error() => return Err(err.into()),
            Err(err) => tracing::info!(error = %err, "torrents/add: one torrent refused"),
        }
    }
    Ok(if added > 0 {
        response::ok()
    } else {
        response::text(actix_web::http::StatusCode::OK, "Fails.")
    })
}
