//! A plan: modules to instantiate in order (the second imports from the
//! first as `a`), then calls into the instances; and the loop that performs
//! one step of it on any engine and observes the result.

use crate::canon::{Item, Observation, Outcome, Val};
use crate::generate::{FUEL_EXPORT, MODULE_FUEL};
use crate::shape::{Export, ExportType, Shape, Ty};

/// One call: export `export` (an index into the instance's shape) of
/// instance `instance`, with `args`.
#[derive(Clone, Debug)]
pub struct Call {
    pub instance: usize,
    pub export: usize,
    pub args: Vec<Val>,
}

/// Modules with their shapes, and the calls.
pub struct Plan {
    pub modules: Vec<Vec<u8>>,
    pub shapes: Vec<Shape>,
    pub calls: Vec<Call>,
}

/// An exported function: its name and signature.
pub struct Callee<'p> {
    pub name: &'p str,
    pub params: &'p [Ty],
    pub results: &'p [Ty],
}

/// One step of a plan.
#[derive(Clone, Copy, Debug)]
pub enum Step<'p> {
    Instantiate(usize),
    Call(&'p Call),
}

impl Plan {
    /// Every step: the instantiations, then the calls.
    pub fn steps(&self) -> Vec<Step<'_>> {
        (0..self.modules.len())
            .map(Step::Instantiate)
            .chain(self.calls.iter().map(Step::Call))
            .collect()
    }

    /// The exported function a call calls.
    pub fn callee(&self, call: &Call) -> Callee<'_> {
        let export = &self.shapes[call.instance].exports[call.export];
        match &export.ty {
            ExportType::Func { params, results } => Callee {
                name: &export.name,
                params,
                results,
            },
            _ => unreachable!("calls are made only to exported functions"),
        }
    }

    /// How a step reads in a report.
    pub fn describe(&self, step: Step<'_>) -> String {
        match step {
            Step::Instantiate(i) => format!("instantiate module {i}"),
            Step::Call(call) => {
                let name = self.callee(call).name;
                format!(
                    "call {name:?} of instance {} with {:?}",
                    call.instance, call.args
                )
            }
        }
    }
}

/// What the harness needs of an engine.
pub trait Engine {
    /// Compiles and instantiates the next module; the second one's imports
    /// come from the first instance's exports (module name `a`).
    fn instantiate(&mut self, wasm: &[u8]) -> Outcome;
    /// Calls an export of a live instance.
    fn call(&mut self, instance: usize, callee: &Callee<'_>, args: &[Val]) -> Outcome;
    /// Sets exported `i32` global `name` of a live instance to `value`.
    fn set_global(&mut self, instance: usize, name: &str, value: i32);
    /// Reads an exported memory, global or table of a live instance.
    fn item(&self, instance: usize, export: &Export) -> Item;
}

/// Drives one engine through a plan, step by step.
pub struct Runner<E> {
    pub engine: E,
    live: usize,
    stopped: bool,
}

impl<E: Engine> Runner<E> {
    pub fn new(engine: E) -> Runner<E> {
        Runner {
            engine,
            live: 0,
            stopped: false,
        }
    }

    /// Performs `step` and observes; `None` once an instantiation has failed
    /// (the V8 driver stops there too).
    pub fn perform(&mut self, plan: &Plan, step: Step<'_>) -> Option<Observation> {
        if self.stopped {
            return None;
        }
        let outcome = match step {
            Step::Instantiate(i) => {
                let outcome = self.engine.instantiate(&plan.modules[i]);
                match outcome {
                    Outcome::Values(_) => self.live += 1,
                    _ => self.stopped = true,
                }
                outcome
            }
            Step::Call(call) => {
                for instance in 0..self.live {
                    self.engine.set_global(instance, FUEL_EXPORT, MODULE_FUEL);
                }
                self.engine
                    .call(call.instance, &plan.callee(call), &call.args)
            }
        };
        let mut state = Vec::new();
        for (instance, shape) in plan.shapes.iter().enumerate().take(self.live) {
            for export in &shape.exports {
                if !matches!(export.ty, ExportType::Func { .. }) {
                    state.push(self.engine.item(instance, export));
                }
            }
        }
        Some(Observation { outcome, state })
    }

    /// Every observation of a whole plan.
    pub fn run_all(mut self, plan: &Plan) -> Vec<Observation> {
        plan.steps()
            .into_iter()
            .map_while(|step| self.perform(plan, step))
            .collect()
    }
}
