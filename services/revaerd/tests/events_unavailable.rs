//! `GET /v1/events` answers 503 when the event hub cannot be reached.
//!
//! A supervised hub restarts instead of going away, so the real server never
//! shows this; the in-process app is given a hub whose actor has stopped.

mod support;

use actix::{Actor, ActorContext, Context, Handler, MessageResult};
use actix_web::test as actix_test;
use revaer_api::build_app;
use revaer_api::openapi::OpenApiDoc;
use revaer_messages::hub::{Subscribe, Subscription, Unsubscribe};
use serde_json::Value;
use std::time::{Duration, Instant};
use support::{TestResult, TestServer};

/// An actor that stops as soon as it starts.
struct GoneHub;

impl Actor for GoneHub {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        ctx.stop();
    }
}

impl Handler<Subscribe> for GoneHub {
    type Result = MessageResult<Subscribe>;

    fn handle(&mut self, _msg: Subscribe, _ctx: &mut Self::Context) -> Self::Result {
        let (_sender, receiver) = tokio::sync::mpsc::channel(1);
        MessageResult(Subscription {
            receiver,
            subscriber_id: 0,
            latest_id: 0,
        })
    }
}

impl Handler<Unsubscribe> for GoneHub {
    type Result = ();

    fn handle(&mut self, _msg: Unsubscribe, _ctx: &mut Self::Context) {}
}

#[actix_rt::test]
async fn an_unreachable_hub_is_a_503_problem() -> TestResult {
    // A real server only to take the database through setup and get a key.
    let (server, key) = TestServer::start_active().await?;
    let hub = GoneHub.start();
    let deadline = Instant::now() + Duration::from_secs(5);
    while hub.connected() {
        if Instant::now() > deadline {
            return Err("the hub actor did not stop".into());
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    let mut state = support::api_state::hand_built(&server.db)?;
    state.subscribe = hub.clone().recipient();
    state.unsubscribe = hub.recipient();
    let app = actix_test::init_service(build_app(
        actix_web::web::Data::new(state),
        actix_web::web::Data::new(OpenApiDoc::generate()),
    ))
    .await;
    let req = actix_test::TestRequest::get()
        .uri("/v1/events")
        .insert_header(("x-api-key", key.as_str()))
        .to_request();
    let res = actix_test::call_service(&app, req).await;
    assert_eq!(res.status().as_u16(), 503);
    assert!(res.headers().contains_key("x-ratelimit-limit"));
    let body: Value = actix_test::read_body_json(res).await;
    assert_eq!(body["type"], "urn:revaer:problem:service_unavailable");
    assert_eq!(body["instance"], "/v1/events");
    Ok(())
}
