use super::*;

#[test]
fn refusals_map_to_statuses_and_pointers() -> Result<(), Box<dyn std::error::Error>> {
    let id = TorrentId::parse(&"a".repeat(40))?;
    let dup = problem(EngineError::Duplicate(id.clone()));
    assert_eq!(
        (dup.status.as_u16(), dup.torrent_id.as_deref()),
        (409, Some(id.as_str()))
    );
    let bad = problem(EngineError::invalid(
        Argument::SavePath,
        "a message that names no field",
    ));
    assert_eq!(bad.status.as_u16(), 422);
    assert_eq!(
        bad.invalid_params
            .map(|p| p.first().map(|x| x.pointer.clone())),
        Some(Some("/save_path".to_string()))
    );
    assert_eq!(
        problem(EngineError::NotFound(id.clone())).status.as_u16(),
        404
    );
    assert_eq!(problem(EngineError::NoMetadata(id)).status.as_u16(), 409);
    let queueing = problem(EngineError::QueueingDisabled);
    assert_eq!(
        (queueing.status.as_u16(), queueing.code),
        (409, "queueing_disabled")
    );
    assert_eq!(
        problem(EngineError::Unavailable("x".into()))
            .status
            .as_u16(),
        503
    );
    let internal = problem(EngineError::Internal("secret detail".into()));
    assert_eq!(internal.status.as_u16(), 500);
    assert!(!internal.detail.contains("secret"));
    assert_eq!(
        parse_id("xyz").map(|_| ()).map_err(|e| e.status.as_u16()),
        Err(404)
    );
    Ok(())
}
