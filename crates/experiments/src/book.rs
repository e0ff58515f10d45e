//! Every experiment of a shop with its counts, and the rules of changing them: ids are unique,
//! at most one experiment runs at a time (each shopper's feed answers to one), and an
//! experiment's variants are fixed once it has shoppers.

use serde::{Deserialize, Serialize};

use crate::{Error, Experiment, Result, Status, Tally};

/// An experiment and its counts, one [`Tally`] per variant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// The definition.
    #[serde(flatten)]
    pub experiment: Experiment,
    /// Counts per variant, in the order of the variants.
    #[serde(default)]
    pub tallies: Vec<Tally>,
}

impl Entry {
    /// Whether any shopper was assigned yet.
    pub fn has_shoppers(&self) -> bool {
        self.tallies.iter().any(|t| t.shoppers > 0)
    }
}

/// The shop's experiments, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Book {
    /// Each experiment with its counts.
    #[serde(default)]
    pub experiments: Vec<Entry>,
}

impl Book {
    /// Checks a book read from somewhere: every definition, unique ids, at most one running;
    /// gives each experiment one tally per variant (missing ones start at zero).
    pub fn checked(mut self) -> Result<Self> {
        for (k, entry) in self.experiments.iter_mut().enumerate() {
            entry
                .experiment
                .validate()
                .map_err(|e| Error::Invalid(format!("experiments[{k}]: {e}")))?;
            entry.tallies.resize(entry.experiment.variants.len(), Tally::default());
        }
        for (k, entry) in self.experiments.iter().enumerate() {
            let id = &entry.experiment.id;
            if self.experiments[..k].iter().any(|e| &e.experiment.id == id) {
                return Err(Error::Invalid(format!(
                    "experiments[{k}]: the id `{id}` is used twice"
                )));
            }
        }
        let running: Vec<&str> = self.running_ids();
        if running.len() > 1 {
            return Err(Error::Invalid(format!(
                "{} experiments are running ({}); at most one may run at a time",
                running.len(),
                running.join(", ")
            )));
        }
        Ok(self)
    }

    fn running_ids(&self) -> Vec<&str> {
        self.experiments
            .iter()
            .filter(|e| e.experiment.status == Status::Running)
            .map(|e| e.experiment.id.as_str())
            .collect()
    }

    /// The experiment with this id.
    pub fn get(&self, id: &str) -> Result<&Entry> {
        self.experiments
            .iter()
            .find(|e| e.experiment.id == id)
            .ok_or_else(|| Error::NotFound(id.to_string()))
    }

    fn get_mut(&mut self, id: &str) -> Result<&mut Entry> {
        self.experiments
            .iter_mut()
            .find(|e| e.experiment.id == id)
            .ok_or_else(|| Error::NotFound(id.to_string()))
    }

    /// The running experiment, when one is.
    pub fn running(&self) -> Option<&Entry> {
        self.experiments.iter().find(|e| e.experiment.status == Status::Running)
    }

    /// Adds an experiment (running unless it says `stopped`), `now` being the time in
    /// milliseconds since 1970.
    pub fn create(&mut self, mut experiment: Experiment, now: i64) -> Result<&Entry> {
        experiment.validate()?;
        if self.get(&experiment.id).is_ok() {
            return Err(Error::Conflict(format!(
                "an experiment `{}` exists; pick another id or change that one",
                experiment.id
            )));
        }
        if experiment.status == Status::Running {
            self.refuse_second_running(&experiment.id)?;
        }
        experiment.started_at = (experiment.status == Status::Running).then_some(now);
        experiment.stopped_at = None;
        let tallies = vec![Tally::default(); experiment.variants.len()];
        self.experiments.push(Entry { experiment, tallies });
        Ok(&self.experiments[self.experiments.len() - 1])
    }

    /// Replaces an experiment's definition: the name and traffic may change at any time, the
    /// status moves between running and stopped, and the variants may change only while no
    /// shopper has been assigned. The id cannot change.
    pub fn update(&mut self, id: &str, mut experiment: Experiment, now: i64) -> Result<&Entry> {
        self.get(id)?;
        experiment.validate()?;
        if experiment.id != id {
            return Err(Error::Invalid(format!(
                "`id` is `{}` but the experiment is `{id}`; an experiment's id cannot change",
                experiment.id
            )));
        }
        if experiment.status == Status::Running {
            self.refuse_second_running(id)?;
        }
        let entry = self.get_mut(id)?;
        if entry.has_shoppers() && !entry.experiment.same_split(&experiment) {
            return Err(Error::Conflict(format!(
                "`{id}` has shoppers already; its variants (names, models, weights) cannot \
                 change without mixing two experiments in one result: stop it and create a new one"
            )));
        }
        if entry.experiment.variants != experiment.variants {
            entry.tallies = vec![Tally::default(); experiment.variants.len()];
        }
        let before = &entry.experiment;
        experiment.started_at = before.started_at;
        experiment.stopped_at = before.stopped_at;
        match (before.status, experiment.status) {
            (Status::Running, Status::Stopped) => experiment.stopped_at = Some(now),
            (Status::Stopped, Status::Running) => {
                experiment.started_at = experiment.started_at.or(Some(now));
                experiment.stopped_at = None;
            }
            _ => {}
        }
        entry.experiment = experiment;
        Ok(entry)
    }

    /// Moves an experiment to `status` (stopping a stopped one changes nothing).
    pub fn set_status(&mut self, id: &str, status: Status, now: i64) -> Result<&Entry> {
        let mut experiment = self.get(id)?.experiment.clone();
        experiment.status = status;
        self.update(id, experiment, now)
    }

    /// Removes an experiment and its counts, giving them back.
    pub fn remove(&mut self, id: &str) -> Result<Entry> {
        let at = self
            .experiments
            .iter()
            .position(|e| e.experiment.id == id)
            .ok_or_else(|| Error::NotFound(id.to_string()))?;
        Ok(self.experiments.remove(at))
    }

    fn refuse_second_running(&self, id: &str) -> Result<()> {
        match self.running() {
            Some(other) if other.experiment.id != id => Err(Error::Conflict(format!(
                "`{}` is running; one experiment runs at a time (each shopper's feed answers to \
                 one): stop it first, or create this one stopped",
                other.experiment.id
            ))),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::tests::experiment;

    fn two(id: &str) -> Experiment {
        experiment(id, &[("a", "ease", 1.0), ("b", "als", 1.0)])
    }

    #[test]
    fn one_experiment_runs_at_a_time() {
        let mut book = Book::default();
        book.create(two("first"), 10).unwrap();
        assert!(matches!(book.create(two("second"), 20), Err(Error::Conflict(_))));
        let mut stopped = two("second");
        stopped.status = Status::Stopped;
        assert_eq!(book.create(stopped, 20).unwrap().experiment.started_at, None);
        assert!(matches!(book.set_status("second", Status::Running, 30), Err(Error::Conflict(_))));
        book.set_status("first", Status::Stopped, 40).unwrap();
        let second = book.set_status("second", Status::Running, 50).unwrap();
        assert_eq!(second.experiment.started_at, Some(50));
        assert_eq!(book.running().map(|e| e.experiment.id.as_str()), Some("second"));
        assert_eq!(book.get("first").unwrap().experiment.stopped_at, Some(40));
        assert!(matches!(book.create(two("first"), 60), Err(Error::Conflict(_))), "id in use");
    }

    #[test]
    fn variants_are_fixed_once_shoppers_came() {
        let mut book = Book::default();
        book.create(two("x"), 0).unwrap();
        let mut renamed = two("x");
        renamed.name = "new name".into();
        renamed.traffic = 0.5;
        book.update("x", renamed.clone(), 1).unwrap();
        book.experiments[0].tallies[0].shoppers = 3;
        let mut changed = renamed.clone();
        changed.variants[1].model = "bpr".into();
        assert!(matches!(book.update("x", changed, 2), Err(Error::Conflict(_))));
        renamed.name = "again".into();
        assert_eq!(book.update("x", renamed, 3).unwrap().tallies[0].shoppers, 3, "kept");
        assert!(matches!(book.update("x", two("y"), 4), Err(Error::Invalid(_))), "id changes");
        assert!(matches!(book.update("nope", two("nope"), 4), Err(Error::NotFound(_))));
    }

    #[test]
    fn a_read_book_is_checked() {
        let mut book = Book::default();
        book.create(two("x"), 0).unwrap();
        let mut second = two("y");
        second.status = Status::Running;
        book.experiments.push(Entry { experiment: second, tallies: Vec::new() });
        assert!(book.clone().checked().is_err(), "two running");
        book.experiments[1].experiment.status = Status::Stopped;
        let checked = book.checked().unwrap();
        assert_eq!(checked.experiments[1].tallies.len(), 2, "tallies filled in");
        let text = serde_json::to_string(&checked).unwrap();
        let read: Book = serde_json::from_str(&text).unwrap();
        assert_eq!(read, checked);
    }

    #[test]
    fn removing_gives_the_entry_back() {
        let mut book = Book::default();
        book.create(two("x"), 0).unwrap();
        assert_eq!(book.remove("x").unwrap().experiment.id, "x");
        assert!(matches!(book.remove("x"), Err(Error::NotFound(_))));
    }
}
