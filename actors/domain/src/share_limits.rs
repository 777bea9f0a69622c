//! Per-torrent share limits: for each of ratio, seeding time and inactive
//! seeding time a torrent uses the global limit (`engine_profile.share_*`),
//! no limit, or its own value, as in qBittorrent.
//!
//! Rules:
//! - on the wire a limit is `"global"`, `"none"` or a number (a ratio, or
//!   minutes for the two times);
//! - the catalogue stores qBittorrent's encoding: `-2` global, `-1` none,
//!   otherwise the value (so the facade reports it without translation);
//! - the effective limit of a torrent is its own value, nothing, or the
//!   global one, in that order of precedence.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::config::EngineProfile;

/// qBittorrent's encoding of "use the global limit".
pub const GLOBAL: f64 = -2.0;
/// qBittorrent's encoding of "no limit".
pub const UNLIMITED: f64 = -1.0;

/// `global` or `none`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LimitMode {
    /// Use the instance-wide limit.
    Global,
    /// No limit for this torrent.
    None,
}

/// One share limit of a torrent.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum ShareLimit {
    /// `"global"` or `"none"`.
    Mode(LimitMode),
    /// The torrent's own limit (a ratio, or minutes).
    Value(f64),
}

impl Default for ShareLimit {
    fn default() -> Self {
        Self::Mode(LimitMode::Global)
    }
}

impl ShareLimit {
    /// From qBittorrent's encoding (`-2` global, `-1` none, else the value;
    /// any other negative number counts as none).
    pub fn from_qbit(value: f64) -> Self {
        if value == GLOBAL {
            Self::Mode(LimitMode::Global)
        } else if value < 0.0 || !value.is_finite() {
            Self::Mode(LimitMode::None)
        } else {
            Self::Value(value)
        }
    }

    /// To qBittorrent's encoding.
    pub fn to_qbit(self) -> f64 {
        match self {
            Self::Mode(LimitMode::Global) => GLOBAL,
            Self::Mode(LimitMode::None) => UNLIMITED,
            Self::Value(value) => value,
        }
    }

    /// The limit in force given the global one (`None`: unlimited).
    pub fn effective(self, global: Option<f64>) -> Option<f64> {
        match self {
            Self::Mode(LimitMode::Global) => global,
            Self::Mode(LimitMode::None) => None,
            Self::Value(value) => Some(value),
        }
    }

    /// Whether the value is acceptable (finite, 0 to `max`).
    pub fn is_valid(self, max: f64) -> bool {
        match self {
            Self::Mode(_) => true,
            Self::Value(value) => value.is_finite() && (0.0..=max).contains(&value),
        }
    }
}

/// Largest ratio limit (as for `engine_profile.share_ratio_limit`).
pub const MAX_RATIO: f64 = 10_000.0;
/// Largest time limit in minutes (ten years, as for the global limits).
pub const MAX_MINUTES: f64 = 5_256_000.0;

/// The three share limits of a torrent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShareLimits {
    /// Upload/download ratio.
    #[serde(default)]
    pub ratio: ShareLimit,
    /// Minutes of seeding.
    #[serde(default)]
    pub seeding_minutes: ShareLimit,
    /// Minutes of seeding without any transfer.
    #[serde(default)]
    pub inactive_minutes: ShareLimit,
}

impl ShareLimits {
    /// The limits in force for this torrent under `profile`: (ratio,
    /// seeding minutes, inactive minutes), `None` = unlimited.
    pub fn effective(&self, profile: &EngineProfile) -> (Option<f64>, Option<f64>, Option<f64>) {
        (
            self.ratio.effective(profile.share_ratio_limit),
            self.seeding_minutes
                .effective(profile.share_time_limit_minutes.map(f64::from)),
            self.inactive_minutes
                .effective(profile.share_inactive_limit_minutes.map(f64::from)),
        )
    }

    /// The fields that are out of range, as `(name, message)`.
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut problems = Vec::new();
        if !self.ratio.is_valid(MAX_RATIO) {
            problems.push((
                "ratio",
                format!("must be \"global\", \"none\" or 0 to {MAX_RATIO}"),
            ));
        }
        for (name, limit) in [
            ("seeding_minutes", self.seeding_minutes),
            ("inactive_minutes", self.inactive_minutes),
        ] {
            if !limit.is_valid(MAX_MINUTES) {
                problems.push((
                    name,
                    format!("must be \"global\", \"none\" or 0 to {MAX_MINUTES}"),
                ));
            }
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_form_is_a_mode_or_a_number() -> Result<(), serde_json::Error> {
        let limits: ShareLimits =
            serde_json::from_str(r#"{"ratio": 1.5, "seeding_minutes": "none"}"#)?;
        assert_eq!(limits.ratio, ShareLimit::Value(1.5));
        assert_eq!(limits.seeding_minutes, ShareLimit::Mode(LimitMode::None));
        assert_eq!(limits.inactive_minutes, ShareLimit::default());
        assert_eq!(
            serde_json::to_value(limits)?,
            serde_json::json!({"ratio": 1.5, "seeding_minutes": "none", "inactive_minutes": "global"})
        );
        assert!(serde_json::from_str::<ShareLimits>(r#"{"ratio": "lots"}"#).is_err());
        Ok(())
    }

    #[test]
    fn qbit_encoding_and_precedence() {
        assert_eq!(
            ShareLimit::from_qbit(-2.0),
            ShareLimit::Mode(LimitMode::Global)
        );
        assert_eq!(
            ShareLimit::from_qbit(-1.0),
            ShareLimit::Mode(LimitMode::None)
        );
        assert_eq!(ShareLimit::from_qbit(0.0), ShareLimit::Value(0.0));
        assert_eq!(ShareLimit::Value(3.0).to_qbit(), 3.0);
        let profile = EngineProfile {
            share_ratio_limit: Some(2.0),
            share_time_limit_minutes: None,
            share_inactive_limit_minutes: Some(30),
            ..EngineProfile::default()
        };
        let limits = ShareLimits {
            ratio: ShareLimit::default(),
            seeding_minutes: ShareLimit::Value(10.0),
            inactive_minutes: ShareLimit::Mode(LimitMode::None),
        };
        assert_eq!(limits.effective(&profile), (Some(2.0), Some(10.0), None));
        let bad = ShareLimits {
            ratio: ShareLimit::Value(-3.0),
            seeding_minutes: ShareLimit::Value(f64::NAN),
            ..ShareLimits::default()
        };
        let names: Vec<_> = bad.problems().into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, vec!["ratio", "seeding_minutes"]);
    }
}
