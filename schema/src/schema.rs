// @generated automatically by Diesel CLI.

diesel::table! {
    api_keys (key_id) {
        key_id -> Text,
        secret_hash -> Text,
        label -> Text,
        enabled -> Bool,
        rate_burst -> Int4,
        rate_per_seconds -> Int4,
        created_at -> Timestamptz,
        last_used_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    app_profile (id) {
        id -> Int2,
        instance_name -> Text,
        mode -> Text,
        bind_addr -> Text,
        http_port -> Int4,
        telemetry -> Bool,
        features -> Jsonb,
        immutable_keys -> Jsonb,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    categories (name) {
        name -> Text,
        save_path -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    engine_profile (id) {
        id -> Int2,
        listen_port -> Int4,
        listen_interface -> Text,
        dht -> Bool,
        pex -> Bool,
        lsd -> Bool,
        encryption -> Text,
        max_active -> Int4,
        max_download_bps -> Int8,
        max_upload_bps -> Int8,
        sequential_default -> Bool,
        resume_dir -> Text,
        download_root -> Text,
        tracker_user_agent -> Text,
        updated_at -> Timestamptz,
        peer_protocol -> Text,
        share_ratio_limit -> Nullable<Float8>,
        share_time_limit_minutes -> Nullable<Int4>,
        share_limit_action -> Text,
        share_inactive_limit_minutes -> Nullable<Int4>,
        max_connections -> Int4,
    }
}

diesel::table! {
    fs_jobs (torrent_id) {
        torrent_id -> Text,
        status -> Text,
        current_step -> Nullable<Text>,
        completed_steps -> Jsonb,
        attempt -> Int4,
        last_error -> Nullable<Text>,
        input -> Jsonb,
        plan -> Nullable<Jsonb>,
        source_path -> Text,
        destination -> Nullable<Text>,
        request_id -> Nullable<Text>,
        next_attempt_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        started_at -> Nullable<Timestamptz>,
        finished_at -> Nullable<Timestamptz>,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    fs_policy (id) {
        id -> Int2,
        library_root -> Text,
        extract -> Bool,
        flatten -> Bool,
        move_mode -> Text,
        cleanup_keep -> Jsonb,
        cleanup_drop -> Jsonb,
        chmod_file -> Nullable<Text>,
        chmod_dir -> Nullable<Text>,
        owner_name -> Nullable<Text>,
        group_name -> Nullable<Text>,
        umask -> Nullable<Text>,
        allow_paths -> Jsonb,
        updated_at -> Timestamptz,
        allow_special_modes -> Bool,
        extract_max_ratio -> Int4,
        extract_min_free_bytes -> Int8,
    }
}

diesel::table! {
    settings_history (id) {
        id -> Int8,
        revision -> Int8,
        table_name -> Text,
        operation -> Text,
        old_value -> Nullable<Jsonb>,
        new_value -> Nullable<Jsonb>,
        actor -> Text,
        changed_at -> Timestamptz,
    }
}

diesel::table! {
    settings_revision (id) {
        id -> Int2,
        revision -> Int8,
        last_txid -> Nullable<Int8>,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    setup_tokens (id) {
        id -> Int8,
        token_hash -> Text,
        issued_at -> Timestamptz,
        expires_at -> Timestamptz,
        consumed_at -> Nullable<Timestamptz>,
        revoked_at -> Nullable<Timestamptz>,
        issued_by -> Text,
    }
}

diesel::table! {
    tags (name) {
        name -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    torrents (id) {
        id -> Text,
        name -> Text,
        source_kind -> Text,
        magnet_uri -> Nullable<Text>,
        torrent_file -> Nullable<Bytea>,
        save_path -> Text,
        category -> Nullable<Text>,
        tags -> Jsonb,
        file_priorities -> Jsonb,
        sequential -> Bool,
        download_limit -> Int8,
        upload_limit -> Int8,
        paused -> Bool,
        state -> Text,
        progress -> Float8,
        total_size -> Int8,
        added_at -> Timestamptz,
        completed_at -> Nullable<Timestamptz>,
        updated_at -> Timestamptz,
        share_ratio_limit -> Float8,
        share_seeding_minutes -> Int4,
        share_inactive_minutes -> Int4,
        force_start -> Bool,
        queue_position -> Int4,
        content_layout -> Text,
        first_last_piece_prio -> Bool,
        super_seeding -> Bool,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    api_keys,
    app_profile,
    categories,
    engine_profile,
    fs_jobs,
    fs_policy,
    settings_history,
    settings_revision,
    setup_tokens,
    tags,
    torrents,
);
