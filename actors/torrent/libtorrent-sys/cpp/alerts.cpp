// Copying alerts into owned AlertFfi values. Alert pointers die at the next
// pop_alerts(), so nothing here may keep a reference to them.
#include "libtorrent-sys/cpp/convert.h"
#include "libtorrent-sys/cpp/shim.h"
#include "libtorrent-sys/src/bridge.rs.h"

#include <string>
#include <vector>

#include <libtorrent/alert_types.hpp>
#include <libtorrent/torrent_info.hpp>
#include <libtorrent/write_resume_data.hpp>

namespace revaer_lt {
using namespace detail;

namespace {

// Adds, state changes, pauses, checks and removals.
bool fill_lifecycle(lt::alert const *a, AlertFfi &o) {
  switch (a->type()) {
  case lt::add_torrent_alert::alert_type: {
    auto const *x = static_cast<lt::add_torrent_alert const *>(a);
    o.kind = AlertKind::AddTorrent;
    o.error = rust::String::lossy(error_text(x->error));
    if (o.torrent_id.empty())
      o.torrent_id = rust::String(
          id_of(x->params.ti ? x->params.ti->info_hashes()
                             : x->params.info_hashes));
    break;
  }
  case lt::metadata_failed_alert::alert_type: {
    auto const *x = static_cast<lt::metadata_failed_alert const *>(a);
    o.kind = AlertKind::MetadataFailed;
    o.error = rust::String::lossy(error_text(x->error));
    break;
  }
  case lt::state_changed_alert::alert_type: {
    auto const *x = static_cast<lt::state_changed_alert const *>(a);
    o.kind = AlertKind::StateChanged;
    o.old_state = static_cast<std::uint8_t>(x->prev_state);
    o.new_state = static_cast<std::uint8_t>(x->state);
    break;
  }
  case lt::torrent_finished_alert::alert_type:
    o.kind = AlertKind::TorrentFinished;
    break;
  case lt::torrent_paused_alert::alert_type:
    o.kind = AlertKind::TorrentPaused;
    break;
  case lt::torrent_resumed_alert::alert_type:
    o.kind = AlertKind::TorrentResumed;
    break;
  case lt::torrent_checked_alert::alert_type:
    o.kind = AlertKind::TorrentChecked;
    break;
  case lt::torrent_removed_alert::alert_type: {
    auto const *x = static_cast<lt::torrent_removed_alert const *>(a);
    o.kind = AlertKind::TorrentRemoved;
    o.torrent_id = rust::String(id_of(x->info_hashes));
    break;
  }
  case lt::torrent_deleted_alert::alert_type: {
    auto const *x = static_cast<lt::torrent_deleted_alert const *>(a);
    o.kind = AlertKind::TorrentDeleted;
    o.torrent_id = rust::String(id_of(x->info_hashes));
    break;
  }
  case lt::torrent_delete_failed_alert::alert_type: {
    auto const *x = static_cast<lt::torrent_delete_failed_alert const *>(a);
    o.kind = AlertKind::TorrentDeleteFailed;
    o.torrent_id = rust::String(id_of(x->info_hashes));
    o.error = rust::String::lossy(error_text(x->error));
    break;
  }
  default:
    return false;
  }
  return true;
}

// Per-torrent failures: disk, resume data, trackers and bad pieces.
bool fill_failure(lt::alert const *a, AlertFfi &o) {
  switch (a->type()) {
  case lt::torrent_error_alert::alert_type: {
    auto const *x = static_cast<lt::torrent_error_alert const *>(a);
    o.kind = AlertKind::TorrentError;
    o.error = rust::String::lossy(error_text(x->error));
    o.path = rust::String::lossy(x->filename());
    break;
  }
  case lt::file_error_alert::alert_type: {
    auto const *x = static_cast<lt::file_error_alert const *>(a);
    o.kind = AlertKind::FileError;
    o.error = rust::String::lossy(error_text(x->error));
    o.path = rust::String::lossy(x->filename());
    break;
  }
  case lt::fastresume_rejected_alert::alert_type: {
    auto const *x = static_cast<lt::fastresume_rejected_alert const *>(a);
    o.kind = AlertKind::FastresumeRejected;
    o.error = rust::String::lossy(error_text(x->error));
    o.path = rust::String::lossy(x->file_path());
    break;
  }
  case lt::save_resume_data_failed_alert::alert_type: {
    auto const *x = static_cast<lt::save_resume_data_failed_alert const *>(a);
    o.kind = AlertKind::SaveResumeDataFailed;
    o.error = rust::String::lossy(error_text(x->error));
    break;
  }
  case lt::tracker_error_alert::alert_type: {
    auto const *x = static_cast<lt::tracker_error_alert const *>(a);
    o.kind = AlertKind::TrackerError;
    o.url = rust::String::lossy(x->tracker_url());
    std::string err = error_text(x->error);
    std::string const reason = x->failure_reason();
    if (!reason.empty())
      err = err.empty() ? reason : err + ": " + reason;
    o.error = rust::String::lossy(err);
    break;
  }
  case lt::hash_failed_alert::alert_type: {
    auto const *x = static_cast<lt::hash_failed_alert const *>(a);
    o.kind = AlertKind::HashFailed;
    o.piece = static_cast<std::int32_t>(x->piece_index);
    break;
  }
  default:
    return false;
  }
  return true;
}

// Resume data, storage moves and the periodic status batch.
bool fill_storage(lt::alert const *a, AlertFfi &o) {
  switch (a->type()) {
  case lt::save_resume_data_alert::alert_type: {
    auto const *x = static_cast<lt::save_resume_data_alert const *>(a);
    o.kind = AlertKind::SaveResumeData;
    std::vector<char> const buf = lt::write_resume_data_buf(x->params);
    o.data.reserve(buf.size());
    for (char c : buf)
      o.data.push_back(static_cast<std::uint8_t>(c));
    break;
  }
  case lt::state_update_alert::alert_type: {
    auto const *x = static_cast<lt::state_update_alert const *>(a);
    o.kind = AlertKind::StateUpdate;
    o.statuses.reserve(x->status.size());
    for (auto const &st : x->status)
      o.statuses.push_back(to_ffi(st));
    break;
  }
  case lt::storage_moved_alert::alert_type: {
    auto const *x = static_cast<lt::storage_moved_alert const *>(a);
    o.kind = AlertKind::StorageMoved;
    o.path = rust::String::lossy(x->storage_path());
    break;
  }
  case lt::storage_moved_failed_alert::alert_type: {
    auto const *x = static_cast<lt::storage_moved_failed_alert const *>(a);
    o.kind = AlertKind::StorageMovedFailed;
    o.path = rust::String::lossy(x->file_path());
    o.error = rust::String::lossy(error_text(x->error));
    break;
  }
  default:
    return false;
  }
  return true;
}

// Listen sockets and performance warnings.
bool fill_network(lt::alert const *a, AlertFfi &o) {
  switch (a->type()) {
  case lt::listen_succeeded_alert::alert_type: {
    auto const *x = static_cast<lt::listen_succeeded_alert const *>(a);
    o.kind = AlertKind::ListenSucceeded;
    o.address = rust::String::lossy(x->address.to_string());
    o.port = static_cast<std::uint16_t>(x->port);
    o.socket = rust::String::lossy(socket_name(x->socket_type));
    break;
  }
  case lt::listen_failed_alert::alert_type: {
    auto const *x = static_cast<lt::listen_failed_alert const *>(a);
    o.kind = AlertKind::ListenFailed;
    o.address = rust::String::lossy(x->address.to_string());
    o.port = static_cast<std::uint16_t>(x->port);
    o.socket = rust::String::lossy(socket_name(x->socket_type));
    o.error = rust::String::lossy(error_text(x->error));
    break;
  }
  case lt::performance_alert::alert_type:
    o.kind = AlertKind::PerformanceWarning;
    break;
  default:
    return false;
  }
  return true;
}

// The fields every alert has: its kind (Other until a filler knows it), its
// text and, for torrent alerts, the torrent's id and handle.
AlertFfi base_fields(lt::alert const *a, lt::torrent_handle &handle) {
  AlertFfi o{};
  o.kind = AlertKind::Other;
  o.what = rust::String::lossy(a->what());
  o.message = rust::String::lossy(a->message());
  if (auto const *ta = dynamic_cast<lt::torrent_alert const *>(a)) {
    handle = ta->handle;
    o.torrent_id = rust::String(id_of(handle.info_hashes()));
  }
  return o;
}

} // namespace

rust::Vec<AlertFfi> Session::pop_alerts() const {
  std::lock_guard<std::mutex> alert_lock(m_alert_mutex);
  std::vector<lt::alert *> alerts;
  m_ses.pop_alerts(&alerts);

  rust::Vec<AlertFfi> out;
  out.reserve(alerts.size());
  for (lt::alert const *a : alerts) {
    if (auto const *s = lt::alert_cast<lt::session_stats_alert>(a)) {
      auto const counters = s->counters();
      if (m_dht_nodes_idx >= 0 && m_dht_nodes_idx < counters.size())
        m_dht_nodes.store(counters[m_dht_nodes_idx]);
      continue;
    }

    lt::torrent_handle handle;
    AlertFfi o = base_fields(a, handle);
    if (a->type() == lt::metadata_received_alert::alert_type) {
      // Needs the session: layout and priorities asked for before the
      // metadata arrived.
      o.kind = AlertKind::MetadataReceived;
      on_metadata(handle, std::string(o.torrent_id));
    } else if (!fill_lifecycle(a, o) && !fill_failure(a, o) &&
               !fill_storage(a, o)) {
      fill_network(a, o);
    }
    out.push_back(std::move(o));
  }
  return out;
}

bool Session::wait_for_alert(std::int32_t timeout_ms) const {
  return m_ses.wait_for_alert(lt::milliseconds(timeout_ms < 0 ? 0 : timeout_ms)) !=
         nullptr;
}

} // namespace revaer_lt
