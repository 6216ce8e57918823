use std::process::ExitCode;

fn main() -> ExitCode {
    storydrill::cmd::main()
}
