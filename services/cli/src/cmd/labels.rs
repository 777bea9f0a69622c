//! `revaer categories ls|set|rm` and `revaer tags ls|add|rm`. Writes print
//! one confirmation line in human mode; in JSON modes they print the API's
//! reply (the category, the tag), and nothing for a delete (no body).

use revaer_client::Client;
use revaer_domain::labels::Category;
use revaer_wire::CategoryRequest;

use crate::args::{CategoriesCommand, TagsCommand};
use crate::exit::CliError;
use crate::output::{line, table, Out};

/// What a category without a save path means, for tables and lines.
const NO_SAVE_PATH: &str = "(download root)";

/// Runs a categories command.
pub async fn categories(
    client: &Client,
    command: CategoriesCommand,
    out: Out,
) -> Result<(), CliError> {
    match command {
        CategoriesCommand::Ls => {
            let categories = client.categories().await?;
            if !out.human() {
                return out.json(&categories);
            }
            let mut rows = out.table(&["NAME", "SAVE PATH"]);
            for category in &categories {
                rows.add_row(vec![category.name.clone(), save_path(category).into()]);
            }
            table(&rows);
            Ok(())
        }
        CategoriesCommand::Set {
            name,
            save_path: path,
        } => {
            let request = CategoryRequest { save_path: path };
            let category = client.put_category(&name, &request).await?;
            if !out.human() {
                return out.json(&category);
            }
            line(&format!(
                "category {}: save path {}",
                category.name,
                save_path(&category)
            ));
            Ok(())
        }
        CategoriesCommand::Rm { name } => {
            client.delete_category(&name).await?;
            if out.human() {
                line(&format!("category {name} deleted"));
            }
            Ok(())
        }
    }
}

fn save_path(category: &Category) -> &str {
    category.save_path.as_deref().unwrap_or(NO_SAVE_PATH)
}

/// Runs a tags command.
pub async fn tags(client: &Client, command: TagsCommand, out: Out) -> Result<(), CliError> {
    match command {
        TagsCommand::Ls => {
            let tags = client.tags().await?;
            if !out.human() {
                return out.json(&tags);
            }
            let mut rows = out.table(&["TAG"]);
            for tag in &tags {
                rows.add_row(vec![tag.clone()]);
            }
            table(&rows);
            Ok(())
        }
        TagsCommand::Add { name } => {
            let tag = client.create_tag(&name).await?;
            if !out.human() {
                return out.json(&tag);
            }
            line(&format!("tag {tag} added"));
            Ok(())
        }
        TagsCommand::Rm { name } => {
            client.delete_tag(&name).await?;
            if out.human() {
                line(&format!("tag {name} deleted"));
            }
            Ok(())
        }
    }
}
