//! A long-running `revaer` child (`tail`, `status --follow`) whose stdout
//! lines arrive through a channel, read with bounded waits, and which is
//! stopped with SIGINT like a user's Ctrl-C.

use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Child;
use tokio::sync::mpsc;

use super::{Error, WAIT};

pub struct Running {
    child: Child,
    lines: mpsc::UnboundedReceiver<String>,
    stderr: mpsc::UnboundedReceiver<String>,
}

impl Running {
    /// Spawns `command` with stdout and stderr read line by line.
    pub fn spawn(mut command: tokio::process::Command) -> Result<Self, Error> {
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn()?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let stderr = child.stderr.take().ok_or("no stderr")?;
        Ok(Self {
            child,
            lines: pump(stdout),
            stderr: pump(stderr),
        })
    }

    /// The next stdout line, or an error after [`WAIT`].
    pub async fn line(&mut self) -> Result<String, Error> {
        match tokio::time::timeout(WAIT, self.lines.recv()).await {
            Ok(Some(line)) => Ok(line),
            Ok(None) => Err(format!("stdout closed; stderr: {}", self.stderr_so_far()).into()),
            Err(_) => {
                Err(format!("no line within {WAIT:?}; stderr: {}", self.stderr_so_far()).into())
            }
        }
    }

    /// Every stderr line so far.
    pub fn stderr_so_far(&mut self) -> String {
        let mut text = String::new();
        while let Ok(line) = self.stderr.try_recv() {
            text.push_str(&line);
            text.push('\n');
        }
        text
    }

    /// Waits until a stderr line contains `needle`; returns everything read.
    pub async fn stderr_until(&mut self, needle: &str) -> Result<String, Error> {
        let mut text = String::new();
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            match tokio::time::timeout_at(deadline, self.stderr.recv()).await {
                Ok(Some(line)) => {
                    text.push_str(&line);
                    text.push('\n');
                    if line.contains(needle) {
                        return Ok(text);
                    }
                }
                _ => return Err(format!("stderr never said {needle:?}: {text}").into()),
            }
        }
    }

    /// Ctrl-C, then the exit code (bounded).
    pub async fn interrupt(mut self) -> Result<(i32, Vec<String>), Error> {
        let pid = self.child.id().ok_or("already exited")?;
        let status = tokio::process::Command::new("kill")
            .args(["-INT", &pid.to_string()])
            .status()
            .await?;
        assert!(status.success(), "kill -INT");
        self.wait_exit().await
    }

    /// The exit code, if it has exited.
    pub fn exited(&mut self) -> Result<Option<i32>, Error> {
        Ok(self.child.try_wait()?.map(|s| s.code().unwrap_or(-1)))
    }

    /// Waits for the exit; returns the code and the stdout lines not read.
    pub async fn wait_exit(&mut self) -> Result<(i32, Vec<String>), Error> {
        let status = tokio::time::timeout(WAIT, self.child.wait()).await??;
        let mut rest = Vec::new();
        while let Ok(Some(line)) =
            tokio::time::timeout(Duration::from_millis(500), self.lines.recv()).await
        {
            rest.push(line);
        }
        Ok((status.code().unwrap_or(-1), rest))
    }
}

fn pump(
    stream: impl tokio::io::AsyncRead + Unpin + Send + 'static,
) -> mpsc::UnboundedReceiver<String> {
    let (tx, rx) = mpsc::unbounded_channel();
    // Why a thread-free task: the test's runtime polls it alongside the server.
    actix_rt::spawn(async move {
        let mut lines = BufReader::new(stream).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}
