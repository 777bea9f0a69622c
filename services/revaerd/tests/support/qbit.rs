//! Helpers for the qBittorrent facade tests: requests with a chosen
//! authentication, form posts, and the session cookie of a login.

use reqwest::{RequestBuilder, Response};

use super::TestServer;

type Error = Box<dyn std::error::Error>;

/// How a request authenticates.
#[derive(Debug, Clone)]
pub enum Auth {
    /// Nothing.
    None,
    /// `Authorization: Bearer KEY`.
    Bearer(String),
    /// Preemptive Basic with `user` and the key as password.
    Basic(String, String),
    /// The `SID` cookie of a login.
    Cookie(String),
}

impl Auth {
    fn apply(&self, request: RequestBuilder) -> RequestBuilder {
        match self {
            Auth::None => request,
            Auth::Bearer(key) => request.bearer_auth(key),
            Auth::Basic(user, key) => request.basic_auth(user, Some(key)),
            Auth::Cookie(sid) => request.header("cookie", format!("SID={sid}")),
        }
    }
}

impl TestServer {
    /// `GET /api/v2/{path}`.
    pub async fn qbit_get(&self, path: &str, auth: &Auth) -> Result<Response, reqwest::Error> {
        auth.apply(self.client.get(self.url(&format!("/api/v2/{path}"))))
            .send()
            .await
    }

    /// `POST /api/v2/{path}` with a urlencoded form.
    pub async fn qbit_post(
        &self,
        path: &str,
        auth: &Auth,
        form: &[(&str, &str)],
    ) -> Result<Response, reqwest::Error> {
        auth.apply(self.client.post(self.url(&format!("/api/v2/{path}"))))
            .form(form)
            .send()
            .await
    }

    /// `POST /api/v2/{path}` as multipart: text fields plus `.torrent` files
    /// in the field `torrents`.
    pub async fn qbit_multipart(
        &self,
        path: &str,
        auth: &Auth,
        fields: &[(&str, &str)],
        files: &[Vec<u8>],
    ) -> Result<Response, Error> {
        let mut form = reqwest::multipart::Form::new();
        for (name, value) in fields {
            form = form.text(name.to_string(), value.to_string());
        }
        for (i, bytes) in files.iter().enumerate() {
            form = form.part(
                "torrents",
                reqwest::multipart::Part::bytes(bytes.clone())
                    .file_name(format!("file{i}.torrent"))
                    .mime_str("application/x-bittorrent")?,
            );
        }
        Ok(auth
            .apply(self.client.post(self.url(&format!("/api/v2/{path}"))))
            .multipart(form)
            .send()
            .await?)
    }

    /// Logs in with `password`; returns the body and the `SID` cookie.
    pub async fn qbit_login(&self, password: &str) -> Result<(String, Option<String>), Error> {
        let res = self
            .qbit_post(
                "auth/login",
                &Auth::None,
                &[("username", "sonarr"), ("password", password)],
            )
            .await?;
        assert_eq!(res.status(), 200, "login answers 200");
        let sid = res
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("SID="))
            .map(|cookie| {
                let attributes: Vec<&str> = cookie.split(';').map(str::trim).collect();
                assert!(
                    attributes.contains(&"HttpOnly"),
                    "SID is HttpOnly: {cookie}"
                );
                assert!(
                    attributes.contains(&"SameSite=Strict"),
                    "SID is SameSite=Strict: {cookie}"
                );
                attributes[0].trim_start_matches("SID=").to_string()
            });
        Ok((res.text().await?, sid))
    }
}

/// Asserts a plain-text response; returns its body.
pub async fn plain(res: Response, status: u16) -> Result<String, Error> {
    assert_eq!(res.status().as_u16(), status, "status of {}", res.url());
    let content_type = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(
        content_type.starts_with("text/plain"),
        "content type of {} was {content_type}",
        res.url()
    );
    Ok(res.text().await?)
}

/// Asserts a JSON response with status 200; returns its body.
pub async fn json(res: Response) -> Result<serde_json::Value, Error> {
    let url = res.url().clone();
    let status = res.status();
    let text = res.text().await?;
    assert_eq!(status, 200, "status of {url}: {text}");
    Ok(serde_json::from_str(&text)?)
}

use super::torrents::{TorrentServer, WAIT};
use serde_json::Value;

impl TorrentServer {
    /// Bearer authentication with the admin key.
    pub fn qbit(&self) -> Auth {
        Auth::Bearer(self.key.clone())
    }

    /// `torrents/info{query}` as a list of objects.
    pub async fn qbit_info(&self, query: &str) -> Result<Vec<Value>, Error> {
        let res = self
            .server
            .qbit_get(&format!("torrents/info{query}"), &self.qbit())
            .await?;
        match json(res).await? {
            Value::Array(items) => Ok(items),
            other => Err(format!("info is not an array: {other}").into()),
        }
    }

    /// The info object of `hash`.
    pub async fn qbit_torrent(&self, hash: &str) -> Result<Value, Error> {
        let items = self.qbit_info(&format!("?hashes={hash}")).await?;
        items
            .into_iter()
            .next()
            .ok_or_else(|| format!("{hash} not listed").into())
    }

    /// Polls the info object of `hash` until `done` holds.
    pub async fn qbit_wait(
        &self,
        hash: &str,
        what: &str,
        done: impl Fn(&Value) -> bool,
    ) -> Result<Value, Error> {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let torrent = self.qbit_torrent(hash).await?;
            if done(&torrent) {
                return Ok(torrent);
            }
            if tokio::time::Instant::now() > deadline {
                return Err(format!("timed out waiting for {what}; last {torrent}").into());
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }

    /// A facade POST with the admin key; asserts a plain `200` and returns the body.
    pub async fn qbit_ok(&self, path: &str, form: &[(&str, &str)]) -> Result<String, Error> {
        let res = self.server.qbit_post(path, &self.qbit(), form).await?;
        plain(res, 200).await
    }
}
