//! Compiles the C harness and the real C shim (c_glue/modromfs.c) against
//! the stand-in py/ of tests/c/stub; with ROMFS_SANITIZE=address both are
//! built with AddressSanitizer (pair it with RUSTFLAGS=-Zsanitizer=address).
fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf();
    let harness = root.join("tests/c/ffi_harness.c");
    println!("cargo:rerun-if-changed={}", harness.display());
    println!("cargo:rerun-if-changed={}", root.join("tests/c/stub").display());
    println!("cargo:rerun-if-changed={}", root.join("c_glue").display());
    println!("cargo:rerun-if-env-changed=ROMFS_SANITIZE");
    let mut build = cc::Build::new();
    build
        .file(&harness)
        .file(root.join("c_glue/modromfs.c"))
        .include(root.join("tests/c/stub"))
        .include(root.join("c_glue"))
        .include(root.join("rust/sim"))
        .flag("-std=gnu11")
        .warnings_into_errors(true);
    if let Ok(s) = std::env::var("ROMFS_SANITIZE") {
        build.flag(format!("-fsanitize={s}")).flag("-fno-omit-frame-pointer");
    }
    build.compile("ffi_harness");
}
