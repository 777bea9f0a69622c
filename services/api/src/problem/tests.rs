use super::*;
use actix_web::http::StatusCode;
use actix_web::middleware::from_fn;
use actix_web::{test, web, App, HttpResponse};

#[actix_rt::test]
async fn a_json_report_with_an_error_status_is_kept_and_bare_errors_are_rendered() {
    let app = test::init_service(
        App::new()
            .route(
                "/report",
                web::get().to(|| async {
                    HttpResponse::ServiceUnavailable()
                        .json(serde_json::json!({"status": "unavailable"}))
                }),
            )
            .route(
                "/bare",
                web::get().to(|| async { HttpResponse::ServiceUnavailable().finish() }),
            )
            .wrap(from_fn(render)),
    )
    .await;
    let res = test::call_service(&app, test::TestRequest::get().uri("/report").to_request()).await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: serde_json::Value = test::read_body_json(res).await;
    assert_eq!(body, serde_json::json!({"status": "unavailable"}));

    let res = test::call_service(&app, test::TestRequest::get().uri("/bare").to_request()).await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    let content_type = res.headers().get(header::CONTENT_TYPE).cloned();
    assert_eq!(
        content_type.as_ref().and_then(|v| v.to_str().ok()),
        Some(PROBLEM_JSON)
    );
}
