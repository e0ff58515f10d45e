//! The words met so far, under compact ids, with the forms they were written in.

use std::collections::HashMap;

use super::candidates::Candidate;

/// Candidate keys to ids, and per id the written forms and how often each was seen.
#[derive(Debug, Clone, Default)]
pub(super) struct Vocabulary {
    ids: HashMap<String, u32>,
    words: Vec<Word>,
}

#[derive(Debug, Clone)]
struct Word {
    /// Forms in order of first sighting, with their counts; one for a Chinese word.
    forms: Vec<(Box<str>, u32)>,
    han: bool,
}

impl Vocabulary {
    /// The id of the candidate's key, added if new; counts the form it was written in.
    pub(super) fn add(&mut self, candidate: &Candidate) -> u32 {
        let id = match self.ids.get(&candidate.key) {
            Some(&id) => id,
            None => {
                // More than four billion distinct words cannot come from texts a machine holds;
                // saturating keeps this total without a panic path.
                let id = u32::try_from(self.words.len()).unwrap_or(u32::MAX);
                self.ids.insert(candidate.key.clone(), id);
                self.words.push(Word { forms: Vec::new(), han: candidate.han });
                id
            }
        };
        if let Some(word) = self.words.get_mut(id as usize) {
            match word.forms.iter_mut().find(|(form, _)| **form == *candidate.surface) {
                Some((_, count)) => *count = count.saturating_add(1),
                None => word.forms.push((candidate.surface.as_str().into(), 1)),
            }
        }
        id
    }

    /// The number of distinct words.
    pub(super) fn len(&self) -> usize {
        self.words.len()
    }

    /// Word `id` in its most frequent form (the first seen among equals).
    pub(super) fn display(&self, id: u32) -> String {
        let Some(word) = self.words.get(id as usize) else {
            return String::new();
        };
        let mut best: Option<&(Box<str>, u32)> = None;
        for form in &word.forms {
            if best.is_none_or(|best| form.1 > best.1) {
                best = Some(form);
            }
        }
        best.map(|(form, _)| form.to_string()).unwrap_or_default()
    }

    /// Two words as a phrase: joined directly when both are Chinese, by a space otherwise.
    pub(super) fn display_phrase(&self, first: u32, second: u32) -> String {
        let both_han = [first, second]
            .iter()
            .all(|&id| self.words.get(id as usize).is_some_and(|word| word.han));
        let separator = if both_han { "" } else { " " };
        format!("{}{separator}{}", self.display(first), self.display(second))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(key: &str, surface: &str, han: bool) -> Candidate {
        Candidate { key: key.into(), surface: surface.into(), han, joined: false }
    }

    #[test]
    fn words_show_their_most_frequent_form() {
        let mut vocabulary = Vocabulary::default();
        let battery = vocabulary.add(&candidate("batteri", "batteries", false));
        for surface in ["battery", "battery", "batteries", "battery"] {
            assert_eq!(vocabulary.add(&candidate("batteri", surface, false)), battery);
        }
        let life = vocabulary.add(&candidate("life", "life", false));
        assert_eq!(vocabulary.display(battery), "battery");
        assert_eq!(vocabulary.display_phrase(battery, life), "battery life");
        let (logistics, speed) = (
            vocabulary.add(&candidate("物流", "物流", true)),
            vocabulary.add(&candidate("速度", "速度", true)),
        );
        assert_eq!(vocabulary.display_phrase(logistics, speed), "物流速度");
        assert_eq!(vocabulary.display_phrase(battery, speed), "battery 速度");
        assert_eq!(vocabulary.display(99), "");
        assert_eq!(vocabulary.len(), 4);
    }
}
