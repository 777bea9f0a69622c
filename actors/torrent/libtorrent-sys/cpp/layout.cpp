// Content layout (renaming files at add or when a magnet's metadata
// arrives) and first/last piece priorities, with the Session methods that
// apply them.
#include "libtorrent-sys/cpp/layout.h"
#include "libtorrent-sys/cpp/convert.h"
#include "libtorrent-sys/cpp/shim.h"
#include "libtorrent-sys/src/bridge.rs.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstddef>
#include <string>
#include <thread>
#include <utility>

#include <libtorrent/torrent_info.hpp>

namespace revaer_lt {
using namespace detail;
namespace {

// The top folder every (non-pad) file lies in, or empty when they share
// none (a single-file torrent, or files directly in the save path).
std::string root_folder(lt::file_storage const &fs) {
  std::string root;
  bool first = true;
  for (auto const i : fs.file_range()) {
    if (fs.pad_file_at(i))
      continue;
    std::string const path = fs.file_path(i);
    auto const slash = path.find('/');
    if (slash == std::string::npos || slash == 0)
      return {};
    std::string const top = path.substr(0, slash);
    if (first)
      root = top;
    else if (top != root)
      return {};
    first = false;
  }
  return root;
}

// Two-part suffixes that name one file type; qBittorrent strips them whole
// (it asks its MIME database), so "backup.tar.gz" goes into "backup".
constexpr char const *kCompoundSuffixes[] = {
    ".tar.gz", ".tar.bz2", ".tar.xz", ".tar.zst", ".tar.lz", ".tar.lzma",
    ".tar.lz4", ".tar.z"};

bool ends_with_nocase(std::string const &s, std::string const &suffix) {
  if (suffix.size() > s.size())
    return false;
  return std::equal(suffix.rbegin(), suffix.rend(), s.rbegin(),
                    [](char a, char b) {
                      return a == std::tolower(static_cast<unsigned char>(b));
                    });
}

// "Show.S01E01.mkv" -> "Show.S01E01", "backup.tar.gz" -> "backup"; a name
// without an extension (or a dotfile) stays as it is.
std::string without_extension(std::string const &path) {
  auto const slash = path.rfind('/');
  auto const name_start = slash == std::string::npos ? 0 : slash + 1;
  for (char const *suffix : kCompoundSuffixes) {
    std::string const s(suffix);
    if (ends_with_nocase(path, s) && path.size() - s.size() > name_start)
      return path.substr(0, path.size() - s.size());
  }
  auto const dot = path.rfind('.');
  if (dot == std::string::npos || dot <= name_start)
    return path;
  return path.substr(0, dot);
}

// Waits (bounded) until libtorrent's disk thread has renamed every file in
// `renames`: the file list read straight after (content path, files event)
// must show the new names.
void await_renames(lt::torrent_handle const &h,
                   std::map<lt::file_index_t, std::string> const &renames) {
  auto const deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(5);
  auto pause = std::chrono::milliseconds(1);
  for (;;) {
    auto const ti = h.torrent_file();
    if (!ti)
      return;
    bool done = true;
    for (auto const &[index, path] : renames)
      done = done && ti->files().file_path(index) == path;
    if (done || std::chrono::steady_clock::now() > deadline)
      return;
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(50));
  }
}

} // namespace

namespace detail {

std::map<lt::file_index_t, std::string>
layout_renames(lt::file_storage const &fs, std::uint8_t layout) {
  std::map<lt::file_index_t, std::string> out;
  std::string const root = root_folder(fs);
  std::string prefix;
  if (layout == kLayoutSubfolder && root.empty()) {
    for (auto const i : fs.file_range()) {
      if (!fs.pad_file_at(i)) {
        prefix = without_extension(fs.file_path(i)) + "/";
        break;
      }
    }
  } else if (layout != kLayoutNoSubfolder || root.empty()) {
    return out;
  }
  for (auto const i : fs.file_range()) {
    if (fs.pad_file_at(i))
      continue;
    std::string const path = fs.file_path(i);
    out[i] = prefix.empty() ? path.substr(root.size() + 1) : prefix + path;
  }
  return out;
}

std::vector<lt::download_priority_t>
first_last_priorities(lt::file_storage const &fs,
                      std::vector<lt::download_priority_t> const &files,
                      bool on) {
  std::vector<lt::download_priority_t> pieces(
      static_cast<std::size_t>(fs.num_pieces()), lt::dont_download);
  std::int64_t const piece_length = fs.piece_length();
  for (auto const i : fs.file_range()) {
    auto const idx = static_cast<std::size_t>(static_cast<int>(i));
    std::int64_t const size = fs.file_size(i);
    if (fs.pad_file_at(i) || size <= 0 || idx >= files.size() ||
        files[idx] == lt::dont_download)
      continue;
    auto const first =
        static_cast<std::size_t>(fs.file_offset(i) / piece_length);
    auto const last = static_cast<std::size_t>(
        (fs.file_offset(i) + size - 1) / piece_length);
    for (std::size_t p = first; p <= last && p < pieces.size(); ++p)
      pieces[p] = std::max(pieces[p], files[idx]);
    if (!on)
      continue;
    // qBittorrent's reach: 1% of the file at each end (a media index may
    // sit there), at least one piece.
    auto const edge = static_cast<std::size_t>(
        std::max<std::int64_t>(1, (size / 100 + piece_length - 1) / piece_length));
    for (std::size_t k = 0; k < edge && first + k <= last; ++k) {
      pieces[first + k] = lt::top_priority;
      pieces[last - k] = lt::top_priority;
    }
  }
  return pieces;
}

} // namespace detail

void Session::apply_first_last(lt::torrent_handle const &h, bool on) const {
  auto const ti = h.torrent_file();
  if (!ti)
    return;
  h.prioritize_pieces(
      first_last_priorities(ti->files(), h.get_file_priorities(), on));
}

void Session::rename_for_layout(lt::torrent_handle const &h,
                                std::uint8_t layout) const {
  auto const ti = h.torrent_file();
  if (!ti)
    return;
  auto const renames = layout_renames(ti->files(), layout);
  for (auto const &[index, path] : renames)
    h.rename_file(index, path);
  await_renames(h, renames);
}

// A magnet's metadata arrived: the layout, file priorities and first/last
// piece priorities asked for before are applied now, in that order (file
// priorities reset piece priorities, so first/last comes after them).
void Session::on_metadata(lt::torrent_handle const &h,
                          std::string const &id) const {
  std::uint8_t layout = kLayoutOriginal;
  bool first_last = false;
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    auto const it = m_pending_layout.find(id);
    if (it != m_pending_layout.end()) {
      layout = it->second;
      m_pending_layout.erase(it);
    }
    first_last = m_first_last.count(id) > 0;
  }
  rename_for_layout(h, layout);
  apply_pending_priorities(h, id, first_last);
  if (first_last)
    apply_first_last(h, true);
}

bool Session::set_first_last(rust::Str id, bool on) const {
  return with_torrent(id, [&](lt::torrent_handle const &h) {
    {
      std::lock_guard<std::mutex> lock(m_mutex);
      if (on)
        m_first_last.insert(to_std(id));
      else
        m_first_last.erase(to_std(id));
    }
    // Without metadata there are no pieces yet: on_metadata applies it.
    apply_first_last(h, on);
  });
}

bool Session::piece_priorities(rust::Str id,
                               rust::Vec<std::uint8_t> &out) const {
  return with_torrent(id, [&](lt::torrent_handle const &h) {
    for (auto const p : h.get_piece_priorities())
      out.push_back(static_cast<std::uint8_t>(p));
  });
}

} // namespace revaer_lt
