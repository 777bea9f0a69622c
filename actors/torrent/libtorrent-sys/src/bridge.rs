//! Raw `cxx` bridge to the C++ shim declared in `cpp/shim.h`.
//!
//! Everything crossing the boundary is either an opaque [`ffi::Session`] or a
//! plain shared struct holding owned data (strings, byte vectors, numbers);
//! no libtorrent type is visible to Rust. Every shim function that can throw
//! is declared `Result<..>` so a C++ exception becomes a [`cxx::Exception`]
//! instead of aborting the process. Callers should use the safe wrappers in
//! [`crate::Session`] and friends rather than this module.
#![expect(
    unsafe_code,
    reason = "cxx generates the unsafe glue; see also the Send/Sync impls below"
)]

#[cxx::bridge(namespace = "revaer_lt")]
pub mod ffi {
    /// Session-wide settings, mirrored from [`crate::SessionSettings`].
    #[derive(Debug, Clone, Default)]
    pub struct SessionConfig {
        pub listen_interfaces: String,
        pub enable_dht: bool,
        pub enable_lsd: bool,
        pub enable_upnp: bool,
        pub enable_natpmp: bool,
        pub enable_pex: bool,
        /// 0 = enabled, 1 = forced, 2 = disabled.
        pub encryption: u8,
        /// 0 = TCP and uTP, 1 = TCP only, 2 = uTP only, 3 = dial TCP, accept both.
        pub peer_protocol: u8,
        pub active_downloads: i32,
        pub active_seeds: i32,
        pub active_limit: i32,
        pub connections_limit: i32,
        pub download_rate_limit: i32,
        pub upload_rate_limit: i32,
        pub user_agent: String,
    }

    /// Per-add options, mirrored from [`crate::AddOptions`].
    #[derive(Debug, Clone, Default)]
    pub struct AddParams {
        pub save_path: String,
        pub paused: bool,
        pub sequential: bool,
        pub auto_managed: bool,
        pub file_priorities: Vec<u8>,
        pub download_limit: i32,
        pub upload_limit: i32,
        pub max_connections: i32,
        /// 0 original, 1 subfolder, 2 no subfolder.
        pub content_layout: u8,
        /// First and last pieces of each wanted file at top priority.
        pub first_last_piece: bool,
        /// libtorrent's seed mode: take the data on disk as complete.
        pub seed_mode: bool,
        /// BEP 16 super seeding.
        pub super_seeding: bool,
    }

    /// Result of an add; `code` distinguishes expected failures so they do
    /// not have to travel as exceptions (0 ok, 1 duplicate, 2 malformed input,
    /// 3 invalid argument, 4 libtorrent refused).
    #[derive(Debug, Clone, Default)]
    pub struct AddOutcome {
        pub id: String,
        pub code: u8,
        pub message: String,
        /// Peers known at add (resume data and source hints); resume adds only.
        pub peers: u32,
        /// Trackers known at add; resume adds only.
        pub trackers: u32,
    }

    #[derive(Debug, Clone, Default)]
    pub struct TorrentStatusFfi {
        pub id: String,
        pub name: String,
        pub state: u8,
        pub paused: bool,
        pub auto_managed: bool,
        pub sequential: bool,
        pub super_seeding: bool,
        pub has_metadata: bool,
        pub is_finished: bool,
        pub is_seeding: bool,
        pub moving_storage: bool,
        pub need_save_resume: bool,
        pub progress: f32,
        pub download_rate: i64,
        pub upload_rate: i64,
        pub total_done: i64,
        pub total_wanted: i64,
        pub total_wanted_done: i64,
        pub total_size: i64,
        pub all_time_download: i64,
        pub all_time_upload: i64,
        pub seeding_secs: i64,
        pub total_payload_download: i64,
        pub total_payload_upload: i64,
        pub num_peers: i32,
        pub num_seeds: i32,
        pub list_peers: i32,
        pub list_seeds: i32,
        pub num_complete: i32,
        pub num_incomplete: i32,
        pub save_path: String,
        pub error: String,
        pub current_tracker: String,
        pub added_time: i64,
        pub completed_time: i64,
        pub active_duration: i64,
        pub seeding_duration: i64,
        pub finished_duration: i64,
        pub queue_position: i32,
    }

    #[derive(Debug, Clone, Default)]
    pub struct FileEntryFfi {
        pub index: u32,
        pub path: String,
        pub size: i64,
        pub downloaded: i64,
        pub priority: u8,
        pub first_piece: i32,
        pub last_piece: i32,
    }

    #[derive(Debug, Clone, Default)]
    pub struct TrackerFfi {
        pub url: String,
        pub tier: u8,
        pub verified: bool,
        pub updating: bool,
        pub fails: i32,
        pub message: String,
        pub error: String,
    }

    #[derive(Debug, Clone, Default)]
    pub struct PeerFfi {
        pub ip: String,
        pub port: u16,
        pub client: String,
        pub progress: f32,
        pub down_rate: i64,
        pub up_rate: i64,
        pub total_down: i64,
        pub total_up: i64,
        pub is_seed: bool,
        pub utp: bool,
    }

    /// Which alert an [`AlertFfi`] was copied from.
    #[derive(Debug)]
    #[repr(u8)]
    pub enum AlertKind {
        Other,
        AddTorrent,
        MetadataReceived,
        MetadataFailed,
        StateChanged,
        TorrentFinished,
        TorrentPaused,
        TorrentResumed,
        TorrentChecked,
        TorrentRemoved,
        TorrentDeleted,
        TorrentDeleteFailed,
        TorrentError,
        FileError,
        FastresumeRejected,
        SaveResumeData,
        SaveResumeDataFailed,
        TrackerError,
        ListenSucceeded,
        ListenFailed,
        PerformanceWarning,
        StateUpdate,
        StorageMoved,
        StorageMovedFailed,
        HashFailed,
    }

    /// Flattened owned copy of one libtorrent alert; only the fields relevant
    /// to `kind` are filled in.
    #[derive(Debug, Clone)]
    pub struct AlertFfi {
        pub kind: AlertKind,
        pub what: String,
        pub message: String,
        pub torrent_id: String,
        pub error: String,
        pub old_state: u8,
        pub new_state: u8,
        pub data: Vec<u8>,
        pub statuses: Vec<TorrentStatusFfi>,
        pub path: String,
        pub url: String,
        pub address: String,
        pub port: u16,
        pub socket: String,
        pub piece: i32,
    }

    #[derive(Debug, Clone, Default)]
    pub struct MagnetFfi {
        pub id: String,
        pub name: String,
        pub trackers: Vec<String>,
    }

    #[derive(Debug, Clone, Default)]
    pub struct MetaFfi {
        pub id: String,
        pub name: String,
        pub comment: String,
        pub has_v1: bool,
        pub has_v2: bool,
        pub total_size: i64,
        pub piece_length: i32,
        pub num_pieces: i32,
        pub files: Vec<FileEntryFfi>,
        pub trackers: Vec<String>,
    }

    unsafe extern "C++" {
        include!("libtorrent-sys/cpp/shim.h");

        /// Owns one `lt::session`; all methods are thread-safe.
        type Session;

        fn new_session(cfg: &SessionConfig) -> Result<UniquePtr<Session>>;
        fn apply_settings(self: &Session, cfg: &SessionConfig) -> Result<()>;
        fn listen_port(self: &Session) -> Result<u16>;
        fn is_listening(self: &Session) -> Result<bool>;
        fn dht_nodes(self: &Session) -> Result<i64>;

        fn add_magnet(self: &Session, uri: &str, p: &AddParams) -> Result<AddOutcome>;
        fn add_torrent_file(self: &Session, data: &[u8], p: &AddParams) -> Result<AddOutcome>;
        fn add_resume_data(
            self: &Session,
            data: &[u8],
            source_magnet: &str,
            p: &AddParams,
        ) -> Result<AddOutcome>;

        fn remove(self: &Session, id: &str, delete_files: bool) -> Result<bool>;
        fn pause(self: &Session, id: &str) -> Result<bool>;
        fn resume(self: &Session, id: &str) -> Result<bool>;
        fn set_force_start(self: &Session, id: &str, on: bool) -> Result<bool>;
        fn queue_move(self: &Session, id: &str, movement: u8) -> Result<bool>;
        fn set_queue_position(self: &Session, id: &str, position: i32) -> Result<bool>;
        fn force_recheck(self: &Session, id: &str) -> Result<bool>;
        fn force_reannounce(self: &Session, id: &str) -> Result<bool>;
        fn set_sequential(self: &Session, id: &str, on: bool) -> Result<bool>;
        fn set_super_seeding(self: &Session, id: &str, on: bool) -> Result<bool>;
        fn set_file_priorities(self: &Session, id: &str, prios: &[u8]) -> Result<bool>;
        fn set_first_last(self: &Session, id: &str, on: bool) -> Result<bool>;
        fn set_limits(self: &Session, id: &str, download: i32, upload: i32) -> Result<bool>;
        fn set_max_connections(self: &Session, id: &str, n: i32) -> Result<bool>;
        fn move_storage(self: &Session, id: &str, path: &str) -> Result<bool>;
        fn connect_peer(self: &Session, id: &str, ip: &str, port: u16) -> Result<bool>;
        fn save_resume_data(
            self: &Session,
            id: &str,
            only_if_modified: bool,
            flush: bool,
        ) -> Result<bool>;
        fn post_torrent_updates(self: &Session) -> Result<()>;

        fn status(self: &Session, id: &str, out: &mut TorrentStatusFfi) -> Result<bool>;
        fn statuses(self: &Session) -> Result<Vec<TorrentStatusFfi>>;
        fn num_files(self: &Session, id: &str, out: &mut i32) -> Result<bool>;
        fn files(self: &Session, id: &str, out: &mut Vec<FileEntryFfi>) -> Result<bool>;
        fn piece_states(self: &Session, id: &str, out: &mut Vec<u8>) -> Result<bool>;
        fn trackers(self: &Session, id: &str, out: &mut Vec<TrackerFfi>) -> Result<bool>;
        fn peers(self: &Session, id: &str, out: &mut Vec<PeerFfi>) -> Result<bool>;
        fn magnet_uri(self: &Session, id: &str, out: &mut String) -> Result<bool>;
        fn piece_priorities(self: &Session, id: &str, out: &mut Vec<u8>) -> Result<bool>;
        fn torrent_ids(self: &Session) -> Result<Vec<String>>;

        fn pop_alerts(self: &Session) -> Result<Vec<AlertFfi>>;
        fn wait_for_alert(self: &Session, timeout_ms: i32) -> Result<bool>;

        fn parse_magnet(uri: &str) -> Result<MagnetFfi>;
        fn parse_torrent(data: &[u8]) -> Result<MetaFfi>;
        fn make_magnet(data: &[u8]) -> Result<String>;
        fn create_torrent(
            path: &str,
            parent: &str,
            piece_size: i32,
            trackers: &[String],
            comment: &str,
        ) -> Result<Vec<u8>>;
    }
}

// SAFETY: `revaer_lt::Session` wraps `lt::session`, whose public API is
// thread-safe (every call is marshalled onto libtorrent's network thread),
// and torrent handles it hands out are likewise thread-safe. The shim's own
// mutable state (pending priorities, paused-auto-managed set, DHT counter) is
// guarded by mutexes/atomics, and pop_alerts() is serialised by a mutex so
// alert pointers are never invalidated under a concurrent reader. All methods
// take `&self` (const in C++), so sharing and sending across threads is sound.
unsafe impl Send for ffi::Session {}
// SAFETY: see the `Send` impl above.
unsafe impl Sync for ffi::Session {}
