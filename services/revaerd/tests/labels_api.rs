//! `/v1/categories` and `/v1/tags`: named categories and tags are stored
//! configuration objects; a category's save path obeys the allow-list.

mod support;

use serde_json::{json, Value};
use support::torrents::TorrentServer;
use support::{expect_problem, pointers, TestResult};

async fn put(
    t: &TorrentServer,
    path: &str,
    body: &Value,
) -> Result<reqwest::Response, reqwest::Error> {
    t.server
        .client
        .put(t.server.url(path))
        .header("x-api-key", &t.key)
        .json(body)
        .send()
        .await
}

#[actix_rt::test]
async fn categories_are_created_replaced_listed_and_deleted() -> TestResult {
    let t = TorrentServer::start().await?;
    let tv = t.downloads().join("tv").to_string_lossy().into_owned();
    let res = put(&t, "/v1/categories/tv", &json!({"save_path": tv})).await?;
    assert_eq!(res.status(), 201);
    assert_eq!(
        res.json::<Value>().await?,
        json!({"name": "tv", "save_path": tv})
    );
    let res = put(&t, "/v1/categories/tv", &json!({})).await?;
    assert_eq!(res.status(), 200, "replacing an existing category");
    let res = put(&t, "/v1/categories/films", &json!({"save_path": null})).await?;
    assert_eq!(res.status(), 201);

    let list: Value = t.get("/v1/categories").await?.json().await?;
    assert_eq!(
        list,
        json!([{"name": "films", "save_path": null}, {"name": "tv", "save_path": null}])
    );
    let config: Value = t.get("/v1/config").await?.json().await?;
    assert_eq!(config["categories"], list, "the snapshot carries them");

    assert_eq!(t.delete("/v1/categories/films").await?.status(), 204);
    let gone = t.delete("/v1/categories/films").await?;
    expect_problem(gone, 404, "category_not_found").await?;
    Ok(())
}

#[actix_rt::test]
async fn category_names_and_save_paths_are_validated() -> TestResult {
    let t = TorrentServer::start().await?;
    let res = put(&t, "/v1/categories/x", &json!({"save_path": "/etc"})).await?;
    let problem = expect_problem(res, 422, "validation_failed").await?;
    assert_eq!(pointers(&problem), vec!["/save_path"]);
    let escape = format!("{}/../../etc", t.downloads().display());
    let res = put(&t, "/v1/categories/x", &json!({"save_path": escape})).await?;
    expect_problem(res, 422, "validation_failed").await?;
    let inside_extra = t.extra().join("films").to_string_lossy().into_owned();
    let res = put(
        &t,
        "/v1/categories/films",
        &json!({"save_path": inside_extra}),
    )
    .await?;
    assert_eq!(res.status(), 201, "fs_policy.allow_paths counts as allowed");

    for bad in ["tv%2Fhd", ".hidden", "%20tv"] {
        let res = put(&t, &format!("/v1/categories/{bad}"), &json!({})).await?;
        let problem = expect_problem(res, 422, "validation_failed").await?;
        assert_eq!(pointers(&problem), vec!["/name"], "{bad}");
    }
    let res = put(&t, "/v1/categories/x", &json!({"path": "/x"})).await?;
    let problem = expect_problem(res, 422, "validation_failed").await?;
    assert_eq!(pointers(&problem), vec!["/path"]);
    Ok(())
}

#[actix_rt::test]
async fn tags_are_created_once_listed_and_deleted() -> TestResult {
    let t = TorrentServer::start().await?;
    assert_eq!(put(&t, "/v1/tags/hd", &json!(null)).await?.status(), 201);
    assert_eq!(put(&t, "/v1/tags/hd", &json!(null)).await?.status(), 200);
    assert_eq!(put(&t, "/v1/tags/4k", &json!(null)).await?.status(), 201);
    let res = put(&t, "/v1/tags/a,b", &json!(null)).await?;
    let problem = expect_problem(res, 422, "validation_failed").await?;
    assert_eq!(pointers(&problem), vec!["/name"]);
    let list: Value = t.get("/v1/tags").await?.json().await?;
    assert_eq!(list, json!(["4k", "hd"]));
    assert_eq!(t.delete("/v1/tags/hd").await?.status(), 204);
    expect_problem(t.delete("/v1/tags/hd").await?, 404, "tag_not_found").await?;
    Ok(())
}
