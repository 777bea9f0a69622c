//! Arguments of the label commands: `categories`, `tags`.

use clap::Subcommand;

/// `revaer categories ...`.
#[derive(Debug, Subcommand)]
pub enum CategoriesCommand {
    /// List categories with their save paths.
    Ls,
    /// Create or replace a category.
    Set {
        /// Category name (one plain folder name).
        name: String,
        /// Default save path of torrents added with it: absolute, inside the
        /// download root or `fs_policy.allow_paths` (none: the download root).
        #[arg(long)]
        save_path: Option<String>,
    },
    /// Delete a category; torrents labelled with it lose the label.
    Rm {
        /// Category name.
        name: String,
    },
}

/// `revaer tags ...`.
#[derive(Debug, Subcommand)]
pub enum TagsCommand {
    /// List tags.
    Ls,
    /// Create a tag (nothing changes when it exists).
    Add {
        /// The tag (1 to 128 printable characters, no `,`).
        name: String,
    },
    /// Delete a tag; torrents carrying it lose it.
    Rm {
        /// The tag.
        name: String,
    },
}
