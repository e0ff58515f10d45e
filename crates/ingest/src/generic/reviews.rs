//! The generic review file: what shoppers wrote about items. Not sentiment, which is computed
//! later.
//!
//! # Schema
//!
//! | column / key | required | meaning |
//! |---|---|---|
//! | `id` | yes | the shop's review id |
//! | `item_id` | yes | the item reviewed |
//! | `user_id` | | who wrote it |
//! | `rating` | | stars, 0 to 5 (halves allowed) |
//! | `text` | | the review (up to 64 KiB; newlines allowed); a review needs a text or a rating |
//! | `created_at` | | when it was written |

use aisle_domain::Review;

use super::{Res, Row};
use crate::input::{id, Problem};

pub(crate) fn build(row: &Row<'_>) -> Res<Review> {
    let review = Review {
        id: id("id", &row.required("id")?)?,
        user: row.text("user_id")?.map(|u| id("user_id", &u)).transpose()?,
        item: id("item_id", &row.required("item_id")?)?,
        rating: row.number("rating")?.map(|r| r as f32),
        text: row.text("text")?.map(|t| t.into_owned()).unwrap_or_default(),
        created_at: row.timestamp("created_at")?,
    };
    review.validate().map_err(Problem::domain)?;
    Ok(review)
}

#[cfg(test)]
mod tests {
    use crate::test_support::{check, issue_on};
    use crate::Format;

    #[test]
    fn reviews_need_an_item_and_a_text_or_rating() {
        let csv = "id,user_id,item_id,rating,text,created_at\n\
                   r1,u1,i1,4.5,\"Great, really\",2011-12-09 10:00\n\
                   r2,u1,i1,7,too many stars,\n\
                   r3,u1,,3,,\n\
                   r4,,i2,,,\n\
                   r1,u2,i3,1,dup,\n\
                   r5,,i2,,fine,\n";
        let out = check(
            Format::Reviews,
            &[("reviews.csv", csv.as_bytes())],
            r#"review r1 user=u1 item=i1 rating=Some(4.5) text="Great, really" t=Some(1323424800000)
               review r5 user=- item=i2 rating=None text="fine" t=None
               ! L3 rating
               ! L4 item_id
               ! L5 text
               ! L6 id"#,
        );
        assert!(issue_on(&out, 4).reason.contains("`item_id` is required"));
    }

    #[test]
    fn a_review_that_is_not_utf8_is_reported_and_costs_no_other() {
        let mut csv =
            b"id,item_id,rating,text\nr1,i1,5,<b>Great</b> &amp; cheap\nr2,i1,1,".to_vec();
        csv.extend_from_slice(&[0xE5, 0xA5, b'x', 0xFF]);
        csv.extend_from_slice("\nr3,i1,4,很好 but slow 😀\n".as_bytes());
        let out = check(
            Format::Reviews,
            &[("reviews.csv", &csv)],
            r#"review r1 user=- item=i1 rating=Some(5.0) text="<b>Great</b> &amp; cheap" t=None
               review r3 user=- item=i1 rating=Some(4.0) text="很好 but slow 😀" t=None
               ! L3 text"#,
        );
        assert!(issue_on(&out, 3).reason.contains("UTF-8"), "{:?}", issue_on(&out, 3));
    }
}
