//! The command line: global connection and output options, and one
//! subcommand per API route. clap's own errors (unknown command, bad flag)
//! exit with 2, as the exit-code contract says.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

use crate::cmd::torrents::{AddArgs, ListArgs, SelectArgs};

mod admin;
mod labels;

pub use admin::{ConfigCommand, KeysCommand, SetupCommand, SetupSettings};
pub use labels::{CategoriesCommand, TagsCommand};

/// The exit codes, shown under `--help` and in the README.
pub const EXIT_CODES: &str = "\
Exit codes:
  0  success
  2  usage or validation error (bad arguments; HTTP 400, 413, 415, 422)
  3  runtime failure (server unreachable, timeout, 5xx, 503, 429 after 3 retries)
  4  authentication or authorisation (HTTP 401, 403)
  5  not found (HTTP 404, unknown id or prefix)
  6  conflict (HTTP 409, e.g. torrent already present: its id is printed)
130  interrupted (Ctrl-C during `status --follow` or `add --wait`)";

/// Revaer's command-line client: every API route as a command.
#[derive(Debug, Parser)]
#[command(name = "revaer", version, after_help = EXIT_CODES)]
pub struct Cli {
    /// Server base URL.
    #[arg(
        long,
        env = "REVAER_URL",
        default_value = "http://127.0.0.1:7070",
        global = true
    )]
    pub url: String,
    /// API key as KEY_ID:SECRET (prefer the environment or --api-key-file:
    /// arguments are visible to other users of the machine).
    #[arg(long, env = "REVAER_API_KEY", hide_env_values = true, global = true)]
    pub api_key: Option<String>,
    /// File holding the API key (e.g. from a secrets manager).
    #[arg(long, env = "REVAER_API_KEY_FILE", global = true)]
    pub api_key_file: Option<PathBuf>,
    /// Seconds to wait for an answer (event streams: for silence).
    #[arg(long, default_value_t = 30.0, global = true)]
    pub timeout: f64,
    /// Never colour; the NO_COLOR convention (set and not empty) does the same.
    #[arg(
        long,
        env = "NO_COLOR",
        global = true,
        action = clap::ArgAction::SetTrue,
        value_parser = set_and_not_empty,
        // Why explicit: clap's default for a flag is "false", which this
        // parser would read as "set".
        default_value = ""
    )]
    pub no_color: bool,
    /// `human` tables, `json` (the API's body), `ndjson` (one JSON per line).
    #[arg(long, short = 'o', value_enum, default_value_t = Output::Human, global = true)]
    pub output: Output,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// NO_COLOR counts when set to anything but the empty string, "0" and
/// "false" included (<https://no-color.org>).
fn set_and_not_empty(value: &str) -> Result<bool, std::convert::Infallible> {
    Ok(!value.is_empty())
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Output {
    /// Aligned tables and readable units.
    Human,
    /// Exactly the API's JSON body.
    Json,
    /// One JSON document per line (streams; same as json otherwise).
    Ndjson,
}

/// Every command.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// First-run setup (only on the server's machine).
    #[command(subcommand)]
    Setup(SetupCommand),
    /// Read or change the configuration.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Manage API keys.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Add torrents from magnet links or .torrent files.
    Add(AddArgs),
    /// List torrents.
    Ls(ListArgs),
    /// Show one torrent in detail (or follow it to completion).
    Status {
        /// Info hash or a unique prefix (6+ hex characters).
        id: String,
        /// Show a live progress bar until it completes or fails.
        #[arg(long)]
        follow: bool,
    },
    /// Set file priorities by glob or index.
    Select(SelectArgs),
    /// Pause torrents.
    Pause(Ids),
    /// Resume torrents.
    Resume(Ids),
    /// Start torrents now, regardless of the download queue (a pause ends it).
    ForceStart(Ids),
    /// Put force-started torrents back under the download queue.
    UnforceStart(Ids),
    /// Move torrents through the download queue (needs queueing on:
    /// `engine_profile.max_active` other than -1). Several torrents move as
    /// one selection and keep their order; seeding torrents stay.
    Queue {
        /// `top`, `bottom`, `up` (one place towards the head) or `down`.
        movement: QueueMoveArg,
        /// Info hashes or unique prefixes.
        #[arg(required = true)]
        ids: Vec<String>,
    },
    /// Verify torrents' data on disk again.
    Recheck(Ids),
    /// Announce torrents to their trackers now.
    Reannounce(Ids),
    /// Turn sequential download on or off.
    Sequential {
        /// Info hash or unique prefix.
        id: String,
        /// `on` or `off`.
        value: OnOff,
    },
    /// Fetch the first and last pieces of every wanted file first (on) or
    /// not (off), for previews while downloading.
    FirstLastPrio {
        /// `on` or `off`.
        value: OnOff,
        /// Info hashes or unique prefixes.
        #[arg(required = true)]
        ids: Vec<String>,
    },
    /// Super seeding (BEP 16) on or off: while seeding, offer each peer one
    /// piece at a time so a new torrent spreads with less upload.
    SuperSeed {
        /// `on` or `off`.
        value: OnOff,
        /// Info hashes or unique prefixes.
        #[arg(required = true)]
        ids: Vec<String>,
    },
    /// Show or set a torrent's rate limits (bytes per second, 0 = unlimited;
    /// suffixes K, M, G are binary: 1M = 1 MiB/s).
    Limit {
        /// Info hash or unique prefix.
        id: String,
        /// Download limit.
        #[arg(long, value_parser = crate::human::parse_rate)]
        down: Option<i64>,
        /// Upload limit.
        #[arg(long, value_parser = crate::human::parse_rate)]
        up: Option<i64>,
    },
    /// Remove torrents.
    Rm {
        /// Info hashes or unique prefixes.
        #[arg(required = true)]
        ids: Vec<String>,
        /// Delete the downloaded data too.
        #[arg(long)]
        delete_data: bool,
    },
    /// Manage categories (a torrent's category is also its library folder).
    #[command(subcommand)]
    Categories(CategoriesCommand),
    /// Manage tags.
    #[command(subcommand)]
    Tags(TagsCommand),
    /// Post-processing (FsOps).
    #[command(subcommand)]
    Fsops(FsopsCommand),
    /// Follow the live event stream.
    Tail(TailArgs),
    /// Server health (`--full`: every component).
    Health {
        /// The detailed report.
        #[arg(long)]
        full: bool,
    },
    /// Print a shell completion script.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Client version and, when reachable, the server's.
    Version,
}

/// One or more torrent ids.
#[derive(Debug, Args)]
pub struct Ids {
    /// Info hashes or unique prefixes (6+ hex characters).
    #[arg(required = true)]
    pub ids: Vec<String>,
}

/// `on` / `off`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OnOff {
    /// Enable.
    On,
    /// Disable.
    Off,
}

/// Where `revaer queue` moves torrents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum QueueMoveArg {
    /// To the head of the queue.
    Top,
    /// To the end of the queue.
    Bottom,
    /// One place towards the head.
    Up,
    /// One place towards the end.
    Down,
}

impl From<QueueMoveArg> for revaer_domain::engine::QueueMove {
    fn from(arg: QueueMoveArg) -> Self {
        match arg {
            QueueMoveArg::Top => Self::Top,
            QueueMoveArg::Bottom => Self::Bottom,
            QueueMoveArg::Up => Self::Up,
            QueueMoveArg::Down => Self::Down,
        }
    }
}

/// Where an added torrent's files go under its save path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Layout {
    /// As the torrent names them.
    Original,
    /// In one folder (a single file gets one named after it).
    Subfolder,
    /// Without the torrent's top folder.
    NoSubfolder,
}

/// `revaer fsops ...`.
#[derive(Debug, Subcommand)]
pub enum FsopsCommand {
    /// Run a failed post-processing job again.
    Retry {
        /// Info hash or unique prefix.
        id: String,
    },
}

/// `revaer tail`.
#[derive(Debug, Args)]
pub struct TailArgs {
    /// Only these event types (comma-separated), e.g. `completed,removed`.
    #[arg(long)]
    pub types: Option<String>,
    /// Only events about this torrent (info hash or unique prefix).
    #[arg(long)]
    pub torrent: Option<String>,
    /// Keep the last event id here, and continue from it next time.
    #[arg(long)]
    pub resume_file: Option<PathBuf>,
}
