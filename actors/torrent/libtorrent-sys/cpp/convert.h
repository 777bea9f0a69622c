// Internal helpers shared by the shim's translation units: torrent ids,
// pad-file-aware file indexing, and copying libtorrent values into the
// bridge's shared structs. Not part of the cxx bridge.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <libtorrent/download_priority.hpp>
#include <libtorrent/error_code.hpp>
#include <libtorrent/file_storage.hpp>
#include <libtorrent/info_hash.hpp>
#include <libtorrent/socket_type.hpp>
#include <libtorrent/span.hpp>
#include <libtorrent/torrent_status.hpp>

#include "rust/cxx.h"

namespace revaer_lt {

struct TorrentStatusFfi;
struct FileEntryFfi;

namespace detail {

std::string to_std(rust::Str s);
lt::span<char const> as_span(rust::Slice<const std::uint8_t> data);

// Torrent id: hex of the v1 hash, else of the truncated v2 hash; empty if
// the torrent has neither (e.g. an invalid handle).
std::string id_of(lt::info_hash_t const &ih);
// Parses a 40-digit hex id (any case); false if malformed.
bool parse_id(rust::Str id, lt::sha1_hash &out);

// Files as users see them: libtorrent 2.0 inserts pad files to align files
// to pieces (always for v2/hybrid torrents); these helpers skip them and
// number the remaining files 0..n ("visible index").
std::int32_t visible_files(lt::file_storage const &fs);
std::int64_t payload_size(lt::file_storage const &fs);
// Maps priorities indexed by visible file to libtorrent file indices (pad
// files get 0). False if the count does not match.
bool map_priorities(lt::file_storage const &fs,
                    std::vector<std::uint8_t> const &prios,
                    std::vector<lt::download_priority_t> &out);
FileEntryFfi file_entry(lt::file_storage const &fs, lt::file_index_t i,
                        std::uint32_t visible_index);

TorrentStatusFfi to_ffi(lt::torrent_status const &st);

char const *socket_name(lt::socket_type_t t);
std::string error_text(lt::error_code const &ec);

} // namespace detail
} // namespace revaer_lt
