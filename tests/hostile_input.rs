//! The workbench shown a file whose name and text carry terminal escapes: everything drawn
//! shows them escaped (`\x1b`), nothing reaches the terminal raw.

use gouji::audit::collect_paths;
use gouji::template::Templates;
use gouji::ui::App;
use gouji::ui::config::Config;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

#[cfg(unix)]
#[test]
fn escapes_in_a_file_name_and_its_text_are_drawn_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("assets/samples/000_baa44959fd9d628f.txt");
    let text = std::fs::read_to_string(src).unwrap();
    let name = "r\u{1b}]52;c;aGkK\u{7}.txt";
    let text = format!("title\u{1b}]2;owned\u{7}\n{text}");
    std::fs::write(dir.path().join(name), text).unwrap();
    let paths = collect_paths(&[dir.path().to_path_buf()]).unwrap();
    let mut app = App::loaded(
        paths,
        Config::default(),
        Templates::embedded().unwrap(),
        (160, 45),
    );
    app.state.raw_scroll = 0; // the first line, where the escape is
    let mut t = Terminal::new(TestBackend::new(160, 45)).unwrap();
    app.draw(&mut t).unwrap();
    let b = t.backend().buffer();
    let screen: String = b.content().iter().map(|c| c.symbol()).collect();
    assert!(!screen.contains('\u{1b}') && !screen.contains('\u{7}'));
    assert!(
        screen.contains("r\\x1b]52;c;aGkK\\x07.txt"),
        "the name, escaped"
    );
    assert!(
        screen.contains("title\\x1b]2;owned\\x07"),
        "the text, escaped"
    );
}
