//! What the workbench tests share: a copy of the bundled samples, an `App` over a folder, and
//! the screen it draws on a test backend, read back as text.
#![allow(dead_code)] // each test binary uses its own part

use std::path::Path;

use gouji::audit::collect_paths;
use gouji::template::Templates;
use gouji::ui::App;
use gouji::ui::config::Config;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;

/// The five bundled samples, copied where annotations may be written.
pub fn samples_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/samples");
    for e in std::fs::read_dir(src).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, dir.path().join(p.file_name().unwrap())).unwrap();
    }
    dir
}

/// The workbench over `dir` with the default config, every report loaded.
pub fn app(dir: &Path, size: (u16, u16)) -> App {
    app_with(dir, Config::default(), size)
}

pub fn app_with(dir: &Path, config: Config, size: (u16, u16)) -> App {
    let paths = collect_paths(&[dir.to_path_buf()]).unwrap();
    App::loaded(paths, config, Templates::embedded().unwrap(), size)
}

pub fn render(app: &App) -> Buffer {
    let mut t = Terminal::new(TestBackend::new(app.state.size.0, app.state.size.1)).unwrap();
    app.draw(&mut t).unwrap();
    t.backend().buffer().clone()
}

/// The buffer's rows as text; a wide (CJK) character is read once, not with the cell after it.
pub fn lines(b: &Buffer) -> Vec<String> {
    (0..b.area.height)
        .map(|y| {
            let mut s = String::new();
            let mut x = 0;
            while x < b.area.width {
                let c = &b[(x, y)];
                s.push_str(c.symbol());
                x += 1.max(unicode_width::UnicodeWidthStr::width(c.symbol()) as u16);
            }
            s
        })
        .collect()
}
