//! The JSONata library's dependencies (`rand`) link `getrandom`. On wasm32 it is given the
//! `custom` backend (`.cargo/config.toml`), answered here with deterministic bytes: the engine
//! never reads OS randomness, and `$random`/`$uuid` use the host-seeded generator anyway.
#![allow(unsafe_code)]

/// # Safety
/// Called by getrandom with a writable buffer of `len` bytes.
#[no_mangle]
unsafe extern "Rust" fn __getrandom_v03_custom(
    dest: *mut u8,
    len: usize,
) -> Result<(), getrandom::Error> {
    let rng = crate::query::env::Rng::new(0x6A09_E667_F3BC_C908 ^ len as u64);
    for i in 0..len {
        // SAFETY: getrandom passes a buffer valid for `len` bytes.
        unsafe { *dest.add(i) = rng.next_u64() as u8 };
    }
    Ok(())
}
