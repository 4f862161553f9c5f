//! `cargo run -p xtask -- gen` rewrites the generated interface files;
//! `cargo run -p xtask -- check` exits 1 if any committed one is stale.

use std::process::ExitCode;

fn main() -> ExitCode {
    let cmd = std::env::args().nth(1).unwrap_or_default();
    let root = xtask::root();
    let mut stale = 0;
    for (path, text) in xtask::generated() {
        let file = root.join(path);
        let committed = std::fs::read_to_string(&file).unwrap_or_default();
        match cmd.as_str() {
            "gen" if committed != text => {
                std::fs::write(&file, text).expect("write");
                println!("wrote {path}");
            }
            "gen" => println!("{path} is up to date"),
            "check" if committed != text => {
                println!("{path} differs from a fresh generation");
                stale += 1;
            }
            "check" => println!("{path} is up to date"),
            _ => {
                eprintln!("usage: xtask gen|check");
                return ExitCode::from(2);
            }
        }
    }
    if stale == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
