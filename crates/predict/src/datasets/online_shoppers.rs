//! The UCI "Online Shoppers Purchasing Intention" dataset (Sakar et al. 2019): one row per
//! session, `Revenue` says whether it ended in a purchase.
//!
//! Reading is faithful to the file with two readings of absent data: an empty numeric field
//! and a negative duration (the file writes -1 for durations it could not measure) are missing
//! values (`NaN`), not errors. Rows with the wrong number of fields or unreadable values are
//! reported as [`RowIssue`]s.
//!
//! Two encodings turn sessions into a [`Dataset`]: [`tree_features`] keeps categories as
//! integer codes (trees split on them directly), [`one_hot_features`] takes `ln(1 + x)` of the
//! skewed counts, durations and page values and one-hot encodes every category, for linear
//! models.

use super::{csv_fields, data_rows, RowIssue};
use crate::dataset::{Dataset, Matrix};
use crate::{Error, Result};

/// How the visitor relates to the shop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum VisitorType {
    /// Has visited before.
    Returning,
    /// First visit.
    New,
    /// Anything else the file records ("Other").
    Other,
}

impl VisitorType {
    fn parse(s: &str) -> Option<Self> {
        match s {
            "Returning_Visitor" => Some(Self::Returning),
            "New_Visitor" => Some(Self::New),
            "Other" => Some(Self::Other),
            _ => None,
        }
    }

    /// The file's spelling.
    pub fn name(self) -> &'static str {
        match self {
            Self::Returning => "Returning_Visitor",
            Self::New => "New_Visitor",
            Self::Other => "Other",
        }
    }
}

/// The numeric columns, in file order.
pub const NUMERIC_COLUMNS: [&str; 10] = [
    "Administrative",
    "Administrative_Duration",
    "Informational",
    "Informational_Duration",
    "ProductRelated",
    "ProductRelated_Duration",
    "BounceRates",
    "ExitRates",
    "PageValues",
    "SpecialDay",
];

/// Numeric columns that are durations (a negative value means "not measured").
const DURATIONS: [usize; 3] = [1, 3, 5];
/// Numeric columns with long right tails, log-scaled for linear models.
const SKEWED: [usize; 7] = [0, 1, 2, 3, 4, 5, 8];
/// The categorical id columns, in file order.
pub const ID_COLUMNS: [&str; 4] = ["OperatingSystems", "Browser", "Region", "TrafficType"];

/// One session.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    /// [`NUMERIC_COLUMNS`] values, `NaN` where missing.
    pub numeric: [f32; 10],
    /// Month of the session, 1 to 12.
    pub month: u8,
    /// [`ID_COLUMNS`] values: operating system, browser, region and traffic-source ids.
    pub ids: [u16; 4],
    /// Returning, new or other visitor.
    pub visitor_type: VisitorType,
    /// Whether the session was on a weekend.
    pub weekend: bool,
    /// Whether it ended in a purchase.
    pub revenue: bool,
}

impl Session {
    /// Whether any numeric value is missing.
    pub fn has_missing(&self) -> bool {
        self.numeric.iter().any(|v| v.is_nan())
    }
}

/// A month by name: any prefix of three or more letters of its English name ("Feb", "June",
/// "Sept"), in any case.
fn parse_month(s: &str) -> Option<u8> {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let lower = s.trim().to_ascii_lowercase();
    let m = MONTHS.iter().position(|m| lower.len() >= 3 && m.starts_with(lower.as_str()))?;
    Some(m as u8 + 1)
}

fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_ascii_uppercase().as_str() {
        "TRUE" | "1" => Some(true),
        "FALSE" | "0" => Some(false),
        _ => None,
    }
}

/// Reads the CSV text: sessions it could read, and an issue for each data row it could not.
/// Errors only when the header lacks a required column or there is no header.
pub fn parse(text: &str) -> Result<(Vec<Session>, Vec<RowIssue>)> {
    let mut lines = text.lines().enumerate();
    let header = loop {
        match lines.next() {
            Some((_, l)) if l.trim().is_empty() => continue,
            Some((_, l)) => break l.trim_start_matches('\u{feff}'),
            None => return Err(Error::BadData("the text is empty; expected a CSV header".into())),
        }
    };
    let columns: Vec<String> = csv_fields(header.trim_end_matches('\r'))
        .ok_or_else(|| Error::BadData("the header has an unclosed quote".into()))?
        .into_iter()
        .map(|c| c.trim().to_string())
        .collect();
    let find = |name: &str| -> Result<usize> {
        columns.iter().position(|c| c == name).ok_or_else(|| {
            Error::BadData(format!(
                "the header has no `{name}` column; is this online_shoppers_intention.csv?"
            ))
        })
    };
    let mut numeric_at = [0usize; 10];
    for (slot, name) in numeric_at.iter_mut().zip(NUMERIC_COLUMNS) {
        *slot = find(name)?;
    }
    let mut ids_at = [0usize; 4];
    for (slot, name) in ids_at.iter_mut().zip(ID_COLUMNS) {
        *slot = find(name)?;
    }
    let (month_at, visitor_at, weekend_at, revenue_at) =
        (find("Month")?, find("VisitorType")?, find("Weekend")?, find("Revenue")?);

    let mut sessions = Vec::new();
    let mut issues = Vec::new();
    for row in data_rows(lines, columns.len()) {
        let (line, fields) = match row {
            Ok(row) => row,
            Err(issue) => {
                issues.push(issue);
                continue;
            }
        };
        let issue =
            |field: &str, reason: String| RowIssue { line, field: Some(field.to_string()), reason };
        match read_row(
            &fields,
            &numeric_at,
            &ids_at,
            [month_at, visitor_at, weekend_at, revenue_at],
        ) {
            Ok(session) => sessions.push(session),
            Err((column, reason)) => issues.push(issue(column, reason)),
        }
    }
    Ok((sessions, issues))
}

/// One data row, or the column at fault and why.
fn read_row(
    fields: &[String],
    numeric_at: &[usize; 10],
    ids_at: &[usize; 4],
    [month_at, visitor_at, weekend_at, revenue_at]: [usize; 4],
) -> std::result::Result<Session, (&'static str, String)> {
    let mut numeric = [f32::NAN; 10];
    for (j, &at) in numeric_at.iter().enumerate() {
        let text = fields[at].trim();
        if text.is_empty() || text.eq_ignore_ascii_case("na") || text.eq_ignore_ascii_case("nan") {
            continue;
        }
        let value: f32 =
            text.parse().map_err(|_| (NUMERIC_COLUMNS[j], format!("`{text}` is not a number")))?;
        if !value.is_finite() {
            return Err((NUMERIC_COLUMNS[j], format!("`{text}` is not a finite number")));
        }
        numeric[j] = if DURATIONS.contains(&j) && value < 0.0 { f32::NAN } else { value };
    }
    let mut ids = [0u16; 4];
    for (j, &at) in ids_at.iter().enumerate() {
        let text = fields[at].trim();
        ids[j] =
            text.parse().map_err(|_| (ID_COLUMNS[j], format!("`{text}` is not a category id")))?;
    }
    let month = parse_month(&fields[month_at])
        .ok_or_else(|| ("Month", format!("`{}` is not a month", fields[month_at])))?;
    let visitor_type = VisitorType::parse(fields[visitor_at].trim()).ok_or_else(|| {
        ("VisitorType", format!("`{}` is not a known visitor type", fields[visitor_at]))
    })?;
    let weekend = parse_bool(&fields[weekend_at])
        .ok_or_else(|| ("Weekend", format!("`{}` is not TRUE or FALSE", fields[weekend_at])))?;
    let revenue = parse_bool(&fields[revenue_at])
        .ok_or_else(|| ("Revenue", format!("`{}` is not TRUE or FALSE", fields[revenue_at])))?;
    Ok(Session { numeric, month, ids, visitor_type, weekend, revenue })
}

fn labels(sessions: &[Session]) -> Vec<bool> {
    sessions.iter().map(|s| s.revenue).collect()
}

fn visitor_code(v: VisitorType) -> f32 {
    match v {
        VisitorType::Returning => 0.0,
        VisitorType::New => 1.0,
        VisitorType::Other => 2.0,
    }
}

/// Sessions as raw numbers, month number, category ids, visitor-type code (returning 0, new 1,
/// other 2) and weekend 0/1: 17 features for trees.
pub fn tree_features(sessions: &[Session]) -> Result<Dataset> {
    let mut names: Vec<String> = NUMERIC_COLUMNS.iter().map(|s| s.to_string()).collect();
    names.push("Month".into());
    names.extend(ID_COLUMNS.iter().map(|s| s.to_string()));
    names.extend(["VisitorType".to_string(), "Weekend".to_string()]);
    let mut values = Vec::with_capacity(sessions.len() * names.len());
    for s in sessions {
        values.extend_from_slice(&s.numeric);
        values.push(f32::from(s.month));
        values.extend(s.ids.iter().map(|&id| f32::from(id)));
        values.push(visitor_code(s.visitor_type));
        values.push(f32::from(u8::from(s.weekend)));
    }
    Dataset::from_bools(Matrix::new(names, values)?, labels(sessions))
}

/// Sessions for linear models: `ln(1 + x)` of counts, durations and page values, the rates and
/// special-day closeness as they are, weekend 0/1, and one indicator per month, visitor type
/// and category id seen in `sessions` (so encode the whole file once, then take rows).
pub fn one_hot_features(sessions: &[Session]) -> Result<Dataset> {
    let mut names: Vec<String> = NUMERIC_COLUMNS
        .iter()
        .enumerate()
        .map(|(j, s)| if SKEWED.contains(&j) { format!("log1p({s})") } else { s.to_string() })
        .collect();
    names.push("Weekend".into());
    let mut months: Vec<u8> = sessions.iter().map(|s| s.month).collect();
    months.sort_unstable();
    months.dedup();
    names.extend(months.iter().map(|m| format!("Month={m}")));
    let mut visitors: Vec<VisitorType> = sessions.iter().map(|s| s.visitor_type).collect();
    visitors.sort_unstable();
    visitors.dedup();
    names.extend(visitors.iter().map(|v| format!("VisitorType={}", v.name())));
    let mut id_levels: Vec<Vec<u16>> = Vec::new();
    for (j, column) in ID_COLUMNS.iter().enumerate() {
        let mut levels: Vec<u16> = sessions.iter().map(|s| s.ids[j]).collect();
        levels.sort_unstable();
        levels.dedup();
        names.extend(levels.iter().map(|l| format!("{column}={l}")));
        id_levels.push(levels);
    }

    let width = names.len();
    let mut values = Vec::with_capacity(sessions.len() * width);
    for s in sessions {
        let start = values.len();
        for (j, &v) in s.numeric.iter().enumerate() {
            // NaN stays NaN (`max` would turn it into 0).
            let skewed = SKEWED.contains(&j) && !v.is_nan();
            values.push(if skewed { v.max(0.0).ln_1p() } else { v });
        }
        values.push(f32::from(u8::from(s.weekend)));
        let one_hot = |values: &mut Vec<f32>, levels: usize, hot: Option<usize>| {
            values.extend((0..levels).map(|l| if Some(l) == hot { 1.0 } else { 0.0 }));
        };
        one_hot(&mut values, months.len(), months.binary_search(&s.month).ok());
        one_hot(&mut values, visitors.len(), visitors.binary_search(&s.visitor_type).ok());
        for (j, levels) in id_levels.iter().enumerate() {
            one_hot(&mut values, levels.len(), levels.binary_search(&s.ids[j]).ok());
        }
        debug_assert_eq!(values.len() - start, width);
    }
    Dataset::from_bools(Matrix::new(names, values)?, labels(sessions))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "Administrative,Administrative_Duration,Informational,\
Informational_Duration,ProductRelated,ProductRelated_Duration,BounceRates,ExitRates,PageValues,\
SpecialDay,Month,OperatingSystems,Browser,Region,TrafficType,VisitorType,Weekend,Revenue";

    #[test]
    fn reads_good_rows_and_reports_bad_ones() {
        let text = format!(
            "{HEADER}\n\
             0,0,0,0,1,0,0.2,0.2,0,0,Feb,1,1,1,1,Returning_Visitor,FALSE,FALSE\n\
             0,-1,0,-1,1,-1,0.2,0.2,0,0,June,4,1,9,3,New_Visitor,TRUE,TRUE\n\
             ,,,,,,,,0,0,Mar,2,2,2,1,Other,FALSE,FALSE\n\
             0,0,0,0,1,0,0.2,0.2,0,0,Smarch,1,1,1,1,Returning_Visitor,FALSE,FALSE\n\
             0,0,0\n\
             0,0,0,0,1,0,0.2,0.2,0,0,Feb,1,1,1,1,Returning_Visitor,FALSE,maybe\n"
        );
        let (sessions, issues) = parse(&text).unwrap();
        assert_eq!(sessions.len(), 3);
        assert_eq!(sessions[1].month, 6);
        assert!(sessions[1].numeric[1].is_nan() && sessions[1].numeric[0] == 0.0);
        assert!(sessions[2].has_missing() && sessions[2].numeric[8] == 0.0);
        assert_eq!(sessions[2].visitor_type, VisitorType::Other);
        let lines: Vec<usize> = issues.iter().map(|i| i.line).collect();
        assert_eq!(lines, [5, 6, 7]);
        assert_eq!(issues[0].field.as_deref(), Some("Month"));
        assert_eq!(issues[2].field.as_deref(), Some("Revenue"));
    }

    #[test]
    fn missing_column_is_an_error() {
        let text = HEADER.replace(",Revenue", "");
        let err = parse(&text).unwrap_err();
        assert!(err.to_string().contains("`Revenue`"), "{err}");
        assert!(parse("").is_err());
    }

    #[test]
    fn encodings_have_the_documented_columns() {
        let text = format!(
            "{HEADER}\n\
             2,0,0,0,1,0,0.2,0.2,0,0,Feb,1,1,1,1,Returning_Visitor,FALSE,FALSE\n\
             ,,,,,,,,5,0,Nov,3,1,2,1,New_Visitor,TRUE,TRUE\n"
        );
        let (sessions, _) = parse(&text).unwrap();
        let trees = tree_features(&sessions).unwrap();
        assert_eq!(trees.x().n_features(), 17);
        assert_eq!(trees.x().row(1)[10..], [11.0, 3.0, 1.0, 2.0, 1.0, 1.0, 1.0]);
        let linear = one_hot_features(&sessions).unwrap();
        // 10 numeric + weekend + 2 months + 2 visitor types + OS 2 + browser 1 + region 2 + traffic 1.
        assert_eq!(linear.x().n_features(), 21);
        assert!((linear.x().row(0)[0] - 3f32.ln()).abs() < 1e-6);
        assert!(linear.x().row(1)[0].is_nan());
        assert_eq!(linear.labels(), [false, true]);
    }
}
