//! Builds the C++ shim against the system libtorrent-rasterbar.
//!
//! libtorrent's pkg-config Cflags carry ABI-relevant defines
//! (TORRENT_LINKING_SHARED, TORRENT_USE_OPENSSL, BOOST_ASIO_* ...). If they do
//! not reach the C++ compiler, our view of libtorrent's structs differs from
//! the shared library's and the process corrupts memory, so every define and
//! include path from pkg-config is forwarded to `cxx_build`.

use std::error::Error;

/// C++ translation units of the shim.
const SOURCES: [&str; 6] = [
    "cpp/session.cpp",
    "cpp/torrent.cpp",
    "cpp/alerts.cpp",
    "cpp/metainfo.cpp",
    "cpp/convert.cpp",
    "cpp/layout.cpp",
];
/// Headers and the bridge definition; changes to them need a rebuild too.
const OTHER_INPUTS: [&str; 4] = [
    "src/bridge.rs",
    "cpp/shim.h",
    "cpp/convert.h",
    "cpp/layout.h",
];

fn main() -> Result<(), Box<dyn Error>> {
    // Also emits the cargo:rustc-link-lib / link-search lines.
    let lib = pkg_config::Config::new()
        .atleast_version("2.0")
        .probe("libtorrent-rasterbar")
        .map_err(|e| format!("libtorrent-rasterbar >= 2.0 not found via pkg-config: {e}"))?;

    let mut build = cxx_build::bridge("src/bridge.rs");
    build.files(SOURCES).std("c++17");
    for path in &lib.include_paths {
        build.include(path);
    }
    // Sorted so the compiler command line is stable between builds.
    let mut defines: Vec<_> = lib.defines.iter().collect();
    defines.sort();
    for (name, value) in defines {
        build.define(name, value.as_deref());
    }
    // The Debian build keeps TORRENT_ABI_VERSION 1, whose headers declare
    // deprecated members we never touch; silence the resulting noise.
    build.flag_if_supported("-Wno-deprecated-declarations");
    build.compile("revaer_libtorrent_shim");

    for file in SOURCES.iter().chain(&OTHER_INPUTS) {
        println!("cargo:rerun-if-changed={file}");
    }
    Ok(())
}
