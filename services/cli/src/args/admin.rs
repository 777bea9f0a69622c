//! Arguments of the administration commands: `setup`, `config`, `keys`.

use clap::{Args, Subcommand};

/// `revaer setup ...`.
#[derive(Debug, Subcommand)]
pub enum SetupCommand {
    /// Issue a one-time setup token (printed on stdout).
    Start,
    /// Finish setup with a token; prints the first API key once.
    Complete(SetupComplete),
    /// `start` and `complete` in one go.
    Init(SetupSettings),
}

/// `setup complete`.
#[derive(Debug, Args)]
pub struct SetupComplete {
    /// The token from `setup start`.
    #[arg(long, env = "REVAER_SETUP_TOKEN", hide_env_values = true)]
    pub token: String,
    /// The settings.
    #[command(flatten)]
    pub settings: SetupSettings,
}

/// The initial settings.
#[derive(Debug, Args)]
pub struct SetupSettings {
    /// Display name of the instance.
    #[arg(long, default_value = "revaer")]
    pub instance_name: String,
    /// Absolute path for downloads.
    #[arg(long)]
    pub download_root: String,
    /// Absolute path of the media library.
    #[arg(long)]
    pub library_root: String,
    /// Absolute path for fast-resume files.
    #[arg(long)]
    pub resume_dir: String,
    /// Label of the first API key.
    #[arg(long, default_value = "admin")]
    pub key_label: String,
}

/// `revaer config ...`.
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the configuration, a section, or one field.
    Get {
        /// `SECTION` or `SECTION.FIELD`, e.g. `engine_profile.max_active`.
        path: Option<String>,
    },
    /// Change fields: `SECTION.FIELD=VALUE` (JSON when it parses, else a
    /// string; `null` clears).
    Set {
        /// The assignments.
        #[arg(required = true, value_name = "SECTION.FIELD=VALUE")]
        assignments: Vec<String>,
    },
    /// Apply a partial configuration from a JSON file (`-` for stdin).
    Patch {
        /// The file.
        file: String,
    },
}

/// `revaer keys ...`.
#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// List keys (never their secrets).
    Ls,
    /// Create a key; prints its secret once.
    Add {
        /// Human label.
        label: String,
        /// Requests per bucket (with --per-seconds).
        #[arg(long, requires = "per_seconds")]
        burst: Option<i32>,
        /// Seconds to refill the bucket (with --burst).
        #[arg(long, requires = "burst")]
        per_seconds: Option<i32>,
    },
    /// Change a key.
    Update {
        /// Key id.
        id: String,
        /// New label.
        #[arg(long)]
        label: Option<String>,
        /// Enable (`true`) or disable (`false`).
        #[arg(long)]
        enabled: Option<bool>,
        /// Requests per bucket (with --per-seconds).
        #[arg(long, requires = "per_seconds")]
        burst: Option<i32>,
        /// Seconds to refill the bucket (with --burst).
        #[arg(long, requires = "burst")]
        per_seconds: Option<i32>,
    },
    /// Delete a key.
    Rm {
        /// Key id.
        id: String,
    },
}
