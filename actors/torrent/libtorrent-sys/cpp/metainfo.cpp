// Session-less helpers: magnet/.torrent parsing and torrent creation.
#include "libtorrent-sys/cpp/convert.h"
#include "libtorrent-sys/cpp/shim.h"
#include "libtorrent-sys/src/bridge.rs.h"

#include <stdexcept>
#include <string>
#include <vector>

#include <libtorrent/add_torrent_params.hpp>
#include <libtorrent/announce_entry.hpp>
#include <libtorrent/create_torrent.hpp>
#include <libtorrent/magnet_uri.hpp>
#include <libtorrent/torrent_info.hpp>

namespace revaer_lt {
using namespace detail;

MagnetFfi parse_magnet(rust::Str uri) {
  lt::error_code ec;
  lt::add_torrent_params atp = lt::parse_magnet_uri(to_std(uri), ec);
  if (ec)
    throw std::invalid_argument("invalid magnet URI: " + ec.message());
  MagnetFfi m{};
  m.id = rust::String(id_of(atp.info_hashes));
  m.name = rust::String::lossy(atp.name);
  for (auto const &t : atp.trackers)
    m.trackers.push_back(rust::String::lossy(t));
  return m;
}

MetaFfi parse_torrent(rust::Slice<const std::uint8_t> data) {
  lt::error_code ec;
  lt::torrent_info const ti(as_span(data), ec, lt::from_span);
  if (ec)
    throw std::invalid_argument("invalid .torrent: " + ec.message());
  MetaFfi m{};
  m.id = rust::String(id_of(ti.info_hashes()));
  m.name = rust::String::lossy(ti.name());
  m.comment = rust::String::lossy(ti.comment());
  m.has_v1 = ti.info_hashes().has_v1();
  m.has_v2 = ti.info_hashes().has_v2();
  auto const &fs = ti.files();
  m.total_size = payload_size(fs);
  m.piece_length = ti.piece_length();
  m.num_pieces = ti.num_pieces();
  std::uint32_t visible = 0;
  for (auto const i : fs.file_range())
    if (!fs.pad_file_at(i))
      m.files.push_back(file_entry(fs, i, visible++));
  for (auto const &ae : ti.trackers())
    m.trackers.push_back(rust::String::lossy(ae.url));
  return m;
}

rust::String make_magnet(rust::Slice<const std::uint8_t> data) {
  lt::error_code ec;
  lt::torrent_info const ti(as_span(data), ec, lt::from_span);
  if (ec)
    throw std::invalid_argument("invalid .torrent: " + ec.message());
  return rust::String::lossy(lt::make_magnet_uri(ti));
}

rust::Vec<std::uint8_t> create_torrent(rust::Str path, rust::Str parent,
                                       std::int32_t piece_size,
                                       rust::Slice<const rust::String> trackers,
                                       rust::Str comment) {
  lt::file_storage fs;
  std::string const full = to_std(path);
  lt::add_files(fs, full);
  if (fs.num_files() == 0)
    throw std::invalid_argument("no files found under " + full);
  lt::create_torrent t(fs, piece_size);
  int tier = 0;
  for (auto const &url : trackers)
    t.add_tracker(std::string(url), tier++);
  if (!comment.empty())
    t.set_comment(to_std(comment).c_str());
  t.set_creator("Revaer");
  lt::error_code ec;
  lt::set_piece_hashes(t, to_std(parent), ec);
  if (ec)
    throw std::runtime_error("hashing " + full + " failed: " + ec.message());
  std::vector<char> const buf = t.generate_buf();
  rust::Vec<std::uint8_t> out;
  out.reserve(buf.size());
  for (char c : buf)
    out.push_back(static_cast<std::uint8_t>(c));
  return out;
}

} // namespace revaer_lt
