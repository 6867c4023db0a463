//! The database schema: the migrations in `src/store/migrations/`, embedded in the binary.
//!
//! sqlx's `migrate!` macro would embed them too, but it is the only reason to build sqlx's
//! macros, which compile sqlx and SQLite a second time for the compiler. The
//! list below is checked against the folder, as sqlx itself reads it, by the test at the end:
//! same versions, descriptions and checksums, so a database migrated by an earlier build is
//! recognised as up to date.

use std::borrow::Cow;

use futures::future::BoxFuture;
use sqlx::error::BoxDynError;
use sqlx::migrate::{Migration, MigrationSource, MigrationType, Migrator};

/// Every migration, in order: version, description (the file name's, as sqlx derives it),
/// the SQL. A new migration is a new file and a new line here.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "quiz", include_str!("migrations/0001_quiz.sql")),
    (2, "debates", include_str!("migrations/0002_debates.sql")),
    (3, "topics", include_str!("migrations/0003_topics.sql")),
    (
        4,
        "chat settings",
        include_str!("migrations/0004_chat_settings.sql"),
    ),
    (
        5,
        "question description",
        include_str!("migrations/0005_question_description.sql"),
    ),
    (6, "homework", include_str!("migrations/0006_homework.sql")),
    (
        7,
        "top period",
        include_str!("migrations/0007_top_period.sql"),
    ),
    (8, "pictures", include_str!("migrations/0008_pictures.sql")),
    (
        9,
        "debate rounds",
        include_str!("migrations/0009_debate_rounds.sql"),
    ),
    (
        10,
        "chat article",
        include_str!("migrations/0010_chat_article.sql"),
    ),
];

/// The embedded migrations as a source sqlx's [`Migrator`] reads.
#[derive(Debug)]
struct Embedded;

impl MigrationSource<'static> for Embedded {
    fn resolve(self) -> BoxFuture<'static, Result<Vec<Migration>, BoxDynError>> {
        Box::pin(async { Ok(migrations()) })
    }
}

fn migrations() -> Vec<Migration> {
    MIGRATIONS
        .iter()
        .map(|&(version, description, sql)| {
            Migration::new(
                version,
                Cow::Borrowed(description),
                MigrationType::Simple,
                Cow::Borrowed(sql),
                // sqlx's own rule: a file starting so runs outside a transaction.
                sql.starts_with("-- no-transaction"),
            )
        })
        .collect()
}

/// The migrator that brings a database's schema up to date.
pub async fn migrator() -> Result<Migrator, sqlx::migrate::MigrateError> {
    Migrator::new(Embedded).await
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    /// What sqlx reads from the folder is exactly what is embedded: a migration file added,
    /// renamed or edited without this list following fails here.
    #[tokio::test]
    async fn the_embedded_list_is_the_folder() {
        let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/store/migrations");
        let from_files = Migrator::new(folder).await.unwrap();
        let embedded = migrator().await.unwrap();
        let key = |m: &Migration| {
            (
                m.version,
                m.description.to_string(),
                m.migration_type,
                m.checksum.to_vec(),
                m.no_tx,
            )
        };
        let files: Vec<_> = from_files.iter().map(key).collect();
        let ours: Vec<_> = embedded.iter().map(key).collect();
        assert_eq!(ours, files);
        // The folder was found and read: an empty list on both sides would match too.
        assert_eq!(files.len(), MIGRATIONS.len());
        assert!(!files.is_empty());
    }
}
