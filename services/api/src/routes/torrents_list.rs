//! `GET /v1/torrents`: one page of torrents, filtered and ordered.
//!
//! Rules:
//! - every parameter is validated before the engine is asked, and all
//!   problems come back together (`422`, pointers `/limit`, `/cursor`,
//!   `/state`, `/sort`, `/order`, ...); unknown parameters are refused too,
//!   so a typo never silently widens the result;
//! - `sort` is `added_at` (default), `name`, `progress` or `ratio`, with
//!   `order=asc|desc` or a `-` prefix for descending (`sort=-name`); both
//!   together must agree;
//! - paging is by keyset (see `revaer_messages::listing`): `next_cursor` is
//!   set while more items follow; send it back as `cursor` with the same
//!   sort and filters. A cursor from another sort order or other filters is
//!   refused (`422` at `/cursor`);
//! - the engine filters and orders in its memory; this handler only parses
//!   and encodes.

use actix_web::http::header::ContentType;
use actix_web::{get, web, HttpResponse};
use revaer_messages::listing::{
    ListQuery, SortKey, SortOrder, TorrentFilter, TorrentQuery, DEFAULT_LIMIT, MAX_LIMIT,
};
use revaer_messages::torrent::TorrentState;
use revaer_messages::InvalidParam;
use revaer_wire::{ListParams, TorrentList};

use crate::cursor;
use crate::engine;
use crate::error::{ApiError, Problem};
use crate::state::ApiState;

/// Typical JSON size of one summary, to size the response buffer.
const BYTES_PER_ITEM: usize = 512;

fn non_blank(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

fn sort_of(params: &ListParams, errors: &mut Vec<InvalidParam>) -> (SortKey, SortOrder) {
    let raw = non_blank(&params.sort).unwrap_or("added_at");
    let (prefixed, name) = match raw.strip_prefix('-') {
        Some(rest) => (Some(SortOrder::Desc), rest),
        None => (None, raw),
    };
    let key = SortKey::parse(name).unwrap_or_else(|| {
        let known: Vec<&str> = SortKey::ALL.iter().map(|k| k.as_str()).collect();
        errors.push(InvalidParam::new(
            "/sort",
            format!(
                "must be one of {} (prefix `-` for descending)",
                known.join(", ")
            ),
        ));
        SortKey::AddedAt
    });
    let explicit = non_blank(&params.order).map(|raw| {
        SortOrder::parse(raw).unwrap_or_else(|| {
            errors.push(InvalidParam::new("/order", "must be asc or desc"));
            SortOrder::Asc
        })
    });
    let order = match (prefixed, explicit) {
        (Some(p), Some(e)) if p != e => {
            errors.push(InvalidParam::new(
                "/order",
                "contradicts the `-` prefix of sort; use one of them",
            ));
            p
        }
        (p, e) => p.or(e).unwrap_or_default(),
    };
    (key, order)
}

/// Builds the engine query, or the `422` listing every bad parameter.
pub fn list_query(params: &ListParams) -> Result<TorrentQuery, ApiError> {
    let mut errors = Vec::new();
    let limit = limit_of(params, &mut errors);
    let (sort, order) = sort_of(params, &mut errors);
    let states = states_of(params, &mut errors);
    let extension = non_blank(&params.extension).map(|e| e.trim_start_matches('.').to_lowercase());
    if extension.as_deref() == Some("") {
        errors.push(InvalidParam::new(
            "/extension",
            "must name an extension, e.g. mkv",
        ));
    }
    let filter = TorrentFilter {
        states,
        category: non_blank(&params.category).map(str::to_string),
        tag: non_blank(&params.tag).map(str::to_string),
        tracker: non_blank(&params.tracker).map(str::to_ascii_lowercase),
        extension,
        name: non_blank(&params.name).map(str::to_lowercase),
        ids: None,
    };
    let after = match non_blank(&params.cursor) {
        None => None,
        Some(raw) => match cursor::decode(raw) {
            Ok((c, _)) if c.order != order || c.value.key() != sort => {
                errors.push(InvalidParam::new(
                    "/cursor",
                    "the cursor belongs to another sort order; send the same sort and order as for the first page",
                ));
                None
            }
            Ok((_, filters)) if filters != cursor::fingerprint(&filter) => {
                errors.push(InvalidParam::new(
                    "/cursor",
                    "the cursor belongs to other filters; send the same filters as for the first page",
                ));
                None
            }
            Ok((c, _)) => Some(c),
            Err(message) => {
                errors.push(InvalidParam::new("/cursor", message));
                None
            }
        },
    };
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    Ok(TorrentQuery {
        filter,
        sort,
        order,
        limit,
        after,
    })
}

/// `limit`: 1 to [`MAX_LIMIT`], [`DEFAULT_LIMIT`] when absent (or wrong,
/// with an entry in `errors`).
fn limit_of(params: &ListParams, errors: &mut Vec<InvalidParam>) -> usize {
    match non_blank(&params.limit) {
        None => DEFAULT_LIMIT,
        Some(raw) => match raw.parse::<usize>() {
            Ok(n) if (1..=MAX_LIMIT).contains(&n) => n,
            _ => {
                errors.push(InvalidParam::new(
                    "/limit",
                    format!("must be an integer from 1 to {MAX_LIMIT}"),
                ));
                DEFAULT_LIMIT
            }
        },
    }
}

/// `state`: comma-separated states; each unknown one is an entry in `errors`.
fn states_of(params: &ListParams, errors: &mut Vec<InvalidParam>) -> Vec<TorrentState> {
    let mut states = Vec::new();
    for raw in non_blank(&params.state)
        .into_iter()
        .flat_map(|s| s.split(','))
    {
        match TorrentState::parse(raw.trim()) {
            Some(state) => states.push(state),
            None => {
                let known: Vec<&str> = TorrentState::ALL.iter().map(|s| s.as_str()).collect();
                errors.push(InvalidParam::new(
                    "/state",
                    format!("`{}` is not a state; use {}", raw.trim(), known.join(", ")),
                ));
            }
        }
    }
    states
}

/// Lists torrents a page at a time, with filters and a stable order.
#[utoipa::path(
    tag = "torrents",
    path = "/v1/torrents",
    security(("api_key" = [])),
    params(ListParams),
    responses(
        (status = 200, description = "One page", body = TorrentList),
        (status = 422, description = "Invalid parameter (see `invalid_params`)", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Engine unavailable", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/v1/torrents")]
pub async fn list_torrents(
    state: web::Data<ApiState>,
    params: web::Query<ListParams>,
) -> Result<HttpResponse, ApiError> {
    let query = list_query(&params)?;
    let filters = cursor::fingerprint(&query.filter);
    let page = engine::call(&state.engine()?.list, ListQuery(query)).await?;
    let list = TorrentList {
        next_cursor: page.next.as_ref().map(|next| cursor::encode(next, filters)),
        items: page.items,
    };
    // Why not `HttpResponse::json`: sizing the buffer up front spares the
    // repeated grow-and-copy of a ~40 KB body on this hot path.
    let mut body = Vec::with_capacity(BYTES_PER_ITEM * (list.items.len() + 1));
    serde_json::to_writer(&mut body, &list).map_err(|err| ApiError::internal(&err))?;
    Ok(HttpResponse::Ok()
        .insert_header(ContentType::json())
        .body(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Result<ListParams, Box<dyn std::error::Error>> {
        let query: String = pairs
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&");
        Ok(web::Query::<ListParams>::from_query(&query)?.into_inner())
    }

    fn pointers(result: Result<TorrentQuery, ApiError>) -> Vec<String> {
        result.err().map(|e| e.pointers()).unwrap_or_default()
    }

    #[test]
    fn defaults_and_spellings() -> Result<(), Box<dyn std::error::Error>> {
        let q = list_query(&params(&[])?).map_err(|e| e.detail)?;
        assert_eq!(
            (q.limit, q.sort, q.order),
            (50, SortKey::AddedAt, SortOrder::Asc)
        );
        let q = list_query(&params(&[("sort", "-name"), ("state", "paused,seeding")])?)
            .map_err(|e| e.detail)?;
        assert_eq!((q.sort, q.order), (SortKey::Name, SortOrder::Desc));
        assert_eq!(q.filter.states.len(), 2);
        let q = list_query(&params(&[
            ("sort", "ratio"),
            ("order", "desc"),
            ("extension", ".MKV"),
        ])?)
        .map_err(|e| e.detail)?;
        assert_eq!((q.sort, q.order), (SortKey::Ratio, SortOrder::Desc));
        assert_eq!(q.filter.extension.as_deref(), Some("mkv"));
        Ok(())
    }

    #[test]
    fn every_bad_value_has_its_pointer() -> Result<(), Box<dyn std::error::Error>> {
        let bad = params(&[
            ("limit", "501"),
            ("cursor", "zz"),
            ("state", "sleeping"),
            ("sort", "size"),
            ("order", "up"),
        ])?;
        assert_eq!(
            pointers(list_query(&bad)),
            vec!["/limit", "/sort", "/order", "/state", "/cursor"]
        );
        let clash = params(&[("sort", "-name"), ("order", "asc")])?;
        assert_eq!(pointers(list_query(&clash)), vec!["/order"]);
        assert!(web::Query::<ListParams>::from_query("limt=5").is_err());
        Ok(())
    }
}
