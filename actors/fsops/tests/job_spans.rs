//! FsOps logs say which job they are about: every line a job logs is inside
//! the span `fsops.job` (torrent id, request id) and, during a step, the
//! span `fsops.step`, also on the blocking threads the steps run on; values
//! print plainly, never as `Some("…")`.
//!
//! Its own binary because it installs the process-wide log subscriber.

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use revaer_fsops::EnqueueJob;
use revaer_messages::fsops::JobStatus;
use revaer_schema::testing::TestDatabase;
use support::{archives, bytes, torrent, wait_final, Harness, Sandbox, TestResult};

/// Everything the subscriber wrote.
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .map_err(|_| std::io::Error::other("log buffer poisoned"))?
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Logs {
    fn text(&self) -> Result<String, Box<dyn std::error::Error>> {
        let bytes = self.0.lock().map_err(|_| "log buffer poisoned")?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }
}

#[actix_rt::test]
async fn job_log_lines_name_the_torrent_request_and_step() -> TestResult {
    let logs = Logs::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_max_level(tracing::Level::INFO)
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::set_global_default(subscriber)?;

    let sandbox = Sandbox::new()?;
    sandbox.write("Spans/a.bin", &bytes(1, 10_000))?;
    sandbox.write("Spans/subs.zip", &archives::zip(&[("en.srt", b"hello")])?)?;
    let db = TestDatabase::migrated()?;
    let mut policy = sandbox.policy();
    policy.extract = true;
    let harness = Harness::start(&db, &policy, |_| {})?;
    let id = torrent(0x5a);
    let mut input = sandbox.input(&id, "Spans", None, &["Spans/a.bin", "Spans/subs.zip"])?;
    input.request_id = Some("req-spans-1".into());
    harness.addr.send(EnqueueJob { input }).await??;
    let row = wait_final(&db, &id).await?;
    assert_eq!(row.status, JobStatus::Done, "{:?}", row.last_error);
    harness.idle().await?;

    let text = logs.text()?;
    let job = format!("fsops.job{{torrent.id={id} request_id=req-spans-1}}");
    let lines_with =
        |message: &str| -> Vec<&str> { text.lines().filter(|l| l.contains(message)).collect() };
    let steps = lines_with("post-processing step finished");
    assert!(!steps.is_empty(), "{text}");
    for line in &steps {
        assert!(line.contains(&job), "{line}");
        assert!(line.contains(":fsops.step{fsops.step="), "{line}");
    }
    // Logged on a blocking thread, inside the step.
    let extracted = lines_with("archive extracted");
    assert_eq!(extracted.len(), 1, "{text}");
    assert!(
        extracted[0].contains(&format!("{job}:fsops.step{{fsops.step=extract}}")),
        "{}",
        extracted[0]
    );
    for message in ["post-processing run started", "post-processing done"] {
        let found = lines_with(message);
        assert_eq!(found.len(), 1, "{message}: {text}");
        assert!(found[0].contains(&job), "{}", found[0]);
    }
    assert!(!text.contains("Some("), "{text}");
    Ok(())
}
