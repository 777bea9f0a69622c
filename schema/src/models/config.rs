//! The three configuration sections and the snapshot that bundles them.

use diesel::prelude::*;
use revaer_domain::config::{
    AppProfile, ConfigSnapshot, EncryptionPolicy, EngineProfile, FsPolicy, Mode, MoveMode,
    PeerProtocol, ShareLimitAction,
};
use serde_json::Value;

use crate::models::{labels, revision};
use crate::schema::{app_profile, engine_profile, fs_policy};
use crate::DbError;

#[derive(Debug, Queryable, Selectable, AsChangeset)]
#[diesel(table_name = app_profile)]
struct AppProfileRow {
    instance_name: String,
    mode: String,
    bind_addr: String,
    http_port: i32,
    telemetry: bool,
    features: Value,
    immutable_keys: Value,
}

#[derive(Debug, Queryable, Selectable, AsChangeset)]
#[diesel(table_name = engine_profile, treat_none_as_null = true)]
struct EngineProfileRow {
    listen_port: i32,
    listen_interface: String,
    dht: bool,
    pex: bool,
    lsd: bool,
    encryption: String,
    peer_protocol: String,
    max_active: i32,
    max_connections: i32,
    max_download_bps: i64,
    max_upload_bps: i64,
    sequential_default: bool,
    resume_dir: String,
    download_root: String,
    tracker_user_agent: String,
    share_ratio_limit: Option<f64>,
    share_time_limit_minutes: Option<i32>,
    share_inactive_limit_minutes: Option<i32>,
    share_limit_action: String,
}

#[derive(Debug, Queryable, Selectable, AsChangeset)]
#[diesel(table_name = fs_policy, treat_none_as_null = true)]
struct FsPolicyRow {
    library_root: String,
    extract: bool,
    flatten: bool,
    move_mode: String,
    cleanup_keep: Value,
    cleanup_drop: Value,
    chmod_file: Option<String>,
    chmod_dir: Option<String>,
    owner_name: Option<String>,
    group_name: Option<String>,
    umask: Option<String>,
    allow_paths: Value,
    allow_special_modes: bool,
    extract_max_ratio: i32,
    extract_min_free_bytes: i64,
}

fn corrupt(what: &str, value: &str) -> DbError {
    DbError::Corrupt(format!("{what} has unknown value {value:?}"))
}

fn string_list(what: &str, value: Value) -> Result<Vec<String>, DbError> {
    serde_json::from_value(value)
        .map_err(|_| DbError::Corrupt(format!("{what} is not a list of strings")))
}

fn json_list(list: &[String]) -> Value {
    Value::Array(list.iter().cloned().map(Value::String).collect())
}

impl AppProfileRow {
    fn into_domain(self) -> Result<AppProfile, DbError> {
        let Value::Object(features) = self.features else {
            return Err(DbError::Corrupt(
                "app_profile.features is not an object".into(),
            ));
        };
        Ok(AppProfile {
            instance_name: self.instance_name,
            mode: Mode::parse(&self.mode).ok_or_else(|| corrupt("app_profile.mode", &self.mode))?,
            bind_addr: self.bind_addr,
            http_port: self.http_port,
            telemetry: self.telemetry,
            features,
            immutable_keys: string_list("app_profile.immutable_keys", self.immutable_keys)?,
        })
    }

    fn from_domain(app: &AppProfile) -> Self {
        Self {
            instance_name: app.instance_name.clone(),
            mode: app.mode.as_str().to_string(),
            bind_addr: app.bind_addr.clone(),
            http_port: app.http_port,
            telemetry: app.telemetry,
            features: Value::Object(app.features.clone()),
            immutable_keys: json_list(&app.immutable_keys),
        }
    }
}

impl EngineProfileRow {
    fn into_domain(self) -> Result<EngineProfile, DbError> {
        Ok(EngineProfile {
            listen_port: self.listen_port,
            listen_interface: self.listen_interface,
            dht: self.dht,
            pex: self.pex,
            lsd: self.lsd,
            encryption: EncryptionPolicy::parse(&self.encryption)
                .ok_or_else(|| corrupt("engine_profile.encryption", &self.encryption))?,
            peer_protocol: PeerProtocol::parse(&self.peer_protocol)
                .ok_or_else(|| corrupt("engine_profile.peer_protocol", &self.peer_protocol))?,
            max_active: self.max_active,
            max_connections: self.max_connections,
            max_download_bps: self.max_download_bps,
            max_upload_bps: self.max_upload_bps,
            sequential_default: self.sequential_default,
            resume_dir: self.resume_dir,
            download_root: self.download_root,
            tracker_user_agent: self.tracker_user_agent,
            share_ratio_limit: self.share_ratio_limit,
            share_time_limit_minutes: self.share_time_limit_minutes,
            share_inactive_limit_minutes: self.share_inactive_limit_minutes,
            share_limit_action: ShareLimitAction::parse(&self.share_limit_action).ok_or_else(
                || {
                    corrupt(
                        "engine_profile.share_limit_action",
                        &self.share_limit_action,
                    )
                },
            )?,
        })
    }

    fn from_domain(engine: &EngineProfile) -> Self {
        Self {
            listen_port: engine.listen_port,
            listen_interface: engine.listen_interface.clone(),
            dht: engine.dht,
            pex: engine.pex,
            lsd: engine.lsd,
            encryption: engine.encryption.as_str().to_string(),
            peer_protocol: engine.peer_protocol.as_str().to_string(),
            max_active: engine.max_active,
            max_connections: engine.max_connections,
            max_download_bps: engine.max_download_bps,
            max_upload_bps: engine.max_upload_bps,
            sequential_default: engine.sequential_default,
            resume_dir: engine.resume_dir.clone(),
            download_root: engine.download_root.clone(),
            tracker_user_agent: engine.tracker_user_agent.clone(),
            share_ratio_limit: engine.share_ratio_limit,
            share_time_limit_minutes: engine.share_time_limit_minutes,
            share_inactive_limit_minutes: engine.share_inactive_limit_minutes,
            share_limit_action: engine.share_limit_action.as_str().to_string(),
        }
    }
}

impl FsPolicyRow {
    fn into_domain(self) -> Result<FsPolicy, DbError> {
        Ok(FsPolicy {
            library_root: self.library_root,
            extract: self.extract,
            flatten: self.flatten,
            move_mode: MoveMode::parse(&self.move_mode)
                .ok_or_else(|| corrupt("fs_policy.move_mode", &self.move_mode))?,
            cleanup_keep: string_list("fs_policy.cleanup_keep", self.cleanup_keep)?,
            cleanup_drop: string_list("fs_policy.cleanup_drop", self.cleanup_drop)?,
            chmod_file: self.chmod_file,
            chmod_dir: self.chmod_dir,
            owner: self.owner_name,
            group: self.group_name,
            umask: self.umask,
            allow_paths: string_list("fs_policy.allow_paths", self.allow_paths)?,
            allow_special_modes: self.allow_special_modes,
            extract_max_ratio: self.extract_max_ratio,
            extract_min_free_bytes: self.extract_min_free_bytes,
        })
    }

    fn from_domain(fs: &FsPolicy) -> Self {
        Self {
            library_root: fs.library_root.clone(),
            extract: fs.extract,
            flatten: fs.flatten,
            move_mode: fs.move_mode.as_str().to_string(),
            cleanup_keep: json_list(&fs.cleanup_keep),
            cleanup_drop: json_list(&fs.cleanup_drop),
            chmod_file: fs.chmod_file.clone(),
            chmod_dir: fs.chmod_dir.clone(),
            owner_name: fs.owner.clone(),
            group_name: fs.group.clone(),
            umask: fs.umask.clone(),
            allow_paths: json_list(&fs.allow_paths),
            allow_special_modes: fs.allow_special_modes,
            extract_max_ratio: fs.extract_max_ratio,
            extract_min_free_bytes: fs.extract_min_free_bytes,
        }
    }
}

/// Loads the whole configuration in one repeatable-read transaction, so the
/// sections and the revision always belong together.
pub fn load_snapshot(conn: &mut PgConnection) -> Result<ConfigSnapshot, DbError> {
    conn.build_transaction()
        .repeatable_read()
        .read_only()
        .run(load_snapshot_in_tx)
}

/// Loads the configuration inside the caller's transaction.
pub fn load_snapshot_in_tx(conn: &mut PgConnection) -> Result<ConfigSnapshot, DbError> {
    let revision = revision::current(conn)?.revision;
    let app = app_profile::table
        .select(AppProfileRow::as_select())
        .first(conn)?;
    let engine = engine_profile::table
        .select(EngineProfileRow::as_select())
        .first(conn)?;
    let fs = fs_policy::table
        .select(FsPolicyRow::as_select())
        .first(conn)?;
    Ok(ConfigSnapshot {
        revision,
        app_profile: app.into_domain()?,
        engine_profile: engine.into_domain()?,
        fs_policy: fs.into_domain()?,
        categories: labels::list_categories(conn)?,
        tags: labels::list_tags(conn)?,
    })
}

/// Which sections to write; `None` leaves a section untouched.
#[derive(Debug, Default, Clone, Copy)]
pub struct SectionsUpdate<'a> {
    /// New instance settings.
    pub app_profile: Option<&'a AppProfile>,
    /// New engine settings.
    pub engine_profile: Option<&'a EngineProfile>,
    /// New FsOps policy.
    pub fs_policy: Option<&'a FsPolicy>,
}

/// Writes sections inside the caller's transaction (one revision for all of them).
pub fn write_sections(conn: &mut PgConnection, update: SectionsUpdate<'_>) -> Result<(), DbError> {
    if let Some(app) = update.app_profile {
        diesel::update(app_profile::table)
            .set((
                AppProfileRow::from_domain(app),
                app_profile::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)?;
    }
    if let Some(engine) = update.engine_profile {
        diesel::update(engine_profile::table)
            .set((
                EngineProfileRow::from_domain(engine),
                engine_profile::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)?;
    }
    if let Some(fs) = update.fs_policy {
        diesel::update(fs_policy::table)
            .set((
                FsPolicyRow::from_domain(fs),
                fs_policy::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Writes sections in their own transaction, recording `actor` in the
/// history; returns the revision in force after the commit.
pub fn save_sections(
    conn: &mut PgConnection,
    update: SectionsUpdate<'_>,
    actor: &str,
) -> Result<i64, DbError> {
    conn.transaction(|conn| {
        revision::set_actor(conn, actor)?;
        write_sections(conn, update)?;
        Ok(revision::current(conn)?.revision)
    })
}

/// Read-modify-write of the configuration under a lock, so concurrent
/// patches never overwrite each other's fields. `apply` sees the current
/// snapshot and returns the sections to write (`None` = nothing changed).
/// Returns the revision in force after the commit.
pub fn update_with<E>(
    conn: &mut PgConnection,
    actor: &str,
    apply: impl FnOnce(&ConfigSnapshot) -> Result<Option<(AppProfile, EngineProfile, FsPolicy)>, E>,
) -> Result<i64, E>
where
    E: From<DbError> + From<diesel::result::Error>,
{
    conn.transaction(|conn| {
        revision::lock(conn)?;
        let current = load_snapshot_in_tx(conn)?;
        let Some((app, engine, fs)) = apply(&current)? else {
            return Ok(current.revision);
        };
        revision::set_actor(conn, actor)?;
        write_sections(
            conn,
            SectionsUpdate {
                app_profile: (app != current.app_profile).then_some(&app),
                engine_profile: (engine != current.engine_profile).then_some(&engine),
                fs_policy: (fs != current.fs_policy).then_some(&fs),
            },
        )?;
        Ok(revision::current(conn)?.revision)
    })
}
