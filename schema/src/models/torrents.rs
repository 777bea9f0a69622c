//! The torrent catalogue (what the engine must hold across restarts).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde_json::Value;

use crate::schema::torrents;
use crate::DbError;
use revaer_domain::share_limits::{ShareLimit, ShareLimits};

/// A catalogue entry as the engine writes it on add. Reading a row embeds
/// it in [`TorrentRow`], so a column is declared once, here, unless the
/// database manages it.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = torrents)]
pub struct NewTorrent {
    /// Info hash, 40 lowercase hex.
    pub id: String,
    /// Display name.
    pub name: String,
    /// `magnet` or `file`.
    pub source_kind: String,
    /// The magnet URI, for magnet adds.
    pub magnet_uri: Option<String>,
    /// The .torrent bytes (file adds).
    pub torrent_file: Option<Vec<u8>>,
    /// Where the payload is stored.
    pub save_path: String,
    /// Category.
    pub category: Option<String>,
    /// Tags (JSON array of strings).
    pub tags: Value,
    /// Per-file priorities (JSON array of 0..=7), empty = defaults.
    pub file_priorities: Value,
    /// Sequential download.
    pub sequential: bool,
    /// Per-torrent download limit, bytes/s (0 = none).
    pub download_limit: i64,
    /// Per-torrent upload limit, bytes/s (0 = none).
    pub upload_limit: i64,
    /// Paused by the user.
    pub paused: bool,
    /// Last known state (wire spelling); the initial one on add.
    pub state: String,
    /// Total size in bytes (0 until metadata).
    pub total_size: i64,
    /// Content layout asked for at add (`original`, `subfolder`,
    /// `no_subfolder`); applied when the metadata is known.
    pub content_layout: String,
    /// First and last pieces of every wanted file at top priority.
    pub first_last_piece_prio: bool,
    /// Super seeding (off at add; set by a command or a share limit).
    pub super_seeding: bool,
}

impl NewTorrent {
    /// Tags as strings (ignores non-string entries).
    pub fn tag_list(&self) -> Vec<String> {
        super::string_list(&self.tags)
    }

    /// File priorities as bytes (ignores out-of-range entries).
    pub fn priorities(&self) -> Vec<u8> {
        self.file_priorities
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .filter_map(|v| v.as_u64())
                    .filter_map(|v| u8::try_from(v).ok())
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// A catalogue row: the entry as added plus the columns the database fills
/// in (defaults) or the engine updates later.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = torrents)]
pub struct TorrentRow {
    /// The columns written on add.
    #[diesel(embed)]
    pub entry: NewTorrent,
    /// Last known progress.
    pub progress: f64,
    /// When it was added.
    pub added_at: DateTime<Utc>,
    /// When it completed.
    pub completed_at: Option<DateTime<Utc>>,
    /// Share ratio limit (qBittorrent encoding: -2 global, -1 none).
    pub share_ratio_limit: f64,
    /// Seeding time limit in minutes (same encoding).
    pub share_seeding_minutes: i32,
    /// Inactive seeding time limit in minutes (same encoding).
    pub share_inactive_minutes: i32,
    /// Force-started: runs regardless of the queue.
    pub force_start: bool,
    /// Place in the download queue (0 is the head, -1 not queued).
    pub queue_position: i32,
}

impl TorrentRow {
    /// The per-torrent share limits.
    pub fn share_limits(&self) -> ShareLimits {
        ShareLimits {
            ratio: ShareLimit::from_qbit(self.share_ratio_limit),
            seeding_minutes: ShareLimit::from_qbit(f64::from(self.share_seeding_minutes)),
            inactive_minutes: ShareLimit::from_qbit(f64::from(self.share_inactive_minutes)),
        }
    }
}

/// Fields that change during a torrent's life.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = torrents)]
pub struct TorrentChanges {
    /// Name (after metadata arrives).
    pub name: Option<String>,
    /// .torrent bytes (after metadata arrives for a magnet).
    pub torrent_file: Option<Option<Vec<u8>>>,
    /// Save path (after a storage move).
    pub save_path: Option<String>,
    /// Priorities.
    pub file_priorities: Option<Value>,
    /// Sequential.
    pub sequential: Option<bool>,
    /// Download limit.
    pub download_limit: Option<i64>,
    /// Upload limit.
    pub upload_limit: Option<i64>,
    /// Paused.
    pub paused: Option<bool>,
    /// State.
    pub state: Option<String>,
    /// Progress.
    pub progress: Option<f64>,
    /// Total size.
    pub total_size: Option<i64>,
    /// Completion time.
    pub completed_at: Option<Option<DateTime<Utc>>>,
    /// Category (`Some(None)` clears it).
    pub category: Option<Option<String>>,
    /// Tags (JSON array of strings).
    pub tags: Option<Value>,
    /// Share ratio limit (qBittorrent encoding).
    pub share_ratio_limit: Option<f64>,
    /// Seeding time limit in minutes (qBittorrent encoding).
    pub share_seeding_minutes: Option<i32>,
    /// Inactive seeding time limit in minutes (qBittorrent encoding).
    pub share_inactive_minutes: Option<i32>,
    /// Force-started.
    pub force_start: Option<bool>,
    /// Place in the download queue.
    pub queue_position: Option<i32>,
    /// First/last piece priority.
    pub first_last_piece_prio: Option<bool>,
    /// Super seeding.
    pub super_seeding: Option<bool>,
}

impl TorrentChanges {
    /// The changes that store `limits`.
    pub fn share_limits(limits: &ShareLimits) -> Self {
        let minutes = |limit: ShareLimit| limit.to_qbit().round() as i32;
        Self {
            share_ratio_limit: Some(limits.ratio.to_qbit()),
            share_seeding_minutes: Some(minutes(limits.seeding_minutes)),
            share_inactive_minutes: Some(minutes(limits.inactive_minutes)),
            ..Self::default()
        }
    }
}

/// Whether an insert failed because the torrent already exists.
pub fn is_duplicate(err: &DbError) -> bool {
    matches!(
        err,
        DbError::Query(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _
        ))
    )
}

/// Adds an entry; a duplicate id fails with a unique violation (see [`is_duplicate`]).
pub fn insert(conn: &mut PgConnection, torrent: &NewTorrent) -> Result<TorrentRow, DbError> {
    Ok(diesel::insert_into(torrents::table)
        .values(torrent)
        .returning(TorrentRow::as_returning())
        .get_result(conn)?)
}

/// One entry.
pub fn find(conn: &mut PgConnection, id: &str) -> Result<Option<TorrentRow>, DbError> {
    Ok(torrents::table
        .find(id)
        .select(TorrentRow::as_select())
        .first(conn)
        .optional()?)
}

/// Every entry, oldest first.
pub fn list(conn: &mut PgConnection) -> Result<Vec<TorrentRow>, DbError> {
    Ok(torrents::table
        .order((torrents::added_at.asc(), torrents::id.asc()))
        .select(TorrentRow::as_select())
        .load(conn)?)
}

/// Applies changes; returns whether the entry existed.
pub fn update(
    conn: &mut PgConnection,
    id: &str,
    changes: &TorrentChanges,
) -> Result<bool, DbError> {
    let updated = diesel::update(torrents::table.find(id))
        .set((changes, torrents::updated_at.eq(diesel::dsl::now)))
        .execute(conn)?;
    Ok(updated > 0)
}

/// Removes an entry; returns whether it existed.
pub fn delete(conn: &mut PgConnection, id: &str) -> Result<bool, DbError> {
    Ok(diesel::delete(torrents::table.find(id)).execute(conn)? > 0)
}
