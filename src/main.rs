use clap::Parser;

fn main() {
    let cli = gouji::cli::Cli::parse();
    match gouji::cli::run(cli) {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            eprintln!("gouji: error: {e:#}");
            std::process::exit(2);
        }
    }
}
