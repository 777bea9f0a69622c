// Conversions between libtorrent types and the bridge's shared structs.
#include "libtorrent-sys/cpp/convert.h"
#include "libtorrent-sys/src/bridge.rs.h"

#include <cstddef>

#include <libtorrent/torrent_info.hpp>

namespace revaer_lt {
namespace detail {

std::string to_std(rust::Str s) { return std::string(s.data(), s.size()); }

lt::span<char const> as_span(rust::Slice<const std::uint8_t> data) {
  return {reinterpret_cast<char const *>(data.data()),
          static_cast<std::ptrdiff_t>(data.size())};
}

namespace {

std::string to_hex(lt::sha1_hash const &h) {
  static char const digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(lt::sha1_hash::size() * 2);
  for (std::size_t i = 0; i < lt::sha1_hash::size(); ++i) {
    auto const b = static_cast<unsigned char>(h.data()[i]);
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 0xf]);
  }
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

} // namespace

// Torrent id: the v1 (SHA-1) info hash, or the truncated v2 hash for
// v2-only torrents -- the same key libtorrent's find_torrent() indexes by.
std::string id_of(lt::info_hash_t const &ih) {
  if (ih.has_v1())
    return to_hex(ih.v1);
  if (ih.has_v2())
    return to_hex(ih.get_best());
  return {};
}

bool parse_id(rust::Str id, lt::sha1_hash &out) {
  if (id.size() != lt::sha1_hash::size() * 2)
    return false;
  char const *p = id.data();
  for (std::size_t i = 0; i < lt::sha1_hash::size(); ++i) {
    int const hi = hex_value(p[2 * i]);
    int const lo = hex_value(p[2 * i + 1]);
    if (hi < 0 || lo < 0)
      return false;
    out.data()[i] = static_cast<char>((hi << 4) | lo);
  }
  return true;
}

// Number of files a user sees: libtorrent 2.0 inserts pad files to align
// files to pieces (always for v2/hybrid torrents); we hide those.
std::int32_t visible_files(lt::file_storage const &fs) {
  std::int32_t n = 0;
  for (auto const i : fs.file_range())
    if (!fs.pad_file_at(i))
      ++n;
  return n;
}

// Maps priorities indexed by visible file to libtorrent's file indices.
// Returns false if the count does not match.
bool map_priorities(lt::file_storage const &fs,
                    std::vector<std::uint8_t> const &prios,
                    std::vector<lt::download_priority_t> &out) {
  out.assign(static_cast<std::size_t>(fs.num_files()), lt::dont_download);
  std::size_t v = 0;
  for (auto const i : fs.file_range()) {
    if (fs.pad_file_at(i))
      continue;
    if (v >= prios.size())
      return false;
    out[static_cast<std::size_t>(static_cast<int>(i))] =
        lt::download_priority_t{prios[v++]};
  }
  return v == prios.size();
}

std::int64_t payload_size(lt::file_storage const &fs) {
  std::int64_t total = 0;
  for (auto const i : fs.file_range())
    if (!fs.pad_file_at(i))
      total += fs.file_size(i);
  return total;
}

TorrentStatusFfi to_ffi(lt::torrent_status const &st) {
  TorrentStatusFfi o{};
  o.id = rust::String(id_of(st.info_hashes));
  o.name = rust::String::lossy(st.name);
  o.state = static_cast<std::uint8_t>(st.state);
  o.paused = static_cast<bool>(st.flags & lt::torrent_flags::paused);
  o.auto_managed = static_cast<bool>(st.flags & lt::torrent_flags::auto_managed);
  o.sequential =
      static_cast<bool>(st.flags & lt::torrent_flags::sequential_download);
  o.super_seeding =
      static_cast<bool>(st.flags & lt::torrent_flags::super_seeding);
  o.has_metadata = st.has_metadata;
  o.is_finished = st.is_finished;
  o.is_seeding = st.is_seeding;
  o.moving_storage = st.moving_storage;
  o.need_save_resume = st.need_save_resume;
  o.progress = st.progress;
  o.download_rate = st.download_payload_rate;
  o.upload_rate = st.upload_payload_rate;
  o.total_done = st.total_done;
  o.total_wanted = st.total_wanted;
  o.total_wanted_done = st.total_wanted_done;
  if (auto const ti = st.torrent_file.lock())
    o.total_size = payload_size(ti->files());
  o.all_time_download = st.all_time_download;
  o.all_time_upload = st.all_time_upload;
  o.seeding_secs = lt::total_seconds(st.seeding_duration);
  o.total_payload_download = st.total_payload_download;
  o.total_payload_upload = st.total_payload_upload;
  o.num_peers = st.num_peers;
  o.num_seeds = st.num_seeds;
  o.list_peers = st.list_peers;
  o.list_seeds = st.list_seeds;
  o.num_complete = st.num_complete;
  o.num_incomplete = st.num_incomplete;
  o.save_path = rust::String::lossy(st.save_path);
  if (st.errc)
    o.error = rust::String::lossy(st.errc.message());
  o.current_tracker = rust::String::lossy(st.current_tracker);
  o.added_time = static_cast<std::int64_t>(st.added_time);
  o.completed_time = static_cast<std::int64_t>(st.completed_time);
  o.active_duration = static_cast<std::int64_t>(st.active_duration.count());
  o.seeding_duration = static_cast<std::int64_t>(st.seeding_duration.count());
  o.finished_duration =
      static_cast<std::int64_t>(st.finished_duration.count());
  o.queue_position = static_cast<std::int32_t>(st.queue_position);
  return o;
}

FileEntryFfi file_entry(lt::file_storage const &fs, lt::file_index_t i,
                        std::uint32_t visible_index) {
  FileEntryFfi f{};
  f.index = visible_index;
  f.path = rust::String::lossy(fs.file_path(i));
  f.size = fs.file_size(i);
  f.downloaded = 0;
  f.priority = static_cast<std::uint8_t>(lt::default_priority);
  // The pieces holding the file's first and last byte (an empty file: the
  // piece where it would start), as qBittorrent's piece_range.
  std::int64_t const last_byte = f.size > 0 ? f.size - 1 : 0;
  f.first_piece = static_cast<std::int32_t>(fs.map_file(i, 0, 0).piece);
  f.last_piece = static_cast<std::int32_t>(fs.map_file(i, last_byte, 0).piece);
  return f;
}

// lt::socket_type_name() is declared in the headers but not exported from
// the shared library, so we keep our own table.
char const *socket_name(lt::socket_type_t t) {
  switch (t) {
  case lt::socket_type_t::tcp:
    return "TCP";
  case lt::socket_type_t::socks5:
    return "Socks5";
  case lt::socket_type_t::http:
    return "HTTP";
  case lt::socket_type_t::utp:
    return "uTP";
  case lt::socket_type_t::i2p:
    return "I2P";
  case lt::socket_type_t::tcp_ssl:
    return "SSL/TCP";
  case lt::socket_type_t::socks5_ssl:
    return "SSL/Socks5";
  case lt::socket_type_t::http_ssl:
    return "HTTPS";
  case lt::socket_type_t::utp_ssl:
    return "SSL/uTP";
  }
  return "unknown";
}

std::string error_text(lt::error_code const &ec) {
  return ec ? ec.message() : std::string();
}

} // namespace detail
} // namespace revaer_lt
