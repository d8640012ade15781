//! Hit counts and log points, both computed from the recording: `hits`
//! counts how often each instruction ran in the recorded steps, and
//! `log LINE "text" $i` prints its message for every past pass over the
//! line (re-executing the recording) and then for every future one, as if
//! it had always been there.

use crate::session::{Reply, Session, SessionError};
use crate::vm::FuncAddr;
use std::collections::BTreeMap;

/// A piece of a log message.
#[derive(Clone, Debug, PartialEq)]
enum Part {
    /// Text printed as written (it was quoted).
    Text(String),
    /// A place read at each pass, as `p` reads it (`$i`, `i32[0x40]`, `[0]`).
    Place(String),
}

/// A log point: the instruction it sits before and its message.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct LogPoint {
    func: FuncAddr,
    offset: usize,
    parts: Vec<Part>,
}

/// Splits `"i=" $i " s=" $s` into quoted text and places.
fn parse_parts(text: &str) -> Result<Vec<Part>, SessionError> {
    let mut parts = Vec::new();
    let mut rest = text.trim_start();
    while !rest.is_empty() {
        if let Some(quoted) = rest.strip_prefix('"') {
            let end = quoted
                .find('"')
                .ok_or_else(|| SessionError::usage(format!("the text {rest} has no closing \"")))?;
            parts.push(Part::Text(quoted[..end].to_string()));
            rest = quoted[end + 1..].trim_start();
        } else {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            parts.push(Part::Place(rest[..end].to_string()));
            rest = rest[end..].trim_start();
        }
    }
    if parts.is_empty() {
        return Err(SessionError::usage(
            "log LINE needs a message: quoted text and places, e.g. log 12 \"i=\" $i",
        ));
    }
    Ok(parts)
}

impl Session {
    /// `log LINE|$func:LINE "text" PLACE...`: a log point before the first
    /// instruction on that line; prints its message for every pass over it
    /// in the recording so far, then at every future pass.
    ///
    /// # Errors
    /// A usage error for a bad line or message.
    pub fn add_log_point(&mut self, args: &str) -> Result<Vec<Reply>, SessionError> {
        let usage = || {
            SessionError::usage(
                "usage: log LINE \"text\" PLACE..., e.g. log 3 \"i=\" $i (LINE of the text paused in, or $func:LINE)",
            )
        };
        let args = args.trim();
        let (at, message) = args.split_once(char::is_whitespace).ok_or_else(usage)?;
        let parts = parse_parts(message)?;
        let (func, line) = match at.rsplit_once(':') {
            Some((name, line)) => (Some(name), line),
            None => (None, at),
        };
        let line: usize = line.parse().map_err(|_| usage())?;
        let site = self.line_site(func, line)?;
        let offset = site.offset;
        let func = match (func, site.func) {
            (Some(name), _) => self.session_func(name)?,
            (None, Some(func)) => func,
            (None, None) => self
                .debugger
                .as_ref()
                .and_then(|d| d.execution.position(&self.store))
                .map(|(f, _)| f)
                .ok_or_else(usage)?,
        };
        let point = LogPoint {
            func,
            offset,
            parts,
        };
        let mut lines = Vec::new();
        self.visit_past(|s, step| {
            lines.extend(s.log_line(&point, step));
        })?;
        let number = match self.debugger.as_mut() {
            Some(d) => {
                d.logs.push(point);
                d.logs.len()
            }
            None => return Err(usage()),
        };
        let mut replies = vec![Reply::Note(format!(
            "log point {number} at {at}: {} pass{} so far in the recording, and every future one",
            lines.len(),
            if lines.len() == 1 { "" } else { "es" }
        ))];
        replies.extend(lines.into_iter().map(Reply::Note));
        Ok(replies)
    }

    /// The lines of the log points the paused program is at.
    pub(super) fn log_lines(&self) -> Vec<String> {
        let Some(d) = self.debugger.as_ref() else {
            return Vec::new();
        };
        d.logs
            .iter()
            .filter_map(|point| self.log_line(point, d.steps))
            .collect()
    }

    /// The message of `point` when the paused program is at it: "step 14: i=1".
    fn log_line(&self, point: &LogPoint, step: u64) -> Option<String> {
        let d = self.debugger.as_ref()?;
        if d.execution.position(&self.store) != Some((point.func, point.offset)) {
            return None;
        }
        let message: String = point
            .parts
            .iter()
            .map(|part| match part {
                Part::Text(text) => text.clone(),
                Part::Place(place) => match self.place_value(place) {
                    Ok(value @ crate::vm::Value::V128(_)) => self.value_named(value),
                    Ok(value) => self.value_bare(value),
                    Err(e) => format!("<{place}: {}>", e.message),
                },
            })
            .collect();
        Some(format!("log @ step {step}: {message}"))
    }

    /// `hits`: how often each instruction ran in the recorded steps, by
    /// place (function and line, byte offset), in code order.
    ///
    /// # Errors
    /// An internal error if the recording cannot be retraced.
    pub fn hits(&mut self) -> Result<Vec<Reply>, SessionError> {
        let mut counts: BTreeMap<(u32, usize), u64> = BTreeMap::new();
        let mut first = None;
        let now = self.debugger.as_ref().map_or(0, |d| d.steps);
        self.visit_past(|s, step| {
            first.get_or_insert(step);
            if step < now
                && let Some((func, offset)) = s
                    .debugger
                    .as_ref()
                    .and_then(|d| d.execution.position(&s.store))
            {
                *counts.entry((func.0, offset)).or_default() += 1;
            }
        })?;
        let first = first.unwrap_or(now);
        if counts.is_empty() {
            return Ok(vec![Reply::Note(format!(
                "no instruction ran in the recorded steps (step {now})"
            ))]);
        }
        let mut replies = vec![Reply::Note(format!(
            "instructions run in steps {first}..{now}, how often, in code order:"
        ))];
        // As wide as the largest count, at least 8, so the columns line up.
        let width = counts
            .values()
            .max()
            .map_or(0, |n| n.to_string().len())
            .max(8);
        for ((func, offset), count) in counts {
            let func = FuncAddr(func);
            let instr = self
                .instruction_text(func, offset)
                .unwrap_or_else(|| "?".into());
            let place = self
                .debugger
                .as_deref()
                .and_then(|d| self.location_of(d, func, offset))
                .unwrap_or_default();
            replies.push(Reply::Note(format!(
                "{count:>width$}x  {place:<12} 0x{offset:04x}  {instr}"
            )));
        }
        Ok(replies)
    }
}

#[cfg(test)]
mod tests {
    use super::{Part, parse_parts};

    #[test]
    fn a_message_is_quoted_text_and_places() {
        assert_eq!(
            parse_parts("\"i=\" $i \" at \" i32[0x40]").unwrap(),
            [
                Part::Text("i=".into()),
                Part::Place("$i".into()),
                Part::Text(" at ".into()),
                Part::Place("i32[0x40]".into()),
            ]
        );
        assert!(parse_parts("\"open").is_err());
        assert!(parse_parts("  ").is_err());
    }
}
