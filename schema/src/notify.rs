//! LISTEN/NOTIFY on a dedicated connection.
//!
//! diesel's notification iterator does not block: it drains what libpq has
//! already received. The watcher therefore polls it on its own thread.

use diesel::prelude::*;
use diesel::PgConnection;

use crate::DbError;

/// The channel the settings triggers notify on.
pub const SETTINGS_CHANNEL: &str = "revaer_settings_changed";

/// A parsed `table:revision:op` payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsNotification {
    /// Table that changed.
    pub table: String,
    /// Revision the change belongs to.
    pub revision: i64,
    /// `insert`, `update` or `delete`.
    pub operation: String,
}

impl SettingsNotification {
    /// Parses a payload; `None` when it is not in `table:revision:op` form.
    pub fn parse(payload: &str) -> Option<Self> {
        let mut parts = payload.splitn(3, ':');
        let table = parts.next()?.to_string();
        let revision = parts.next()?.parse().ok()?;
        let operation = parts.next()?.to_string();
        Some(Self {
            table,
            revision,
            operation,
        })
    }
}

/// Starts listening on the settings channel.
pub fn listen_settings(conn: &mut PgConnection) -> Result<(), DbError> {
    diesel::sql_query(format!("LISTEN {SETTINGS_CHANNEL}")).execute(conn)?;
    Ok(())
}

/// Drains received notifications on the settings channel without blocking.
pub fn drain_settings(conn: &mut PgConnection) -> Result<Vec<SettingsNotification>, DbError> {
    let mut out = Vec::new();
    for item in conn.notifications_iter() {
        let notification = item?;
        if notification.channel == SETTINGS_CHANNEL {
            if let Some(parsed) = SettingsNotification::parse(&notification.payload) {
                out.push(parsed);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::SettingsNotification;

    #[test]
    fn parses_payloads() {
        assert_eq!(
            SettingsNotification::parse("fs_policy:12:update"),
            Some(SettingsNotification {
                table: "fs_policy".into(),
                revision: 12,
                operation: "update".into()
            })
        );
        assert_eq!(SettingsNotification::parse("fs_policy:x:update"), None);
        assert_eq!(SettingsNotification::parse("garbage"), None);
    }
}
