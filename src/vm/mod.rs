//! The interpreter core: modules, the store, instantiation and execution.
//!
//! Nothing here knows about terminals, colours, the REPL or lessons; the
//! session and the views sit on top of this and only read what it exposes.

pub mod budget;
pub mod exec;
pub mod exn;
pub mod gc;
pub mod gc_names;
pub mod gc_types;
pub mod inspect;
pub mod instantiate;
pub mod instr;
pub mod lanes;
pub mod memop;
pub mod memory;
mod memory_pages;
pub mod module;
pub mod sections;
pub mod simd_op;
pub mod store;
pub mod table;
pub mod translate;
pub mod trap;
pub mod types;
pub mod value;

pub use exec::{Execution, Frame, Outcome};
pub use inspect::{FrameView, LabelKind, LabelView, LocalView};
pub use instantiate::{FuncSlots, InstantiationError, LinkError, PendingStart};
pub use module::{CompileError, Module};
pub use store::{
    Extern, FuncAddr, GlobalAddr, InstanceAddr, Limits, MemAddr, Store, TableAddr, TagAddr,
};
pub use trap::{Trap, TrapCode};
pub use types::{ExternType, FuncType, GlobalType, MemoryType, TableType};
pub use value::{ValType, Value};
