//! The review session.
use std::process::ExitCode;
pub fn run(_ctx: &mut crate::cmd::Ctx, _args: &crate::cli::ReviewArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("review: not yet")
}
