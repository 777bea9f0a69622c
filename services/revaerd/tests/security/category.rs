//! Item 7: one rule for category names (`revaer_domain::rules::category`),
//! applied by the API, the engine and FsOps: nothing FsOps would refuse
//! later is accepted at the edge.

use revaer_messages::engine::{AddOptions, Argument};
use serde_json::{json, Value};

use crate::engine_refuses;
use crate::support::torrents::{magnet, TorrentServer};
use crate::support::{expect_problem, pointers, TestResult};

#[actix_rt::test]
async fn item7_categories_fsops_would_refuse_are_refused_everywhere() -> TestResult {
    let t = TorrentServer::start().await?;
    for (n, category) in ["../x", "a/b", ".", "..", "/abs", ".hidden", "a\\b", " "]
        .into_iter()
        .enumerate()
    {
        let body = json!({"magnet": magnet(100 + n as u64, "c"), "category": category});
        let res = t.post("/v1/torrents", &body).await?;
        let problem = expect_problem(res, 422, "validation_failed").await?;
        assert_eq!(pointers(&problem), vec!["/category"], "{category:?}");
    }
    // The engine applies the same rule when asked directly.
    engine_refuses(
        &t,
        magnet(200, "c"),
        AddOptions {
            category: Some("../escape".into()),
            ..AddOptions::default()
        },
        Argument::Category,
    )
    .await?;
    // A plain category still works, trimmed.
    let res = t
        .post(
            "/v1/torrents",
            &json!({"magnet": magnet(300, "ok"), "category": " tv "}),
        )
        .await?;
    assert_eq!(res.status(), 201);
    let added: Value = res.json().await?;
    assert_eq!(added["category"], "tv");
    Ok(())
}
