//! What a path, an intrinsic function or a payload template is evaluated against: the
//! document (`$`), the context object (`$$`), the workflow variables (`$name`), and the seeded
//! random source. Also the errors an evaluation can raise, named as AWS names them.

use crate::query::path::{JsonPath, PathError, Root};
use crate::syntax::json::{Map, Value};
use std::cell::Cell;
use std::rc::Rc;

/// Workflow variables: one scope per top level, Parallel branch or Map iteration, each able to
/// read the scopes around it.
#[derive(Debug, Default, Clone)]
pub(crate) struct VarScope {
    pub vars: Map,
    pub parent: Option<Rc<VarScope>>,
}

impl VarScope {
    pub(crate) fn get(&self, name: &str) -> Option<&Value> {
        match self.vars.get(name) {
            Some(v) => Some(v),
            None => self.parent.as_deref().and_then(|p| p.get(name)),
        }
    }
}

/// A deterministic random source (SplitMix64): the engine never reads OS randomness; the host
/// gives the seed, so every run can be repeated.
#[derive(Debug, Clone)]
pub struct Rng {
    state: Cell<u64>,
}

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng {
            state: Cell::new(seed),
        }
    }
    pub fn next_u64(&self) -> u64 {
        let s = self.state.get().wrapping_add(0x9E37_79B9_7F4A_7C15);
        self.state.set(s);
        let mut z = s;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `[0, 1)`.
    pub(crate) fn next_f64(&self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// A version-4 UUID.
    pub fn uuid(&self) -> String {
        let a = self.next_u64();
        let b = self.next_u64();
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&a.to_be_bytes());
        bytes[8..].copy_from_slice(&b.to_be_bytes());
        bytes[6] = (bytes[6] & 0x0f) | 0x40;
        bytes[8] = (bytes[8] & 0x3f) | 0x80;
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut out = String::with_capacity(36);
        for (i, b) in bytes.iter().enumerate() {
            if matches!(i, 4 | 6 | 8 | 10) {
                out.push('-');
            }
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 0xf)] as char);
        }
        out
    }
}

/// A value built on first use (the context object is only assembled when a state reads `$$`).
pub(crate) struct Lazy<'a> {
    cell: std::cell::OnceCell<Value>,
    make: &'a dyn Fn() -> Value,
}

impl<'a> Lazy<'a> {
    pub(crate) fn new(make: &'a dyn Fn() -> Value) -> Lazy<'a> {
        Lazy {
            cell: std::cell::OnceCell::new(),
            make,
        }
    }
    pub(crate) fn get(&self) -> &Value {
        self.cell.get_or_init(|| (self.make)())
    }
}

pub(crate) struct Env<'a> {
    pub input: &'a Value,
    pub context: &'a Lazy<'a>,
    pub vars: Option<&'a VarScope>,
    pub rng: &'a Rng,
}

impl Env<'_> {
    /// Evaluates a path against the root it names.
    pub(crate) fn eval_path(&self, path: &JsonPath) -> Result<Value, PathError> {
        match &path.root {
            Root::Input => path.eval_on(self.input),
            Root::Context => path.eval_on(self.context.get()),
            Root::Variable(name) => match self.vars.and_then(|v| v.get(name)) {
                Some(v) => path.eval_on(v),
                None => Err(PathError::UndefinedVariable(name.clone())),
            },
        }
    }
}
