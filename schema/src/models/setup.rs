//! First-run setup: one-time tokens and the transaction that activates the instance.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use revaer_domain::config::Mode;

use crate::models::api_keys::{self, NewApiKey};
use crate::models::config::{self, SectionsUpdate};
use crate::models::revision;
use crate::schema::setup_tokens;
use crate::DbError;

/// A stored setup token.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = setup_tokens)]
pub struct SetupTokenRow {
    /// Row id.
    pub id: i64,
    /// argon2id hash of the token.
    pub token_hash: String,
    /// When it was issued.
    pub issued_at: DateTime<Utc>,
    /// When it stops being valid.
    pub expires_at: DateTime<Utc>,
    /// When it was used.
    pub consumed_at: Option<DateTime<Utc>>,
    /// When a newer token replaced it.
    pub revoked_at: Option<DateTime<Utc>>,
    /// Who asked for it (peer address).
    pub issued_by: String,
}

/// Issues a new token (stored as `token_hash`), revoking any live one.
pub fn issue_token(
    conn: &mut PgConnection,
    token_hash: &str,
    ttl: Duration,
    issued_by: &str,
) -> Result<SetupTokenRow, DbError> {
    conn.transaction(|conn| {
        diesel::update(
            setup_tokens::table
                .filter(setup_tokens::consumed_at.is_null())
                .filter(setup_tokens::revoked_at.is_null()),
        )
        .set(setup_tokens::revoked_at.eq(diesel::dsl::now))
        .execute(conn)?;
        let expires_at = Utc::now() + ttl;
        Ok(diesel::insert_into(setup_tokens::table)
            .values((
                setup_tokens::token_hash.eq(token_hash),
                setup_tokens::expires_at.eq(expires_at),
                setup_tokens::issued_by.eq(issued_by),
            ))
            .returning(SetupTokenRow::as_returning())
            .get_result(conn)?)
    })
}

/// What the operator chose during setup.
#[derive(Debug, Clone)]
pub struct SetupChoices<'a> {
    /// Display name of the instance.
    pub instance_name: &'a str,
    /// Default save path of downloads.
    pub download_root: &'a str,
    /// Root of the media library.
    pub library_root: &'a str,
    /// Directory for fast-resume files.
    pub resume_dir: &'a str,
    /// The first API key.
    pub api_key: NewApiKey<'a>,
}

/// Why setup could not complete.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    /// Setup already happened.
    #[error("setup has already been completed")]
    AlreadyActive,
    /// No live token, or the token does not match it.
    #[error("the setup token is invalid")]
    InvalidToken,
    /// The token was used already.
    #[error("the setup token has already been used")]
    TokenConsumed,
    /// The token is past its expiry.
    #[error("the setup token has expired")]
    TokenExpired,
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<diesel::result::Error> for SetupError {
    fn from(err: diesel::result::Error) -> Self {
        SetupError::Db(DbError::Query(err))
    }
}

/// Checks the token and, in one transaction, consumes it, stores the choices,
/// creates the first API key and flips the mode to `active`. Concurrent calls
/// serialise on the token row: exactly one wins. Returns the new revision.
///
/// `verify` compares the presented token with a stored hash; it runs while
/// the token row is locked.
pub fn complete(
    conn: &mut PgConnection,
    choices: &SetupChoices<'_>,
    verify: impl Fn(&str) -> bool,
) -> Result<i64, SetupError> {
    conn.transaction(|conn| {
        revision::set_actor(conn, "setup")?;
        let snapshot = config::load_snapshot_in_tx(conn)?;
        if snapshot.app_profile.mode == Mode::Active {
            return Err(SetupError::AlreadyActive);
        }
        // Newest non-revoked token, locked: the second of two concurrent
        // completions waits here and then finds it consumed.
        let token: Option<SetupTokenRow> = setup_tokens::table
            .filter(setup_tokens::revoked_at.is_null())
            .order(setup_tokens::id.desc())
            .select(SetupTokenRow::as_select())
            .for_update()
            .first(conn)
            .optional()?;
        let Some(token) = token else {
            return Err(SetupError::InvalidToken);
        };
        if !verify(&token.token_hash) {
            return Err(SetupError::InvalidToken);
        }
        if token.consumed_at.is_some() {
            return Err(SetupError::TokenConsumed);
        }
        if token.expires_at <= Utc::now() {
            return Err(SetupError::TokenExpired);
        }
        // Re-check the mode now that we hold the lock (a racing winner committed).
        let snapshot = config::load_snapshot_in_tx(conn)?;
        if snapshot.app_profile.mode == Mode::Active {
            return Err(SetupError::TokenConsumed);
        }
        diesel::update(setup_tokens::table.find(token.id))
            .set(setup_tokens::consumed_at.eq(diesel::dsl::now))
            .execute(conn)?;

        let mut app = snapshot.app_profile.clone();
        app.instance_name = choices.instance_name.to_string();
        app.mode = Mode::Active;
        let mut engine = snapshot.engine_profile.clone();
        engine.download_root = choices.download_root.to_string();
        engine.resume_dir = choices.resume_dir.to_string();
        let mut fs = snapshot.fs_policy.clone();
        fs.library_root = choices.library_root.to_string();
        fs.allow_paths = vec![
            choices.download_root.to_string(),
            choices.library_root.to_string(),
        ];
        config::write_sections(
            conn,
            SectionsUpdate {
                app_profile: Some(&app),
                engine_profile: Some(&engine),
                fs_policy: Some(&fs),
            },
        )?;
        api_keys::insert(conn, &choices.api_key)?;
        Ok(revision::current(conn)?.revision)
    })
}
