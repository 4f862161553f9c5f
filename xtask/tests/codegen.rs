//! The committed generated files must equal a fresh generation.

#[test]
fn committed_interface_files_are_fresh() {
    let root = xtask::root();
    for (path, fresh) in xtask::generated() {
        let committed = std::fs::read_to_string(root.join(path)).unwrap_or_default();
        assert!(committed == fresh, "{path} is stale: run `cargo run -p xtask -- gen` and commit the result");
    }
}
