//! qBittorrent facade authentication over HTTP: 403 for anything
//! unauthenticated, Bearer, preemptive Basic, login sessions that end on
//! logout or with their key, failed logins throttled per address, and the
//! feature flag.

mod support;

use serde_json::json;
use support::qbit::{plain, Auth};
use support::{TestResult, TestServer};

#[actix_rt::test]
async fn unauthenticated_requests_get_a_plain_403_and_keys_work_in_every_form() -> TestResult {
    let (server, key) = TestServer::start_active().await?;
    let res = server.qbit_get("app/webapiVersion", &Auth::None).await?;
    assert_eq!(plain(res, 403).await?, "Forbidden");
    let res = server.qbit_get("torrents/info", &Auth::None).await?;
    assert_eq!(plain(res, 403).await?, "Forbidden");
    let wrong = Auth::Bearer(format!(
        "{}:{}",
        key.split(':').next().unwrap_or("x"),
        "0".repeat(64)
    ));
    assert_eq!(
        plain(server.qbit_get("app/version", &wrong).await?, 403).await?,
        "Forbidden"
    );
    let res = server
        .qbit_get(
            "app/version",
            &Auth::Basic("admin".into(), "adminadmin".into()),
        )
        .await?;
    assert_eq!(plain(res, 403).await?, "Forbidden");

    for auth in [
        Auth::Bearer(key.clone()),
        Auth::Basic("anyone".into(), key.clone()),
    ] {
        let res = server.qbit_get("app/webapiVersion", &auth).await?;
        assert_eq!(plain(res, 200).await?, "2.11.0");
        let res = server.qbit_get("app/version", &auth).await?;
        assert_eq!(plain(res, 200).await?, "v5.0.0");
    }
    let res = server
        .qbit_get("no/such/route", &Auth::Bearer(key.clone()))
        .await?;
    assert_eq!(plain(res, 404).await?, "Not Found");
    Ok(())
}

#[actix_rt::test]
async fn login_sessions_end_on_logout_and_with_their_key() -> TestResult {
    let (server, admin) = TestServer::start_active().await?;
    let (body, sid) = server.qbit_login("not-a-key").await?;
    assert_eq!((body.as_str(), sid), ("Fails.", None));
    let (key_id, key) = server.create_key(&admin, "sonarr", 100, 60).await?;
    let (body, sid) = server
        .qbit_login(&format!("{key_id}:{}", "0".repeat(64)))
        .await?;
    assert_eq!((body.as_str(), sid), ("Fails.", None), "wrong secret");

    let (body, sid) = server.qbit_login(&key).await?;
    assert_eq!(body, "Ok.");
    let session = Auth::Cookie(sid.ok_or("SID cookie")?);
    let res = server.qbit_get("app/webapiVersion", &session).await?;
    assert_eq!(plain(res, 200).await?, "2.11.0");
    let res = server.qbit_post("auth/logout", &session, &[]).await?;
    assert_eq!(plain(res, 200).await?, "");
    let res = server.qbit_get("app/webapiVersion", &session).await?;
    assert_eq!(plain(res, 403).await?, "Forbidden", "logged out");

    let (_, sid) = server.qbit_login(&key).await?;
    let session = Auth::Cookie(sid.ok_or("SID cookie")?);
    assert_eq!(
        server.qbit_get("app/version", &session).await?.status(),
        200
    );
    let res = server
        .patch_json(
            &format!("/v1/keys/{key_id}"),
            &admin,
            &json!({"enabled": false}),
        )
        .await?;
    assert_eq!(res.status(), 200);
    let res = server.qbit_get("app/version", &session).await?;
    assert_eq!(
        plain(res, 403).await?,
        "Forbidden",
        "the session died with its key"
    );
    let res = server
        .patch_json(
            &format!("/v1/keys/{key_id}"),
            &admin,
            &json!({"enabled": true}),
        )
        .await?;
    assert_eq!(res.status(), 200);
    let res = server.qbit_get("app/version", &session).await?;
    assert_eq!(res.status(), 403, "a dead session stays dead");
    Ok(())
}

#[actix_rt::test]
async fn failed_logins_are_charged_to_the_address_bucket() -> TestResult {
    let (server, key) =
        TestServer::start_active_with(|options| options.api.rate_limit.ip_burst = 6).await?;
    // A key that verifies is never charged (setup took two tokens).
    let res = server
        .qbit_get("app/version", &Auth::Bearer(key.clone()))
        .await?;
    assert_eq!(res.status(), 200);
    let mut answers = Vec::new();
    for _ in 0..6 {
        let res = server
            .qbit_post(
                "auth/login",
                &Auth::None,
                &[("username", "x"), ("password", "bad:guess")],
            )
            .await?;
        answers.push((res.status().as_u16(), res.text().await?));
    }
    let fails = answers
        .iter()
        .filter(|(s, b)| *s == 200 && b == "Fails.")
        .count();
    let banned = answers
        .iter()
        .filter(|(s, b)| *s == 403 && b.contains("banned"))
        .count();
    assert!(fails >= 1 && banned >= 1, "{answers:?}");
    assert_eq!(fails + banned, 6, "{answers:?}");
    assert_eq!(fails, 4, "four tokens were left for failures: {answers:?}");
    // A key already verified (cached) still works from the throttled address.
    let res = server
        .qbit_get("app/version", &Auth::Bearer(key.clone()))
        .await?;
    assert_eq!(plain(res, 200).await?, "v5.0.0");
    Ok(())
}

#[actix_rt::test]
async fn the_feature_flag_turns_the_facade_into_404s() -> TestResult {
    let (server, key) = TestServer::start_active().await?;
    let res = server
        .patch_json(
            "/v1/config",
            &key,
            &json!({"app_profile": {"features": {"qbittorrent_api": false}}}),
        )
        .await?;
    assert_eq!(res.status(), 200);
    let res = server.qbit_get("app/webapiVersion", &Auth::None).await?;
    assert_eq!(plain(res, 404).await?, "Not Found");
    let res = server
        .qbit_get("app/webapiVersion", &Auth::Bearer(key))
        .await?;
    assert_eq!(res.status(), 404);
    Ok(())
}
