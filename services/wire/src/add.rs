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
    "top_of_queue",
    "content_layout",
    "first_last_piece_prio",
    "skip_checking",
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
mod tests;
