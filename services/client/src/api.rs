//! One method per route of the `/v1` API (plus health), each taking and
//! returning the server's own types.

use reqwest::multipart::{Form, Part};
use reqwest::Method;
use revaer_domain::config::ConfigSnapshot;
use revaer_domain::engine::{AddOptions, QueueMove};
use revaer_domain::torrent::{TorrentDetail, TorrentId, TorrentSummary};
use revaer_wire::{
    ActionRequest, AddTorrentRequest, ApiKeyInfo, ConfigPatchResponse, CreateKeyRequest,
    CreatedKey, DeleteParams, FullHealthResponse, HealthResponse, ListParams, QueueRequest,
    SelectRequest, SetupCompleteRequest, SetupCompleteResponse, SetupStartResponse, TorrentList,
    UpdateKeyRequest,
};
use serde::de::DeserializeOwned;

use crate::error::ClientError;
use crate::http::{decode, Client};

/// Largest page the server hands out; `list_all` asks for it.
const MAX_PAGE: u32 = 500;

/// Percent-encodes one path segment (key ids come from the command line).
pub(crate) fn segment(raw: &str) -> String {
    raw.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

impl Client {
    /// `POST /v1/setup/start`: a one-time setup token (loopback only).
    pub async fn setup_start(&self) -> Result<SetupStartResponse, ClientError> {
        self.json(Method::POST, "/v1/setup/start", None::<&()>)
            .await
    }

    /// `POST /v1/setup/complete`: initial settings and the first key.
    pub async fn setup_complete(
        &self,
        request: &SetupCompleteRequest,
    ) -> Result<SetupCompleteResponse, ClientError> {
        self.json(Method::POST, "/v1/setup/complete", Some(request))
            .await
    }

    /// `GET /v1/config`.
    pub async fn config(&self) -> Result<ConfigSnapshot, ClientError> {
        self.json(Method::GET, "/v1/config", None::<&()>).await
    }

    /// `PATCH /v1/config` with a partial configuration
    /// (`{section: {field: value}}`).
    pub async fn patch_config(
        &self,
        patch: &serde_json::Value,
    ) -> Result<ConfigPatchResponse, ClientError> {
        self.json(Method::PATCH, "/v1/config", Some(patch)).await
    }

    /// `GET /v1/keys`.
    pub async fn keys(&self) -> Result<Vec<ApiKeyInfo>, ClientError> {
        self.json(Method::GET, "/v1/keys", None::<&()>).await
    }

    /// `POST /v1/keys`: the reply holds the new secret, once.
    pub async fn create_key(&self, request: &CreateKeyRequest) -> Result<CreatedKey, ClientError> {
        self.json(Method::POST, "/v1/keys", Some(request)).await
    }

    /// `PATCH /v1/keys/{key_id}`.
    pub async fn update_key(
        &self,
        key_id: &str,
        request: &UpdateKeyRequest,
    ) -> Result<ApiKeyInfo, ClientError> {
        let path = format!("/v1/keys/{}", segment(key_id));
        self.json(Method::PATCH, &path, Some(request)).await
    }

    /// `DELETE /v1/keys/{key_id}`.
    pub async fn delete_key(&self, key_id: &str) -> Result<(), ClientError> {
        let path = format!("/v1/keys/{}", segment(key_id));
        self.empty(Method::DELETE, &path, None::<&()>).await
    }

    /// `POST /v1/torrents` with a magnet link (JSON).
    pub async fn add_magnet(
        &self,
        request: &AddTorrentRequest,
    ) -> Result<TorrentSummary, ClientError> {
        self.json(Method::POST, "/v1/torrents", Some(request)).await
    }

    /// `POST /v1/torrents` uploading a `.torrent` (multipart), with the
    /// options as the form's JSON field `options`.
    pub async fn add_file(
        &self,
        file_name: &str,
        torrent: Vec<u8>,
        options: &AddOptions,
    ) -> Result<TorrentSummary, ClientError> {
        let url = self.url("/v1/torrents")?;
        let options = serde_json::to_string(options).map_err(|err| ClientError::Protocol {
            reason: format!("cannot encode the options: {err}"),
            request_id: None,
        })?;
        let (response, request_id) = self
            .send(|http| {
                let part = Part::bytes(torrent.clone()).file_name(file_name.to_string());
                let part = part
                    .mime_str("application/x-bittorrent")
                    .unwrap_or_else(|_| Part::bytes(torrent.clone()));
                let form = Form::new()
                    .part("torrent", part)
                    .text("options", options.clone());
                http.post(url.clone()).multipart(form)
            })
            .await?;
        decode(response, request_id).await
    }

    /// `GET /v1/torrents`: one page.
    pub async fn list(&self, params: &ListParams) -> Result<TorrentList, ClientError> {
        let url = self.url("/v1/torrents")?;
        let (response, request_id) = self
            .send(|http| http.get(url.clone()).query(params))
            .await?;
        decode(response, request_id).await
    }

    /// Every page of `GET /v1/torrents`, merged into one list (pages of the
    /// largest size unless `params.limit` says otherwise).
    pub async fn list_all(&self, params: &ListParams) -> Result<TorrentList, ClientError> {
        let mut params = params.clone();
        params.limit.get_or_insert_with(|| MAX_PAGE.to_string());
        let mut items = Vec::new();
        loop {
            let page = self.list(&params).await?;
            items.extend(page.items);
            match page.next_cursor {
                Some(cursor) => params.cursor = Some(cursor),
                None => break,
            }
        }
        Ok(TorrentList {
            items,
            next_cursor: None,
        })
    }

    /// `GET /v1/torrents/{id}`.
    pub async fn torrent(&self, id: &TorrentId) -> Result<TorrentDetail, ClientError> {
        self.json(Method::GET, &format!("/v1/torrents/{id}"), None::<&()>)
            .await
    }

    /// `POST /v1/torrents/{id}/select`: the detail with the new priorities.
    pub async fn select(
        &self,
        id: &TorrentId,
        request: &SelectRequest,
    ) -> Result<TorrentDetail, ClientError> {
        let path = format!("/v1/torrents/{id}/select");
        self.json(Method::POST, &path, Some(request)).await
    }

    /// `POST /v1/torrents/{id}/action`.
    pub async fn action(&self, id: &TorrentId, request: &ActionRequest) -> Result<(), ClientError> {
        let path = format!("/v1/torrents/{id}/action");
        self.empty(Method::POST, &path, Some(request)).await
    }

    /// `POST /v1/torrents/queue`: moves `ids` through the download queue as
    /// one selection (they keep their own order).
    pub async fn move_in_queue(
        &self,
        ids: &[TorrentId],
        movement: QueueMove,
    ) -> Result<(), ClientError> {
        let request = QueueRequest {
            ids: ids.iter().map(ToString::to_string).collect(),
            movement: movement.as_str().to_string(),
        };
        self.empty(Method::POST, "/v1/torrents/queue", Some(&request))
            .await
    }

    /// `DELETE /v1/torrents/{id}`, with the data when `delete_data`.
    pub async fn delete_torrent(
        &self,
        id: &TorrentId,
        delete_data: bool,
    ) -> Result<(), ClientError> {
        let url = self.url(&format!("/v1/torrents/{id}"))?;
        let params = DeleteParams {
            delete_data: delete_data.then(|| "true".to_string()),
        };
        self.send(|http| http.delete(url.clone()).query(&params))
            .await?;
        Ok(())
    }

    /// `POST /v1/torrents/{id}/fsops/retry`.
    pub async fn retry_fsops(&self, id: &TorrentId) -> Result<(), ClientError> {
        let path = format!("/v1/torrents/{id}/fsops/retry");
        self.empty(Method::POST, &path, None::<&()>).await
    }

    /// `GET /health`: the body also when the server says `503` (the
    /// database is down), with `false` for "not ready".
    pub async fn health(&self) -> Result<(bool, HealthResponse), ClientError> {
        self.health_body("/health").await
    }

    /// `GET /health/full`, like [`Client::health`].
    pub async fn health_full(&self) -> Result<(bool, FullHealthResponse), ClientError> {
        self.health_body("/health/full").await
    }

    async fn health_body<T: DeserializeOwned>(&self, path: &str) -> Result<(bool, T), ClientError> {
        let url = self.url(path)?;
        let request_id = uuid::Uuid::new_v4().to_string();
        let response = self
            .http
            .get(url)
            .headers(self.headers(&request_id))
            .send()
            .await
            .map_err(|err| self.unreachable(&err, &request_id))?;
        let ready = response.status().is_success();
        if ready || response.status() == reqwest::StatusCode::SERVICE_UNAVAILABLE {
            return Ok((ready, decode(response, request_id).await?));
        }
        Err(crate::http::failure(response, request_id, 0).await)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_are_escaped() {
        assert_eq!(segment("abc123"), "abc123");
        assert_eq!(segment("a/b c"), "a%2Fb%20c");
    }
}
