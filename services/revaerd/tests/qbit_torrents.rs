//! qBittorrent facade `torrents/add`, `info`, `properties`, `files` and
//! `trackers` over HTTP: plain-text answers, field names and types, filters
//! and sorting, 404 for unknown hashes.

mod support;

use serde_json::Value;
use support::qbit::{json, plain};
use support::torrents::{magnet, make_torrent, TorrentServer};
use support::TestResult;

type Error = Box<dyn std::error::Error>;

/// Fields every `torrents/info` object carries, with their JSON type.
const FIELDS: &[(&str, &str)] = &[
    ("hash", "string"),
    ("name", "string"),
    ("size", "number"),
    ("total_size", "number"),
    ("progress", "number"),
    ("eta", "number"),
    ("state", "string"),
    ("category", "string"),
    ("tags", "string"),
    ("save_path", "string"),
    ("content_path", "string"),
    ("ratio", "number"),
    ("ratio_limit", "number"),
    ("seeding_time", "number"),
    ("seeding_time_limit", "number"),
    ("inactive_seeding_time_limit", "number"),
    ("max_ratio", "number"),
    ("max_seeding_time", "number"),
    ("last_activity", "number"),
    ("added_on", "number"),
    ("completion_on", "number"),
    ("dlspeed", "number"),
    ("upspeed", "number"),
    ("num_seeds", "number"),
    ("num_leechs", "number"),
    ("amount_left", "number"),
    ("downloaded", "number"),
    ("uploaded", "number"),
    ("dl_limit", "number"),
    ("up_limit", "number"),
    ("auto_tmm", "bool"),
    ("force_start", "bool"),
    ("seq_dl", "bool"),
    ("f_l_piece_prio", "bool"),
    ("priority", "number"),
    ("magnet_uri", "string"),
    ("tracker", "string"),
    ("infohash_v1", "string"),
];

fn kind(value: &Value) -> &'static str {
    match value {
        Value::String(_) => "string",
        Value::Number(_) => "number",
        Value::Bool(_) => "bool",
        _ => "other",
    }
}

/// Adds a three-file torrent (stopped) through the facade; returns its hash.
async fn add_file(t: &TorrentServer, name: &str, fields: &[(&str, &str)]) -> Result<String, Error> {
    let files = [("a.mkv", 30_000), ("sub/b.srt", 2_000), ("c.nfo", 500)];
    let torrent = make_torrent(
        &t.root.path().join("src"),
        name,
        &files,
        &["http://127.0.0.1:1/announce"],
        7,
    )?;
    let id = libtorrent_sys::parse_torrent_file(&torrent)?.id;
    let res = t
        .server
        .qbit_multipart("torrents/add", &t.qbit(), fields, &[torrent])
        .await?;
    assert_eq!(plain(res, 200).await?, "Ok.");
    Ok(id)
}

#[actix_rt::test]
async fn added_torrents_are_listed_with_every_field() -> TestResult {
    let t = TorrentServer::start().await?;
    let hash = add_file(
        &t,
        "Show.S01",
        &[("stopped", "True"), ("category", "tv"), ("tags", "hd, new")],
    )
    .await?;
    let res = t
        .server
        .qbit_post(
            "torrents/add",
            &t.qbit(),
            &[("urls", &magnet(42, "Film")), ("paused", "true")],
        )
        .await?;
    assert_eq!(plain(res, 200).await?, "Ok.");

    let torrent = t.qbit_torrent(&hash).await?;
    for (field, expected) in FIELDS {
        assert_eq!(kind(&torrent[*field]), *expected, "{field} in {torrent}");
    }
    assert_eq!(torrent["hash"], hash.as_str());
    assert_eq!(torrent["name"], "Show.S01");
    assert_eq!(torrent["state"], "stoppedDL");
    assert_eq!(torrent["category"], "tv");
    assert_eq!(torrent["tags"], "hd, new");
    assert_eq!(torrent["eta"], 8_640_000);
    assert_eq!(torrent["ratio_limit"], -2.0);
    assert_eq!(torrent["seeding_time_limit"], -2);
    assert_eq!(torrent["completion_on"], -1);
    assert_eq!(torrent["total_size"], 32_500);
    let downloads = t.downloads().to_string_lossy().into_owned();
    assert_eq!(torrent["save_path"], downloads.as_str());
    assert_eq!(torrent["content_path"], format!("{downloads}/Show.S01"));
    assert!(torrent["magnet_uri"]
        .as_str()
        .is_some_and(|m| m.starts_with(&format!("magnet:?xt=urn:btih:{hash}"))));

    let categories = json(t.server.qbit_get("torrents/categories", &t.qbit()).await?).await?;
    assert_eq!(
        categories["tv"],
        serde_json::json!({"name": "tv", "savePath": ""}),
        "created by the add"
    );
    let tags = json(t.server.qbit_get("torrents/tags", &t.qbit()).await?).await?;
    assert_eq!(tags, serde_json::json!(["hd", "new"]));
    let magnet_hash = format!("{:040x}", 42);
    let film = t.qbit_torrent(&magnet_hash).await?;
    assert_eq!(film["state"], "stoppedDL");
    assert_eq!(film["content_path"], film["save_path"], "no metadata yet");
    Ok(())
}

#[actix_rt::test]
async fn info_filters_sorts_and_pages() -> TestResult {
    let t = TorrentServer::start().await?;
    let a = add_file(&t, "Alpha", &[("stopped", "true"), ("category", "tv")]).await?;
    let b = add_file(&t, "beta", &[("stopped", "true"), ("tags", "x")]).await?;
    let res = t
        .server
        .qbit_post("torrents/add", &t.qbit(), &[("urls", &magnet(7, "Gamma"))])
        .await?;
    assert_eq!(plain(res, 200).await?, "Ok.");
    let names = |items: Vec<Value>| -> Vec<String> {
        items
            .iter()
            .filter_map(|i| i["name"].as_str().map(str::to_string))
            .collect()
    };
    assert_eq!(names(t.qbit_info("?category=tv").await?), vec!["Alpha"]);
    assert_eq!(
        names(t.qbit_info("?category=&sort=name").await?),
        vec!["beta", "Gamma"]
    );
    assert_eq!(names(t.qbit_info("?tag=x").await?), vec!["beta"]);
    assert_eq!(
        names(t.qbit_info("?tag=&sort=name").await?),
        vec!["Alpha", "Gamma"]
    );
    assert_eq!(
        names(t.qbit_info("?sort=name&reverse=true").await?),
        vec!["Gamma", "beta", "Alpha"]
    );
    assert_eq!(
        names(t.qbit_info("?sort=name&limit=1&offset=1").await?),
        vec!["beta"]
    );
    assert_eq!(
        names(t.qbit_info("?sort=name&offset=-1").await?),
        vec!["Gamma"]
    );
    assert_eq!(
        names(t.qbit_info(&format!("?hashes={a}%7C{b}&sort=name")).await?),
        vec!["Alpha", "beta"]
    );
    assert_eq!(
        names(t.qbit_info("?filter=stopped&sort=name").await?),
        vec!["Alpha", "beta"]
    );
    assert_eq!(names(t.qbit_info("?filter=running").await?), vec!["Gamma"]);
    assert_eq!(
        names(t.qbit_info("?filter=completed").await?),
        Vec::<String>::new()
    );
    assert_eq!(t.qbit_info("?filter=downloading").await?.len(), 3);
    let res = t
        .server
        .qbit_get("torrents/info?reverse=maybe", &t.qbit())
        .await?;
    plain(res, 400).await?;
    Ok(())
}

#[actix_rt::test]
async fn per_torrent_reads_and_unknown_hashes() -> TestResult {
    let t = TorrentServer::start().await?;
    let hash = add_file(&t, "Props", &[("stopped", "true")]).await?;
    let props = json(
        t.server
            .qbit_get(&format!("torrents/properties?hash={hash}"), &t.qbit())
            .await?,
    )
    .await?;
    for field in [
        "save_path",
        "total_size",
        "seeding_time",
        "addition_date",
        "completion_date",
        "share_ratio",
        "eta",
        "hash",
    ] {
        assert!(props.get(field).is_some(), "{field} in {props}");
    }
    assert_eq!(props["hash"], hash.as_str());
    let unknown = "f".repeat(40);
    for path in ["properties", "files", "trackers"] {
        let res = t
            .server
            .qbit_get(&format!("torrents/{path}?hash={unknown}"), &t.qbit())
            .await?;
        assert_eq!(
            plain(res, 404).await?,
            "Torrent hash was not found",
            "{path}"
        );
    }
    let res = t.server.qbit_get("torrents/properties", &t.qbit()).await?;
    plain(res, 400).await?;

    let files = json(
        t.server
            .qbit_get(&format!("torrents/files?hash={hash}"), &t.qbit())
            .await?,
    )
    .await?;
    let files = files.as_array().ok_or("files array")?;
    assert_eq!(files.len(), 3);
    assert!(
        files
            .iter()
            .all(|f| f["priority"] == 1 && f["progress"] == 0.0),
        "{files:?}"
    );
    assert!(
        files.iter().any(|f| f["name"] == "Props/sub/b.srt"),
        "{files:?}"
    );
    let trackers = json(
        t.server
            .qbit_get(&format!("torrents/trackers?hash={hash}"), &t.qbit())
            .await?,
    )
    .await?;
    let urls: Vec<&str> = trackers
        .as_array()
        .ok_or("trackers")?
        .iter()
        .filter_map(|r| r["url"].as_str())
        .collect();
    assert_eq!(
        urls,
        vec![
            "** [DHT] **",
            "** [PeX] **",
            "** [LSD] **",
            "http://127.0.0.1:1/announce"
        ]
    );
    Ok(())
}

#[actix_rt::test]
async fn add_answers_fails_for_duplicates_and_unusable_sources() -> TestResult {
    let t = TorrentServer::start().await?;
    add_file(&t, "Dup", &[("stopped", "true")]).await?;
    let files = [("a.mkv", 30_000), ("sub/b.srt", 2_000), ("c.nfo", 500)];
    let again = make_torrent(
        &t.root.path().join("src"),
        "Dup",
        &files,
        &["http://127.0.0.1:1/announce"],
        7,
    )?;
    let res = t
        .server
        .qbit_multipart("torrents/add", &t.qbit(), &[], &[again])
        .await?;
    assert_eq!(plain(res, 200).await?, "Fails.", "a duplicate fails");
    let res = t
        .server
        .qbit_post(
            "torrents/add",
            &t.qbit(),
            &[("urls", "http://127.0.0.1:9/x.torrent")],
        )
        .await?;
    assert_eq!(
        plain(res, 200).await?,
        "Fails.",
        "loopback URLs are not fetched by default"
    );
    let res = t.server.qbit_post("torrents/add", &t.qbit(), &[]).await?;
    assert_eq!(plain(res, 200).await?, "Fails.", "nothing to add");
    let res = t
        .server
        .qbit_multipart("torrents/add", &t.qbit(), &[], &[b"not bencode".to_vec()])
        .await?;
    assert_eq!(plain(res, 200).await?, "Fails.");
    let res = t
        .server
        .qbit_post(
            "torrents/add",
            &t.qbit(),
            &[("urls", &magnet(9, "x")), ("savepath", "/etc")],
        )
        .await?;
    let message = plain(res, 400).await?;
    assert!(message.contains("save_path"), "{message}");
    // A long magnet arrives as multipart; booleans in any case.
    let long = format!(
        "{}&tr={}",
        magnet(10, "Long"),
        "http://127.0.0.1:1/a".repeat(60)
    );
    let res = t
        .server
        .qbit_multipart(
            "torrents/add",
            &t.qbit(),
            &[("urls", &long), ("paused", "TRUE")],
            &[],
        )
        .await?;
    assert_eq!(plain(res, 200).await?, "Ok.");
    assert_eq!(
        t.qbit_torrent(&format!("{:040x}", 10)).await?["state"],
        "stoppedDL"
    );
    Ok(())
}
