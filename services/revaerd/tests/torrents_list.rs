//! `GET /v1/torrents` over real HTTP with a real engine: keyset pages that
//! stay exact while torrents are being added, every filter, every sort,
//! and `422` pointers for bad parameters.

mod support;

use serde_json::{json, Value};
use std::collections::HashSet;
use support::torrents::{id_of, magnet, make_torrent, TorrentServer};
use support::{expect_problem, pointers, TestResult};

type Error = Box<dyn std::error::Error>;

/// Adds `count` tiny torrents named `{prefix}-{n}` in a shuffled name order;
/// their data is not in the download root, so they just stay stalled.
async fn add_many(t: &TorrentServer, prefix: &str, count: u64) -> Result<Vec<String>, Error> {
    let work = tempfile::tempdir()?;
    let mut ids = Vec::new();
    for n in 0..count {
        let name = format!("{prefix}-{:03}", (n * 37) % 101);
        let seed = n + prefix.len() as u64 * 1_000;
        let torrent = make_torrent(work.path(), &name, &[("f.bin", 64)], &[], seed)?;
        ids.push(id_of(&t.add_file(&torrent, &[("paused", "true")]).await?)?);
    }
    Ok(ids)
}

/// Every page of `query` with `limit` items; returns the ids in order.
async fn page_through(t: &TorrentServer, query: &str, limit: usize) -> Result<Vec<Value>, Error> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("/v1/torrents?limit={limit}&{query}");
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let res = t.get(&path).await?;
        assert_eq!(res.status(), 200, "{path}");
        let page: Value = res.json().await?;
        let batch = page["items"].as_array().ok_or("items")?;
        assert!(batch.len() <= limit);
        items.extend(batch.iter().cloned());
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => return Ok(items),
        }
        // Leave room for the concurrent adds to land between pages.
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

fn ids(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .filter_map(|i| i["id"].as_str().map(str::to_string))
        .collect()
}

#[actix_rt::test]
async fn pages_neither_repeat_nor_skip_while_torrents_are_added() -> TestResult {
    let t = std::rc::Rc::new(TorrentServer::start().await?);
    let initial = add_many(&t, "first", 60).await?;
    for (query, batch) in [("", "second"), ("sort=-name", "third")] {
        let adder = {
            let t = t.clone();
            actix_rt::spawn(async move { add_many(&t, batch, 30).await.map_err(|e| e.to_string()) })
        };
        // Page only once the adds have begun to land, so they land while
        // paging even when a loaded machine starts the adder late.
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
        while names(&t, &format!("name={batch}-&limit=1"))
            .await?
            .is_empty()
        {
            if tokio::time::Instant::now() > deadline {
                return Err(format!("no {batch} torrent was added").into());
            }
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        let items = page_through(&t, query, 7).await?;
        let added = adder.await?.map_err(|e| format!("adding: {e}"))?;
        let seen = ids(&items);
        let unique: HashSet<&String> = seen.iter().collect();
        assert_eq!(unique.len(), seen.len(), "no torrent twice ({query})");
        for id in &initial {
            assert!(unique.contains(id), "{id} not skipped ({query})");
        }
        // The pages are in order even across concurrent inserts.
        if query.is_empty() {
            assert!(seen.len() > initial.len(), "inserts landed while paging");
            let times: Vec<&str> = items
                .iter()
                .filter_map(|i| i["added_at"].as_str())
                .collect();
            let stamps: Vec<chrono::DateTime<chrono::Utc>> =
                times.iter().filter_map(|s| s.parse().ok()).collect();
            assert!(
                stamps.windows(2).all(|w| w[0] <= w[1]),
                "added_at ascending"
            );
        } else {
            let names: Vec<String> = items
                .iter()
                .filter_map(|i| i["name"].as_str().map(str::to_lowercase))
                .collect();
            assert!(names.windows(2).all(|w| w[0] >= w[1]), "names descending");
        }
        assert_eq!(added.len(), 30);
    }
    let everything = page_through(&t, "", 500).await?;
    assert_eq!(everything.len(), 120);
    Ok(())
}

async fn names(t: &TorrentServer, query: &str) -> Result<Vec<String>, Error> {
    let res = t.get(&format!("/v1/torrents?{query}")).await?;
    assert_eq!(res.status(), 200, "{query}");
    let page: Value = res.json().await?;
    Ok(page["items"]
        .as_array()
        .ok_or("items")?
        .iter()
        .filter_map(|i| i["name"].as_str().map(str::to_string))
        .collect())
}

async fn sorted(t: &TorrentServer, query: &str) -> Result<Vec<String>, Error> {
    let mut found = names(t, query).await?;
    found.sort();
    Ok(found)
}

#[actix_rt::test]
async fn every_filter_and_sort_works() -> TestResult {
    let t = TorrentServer::start().await?;
    let work = tempfile::tempdir()?;
    // Trackers point at loopback only (nothing listens there).
    let ubuntu = make_torrent(
        work.path(),
        "Ubuntu Desktop",
        &[("a.iso", 500)],
        &["http://localhost:1/announce"],
        1,
    )?;
    let bunny = make_torrent(
        work.path(),
        "Big Buck Bunny",
        &[("movie.MKV", 500), ("cover.jpg", 50)],
        &["udp://127.0.0.1:1/announce"],
        2,
    )?;
    let sintel = make_torrent(work.path(), "sintel", &[("sintel.mkv", 500)], &[], 3)?;
    t.add_file(
        &ubuntu,
        &[
            ("category", "linux"),
            ("tags", "os,lts"),
            ("paused", "true"),
        ],
    )
    .await?;
    let bunny_id = id_of(
        &t.add_file(
            &bunny,
            &[("category", "films"), ("tags", "hd"), ("paused", "true")],
        )
        .await?,
    )?;
    t.add_file(&sintel, &[("category", "films"), ("paused", "true")])
        .await?;
    let res = t
        .post(
            "/v1/torrents",
            &json!({"magnet": magnet(0xfeed, "Metadata%20Pending")}),
        )
        .await?;
    assert_eq!(res.status(), 201);
    let res = t
        .post(
            &format!("/v1/torrents/{bunny_id}/action"),
            &json!({"action": "resume"}),
        )
        .await?;
    assert_eq!(res.status(), 204);
    t.wait_detail(&bunny_id, "resumed", |d| d["state"] != "paused")
        .await?;

    let all = [
        "Big Buck Bunny",
        "Metadata Pending",
        "Ubuntu Desktop",
        "sintel",
    ];
    assert_eq!(sorted(&t, "").await?, all);
    assert_eq!(
        names(&t, "sort=name").await?,
        [
            "Big Buck Bunny",
            "Metadata Pending",
            "sintel",
            "Ubuntu Desktop"
        ]
    );
    assert_eq!(
        names(&t, "sort=-name").await?,
        [
            "Ubuntu Desktop",
            "sintel",
            "Metadata Pending",
            "Big Buck Bunny"
        ]
    );
    assert_eq!(
        names(&t, "sort=name&order=desc").await?,
        names(&t, "sort=-name").await?
    );
    assert_eq!(
        names(&t, "sort=-added_at")
            .await?
            .first()
            .map(String::as_str),
        Some("Metadata Pending")
    );
    for key in ["progress", "ratio"] {
        for order in ["asc", "desc"] {
            let page: Value = t
                .get(&format!("/v1/torrents?sort={key}&order={order}"))
                .await?
                .json()
                .await?;
            let values: Vec<f64> = page["items"]
                .as_array()
                .ok_or("items")?
                .iter()
                .filter_map(|i| i[key].as_f64())
                .collect();
            assert_eq!(values.len(), 4);
            let ordered = values.windows(2).all(|w| {
                if order == "asc" {
                    w[0] <= w[1]
                } else {
                    w[0] >= w[1]
                }
            });
            assert!(ordered, "{key} {order}: {values:?}");
        }
    }

    assert_eq!(
        sorted(&t, "state=paused").await?,
        ["Ubuntu Desktop", "sintel"]
    );
    assert_eq!(sorted(&t, "state=metadata").await?, ["Metadata Pending"]);
    assert_eq!(
        sorted(&t, "state=metadata,paused").await?,
        ["Metadata Pending", "Ubuntu Desktop", "sintel"]
    );
    assert_eq!(sorted(&t, "state=seeding").await?, Vec::<String>::new());
    assert_eq!(
        sorted(&t, "category=films").await?,
        ["Big Buck Bunny", "sintel"]
    );
    assert_eq!(sorted(&t, "tag=hd").await?, ["Big Buck Bunny"]);
    assert_eq!(sorted(&t, "tag=lts").await?, ["Ubuntu Desktop"]);
    assert_eq!(sorted(&t, "tracker=LOCALHOST").await?, ["Ubuntu Desktop"]);
    assert_eq!(sorted(&t, "tracker=127.0.0.1").await?, ["Big Buck Bunny"]);
    assert_eq!(
        sorted(&t, "extension=mkv").await?,
        ["Big Buck Bunny", "sintel"]
    );
    assert_eq!(sorted(&t, "extension=.ISO").await?, ["Ubuntu Desktop"]);
    assert_eq!(sorted(&t, "name=BUNNY").await?, ["Big Buck Bunny"]);
    assert_eq!(
        sorted(&t, "name=n").await?,
        [
            "Big Buck Bunny",
            "Metadata Pending",
            "Ubuntu Desktop",
            "sintel"
        ]
    );
    assert_eq!(
        sorted(&t, "category=films&extension=jpg&tag=hd").await?,
        ["Big Buck Bunny"]
    );
    assert_eq!(sorted(&t, "category=films&state=paused").await?, ["sintel"]);
    assert_eq!(sorted(&t, "category=nothing").await?, Vec::<String>::new());

    // Filtered pages page too.
    let page: Value = t
        .get("/v1/torrents?category=films&limit=1&sort=name")
        .await?
        .json()
        .await?;
    assert_eq!(page["items"][0]["name"], "Big Buck Bunny");
    let cursor = page["next_cursor"].as_str().ok_or("cursor")?;
    let page: Value = t
        .get(&format!(
            "/v1/torrents?category=films&limit=1&sort=name&cursor={cursor}"
        ))
        .await?
        .json()
        .await?;
    assert_eq!(page["items"][0]["name"], "sintel");
    assert_eq!(page["next_cursor"], Value::Null);

    let name_cursor = cursor.to_string();
    let cases = [
        ("limit=0", vec!["/limit"]),
        ("limit=501", vec!["/limit"]),
        ("limit=ten", vec!["/limit"]),
        ("state=sleeping", vec!["/state"]),
        ("sort=size", vec!["/sort"]),
        ("order=up", vec!["/order"]),
        ("sort=-name&order=asc", vec!["/order"]),
        ("cursor=nonsense", vec!["/cursor"]),
        (&*format!("cursor={name_cursor}"), vec!["/cursor"]),
        // Same sort, other filters: the cursor would skip items of the new list.
        (&*format!("cursor={name_cursor}&sort=name"), vec!["/cursor"]),
        (
            &*format!("cursor={name_cursor}&sort=name&category=films&tag=hd"),
            vec!["/cursor"],
        ),
        ("extension=.", vec!["/extension"]),
        ("limit=0&state=x&sort=y", vec!["/limit", "/sort", "/state"]),
    ];
    for (query, expected) in cases {
        let res = t.get(&format!("/v1/torrents?{query}")).await?;
        let problem = expect_problem(res, 422, "validation_failed").await?;
        assert_eq!(pointers(&problem), expected, "{query}");
    }
    let unknown = t.get("/v1/torrents?colour=red").await?;
    expect_problem(unknown, 422, "validation_failed").await?;
    Ok(())
}
