//! Turning a stream of generated pieces into the text a caller sees: whole UTF-8 characters
//! only (a byte-level token may hold half of a Chinese character), and stop strings cut out
//! even when they arrive split across tokens. Both backends stream through [`StopScanner`].

/// Collects token bytes and hands out the longest run of complete characters.
#[derive(Debug, Default)]
pub(crate) struct Utf8Assembler {
    pending: Vec<u8>,
}

impl Utf8Assembler {
    /// Adds bytes; returns the characters now complete. Bytes that can never be valid UTF-8
    /// become U+FFFD rather than stalling the stream.
    pub fn push(&mut self, bytes: &[u8]) -> String {
        self.pending.extend_from_slice(bytes);
        let mut out = String::new();
        loop {
            match std::str::from_utf8(&self.pending) {
                Ok(text) => {
                    out.push_str(text);
                    self.pending.clear();
                    return out;
                }
                Err(error) => {
                    let valid = error.valid_up_to();
                    // Safe to index: `valid_up_to` bytes were just checked.
                    out.push_str(&String::from_utf8_lossy(&self.pending[..valid]));
                    match error.error_len() {
                        // An incomplete character at the end: wait for its other bytes.
                        None => {
                            self.pending.drain(..valid);
                            return out;
                        }
                        Some(bad) => {
                            out.push(char::REPLACEMENT_CHARACTER);
                            self.pending.drain(..valid + bad);
                        }
                    }
                }
            }
        }
    }

    /// Whatever is left at the end (an unfinished character) as U+FFFD.
    pub fn finish(&mut self) -> String {
        let rest = String::from_utf8_lossy(&self.pending).into_owned();
        self.pending.clear();
        rest
    }
}

/// What one [`StopScanner::push`] gives back.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Scanned {
    /// Text that is certainly part of the answer, to show now.
    pub ready: String,
    /// A stop string appeared: the answer ends with `ready`.
    pub stopped: bool,
}

/// Finds stop strings in streamed text, holding back only the tail that could still become one.
#[derive(Debug)]
pub(crate) struct StopScanner {
    stops: Vec<String>,
    held: String,
}

impl StopScanner {
    /// A scanner for these stop strings (empty ones are ignored).
    pub fn new(stops: &[String]) -> Self {
        StopScanner {
            stops: stops.iter().filter(|s| !s.is_empty()).cloned().collect(),
            held: String::new(),
        }
    }

    /// Adds generated text.
    pub fn push(&mut self, text: &str) -> Scanned {
        self.held.push_str(text);
        let first_stop = self.stops.iter().filter_map(|stop| self.held.find(stop.as_str())).min();
        if let Some(at) = first_stop {
            let ready = self.held[..at].to_string();
            self.held.clear();
            return Scanned { ready, stopped: true };
        }
        let keep = self.longest_stop_prefix_suffix();
        let ready = self.held[..self.held.len() - keep].to_string();
        self.held.drain(..self.held.len() - keep);
        Scanned { ready, stopped: false }
    }

    /// The held-back tail at the end of the stream: it never became a stop string.
    pub fn finish(&mut self) -> String {
        std::mem::take(&mut self.held)
    }

    /// Bytes at the end of `held` that begin some stop string (always on a char boundary,
    /// since stop strings are valid UTF-8 and so are their prefixes that match).
    fn longest_stop_prefix_suffix(&self) -> usize {
        let held = &self.held;
        let mut longest = 0;
        for stop in &self.stops {
            for (start, _) in held.char_indices() {
                let tail = &held[start..];
                if held.len() - start <= longest {
                    break;
                }
                if stop.starts_with(tail) {
                    longest = held.len() - start;
                    break;
                }
            }
        }
        longest
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(stops: &[&str], pieces: &[&str]) -> (Vec<String>, bool) {
        let stops: Vec<String> = stops.iter().map(|s| s.to_string()).collect();
        let mut scanner = StopScanner::new(&stops);
        let mut out = Vec::new();
        for piece in pieces {
            let scanned = scanner.push(piece);
            out.push(scanned.ready);
            if scanned.stopped {
                return (out, true);
            }
        }
        out.push(scanner.finish());
        (out, false)
    }

    #[test]
    fn stop_strings_are_found_across_pieces() {
        let check = |stops: &[&str], pieces: &[&str], expected: &[&str], stopped: bool| {
            let (out, was_stopped) = scan(stops, pieces);
            assert_eq!(out, expected, "{stops:?} over {pieces:?}");
            assert_eq!(was_stopped, stopped, "{stops:?} over {pieces:?}");
        };
        check(&[], &["a", "b"], &["a", "b", ""], false);
        check(&["\n\n"], &["Hi", "\n", "\n", "more"], &["Hi", "", ""], true);
        check(&["\n\n"], &["Hi", "\n", "there"], &["Hi", "", "\nthere", ""], false);
        check(&["END"], &["aE", "N", "Dz"], &["a", "", ""], true);
        check(&["END"], &["aEN"], &["a", "EN"], false);
        check(&["Shopper:", "User:"], &["Ok. Us", "er: hi"], &["Ok. ", ""], true);
        check(&["。"], &["好的", "。谢谢"], &["好的", ""], true);
        check(&["停止"], &["我们停", "下"], &["我们", "停下", ""], false);
        check(&["", "x"], &["abc"], &["abc", ""], false);
    }

    #[test]
    fn characters_split_across_tokens_wait_for_their_bytes() {
        let bytes = "鞋s".as_bytes();
        let mut assembler = Utf8Assembler::default();
        assert_eq!(assembler.push(&bytes[..1]), "");
        assert_eq!(assembler.push(&bytes[1..2]), "");
        assert_eq!(assembler.push(&bytes[2..]), "鞋s");
        assert_eq!(assembler.push(&[0xff, b'a']), "\u{fffd}a");
        assert_eq!(assembler.push(&[0xe9]), "");
        assert_eq!(assembler.finish(), "\u{fffd}");
    }
}
