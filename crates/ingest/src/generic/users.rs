//! The generic user file: one signed-in shopper per row. Not sessions, which need no file.
//!
//! # Schema
//!
//! | column / key | required | meaning |
//! |---|---|---|
//! | `id` | yes | the shop's customer id |
//! | `created_at` | | when the account was created (same time forms as events) |
//! | `attributes` | | JSON object of attributes |
//! | any other column / key | | an attribute of that name (age band, country, tier...), typed as for items |

use aisle_domain::User;

use super::{Res, Row};
use crate::input::{id, Problem};

pub(crate) fn build(row: &Row<'_>) -> Res<User> {
    let mut user = User::new(id("id", &row.required("id")?)?);
    user.created_at = row.timestamp("created_at")?;
    user.attributes = row.attributes(&["id", "created_at"])?;
    user.validate().map_err(Problem::domain)?;
    Ok(user)
}

#[cfg(test)]
mod tests {
    use crate::test_support::check;
    use crate::Format;

    #[test]
    fn users_get_their_other_columns_as_attributes() {
        let csv =
            "ID,created_at,country,age\nu1,2011-12-09,UK,34\nu2,3011-01-01,FR,\nu1,,DE,\nu3,,,\n";
        check(
            Format::Users,
            &[("users.csv", csv.as_bytes())],
            r#"user u1 age=34 country="UK"
               user u3
               ! L3 created_at
               ! L4 id"#,
        );
        let jsonl = r#"{"id": "u1", "attributes": {"tier": "gold"}, "vip": true}"#;
        check(
            Format::Users,
            &[("users.jsonl", jsonl.as_bytes())],
            r#"user u1 tier="gold" vip=true"#,
        );
    }
}
