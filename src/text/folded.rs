//! Advice for folded instructions whose operands do not all reach them.
//!
//! In the text format `(op a b c)` is `a b c op` (spec, text format,
//! "Folded Instructions"), so `(call $add (i32.const 1) (i32.const 2)
//! (i32.const 3))` is legal: it pushes 1, 2 and 3, the call takes 2 and 3,
//! and 1 stays on the stack below the result. Likewise `i32.const 9 (call
//! $add (i32.const 1) (i32.const 2))` leaves 9 under the result. Legal input
//! runs as written; this module only finds such values, so that the session
//! can say which ones are extra and why.
//!
//! ```text
//! validator heights per operator + the input's parentheses ──▶ notes
//! ```

use super::body_check::Taken;
use super::lex::{TokenKind, tokens};

/// One operator of an input, as validating it saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpSite {
    /// Byte offset of its keyword in the input; `None` for code watlab
    /// generated around the input.
    pub offset: Option<usize>,
    /// Operand stack height before it.
    pub before: usize,
    /// Operand stack height after it.
    pub after: usize,
    /// What it takes, when known (asked for folded heads only).
    pub taken: Option<Taken>,
}

/// Whether the keyword at `offset` of `code` heads a folded form `(op ...)`.
pub fn is_folded_head(code: &str, offset: usize) -> bool {
    code.get(..offset)
        .is_some_and(|before| before.trim_end().ends_with('('))
}

/// Notes for the folded forms of `code` that leave operands on the stack:
/// a form given more operands than its instruction takes, and values an
/// input pushes before a final folded form that takes none of them.
/// `ops` are the function's operators in order; the stack held `start`
/// values before the input.
pub fn extra_operand_notes(code: &str, ops: &[OpSite], start: usize) -> Vec<String> {
    let forms = Forms::new(code, ops);
    let last = ops.iter().rposition(|op| op.offset.is_some());
    let mut notes = Vec::new();
    for (j, op) in ops.iter().enumerate() {
        let (Some(offset), Some(taken)) = (op.offset, &op.taken) else {
            continue;
        };
        let Some(k) = forms.head(code, offset) else {
            continue;
        };
        let form = &forms.forms[k];
        let children = forms.children(k, ops);
        let Some(first) = children.first().map(|c| c.first) else {
            continue;
        };
        let given = op.before.saturating_sub(ops[first].before);
        let head = head_text(code, form, &children);
        let kind = if taken.title.contains("call") {
            "call"
        } else {
            "instruction"
        };
        let under = below_result(op, taken);
        if given > taken.count {
            let extra = given - taken.count;
            let mut named = Vec::new();
            let mut reached = 0;
            for child in &children {
                if reached >= extra {
                    break;
                }
                reached += child.values;
                named.push(short(&code[child.range.clone()]));
            }
            let values = if extra == 1 {
                "the value of the first".to_string()
            } else {
                format!("the values of the first {extra}")
            };
            let (verb, what) = if named.len() == 1 {
                ("is", "an argument")
            } else {
                ("are", "arguments")
            };
            let takes = match taken.count {
                0 => "none of its operands".to_string(),
                1 => "only its last operand".to_string(),
                n => format!("only its last {n} operands"),
            };
            notes.push(format!(
                "note: {head} is given {given} operands, but {} takes {}{}\n  the extra {} {verb} not {what}: a folded {kind} takes {takes}, so {values} {} on the stack{under}",
                taken.title,
                taken.count,
                taken.detail,
                named.join(" "),
                if extra == 1 { "stays" } else { "stay" },
            ));
        } else if given == taken.count && given > 0 && Some(j) == last && form.enclosing.is_none() {
            let left = ops[first].before.saturating_sub(start);
            let prefix = code[..form.range.start].trim();
            if left > 0 && !prefix.is_empty() {
                let prefix = short(prefix);
                let values = if left == 1 { "value" } else { "values" };
                notes.push(format!(
                    "note: {prefix} is not an argument of {head}: a folded {kind} takes its operands from inside its parentheses, so the {values} of {prefix} {} on the stack{under}",
                    if left == 1 { "stays" } else { "stay" },
                ));
            }
        }
    }
    notes
}

/// ", below its result" when the instruction pushes something.
fn below_result(op: &OpSite, taken: &Taken) -> &'static str {
    match op
        .after
        .saturating_sub(op.before.saturating_sub(taken.count))
    {
        0 => "",
        1 => ", below its result",
        _ => ", below its results",
    }
}

/// A parenthesised form: its byte range and the index of the form around it.
#[derive(Clone, Debug)]
struct Form {
    range: std::ops::Range<usize>,
    enclosing: Option<usize>,
}

/// The forms of an input, with the operators inside each, found in time
/// linear in the input (a long pasted input stays quick).
struct Forms {
    /// Every form, in order of their `(`; an unclosed one ends with the text.
    forms: Vec<Form>,
    /// The forms directly inside each form, in order.
    kids: Vec<Vec<usize>>,
    /// The first and last operator inside each form (a form's operators
    /// are consecutive: `(op a b)` is encoded `a b op`).
    spans: Vec<Option<(usize, usize)>>,
}

impl Forms {
    fn new(code: &str, ops: &[OpSite]) -> Forms {
        let mut forms: Vec<Form> = Vec::new();
        let mut open: Vec<usize> = Vec::new();
        // The innermost form around each word, by the word's offset.
        let mut innermost = std::collections::HashMap::new();
        for token in tokens(code) {
            match (token.kind, &code[token.range.clone()]) {
                (TokenKind::Paren, "(") => {
                    forms.push(Form {
                        range: token.range.start..code.len(),
                        enclosing: open.last().copied(),
                    });
                    open.push(forms.len() - 1);
                }
                (TokenKind::Paren, ")") => {
                    if let Some(i) = open.pop() {
                        forms[i].range.end = token.range.end;
                    }
                }
                (TokenKind::Space | TokenKind::Comment | TokenKind::Paren, _) => {}
                _ => {
                    if let Some(&form) = open.last() {
                        innermost.insert(token.range.start, form);
                    }
                }
            }
        }
        let mut spans: Vec<Option<(usize, usize)>> = vec![None; forms.len()];
        let widen = |span: &mut Option<(usize, usize)>, (a, b): (usize, usize)| {
            *span = Some(span.map_or((a, b), |(x, y)| (x.min(a), y.max(b))));
        };
        for (i, op) in ops.iter().enumerate() {
            if let Some(&form) = op.offset.and_then(|o| innermost.get(&o)) {
                widen(&mut spans[form], (i, i));
            }
        }
        let mut kids = vec![Vec::new(); forms.len()];
        // A form comes after the form around it: children first.
        for k in (0..forms.len()).rev() {
            if let Some(parent) = forms[k].enclosing {
                kids[parent].push(k);
                if let Some(span) = spans[k] {
                    widen(&mut spans[parent], span);
                }
            }
        }
        for list in &mut kids {
            list.reverse();
        }
        Forms { forms, kids, spans }
    }

    /// The form whose `(` comes right before the keyword at `offset`.
    fn head(&self, code: &str, offset: usize) -> Option<usize> {
        let paren = code.get(..offset)?.trim_end().len().checked_sub(1)?;
        self.forms
            .binary_search_by_key(&paren, |f| f.range.start)
            .ok()
    }

    /// The forms directly inside form `k` that hold operators, in order.
    fn children(&self, k: usize, ops: &[OpSite]) -> Vec<Child> {
        self.kids[k]
            .iter()
            .filter_map(|&kid| {
                let (first, last) = self.spans[kid]?;
                Some(Child {
                    range: self.forms[kid].range.clone(),
                    first,
                    values: ops[last].after.saturating_sub(ops[first].before),
                })
            })
            .collect()
    }
}

/// A direct child form holding operators: its range, its first operator
/// and how many values it leaves.
struct Child {
    range: std::ops::Range<usize>,
    first: usize,
    values: usize,
}

/// `(call $add ...)`: the form's keyword and immediates, its operands elided.
fn head_text(code: &str, form: &Form, children: &[Child]) -> String {
    let end = children.first().map_or(form.range.end, |c| c.range.start);
    format!("{} ...)", squeeze(&code[form.range.start..end]))
}

/// The text on one line, shortened when long.
fn short(text: &str) -> String {
    super::shorten::shortened(text, 40)
}

/// Runs of white space as one space, ends trimmed.
fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sites for `code` given each operator's keyword, height change and
    /// what it takes (heights start at `start`).
    fn sites(code: &str, ops: &[(&str, isize, Option<usize>)], start: usize) -> Vec<OpSite> {
        let mut height = start;
        let mut used = Vec::new();
        ops.iter()
            .map(|&(word, change, takes)| {
                // Operands are encoded before their folded head: the first
                // unused occurrence of the keyword is the operator's.
                let (offset, _) = code
                    .match_indices(word)
                    .find(|(at, _)| !used.contains(at))
                    .expect("the keyword is there");
                used.push(offset);
                let before = height;
                height = height.saturating_add_signed(change);
                OpSite {
                    offset: Some(offset),
                    before,
                    after: height,
                    taken: takes.map(|count| Taken {
                        count,
                        title: word.to_string(),
                        detail: String::new(),
                    }),
                }
            })
            .collect()
    }

    #[test]
    fn a_folded_call_given_one_operand_too_many_names_it() {
        let code = "(call $add (i32.const 1) (i32.const 2) (i32.const 3))";
        let ops = sites(
            code,
            &[
                ("i32.const 1", 1, None),
                ("i32.const 2", 1, None),
                ("i32.const 3", 1, None),
                ("call", -1, Some(2)),
            ],
            0,
        );
        assert_eq!(
            extra_operand_notes(code, &ops, 0),
            [
                "note: (call $add ...) is given 3 operands, but call takes 2\n  the extra (i32.const 1) is not an argument: a folded call takes only its last 2 operands, so the value of the first stays on the stack, below its result"
            ]
        );
    }

    #[test]
    fn a_value_pushed_before_a_complete_folded_call_is_named() {
        let code = "i32.const 9 (call $add (i32.const 1) (i32.const 2))";
        let ops = sites(
            code,
            &[
                ("i32.const 9", 1, None),
                ("i32.const 1", 1, None),
                ("i32.const 2", 1, None),
                ("call", -1, Some(2)),
            ],
            4,
        );
        assert_eq!(
            extra_operand_notes(code, &ops, 4),
            [
                "note: i32.const 9 is not an argument of (call $add ...): a folded call takes its operands from inside its parentheses, so the value of i32.const 9 stays on the stack, below its result"
            ]
        );
    }

    #[test]
    fn exact_operands_values_used_later_and_stack_operands_are_no_news() {
        let exact = "(i32.add (i32.const 1) (i32.const 2))";
        let ops = sites(
            exact,
            &[
                ("i32.const 1", 1, None),
                ("i32.const 2", 1, None),
                ("i32.add", -1, Some(2)),
            ],
            0,
        );
        assert!(extra_operand_notes(exact, &ops, 0).is_empty());
        let used = "i32.const 9 (i32.add (i32.const 1) (i32.const 2)) i32.add";
        let ops = sites(
            used,
            &[
                ("i32.const 9", 1, None),
                ("i32.const 1", 1, None),
                ("i32.const 2", 1, None),
                ("i32.add", -1, Some(2)),
                ("i32.add", -1, Some(2)),
            ],
            0,
        );
        assert!(extra_operand_notes(used, &ops, 0).is_empty());
        let partly = "i32.const 9 (i32.add (i32.const 1))";
        let ops = sites(
            partly,
            &[
                ("i32.const 9", 1, None),
                ("i32.const 1", 1, None),
                ("i32.add", -1, Some(2)),
            ],
            0,
        );
        assert!(extra_operand_notes(partly, &ops, 0).is_empty());
    }

    #[test]
    fn two_extra_operands_and_a_result_less_instruction() {
        let code = "(drop\n  (i32.const 1)\n  (i32.const 2)\n  (i32.const 3))";
        let ops = sites(
            code,
            &[
                ("i32.const 1", 1, None),
                ("i32.const 2", 1, None),
                ("i32.const 3", 1, None),
                ("drop", -1, Some(1)),
            ],
            0,
        );
        assert_eq!(
            extra_operand_notes(code, &ops, 0),
            [
                "note: (drop ...) is given 3 operands, but drop takes 1\n  the extra (i32.const 1) (i32.const 2) are not arguments: a folded instruction takes only its last operand, so the values of the first 2 stay on the stack"
            ]
        );
    }
}
