//! MovieLens 100K and 1M (GroupLens): movies, users and star ratings. Not the later MovieLens
//! CSV releases (ml-latest, ml-25m), which are not supported yet.
//!
//! # Input
//!
//! Pass the dataset directory, or its files. A directory is searched for the ML-100K files
//! `u.item`, `u.user`, `u.data` (`u.data` is required) or the ML-1M files `movies.dat`,
//! `users.dat`, `ratings.dat` (any of them; `ratings.dat` may be absent). Files passed by name may
//! also be the ML-100K splits `u1.base`, `ua.test`, ... (same layout as `u.data`). Files may be
//! gzipped. Whatever the order given, movies are read first, then users, then ratings.
//!
//! # Mapping
//!
//! | source | Aisle |
//! |---|---|
//! | `u.data` / `*.base` / `*.test`: `user \t item \t rating \t unix_seconds` | [`Event`] kind `rating`, actor `User(user)`, item, value = stars, id `ml:{user}:{item}` |
//! | `ratings.dat`: `UserID::MovieID::Rating::Timestamp` | the same |
//! | `u.user`: `user\|age\|gender\|occupation\|zip` | [`User`] with attributes `age` (number, years), `gender`, `occupation`, `zip` |
//! | `users.dat`: `UserID::Gender::Age::Occupation::Zip-code` | [`User`] with `gender`, `age` (number: the lower bound of the band code 1, 18, 25, 35, 45, 50, 56), `age_band` (`"18-24"`...), `occupation` (the name of the code, e.g. `"programmer"`), `zip` |
//! | `u.item`: `id\|title\|release date\|video release date\|IMDb URL\|19 genre flags` | [`Item`] with `title`, attribute `genres` (list of the flagged genres, in `u.genre` order), `categories` = the first genre, attributes `release_date`, `video_release_date`, `imdb_url` when present |
//! | `movies.dat`: `MovieID::Title::Genre\|Genre` | [`Item`] with `title`, `genres`, `categories` = the first genre |
//!
//! The `u.genre` order is unknown, Action, Adventure, Animation, Children's, Comedy, Crime,
//! Documentary, Drama, Fantasy, Film-Noir, Horror, Musical, Mystery, Romance, Sci-Fi, Thriller,
//! War, Western. `u.item` and the `.dat` files are ISO-8859-1 and decoded as such; `u.data` and
//! `u.user` must be UTF-8 (they are ASCII). The rating id has no timestamp in it, so a user's
//! second rating of a movie (which MovieLens does not contain) would count once.

use std::path::{Path, PathBuf};

use aisle_domain::{Actor, AttributeValue, Event, EventKind, Item, Timestamp, User};

use crate::error::{Error, Result};
use crate::input::{
    id, int, latin1, number, owned_id, plain_name, raw_excerpt, utf8, Lines, Problem,
};
use crate::sink::Sink;

const GENRES: [&str; 19] = [
    "unknown",
    "Action",
    "Adventure",
    "Animation",
    "Children's",
    "Comedy",
    "Crime",
    "Documentary",
    "Drama",
    "Fantasy",
    "Film-Noir",
    "Horror",
    "Musical",
    "Mystery",
    "Romance",
    "Sci-Fi",
    "Thriller",
    "War",
    "Western",
];

const OCCUPATIONS_1M: [&str; 21] = [
    "other",
    "academic/educator",
    "artist",
    "clerical/admin",
    "college/grad student",
    "customer service",
    "doctor/health care",
    "executive/managerial",
    "farmer",
    "homemaker",
    "K-12 student",
    "lawyer",
    "programmer",
    "retired",
    "sales/marketing",
    "scientist",
    "self-employed",
    "technician/engineer",
    "tradesman/craftsman",
    "unemployed",
    "writer",
];

/// What a MovieLens file holds; the order is the reading order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Role {
    Items100k,
    Movies1m,
    Users100k,
    Users1m,
    Ratings100k,
    Ratings1m,
}

fn role(path: &Path) -> Option<Role> {
    let name = plain_name(path);
    Some(match name.as_str() {
        "u.item" => Role::Items100k,
        "movies.dat" => Role::Movies1m,
        "u.user" => Role::Users100k,
        "users.dat" => Role::Users1m,
        "u.data" => Role::Ratings100k,
        "ratings.dat" => Role::Ratings1m,
        n if n.ends_with(".base") || n.ends_with(".test") => Role::Ratings100k,
        _ => return None,
    })
}

/// Expands directories to their MovieLens files and orders files movies, users, ratings.
pub(crate) fn resolve(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files: Vec<(Role, PathBuf)> = Vec::new();
    for path in paths {
        if path.is_dir() {
            files.extend(scan_dir(path)?);
        } else if !path.exists() {
            return Err(Error::NotFound { path: path.clone() });
        } else {
            let role = role(path).ok_or_else(|| Error::MissingCompanion {
                path: path.clone(),
                detail: "not a MovieLens file name; expected u.data, u.item, u.user, u1.base, \
                         ua.test..., movies.dat, users.dat or ratings.dat (optionally .gz)"
                    .to_string(),
            })?;
            files.push((role, path.clone()));
        }
    }
    files.sort_by_key(|(role, _)| *role);
    Ok(files.into_iter().map(|(_, path)| path).collect())
}

fn scan_dir(dir: &Path) -> Result<Vec<(Role, PathBuf)>> {
    let find = |name: &str| {
        [dir.join(name), dir.join(format!("{name}.gz"))].into_iter().find(|p| p.is_file())
    };
    let ml100k: Vec<(Role, PathBuf)> = ["u.item", "u.user", "u.data"]
        .iter()
        .filter_map(|n| find(n))
        .filter_map(|p| Some((role(&p)?, p)))
        .collect();
    let ml1m: Vec<(Role, PathBuf)> = ["movies.dat", "users.dat", "ratings.dat"]
        .iter()
        .filter_map(|n| find(n))
        .filter_map(|p| Some((role(&p)?, p)))
        .collect();
    if !ml1m.is_empty() {
        return Ok(ml1m);
    }
    if ml100k.is_empty() {
        return Err(Error::MissingCompanion {
            path: dir.to_path_buf(),
            detail: "no MovieLens files here; expected u.data, u.item, u.user (ML-100K) or \
                     movies.dat, users.dat, ratings.dat (ML-1M)"
                .to_string(),
        });
    }
    if !ml100k.iter().any(|(r, _)| *r == Role::Ratings100k) {
        return Err(Error::MissingCompanion {
            path: dir.to_path_buf(),
            detail: "an ML-100K directory without u.data (the ratings); add it, or pass u.item \
                     and u.user by name to import only the catalog and users"
                .to_string(),
        });
    }
    Ok(ml100k)
}

pub(crate) fn read(files: &[PathBuf], sink: &mut Sink<'_>) -> Result<()> {
    for path in files {
        let Some(role) = role(path) else { continue };
        let mut lines = Lines::open(path, sink.progress())?;
        let mut data_lines = 0u64;
        while let Some((number, bytes)) = lines.next_line()? {
            if bytes.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            data_lines += 1;
            sink.line();
            match row(role, bytes, sink) {
                Ok(()) => sink.accepted(),
                Err(problem) => sink.reject(problem, path, number, raw_excerpt(bytes)),
            }
            sink.maybe_flush()?;
        }
        if data_lines == 0 {
            return Err(Error::Empty { path: path.clone() });
        }
    }
    Ok(())
}

fn row(role: Role, bytes: &[u8], sink: &mut Sink<'_>) -> std::result::Result<(), Problem> {
    match role {
        Role::Ratings100k => {
            let text = utf8("line", bytes)?;
            let fields: Vec<&str> = text.split('\t').collect();
            let fields = fields_exact(fields, 4, "user \\t item \\t rating \\t timestamp")?;
            rating(&fields, sink)
        }
        Role::Ratings1m => {
            let text = latin1(bytes);
            let fields =
                fields_exact(text.split("::").collect(), 4, "UserID::MovieID::Rating::Timestamp")?;
            rating(&fields, sink)
        }
        Role::Users100k => {
            let text = utf8("line", bytes)?;
            let f = fields_exact(text.split('|').collect(), 5, "user|age|gender|occupation|zip")?;
            let mut user = User::new(id("user_id", f[0])?);
            let age = int("age", f[1])?;
            user.attributes.insert("age".into(), AttributeValue::Number(age as f64));
            text_attribute(&mut user.attributes, "gender", f[2]);
            text_attribute(&mut user.attributes, "occupation", f[3]);
            text_attribute(&mut user.attributes, "zip", f[4]);
            user.validate()?;
            sink.batch.users.push(user);
            Ok(())
        }
        Role::Users1m => {
            let text = latin1(bytes);
            let f = fields_exact(
                text.split("::").collect(),
                5,
                "UserID::Gender::Age::Occupation::Zip-code",
            )?;
            let mut user = User::new(id("user_id", f[0])?);
            text_attribute(&mut user.attributes, "gender", f[1]);
            let age = int("age", f[2])?;
            let band = match age {
                1 => "Under 18",
                18 => "18-24",
                25 => "25-34",
                35 => "35-44",
                45 => "45-49",
                50 => "50-55",
                56 => "56+",
                _ => {
                    return Err(Problem::new(
                        "age",
                        format!("`{age}` is not an ML-1M age code (1, 18, 25, 35, 45, 50, 56)"),
                    ))
                }
            };
            user.attributes.insert("age".into(), AttributeValue::Number(age as f64));
            text_attribute(&mut user.attributes, "age_band", band);
            let occupation = int("occupation", f[3])?;
            let name = usize::try_from(occupation)
                .ok()
                .and_then(|i| OCCUPATIONS_1M.get(i))
                .ok_or_else(|| {
                    Problem::new(
                        "occupation",
                        format!("`{occupation}` is not an ML-1M occupation code (0 to 20)"),
                    )
                })?;
            text_attribute(&mut user.attributes, "occupation", name);
            text_attribute(&mut user.attributes, "zip", f[4]);
            user.validate()?;
            sink.batch.users.push(user);
            Ok(())
        }
        Role::Items100k => {
            let text = latin1(bytes);
            let f = fields_exact(
                text.split('|').collect(),
                24,
                "id|title|release date|video release date|IMDb URL|19 genre flags",
            )?;
            let mut item = Item::new(id("movie_id", f[0])?);
            item.title = f[1].trim().to_string();
            let mut genres = Vec::new();
            for (flag, genre) in f[5..].iter().zip(GENRES) {
                match flag.trim() {
                    "1" => genres.push(genre.to_string()),
                    "0" => {}
                    other => {
                        return Err(Problem::new(
                            genre,
                            format!("genre flag is `{other}`, expected 0 or 1"),
                        ))
                    }
                }
            }
            finish_movie(&mut item, genres);
            text_attribute(&mut item.attributes, "release_date", f[2]);
            text_attribute(&mut item.attributes, "video_release_date", f[3]);
            text_attribute(&mut item.attributes, "imdb_url", f[4]);
            item.validate()?;
            sink.batch.items.push(item);
            Ok(())
        }
        Role::Movies1m => {
            let text = latin1(bytes);
            let f = fields_exact(text.split("::").collect(), 3, "MovieID::Title::Genres")?;
            let mut item = Item::new(id("movie_id", f[0])?);
            item.title = f[1].trim().to_string();
            let genres = f[2]
                .split('|')
                .map(str::trim)
                .filter(|g| !g.is_empty())
                .map(String::from)
                .collect();
            finish_movie(&mut item, genres);
            item.validate()?;
            sink.batch.items.push(item);
            Ok(())
        }
    }
}

fn fields_exact<'a>(
    fields: Vec<&'a str>,
    n: usize,
    layout: &str,
) -> std::result::Result<Vec<&'a str>, Problem> {
    if fields.len() == n {
        Ok(fields)
    } else {
        Err(Problem::row(format!("row has {} fields, expected {n} (`{layout}`)", fields.len())))
    }
}

fn rating(f: &[&str], sink: &mut Sink<'_>) -> std::result::Result<(), Problem> {
    let user = id("user_id", f[0])?;
    let item = id("item_id", f[1])?;
    let stars = number("rating", f[2])?;
    let timestamp = Timestamp::from_secs(int("timestamp", f[3])?)?;
    let event_id = owned_id("id", format!("ml:{user}:{item}"))?;
    let event = Event::new(event_id, Actor::User(user), EventKind::Rating, timestamp)
        .with_item(item)
        .with_value(stars);
    event.validate()?;
    sink.batch.events.push(event);
    Ok(())
}

fn finish_movie(item: &mut Item, genres: Vec<String>) {
    if let Some(first) = genres.first() {
        item.categories = vec![first.clone()];
    }
    item.attributes.insert("genres".into(), AttributeValue::List(genres));
}

fn text_attribute(attributes: &mut aisle_domain::Attributes, key: &str, value: &str) {
    let value = value.trim();
    if !value.is_empty() {
        attributes.insert(key.to_string(), AttributeValue::Text(value.to_string()));
    }
}

#[cfg(test)]
mod tests;
