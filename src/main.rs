//! The `watlab` binary: parses the command line and hands over to [`watlab::cli`].

use std::process::ExitCode;

fn main() -> ExitCode {
    watlab::cli::main()
}
