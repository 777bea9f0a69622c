//! A minimal server-sent-events reader over a reqwest response, with every
//! wait bounded so a broken stream fails the test instead of hanging it.

use std::error::Error;
use std::time::Duration;

use serde_json::Value;

/// One frame: an event, or a comment (`: keep-alive`).
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    pub id: Option<u64>,
    pub event: Option<String>,
    pub data: Option<Value>,
    pub comment: Option<String>,
}

pub struct SseReader {
    response: reqwest::Response,
    buffer: Vec<u8>,
}

impl SseReader {
    pub fn new(response: reqwest::Response) -> Self {
        Self {
            response,
            buffer: Vec::new(),
        }
    }

    /// The next frame; `None` when the body ended.
    pub async fn frame(&mut self, wait: Duration) -> Result<Option<Frame>, Box<dyn Error>> {
        loop {
            if let Some(end) = self.buffer.windows(2).position(|w| w == b"\n\n") {
                let block: Vec<u8> = self.buffer.drain(..end + 2).collect();
                return Ok(Some(parse(std::str::from_utf8(&block)?)?));
            }
            match tokio::time::timeout(wait, self.response.chunk()).await {
                Err(_) => return Err(format!("no sse frame within {wait:?}").into()),
                Ok(Err(err)) => return Err(err.into()),
                Ok(Ok(None)) => {
                    if self.buffer.iter().all(u8::is_ascii_whitespace) {
                        return Ok(None);
                    }
                    return Err("stream ended inside a frame".into());
                }
                Ok(Ok(Some(chunk))) => self.buffer.extend_from_slice(&chunk),
            }
        }
    }

    /// The next event frame, skipping comments; `None` when the body ended.
    pub async fn event(&mut self, wait: Duration) -> Result<Option<Frame>, Box<dyn Error>> {
        loop {
            match self.frame(wait).await? {
                Some(frame) if frame.comment.is_some() => continue,
                other => return Ok(other),
            }
        }
    }
}

fn parse(block: &str) -> Result<Frame, Box<dyn Error>> {
    let mut frame = Frame {
        id: None,
        event: None,
        data: None,
        comment: None,
    };
    for line in block.lines().filter(|l| !l.is_empty()) {
        if let Some(comment) = line.strip_prefix(':') {
            frame.comment = Some(comment.trim().to_string());
        } else if let Some(id) = line.strip_prefix("id: ") {
            frame.id = Some(id.parse()?);
        } else if let Some(event) = line.strip_prefix("event: ") {
            frame.event = Some(event.to_string());
        } else if let Some(data) = line.strip_prefix("data: ") {
            if frame.data.is_some() {
                return Err("more than one data line".into());
            }
            frame.data = Some(serde_json::from_str(data)?);
        } else {
            return Err(format!("unexpected sse line {line:?}").into());
        }
    }
    Ok(frame)
}
