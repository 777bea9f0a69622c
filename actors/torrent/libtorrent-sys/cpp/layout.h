// Content layout and first/last piece priorities, computed from a
// torrent's files; the Session methods that apply them are in layout.cpp.
// Not part of the cxx bridge.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <libtorrent/download_priority.hpp>
#include <libtorrent/file_storage.hpp>
#include <libtorrent/torrent_handle.hpp>
#include <libtorrent/units.hpp>

namespace revaer_lt {
namespace detail {

// AddParams::content_layout values; mirrored by the Rust side (types.rs).
constexpr std::uint8_t kLayoutOriginal = 0;
constexpr std::uint8_t kLayoutSubfolder = 1;
constexpr std::uint8_t kLayoutNoSubfolder = 2;

// The renames that give the files `layout` (qBittorrent's rules): Subfolder
// puts files that share no top folder into one named after the first file
// without its extension; NoSubfolder takes the top folder all files share
// away; Original renames nothing. Pad files are never written, so they are
// neither looked at nor renamed.
std::map<lt::file_index_t, std::string>
layout_renames(lt::file_storage const &fs, std::uint8_t layout);

// Piece priorities for the given file priorities (one per libtorrent file):
// every piece of a wanted file gets its file's priority, and with `on` the
// first and last 1% (at least one piece) of each wanted file gets the top
// priority, 7, as qBittorrent does. Pieces of skipped files stay 0.
std::vector<lt::download_priority_t>
first_last_priorities(lt::file_storage const &fs,
                      std::vector<lt::download_priority_t> const &files,
                      bool on);

// Blocks (at most 5 s) until libtorrent's disk thread has applied `wanted`
// file priorities (torrent.cpp).
void await_priorities(lt::torrent_handle const &h, lt::file_storage const &fs,
                      std::vector<lt::download_priority_t> const &wanted);

} // namespace detail
} // namespace revaer_lt
