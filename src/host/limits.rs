//! One limits parser for the memories and tables the host allocates (issue 9,
//! item 7): `:host memory` and `:host table` options and the descriptors of
//! `new WebAssembly.Memory({...})` / `new WebAssembly.Table({...})` all pass
//! through [`check`], so both kinds get the same validation, worded as the
//! JavaScript API words it (`WebAssembly.Memory(): Property 'initial' is required`).

use crate::vm::ValType;
use crate::vm::types::{Limits, MemoryType, TableType};
use std::fmt;
use std::ops::Range;

/// Which host object the limits are for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sized {
    /// `WebAssembly.Memory`, sized in 64 KiB pages.
    Memory,
    /// `WebAssembly.Table`, sized in elements.
    Table,
}

impl Sized {
    /// The JavaScript constructor, as error messages name it.
    pub fn constructor(self) -> &'static str {
        match self {
            Sized::Memory => "WebAssembly.Memory()",
            Sized::Table => "WebAssembly.Table()",
        }
    }

    /// The unit of its size.
    pub fn unit(self) -> &'static str {
        match self {
            Sized::Memory => "pages",
            Sized::Table => "elements",
        }
    }

    /// The options `:host memory` / `:host table` accept after the name.
    pub fn options(self) -> &'static str {
        match self {
            Sized::Memory => "initial=N, maximum=M and shared",
            Sized::Table => "initial=N, maximum=M and funcref or externref",
        }
    }
}

/// Why limits (or an option around them) are refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LimitsError {
    /// No initial size was given.
    MissingInitial(Sized),
    /// A size that is not a whole number in range (`maximum=lots`).
    NotACount {
        /// Memory or table.
        of: Sized,
        /// `initial` or `maximum`.
        option: &'static str,
        /// The value as written.
        value: String,
    },
    /// The maximum is below the initial size.
    MaximumBelowInitial {
        /// Memory or table.
        of: Sized,
        /// The initial size.
        initial: u32,
        /// The maximum given.
        maximum: u32,
    },
    /// A shared memory without a maximum.
    SharedWithoutMaximum,
    /// An option given twice (`initial=1 initial=2`, `funcref externref`).
    Repeated(String),
    /// A word that is not an option of this object.
    UnknownOption {
        /// Memory or table.
        of: Sized,
        /// The word as written.
        word: String,
    },
}

/// How the limits were written, so a hint shows the same syntax.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Written {
    /// `:host memory mem.pages initial=1`.
    Command,
    /// `new WebAssembly.Memory({ initial: 1 })`.
    JavaScript,
}

impl Written {
    /// `option` set to `value` in this syntax (`initial=1`, `initial: 1`).
    fn option(self, option: &str, value: &str) -> String {
        match self {
            Written::Command => format!("{option}={value}"),
            Written::JavaScript => format!("{option}: {value}"),
        }
    }
}

impl LimitsError {
    /// How to fix it, in the syntax it was `written` in.
    pub fn hint(&self, written: Written) -> Option<String> {
        let option = |option: &str, value: &str| written.option(option, value);
        match self {
            LimitsError::MissingInitial(of) => Some(format!(
                "give its initial size in {}, e.g. {}",
                of.unit(),
                option("initial", "1")
            )),
            LimitsError::NotACount {
                of, option: name, ..
            } => Some(format!(
                "write a whole number of {}, e.g. {}",
                of.unit(),
                option(name, "1")
            )),
            LimitsError::MaximumBelowInitial { of, initial, .. } => Some(format!(
                "it starts with {initial} {}, so maximum must be at least {initial}: {} or more",
                of.unit(),
                option("maximum", &initial.to_string())
            )),
            LimitsError::SharedWithoutMaximum => Some(format!(
                "threads may grow a shared memory concurrently, so its largest size must be fixed up front: add {}",
                option("maximum", "N")
            )),
            LimitsError::Repeated(option) => Some(format!("give {option} once")),
            LimitsError::UnknownOption { of, .. } => Some(format!("use {}", of.options())),
        }
    }
}

impl fmt::Display for LimitsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LimitsError::MissingInitial(of) => write!(
                f,
                "TypeError: {}: Property 'initial' is required",
                of.constructor()
            ),
            LimitsError::NotACount { of, option, value } => write!(
                f,
                "TypeError: {}: {option} must be a whole number of {}, not {value}",
                of.constructor(),
                of.unit()
            ),
            LimitsError::MaximumBelowInitial { of, .. } => write!(
                f,
                "RangeError: {}: maximum is smaller than initial",
                of.constructor()
            ),
            LimitsError::SharedWithoutMaximum => {
                f.write_str("TypeError: WebAssembly.Memory(): a shared memory needs a maximum")
            }
            LimitsError::Repeated(option) => write!(f, "{option} is given twice"),
            LimitsError::UnknownOption { of, word } => {
                write!(f, "{word} is not an option of {}", of.constructor())
            }
        }
    }
}

impl std::error::Error for LimitsError {}

/// The validation every host memory and table goes through.
///
/// # Errors
/// No initial size, a maximum below it, or (memories) shared without a maximum.
pub fn check(
    of: Sized,
    initial: Option<u32>,
    maximum: Option<u32>,
    shared: bool,
) -> Result<Limits, LimitsError> {
    let initial = initial.ok_or(LimitsError::MissingInitial(of))?;
    if shared && maximum.is_none() {
        return Err(LimitsError::SharedWithoutMaximum);
    }
    if let Some(maximum) = maximum.filter(|&m| m < initial) {
        return Err(LimitsError::MaximumBelowInitial {
            of,
            initial,
            maximum,
        });
    }
    Ok(Limits {
        min: initial.into(),
        max: maximum.map(u64::from),
    })
}

/// A size given as a JavaScript Number (`{ initial: 1 }`), as a count.
///
/// # Errors
/// Not a whole number from 0 to 2^32-1; `shown` is how the value reads.
pub fn count(
    of: Sized,
    option: &'static str,
    number: f64,
    shown: &str,
) -> Result<u32, LimitsError> {
    if number >= 0.0 && number.fract() == 0.0 && number <= u32::MAX as f64 {
        Ok(number as u32)
    } else {
        Err(LimitsError::NotACount {
            of,
            option,
            value: shown.to_string(),
        })
    }
}

/// A word of a command and where it starts in the command's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Word<'a> {
    /// The word.
    pub text: &'a str,
    /// Its byte offset in the command's text.
    pub at: usize,
}

impl Word<'_> {
    /// The word's byte range in the command's text.
    pub fn span(&self) -> Range<usize> {
        self.at..self.at + self.text.len()
    }
}

/// A [`LimitsError`] and the byte range of the word it is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OptionError {
    /// What is wrong.
    pub error: LimitsError,
    /// Where, in the command's text.
    pub span: Range<usize>,
}

/// `initial=N maximum=M shared` (the words after `:host memory NAME`).
/// `end` is where the command ends, for errors about what is missing.
///
/// # Errors
/// The first bad option, or the limits [`check`] refuses.
pub fn memory_options(words: &[Word<'_>], end: usize) -> Result<MemoryType, OptionError> {
    let options = options(Sized::Memory, words, &[("shared", &["shared"])])?;
    let shared = options.flag("shared");
    let limits = options.check(Sized::Memory, shared, end)?;
    Ok(MemoryType {
        limits,
        shared: shared.is_some(),
        ..MemoryType::default()
    })
}

/// `initial=N maximum=M funcref|externref` (the words after `:host table NAME`);
/// the elements are `funcref` unless `externref` is given.
///
/// # Errors
/// The first bad option, or the limits [`check`] refuses.
pub fn table_options(words: &[Word<'_>], end: usize) -> Result<TableType, OptionError> {
    const ELEMENT: &[&str] = &["funcref", "anyfunc", "externref"];
    let options = options(Sized::Table, words, &[("the element type", ELEMENT)])?;
    let elem = match options.flag("the element type") {
        Some(word) if word.text == "externref" => ValType::ExternRef,
        _ => ValType::FuncRef,
    };
    let limits = options.check(Sized::Table, None, end)?;
    Ok(TableType {
        elem,
        limits,
        table64: false,
    })
}

/// The options as read, before [`check`].
struct Options<'a> {
    initial: Option<(u32, Range<usize>)>,
    maximum: Option<(u32, Range<usize>)>,
    /// Flags by group name (`shared`, `the element type`).
    flags: Vec<(&'static str, Word<'a>)>,
}

impl<'a> Options<'a> {
    fn flag(&self, group: &str) -> Option<&Word<'a>> {
        self.flags.iter().find(|(g, _)| *g == group).map(|(_, w)| w)
    }

    /// [`check`], with each error placed at the word it is about.
    fn check(
        &self,
        of: Sized,
        shared: Option<&Word<'_>>,
        end: usize,
    ) -> Result<Limits, OptionError> {
        let value = |o: &Option<(u32, Range<usize>)>| o.as_ref().map(|(n, _)| *n);
        check(
            of,
            value(&self.initial),
            value(&self.maximum),
            shared.is_some(),
        )
        .map_err(|error| {
            let span = match (&error, &self.maximum, shared) {
                (LimitsError::MaximumBelowInitial { .. }, Some((_, span)), _) => span.clone(),
                (LimitsError::SharedWithoutMaximum, _, Some(word)) => word.span(),
                _ => end..end,
            };
            OptionError { error, span }
        })
    }
}

/// Reads `initial=N`, `maximum=M` and the flags of `groups`, refusing anything else.
fn options<'a>(
    of: Sized,
    words: &[Word<'a>],
    groups: &[(&'static str, &[&str])],
) -> Result<Options<'a>, OptionError> {
    let mut options = Options {
        initial: None,
        maximum: None,
        flags: Vec::new(),
    };
    for word in words {
        let at = |error| OptionError {
            error,
            span: word.span(),
        };
        if let Some((name, value)) = word.text.split_once('=') {
            let (option, slot) = match name {
                "initial" => ("initial", &mut options.initial),
                "maximum" => ("maximum", &mut options.maximum),
                _ => {
                    return Err(at(LimitsError::UnknownOption {
                        of,
                        word: word.text.to_string(),
                    }));
                }
            };
            let n = value.parse::<u32>().map_err(|_| {
                at(LimitsError::NotACount {
                    of,
                    option,
                    value: value.to_string(),
                })
            })?;
            if slot.is_some() {
                return Err(at(LimitsError::Repeated(option.to_string())));
            }
            *slot = Some((n, word.span()));
            continue;
        }
        let Some((group, _)) = groups.iter().find(|(_, words)| words.contains(&word.text)) else {
            return Err(at(LimitsError::UnknownOption {
                of,
                word: word.text.to_string(),
            }));
        };
        if options.flag(group).is_some() {
            return Err(at(LimitsError::Repeated(group.to_string())));
        }
        options.flags.push((group, *word));
    }
    Ok(options)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Splits `text` into words at single spaces.
    fn words(text: &str) -> Vec<Word<'_>> {
        let mut at = 0;
        text.split(' ')
            .map(|w| {
                let word = Word { text: w, at };
                at += w.len() + 1;
                word
            })
            .filter(|w| !w.text.is_empty())
            .collect()
    }

    /// The error for `text` as (message, the text it points at).
    fn memory_error(text: &str) -> (String, &str) {
        let e = memory_options(&words(text), text.len()).expect_err(text);
        (e.error.to_string(), &text[e.span])
    }

    fn table_error(text: &str) -> (String, &str) {
        let e = table_options(&words(text), text.len()).expect_err(text);
        (e.error.to_string(), &text[e.span])
    }

    #[test]
    fn accepted_limits() {
        let ty = memory_options(&words("initial=1 maximum=20 shared"), 27).expect("valid");
        assert_eq!(
            ty,
            MemoryType {
                limits: Limits {
                    min: 1,
                    max: Some(20)
                },
                shared: true,
                ..MemoryType::default()
            }
        );
        let ty = table_options(&words("externref initial=2"), 19).expect("valid");
        assert_eq!(ty.elem, ValType::ExternRef);
        assert_eq!(ty.limits, Limits { min: 2, max: None });
        let ty = table_options(&words("initial=2 maximum=2"), 19).expect("valid");
        assert_eq!(ty.elem, ValType::FuncRef);
        assert_eq!(ty.limits.max, Some(2));
    }

    #[test]
    fn every_error_with_its_place() {
        assert_eq!(
            memory_error("maximum=2"),
            (
                "TypeError: WebAssembly.Memory(): Property 'initial' is required".into(),
                ""
            )
        );
        assert_eq!(
            memory_error("initial=1 maximum=lots"),
            (
                "TypeError: WebAssembly.Memory(): maximum must be a whole number of pages, not lots"
                    .into(),
                "maximum=lots"
            )
        );
        assert_eq!(
            memory_error("initial=-1"),
            (
                "TypeError: WebAssembly.Memory(): initial must be a whole number of pages, not -1"
                    .into(),
                "initial=-1"
            )
        );
        assert_eq!(
            memory_error("initial=3 maximum=2"),
            (
                "RangeError: WebAssembly.Memory(): maximum is smaller than initial".into(),
                "maximum=2"
            )
        );
        assert_eq!(
            memory_error("initial=1 shared"),
            (
                "TypeError: WebAssembly.Memory(): a shared memory needs a maximum".into(),
                "shared"
            )
        );
        assert_eq!(
            memory_error("initial=1 initial=2"),
            ("initial is given twice".into(), "initial=2")
        );
        assert_eq!(
            memory_error("initial=1 minimum=0"),
            (
                "minimum=0 is not an option of WebAssembly.Memory()".into(),
                "minimum=0"
            )
        );
        assert_eq!(
            memory_error("initial=1 externref"),
            (
                "externref is not an option of WebAssembly.Memory()".into(),
                "externref"
            )
        );
    }

    #[test]
    fn tables_get_the_same_validation() {
        assert_eq!(
            table_error("initial=5 maximum=2"),
            (
                "RangeError: WebAssembly.Table(): maximum is smaller than initial".into(),
                "maximum=2"
            )
        );
        assert_eq!(
            table_error("initial=1 maximum=lots"),
            (
                "TypeError: WebAssembly.Table(): maximum must be a whole number of elements, not lots"
                    .into(),
                "maximum=lots"
            )
        );
        assert_eq!(
            table_error("maximum=1"),
            (
                "TypeError: WebAssembly.Table(): Property 'initial' is required".into(),
                ""
            )
        );
        assert_eq!(
            table_error("initial=1 shared"),
            (
                "shared is not an option of WebAssembly.Table()".into(),
                "shared"
            )
        );
        assert_eq!(
            table_error("initial=1 funcref externref"),
            ("the element type is given twice".into(), "externref")
        );
    }

    #[test]
    fn hints_use_the_syntax_the_limits_were_written_in() {
        let e = LimitsError::SharedWithoutMaximum;
        assert!(
            e.hint(Written::Command)
                .is_some_and(|h| h.ends_with("add maximum=N"))
        );
        assert!(
            e.hint(Written::JavaScript)
                .is_some_and(|h| h.ends_with("add maximum: N"))
        );
        let e = LimitsError::MaximumBelowInitial {
            of: Sized::Table,
            initial: 5,
            maximum: 2,
        };
        assert_eq!(
            e.hint(Written::Command).as_deref(),
            Some("it starts with 5 elements, so maximum must be at least 5: maximum=5 or more")
        );
    }

    #[test]
    fn counts_from_javascript_numbers() {
        assert_eq!(count(Sized::Memory, "initial", 2.0, "2"), Ok(2));
        assert_eq!(
            count(Sized::Memory, "initial", 4294967295.0, "x"),
            Ok(u32::MAX)
        );
        for bad in [1.5, -1.0, f64::NAN, 4294967296.0] {
            assert!(count(Sized::Table, "maximum", bad, "x").is_err(), "{bad}");
        }
    }
}
