// Per-torrent commands (pause, remove, priorities, limits, moves) and
// queries (status, files, trackers, peers) of the shim's Session: each looks
// the torrent up by id and treats a handle removed meanwhile as not found.
#include "libtorrent-sys/cpp/convert.h"
#include "libtorrent-sys/cpp/layout.h"
#include "libtorrent-sys/cpp/shim.h"
#include "libtorrent-sys/src/bridge.rs.h"

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>

#include <libtorrent/add_torrent_params.hpp>
#include <libtorrent/announce_entry.hpp>
#include <libtorrent/error_code.hpp>
#include <libtorrent/magnet_uri.hpp>
#include <libtorrent/peer_info.hpp>
#include <libtorrent/session_stats.hpp>
#include <libtorrent/settings_pack.hpp>
#include <libtorrent/torrent_info.hpp>
#include <libtorrent/torrent_status.hpp>

namespace revaer_lt {
using namespace detail;
namespace {

// Status fields we always want; everything else in torrent_status is cheap.
// query_torrent_file only copies a weak_ptr; we need it for the payload size
// (torrent_status::total stays 0 for seeds).
lt::status_flags_t const kStatusFlags = lt::torrent_handle::query_name |
                                        lt::torrent_handle::query_save_path |
                                        lt::torrent_handle::query_torrent_file;

} // namespace

// ---------------------------------------------------------------------------
// per-torrent commands

lt::torrent_handle Session::find(rust::Str id) const {
  lt::sha1_hash hash;
  if (!parse_id(id, hash))
    return {};
  return m_ses.find_torrent(hash);
}

bool Session::remove(rust::Str id, bool delete_files) const {
  return with_torrent(id, [&](lt::torrent_handle const &h) {
    m_ses.remove_torrent(h, delete_files ? lt::session_handle::delete_files
                                         : lt::remove_flags_t{});
    std::lock_guard<std::mutex> lock(m_mutex);
    std::string const key = to_std(id);
    m_pending_prios.erase(key);
    m_pending_layout.erase(key);
    m_first_last.erase(key);
    m_paused_auto_managed.erase(key);
  });
}

bool Session::pause(rust::Str id) const {
  return with_torrent(id, [&](lt::torrent_handle const &h) {
    if (h.flags() & lt::torrent_flags::auto_managed) {
      {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_paused_auto_managed.insert(to_std(id));
      }
      h.unset_flags(lt::torrent_flags::auto_managed);
    }
    h.pause();
  });
}

bool Session::resume(rust::Str id) const {
  return with_torrent(id, [&](lt::torrent_handle const &h) {
    bool restore = false;
    {
      std::lock_guard<std::mutex> lock(m_mutex);
      restore = m_paused_auto_managed.erase(to_std(id)) > 0;
    }
    if (restore)
      h.set_flags(lt::torrent_flags::auto_managed);
    h.resume();
  });
}

// Force start: no longer auto-managed, so the queue neither pauses nor
// counts it. Turning it off makes it auto-managed again, like a resume.
// Either way a pause's remembered auto-managed flag is now stale.
bool Session::set_force_start(rust::Str id, bool on) const {
  return with_torrent(id, [&](lt::torrent_handle const &h) {
    {
      std::lock_guard<std::mutex> lock(m_mutex);
      m_paused_auto_managed.erase(to_std(id));
    }
    if (on)
      h.unset_flags(lt::torrent_flags::auto_managed);
    else
      h.set_flags(lt::torrent_flags::auto_managed);
    h.resume();
  });
}

// Moves a torrent in libtorrent's download queue. libtorrent ignores the
// move for a finished torrent (queue position -1). An unknown movement is a
// programming error on the Rust side, which only sends 0..=3.
bool Session::queue_move(rust::Str id, std::uint8_t movement) const {
  if (movement > 3)
    throw std::invalid_argument("unknown queue movement");
  return with_torrent(id, [&](lt::torrent_handle const &h) {
    switch (movement) {
    case 0: h.queue_position_top(); break;
    case 1: h.queue_position_bottom(); break;
    case 2: h.queue_position_up(); break;
    default: h.queue_position_down(); break;
    }
  });
}

bool Session::set_queue_position(rust::Str id, std::int32_t position) const {
  return with_torrent(id, [&](lt::torrent_handle const &h) {
    h.queue_position_set(lt::queue_position_t{position});
  });
}

bool Session::force_recheck(rust::Str id) const {
  return with_torrent(id, [&](lt::torrent_handle const &h) {
    h.force_recheck();
  });
}

bool Session::force_reannounce(rust::Str id) const {
  return with_torrent(id, [&](lt::torrent_handle const &h) {
    h.force_reannounce();
  });
}

bool Session::set_sequential(rust::Str id, bool on) const {
  return with_torrent(id, [&](lt::torrent_handle const &h) {
    if (on)
      h.set_flags(lt::torrent_flags::sequential_download);
    else
      h.unset_flags(lt::torrent_flags::sequential_download);
  });
}

bool Session::set_super_seeding(rust::Str id, bool on) const {
  return with_torrent(id, [&](lt::torrent_handle const &h) {
    if (on)
      h.set_flags(lt::torrent_flags::super_seeding);
    else
      h.unset_flags(lt::torrent_flags::super_seeding);
  });
}

bool Session::num_files(rust::Str id, std::int32_t &out) const {
  return with_torrent(id, [&](lt::torrent_handle const &h) {
    auto ti = h.torrent_file();
    out = ti ? visible_files(ti->files()) : -1;
  });
}

namespace detail {
// libtorrent 2.0 hands new file priorities to its disk thread and only
// records them when that job returns, so a read straight after a change
// would still see the old ones. Callers (the API's POST then GET) expect to
// read what they wrote, so wait for the disk thread, bounded (a busy disk
// thread must not hold the engine for long; a change it refuses, a disk
// error, is reported through the torrent's error instead). The poll backs
// off so a torrent with very many files is not re-read every millisecond.
void await_priorities(lt::torrent_handle const &h, lt::file_storage const &fs,
                      std::vector<lt::download_priority_t> const &wanted) {
  auto const deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(5);
  auto pause = std::chrono::milliseconds(1);
  for (;;) {
    std::vector<lt::download_priority_t> const now = h.get_file_priorities();
    bool same = now.size() >= wanted.size();
    for (auto const i : fs.file_range()) {
      auto const idx = static_cast<std::size_t>(static_cast<int>(i));
      if (!same)
        break;
      if (!fs.pad_file_at(i) && now[idx] != wanted[idx])
        same = false;
    }
    if (same || std::chrono::steady_clock::now() > deadline)
      return;
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(50));
  }
}
} // namespace detail

bool Session::set_file_priorities(rust::Str id,
                                  rust::Slice<const std::uint8_t> prios) const {
  return with_torrent(id, [&](lt::torrent_handle const &h) {
    std::vector<std::uint8_t> wanted(prios.begin(), prios.end());
    auto ti = h.torrent_file();
    if (!ti) {
      {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_pending_prios[to_std(id)] = std::move(wanted);
      }
      // Metadata may have arrived meanwhile.
      if (h.torrent_file())
        apply_pending_priorities(h, to_std(id), false);
      return;
    }
    std::vector<lt::download_priority_t> mapped;
    if (!map_priorities(ti->files(), wanted, mapped))
      throw std::invalid_argument("file priority count does not match files");
    h.prioritize_files(mapped);
    await_priorities(h, ti->files(), mapped);
    // New file priorities reset piece priorities: first/last again.
    bool first_last = false;
    {
      std::lock_guard<std::mutex> lock(m_mutex);
      first_last = m_first_last.count(to_std(id)) > 0;
    }
    if (first_last)
      apply_first_last(h, true);
  });
}

bool Session::set_limits(rust::Str id, std::int32_t download,
                         std::int32_t upload) const {
  return with_torrent(id, [&](lt::torrent_handle const &h) {
    h.set_download_limit(download > 0 ? download : -1);
    h.set_upload_limit(upload > 0 ? upload : -1);
  });
}

bool Session::set_max_connections(rust::Str id, std::int32_t n) const {
  return with_torrent(id, [&](lt::torrent_handle const &h) {
    h.set_max_connections(n > 0 ? n : -1);
  });
}

bool Session::move_storage(rust::Str id, rust::Str path) const {
  return with_torrent(id, [&](lt::torrent_handle const &h) {
    h.move_storage(to_std(path));
  });
}

bool Session::connect_peer(rust::Str id, rust::Str ip,
                           std::uint16_t port) const {
  return with_torrent(id, [&](lt::torrent_handle const &h) {
    lt::error_code ec;
    lt::address const addr = lt::make_address(to_std(ip), ec);
    if (ec)
      throw std::invalid_argument("invalid peer address: " + ec.message());
    h.connect_peer(lt::tcp::endpoint(addr, port));
  });
}

bool Session::save_resume_data(rust::Str id, bool only_if_modified,
                               bool flush) const {
  return with_torrent(id, [&](lt::torrent_handle const &h) {
    lt::resume_data_flags_t flags = lt::torrent_handle::save_info_dict;
    // Why optional: in libtorrent 2.0 flushing releases the torrent's open
    // files, too costly for the frequent saves of a running download.
    if (flush)
      flags |= lt::torrent_handle::flush_disk_cache;
    if (only_if_modified)
      flags |= lt::torrent_handle::only_if_modified;
    h.save_resume_data(flags);
  });
}

void Session::post_torrent_updates() const {
  m_ses.post_torrent_updates(kStatusFlags);
}

// ---------------------------------------------------------------------------
// queries

bool Session::status(rust::Str id, TorrentStatusFfi &out) const {
  return with_torrent(id, [&](lt::torrent_handle const &h) {
    out = to_ffi(h.status(kStatusFlags));
  });
}

rust::Vec<TorrentStatusFfi> Session::statuses() const {
  rust::Vec<TorrentStatusFfi> out;
  auto const all = m_ses.get_torrent_status(
      [](lt::torrent_status const &) { return true; }, kStatusFlags);
  out.reserve(all.size());
  for (auto const &st : all)
    out.push_back(to_ffi(st));
  return out;
}

bool Session::files(rust::Str id, rust::Vec<FileEntryFfi> &out) const {
  return with_torrent(id, [&](lt::torrent_handle const &h) {
    auto ti = h.torrent_file();
    if (!ti)
      return;
    auto const &fs = ti->files();
    std::vector<std::int64_t> const progress = h.file_progress();
    std::vector<lt::download_priority_t> const prios = h.get_file_priorities();
    std::uint32_t visible = 0;
    for (auto const i : fs.file_range()) {
      if (fs.pad_file_at(i))
        continue;
      FileEntryFfi f = file_entry(fs, i, visible++);
      auto const idx = static_cast<std::size_t>(static_cast<int>(i));
      if (idx < progress.size())
        f.downloaded = progress[idx];
      if (idx < prios.size())
        f.priority = static_cast<std::uint8_t>(prios[idx]);
      out.push_back(std::move(f));
    }
  });
}

bool Session::piece_states(rust::Str id, rust::Vec<std::uint8_t> &out) const {
  return with_torrent(id, [&](lt::torrent_handle const &h) {
    lt::torrent_status const st = h.status(lt::torrent_handle::query_pieces);
    int const n = st.pieces.size();
    out.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i)
      out.push_back(st.pieces.get_bit(lt::piece_index_t(i)) ? 2 : 0);
    std::vector<lt::partial_piece_info> queue;
    h.get_download_queue(queue);
    for (auto const &p : queue) {
      auto const idx = static_cast<std::size_t>(static_cast<int>(p.piece_index));
      if (idx < out.size() && out[idx] == 0)
        out[idx] = 1;
    }
  });
}

bool Session::trackers(rust::Str id, rust::Vec<TrackerFfi> &out) const {
  return with_torrent(id, [&](lt::torrent_handle const &h) {
    for (auto const &ae : h.trackers()) {
      TrackerFfi t{};
      t.url = rust::String::lossy(ae.url);
      t.tier = ae.tier;
      t.verified = ae.verified;
      std::string message;
      std::string error;
      for (auto const &ep : ae.endpoints) {
        for (auto const &ih : ep.info_hashes) {
          t.updating = t.updating || ih.updating;
          t.fails = std::max<std::int32_t>(t.fails, ih.fails);
          if (message.empty() && !ih.message.empty())
            message = ih.message;
          if (error.empty() && ih.last_error)
            error = ih.last_error.message();
        }
      }
      t.message = rust::String::lossy(message);
      t.error = rust::String::lossy(error);
      out.push_back(std::move(t));
    }
  });
}

bool Session::peers(rust::Str id, rust::Vec<PeerFfi> &out) const {
  return with_torrent(id, [&](lt::torrent_handle const &h) {
    std::vector<lt::peer_info> infos;
    h.get_peer_info(infos);
    for (auto const &pi : infos) {
      PeerFfi p{};
      p.ip = rust::String::lossy(pi.ip.address().to_string());
      p.port = pi.ip.port();
      p.client = rust::String::lossy(pi.client);
      p.progress = pi.progress;
      p.down_rate = pi.down_speed;
      p.up_rate = pi.up_speed;
      p.total_down = pi.total_download;
      p.total_up = pi.total_upload;
      p.is_seed = static_cast<bool>(pi.flags & lt::peer_info::seed);
      p.utp = static_cast<bool>(pi.flags & lt::peer_info::utp_socket);
      out.push_back(std::move(p));
    }
  });
}

bool Session::magnet_uri(rust::Str id, rust::String &out) const {
  return with_torrent(id, [&](lt::torrent_handle const &h) {
    out = rust::String::lossy(lt::make_magnet_uri(h));
  });
}

rust::Vec<rust::String> Session::torrent_ids() const {
  rust::Vec<rust::String> out;
  for (auto const &h : m_ses.get_torrents()) {
    std::string id = id_of(h.info_hashes());
    if (!id.empty())
      out.push_back(rust::String(id));
  }
  return out;
}

} // namespace revaer_lt
