//! Torrent helpers for the route tests: a server whose download root is a
//! temporary directory, tiny generated .torrent files, a libtorrent seeder
//! on 127.0.0.1, and polling of a torrent's detail. Nothing here reaches
//! beyond loopback: the engine listens on 127.0.0.1 with DHT/LSD/PEX off,
//! the seeder too, and trackers in generated torrents point at loopback.

use revaer_messages::engine::ConnectPeer;
use revaer_messages::TorrentId;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::{TestResult, TestServer};

/// Generated .torrent files and the loopback seeder are shared with the
/// libtorrent-sys and engine tests.
// `allow`, not `expect`: used by some test binaries and not others.
#[allow(unused_imports)]
pub use libtorrent_sys::testing::{make_torrent, Seeder};

type Error = Box<dyn std::error::Error>;

/// Upper bound of every wait on the engine.
pub const WAIT: Duration = Duration::from_secs(60);

/// A set-up server whose roots live in `root`.
pub struct TorrentServer {
    pub server: TestServer,
    pub key: String,
    pub root: tempfile::TempDir,
}

impl TorrentServer {
    /// Setup completed with `root/downloads` as download root and
    /// `root/extra` as an additional allowed path.
    pub async fn start() -> Result<Self, Error> {
        Self::start_with(|_| {}).await
    }

    /// Like `start`, with the server options adjusted by `tune`.
    pub async fn start_with(tune: impl FnOnce(&mut revaerd::boot::Options)) -> Result<Self, Error> {
        let db = revaer_schema::testing::TestDatabase::loopback()?;
        let mut options = super::fast_options(&db);
        tune(&mut options);
        let server = TestServer::start_with(db, options).await?;
        let root = tempfile::tempdir()?;
        let key = setup_with_roots(&server.client, &server.base, root.path()).await?;
        server.wait_engine_ready().await?;
        let path = |name: &str| root.path().join(name).to_string_lossy().into_owned();
        let res = server
            .patch_json(
                "/v1/config",
                &key,
                &json!({"fs_policy": {"allow_paths": [path("extra")]}}),
            )
            .await?;
        assert_eq!(res.status(), 200, "allow_paths");
        Ok(Self { server, key, root })
    }

    pub fn downloads(&self) -> PathBuf {
        self.root.path().join("downloads")
    }

    pub fn extra(&self) -> PathBuf {
        self.root.path().join("extra")
    }

    pub async fn get(&self, path: &str) -> Result<reqwest::Response, reqwest::Error> {
        self.server.get(path, &self.key).await
    }

    pub async fn post(
        &self,
        path: &str,
        body: &Value,
    ) -> Result<reqwest::Response, reqwest::Error> {
        self.server.post_json(path, &self.key, body).await
    }

    pub async fn delete(&self, path: &str) -> Result<reqwest::Response, reqwest::Error> {
        self.server
            .client
            .delete(self.server.url(path))
            .header("x-api-key", &self.key)
            .send()
            .await
    }

    /// Uploads a .torrent with the given plain form fields.
    pub async fn upload(
        &self,
        torrent: &[u8],
        fields: &[(&str, &str)],
    ) -> Result<reqwest::Response, reqwest::Error> {
        let mut form = reqwest::multipart::Form::new().part(
            "torrent",
            reqwest::multipart::Part::bytes(torrent.to_vec())
                .file_name("x.torrent")
                .mime_str("application/x-bittorrent")?,
        );
        for (name, value) in fields {
            form = form.text(name.to_string(), value.to_string());
        }
        self.server
            .client
            .post(self.server.url("/v1/torrents"))
            .header("x-api-key", &self.key)
            .multipart(form)
            .send()
            .await
    }

    /// Uploads and expects `201`; returns the summary.
    pub async fn add_file(&self, torrent: &[u8], fields: &[(&str, &str)]) -> Result<Value, Error> {
        let res = self.upload(torrent, fields).await?;
        let status = res.status();
        let body: Value = res.json().await?;
        assert_eq!(status, 201, "upload: {body}");
        Ok(body)
    }

    /// The detail of a torrent.
    pub async fn detail(&self, id: &str) -> Result<Value, Error> {
        let res = self.get(&format!("/v1/torrents/{id}")).await?;
        assert_eq!(res.status(), 200, "detail of {id}");
        Ok(res.json().await?)
    }

    /// Polls the detail until `done` holds; returns the last detail.
    pub async fn wait_detail(
        &self,
        id: &str,
        what: &str,
        done: impl Fn(&Value) -> bool,
    ) -> Result<Value, Error> {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let detail = self.detail(id).await?;
            if done(&detail) {
                return Ok(detail);
            }
            if tokio::time::Instant::now() > deadline {
                return Err(format!("timed out waiting for {what}; last detail {detail}").into());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Tells the engine to dial a loopback peer (not exposed over HTTP).
    pub async fn connect_peer(&self, id: &str, peer: std::net::SocketAddr) -> TestResult {
        self.server
            .running
            .engine
            .send(ConnectPeer {
                id: TorrentId::parse(id)?,
                peer,
            })
            .await??;
        Ok(())
    }
}

/// Takes the instance at `base` through setup with `root/downloads`,
/// `root/library` and `root/resume` as its roots; returns the admin key.
/// Shared with the tests that run the `revaerd` binary as a child process.
pub async fn setup_with_roots(
    client: &reqwest::Client,
    base: &str,
    root: &Path,
) -> Result<String, Error> {
    let res = client.post(format!("{base}/v1/setup/start")).send().await?;
    assert_eq!(res.status(), 201, "setup/start");
    let token = res.json::<Value>().await?["token"]
        .as_str()
        .ok_or("token")?
        .to_string();
    let path = |name: &str| root.join(name).to_string_lossy().into_owned();
    let res = client
        .post(format!("{base}/v1/setup/complete"))
        .json(&json!({
            "token": token,
            "instance_name": "torrents",
            "download_root": path("downloads"),
            "library_root": path("library"),
            "resume_dir": path("resume"),
            "api_key_label": "admin",
        }))
        .send()
        .await?;
    assert_eq!(res.status(), 201, "setup/complete");
    Ok(res.json::<Value>().await?["api_key"]
        .as_str()
        .ok_or("api_key")?
        .to_string())
}

/// A magnet link for a made-up info hash (it stays waiting for metadata).
pub fn magnet(n: u64, name: &str) -> String {
    format!("magnet:?xt=urn:btih:{n:040x}&dn={name}")
}

/// The `id` of a summary or detail.
pub fn id_of(body: &Value) -> Result<String, Error> {
    Ok(body["id"].as_str().ok_or("id")?.to_string())
}
