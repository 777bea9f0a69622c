//! The JSON body of `POST /v1/torrents`: a magnet link plus the add options.
//!
//! Rule: the body is one closed object. serde's `deny_unknown_fields` does
//! not work together with `flatten`, so a catch-all field refuses whatever
//! neither `magnet` nor the options took, and the OpenAPI schema is built by
//! hand as the options object plus `magnet` (a derived schema would be an
//! `allOf` whose closed options part refuses `magnet`).

use revaer_domain::engine::AddOptions;
use serde::de::{self, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;
use utoipa::{PartialSchema, ToSchema};

/// What the magnet field holds.
pub const MAGNET_DESCRIPTION: &str = "`magnet:?xt=urn:btih:...` link, at most 8 KiB.";

/// Every field of the JSON body, for the "unknown field" error.
pub const ADD_FIELDS: &[&str] = &[
    "magnet",
    "save_path",
    "category",
    "tags",
    "paused",
    "sequential",
    "files",
    "limits",
];

/// Adds a torrent from a magnet link: `magnet` plus the [`AddOptions`] a
/// `.torrent` upload takes too. Unknown fields are refused.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AddTorrentRequest {
    /// The magnet link, at most 8 KiB.
    pub magnet: String,
    /// Save path, category, tags, ...
    #[serde(flatten)]
    pub options: AddOptions,
    /// Refuses what neither of the above took.
    #[serde(flatten)]
    no_other_fields: NoOtherFields,
}

impl AddTorrentRequest {
    /// A request for `magnet` with `options`.
    pub fn new(magnet: impl Into<String>, options: AddOptions) -> Self {
        Self {
            magnet: magnet.into(),
            options,
            no_other_fields: NoOtherFields,
        }
    }
}

/// Fails on the first field left over after `magnet` and the options;
/// serializes to nothing.
#[derive(Debug, Clone, PartialEq)]
struct NoOtherFields;

impl<'de> Deserialize<'de> for NoOtherFields {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Refuse;
        impl<'de> Visitor<'de> for Refuse {
            type Value = NoOtherFields;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("no fields other than the add options")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<NoOtherFields, A::Error> {
                match map.next_key::<String>()? {
                    Some(field) => Err(de::Error::unknown_field(&field, ADD_FIELDS)),
                    None => Ok(NoOtherFields),
                }
            }
        }
        deserializer.deserialize_map(Refuse)
    }
}

impl Serialize for NoOtherFields {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_map(Some(0))?.end()
    }
}

impl PartialSchema for AddTorrentRequest {
    fn schema() -> RefOr<Schema> {
        let mut schema = AddOptions::schema();
        if let RefOr::T(Schema::Object(object)) = &mut schema {
            object.description = Some("Adds a torrent from a magnet link.".into());
            object.properties.insert(
                "magnet".into(),
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .description(Some(MAGNET_DESCRIPTION))
                    .into(),
            );
            object.required.insert(0, "magnet".into());
        }
        schema
    }
}

impl ToSchema for AddTorrentRequest {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        AddOptions::schemas(schemas);
    }
}

#[cfg(test)]
mod tests {
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
}
