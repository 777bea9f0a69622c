//! The torrent routes answer `503` problems when there is no engine (a
//! hand-built state without engine handles) and when the engine's mailbox
//! is closed (an engine actor that has stopped); the FsOps retry route does
//! when there is no orchestrator.

mod support;

use actix::{Actor, ActorContext, Context, Handler};
use actix_web::test as actix_test;
use revaer_api::openapi::OpenApiDoc;
use revaer_api::{build_app, EngineHandles};
use revaer_messages::engine::{
    AddTorrent, ConnectPeer, ControlTorrent, EngineError, EngineStatus, GetEngineStatus,
    GetPieceStates, GetTorrent, MoveInQueue, MoveStorage, RemoveTorrent,
};
use revaer_messages::listing::{ListQuery, TorrentPage};
use revaer_messages::torrent::{PieceStates, TorrentDetail, TorrentSummary};
use serde_json::Value;
use std::time::{Duration, Instant};
use support::{TestResult, TestServer};

/// An engine that stops as soon as it starts.
struct GoneEngine;

impl Actor for GoneEngine {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        ctx.stop();
    }
}

fn gone<T>() -> Result<T, EngineError> {
    Err(EngineError::Unavailable("gone".into()))
}

impl Handler<AddTorrent> for GoneEngine {
    type Result = Result<TorrentSummary, EngineError>;
    fn handle(&mut self, _: AddTorrent, _: &mut Context<Self>) -> Self::Result {
        gone()
    }
}
impl Handler<ControlTorrent> for GoneEngine {
    type Result = Result<(), EngineError>;
    fn handle(&mut self, _: ControlTorrent, _: &mut Context<Self>) -> Self::Result {
        gone()
    }
}
impl Handler<RemoveTorrent> for GoneEngine {
    type Result = Result<(), EngineError>;
    fn handle(&mut self, _: RemoveTorrent, _: &mut Context<Self>) -> Self::Result {
        gone()
    }
}
impl Handler<GetTorrent> for GoneEngine {
    type Result = Result<TorrentDetail, EngineError>;
    fn handle(&mut self, _: GetTorrent, _: &mut Context<Self>) -> Self::Result {
        gone()
    }
}
impl Handler<GetPieceStates> for GoneEngine {
    type Result = Result<PieceStates, EngineError>;
    fn handle(&mut self, _: GetPieceStates, _: &mut Context<Self>) -> Self::Result {
        gone()
    }
}
impl Handler<ListQuery> for GoneEngine {
    type Result = Result<TorrentPage, EngineError>;
    fn handle(&mut self, _: ListQuery, _: &mut Context<Self>) -> Self::Result {
        gone()
    }
}
impl Handler<GetEngineStatus> for GoneEngine {
    type Result = Result<EngineStatus, EngineError>;
    fn handle(&mut self, _: GetEngineStatus, _: &mut Context<Self>) -> Self::Result {
        gone()
    }
}
impl Handler<MoveStorage> for GoneEngine {
    type Result = Result<(), EngineError>;
    fn handle(&mut self, _: MoveStorage, _: &mut Context<Self>) -> Self::Result {
        gone()
    }
}
impl Handler<ConnectPeer> for GoneEngine {
    type Result = Result<(), EngineError>;
    fn handle(&mut self, _: ConnectPeer, _: &mut Context<Self>) -> Self::Result {
        gone()
    }
}
impl Handler<MoveInQueue> for GoneEngine {
    type Result = Result<(), EngineError>;
    fn handle(&mut self, _: MoveInQueue, _: &mut Context<Self>) -> Self::Result {
        gone()
    }
}

#[actix_rt::test]
async fn no_engine_or_a_gone_engine_is_a_503_problem() -> TestResult {
    // A real server only to take the database through setup and get a key.
    let (server, key) = TestServer::start_active().await?;
    let engine = GoneEngine.start();
    let deadline = Instant::now() + Duration::from_secs(5);
    while engine.connected() {
        if Instant::now() > deadline {
            return Err("the engine actor did not stop".into());
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    for handles in [None, Some(EngineHandles::of(&engine))] {
        let mut state = support::api_state::hand_built(&server.db)?;
        state.engine = handles;
        let app = actix_test::init_service(build_app(
            actix_web::web::Data::new(state),
            actix_web::web::Data::new(OpenApiDoc::generate()),
        ))
        .await;
        let id = "0".repeat(40);
        let requests = [
            actix_test::TestRequest::get().uri("/v1/torrents"),
            actix_test::TestRequest::get().uri(&format!("/v1/torrents/{id}")),
            actix_test::TestRequest::delete().uri(&format!("/v1/torrents/{id}")),
            actix_test::TestRequest::post()
                .uri("/v1/torrents")
                .set_json(serde_json::json!({"magnet": format!("magnet:?xt=urn:btih:{id}")})),
            actix_test::TestRequest::post()
                .uri(&format!("/v1/torrents/{id}/action"))
                .set_json(serde_json::json!({"action": "pause"})),
            actix_test::TestRequest::post()
                .uri("/v1/torrents/queue")
                .set_json(serde_json::json!({"ids": [id], "move": "top"})),
            // No FsOps orchestrator in this state either.
            actix_test::TestRequest::post().uri(&format!("/v1/torrents/{id}/fsops/retry")),
        ];
        for request in requests {
            let req = request
                .insert_header(("x-api-key", key.as_str()))
                .to_request();
            let path = req.path().to_string();
            let res = actix_test::call_service(&app, req).await;
            assert_eq!(res.status().as_u16(), 503, "{path}");
            let body: Value = actix_test::read_body_json(res).await;
            assert_eq!(
                body["type"], "urn:revaer:problem:service_unavailable",
                "{path}"
            );
        }
    }
    Ok(())
}
