use super::*;

#[test]
fn the_default_follows_the_bind_address() {
    assert_eq!(default_url(None), DEFAULT_URL);
    let any = "0.0.0.0:8080".parse().ok();
    assert_eq!(default_url(any), "http://127.0.0.1:8080/health");
    let any6 = "[::]:8080".parse().ok();
    assert_eq!(default_url(any6), "http://[::1]:8080/health");
    let one = "192.0.2.7:7070".parse().ok();
    assert_eq!(default_url(one), "http://192.0.2.7:7070/health");
}

#[test]
fn urls_parse_with_defaults_or_are_refused() {
    assert_eq!(
        parse("http://localhost:7070").ok(),
        Some(("localhost:7070", "localhost", 7070, "/health"))
    );
    assert_eq!(
        parse("http://[::1]:9/health/full").ok(),
        Some(("[::1]:9", "::1", 9, "/health/full"))
    );
    assert_eq!(parse("http://h").ok(), Some(("h", "h", 80, "/health")));
    for bad in [
        "https://h/health",
        "h:7070",
        "http://:7070/",
        "http://h:x/",
        "http://[::1/",
    ] {
        assert!(parse(bad).is_err(), "{bad} accepted");
    }
}
