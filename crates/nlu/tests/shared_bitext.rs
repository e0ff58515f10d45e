//! Reads the shared Bitext CSV and checks it against its SOURCE.txt counts, and that the shipped
//! model (trained on it) still reads it. Runs only when AISLE_SHARED_DATA names the shared data
//! folder; otherwise it prints a note and passes, since the data lives outside the repository.

use std::collections::HashSet;
use std::path::PathBuf;

use aisle_nlu::{bitext, IntentModel};

#[test]
fn the_shared_bitext_data_reads_whole_and_the_shipped_model_knows_it() {
    let Some(dir) = std::env::var_os("AISLE_SHARED_DATA").map(PathBuf::from) else {
        eprintln!("\n*** NOTE: AISLE_SHARED_DATA is not set; skipping the Bitext check. ***\n");
        return;
    };
    let (rows, issues) =
        bitext::read(&dir.join("bitext-customer-support/train.csv")).expect("the CSV reads");
    assert_eq!(rows.len(), 3146, "SOURCE.txt: a stratified 70% of 4,514 rows");
    assert!(issues.is_empty(), "{issues:?}");
    let intents: HashSet<&str> = rows.iter().map(|r| r.intent.as_str()).collect();
    assert_eq!(intents.len(), 27);
    let model = IntentModel::bundled().expect("the shipped model loads");
    for intent in &intents {
        assert!(model.intents().iter().any(|i| i == intent), "{intent} is a model intent");
    }
    let right = rows.iter().filter(|r| model.classify(&r.text).intent == r.intent).count();
    assert!(right as f64 / rows.len() as f64 > 0.97, "{right} of {}", rows.len());
}
