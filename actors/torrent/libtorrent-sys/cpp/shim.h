// C++ side of Revaer's libtorrent bridge.
//
// Implemented in session.cpp (lifecycle, adds), torrent.cpp (per-torrent
// commands and queries), layout.cpp (content layout, first/last piece
// priority), alerts.cpp (pop_alerts) and metainfo.cpp (session-less helpers), with
// shared conversions in convert.{h,cpp}.
//
// Design rules (see also src/bridge.rs):
// - Every libtorrent object stays on this side; Rust only receives owned
//   copies in cxx shared structs (strings, byte vectors, numbers).
// - Alert pointers are only valid until the next pop_alerts(), so pop_alerts()
//   copies everything it needs before returning.
// - lt::session and lt::torrent_handle are internally synchronised, so every
//   method is const and may be called from any thread. The little mutable state
//   we keep ourselves is protected by m_mutex.
// - Any method may throw (libtorrent throws system_error, the allocator throws
//   bad_alloc); all of them are declared Result<..> on the Rust side so cxx
//   turns exceptions into cxx::Exception instead of aborting.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include <libtorrent/error_code.hpp>
#include <libtorrent/session.hpp>
#include <libtorrent/torrent_handle.hpp>

#include "rust/cxx.h"

namespace revaer_lt {

struct SessionConfig;
struct AddParams;
struct AddOutcome;
struct TorrentStatusFfi;
struct FileEntryFfi;
struct TrackerFfi;
struct PeerFfi;
struct AlertFfi;
struct MagnetFfi;
struct MetaFfi;

class Session {
public:
  explicit Session(SessionConfig const &cfg);
  ~Session();
  Session(Session const &) = delete;
  Session &operator=(Session const &) = delete;

  void apply_settings(SessionConfig const &cfg) const;
  std::uint16_t listen_port() const;
  bool is_listening() const;
  std::int64_t dht_nodes() const;

  AddOutcome add_magnet(rust::Str uri, AddParams const &p) const;
  AddOutcome add_torrent_file(rust::Slice<const std::uint8_t> data,
                              AddParams const &p) const;
  // source_magnet (may be empty): peers and trackers to merge in.
  AddOutcome add_resume_data(rust::Slice<const std::uint8_t> data,
                             rust::Str source_magnet,
                             AddParams const &p) const;

  // Per-torrent commands: return false when no torrent has this id.
  bool remove(rust::Str id, bool delete_files) const;
  bool pause(rust::Str id) const;
  bool resume(rust::Str id) const;
  bool set_force_start(rust::Str id, bool on) const;
  // movement: 0 top, 1 bottom, 2 up, 3 down (see src/session/queue.rs).
  bool queue_move(rust::Str id, std::uint8_t movement) const;
  bool set_queue_position(rust::Str id, std::int32_t position) const;
  bool force_recheck(rust::Str id) const;
  bool force_reannounce(rust::Str id) const;
  bool set_sequential(rust::Str id, bool on) const;
  bool set_super_seeding(rust::Str id, bool on) const;
  bool set_file_priorities(rust::Str id,
                           rust::Slice<const std::uint8_t> prios) const;
  // First/last piece priority on or off (layout.cpp); kept for torrents
  // without metadata and applied when it arrives.
  bool set_first_last(rust::Str id, bool on) const;
  bool set_limits(rust::Str id, std::int32_t download,
                  std::int32_t upload) const;
  bool set_max_connections(rust::Str id, std::int32_t n) const;
  bool move_storage(rust::Str id, rust::Str path) const;
  bool connect_peer(rust::Str id, rust::Str ip, std::uint16_t port) const;
  bool save_resume_data(rust::Str id, bool only_if_modified, bool flush) const;
  void post_torrent_updates() const;

  // Queries: return false when no torrent has this id.
  bool status(rust::Str id, TorrentStatusFfi &out) const;
  rust::Vec<TorrentStatusFfi> statuses() const;
  bool num_files(rust::Str id, std::int32_t &out) const;
  bool files(rust::Str id, rust::Vec<FileEntryFfi> &out) const;
  // One byte a piece: 0 missing, 1 being downloaded, 2 have (empty without
  // metadata).
  bool piece_states(rust::Str id, rust::Vec<std::uint8_t> &out) const;
  bool trackers(rust::Str id, rust::Vec<TrackerFfi> &out) const;
  bool peers(rust::Str id, rust::Vec<PeerFfi> &out) const;
  bool magnet_uri(rust::Str id, rust::String &out) const;
  bool piece_priorities(rust::Str id, rust::Vec<std::uint8_t> &out) const;
  rust::Vec<rust::String> torrent_ids() const;

  rust::Vec<AlertFfi> pop_alerts() const;
  bool wait_for_alert(std::int32_t timeout_ms) const;

private:
  lt::torrent_handle find(rust::Str id) const;
  // Runs f(handle) for the torrent with this id (defined at the end of
  // this header). Returns false if there is none, including when it is
  // removed while f runs (libtorrent then throws invalid_torrent_handle).
  template <typename F> bool with_torrent(rust::Str id, F &&f) const;
  // from_resume: renames (the content layout) come with resume data that
  // has metadata, so the layout is only applied to a fresh add or kept
  // for when a magnet's metadata arrives.
  AddOutcome add(lt::add_torrent_params atp, AddParams const &p,
                 bool from_resume) const;
  // wait: block (bounded) until the disk thread applied them, so piece
  // priorities set next are not reset by them.
  void apply_pending_priorities(lt::torrent_handle const &h,
                                std::string const &id, bool wait) const;
  // layout.cpp: metadata arrival, renames, first/last piece priorities.
  void on_metadata(lt::torrent_handle const &h, std::string const &id) const;
  void rename_for_layout(lt::torrent_handle const &h,
                         std::uint8_t layout) const;
  void apply_first_last(lt::torrent_handle const &h, bool on) const;

  // lt::session is itself thread-safe; mutable only because pop_alerts()
  // and friends are non-const in libtorrent's API.
  mutable lt::session m_ses;
  // Serialises pop_alerts() so alert pointers are never invalidated while
  // another thread is still copying them.
  mutable std::mutex m_alert_mutex;
  // Protects m_pending_prios, m_pending_layout, m_first_last and
  // m_paused_auto_managed.
  mutable std::mutex m_mutex;
  // File priorities requested for torrents without metadata yet (magnets),
  // keyed by torrent id; applied when metadata arrives.
  mutable std::map<std::string, std::vector<std::uint8_t>> m_pending_prios;
  // Content layout (AddParams::content_layout) of torrents without
  // metadata yet; applied when it arrives.
  mutable std::map<std::string, std::uint8_t> m_pending_layout;
  // Torrents with first/last piece priority on: re-applied when metadata
  // arrives and after file priority changes.
  mutable std::set<std::string> m_first_last;
  // Torrents whose auto_managed flag we cleared in pause(), so resume() can
  // restore it.
  mutable std::set<std::string> m_paused_auto_managed;
  // Last "dht.dht_nodes" counter seen in a session_stats_alert.
  mutable std::atomic<std::int64_t> m_dht_nodes{0};
  int m_dht_nodes_idx = -1;
};

std::unique_ptr<Session> new_session(SessionConfig const &cfg);

MagnetFfi parse_magnet(rust::Str uri);
MetaFfi parse_torrent(rust::Slice<const std::uint8_t> data);
rust::String make_magnet(rust::Slice<const std::uint8_t> data);
rust::Vec<std::uint8_t> create_torrent(rust::Str path, rust::Str parent,
                                       std::int32_t piece_size,
                                       rust::Slice<const rust::String> trackers,
                                       rust::Str comment);

// Defined here, not in torrent.cpp, so every translation unit with
// per-torrent commands (torrent.cpp, layout.cpp) can instantiate it.
template <typename F>
bool Session::with_torrent(rust::Str id, F &&f) const {
  lt::torrent_handle const h = find(id);
  if (!h.is_valid())
    return false;
  try {
    f(h);
  } catch (lt::system_error const &e) {
    // Removed between find() and the call: same as never found.
    if (e.code() == lt::errors::invalid_torrent_handle)
      return false;
    throw;
  }
  return true;
}

} // namespace revaer_lt
