//! Where results go: JSON exactly as the API sends it, or tables for
//! people, coloured only on a terminal and never when `NO_COLOR` is set.
//!
//! Rule: stdout carries results only; notices, progress and errors go to
//! stderr, so `revaer ... -o json | jq` always gets clean JSON. A closed
//! stdout (`| head`) ends output quietly instead of panicking.

use comfy_table::presets::NOTHING;
use comfy_table::{Attribute, Cell, Color, ContentArrangement, Table};
use revaer_domain::TorrentState;
use serde::Serialize;
use std::io::{IsTerminal, Write};

use crate::args::Output;
use crate::exit::CliError;

/// The chosen output format and whether colour is allowed.
#[derive(Debug, Clone, Copy)]
pub struct Out {
    /// The format.
    pub format: Output,
    /// Colour on stdout (a terminal, and no `--no-color`/`NO_COLOR`).
    pub color: bool,
    /// Colour allowed at all (progress bars on stderr).
    pub may_color: bool,
}

impl Out {
    /// Colour only on a terminal, and never with `no_color` (which clap
    /// also takes from `NO_COLOR`: the CLI reads its environment only
    /// through its declared arguments).
    pub fn new(format: Output, no_color: bool) -> Self {
        Self {
            format,
            color: std::io::stdout().is_terminal() && !no_color,
            may_color: !no_color,
        }
    }

    /// True for tables and sentences.
    pub fn human(&self) -> bool {
        self.format == Output::Human
    }

    /// Prints `value` as one line of compact JSON (the API's own encoding).
    pub fn json<T: Serialize + ?Sized>(&self, value: &T) -> Result<(), CliError> {
        let text = serde_json::to_string(value)
            .map_err(|err| CliError::Runtime(format!("cannot encode JSON: {err}")))?;
        line(&text);
        Ok(())
    }

    /// An empty table in the house style: no borders, bold headers.
    pub fn table(&self, headers: &[&str]) -> Table {
        let mut table = Table::new();
        table.load_preset(NOTHING);
        if self.color {
            table.set_content_arrangement(ContentArrangement::Dynamic);
        } else {
            table.force_no_tty();
        }
        let header: Vec<Cell> = headers
            .iter()
            .map(|h| {
                let cell = Cell::new(h);
                if self.color {
                    cell.add_attribute(Attribute::Bold)
                } else {
                    cell
                }
            })
            .collect();
        table.set_header(header);
        table
    }

    /// A state, coloured by what it means when colour is allowed.
    pub fn state(&self, state: TorrentState) -> Cell {
        let cell = Cell::new(state.as_str());
        if !self.color {
            return cell;
        }
        let color = match state {
            TorrentState::Downloading => Color::Green,
            TorrentState::Seeding => Color::Cyan,
            TorrentState::Paused | TorrentState::Queued => Color::DarkGrey,
            TorrentState::Stalled
            | TorrentState::Checking
            | TorrentState::CheckingResumeData
            | TorrentState::Metadata => Color::Yellow,
            TorrentState::Moving => Color::Blue,
            TorrentState::Error | TorrentState::MissingFiles => Color::Red,
        };
        cell.fg(color)
    }
}

/// Writes one line to stdout; false when stdout is closed.
pub fn line(text: &str) -> bool {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}").and_then(|()| out.flush()).is_ok()
}

/// Prints a table (nothing but the header when it has no rows).
pub fn table(table: &Table) {
    line(&table.to_string());
}
