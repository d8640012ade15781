//! What the workbench answers, as data: values, rows of memory with change
//! marks, listings of memories and instances, the pause, a trace, documents.
//! Nothing here is laid out as text or coloured; `view` renders replies and a
//! theme colours their roles at the edge (issue 9).

use super::memory_rows::{Elem, Layout};
use super::{SessionError, stepper, trace};
use crate::vm::Value;

/// One piece of output for the front end to render.
#[derive(Clone, Debug, PartialEq)]
pub enum Reply {
    /// The scratch operand stack, bottom first; entries from `changed_from` on are new.
    Stack {
        /// Values, bottom first.
        values: Vec<Value>,
        /// The lane shape each `v128` among them is read in (none: `i32x4`).
        shapes: Vec<Option<crate::vm::lanes::Shape>>,
        /// Index of the first entry that differs from before the input.
        changed_from: usize,
        /// How the functions its references point at are named.
        names: FuncNames,
    },
    /// Results of an invocation, and how the functions they refer to are named.
    Values(Vec<Value>, FuncNames),
    /// A short statement of what happened (`defined func $f`).
    Note(String),
    /// Lines the code printed with `console.log`.
    Console(Vec<String>),
    /// Named values: the scratch locals, the globals.
    Rows(ValueRows),
    /// A window of linear memory (`:mem`).
    Memory(MemoryWindow),
    /// Every memory of the store and who uses it (`:memory`).
    Memories(Vec<MemoryInfo>),
    /// Every instance, its exports and imports (`:instances`).
    Instances(Vec<InstanceInfo>),
    /// The named regions of memory (`:region`).
    Regions(Vec<RegionInfo>),
    /// The host object's modules and their properties (`:host`).
    HostObject(Vec<HostModuleInfo>),
    /// The threads and their states (`:threads`).
    Threads(Vec<ThreadInfo>),
    /// WebAssembly text: the module or one function (`:wat`, `:dis`).
    Wat(String),
    /// A document: help pages, instruction docs, listings.
    Doc(Doc),
    /// Markdown text (a lesson section), rendered for the terminal by the view.
    Markdown(String),
    /// A binary explained byte by byte (`:bytes`).
    Bytes(Vec<crate::binary::ByteRow>),
    /// An error reported among other replies (a `display` command that failed at a pause).
    Error(Box<SessionError>),
    /// The stepper paused: where, what the last instruction did, the frames.
    Pause(Box<stepper::PauseInfo>),
    /// Where the branch about to run goes now (after a `set` changed what
    /// decides it), with the names of what it carries.
    NextBranch(Box<stepper::BranchPreview>, FuncNames),
    /// The breakpoints and watchpoints (`info break`).
    Breakpoints(Vec<stepper::StopPoint>),
    /// Memory examined unit by unit (`x/16xb 0x40`).
    Examine(stepper::Examined),
    /// The paused input's call stack, innermost frame first (`bt`).
    Backtrace(Vec<stepper::BacktraceFrame>),
    /// The frame `up`, `down` or `frame N` selected.
    Frame(stepper::SelectedFrame),
    /// A traced input's executed instructions (`:trace on`).
    Trace(trace::Trace),
    /// An exercise's checks, each passed or failed (`:check`).
    Checks(super::CheckReport),
    /// The user asked to leave.
    Quit,
}

impl Reply {
    /// Whether this reply reports a failure although its input ran (a
    /// failed `:check`), so a script holding it does not succeed.
    pub fn is_failure(&self) -> bool {
        matches!(self, Reply::Checks(report) if !report.passed())
    }
}

/// Named values with change marks, under a title (`locals:`, `globals:`).
#[derive(Clone, Debug, PartialEq)]
pub struct ValueRows {
    /// What the rows are (`locals`, `globals`).
    pub title: String,
    /// The rows, in order.
    pub rows: Vec<ValueRow>,
    /// The lane shape every vector is shown in (`as SHAPE`; none: each
    /// row's own).
    pub shape: Option<crate::vm::lanes::Shape>,
    /// How the functions their references point at are named.
    pub names: FuncNames,
}

/// The user's names (`$add`, `$m.$f`, `func 3`) of the functions some
/// `funcref` values point at, and what the exceptions some `exnref` values
/// point at hold (`$oops(7)`), by store address.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FuncNames {
    /// Function names by store address.
    pub funcs: std::collections::BTreeMap<u32, String>,
    /// Exceptions (tag and payload) by store address.
    pub exns: std::collections::BTreeMap<u32, String>,
    /// Structs and arrays (type, address, fields) by heap address.
    pub objects: std::collections::BTreeMap<u32, String>,
    /// Defined types as the user writes them (`$point`) by canonical id.
    pub types: std::collections::BTreeMap<u32, String>,
}

impl FuncNames {
    /// The name of the function at store address `addr` (`func#addr` if unknown).
    pub fn of(&self, addr: u32) -> String {
        self.funcs
            .get(&addr)
            .cloned()
            .unwrap_or_else(|| format!("func#{addr}"))
    }

    /// The struct or array at heap address `addr` with its fields (`object#addr` if unknown).
    pub fn object(&self, addr: u32) -> String {
        self.objects
            .get(&addr)
            .cloned()
            .unwrap_or_else(|| format!("object#{addr}"))
    }

    /// The type of a null of heap type `heap`: `(ref null $point)`, `nullref`.
    pub fn null_type(&self, heap: crate::vm::value::HeapType) -> String {
        crate::vm::gc_names::null_type(heap, self)
    }

    /// The exception at store address `addr`: its tag and payload (`exn#addr` if unknown).
    pub fn exn(&self, addr: u32) -> String {
        self.exns
            .get(&addr)
            .cloned()
            .unwrap_or_else(|| format!("exn#{addr}"))
    }
}

/// The names the session found, for [`crate::vm::gc_names::value_text`].
impl crate::vm::gc_names::RefNames for FuncNames {
    fn func(&self, addr: u32) -> String {
        self.of(addr)
    }

    fn exn(&self, addr: u32) -> String {
        FuncNames::exn(self, addr)
    }

    fn object(&self, addr: u32) -> Option<String> {
        self.objects.get(&addr).cloned()
    }

    fn defined_type(&self, id: u32) -> String {
        self.types.get(&id).cloned().unwrap_or_else(|| "...".into())
    }
}

/// One named value.
#[derive(Clone, Debug, PartialEq)]
pub struct ValueRow {
    /// Its label (`$x`); a tab separates its columns (`$g\tmut`).
    pub label: String,
    /// Its value.
    pub value: Value,
    /// Whether the last input changed it.
    pub changed: bool,
    /// Where it comes from, when imported (`env.g`).
    pub imported_from: Option<String>,
    /// The lane shape of the instruction that made it, when a `v128` and
    /// known (none: `i32x4`).
    pub shape: Option<crate::vm::lanes::Shape>,
}

/// A window of one memory and the regions in it. Its rows are not held
/// here: [`super::Session::memory_lines`] makes them one at a time as the
/// front end prints them, so a long view is never built whole (issue 13).
#[derive(Clone, Debug, PartialEq)]
pub struct MemoryWindow {
    /// Which memory (`memory 0`, `memory $m`, `host memory mem.pages`).
    pub label: String,
    /// The memory in the store.
    pub memory: crate::vm::store::MemAddr,
    /// First address shown.
    pub start: u64,
    /// Bytes asked for.
    pub len: u64,
    /// Bytes there are to show: `len` cut where the memory ends.
    pub shown: u64,
    /// How to read the bytes.
    pub layout: Layout,
    /// Bytes in one page of the memory (65536, or 1 with custom page sizes).
    pub page_size: u64,
    /// Hex digits addresses get at least: 16 for a 64-bit memory, else 8.
    pub address_digits: usize,
    /// Named regions overlapping the window, decoded.
    pub regions: Vec<RegionInfo>,
}

/// One memory of the store, with every instance that uses it (`:memory`).
#[derive(Clone, Debug, PartialEq)]
pub struct MemoryInfo {
    /// How `:mem` names it: `$a` or `0` of the session module, `mem.pages`
    /// of the host, `$m.$a` or `$m.0` of module `$m`.
    pub mem_name: String,
    /// How it is called: `memory $a`, `memory 0`, `host memory mem.pages`,
    /// `memory 0 of module $m`.
    pub label: String,
    /// Size in pages.
    pub pages: u64,
    /// Bytes in one page (65536, or 1 with custom page sizes).
    pub page_size: u64,
    /// Size in bytes.
    pub bytes: u64,
    /// Maximum in pages, if any.
    pub maximum: Option<u64>,
    /// Whether it is shared.
    pub shared: bool,
    /// Whether its addresses are 64-bit (`i64`).
    pub memory64: bool,
    /// The host object's name for it (`mem.pages`), when the host allocated it.
    pub host: Option<String>,
    /// Every instance that uses it, the one that defines it first.
    pub users: Vec<MemoryUser>,
    /// Pages before and after, when the last input grew it.
    pub grown: Option<(u64, u64)>,
    /// Non-zero byte ranges (at most the first eight) and how many more.
    pub nonzero: (Vec<std::ops::Range<usize>>, usize),
}

/// How one instance uses a memory.
#[derive(Clone, Debug, PartialEq)]
pub struct MemoryUser {
    /// `the session module` or `module $m`.
    pub owner: String,
    /// Its index in that instance.
    pub index: usize,
    /// Its name there (`$b`), from the name section.
    pub name: Option<String>,
    /// The two-level name it imports it under (`"mem" "pages"`); `None`
    /// when the instance defines it.
    pub import: Option<(String, String)>,
}

/// One instance, what it exports and imports.
#[derive(Clone, Debug, PartialEq)]
pub struct InstanceInfo {
    /// `session module` or `module $m`.
    pub name: String,
    /// Whether `(invoke ...)` without a module name uses it.
    pub current: bool,
    /// Names it is registered under.
    pub registered: Vec<String>,
    /// Export names and their types.
    pub exports: Vec<(String, String)>,
    /// Imports as (module, name).
    pub imports: Vec<(String, String)>,
}

/// A named range of memory, and what it holds now.
#[derive(Clone, Debug, PartialEq)]
pub struct RegionInfo {
    /// Name, without `$`.
    pub name: String,
    /// First byte.
    pub start: u64,
    /// One past the last byte.
    pub end: u64,
    /// Element type.
    pub elem: Elem,
    /// Number of elements.
    pub count: u64,
    /// Its elements, decoded (only in a memory window).
    pub values: Option<String>,
}

/// One module of the host object.
#[derive(Clone, Debug, PartialEq)]
pub struct HostModuleInfo {
    /// Its name (`math`, `mem`).
    pub name: String,
    /// The `Math` functions it offers.
    pub math_functions: Vec<String>,
    /// Other properties and how JavaScript would create them.
    pub properties: Vec<(String, String)>,
}

/// One thread started with `:spawn`.
#[derive(Clone, Debug, PartialEq)]
pub struct ThreadInfo {
    /// Its name.
    pub name: String,
    /// What it runs.
    pub code: String,
    /// Where it is.
    pub state: ThreadState,
}

/// Where a thread is.
#[derive(Clone, Debug, PartialEq)]
pub enum ThreadState {
    /// Ready to run.
    Ready,
    /// Blocked in `memory.atomic.wait` at an address.
    Waiting(u64),
    /// Paused in the stepper.
    Stepping,
    /// Ended with these results.
    Finished(Vec<Value>, FuncNames),
    /// Trapped with this message.
    Trapped(String),
}

/// A short document: lines of spans, each span tagged with its role so a
/// theme can colour it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Doc {
    /// The lines.
    pub lines: Vec<Vec<Span>>,
}

/// A piece of text and what it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Span {
    /// The text.
    pub text: String,
    /// Its role.
    pub role: Role,
}

/// What a piece of output is, for colouring. Plain text ignores it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Ordinary text.
    Plain,
    /// A heading.
    Heading,
    /// A command as typed (`:mem`).
    Command,
    /// A WAT keyword or instruction.
    Keyword,
    /// A number.
    Number,
    /// A `$name`.
    Name,
    /// Less important text (comments, hints).
    Dim,
    /// Something the last input changed.
    Changed,
    /// An error.
    Error,
    /// A trap.
    Trap,
    /// Emphasised text (`*x*` in Markdown).
    Emphasis,
    /// Strongly emphasised text (`**x**` in Markdown).
    Strong,
    /// Code inside running text (`` `x` `` in Markdown).
    Code,
}

impl Doc {
    /// A document of plain lines.
    pub fn plain(text: &str) -> Doc {
        let mut doc = Doc::default();
        for line in text.lines() {
            doc.line(&[(line, Role::Plain)]);
        }
        doc
    }

    /// Adds a line made of `(text, role)` pieces.
    pub fn line(&mut self, pieces: &[(&str, Role)]) -> &mut Doc {
        self.lines.push(
            pieces
                .iter()
                .map(|(text, role)| Span {
                    text: (*text).to_string(),
                    role: *role,
                })
                .collect(),
        );
        self
    }
}
