//! Tests of the MovieLens reader on small inline fixtures.

use crate::test_support::{check, check_error, issue_on, run, Fixture};
use crate::{Error, Format, ReadOptions};

const FLAGS_COMEDY_DRAMA: &str = "0|0|0|0|0|1|0|0|1|0|0|0|0|0|0|0|0|0|0";

#[test]
fn ml100k_maps_movies_users_then_ratings() {
    let item = format!("1|Toy Story (1995)|01-Jan-1995||http://x|{FLAGS_COMEDY_DRAMA}\n");
    check(
        Format::MovieLens,
        // Given in the wrong order on purpose: the reader puts the catalog first.
        &[
            ("u.data", b"196\t1\t3\t881250949\n"),
            ("u.user", b"196|24|M|technician|85711\n"),
            ("u.item", item.as_bytes()),
        ],
        r#"item 1 "Toy Story (1995)" cat=Comedy genres=["Comedy", "Drama"] imdb_url="http://x" release_date="01-Jan-1995"
           user 196 age=24 gender="M" occupation="technician" zip="85711"
           event ml:196:1 rating u:196 1 v=3 t=881250949000"#,
    );
}

#[test]
fn ml1m_decodes_latin1_and_codes() {
    check(
        Format::MovieLens,
        &[
            ("movies.dat", b"73::Mis\xe9rables, Les (1995)::Drama|Musical\n"),
            ("users.dat", b"1::F::1::10::48067\n2::M::99::16::70072\n"),
            ("ratings.dat", b"1::73::5::978300760\n"),
        ],
        r#"item 73 "Misérables, Les (1995)" cat=Drama genres=["Drama", "Musical"]
           user 1 age=1 age_band="Under 18" gender="F" occupation="K-12 student" zip="48067"
           event ml:1:73 rating u:1 73 v=5 t=978300760000
           ! L2 age"#,
    );
}

#[test]
fn a_directory_is_expanded_and_ml1m_needs_no_ratings() {
    let fx = Fixture::new();
    fx.file("movies.dat", "1::Toy Story (1995)::Animation\n");
    fx.file("users.dat", "1::F::1::10::48067\n");
    let out = run(Format::MovieLens, &[fx.dir.path().to_path_buf()], &ReadOptions::default());
    assert_eq!(out.result.expect("reads").files.len(), 2);
    assert_eq!((out.batch.items.len(), out.batch.users.len()), (1, 1));
}

#[test]
fn an_ml100k_directory_without_ratings_is_an_error() {
    let fx = Fixture::new();
    fx.file("u.user", "1|24|M|technician|85711\n");
    let out = run(Format::MovieLens, &[fx.dir.path().to_path_buf()], &ReadOptions::default());
    assert!(matches!(out.result, Err(Error::MissingCompanion { .. })));
    let empty = Fixture::new();
    let out = run(Format::MovieLens, &[empty.dir.path().to_path_buf()], &ReadOptions::default());
    assert!(matches!(out.result, Err(Error::MissingCompanion { .. })));
}

#[test]
fn bad_ratings_become_issues_and_keep_their_neighbours() {
    let data = b"1\t10\t4\t881250949\n\
                 1\t11\t9\t881250949\n\
                 1\t12\t4\t99999999999\n\
                 1\t13\t4\n\
                 1\t\xff\t4\t881250949\n\
                 1\t14\t-1\t881250949\n\
                 2\t10\t5\t881250950";
    let out = check(
        Format::MovieLens,
        &[("u.data", data)],
        "event ml:1:10 rating u:1 10 v=4 t=881250949000
         event ml:2:10 rating u:2 10 v=5 t=881250950000
         ! L2 rating
         ! L3 timestamp
         ! L4 -
         ! L5 line
         ! L6 rating",
    );
    assert!(issue_on(&out, 2).reason.contains("outside the allowed range 0 to 5"));
    assert!(issue_on(&out, 3).reason.contains("1970-01-01 to 2100-01-01"));
    assert!(issue_on(&out, 4).reason.contains("row has 3 fields, expected 4"));
    assert!(issue_on(&out, 5).reason.contains("UTF-8"));
}

#[test]
fn a_huge_title_is_an_issue_not_a_crash() {
    let title = "T".repeat(10 * 1024 * 1024);
    let items = format!(
        "1|{title}|01-Jan-1995||u|{FLAGS_COMEDY_DRAMA}\n2|Ok|01-Jan-1995||u|{FLAGS_COMEDY_DRAMA}\n"
    );
    let out = check(
        Format::MovieLens,
        &[("u.item", items.as_bytes())],
        r#"item 2 "Ok" cat=Comedy genres=["Comedy", "Drama"] imdb_url="u" release_date="01-Jan-1995"
           ! L1 title"#,
    );
    assert!(issue_on(&out, 1).raw.len() <= 204);
}

#[test]
fn empty_and_truncated_files_are_errors() {
    let (err, _) = check_error(Format::MovieLens, &[("u.data", b"")]);
    assert!(matches!(err, Error::Empty { .. }), "{err}");
    let many: String = (0..20_000)
        .map(|i| format!("{}\t{}\t{}\t{}\n", i % 943, i * 31 % 1682, i % 5 + 1, 881_250_949 + i))
        .collect();
    let cut = crate::test_support::truncated_gzip(many.as_bytes());
    let (err, out) = check_error(Format::MovieLens, &[("u.data.gz", &cut)]);
    assert!(matches!(err, Error::Truncated { .. }), "{err}");
    assert!(out.batch.events.len() > 1_000);
}
