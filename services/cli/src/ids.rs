//! Torrent ids as typed: a full info hash, or a unique prefix of at least
//! [`MIN_PREFIX`] hex characters resolved through the list API.
//!
//! Rules: a full hash is used as given (no lookup); a prefix that matches
//! nothing is "not found" (exit 5); one that matches several is a usage
//! error (exit 2) listing the candidates. The list is fetched once per
//! command, however many ids it names.

use revaer_client::Client;
use revaer_domain::torrent::{TorrentId, TorrentSummary};
use revaer_wire::ListParams;

use crate::exit::CliError;

/// Shortest accepted prefix.
pub const MIN_PREFIX: usize = 6;

/// Most candidates named in an ambiguity error.
const SHOWN_CANDIDATES: usize = 10;

/// Resolves ids for one command.
pub struct Resolver<'a> {
    client: &'a Client,
    known: Option<Vec<TorrentSummary>>,
}

impl<'a> Resolver<'a> {
    /// A resolver asking `client`.
    pub fn new(client: &'a Client) -> Self {
        Self {
            client,
            known: None,
        }
    }

    /// The torrent `raw` names.
    pub async fn resolve(&mut self, raw: &str) -> Result<TorrentId, CliError> {
        let wanted = raw.trim().to_ascii_lowercase();
        if let Ok(id) = TorrentId::parse(&wanted) {
            return Ok(id);
        }
        if wanted.len() < MIN_PREFIX
            || wanted.len() > 40
            || !wanted.bytes().all(|b| b.is_ascii_hexdigit())
        {
            return Err(CliError::Usage(format!(
                "`{raw}` is not a torrent id: give the info hash or at least {MIN_PREFIX} of its first hex characters"
            )));
        }
        let known = match &mut self.known {
            Some(known) => known,
            None => {
                let all = self.client.list_all(&ListParams::default()).await?;
                self.known.insert(all.items)
            }
        };
        pick(known, &wanted)
    }
}

/// The one torrent whose id starts with `prefix`.
fn pick(known: &[TorrentSummary], prefix: &str) -> Result<TorrentId, CliError> {
    let matches: Vec<&TorrentSummary> = known
        .iter()
        .filter(|t| t.id.as_str().starts_with(prefix))
        .collect();
    match matches.as_slice() {
        [] => Err(CliError::NotFound(format!(
            "no torrent id starts with {prefix}"
        ))),
        [only] => Ok(only.id.clone()),
        many => {
            let mut message = format!("{prefix} is ambiguous; it starts {} ids:", many.len());
            for t in many.iter().take(SHOWN_CANDIDATES) {
                message.push_str(&format!("\n  {}  {}", t.id, t.name));
            }
            if many.len() > SHOWN_CANDIDATES {
                message.push_str(&format!(
                    "\n  ... and {} more",
                    many.len() - SHOWN_CANDIDATES
                ));
            }
            Err(CliError::Usage(message))
        }
    }
}
