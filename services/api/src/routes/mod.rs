//! Route handlers, one module per scope. Handlers stay thin: extract,
//! validate, call a schema function or an actor, map the reply.

pub mod categories;
pub mod config;
pub mod docs;
pub mod events;
pub mod health;
pub mod keys;
pub mod setup;
pub mod tags;
pub mod torrents_action;
pub mod torrents_add;
pub mod torrents_detail;
pub mod torrents_fsops;
pub mod torrents_list;
pub mod torrents_queue;
pub mod torrents_select;
pub mod torrents_upload;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers every documented route.
pub fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(health::health)
        .service(health::health_full)
        .service(health::metrics)
        .service(docs::openapi_json)
        .service(setup::start)
        .service(setup::complete)
        .service(config::get_config)
        .service(config::patch_config)
        .service(keys::create_key)
        .service(keys::list_keys)
        .service(keys::update_key)
        .service(keys::delete_key)
        .service(events::events)
        .service(torrents_add::add_torrent)
        .service(torrents_list::list_torrents)
        // Before `/v1/torrents/{id}`, which would otherwise see `queue` as an id.
        .service(torrents_queue::move_in_queue)
        .service(torrents_detail::get_torrent)
        .service(torrents_detail::get_pieces)
        .service(torrents_detail::delete_torrent)
        .service(torrents_select::select_files)
        .service(torrents_action::torrent_action)
        .service(torrents_fsops::retry_fsops)
        .service(categories::list_categories)
        .service(categories::put_category)
        .service(categories::delete_category)
        .service(tags::list_tags)
        .service(tags::put_tag)
        .service(tags::delete_tag);
}
