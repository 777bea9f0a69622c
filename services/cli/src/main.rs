//! `revaer`: the command-line client. Full API parity arrives with the CLI issue;
//! until then it only reports its version so packaging and scripts can rely on it.

fn main() {
    println!("revaer {}", env!("CARGO_PKG_VERSION"));
}
