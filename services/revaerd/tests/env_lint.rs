//! Exactly one module reads the process environment: revaerd's `env.rs`
//! (plus the test-database support, which only tests compile).

use std::path::{Path, PathBuf};

fn rust_sources(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if name == "target" || name == ".git" || name == "tests" {
            continue;
        }
        if path.is_dir() {
            rust_sources(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") && !path.ends_with("build.rs") {
            out.push(path);
        }
    }
}

#[test]
fn only_env_rs_reads_the_environment() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    for dir in ["services", "actors", "schema"] {
        rust_sources(&root.join(dir), &mut files);
    }
    assert!(
        files.len() > 20,
        "found the sources ({} files)",
        files.len()
    );
    let needles = ["env::var", "env::vars", "env::var_os", "dotenv"];
    let offenders: Vec<String> = files
        .iter()
        .filter(|path| !path.ends_with("services/revaerd/src/env.rs"))
        // Test-only (behind the `testing` feature): where test databases live.
        .filter(|path| !path.ends_with("schema/src/testing.rs"))
        .filter(|path| {
            std::fs::read_to_string(path)
                .is_ok_and(|text| needles.iter().any(|needle| text.contains(needle)))
        })
        .map(|path| path.display().to_string())
        .collect();
    assert!(
        offenders.is_empty(),
        "environment read outside services/revaerd/src/env.rs: {offenders:?}"
    );
}
