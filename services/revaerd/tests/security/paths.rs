//! Item 8: a save path is confined to the allowed roots after symlinks are
//! resolved, by the API and again by the engine (add and move storage).

use revaer_messages::engine::{AddOptions, Argument, EngineError, MoveStorage};
use revaer_messages::TorrentId;
use serde_json::json;

use crate::engine_refuses;
use crate::support::torrents::{id_of, magnet, TorrentServer};
use crate::support::{expect_problem, pointers, TestResult};

#[actix_rt::test]
async fn item8_a_symlink_inside_the_roots_cannot_lead_outside() -> TestResult {
    let t = TorrentServer::start().await?;
    let outside = tempfile::tempdir()?;
    std::fs::create_dir_all(t.downloads())?;
    std::os::unix::fs::symlink(outside.path(), t.downloads().join("link"))?;
    let escaping = t.downloads().join("link/x").to_string_lossy().into_owned();

    let res = t
        .post(
            "/v1/torrents",
            &json!({"magnet": magnet(1, "x"), "save_path": escaping}),
        )
        .await?;
    let problem = expect_problem(res, 422, "validation_failed").await?;
    assert_eq!(pointers(&problem), vec!["/save_path"]);

    // The engine refuses it too when asked directly.
    engine_refuses(
        &t,
        magnet(2, "x"),
        AddOptions {
            save_path: Some(escaping.clone()),
            ..AddOptions::default()
        },
        Argument::SavePath,
    )
    .await?;

    // A torrent inside cannot be moved through the link either.
    let inside = t.downloads().join("real").to_string_lossy().into_owned();
    let res = t
        .post(
            "/v1/torrents",
            &json!({"magnet": magnet(3, "x"), "save_path": inside}),
        )
        .await?;
    assert_eq!(res.status(), 201);
    let id = id_of(&res.json().await?)?;
    for target in [escaping.as_str(), "/tmp/revaer-elsewhere"] {
        let moved = t
            .server
            .running
            .engine
            .send(MoveStorage {
                id: TorrentId::parse(&id)?,
                path: target.to_string(),
                request_id: None,
            })
            .await?;
        assert!(
            matches!(
                moved,
                Err(EngineError::InvalidArgument {
                    argument: Argument::SavePath,
                    ..
                })
            ),
            "{target}: {moved:?}"
        );
    }
    assert!(std::fs::read_dir(outside.path())?.next().is_none());
    Ok(())
}
