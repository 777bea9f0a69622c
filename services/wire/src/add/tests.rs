use super::*;

type TestResult = Result<(), Box<dyn std::error::Error>>;

#[test]
fn the_body_is_the_magnet_plus_the_add_options() -> TestResult {
    let request: AddTorrentRequest = serde_json::from_str(
        r#"{"magnet": "magnet:?xt=urn:btih:x", "category": "tv", "tags": ["a"],
            "paused": true, "files": [0, 7], "limits": {"download_bps": 5}}"#,
    )?;
    assert_eq!(request.magnet, "magnet:?xt=urn:btih:x");
    assert_eq!(request.options.category.as_deref(), Some("tv"));
    assert_eq!(request.options.tags, vec!["a".to_string()]);
    assert!(request.options.paused);
    assert_eq!(request.options.files, Some(vec![0, 7]));
    assert_eq!(request.options.limits.and_then(|l| l.download_bps), Some(5));
    let bare: AddTorrentRequest = serde_json::from_str(r#"{"magnet": "m"}"#)?;
    assert_eq!(bare.options, AddOptions::default());
    Ok(())
}

#[test]
fn what_the_client_sends_the_server_reads_back() -> TestResult {
    let options = AddOptions {
        category: Some("tv".into()),
        tags: vec!["a".into(), "b".into()],
        sequential: Some(true),
        ..AddOptions::default()
    };
    let sent = AddTorrentRequest::new("magnet:?xt=urn:btih:x", options);
    let text = serde_json::to_string(&sent)?;
    assert_eq!(serde_json::from_str::<AddTorrentRequest>(&text)?, sent);
    Ok(())
}

#[test]
fn unknown_duplicate_and_missing_fields_are_refused() {
    let error = |body: &str| {
        serde_json::from_str::<AddTorrentRequest>(body)
            .err()
            .map(|err| (err.is_data(), err.to_string()))
    };
    let Some((true, unknown)) = error(r#"{"magnet": "m", "colour": "red"}"#) else {
        panic!("an unknown field is a data error");
    };
    assert!(
        unknown.starts_with(
            "unknown field `colour`, expected one of `magnet`, `save_path`, `category`, \
             `tags`, `paused`, `sequential`, `files`, `limits`"
        ),
        "{unknown}"
    );
    for body in [
        r#"{"save_path": "/x"}"#,
        r#"{"magnet": "m", "magnet": "n"}"#,
        r#"{"magnet": "m", "paused": true, "paused": false}"#,
        r#"{"magnet": "m", "options": {}}"#,
        r#"{"magnet": "m", "tags": "a"}"#,
    ] {
        assert!(matches!(error(body), Some((true, _))), "{body}");
    }
    assert!(matches!(error(r#"{"magnet": "#), Some((false, _))));
}

#[test]
fn the_unknown_field_list_names_every_field() -> TestResult {
    let options = serde_json::to_value(AddOptions::default())?;
    let mut expected: Vec<&str> = options
        .as_object()
        .ok_or("options serialize to an object")?
        .keys()
        .map(String::as_str)
        .chain(["magnet"])
        .collect();
    expected.sort_unstable();
    let mut fields = ADD_FIELDS.to_vec();
    fields.sort_unstable();
    assert_eq!(fields, expected);
    Ok(())
}

#[test]
fn the_schema_is_one_closed_object_with_every_field() -> TestResult {
    let schema = serde_json::to_value(AddTorrentRequest::schema())?;
    let mut properties: Vec<&str> = schema["properties"]
        .as_object()
        .ok_or("properties")?
        .keys()
        .map(String::as_str)
        .collect();
    properties.sort_unstable();
    let mut fields = ADD_FIELDS.to_vec();
    fields.sort_unstable();
    assert_eq!(properties, fields);
    assert_eq!(schema["required"], serde_json::json!(["magnet"]));
    assert_eq!(schema["additionalProperties"], false);
    assert_eq!(
        schema["properties"]["magnet"]["description"],
        MAGNET_DESCRIPTION
    );
    Ok(())
}
