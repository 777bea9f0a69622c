//! Adding a torrent: the source is parsed and every option validated before
//! libtorrent sees it; then the torrent is put into the session, tracked,
//! and its catalogue row returned. Every failure is a typed `EngineError`.

use chrono::Utc;
use libtorrent_sys::{
    AddOptions as LtAddOptions, ContentLayout as LtLayout, Error as LtError, QueueMove, Session,
};
use revaer_domain::rules::category::Category;
use revaer_domain::rules::{self, paths, text::has_control, MAX_FILE_PRIORITY};
use revaer_messages::engine::{AddOptions, Argument, ContentLayout, EngineError, TorrentSource};
use revaer_messages::torrent::{TorrentId, TorrentState};
use revaer_schema::models::torrents::NewTorrent;
use serde_json::Value;

use crate::actor::TorrentSession;
use crate::mapping::{self, engine_error, Tracked};

/// A rate limit as libtorrent takes it: 0 = unlimited.
pub(crate) fn clamp_limit(value: Option<i64>) -> Result<i32, EngineError> {
    match value {
        None => Ok(0),
        Some(v) if v < 0 => Err(EngineError::invalid(
            Argument::Limits,
            "rate limits must be 0 (unlimited) or positive",
        )),
        Some(v) => Ok(i32::try_from(v).unwrap_or(i32::MAX)),
    }
}

/// What the source says about the torrent before it is added.
struct Parsed {
    id: TorrentId,
    name: String,
    /// Known for a `.torrent` file; a magnet has no metadata yet.
    file_count: Option<usize>,
    /// A magnet is kept (and added) as normalised.
    source: TorrentSource,
}

impl Parsed {
    fn from_source(source: TorrentSource) -> Result<Self, EngineError> {
        let (raw_id, name, file_count, source) = match source {
            TorrentSource::Magnet(raw) => {
                let uri = rules::magnet::normalize(&raw)
                    .map_err(|e| EngineError::InvalidMagnet(e.to_string()))?;
                let info = libtorrent_sys::parse_magnet(&uri)
                    .map_err(|e| EngineError::InvalidMagnet(e.to_string()))?;
                (info.id, info.name, None, TorrentSource::Magnet(uri))
            }
            TorrentSource::File(bytes) => {
                let meta = libtorrent_sys::parse_torrent_file(&bytes)
                    .map_err(|e| EngineError::InvalidTorrent(e.to_string()))?;
                let files = Some(meta.files.len());
                (meta.id, meta.name, files, TorrentSource::File(bytes))
            }
        };
        if has_control(&name) {
            // The name goes to the catalogue and into folder names.
            return Err(EngineError::invalid(
                Argument::Name,
                "the torrent's name contains control characters",
            ));
        }
        let id = TorrentId::parse(&raw_id)
            .map_err(|e| EngineError::Internal(format!("libtorrent id {raw_id}: {e}")))?;
        Ok(Self {
            id,
            name,
            file_count,
            source,
        })
    }

    fn kind(&self) -> &'static str {
        match self.source {
            TorrentSource::Magnet(_) => "magnet",
            TorrentSource::File(_) => "file",
        }
    }
}

/// The add options once checked against the configuration.
struct Checked {
    save_path: String,
    category: Option<String>,
    priorities: Vec<u8>,
    sequential: bool,
}

impl TorrentSession {
    /// Validates an add, puts the torrent into the session and tracks it;
    /// returns the catalogue row to insert. The source is moved into the
    /// row (a `.torrent` file of up to 10 MiB is never copied).
    pub(crate) fn prepare_add(
        &mut self,
        source: TorrentSource,
        options: &AddOptions,
    ) -> Result<NewTorrent, EngineError> {
        let session = self.session()?;
        let parsed = Parsed::from_source(source)?;
        if self.torrents.contains_key(parsed.id.as_str()) {
            return Err(EngineError::Duplicate(parsed.id));
        }
        let checked = self.check_options(options, parsed.file_count)?;
        add_to_session(&session, &parsed, &checked, options)?;
        if options.top_of_queue {
            // Finished torrents have no queue position; libtorrent ignores it.
            if let Err(err) = session.queue_move(parsed.id.as_str(), QueueMove::Top) {
                tracing::warn!(torrent.info_hash = %parsed.id, error = %err, "cannot move a new torrent to the top of the queue");
            }
        }
        let status = session.status(parsed.id.as_str()).ok();
        let state = status
            .as_ref()
            .map(|s| {
                let held = mapping::Held {
                    user_paused: options.paused,
                    ..mapping::Held::default()
                };
                mapping::domain_state(s, held)
            })
            .unwrap_or(if options.paused {
                TorrentState::Paused
            } else {
                TorrentState::Queued
            });
        let name = if parsed.name.is_empty() {
            parsed.id.to_string()
        } else {
            parsed.name.clone()
        };
        self.torrents.insert(
            parsed.id.to_string(),
            Tracked {
                id: parsed.id.clone(),
                name: name.clone(),
                category: checked.category.clone(),
                tags: options.tags.clone(),
                added_at: Utc::now(),
                completed_at: None,
                limits: options.limits.unwrap_or_default(),
                status,
                status_at: std::time::Instant::now(),
                state,
                save_path: checked.save_path.clone(),
                user_paused: options.paused,
                force_start: false,
                // The catalogue's default; the first status writes the real one.
                queue_position: -1,
                first_last_piece_prio: options.first_last_piece_prio,
                error: None,
                missing_files: false,
                counted_in: 0,
                counted_out: 0,
                facets: crate::listing::facets(&session, parsed.id.as_str()),
                share_limits: Default::default(),
                last_activity: Utc::now(),
                resume: crate::saving::ResumeMark::default(),
            },
        );
        Ok(catalogue_row(parsed, name, checked, options, state))
    }

    /// Save path (inside the allowed roots), category and file priorities.
    fn check_options(
        &self,
        options: &AddOptions,
        file_count: Option<usize>,
    ) -> Result<Checked, EngineError> {
        let profile = &self.config.engine_profile;
        let save_path = options
            .save_path
            .clone()
            .unwrap_or_else(|| profile.download_root.clone());
        if let Err(err) = paths::contain(&save_path, &self.config.save_roots()) {
            return Err(EngineError::invalid(
                Argument::SavePath,
                format!("save_path {save_path:?} {err}"),
            ));
        }
        let category = options
            .category
            .as_deref()
            .map(Category::parse)
            .transpose()
            .map_err(|err| EngineError::invalid(Argument::Category, format!("category: {err}")))?
            .map(Category::into_string);
        let priorities = options.files.clone().unwrap_or_default();
        if let Some(bad) = priorities.iter().find(|p| **p > MAX_FILE_PRIORITY) {
            return Err(EngineError::invalid(
                Argument::FilePriorities,
                format!("file priority {bad} is out of range 0..={MAX_FILE_PRIORITY}"),
            ));
        }
        if let Some(count) = file_count {
            if priorities.len() > count {
                return Err(EngineError::InvalidFileIndex {
                    index: u32::try_from(priorities.len() - 1).unwrap_or(u32::MAX),
                    count: u32::try_from(count).unwrap_or(u32::MAX),
                });
            }
        }
        Ok(Checked {
            save_path,
            category,
            priorities,
            sequential: options.sequential.unwrap_or(profile.sequential_default),
        })
    }
}

/// Hands the checked torrent to libtorrent.
fn add_to_session(
    session: &Session,
    parsed: &Parsed,
    checked: &Checked,
    options: &AddOptions,
) -> Result<(), EngineError> {
    let limits = options.limits.unwrap_or_default();
    let lt_options = LtAddOptions {
        save_path: checked.save_path.clone(),
        paused: options.paused,
        sequential: checked.sequential,
        auto_managed: !options.paused,
        file_priorities: checked.priorities.clone(),
        download_limit: clamp_limit(limits.download_bps)?,
        upload_limit: clamp_limit(limits.upload_bps)?,
        max_connections: 0,
        content_layout: lt_layout(options.content_layout.unwrap_or_default()),
        first_last_piece: options.first_last_piece_prio,
        seed_mode: options.skip_checking,
        super_seeding: false,
    };
    let added = match &parsed.source {
        TorrentSource::Magnet(uri) => session.add_magnet(uri, &lt_options),
        TorrentSource::File(bytes) => session.add_torrent_file(bytes, &lt_options),
    };
    let is_magnet = matches!(parsed.source, TorrentSource::Magnet(_));
    added.map(|_| ()).map_err(|err| match err {
        LtError::Duplicate(_) => EngineError::Duplicate(parsed.id.clone()),
        LtError::Malformed(m) if is_magnet => EngineError::InvalidMagnet(m),
        LtError::Malformed(m) => EngineError::InvalidTorrent(m),
        other => engine_error(other, &parsed.id),
    })
}

/// The bridge's spelling of a content layout.
pub(crate) fn lt_layout(layout: ContentLayout) -> LtLayout {
    match layout {
        ContentLayout::Original => LtLayout::Original,
        ContentLayout::Subfolder => LtLayout::Subfolder,
        ContentLayout::NoSubfolder => LtLayout::NoSubfolder,
    }
}

/// The catalogue row of a torrent just added; the source moves into it.
fn catalogue_row(
    parsed: Parsed,
    name: String,
    checked: Checked,
    options: &AddOptions,
    state: TorrentState,
) -> NewTorrent {
    let kind = parsed.kind();
    let limits = options.limits.unwrap_or_default();
    let (magnet_uri, torrent_file) = match parsed.source {
        TorrentSource::Magnet(uri) => (Some(uri), None),
        TorrentSource::File(bytes) => (None, Some(bytes)),
    };
    NewTorrent {
        id: parsed.id.to_string(),
        name,
        source_kind: kind.to_string(),
        magnet_uri,
        torrent_file,
        save_path: checked.save_path,
        category: checked.category,
        tags: Value::from(options.tags.clone()),
        file_priorities: Value::from(checked.priorities),
        sequential: checked.sequential,
        download_limit: limits.download_bps.unwrap_or(0),
        upload_limit: limits.upload_bps.unwrap_or(0),
        paused: options.paused,
        state: state.as_str().to_string(),
        total_size: 0,
        content_layout: options
            .content_layout
            .unwrap_or_default()
            .as_str()
            .to_string(),
        first_last_piece_prio: options.first_last_piece_prio,
        super_seeding: false,
    }
}
