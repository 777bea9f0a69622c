//! Item 13: the "last enabled key" check and the change it guards happen in
//! one transaction, so two concurrent revocations cannot disable every key.

use serde_json::json;

use crate::server;
use crate::support::TestResult;

#[actix_rt::test]
async fn item13_concurrent_revocations_never_disable_every_key() -> TestResult {
    let (server, admin) = server().await?;
    let (admin_id, _) = admin.split_once(':').ok_or("key form")?;
    let (other_id, other) = server.create_key(&admin, "other", 1000, 60).await?;
    let ids = [admin_id.to_string(), other_id];
    let keys = [admin.clone(), other];
    for round in 0..25 {
        // Both keys verified and cached, so both requests reach the
        // database at the same moment.
        for key in &keys {
            assert_eq!(server.get("/v1/config", key).await?.status(), 200);
        }
        let disable = |by: usize| {
            let client = server.client.clone();
            let url = server.url(&format!("/v1/keys/{}", ids[1 - by]));
            let key = keys[by].clone();
            async move {
                client
                    .patch(url)
                    .header("x-api-key", key)
                    .json(&json!({"enabled": false}))
                    .send()
                    .await
            }
        };
        let (a, b) = futures_util::future::join(disable(0), disable(1)).await;
        let statuses = [a?.status().as_u16(), b?.status().as_u16()];
        let mut conn = server.db.connect()?;
        let enabled: Vec<String> = revaer_schema::models::api_keys::list(&mut conn)?
            .into_iter()
            .filter(|k| k.enabled)
            .map(|k| k.key_id)
            .collect();
        assert_eq!(
            enabled.len(),
            1,
            "round {round}: {statuses:?} left {enabled:?} enabled"
        );
        // Enable the other one again, with the key that is left.
        let survivor = usize::from(enabled[0] != ids[0]);
        let res = server
            .patch_json(
                &format!("/v1/keys/{}", ids[1 - survivor]),
                &keys[survivor],
                &json!({"enabled": true}),
            )
            .await?;
        assert_eq!(res.status(), 200);
    }
    Ok(())
}
