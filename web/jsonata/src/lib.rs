//! The JSONata module: the engine's JSONata library behind one export. The page loads it only
//! when a definition uses JSONata and hands `call` to its own engine (`engine::query::jsonata::host`).

use wasm_bindgen::prelude::*;

/// One `engine::query::jsonata::host_call` request in, its answer out (both JSON text).
#[wasm_bindgen]
pub fn call(request: &str) -> String {
    engine::query::jsonata::host_call(request)
}

/// A memory budget for the module: a JSONata call can ask for more than a tab has in one go
/// (`$pad('', 2000000000)`), before any evaluation step can refuse it. Past 768 MiB of live
/// allocations an allocation fails, which aborts the module at once (it grew the memory to
/// 4 GB first: 20 s). In the page's Web Worker the page then says what was evaluated and
/// starts a fresh worker.
mod memory_budget {
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

    const BUDGET_BYTES: usize = 768 << 20;
    static LIVE: AtomicUsize = AtomicUsize::new(0);

    pub struct Budgeted;

    fn reserve(bytes: usize) -> bool {
        let before = LIVE.fetch_add(bytes, Relaxed);
        if before.saturating_add(bytes) > BUDGET_BYTES {
            LIVE.fetch_sub(bytes, Relaxed);
            return false;
        }
        true
    }

    // SAFETY: every call is passed to `System` unchanged; only the count is added.
    unsafe impl GlobalAlloc for Budgeted {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            if !reserve(layout.size()) {
                return std::ptr::null_mut();
            }
            System.alloc(layout)
        }
        unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
            if !reserve(layout.size()) {
                return std::ptr::null_mut();
            }
            System.alloc_zeroed(layout)
        }
        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            LIVE.fetch_sub(layout.size(), Relaxed);
            System.dealloc(ptr, layout)
        }
        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            if new_size > layout.size() {
                if !reserve(new_size - layout.size()) {
                    return std::ptr::null_mut();
                }
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Relaxed);
            }
            System.realloc(ptr, layout, new_size)
        }
    }
}

#[global_allocator]
static ALLOCATOR: memory_budget::Budgeted = memory_budget::Budgeted;
