// Session lifecycle and adding torrents (magnet, .torrent, resume data);
// per-torrent commands and queries are in torrent.cpp.
#include "libtorrent-sys/cpp/convert.h"
#include "libtorrent-sys/cpp/layout.h"
#include "libtorrent-sys/cpp/shim.h"
#include "libtorrent-sys/src/bridge.rs.h"

#include <algorithm>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <utility>

#include <libtorrent/add_torrent_params.hpp>
#include <libtorrent/announce_entry.hpp>
#include <libtorrent/error_code.hpp>
#include <libtorrent/extensions/smart_ban.hpp>
#include <libtorrent/extensions/ut_metadata.hpp>
#include <libtorrent/extensions/ut_pex.hpp>
#include <libtorrent/magnet_uri.hpp>
#include <libtorrent/peer_info.hpp>
#include <libtorrent/read_resume_data.hpp>
#include <libtorrent/session_params.hpp>
#include <libtorrent/session_stats.hpp>
#include <libtorrent/settings_pack.hpp>
#include <libtorrent/torrent_info.hpp>
#include <libtorrent/torrent_status.hpp>

namespace revaer_lt {
using namespace detail;
namespace {

// AddOutcome::code values; mirrored by the Rust side (src/session.rs).
constexpr std::uint8_t kAddOk = 0;
constexpr std::uint8_t kAddDuplicate = 1;
constexpr std::uint8_t kAddMalformed = 2;
constexpr std::uint8_t kAddInvalidArgument = 3;
constexpr std::uint8_t kAddFailed = 4;

// Alerts needed by the Rust side: add/remove/state/finish/pause (status),
// resume data, moves and deletes (storage), every failure (error), plus
// performance warnings and port-mapping results. Deliberately excludes the
// chatty peer/tracker/stats/debug categories.
lt::alert_category_t const kAlertMask =
    lt::alert_category::error | lt::alert_category::status |
    lt::alert_category::storage | lt::alert_category::performance_warning |
    lt::alert_category::port_mapping;

// Room for one alert per torrent several times over: restoring or saving
// 10,000 torrents posts tens of thousands of alerts between two pumps, and
// libtorrent's default (1,000) silently drops the rest (only an
// alerts_dropped_alert says so). The queue grows only when it is used.
constexpr int kAlertQueueSize = 200000;

// Adds the peers, trackers and web seeds a torrent's source names to what
// its resume data says, without duplicates: a magnet's x.pe hints may be its
// only peer source, and resume data does not always keep them.
void merge_source(lt::add_torrent_params &atp,
                  lt::add_torrent_params const &src) {
  for (auto const &peer : src.peers)
    if (std::find(atp.peers.begin(), atp.peers.end(), peer) == atp.peers.end())
      atp.peers.push_back(peer);
  if (!atp.tracker_tiers.empty())
    atp.tracker_tiers.resize(atp.trackers.size(), 0);
  for (std::size_t i = 0; i < src.trackers.size(); ++i) {
    auto const &url = src.trackers[i];
    if (std::find(atp.trackers.begin(), atp.trackers.end(), url) !=
        atp.trackers.end())
      continue;
    atp.trackers.push_back(url);
    if (!atp.tracker_tiers.empty())
      atp.tracker_tiers.push_back(
          i < src.tracker_tiers.size() ? src.tracker_tiers[i] : 0);
  }
  for (auto const &seed : src.url_seeds)
    if (std::find(atp.url_seeds.begin(), atp.url_seeds.end(), seed) ==
        atp.url_seeds.end())
      atp.url_seeds.push_back(seed);
}

lt::settings_pack make_pack(SessionConfig const &c) {
  using sp = lt::settings_pack;
  sp p;
  p.set_str(sp::listen_interfaces, std::string(c.listen_interfaces));
  p.set_bool(sp::enable_dht, c.enable_dht);
  p.set_bool(sp::enable_lsd, c.enable_lsd);
  p.set_bool(sp::enable_upnp, c.enable_upnp);
  p.set_bool(sp::enable_natpmp, c.enable_natpmp);
  int policy = sp::pe_enabled;
  if (c.encryption == 1)
    policy = sp::pe_forced;
  else if (c.encryption == 2)
    policy = sp::pe_disabled;
  p.set_int(sp::out_enc_policy, policy);
  p.set_int(sp::in_enc_policy, policy);
  p.set_int(sp::allowed_enc_level, sp::pe_both);
  // peer_protocol: 0 TCP and uTP, 1 TCP, 2 uTP, 3 prefer TCP (dial over
  // TCP, accept both: libtorrent dials uTP first whenever outgoing uTP is on).
  bool const tcp = c.peer_protocol != 2;
  bool const utp_in = c.peer_protocol != 1;
  bool const utp_out = c.peer_protocol == 0 || c.peer_protocol == 2;
  p.set_bool(sp::enable_outgoing_tcp, tcp);
  p.set_bool(sp::enable_incoming_tcp, tcp);
  p.set_bool(sp::enable_outgoing_utp, utp_out);
  p.set_bool(sp::enable_incoming_utp, utp_in);
  p.set_int(sp::active_downloads, c.active_downloads);
  p.set_int(sp::active_seeds, c.active_seeds);
  p.set_int(sp::active_limit, c.active_limit);
  p.set_int(sp::connections_limit, c.connections_limit);
  p.set_int(sp::download_rate_limit, c.download_rate_limit);
  p.set_int(sp::upload_rate_limit, c.upload_rate_limit);
  if (!c.user_agent.empty())
    p.set_str(sp::user_agent, std::string(c.user_agent));
  p.set_int(sp::alert_mask,
            static_cast<int>(static_cast<std::uint32_t>(kAlertMask)));
  p.set_int(sp::alert_queue_size, kAlertQueueSize);
  return p;
}

AddOutcome outcome(std::string const &id, std::uint8_t code,
                   std::string const &message) {
  AddOutcome o{};
  o.id = rust::String(id);
  o.code = code;
  o.message = rust::String::lossy(message);
  return o;
}

} // namespace

// ---------------------------------------------------------------------------
// session lifecycle and settings

Session::Session(SessionConfig const &cfg)
    // An explicit (empty) plugin list replaces libtorrent's defaults so PEX
    // can be left out; the wanted plugins are added right below, before any
    // torrent exists.
    : m_ses(lt::session_params(make_pack(cfg),
                               std::vector<std::shared_ptr<lt::plugin>>{})) {
  m_ses.add_extension(&lt::create_ut_metadata_plugin);
  if (cfg.enable_pex)
    m_ses.add_extension(&lt::create_ut_pex_plugin);
  m_ses.add_extension(&lt::create_smart_ban_plugin);
  m_dht_nodes_idx = lt::find_metric_idx("dht.dht_nodes");
}

Session::~Session() = default;

std::unique_ptr<Session> new_session(SessionConfig const &cfg) {
  return std::make_unique<Session>(cfg);
}

void Session::apply_settings(SessionConfig const &cfg) const {
  m_ses.apply_settings(make_pack(cfg));
}

std::uint16_t Session::listen_port() const { return m_ses.listen_port(); }

bool Session::is_listening() const { return m_ses.is_listening(); }

std::int64_t Session::dht_nodes() const {
  if (!m_ses.get_settings().get_bool(lt::settings_pack::enable_dht)) {
    m_dht_nodes.store(0);
    return 0;
  }
  // The counter arrives asynchronously in a session_stats_alert which
  // pop_alerts() consumes; request a fresh one for next time.
  m_ses.post_session_stats();
  return m_dht_nodes.load();
}

// ---------------------------------------------------------------------------
// adding torrents

AddOutcome Session::add(lt::add_torrent_params atp, AddParams const &p,
                        bool from_resume) const {
  if (!p.save_path.empty())
    atp.save_path = std::string(p.save_path);

  std::string id = id_of(atp.ti ? atp.ti->info_hashes() : atp.info_hashes);

  // Without this flag a duplicate add silently returns the existing handle.
  atp.flags |= lt::torrent_flags::duplicate_is_error;
  // A paused torrent must not be auto-managed or the queue resumes it.
  if (p.paused) {
    atp.flags |= lt::torrent_flags::paused;
    atp.flags &= ~lt::torrent_flags::auto_managed;
  } else {
    atp.flags &= ~lt::torrent_flags::paused;
    if (p.auto_managed)
      atp.flags |= lt::torrent_flags::auto_managed;
    else
      atp.flags &= ~lt::torrent_flags::auto_managed;
  }
  // Skip checking: the data is taken as complete and verified piece by
  // piece when peers ask for it (libtorrent ignores it without metadata).
  if (p.seed_mode)
    atp.flags |= lt::torrent_flags::seed_mode;
  if (p.sequential)
    atp.flags |= lt::torrent_flags::sequential_download;
  else
    atp.flags &= ~lt::torrent_flags::sequential_download;
  if (p.super_seeding)
    atp.flags |= lt::torrent_flags::super_seeding;
  else
    atp.flags &= ~lt::torrent_flags::super_seeding;
  atp.download_limit = p.download_limit > 0 ? p.download_limit : -1;
  atp.upload_limit = p.upload_limit > 0 ? p.upload_limit : -1;
  atp.max_connections = p.max_connections > 0 ? p.max_connections : -1;

  // Renamed before the first byte is written; a magnet's wait for its
  // metadata (on_metadata). Resume data with metadata brings its renames.
  bool const layout_pending = !atp.ti && p.content_layout != kLayoutOriginal;
  if (atp.ti && !from_resume)
    atp.renamed_files = layout_renames(atp.ti->files(), p.content_layout);

  std::vector<std::uint8_t> prios(p.file_priorities.begin(),
                                  p.file_priorities.end());
  bool pending = false;
  if (!prios.empty()) {
    if (atp.ti) {
      std::vector<lt::download_priority_t> mapped;
      if (!map_priorities(atp.ti->files(), prios, mapped))
        return outcome(id, kAddInvalidArgument,
                       "file_priorities has " + std::to_string(prios.size()) +
                           " entries but the torrent has " +
                           std::to_string(visible_files(atp.ti->files())) +
                           " files");
      atp.file_priorities = std::move(mapped);
    } else {
      // Magnet without metadata: file indices are unknown until the info
      // dictionary (and its pad files) arrives.
      atp.file_priorities.clear();
      pending = true;
    }
  }

  lt::error_code ec;
  lt::torrent_handle h = m_ses.add_torrent(std::move(atp), ec);
  if (ec) {
    if (ec == lt::errors::duplicate_torrent)
      return outcome(id, kAddDuplicate, ec.message());
    return outcome(id, kAddFailed, ec.message());
  }
  if (id.empty())
    id = id_of(h.info_hashes());

  {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (pending)
      m_pending_prios[id] = std::move(prios);
    if (layout_pending)
      m_pending_layout[id] = p.content_layout;
    if (p.first_last_piece)
      m_first_last.insert(id);
    if (p.paused && p.auto_managed)
      m_paused_auto_managed.insert(id);
  }
  // Metadata may have raced in between add_torrent() and the insert above.
  if ((pending || layout_pending) && h.torrent_file())
    on_metadata(h, id);
  else if (p.first_last_piece)
    apply_first_last(h, true);
  return outcome(id, kAddOk, {});
}

AddOutcome Session::add_magnet(rust::Str uri, AddParams const &p) const {
  lt::error_code ec;
  lt::add_torrent_params atp = lt::parse_magnet_uri(to_std(uri), ec);
  if (ec)
    return outcome({}, kAddMalformed, "invalid magnet URI: " + ec.message());
  return add(std::move(atp), p, false);
}

AddOutcome Session::add_torrent_file(rust::Slice<const std::uint8_t> data,
                                     AddParams const &p) const {
  lt::error_code ec;
  auto ti = std::make_shared<lt::torrent_info>(as_span(data), ec, lt::from_span);
  if (ec)
    return outcome({}, kAddMalformed, "invalid .torrent: " + ec.message());
  lt::add_torrent_params atp;
  atp.ti = std::move(ti);
  return add(std::move(atp), p, false);
}

AddOutcome Session::add_resume_data(rust::Slice<const std::uint8_t> data,
                                    rust::Str source_magnet,
                                    AddParams const &p) const {
  lt::error_code ec;
  lt::add_torrent_params atp = lt::read_resume_data(as_span(data), ec);
  if (ec)
    return outcome({}, kAddMalformed, "invalid resume data: " + ec.message());
  if (!source_magnet.empty()) {
    lt::error_code mec;
    lt::add_torrent_params const src =
        lt::parse_magnet_uri(to_std(source_magnet), mec);
    if (!mec)
      merge_source(atp, src);
  }
  auto const peers = static_cast<std::uint32_t>(atp.peers.size());
  auto const trackers = static_cast<std::uint32_t>(atp.trackers.size());
  AddOutcome o = add(std::move(atp), p, true);
  o.peers = peers;
  o.trackers = trackers;
  return o;
}

void Session::apply_pending_priorities(lt::torrent_handle const &h,
                                       std::string const &id,
                                       bool wait) const {
  std::vector<std::uint8_t> prios;
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    auto it = m_pending_prios.find(id);
    if (it == m_pending_prios.end())
      return;
    prios = std::move(it->second);
    m_pending_prios.erase(it);
  }
  auto ti = h.torrent_file();
  if (!ti)
    return;
  std::vector<lt::download_priority_t> mapped;
  if (!map_priorities(ti->files(), prios, mapped))
    return;
  h.prioritize_files(mapped);
  if (wait)
    await_priorities(h, ti->files(), mapped);
}

} // namespace revaer_lt
