//! The engine behind a tiny C ABI, so Node can time it as plain WebAssembly (no wasm-bindgen,
//! no JS glue in the timed path). Setup (`bench_prepare`: parse, validate, read mocks) is
//! outside the timed region, as in the peer's harness; `bench_run` starts and finishes one
//! execution.

use engine::api::{self, RunOptions};
use engine::model::{StateMachine, WorkflowType};
use engine::syntax::json::Value;
use std::cell::RefCell;
use std::rc::Rc;

/// A prepared workload: the validated machine, its input and run options.
pub struct Workload {
    machine: Rc<StateMachine>,
    input: Value,
    options: RunOptions,
}

impl Workload {
    pub fn prepare(
        definition: &str,
        input: &str,
        mocks: Option<&str>,
        express: bool,
        record_inspection: bool,
    ) -> Result<Workload, String> {
        let workflow_type = if express {
            WorkflowType::Express
        } else {
            WorkflowType::Standard
        };
        let v = api::validate(definition, workflow_type);
        let machine = match (&v.machine, v.is_valid()) {
            (Some(m), true) => m.clone(),
            _ => {
                return Err(format!(
                    "invalid definition: {:?}",
                    v.diagnostics.first().map(|d| d.aws_text())
                ))
            }
        };
        let input = api::parse_json(input)?;
        let mocks = mocks.map(api::parse_json).transpose()?;
        let options = RunOptions {
            workflow_type,
            mocks,
            record_inspection,
            max_transitions: Some(10_000_000),
            ..Default::default()
        };
        Ok(Workload {
            machine,
            input,
            options,
        })
    }

    /// One execution, start to end (the timed part).
    pub fn execute(&self) -> Result<engine::run::Execution, String> {
        let mut ex = api::start_machine(self.machine.clone(), self.input.clone(), &self.options)
            .map_err(|e| e.to_string())?;
        ex.run();
        Ok(ex)
    }

    /// One execution: `(status, output, states entered, events)`.
    pub fn run(&self) -> Result<(String, Value, u64, usize), String> {
        let ex = self.execute()?;
        Ok(summarize(&ex))
    }
}

/// `(status, output, states entered, events)` of a finished execution.
pub fn summary(ex: &engine::run::Execution) -> (String, Value, u64, usize) {
    summarize(ex)
}

fn summarize(ex: &engine::run::Execution) -> (String, Value, u64, usize) {
    let output = match ex.status() {
        engine::run::Status::Succeeded { output } => output.clone(),
        _ => Value::Null,
    };
    (
        ex.status().name().to_string(),
        output,
        ex.states_entered(),
        ex.history().len(),
    )
}

/// The scale workload of issue 5: a Standard parent whose Distributed Map runs one Express
/// child per item (ItemSelector, a Pass with an intrinsic in each child, 1% tolerated
/// failures, 1,000 at a time). Generated, not read: a million items.
pub const DMAP_DEFINITION: &str = r#"{"StartAt":"Fan","States":{"Fan":{"Type":"Map","ItemsPath":"$.items","ItemSelector":{"n.$":"$$.Map.Item.Value"},"MaxConcurrency":1000,"ToleratedFailurePercentage":1,"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"EXPRESS"},"StartAt":"Double","States":{"Double":{"Type":"Pass","Parameters":{"n.$":"$.n","doubled.$":"States.MathAdd($.n, $.n)"},"End":true}}},"ResultSelector":{"count.$":"States.ArrayLength($)","last.$":"$[-1:]"},"End":true}}}"#;

/// `{"items": [0, 1, ..., n-1]}`
pub fn dmap_input(n: usize) -> String {
    let mut s = String::with_capacity(n * 8 + 16);
    s.push_str("{\"items\":[");
    for i in 0..n {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&i.to_string());
    }
    s.push_str("]}");
    s
}

/// The expected output of the scale workload.
pub fn dmap_expected(n: usize) -> String {
    let last = n.saturating_sub(1);
    format!(
        "{{\"count\":{n},\"last\":[{{\"n\":{last},\"doubled\":{}}}]}}",
        last * 2
    )
}

thread_local! {
    static SLOTS: RefCell<Vec<Option<Workload>>> = const { RefCell::new(Vec::new()) };
    /// The last execution, kept so that neither reading its output nor freeing it is timed
    /// (the peer's results are read, and its garbage collected, outside its timed region too).
    static LAST_EXECUTION: RefCell<Option<engine::run::Execution>> = const { RefCell::new(None) };
    static LAST: RefCell<(String, u64, usize)> = const { RefCell::new((String::new(), 0, 0)) };
}

/// Allocates `len` bytes for the host to write into.
#[no_mangle]
pub extern "C" fn bench_alloc(len: usize) -> *mut u8 {
    let mut v = Vec::<u8>::with_capacity(len.max(1));
    let p = v.as_mut_ptr();
    std::mem::forget(v);
    p
}

/// # Safety
/// `ptr`/`len` must come from `bench_alloc`.
#[no_mangle]
pub unsafe extern "C" fn bench_free(ptr: *mut u8, len: usize) {
    drop(Vec::from_raw_parts(ptr, 0, len.max(1)));
}

unsafe fn text<'a>(ptr: *const u8, len: usize) -> Option<&'a str> {
    if ptr.is_null() || len == 0 {
        return None;
    }
    std::str::from_utf8(std::slice::from_raw_parts(ptr, len)).ok()
}

/// Prepares a workload; returns its handle, or -1 (the reason is in the last-result text).
///
/// # Safety
/// Each pointer/length pair must describe readable UTF-8 written by the host.
#[no_mangle]
pub unsafe extern "C" fn bench_prepare(
    def: *const u8,
    def_len: usize,
    input: *const u8,
    input_len: usize,
    mocks: *const u8,
    mocks_len: usize,
    express: u32,
    inspect: u32,
) -> i32 {
    let (Some(d), Some(i)) = (text(def, def_len), text(input, input_len)) else {
        return -1;
    };
    register(Workload::prepare(
        d,
        i,
        text(mocks, mocks_len),
        express != 0,
        inspect != 0,
    ))
}

/// Keeps a prepared workload and returns its handle, or -1 with the reason in the
/// last-result text.
fn register(prepared: Result<Workload, String>) -> i32 {
    match prepared {
        Ok(w) => SLOTS.with(|s| {
            let mut s = s.borrow_mut();
            s.push(Some(w));
            (s.len() - 1) as i32
        }),
        Err(e) => {
            LAST.with(|l| *l.borrow_mut() = (e, 0, 0));
            -1
        }
    }
}

/// Runs a prepared workload once (the timed call); returns 1 if it started. Call
/// `bench_finish` afterwards, outside the timed region.
#[no_mangle]
pub extern "C" fn bench_run(handle: i32) -> i32 {
    SLOTS.with(|s| {
        let s = s.borrow();
        let Some(Some(w)) = s.get(handle as usize) else {
            return 0;
        };
        match w.execute() {
            Ok(ex) => {
                // Keep it; the previous one was taken by bench_finish.
                LAST_EXECUTION.with(|l| l.borrow_mut().replace(ex).is_none()) as i32
            }
            Err(e) => {
                LAST.with(|l| *l.borrow_mut() = (e, 0, 0));
                0
            }
        }
    })
}

/// Reads the last execution's outcome into the result text (output JSON, or the status when
/// it did not succeed) and frees it. Returns 1 if it succeeded.
#[no_mangle]
pub extern "C" fn bench_finish() -> i32 {
    let Some(ex) = LAST_EXECUTION.with(|l| l.borrow_mut().take()) else {
        return 0;
    };
    let (status, output, entered, events) = summarize(&ex);
    let ok = status == "SUCCEEDED";
    LAST.with(|l| *l.borrow_mut() = (if ok { output.to_json() } else { status }, entered, events));
    drop(ex);
    ok as i32
}

/// Pointer to the last result text (output JSON or error); its length is `bench_result_len`.
#[no_mangle]
pub extern "C" fn bench_result_ptr() -> *const u8 {
    LAST.with(|l| l.borrow().0.as_ptr())
}

#[no_mangle]
pub extern "C" fn bench_result_len() -> usize {
    LAST.with(|l| l.borrow().0.len())
}

#[no_mangle]
pub extern "C" fn bench_states_entered() -> u64 {
    LAST.with(|l| l.borrow().1)
}

/// Prepares the Distributed Map scale workload with `items` items; returns its handle.
#[no_mangle]
pub extern "C" fn bench_dmap_prepare(items: u32) -> i32 {
    register(Workload::prepare(
        DMAP_DEFINITION,
        &dmap_input(items as usize),
        None,
        false,
        false,
    ))
}
