use super::split_database_url;

#[test]
fn splits_database_name_and_keeps_options() {
    assert_eq!(
        split_database_url("postgres://u:p@h:5432/revaer?sslmode=disable"),
        Some((
            "postgres://u:p@h:5432/postgres?sslmode=disable".into(),
            "revaer".into()
        ))
    );
    assert_eq!(split_database_url("postgres://h:5432/"), None);
    assert_eq!(split_database_url("nonsense"), None);
}
