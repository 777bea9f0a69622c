//! Readiness fails when a vital actor is dead: an actor whose thread died
//! in a panic (as a panic in the engine would leave it) turns `/health`
//! into `503` and shows as degraded on `/health/full`.

mod support;

use actix::{Actor, Context, Handler, Message};
use actix_web::test as actix_test;
use revaer_api::openapi::OpenApiDoc;
use revaer_api::{build_app, VitalActor};
use serde_json::Value;
use std::time::{Duration, Instant};
use support::TestResult;

/// An actor that panics when told to.
struct Fragile;

impl Actor for Fragile {
    type Context = Context<Self>;
}

#[derive(Message)]
#[rtype(result = "()")]
struct Explode;

impl Handler<Explode> for Fragile {
    type Result = ();
    fn handle(&mut self, _: Explode, _: &mut Context<Self>) {
        panic!("simulated engine panic");
    }
}

#[actix_rt::test]
async fn health_fails_once_a_vital_actor_has_died() -> TestResult {
    let db = revaer_schema::testing::TestDatabase::loopback()?;
    let arbiter = actix::Arbiter::new();
    let fragile = Fragile::start_in_arbiter(&arbiter.handle(), |_| Fragile);
    let mut state = support::api_state::hand_built(&db)?;
    state.vital = vec![VitalActor::of("engine", &fragile)];
    let app = actix_test::init_service(build_app(
        actix_web::web::Data::new(state),
        actix_web::web::Data::new(OpenApiDoc::generate()),
    ))
    .await;
    let ready = actix_test::TestRequest::get().uri("/health").to_request();
    assert_eq!(
        actix_test::call_service(&app, ready)
            .await
            .status()
            .as_u16(),
        200
    );

    fragile.do_send(Explode);
    let deadline = Instant::now() + Duration::from_secs(10);
    while fragile.connected() {
        assert!(Instant::now() < deadline, "the actor did not die");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    let res = actix_test::call_service(
        &app,
        actix_test::TestRequest::get().uri("/health").to_request(),
    )
    .await;
    assert_eq!(res.status().as_u16(), 503);
    let body: Value = actix_test::read_body_json(res).await;
    assert_eq!(body["status"], "unavailable", "{body}");

    let res = actix_test::call_service(
        &app,
        actix_test::TestRequest::get()
            .uri("/health/full")
            .to_request(),
    )
    .await;
    assert_eq!(res.status().as_u16(), 503);
    let body: Value = actix_test::read_body_json(res).await;
    assert_eq!(body["components"]["engine"]["status"], "degraded", "{body}");
    assert!(
        body["degraded"]
            .as_array()
            .is_some_and(|d| d.contains(&Value::from("engine"))),
        "{body}"
    );
    Ok(())
}
