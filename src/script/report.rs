//! Counting a script's directives: passed, failed, skipped, and of the
//! modules an assertion expects rejected, how many were rejected and how
//! many with the expected message.

use super::outcome::{Directive, Failure, Held, Outcome};
use std::fmt;

/// What running one script did, directive by directive.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Report {
    /// Every directive run, in order.
    pub directives: Vec<Directive>,
}

impl Report {
    /// Directives that did what the script expects.
    pub fn passed(&self) -> usize {
        self.directives
            .iter()
            .filter(|d| matches!(&d.result, Ok(o) if !matches!(o, Outcome::Skipped(_))))
            .count()
    }

    /// Directives that did not, with why.
    pub fn failures(&self) -> impl Iterator<Item = (&Directive, &Failure)> {
        self.directives
            .iter()
            .filter_map(|d| d.result.as_ref().err().map(|f| (d, f)))
    }

    /// Directives not run, with why.
    pub fn skips(&self) -> impl Iterator<Item = (&Directive, &str)> {
        self.directives.iter().filter_map(|d| match &d.result {
            Ok(Outcome::Skipped(reason)) => Some((d, reason.as_str())),
            _ => None,
        })
    }

    /// `assert_invalid`, `assert_malformed` and `assert_unlinkable` directives.
    pub fn rejections_expected(&self) -> usize {
        self.directives
            .iter()
            .filter(|d| {
                matches!(
                    d.keyword,
                    "assert_invalid" | "assert_malformed" | "assert_unlinkable"
                )
            })
            .count()
    }

    /// Modules rejected as an assertion expected, for whatever reason.
    pub fn rejected(&self) -> usize {
        self.rejections().count()
    }

    /// Modules rejected with the message the script expects.
    pub fn message_matches(&self) -> usize {
        self.rejections().filter(|r| r.message_matches()).count()
    }

    /// Rejections whose message is not the expected one, with their directive.
    pub fn message_mismatches(&self) -> impl Iterator<Item = (&Directive, &super::Rejection)> {
        self.directives.iter().filter_map(|d| match &d.result {
            Ok(Outcome::Held(Held::Rejected(r))) if !r.message_matches() => Some((d, r)),
            _ => None,
        })
    }

    fn rejections(&self) -> impl Iterator<Item = &super::Rejection> {
        self.directives.iter().filter_map(|d| match &d.result {
            Ok(Outcome::Held(Held::Rejected(r))) => Some(r),
            _ => None,
        })
    }
}

/// Adds up the counts of several reports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    /// Directives that passed.
    pub passed: usize,
    /// Directives that failed.
    pub failed: usize,
    /// Directives not run.
    pub skipped: usize,
    /// Directives expecting a module to be rejected.
    pub rejections_expected: usize,
    /// Modules rejected as expected.
    pub rejected: usize,
    /// Of those, rejected with the expected message.
    pub message_matches: usize,
}

impl Totals {
    /// The counts of one report.
    pub fn of(report: &Report) -> Totals {
        Totals {
            passed: report.passed(),
            failed: report.failures().count(),
            skipped: report.skips().count(),
            rejections_expected: report.rejections_expected(),
            rejected: report.rejected(),
            message_matches: report.message_matches(),
        }
    }

    /// Adds `other`'s counts to these.
    pub fn add(&mut self, other: Totals) {
        self.passed += other.passed;
        self.failed += other.failed;
        self.skipped += other.skipped;
        self.rejections_expected += other.rejections_expected;
        self.rejected += other.rejected;
        self.message_matches += other.message_matches;
    }
}

/// Writes `N passed, N failed` plus `, N skipped` when any were, and the
/// rejection figures when the script expects any module rejected.
impl fmt::Display for Totals {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} passed, {} failed", self.passed, self.failed)?;
        if self.skipped > 0 {
            write!(f, ", {} skipped", self.skipped)?;
        }
        if self.rejections_expected > 0 {
            write!(
                f,
                "; {} of {} modules rejected, {} with the expected message",
                self.rejected, self.rejections_expected, self.message_matches
            )?;
        }
        Ok(())
    }
}
