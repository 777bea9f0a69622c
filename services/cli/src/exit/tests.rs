use super::*;
use revaer_client::ApiFailure;

fn api(status: u16) -> ClientError {
    ClientError::Api(Box::new(ApiFailure {
        status,
        problem: None,
        request_id: "r".into(),
        retries: 0,
    }))
}

#[test]
fn statuses_map_to_the_contract() {
    let code = |status| client_exit(&api(status)) as u8;
    for status in [400, 413, 415, 422] {
        assert_eq!(code(status), 2, "{status}");
    }
    for status in [429, 500, 503] {
        assert_eq!(code(status), 3, "{status}");
    }
    assert_eq!((code(401), code(403)), (4, 4));
    assert_eq!(code(404), 5);
    assert_eq!(code(409), 6);
}
