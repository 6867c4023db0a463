//! The `debate-bot` command. Everything it does is in the library ([`debate_bot::cli`]), so that
//! this binary compiles in a second rather than compile the bot again.

fn main() -> std::process::ExitCode {
    debate_bot::cli::main()
}
