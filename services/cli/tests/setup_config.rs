//! First-run setup, configuration and API keys through `revaer`, and the
//! rule that the API key given to the CLI never appears in its output.

mod support;

use revaer_domain::config::ConfigSnapshot;
use revaer_wire::ApiKeyInfo;
use support::{command, expect, revaer, run, Server, TestResult};

#[actix_rt::test]
async fn setup_start_and_complete_then_init_on_a_second_instance() -> TestResult {
    let server = Server::start().await?;
    let url = server.url();
    let health = revaer(&["--url", &url, "health"]).await?;
    assert_eq!((health.code, health.stdout.trim()), (0, "ok (setup mode)"));

    let started = revaer(&["--url", &url, "setup", "start"]).await?;
    assert_eq!(started.code, 0, "{}", started.stderr);
    let token = started.stdout.trim();
    assert!(
        !token.is_empty() && !token.contains(' '),
        "{}",
        started.stdout
    );
    let (downloads, library, resume) = (
        server.path("downloads"),
        server.path("library"),
        server.path("resume"),
    );
    let completed = revaer(&[
        "--url",
        &url,
        "setup",
        "complete",
        "--token",
        token,
        "--instance-name",
        "home",
        "--download-root",
        &downloads,
        "--library-root",
        &library,
        "--resume-dir",
        &resume,
        "--key-label",
        "admin",
    ])
    .await?;
    assert_eq!(completed.code, 0, "{}", completed.stderr);
    let key = completed.stdout.trim();
    assert!(key
        .split_once(':')
        .is_some_and(|(id, secret)| !id.is_empty() && !secret.is_empty()));
    assert!(completed.stderr.contains("shown only once"));

    let name = expect(
        &server,
        key,
        &["config", "get", "app_profile.instance_name"],
        0,
    )
    .await?;
    assert_eq!(name.stdout, "home\n");
    // Setup is over: a second start is a conflict.
    expect(&server, key, &["setup", "start"], 6).await?;

    // `setup init` does both steps at once.
    let other = Server::start().await?;
    let init = revaer(&[
        "--url",
        &other.url(),
        "setup",
        "init",
        "--download-root",
        &other.path("d"),
        "--library-root",
        &other.path("l"),
        "--resume-dir",
        &other.path("r"),
        "-o",
        "json",
    ])
    .await?;
    assert_eq!(init.code, 0, "{}", init.stderr);
    let done: revaer_wire::SetupCompleteResponse = serde_json::from_str(&init.stdout)?;
    let mode = expect(
        &other,
        &done.api_key,
        &["config", "get", "app_profile.mode"],
        0,
    )
    .await?;
    assert_eq!(mode.stdout, "active\n");
    Ok(())
}

#[actix_rt::test]
async fn config_get_set_and_patch_with_validation_errors() -> TestResult {
    let (server, key) = Server::start_active().await?;
    let client = server.client(Some(&key))?;

    let all = expect(&server, &key, &["config", "get", "-o", "json"], 0).await?;
    let snapshot: ConfigSnapshot = serde_json::from_str(&all.stdout)?;
    assert_eq!(snapshot, client.config().await?);
    let table = expect(&server, &key, &["config", "get", "engine_profile"], 0).await?;
    assert!(
        table.stdout.contains("engine_profile.max_active = "),
        "{}",
        table.stdout
    );

    let set = expect(
        &server,
        &key,
        &[
            "config",
            "set",
            "engine_profile.max_active=7",
            "engine_profile.tracker_user_agent=revaer-test/1",
        ],
        0,
    )
    .await?;
    assert!(
        set.stdout.contains("changed: engine_profile"),
        "{}",
        set.stdout
    );
    let now = client.config().await?;
    assert_eq!(now.engine_profile.max_active, 7);
    assert_eq!(now.engine_profile.tracker_user_agent, "revaer-test/1");
    let same = expect(
        &server,
        &key,
        &["config", "set", "engine_profile.max_active=7"],
        0,
    )
    .await?;
    assert!(
        same.stdout.starts_with("nothing changed"),
        "{}",
        same.stdout
    );

    // The server's validation: exit 2 with the pointer and its message.
    let bad = expect(
        &server,
        &key,
        &["config", "set", "engine_profile.max_active=-3"],
        2,
    )
    .await?;
    assert!(
        bad.stderr.contains("Validation failed (422)"),
        "{}",
        bad.stderr
    );
    assert!(
        bad.stderr.contains("  /engine_profile/max_active: "),
        "{}",
        bad.stderr
    );
    assert!(bad.stderr.contains("request id: "), "{}", bad.stderr);
    // The CLI's own refusals: exit 2 too.
    expect(&server, &key, &["config", "set", "max_active=3"], 2).await?;
    expect(&server, &key, &["config", "get", "engine_profile.nope"], 2).await?;

    let dir = tempfile::tempdir()?;
    let patch = dir.path().join("patch.json");
    std::fs::write(&patch, r#"{"engine_profile": {"max_active": 9}}"#)?;
    let patched = expect(
        &server,
        &key,
        &["config", "patch", &patch.to_string_lossy(), "-o", "json"],
        0,
    )
    .await?;
    let reply: revaer_wire::ConfigPatchResponse = serde_json::from_str(&patched.stdout)?;
    assert_eq!(reply.changed, vec!["engine_profile".to_string()]);
    let mut from_stdin = command(&[
        "--url",
        &server.url(),
        "--api-key",
        &key,
        "config",
        "patch",
        "-",
    ]);
    from_stdin.stdin(std::process::Stdio::piped());
    let mut child = from_stdin.stdout(std::process::Stdio::piped()).spawn()?;
    if let Some(mut stdin) = child.stdin.take() {
        use tokio::io::AsyncWriteExt;
        stdin
            .write_all(br#"{"engine_profile": {"max_active": 4}}"#)
            .await?;
    }
    assert!(child.wait().await?.success());
    assert_eq!(client.config().await?.engine_profile.max_active, 4);
    Ok(())
}

#[actix_rt::test]
async fn keys_are_created_listed_changed_and_removed() -> TestResult {
    let (server, key) = Server::start_active().await?;
    let added = expect(
        &server,
        &key,
        &[
            "keys",
            "add",
            "reader",
            "--burst",
            "10",
            "--per-seconds",
            "60",
        ],
        0,
    )
    .await?;
    let new_key = added.stdout.trim().to_string();
    let (new_id, _) = new_key.split_once(':').ok_or("KEY_ID:SECRET")?;
    let listed = expect(&server, &key, &["keys", "ls", "-o", "json"], 0).await?;
    let keys: Vec<ApiKeyInfo> = serde_json::from_str(&listed.stdout)?;
    let reader = keys.iter().find(|k| k.key_id == new_id).ok_or("listed")?;
    assert_eq!(
        (reader.label.as_str(), reader.rate_limit.burst),
        ("reader", 10)
    );
    let table = expect(&server, &key, &["keys", "ls"], 0).await?;
    assert!(table.stdout.contains("reader") && table.stdout.contains("10/60s"));
    // The new key works, until it is disabled.
    expect(&server, &new_key, &["ls"], 0).await?;
    expect(
        &server,
        &key,
        &["keys", "update", new_id, "--enabled", "false"],
        0,
    )
    .await?;
    expect(&server, &new_key, &["ls"], 4).await?;
    expect(&server, &key, &["keys", "rm", new_id], 0).await?;
    expect(&server, &key, &["keys", "rm", new_id], 5).await?;
    expect(&server, &key, &["keys", "add", "x", "--burst", "5"], 2).await?;
    Ok(())
}

#[actix_rt::test]
async fn the_api_key_never_appears_in_any_output() -> TestResult {
    let (server, key) = Server::start_active().await?;
    let (key_id, secret) = key.split_once(':').ok_or("key")?;
    let wrong = format!("{key_id}:{}", "w".repeat(secret.len()));
    let dir = tempfile::tempdir()?;
    let key_file = dir.path().join("key");
    std::fs::write(&key_file, format!("{key}\n"))?;
    let url = server.url();
    let commands: &[&[&str]] = &[
        &["ls"],
        &["ls", "-o", "json"],
        &["config", "get"],
        &["keys", "ls", "-o", "json"],
        &["health", "--full"],
        &["version"],
        &["status", "0123456789"],
        &["config", "set", "engine_profile.max_active=-1"],
        &["--help"],
        &["tail", "--help"],
        &["nonsense"],
    ];
    for args in commands {
        for (var, value, shown) in [
            ("REVAER_API_KEY", key.as_str(), secret),
            ("REVAER_API_KEY", wrong.as_str(), &wrong[key_id.len() + 1..]),
            ("REVAER_API_KEY_FILE", &*key_file.to_string_lossy(), secret),
        ] {
            let mut cli = command(&["--url", &url]);
            cli.args(*args).env(var, value);
            let out = run(cli).await?;
            assert!(
                !out.all().contains(shown),
                "{args:?} with {var} printed the secret:\n{}",
                out.all()
            );
        }
    }
    // As an argument too, including when the server refuses it.
    for key in [&key, &wrong] {
        let out = revaer(&["--url", &url, "--api-key", key, "ls", "-o", "json"]).await?;
        assert!(!out.all().contains(key.as_str()));
    }
    Ok(())
}
