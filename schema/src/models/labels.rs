//! Categories and tags (configuration objects: every write bumps the
//! settings revision through the tables' triggers and is recorded with the
//! acting client in the history).

use diesel::prelude::*;
use diesel::upsert::excluded;
use revaer_domain::labels::Category;

use crate::models::revision;
use crate::schema::{categories, tags};
use crate::DbError;

/// Whether a write created a new object or replaced an existing one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// It did not exist before.
    Created,
    /// It existed and was replaced (possibly with the same values).
    Replaced,
}

/// Every category, by name.
pub fn list_categories(conn: &mut PgConnection) -> Result<Vec<Category>, DbError> {
    let rows: Vec<(String, Option<String>)> = categories::table
        .order(categories::name.asc())
        .select((categories::name, categories::save_path))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(name, save_path)| Category { name, save_path })
        .collect())
}

/// Every tag, sorted.
pub fn list_tags(conn: &mut PgConnection) -> Result<Vec<String>, DbError> {
    Ok(tags::table
        .order(tags::name.asc())
        .select(tags::name)
        .load(conn)?)
}

/// Creates or replaces a category; returns what happened and the revision
/// in force after the commit.
pub fn put_category(
    conn: &mut PgConnection,
    category: &Category,
    actor: &str,
) -> Result<(Written, i64), DbError> {
    audited(conn, actor, |conn| {
        let existed = categories::table
            .find(&category.name)
            .select(categories::name)
            .for_update()
            .first::<String>(conn)
            .optional()?
            .is_some();
        diesel::insert_into(categories::table)
            .values((
                categories::name.eq(&category.name),
                categories::save_path.eq(&category.save_path),
            ))
            .on_conflict(categories::name)
            .do_update()
            .set((
                categories::save_path.eq(excluded(categories::save_path)),
                categories::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)?;
        Ok(if existed {
            Written::Replaced
        } else {
            Written::Created
        })
    })
}

/// Creates each category that does not exist yet, without a save path
/// (existing ones are left alone); returns the revision after the commit.
pub fn ensure_categories(
    conn: &mut PgConnection,
    names: &[String],
    actor: &str,
) -> Result<i64, DbError> {
    let (_, revision) = audited(conn, actor, |conn| {
        for name in names {
            diesel::insert_into(categories::table)
                .values(categories::name.eq(name))
                .on_conflict_do_nothing()
                .execute(conn)?;
        }
        Ok(())
    })?;
    Ok(revision)
}

/// Deletes categories; returns the names that existed and the revision
/// after the commit.
pub fn delete_categories(
    conn: &mut PgConnection,
    names: &[String],
    actor: &str,
) -> Result<(Vec<String>, i64), DbError> {
    audited(conn, actor, |conn| {
        Ok(
            diesel::delete(categories::table.filter(categories::name.eq_any(names)))
                .returning(categories::name)
                .get_results(conn)?,
        )
    })
}

/// Creates each tag that does not exist yet; returns the names it created
/// and the revision after the commit.
pub fn create_tags(
    conn: &mut PgConnection,
    names: &[String],
    actor: &str,
) -> Result<(Vec<String>, i64), DbError> {
    audited(conn, actor, |conn| {
        let mut created = Vec::new();
        for name in names {
            let inserted = diesel::insert_into(tags::table)
                .values(tags::name.eq(name))
                .on_conflict_do_nothing()
                .execute(conn)?;
            if inserted > 0 {
                created.push(name.clone());
            }
        }
        Ok(created)
    })
}

/// Deletes tags; returns the names that existed and the revision after the
/// commit.
pub fn delete_tags(
    conn: &mut PgConnection,
    names: &[String],
    actor: &str,
) -> Result<(Vec<String>, i64), DbError> {
    audited(conn, actor, |conn| {
        Ok(diesel::delete(tags::table.filter(tags::name.eq_any(names)))
            .returning(tags::name)
            .get_results(conn)?)
    })
}

/// Runs `change` in one transaction attributed to `actor` (the history
/// records who wrote) and returns its result with the settings revision in
/// force after it.
fn audited<T>(
    conn: &mut PgConnection,
    actor: &str,
    change: impl FnOnce(&mut PgConnection) -> Result<T, DbError>,
) -> Result<(T, i64), DbError> {
    conn.transaction(|conn| {
        revision::set_actor(conn, actor)?;
        let out = change(conn)?;
        Ok((out, revision::current(conn)?.revision))
    })
}
