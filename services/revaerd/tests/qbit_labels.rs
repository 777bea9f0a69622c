//! qBittorrent facade categories and tags over HTTP: the same objects as
//! `/v1/categories` and `/v1/tags`, qBittorrent's status codes, and torrents
//! losing a deleted category or tag.

mod support;

use serde_json::json;
use support::qbit::{json, plain};
use support::torrents::{magnet, TorrentServer};
use support::TestResult;

#[actix_rt::test]
async fn categories_are_created_edited_set_and_removed() -> TestResult {
    let t = TorrentServer::start().await?;
    let path = t.downloads().join("tv").to_string_lossy().into_owned();
    assert_eq!(
        t.qbit_ok(
            "torrents/createCategory",
            &[("category", "tv"), ("savePath", &path)]
        )
        .await?,
        ""
    );
    let res = t
        .server
        .qbit_post("torrents/createCategory", &t.qbit(), &[("category", "tv")])
        .await?;
    plain(res, 409).await?;
    for bad in ["", "/x", "a//b"] {
        let res = t
            .server
            .qbit_post("torrents/createCategory", &t.qbit(), &[("category", bad)])
            .await?;
        plain(res, 400).await?;
    }
    let res = t
        .server
        .qbit_post(
            "torrents/createCategory",
            &t.qbit(),
            &[("category", "out"), ("savePath", "/etc")],
        )
        .await?;
    plain(res, 400).await?;
    let res = t
        .server
        .qbit_post(
            "torrents/editCategory",
            &t.qbit(),
            &[("category", "nope"), ("savePath", "")],
        )
        .await?;
    plain(res, 409).await?;
    let map = json(t.server.qbit_get("torrents/categories", &t.qbit()).await?).await?;
    assert_eq!(map, json!({"tv": {"name": "tv", "savePath": path}}));
    let v1: serde_json::Value = t.get("/v1/categories").await?.json().await?;
    assert_eq!(
        v1,
        json!([{"name": "tv", "save_path": path}]),
        "both faces agree"
    );

    // An add with the category and no save path goes to its save path.
    let res = t
        .server
        .qbit_post(
            "torrents/add",
            &t.qbit(),
            &[
                ("urls", &magnet(1, "E01")),
                ("category", "tv"),
                ("paused", "true"),
            ],
        )
        .await?;
    assert_eq!(plain(res, 200).await?, "Ok.");
    let hash = format!("{:040x}", 1);
    assert_eq!(t.qbit_torrent(&hash).await?["save_path"], path.as_str());

    let res = t
        .server
        .qbit_post(
            "torrents/setCategory",
            &t.qbit(),
            &[("hashes", &hash), ("category", "films")],
        )
        .await?;
    plain(res, 409).await?;
    t.qbit_ok(
        "torrents/setCategory",
        &[("hashes", &hash), ("category", "")],
    )
    .await?;
    assert_eq!(t.qbit_torrent(&hash).await?["category"], "");
    t.qbit_ok(
        "torrents/setCategory",
        &[("hashes", &hash), ("category", "tv")],
    )
    .await?;
    assert_eq!(t.qbit_torrent(&hash).await?["category"], "tv");
    t.qbit_ok(
        "torrents/editCategory",
        &[("category", "tv"), ("savePath", "")],
    )
    .await?;
    let map = json(t.server.qbit_get("torrents/categories", &t.qbit()).await?).await?;
    assert_eq!(map["tv"]["savePath"], "");

    t.qbit_ok("torrents/removeCategories", &[("categories", "tv\nnope")])
        .await?;
    let map = json(t.server.qbit_get("torrents/categories", &t.qbit()).await?).await?;
    assert_eq!(map, json!({}));
    assert_eq!(
        t.qbit_torrent(&hash).await?["category"],
        "",
        "the torrent lost its category"
    );
    Ok(())
}

#[actix_rt::test]
async fn tags_are_created_added_removed_and_deleted() -> TestResult {
    let t = TorrentServer::start().await?;
    t.qbit_ok("torrents/createTags", &[("tags", "hd, 4k")])
        .await?;
    let tags = json(t.server.qbit_get("torrents/tags", &t.qbit()).await?).await?;
    assert_eq!(tags, json!(["4k", "hd"]));
    let res = t
        .server
        .qbit_post(
            "torrents/add",
            &t.qbit(),
            &[("urls", &magnet(2, "T")), ("paused", "true")],
        )
        .await?;
    assert_eq!(plain(res, 200).await?, "Ok.");
    let hash = format!("{:040x}", 2);
    t.qbit_ok("torrents/addTags", &[("hashes", &hash), ("tags", "hd,new")])
        .await?;
    assert_eq!(t.qbit_torrent(&hash).await?["tags"], "hd, new");
    let tags = json(t.server.qbit_get("torrents/tags", &t.qbit()).await?).await?;
    assert_eq!(tags, json!(["4k", "hd", "new"]), "addTags creates new tags");
    t.qbit_ok("torrents/removeTags", &[("hashes", &hash), ("tags", "new")])
        .await?;
    assert_eq!(t.qbit_torrent(&hash).await?["tags"], "hd");
    t.qbit_ok("torrents/deleteTags", &[("tags", "hd")]).await?;
    assert_eq!(
        t.qbit_torrent(&hash).await?["tags"],
        "",
        "the torrent lost the deleted tag"
    );
    let v1: serde_json::Value = t.get("/v1/tags").await?.json().await?;
    assert_eq!(v1, json!(["4k", "new"]));
    t.qbit_ok("torrents/addTags", &[("hashes", &hash), ("tags", "4k,new")])
        .await?;
    t.qbit_ok("torrents/removeTags", &[("hashes", &hash), ("tags", "")])
        .await?;
    assert_eq!(
        t.qbit_torrent(&hash).await?["tags"],
        "",
        "no tags named: all removed"
    );
    let res = t
        .server
        .qbit_post(
            "torrents/addTags",
            &t.qbit(),
            &[("hashes", &hash), ("tags", "")],
        )
        .await?;
    plain(res, 400).await?;
    Ok(())
}
