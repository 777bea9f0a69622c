//! Item 9: no setuid, setgid or sticky bits in `fs_policy.chmod_*` without
//! the explicit opt-in `fs_policy.allow_special_modes`.

use serde_json::json;

use crate::support::{expect_problem, pointers, TestResult, TestServer};

#[actix_rt::test]
async fn item9_special_mode_bits_need_the_opt_in() -> TestResult {
    let (server, key) = TestServer::start_active().await?;
    for (field, mode) in [
        ("chmod_file", "6755"),
        ("chmod_dir", "7777"),
        ("chmod_file", "1644"),
        ("chmod_dir", "2755"),
    ] {
        let res = server
            .patch_json("/v1/config", &key, &json!({"fs_policy": {field: mode}}))
            .await?;
        let problem = expect_problem(res, 422, "validation_failed").await?;
        assert_eq!(pointers(&problem), vec![format!("/fs_policy/{field}")]);
    }
    let res = server
        .patch_json(
            "/v1/config",
            &key,
            &json!({"fs_policy": {"chmod_file": "0644", "chmod_dir": "777"}}),
        )
        .await?;
    assert_eq!(res.status(), 200, "plain permission bits stay allowed");
    let res = server
        .patch_json(
            "/v1/config",
            &key,
            &json!({"fs_policy": {"allow_special_modes": true, "chmod_dir": "2775"}}),
        )
        .await?;
    assert_eq!(res.status(), 200, "with the opt-in");
    // Turning the opt-in off while a special mode is set is refused too.
    let res = server
        .patch_json(
            "/v1/config",
            &key,
            &json!({"fs_policy": {"allow_special_modes": false}}),
        )
        .await?;
    let problem = expect_problem(res, 422, "validation_failed").await?;
    assert_eq!(pointers(&problem), vec!["/fs_policy/chmod_dir"]);
    Ok(())
}
