//! The requests Sonarr v4 (and Radarr, Prowlarr: the same client) makes to
//! a qBittorrent download client, reproduced in order: detection, the
//! connection test, then a grab. Read from Sonarr's
//! `src/NzbDrone.Core/Download/Clients/QBittorrent/` (QBittorrent.cs,
//! QBittorrentProxyV2.cs, QBittorrentProxySelector.cs).

mod support;

use support::qbit::{json, plain, Auth};
use support::torrents::{magnet, TorrentServer};
use support::TestResult;

type Error = Box<dyn std::error::Error>;

const CATEGORY: &str = "tv-sonarr";

/// Sonarr parses the version with .NET `Version.Parse`: digits and dots only.
fn parse_version(text: &str) -> Option<Vec<u32>> {
    let parts: Option<Vec<u32>> = text.split('.').map(|p| p.parse().ok()).collect();
    parts.filter(|p| (2..=4).contains(&p.len()))
}

/// The connection test with `auth`; returns the API version.
async fn connection_test(t: &TorrentServer, auth: &Auth) -> Result<Vec<u32>, Error> {
    let server = &t.server;
    // IsApiSupported: unauthenticated; 403 means "v2 here", 404 "not v2".
    let res = server.qbit_get("app/webapiVersion", &Auth::None).await?;
    assert_eq!(res.status(), 403, "detection");
    // GetApiVersion (TestConnection, then again in TestCategory).
    let mut version = Vec::new();
    for _ in 0..2 {
        let text = plain(server.qbit_get("app/webapiVersion", auth).await?, 200).await?;
        version = parse_version(&text).ok_or_else(|| format!("unparseable version {text}"))?;
        assert!(
            version >= vec![2, 6, 1],
            "content_path needs 2.6.1; got {text}"
        );
    }
    // GetConfig: the test fails if limits are on and the action removes.
    let prefs = json(server.qbit_get("app/preferences", auth).await?).await?;
    let limits_on = prefs["max_ratio_enabled"] == true || prefs["max_seeding_time_enabled"] == true;
    let removes = matches!(prefs["max_ratio_act"].as_i64(), Some(1 | 3));
    assert!(!(limits_on && removes), "Sonarr would refuse: {prefs}");
    assert!(prefs["queueing_enabled"].is_boolean());
    assert!(prefs["dht"].is_boolean());
    assert!(prefs["save_path"].is_string());
    // TestCategory: read, create when missing, read again.
    let labels = json(server.qbit_get("torrents/categories", auth).await?).await?;
    if labels.get(CATEGORY).is_none() {
        let res = server
            .qbit_post("torrents/createCategory", auth, &[("category", CATEGORY)])
            .await?;
        assert_eq!(plain(res, 200).await?, "");
        let labels = json(server.qbit_get("torrents/categories", auth).await?).await?;
        assert!(labels[CATEGORY]["savePath"].is_string(), "{labels}");
    }
    // TestGetTorrents.
    let res = server
        .qbit_get(&format!("torrents/info?category={CATEGORY}"), auth)
        .await?;
    assert!(json(res).await?.is_array());
    Ok(version)
}

#[actix_rt::test]
async fn sonarr_connects_with_an_api_key_and_grabs() -> TestResult {
    let t = TorrentServer::start().await?;
    let auth = Auth::Bearer(t.key.clone());
    let version = connection_test(&t, &auth).await?;
    // A grab: magnet with the category, the state it asks for (2.11: `stopped`).
    let stopped = if version >= vec![2, 11, 0] {
        "stopped"
    } else {
        "paused"
    };
    let form = [
        ("urls", magnet(77, "Show.S01E01")),
        ("category", CATEGORY.into()),
        (stopped, "false".into()),
    ];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = t.server.qbit_post("torrents/add", &auth, &form).await?;
    assert_ne!(plain(res, 200).await?, "Fails.");
    // WaitForTorrent: properties answers as soon as the add returned.
    let hash = format!("{:040x}", 77);
    let res = t
        .server
        .qbit_get(&format!("torrents/properties?hash={hash}"), &auth)
        .await?;
    assert_eq!(res.status(), 200);
    // GetItems.
    let items = json(
        t.server
            .qbit_get(&format!("torrents/info?category={CATEGORY}"), &auth)
            .await?,
    )
    .await?;
    let item = &items[0];
    assert_eq!(item["hash"], hash.as_str());
    assert_eq!(item["category"], CATEGORY);
    assert_eq!(item["state"], "metaDL");
    assert!(item["content_path"].is_string() && item["ratio_limit"].is_number());
    Ok(())
}

#[actix_rt::test]
async fn sonarr_connects_with_username_and_password() -> TestResult {
    let t = TorrentServer::start().await?;
    // Sonarr sends preemptive Basic and logs in for a cookie; either works.
    let basic = Auth::Basic("sonarr".into(), t.key.clone());
    connection_test(&t, &basic).await?;
    let (body, sid) = t.server.qbit_login(&t.key).await?;
    assert_eq!(body, "Ok.");
    let cookie = Auth::Cookie(sid.ok_or("SID")?);
    connection_test(&t, &cookie).await?;
    // A wrong password: login answers Fails., requests 403 (Sonarr then
    // reports an authentication failure).
    let (body, sid) = t.server.qbit_login("sonarr:wrong").await?;
    assert_eq!((body.as_str(), sid), ("Fails.", None));
    let wrong = Auth::Basic("sonarr".into(), "sonarr:wrong".into());
    let res = t.server.qbit_get("app/webapiVersion", &wrong).await?;
    assert_eq!(plain(res, 403).await?, "Forbidden");
    Ok(())
}
