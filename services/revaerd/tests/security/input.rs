//! Item 6: NUL and other control characters are refused at the edge with
//! `422` and a pointer (they used to reach PostgreSQL and come back as 500).

use serde_json::{json, Value};

use crate::support::torrents::{make_torrent, TorrentServer};
use crate::support::{expect_problem, pointers, TestResult};

const HASH: &str = "0123456789abcdef0123456789abcdef01234567";

#[actix_rt::test]
async fn item6_control_characters_in_config_are_refused_with_pointers() -> TestResult {
    let t = TorrentServer::start().await?;
    let cases = [
        (
            json!({"fs_policy": {"owner": "ro\u{0}ot"}}),
            "/fs_policy/owner",
        ),
        (
            json!({"fs_policy": {"group": "wheel\u{0}"}}),
            "/fs_policy/group",
        ),
        (
            json!({"fs_policy": {"owner": "a\u{7}b"}}),
            "/fs_policy/owner",
        ),
        (
            json!({"fs_policy": {"cleanup_keep": ["*.mkv", "a\u{0}"]}}),
            "/fs_policy/cleanup_keep/1",
        ),
        (
            json!({"fs_policy": {"cleanup_drop": ["\u{0}"]}}),
            "/fs_policy/cleanup_drop/0",
        ),
        (
            json!({"app_profile": {"features": {"be\u{0}ta": true}}}),
            "/app_profile/features/be\u{0}ta",
        ),
        (
            json!({"app_profile": {"features": {"": true}}}),
            "/app_profile/features/",
        ),
        (
            json!({"fs_policy": {"allow_paths": ["/srv/a\u{0}b"]}}),
            "/fs_policy/allow_paths/0",
        ),
    ];
    for (patch, pointer) in cases {
        let res = t.server.patch_json("/v1/config", &t.key, &patch).await?;
        let problem = expect_problem(res, 422, "validation_failed").await?;
        assert_eq!(pointers(&problem), vec![pointer.to_string()], "{patch}");
    }
    Ok(())
}

#[actix_rt::test]
async fn item6_control_characters_in_adds_are_refused_with_pointers() -> TestResult {
    let t = TorrentServer::start().await?;
    let inside = t.downloads().join("x").to_string_lossy().into_owned();
    let cases = [
        (
            json!({"magnet": format!("magnet:?xt=urn:btih:{HASH}&dn=a%00b")}),
            vec!["/magnet"],
        ),
        (
            json!({"magnet": format!("magnet:?xt=urn:btih:{HASH}&dn=line%0Abreak")}),
            vec!["/magnet"],
        ),
        (
            json!({"magnet": format!("magnet:?xt=urn:btih:{HASH}&dn=a\u{0}b")}),
            vec!["/magnet"],
        ),
        (
            json!({"magnet": format!("magnet:?xt=urn:btih:{HASH}"), "save_path": format!("{inside}\u{0}y")}),
            vec!["/save_path"],
        ),
        (
            json!({"magnet": format!("magnet:?xt=urn:btih:{HASH}"), "category": "tv\u{0}", "tags": ["a\u{0}"]}),
            vec!["/category", "/tags/0"],
        ),
    ];
    for (body, expected) in cases {
        let res = t.post("/v1/torrents", &body).await?;
        let problem = expect_problem(res, 422, "validation_failed").await?;
        assert_eq!(pointers(&problem), expected, "{body}");
    }

    let work = tempfile::tempdir()?;
    let torrent = make_torrent(work.path(), "nul", &[("n.bin", 10)], &[], 6)?;
    let save_path = format!("{inside}\u{0}");
    let res = t
        .upload(&torrent, &[("save_path", save_path.as_str())])
        .await?;
    let problem = expect_problem(res, 422, "validation_failed").await?;
    assert_eq!(pointers(&problem), vec!["/save_path"]);

    // Nothing was added.
    let list: Value = t.get("/v1/torrents").await?.json().await?;
    assert_eq!(list["items"], json!([]));
    Ok(())
}
