//! Hints, and which one to reveal next: the hint for the check that fails
//! first, else the next general one (issue 11).
//!
//! A hint line is `> Hint: TEXT` (general) or `> Hint [N]: TEXT` (it helps
//! with the exercise's check number N, counting its check lines from 1).

/// One hint of an exercise.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hint {
    /// The check it helps with (1-based), or `None` for a general hint.
    pub check: Option<usize>,
    /// Its text.
    pub text: String,
    /// Its line in the lesson file (1-based).
    pub line: usize,
}

/// Whether `line` is a hint line (well formed or not), which readers of the
/// lesson never see.
pub fn is_hint_line(line: &str) -> bool {
    hint_rest(line).is_some()
}

/// What follows `> Hint` on a hint line: `:` or a `[N]:` tag.
fn hint_rest(line: &str) -> Option<&str> {
    let rest = line.trim_start().strip_prefix("> Hint")?.trim_start();
    (rest.starts_with(':') || rest.starts_with('[')).then_some(rest)
}

/// Parses a hint line: `None` when it is not one, else its tag and text, or
/// what is wrong with its tag.
pub fn parse_line(line: &str) -> Option<Result<(Option<usize>, String), String>> {
    let rest = hint_rest(line)?;
    let Some(tagged) = rest.strip_prefix('[') else {
        let text = rest.strip_prefix(':').unwrap_or(rest);
        return Some(Ok((None, text.trim().to_string())));
    };
    let Some((tag, text)) = tagged.split_once(']') else {
        return Some(Err(
            "a hint tag needs its closing `]`: write `> Hint [N]: TEXT`".to_string(),
        ));
    };
    let Some(text) = text.trim_start().strip_prefix(':') else {
        return Some(Err(
            "a hint tag is followed by `:`: write `> Hint [N]: TEXT`".to_string(),
        ));
    };
    Some(match tag.trim().parse::<usize>() {
        Ok(n) if n > 0 => Ok((Some(n), text.trim().to_string())),
        _ => Err(format!(
            "hint tag `[{tag}]` is not a check number: write `> Hint [N]: TEXT` with N from 1, \
             the exercise's check lines counted in order"
        )),
    })
}

/// The hint to reveal next, as an index into `hints`: the first not yet
/// `revealed` that helps with the `failing` check, else the next general
/// hint, else the next hint for another check, so that every hint is
/// reached in the end. `None` when all are revealed.
pub fn next_hint(hints: &[Hint], revealed: &[usize], failing: Option<usize>) -> Option<usize> {
    let hidden = |i: &usize| !revealed.contains(i);
    let first = |wanted: &dyn Fn(&Hint) -> bool| {
        (0..hints.len()).filter(hidden).find(|&i| wanted(&hints[i]))
    };
    failing
        .and_then(|n| first(&|h| h.check == Some(n)))
        .or_else(|| first(&|h| h.check.is_none()))
        .or_else(|| first(&|_| true))
}

/// Which hints of one exercise the learner has seen, and the check that
/// failed first at the last check, which picks the next hint.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HintState {
    /// Indices of the hints revealed, in the order they were.
    pub revealed: Vec<usize>,
    /// The first failing check (1-based) of the last check, if it failed.
    pub failing: Option<usize>,
}

impl HintState {
    /// Reveals the next hint of `hints` (see [`next_hint`]):
    /// `hint 2 of 3, for check 2: TEXT`; once all are shown, says so and
    /// what to do `then` (the front end knows what it offers).
    ///
    /// # Errors
    /// The exercise has no hints.
    pub fn reveal(&mut self, hints: &[Hint], then: &str) -> Result<String, String> {
        let Some(i) = next_hint(hints, &self.revealed, self.failing) else {
            return if hints.is_empty() {
                Err("this exercise has no hints".to_string())
            } else {
                Ok(format!(
                    "every hint is shown ({0} of {0}): {then}",
                    hints.len()
                ))
            };
        };
        self.revealed.push(i);
        let hint = &hints[i];
        let for_check = hint
            .check
            .map(|n| format!(", for check {n}"))
            .unwrap_or_default();
        Ok(format!(
            "hint {} of {}{for_check}: {}",
            self.revealed.len(),
            hints.len(),
            hint.text
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hint(check: Option<usize>, text: &str) -> Hint {
        Hint {
            check,
            text: text.into(),
            line: 1,
        }
    }

    #[test]
    fn hint_lines_are_general_or_tagged_and_bad_tags_say_why() {
        assert_eq!(parse_line("> Hint: add"), Some(Ok((None, "add".into()))));
        assert_eq!(
            parse_line("  > Hint [2]: the second"),
            Some(Ok((Some(2), "the second".into())))
        );
        assert_eq!(parse_line("> Hint[3]:x"), Some(Ok((Some(3), "x".into()))));
        assert_eq!(parse_line("> Hints are below"), None);
        assert_eq!(parse_line("Hint: no quote mark"), None);
        for (line, says) in [
            ("> Hint [x]: t", "`[x]` is not a check number"),
            ("> Hint [0]: t", "`[0]` is not a check number"),
            ("> Hint [2: t", "closing `]`"),
            ("> Hint [2] t", "followed by `:`"),
        ] {
            match parse_line(line) {
                Some(Err(message)) => assert!(message.contains(says), "{line}: {message}"),
                other => panic!("{line}: {other:?}"),
            }
            assert!(is_hint_line(line), "{line}");
        }
    }

    #[test]
    fn the_failing_check_picks_its_hint_then_general_hints_then_the_rest() {
        let hints = [
            hint(None, "general 1"),
            hint(Some(2), "for 2, first"),
            hint(None, "general 2"),
            hint(Some(2), "for 2, second"),
            hint(Some(1), "for 1"),
        ];
        let mut revealed = Vec::new();
        let mut order = Vec::new();
        while let Some(i) = next_hint(&hints, &revealed, Some(2)) {
            revealed.push(i);
            order.push(hints[i].text.as_str());
        }
        assert_eq!(
            order,
            [
                "for 2, first",
                "for 2, second",
                "general 1",
                "general 2",
                "for 1"
            ]
        );
        // Without a failed check, general hints come first, in order.
        assert_eq!(next_hint(&hints, &[], None), Some(0));
        assert_eq!(next_hint(&hints, &[0], None), Some(2));
        assert_eq!(next_hint(&hints, &[0, 2], None), Some(1));
        // A failing check without hints of its own gets the general ones.
        assert_eq!(next_hint(&hints, &[], Some(3)), Some(0));
        assert_eq!(next_hint(&[], &[], Some(1)), None);
    }

    #[test]
    fn revealing_says_which_hint_for_which_check_and_when_all_are_shown() {
        let hints = [hint(None, "nudge"), hint(Some(2), "the loop bound")];
        let mut state = HintState {
            failing: Some(2),
            ..HintState::default()
        };
        assert_eq!(
            state.reveal(&hints, ":solution shows an answer"),
            Ok("hint 1 of 2, for check 2: the loop bound".into())
        );
        assert_eq!(
            state.reveal(&hints, ":solution shows an answer"),
            Ok("hint 2 of 2: nudge".into())
        );
        assert_eq!(
            state.reveal(&hints, ":solution shows an answer"),
            Ok("every hint is shown (2 of 2): :solution shows an answer".into())
        );
        assert_eq!(
            HintState::default().reveal(&[], ""),
            Err("this exercise has no hints".into())
        );
    }
}
