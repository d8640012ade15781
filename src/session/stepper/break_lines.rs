//! Lines as breakpoints, `advance` and log points name them: the first
//! instruction written on line N of a function's text (of its file, for a
//! function `:load` read from one), or of the text paused in, and how such
//! a place is named back to the user (`f.wat:10 ($walk)`, `$fill:3`).

use crate::session::{Session, SessionError};
use crate::text::assemble::line_col;
use crate::vm::FuncAddr;
use crate::vm::module::Module;

/// Byte offsets of the instructions of defined function `defined` of a module.
pub(super) fn function_offsets(module: &[u8], defined: usize) -> Vec<usize> {
    let mut bodies =
        wasmparser::Parser::new(0)
            .parse_all(module)
            .filter_map(|payload| match payload {
                Ok(wasmparser::Payload::CodeSectionEntry(body)) => Some(body),
                _ => None,
            });
    let Some(body) = bodies.nth(defined) else {
        return Vec::new();
    };
    let Ok(mut ops) = body.get_operators_reader() else {
        return Vec::new();
    };
    let mut offsets = Vec::new();
    while !ops.eof() {
        match ops.read_with_offset() {
            Ok((_, at)) => offsets.push(at as usize),
            Err(_) => break,
        }
    }
    offsets
}

/// The index of the function named `name` (`$f`, `f` or `"export"`) in `module`.
pub(super) fn func_index_by_name(module: &Module, name: &str) -> Result<u32, SessionError> {
    let named = if name.starts_with(['$', '"']) {
        name.to_string()
    } else {
        format!("${name}")
    };
    crate::session::func_index_named(module, &named)
        .ok_or_else(|| SessionError::usage(format!("no function {name} in the session module")))
}

/// Where the first instruction on a line is.
pub(super) struct LineSite {
    /// Its byte offset in its module.
    pub offset: usize,
    /// The function it is in; `None` in the input being stepped.
    pub func: Option<FuncAddr>,
    /// How a breakpoint names that function so it is found again after a
    /// redefinition (`$walk`, `"avg"`); `None` when it has neither name.
    pub key: Option<String>,
}

/// A session function's instructions with the lines they are written on.
struct FuncLines {
    defined: usize,
    /// `$walk`, `"avg"` (unnamed, exported), or none.
    key: Option<String>,
    /// `$walk`, `func "avg"`, `func 3`.
    label: String,
    /// The file `:load` read it from, as shown.
    file: Option<String>,
    /// (byte offset, line), in encoding order.
    instrs: Vec<(usize, usize)>,
}

impl FuncLines {
    /// The line of its first written instruction.
    fn first_line(&self) -> Option<usize> {
        self.instrs.iter().map(|(_, line)| *line).min()
    }

    /// The text its lines count in: its file, or the function itself.
    fn text_name(&self) -> &str {
        self.file.as_deref().unwrap_or(&self.label)
    }
}

impl Session {
    /// The byte offset of the first instruction written on `line` (1-based)
    /// of function `func`'s text (of its file, when loaded from one), or of
    /// the text paused in.
    pub(super) fn line_offset(
        &self,
        func: Option<&str>,
        line: usize,
    ) -> Result<usize, SessionError> {
        self.line_site(func, line).map(|site| site.offset)
    }

    /// The first instruction written on `line` of function `func`'s text,
    /// or of the text paused in: the input, or the paused function's text;
    /// for a function loaded from a file, every function of that file.
    pub(super) fn line_site(
        &self,
        func: Option<&str>,
        line: usize,
    ) -> Result<LineSite, SessionError> {
        let module = self.session_instance().map(|(m, _)| m.clone());
        let candidates = match func {
            Some(name) => {
                let module = module
                    .as_ref()
                    .ok_or_else(|| SessionError::usage("the session has no functions"))?;
                let index = func_index_by_name(module, name)?;
                let defined = index
                    .checked_sub(module.imported_funcs)
                    .ok_or_else(|| SessionError::usage(format!("{name} is imported")))?;
                (self.func_lines(module, defined as usize, None))
                    .into_iter()
                    .collect()
            }
            None => match self.paused_lines(line)? {
                Ok(candidates) => candidates,
                Err(site) => return Ok(site),
            },
        };
        let found = candidates.iter().find_map(|c| {
            let (offset, _) = c.instrs.iter().find(|(_, l)| *l == line)?;
            Some((c, *offset))
        });
        match found {
            Some((c, offset)) => Ok(LineSite {
                offset,
                func: self.session_func_addr(c.defined),
                key: c.key.clone(),
            }),
            None => Err(no_instruction(line, &candidates)),
        }
    }

    /// For `b LINE` while paused: the functions whose text the line counts
    /// in, or (as `Err`) the site already found in the stepped input.
    fn paused_lines(&self, line: usize) -> Result<Result<Vec<FuncLines>, LineSite>, SessionError> {
        let d = self.debugger.as_ref().ok_or_else(|| {
            SessionError::usage("b LINE needs a pause to know which text; use b $func:LINE")
        })?;
        let elsewhere = || {
            SessionError::usage(format!(
                "line {line}: LINE counts in the session module's functions and in your input, \
                 not in the function paused in; use b 0xOFFSET (the byte shown at pauses)"
            ))
        };
        let top = d
            .execution
            .frame_views(&self.store)
            .pop()
            .ok_or_else(elsewhere)?;
        if d.is_fragment(top.func) {
            let prepared = &d.prepared;
            let offset = function_offsets(&prepared.bytes, 0)
                .iter()
                .zip(&prepared.spans)
                .find(|(_, span)| {
                    **span >= prepared.code_start
                        && line_col(&d.code, **span - prepared.code_start).0 + 1 == line
                })
                .map(|(o, _)| *o)
                .ok_or_else(|| {
                    SessionError::usage(format!("line {line} of your input has no instruction"))
                })?;
            return Ok(Err(LineSite {
                offset,
                func: None,
                key: None,
            }));
        }
        let (module, instance) = self.session_instance().ok_or_else(elsewhere)?;
        if top.instance != instance {
            return Err(elsewhere());
        }
        let defined = top
            .index
            .checked_sub(module.imported_funcs)
            .ok_or_else(elsewhere)? as usize;
        let field = |defined: usize| self.fields.get(self.sources.get(defined)?.first()?.0);
        let origin = field(defined).and_then(|f| f.origin.clone());
        // In a file, a line may be in any of the file's functions.
        let Some((shown, text, _)) = field(defined).and_then(|f| f.in_file()) else {
            let paused = self
                .func_lines(module, defined, None)
                .ok_or_else(elsewhere)?;
            return Ok(Ok(vec![paused]));
        };
        Ok(Ok((0..module.bodies.len())
            .filter(|f| field(*f).is_some_and(|f| f.origin == origin))
            .filter_map(|f| self.func_lines(module, f, Some((&shown, &text))))
            .collect()))
    }

    /// The store address of the session module's defined function `defined`.
    fn session_func_addr(&self, defined: usize) -> Option<FuncAddr> {
        let (module, instance) = self.session_instance()?;
        let index = module.imported_funcs as usize + defined;
        self.store.instance(instance)?.funcs.get(index).copied()
    }

    /// Defined function `defined` of the session module, its instructions
    /// with the lines they are written on; `file` (as shown, and its text)
    /// is the file it was loaded from, when the caller read it already.
    fn func_lines(
        &self,
        module: &Module,
        defined: usize,
        file: Option<(&str, &str)>,
    ) -> Option<FuncLines> {
        let sources = self.sources.get(defined)?;
        let (field, _) = *sources.first()?;
        let field = self.fields.get(field)?;
        // A function loaded from a file is numbered by the file's lines.
        let lines_above = |text: &str, start: usize| text[..start].matches('\n').count();
        let in_file = match file {
            Some((shown, text)) => Some((
                shown.to_string(),
                lines_above(text, text.find(&field.text)?),
            )),
            None => field
                .in_file()
                .map(|(shown, text, start)| (shown, lines_above(&text, start))),
        };
        let above = in_file.as_ref().map_or(0, |(_, above)| *above);
        let instrs = function_offsets(&module.bytes, defined)
            .into_iter()
            .zip(sources.iter())
            .filter_map(|(offset, (field, at))| {
                Some((
                    offset,
                    above + line_col(&self.fields.get(*field)?.text, *at).0 + 1,
                ))
            })
            .collect();
        let index = module.imported_funcs + defined as u32;
        let export = (module.exports.iter()).find_map(|e| match e.kind {
            crate::vm::module::ExportKind::Func(i) if i == index => Some(e.name.to_string()),
            _ => None,
        });
        let (key, label) = match (module.names.funcs.get(&index), export) {
            (Some(name), _) => (Some(format!("${name}")), format!("${name}")),
            (None, Some(export)) => (Some(format!("\"{export}\"")), format!("func \"{export}\"")),
            (None, None) => (None, format!("func {index}")),
        };
        Some(FuncLines {
            defined,
            key,
            label,
            file: in_file.map(|(shown, _)| shown),
            instrs,
        })
    }

    /// How the user names line `line` of session function `key`'s text:
    /// `f.wat:10 ($walk)` for a function loaded from a file, else `$walk:10`.
    pub(super) fn line_place(&self, key: &str, line: usize) -> String {
        let file = self.session_instance().and_then(|(module, _)| {
            let index = func_index_by_name(module, key).ok()?;
            let defined = index.checked_sub(module.imported_funcs)? as usize;
            let (field, _) = *self.sources.get(defined)?.first()?;
            self.fields.get(field)?.in_file()
        });
        match file {
            Some((shown, _, _)) => format!("{shown}:{line} ({key})"),
            None => format!("{key}:{line}"),
        }
    }
}

/// `line 4 of f.wat has no instruction; $div's first is on line 5`: the
/// nearest line after it that has one, among `candidates`.
fn no_instruction(line: usize, candidates: &[FuncLines]) -> SessionError {
    let text = candidates.first().map_or("the text", FuncLines::text_name);
    let lines = || (candidates.iter()).flat_map(|c| c.instrs.iter().map(move |(_, l)| (*l, c)));
    let next = lines().filter(|(l, _)| *l > line).min_by_key(|(l, _)| *l);
    let last = lines().max_by_key(|(l, _)| *l);
    let tail = match (next, last) {
        (Some((l, c)), _) if c.first_line() == Some(l) => {
            format!("{}'s first is on line {l}", c.label)
        }
        (Some((l, c)), _) => format!("the next one is on line {l}, in {}", c.label),
        (None, Some((l, c))) => format!("the last one is on line {l}, in {}", c.label),
        (None, None) => "it has none".to_string(),
    };
    SessionError::usage(format!("line {line} of {text} has no instruction; {tail}"))
}
