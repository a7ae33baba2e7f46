use clap::Parser;

/// Parsing a report allocates many small, short-lived values from two threads; mimalloc's
/// thread-local free lists serve that pattern markedly faster than the system allocator
/// (see the throughput benchmark in README).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let cli = gouji::cli::Cli::parse();
    match gouji::cli::run(cli) {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            // The chain names files: their control characters are made visible.
            eprintln!("gouji: error: {}", gouji::text::visible(&format!("{e:#}")));
            std::process::exit(2);
        }
    }
}
