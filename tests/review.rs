//! The review flow as a reviewer goes through it, on `TestBackend` at 80x24 and 160x45 with
//! the real keymap and `update`: stepping to the errors that are left after a correction,
//! a finding's detail, applying a suggestion, verdicts saved in the TOML (and lapsing when
//! the numbers change), the readable panes; whole screens snapshotted (insta, reviewed by
//! eye once) beside assertions on what they must show.

mod common;
use common::{app, lines, render, samples_copy};

use std::path::Path;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use gouji::annotations::Annotations;
use gouji::template::Templates;
use gouji::ui::App;
use gouji::ui::config::Config;
use gouji::ui::state::Pane;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;

const S000: &str = "000_baa44959fd9d628f.txt";
const SIZES: [(u16, u16); 2] = [(80, 24), (160, 45)];

fn screen(app: &App) -> String {
    lines(&render(app)).join("\n")
}

fn press(app: &mut App, code: KeyCode) -> bool {
    app.key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// Types `s`; `\t` is Tab, `\n` Enter, `\x1b` Esc.
fn keys(app: &mut App, s: &str) {
    for c in s.chars() {
        press(
            app,
            match c {
                '\t' => KeyCode::Tab,
                '\n' => KeyCode::Enter,
                '\x1b' => KeyCode::Esc,
                c => KeyCode::Char(c),
            },
        );
    }
}

fn annotations(dir: &Path) -> Annotations {
    toml::from_str(&std::fs::read_to_string(dir.join(format!("{S000}.gouji.toml"))).unwrap())
        .unwrap()
}

/// Focuses the findings pane from the files pane.
fn to_findings(app: &mut App) {
    for _ in 0..4 {
        if app.state.focus == Pane::Findings {
            return;
        }
        press(app, KeyCode::Tab);
    }
}

#[test]
fn n_after_a_correction_reaches_the_error_that_is_left() {
    for size in SIZES {
        let dir = samples_copy();
        let mut app = app(dir.path(), size);
        assert_eq!(app.state.audit().unwrap().errors(), 4);
        keys(&mut app, "ne44\n");
        assert_eq!(
            app.state.audit().unwrap().errors(),
            3,
            "{size:?}: 总计's two fixed, its row now adds up to 43"
        );
        keys(&mut app, "ne44\n");
        assert_eq!(
            app.state.audit().unwrap().errors(),
            0,
            "{size:?}: no error left"
        );
        // gouji check agrees, from the saved corrections.
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_gouji"))
            .args(["check", "--errors-only"])
            .arg(dir.path().join(S000))
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{text}");
        assert!(text.contains("0 with errors (0 error(s))"), "{text}");
        let again = self::app(dir.path(), size);
        assert_eq!(again.state.audit().unwrap().errors(), 0);
    }
}

#[test]
fn the_first_findings_detail_writes_out_every_operand_with_value_and_line() {
    let dir = samples_copy();
    let mut app = app(dir.path(), (160, 45));
    to_findings(&mut app);
    // The first error is selected when the report opens: Enter shows its detail.
    keys(&mut app, "\n");
    assert!(app.state.detail);
    let text = screen(&app);
    insta::assert_snapshot!("detail_000_first_finding_160x45", text);
    for needle in [
        "(七)总计  43 (line 342:2)",
        "四、结转下年度继续办理  0 (line 351:2)",
        "一、本年新收政府信息公开申请数量  44",
        // results_sum on the same cell lists every result row with its value and line.
        "Also failing on this cell (results_sum)",
        "(一)予以公开  14 (line 136:2)",
        "(二)部分公开  2 (line 146:2)",
        "(六)其他处理  9 (line 332:2)",
        "Suggestion: (七)总计 / 自然人 should probably be 44",
    ] {
        // Scroll the detail until the line shows.
        let mut seen = screen(&app).contains(needle);
        for _ in 0..40 {
            if seen {
                break;
            }
            keys(&mut app, "j");
            seen = screen(&app).contains(needle);
        }
        assert!(seen, "detail shows {needle:?}:\n{}", screen(&app));
    }
    keys(&mut app, "\x1b");
    assert!(!app.state.detail, "Esc goes back to the list");
}

#[test]
fn s_applies_the_suggestion_through_the_editor() {
    let dir = samples_copy();
    let mut app = app(dir.path(), (160, 45));
    to_findings(&mut app);
    keys(&mut app, "s");
    let (target, ta) = app.state.editor.as_ref().expect("the editor opens");
    assert_eq!(ta.lines(), ["44"]);
    assert!(
        matches!(target, gouji::ui::state::EditTarget::Cell(c) if c.row == "total" && c.column == "natural")
    );
    let text = screen(&app);
    assert!(
        text.contains("Correct (七)总计 / 自然人 (a number; empty: blank)"),
        "plain words in the title:\n{text}"
    );
    keys(&mut app, "\n");
    assert_eq!(
        app.state.audit().unwrap().errors(),
        3,
        "自然人's two fixed; 总计's row now short"
    );
    let a = annotations(dir.path());
    assert_eq!(a.cells[0].corrected.as_deref(), Some("44"));
}

#[test]
fn corrections_must_be_numbers_and_ctrl_c_quits() {
    let dir = samples_copy();
    let mut app = app(dir.path(), (80, 24));
    keys(&mut app, "eabc\n");
    assert!(app.state.editor.is_some(), "refused: the editor stays open");
    assert!(
        app.state.status.contains("\"abc\" is not a number"),
        "{}",
        app.state.status
    );
    assert!(!dir.path().join(format!("{S000}.gouji.toml")).exists());
    keys(&mut app, "\x1b");
    // Empty is a blank cell: allowed.
    keys(&mut app, "e");
    press(&mut app, KeyCode::Backspace);
    keys(&mut app, "\n");
    assert!(app.state.editor.is_none());
    assert_eq!(
        annotations(dir.path()).cells[0].corrected.as_deref(),
        Some("")
    );
    // Ctrl-C while typing cancels the edit; then it quits like q.
    keys(&mut app, "e7");
    assert!(app.key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)));
    assert!(app.state.editor.is_none());
    assert!(!app.key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)));
}

#[test]
fn dismissing_a_warning_leaves_the_count_and_survives_reopening() {
    let dir = samples_copy();
    let mut app = app(dir.path(), (160, 45));
    to_findings(&mut app);
    // Down to the blank-cells fold, open it, onto its first warning.
    keys(&mut app, "jjjj\nj");
    let i = app.state.cursor_finding().unwrap();
    assert_eq!(app.state.findings()[i].rule, "blank_cells");
    keys(&mut app, "d原表如此\n");
    assert_eq!(app.state.audit().unwrap().warnings(), 23);
    assert_eq!(app.state.audit().unwrap().dismissed(), 1);
    let text = screen(&app);
    assert!(
        text.contains("4 errors, 23 warnings, 1 dismissed |"),
        "{text}"
    );
    // 新收's blank cells are no longer marked as a warning: dim, not yellow.
    let b = render(&app);
    let y = lines(&b).iter().position(|l| l.contains("│新收 ")).unwrap() as u16;
    let dots: Vec<u16> = (93..160).filter(|&x| b[(x, y)].symbol() == ".").collect();
    assert_eq!(dots.len(), 5, "{}", lines(&b)[y as usize]);
    for x in dots {
        assert_eq!(b[(x, y)].fg, Color::DarkGray, "dismissed: not yellow");
    }
    let y2 = lines(&b)
        .iter()
        .position(|l| l.contains("│上年结转 "))
        .unwrap() as u16;
    let x2 = (93..160).find(|&x| b[(x, y2)].symbol() == ".").unwrap();
    assert_eq!(
        b[(x2, y2)].fg,
        Color::Yellow,
        "an open blank-cells warning stays yellow"
    );
    assert!(
        matches!(
            app.state.view.groups.last(),
            Some(gouji::ui::report_view::Group::Fold { rule: "dismissed", members }) if members == &[i]
        ),
        "dismissed findings are listed last, folded"
    );
    let a = annotations(dir.path());
    assert_eq!(a.verdicts.len(), 1);
    let v = &a.verdicts[0];
    assert_eq!(
        (v.rule.as_str(), v.reason.as_str(), v.verdict.as_str()),
        ("blank_cells", "原表如此", "dismissed")
    );
    assert!(v.fingerprint.starts_with("fnv1a64:"));
    let toml = std::fs::read_to_string(dir.path().join(format!("{S000}.gouji.toml"))).unwrap();
    assert!(toml.contains("[[verdict]]\nrule = \"blank_cells\"\ntable = \"applications\"\ncells = [\"new/commercial\""), "{toml}");
    // Quit and reopen.
    assert!(!app.key(KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE)));
    let mut again = self::app(dir.path(), (160, 45));
    assert_eq!(again.state.audit().unwrap().warnings(), 23);
    assert!(lines(&render(&again))[1].contains("E4 W23 D1"));
    // w never stops on the dismissed warning.
    let cell = again.state.findings()[i].cells[0];
    for _ in 0..30 {
        keys(&mut again, "w");
        if again.state.open != 0 {
            break;
        }
        let sel = again.state.selected_cell().unwrap();
        assert_ne!((sel.row.as_str(), sel.column.as_str()), (cell.0, cell.1));
    }
}

#[test]
fn a_dismissal_lapses_when_its_numbers_change_and_confirming_again_withdraws() {
    let dir = samples_copy();
    let mut app = app(dir.path(), (160, 45));
    to_findings(&mut app);
    // Dismiss the first error (balance, 自然人).
    keys(&mut app, "d\n");
    assert_eq!(app.state.audit().unwrap().errors(), 3);
    assert_eq!(annotations(dir.path()).verdicts[0].rule, "balance");
    // 新收 / 自然人 44 -> 45: the relation still fails, on other numbers.
    let new =
        gouji::report::CellRef::new(gouji::template::TableKey::Applications, "new", "natural");
    press(&mut app, KeyCode::BackTab);
    assert_eq!(app.state.focus, Pane::Table);
    while app.state.selected_cell() != Some(new.clone()) {
        keys(&mut app, "k");
    }
    let sel = app.state.selected_cell().unwrap();
    assert_eq!((sel.row.as_str(), sel.column.as_str()), ("new", "natural"));
    keys(&mut app, "e45\n");
    let a = app.state.audit().unwrap();
    let i = a
        .findings
        .iter()
        .position(|f| f.rule == "balance" && f.cells[0] == ("total", "natural"))
        .unwrap();
    let v = a.verdict(i).unwrap();
    assert!(!v.dismissed(), "lapsed: counted again");
    assert!(
        v.describe()
            .starts_with("dismissal lapsed: the numbers changed since it was given (一、本年新收政府信息公开申请数量 / 自然人 was 44, now 45"),
        "{}",
        v.describe()
    );
    assert_eq!(a.dismissed(), 0);
    let text = screen(&app);
    assert!(
        text.contains("E [dismissal lapsed: "),
        "the list says so:\n{text}"
    );
    // The verdict stays in the file until the reviewer decides again.
    assert_eq!(annotations(dir.path()).verdicts.len(), 1);
    // Confirm it now, then c again withdraws the confirmation.
    to_findings(&mut app);
    keys(&mut app, "g");
    while app.state.cursor_finding() != Some(i) {
        keys(&mut app, "j");
    }
    keys(&mut app, "c核对无误\n");
    assert!(app.state.audit().unwrap().verdict(i).unwrap().confirmed());
    assert_eq!(
        annotations(dir.path()).verdicts[0].verdict.as_str(),
        "confirmed"
    );
    keys(&mut app, "c");
    assert!(app.state.audit().unwrap().verdict(i).is_none());
    assert!(annotations(dir.path()).verdicts.is_empty());
}

#[test]
fn a_new_search_starts_from_an_empty_query() {
    let dir = samples_copy();
    let mut app = app(dir.path(), (80, 24));
    keys(&mut app, "/总计\n");
    assert!(app.state.search.as_ref().unwrap().matches.len() > 1);
    keys(&mut app, "/");
    assert_eq!(app.state.editor.as_ref().unwrap().1.lines(), [""]);
    keys(&mut app, "申请\n");
    assert_eq!(app.state.search.as_ref().unwrap().query, "申请");
    keys(&mut app, "\x1b");
    assert!(app.state.search.is_none(), "Esc clears the search");
    // A note marks its cell in the table; the report's note is on the status line.
    keys(&mut app, "\ta核对原件\n");
    assert!(screen(&app).contains("43^"), "{}", screen(&app));
    keys(&mut app, "A已与原件核对\nj");
    assert!(
        lines(&render(&app))[1].contains("| note: 已与原件核对"),
        "{}",
        screen(&app)
    );
}

#[test]
fn help_fits_80x24_scrolls_to_every_binding_and_esc_closes_it() {
    let dir = samples_copy();
    let mut app = app(dir.path(), (80, 24));
    keys(&mut app, "?");
    let first = lines(&render(&app));
    insta::assert_snapshot!("help_80x24", first.join("\n"));
    let mut seen = first.join("\n");
    for _ in 0..gouji::ui::action::Action::ALL.len() {
        keys(&mut app, "j");
        seen.push_str(&screen(&app));
    }
    for a in gouji::ui::action::Action::ALL {
        assert!(seen.contains(a.describe()), "help shows {:?}", a.describe());
    }
    assert!(seen.contains("Mouse: click selects"));
    // The popup's borders stand on whole cells.
    let b = render(&app);
    for line in lines(&b) {
        assert!(
            unicode_width::UnicodeWidthStr::width(line.as_str()) <= 80,
            "{line}"
        );
    }
    keys(&mut app, "\x1b");
    assert!(!app.state.help);
}

#[test]
fn table_four_of_002_shows_its_three_rows_at_160x45() {
    let dir = samples_copy();
    let mut app = app(dir.path(), (160, 45));
    keys(&mut app, "jj");
    assert_eq!(app.state.open, 2, "the cursor previews the report");
    keys(&mut app, "\t\tG");
    assert_eq!(app.state.focus, Pane::Table);
    let text = screen(&app);
    insta::assert_snapshot!("table_002_review_160x45", text);
    for row in ["行政复议", "诉讼・直接起诉", "诉讼・复议后起诉"] {
        assert!(text.contains(&format!("│{row}")), "{row}:\n{text}");
    }
    assert!(text.contains("维持   纠正   其他   未结   总计"), "{text}");
}

#[test]
fn table_two_has_headers_per_section_and_cells_never_touch() {
    let dir = samples_copy();
    let mut app = app(dir.path(), (160, 45));
    keys(&mut app, "jj\t\tg");
    let text = screen(&app);
    let words = |l: &str| -> Vec<String> {
        l.trim_matches(|c| c == '│' || c == ' ')
            .split_whitespace()
            .map(String::from)
            .collect()
    };
    for head in [
        &["新制作", "新公开", "公开总数"][..],
        &["上年数量", "本年增减", "处理决定"],
        &["采购项目", "采购金额"],
    ] {
        assert!(
            text.lines()
                .any(|l| l.split('│').any(|pane| words(pane) == head)),
            "{head:?}:\n{text}"
        );
    }
    // 002's procurement amount is printed whole, apart from the count before it.
    let row = text.lines().find(|l| l.contains("政府集中采购")).unwrap();
    assert!(row.contains(" 172 ") && row.contains(" 10860.82"), "{row}");
    // The full label of the selected row is on the status line.
    keys(&mut app, "jjjjjjjjjjjjjj");
    let status = lines(&render(&app)).pop().unwrap();
    assert!(
        status.contains("不予公开 / 属于国家秘密") || status.contains("/ "),
        "{status}"
    );
}

#[test]
fn a_5600_character_line_can_be_read_to_its_end() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/web_text_cells_run_together.txt");
    let text = std::fs::read_to_string(&path).unwrap();
    let (n, long) = text
        .lines()
        .enumerate()
        .max_by_key(|(_, l)| l.chars().count())
        .unwrap();
    assert!(long.chars().count() > 5000);
    let tail: String = long
        .trim_end()
        .chars()
        .rev()
        .take(6)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    for size in SIZES {
        let dir = tempfile::tempdir().unwrap();
        std::fs::copy(&path, dir.path().join("web.txt")).unwrap();
        let mut app = app(dir.path(), size);
        // Sideways: l until the end of the line shows.
        keys(&mut app, &format!(":{}\n", n + 1));
        assert_eq!(app.state.focus, Pane::Raw);
        let mut found = false;
        for _ in 0..600 {
            if screen(&app).contains(&tail) {
                found = true;
                break;
            }
            keys(&mut app, "l");
        }
        assert!(found, "{size:?}: scrolled to the end of line {}", n + 1);
        // Wrapped: j through the rows of the line until its end shows.
        keys(&mut app, &format!(":{}\n", n + 1));
        app.key(KeyEvent::new(KeyCode::Char('w'), KeyModifiers::CONTROL));
        assert!(app.state.raw_wrap);
        let mut found = false;
        for _ in 0..400 {
            if screen(&app).contains(&tail) {
                found = true;
                break;
            }
            keys(&mut app, "j");
        }
        assert!(
            found,
            "{size:?}: wrapped rows reach the end of line {}",
            n + 1
        );
        if size.0 < 140 {
            let b = render(&app);
            for y in 2..size.1 - 2 {
                assert_eq!(
                    b[(size.0 - 1, y)].symbol(),
                    "│",
                    "{size:?}: wrapped text stays inside"
                );
            }
        }
    }
}

#[test]
fn screens_at_both_sizes() {
    let dir = samples_copy();
    let mut app = app(dir.path(), (160, 45));
    insta::assert_snapshot!("open_000_160x45", screen(&app));
    let b = render(&app);
    // The error cells of 000 in red in the table.
    let y = lines(&b)
        .iter()
        .position(|l| l.contains("│总计                 43"))
        .unwrap() as u16;
    let x = (92..160).find(|&x| b[(x, y)].symbol() == "4").unwrap();
    assert_eq!(b[(x, y)].fg, Color::Red);
    to_findings(&mut app);
    keys(&mut app, "jjjj\n");
    insta::assert_snapshot!("findings_expanded_160x45", screen(&app));

    let mut small = self::app(dir.path(), (80, 24));
    insta::assert_snapshot!("open_000_80x24_files", screen(&small));
    to_findings(&mut small);
    insta::assert_snapshot!("findings_80x24", screen(&small));
    keys(&mut small, "\n");
    insta::assert_snapshot!("detail_80x24", screen(&small));
    keys(&mut small, "\x1b\t\t");
    assert_eq!(small.state.focus, Pane::Raw);
    insta::assert_snapshot!("raw_80x24", screen(&small));
    keys(&mut small, "\t");
    insta::assert_snapshot!("table_80x24", screen(&small));
    // The counts are never cut at 80 columns.
    assert!(lines(&render(&small))[23].starts_with("4 errors, 24 warnings |"));
}

#[test]
fn files_are_named_by_their_path_below_the_folder_opened() {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["a", "b"] {
        std::fs::create_dir(dir.path().join(sub)).unwrap();
        std::fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("assets/samples")
                .join(S000),
            dir.path().join(sub).join("page.txt"),
        )
        .unwrap();
    }
    // As the binary opens a folder: the folder is the input.
    let (reports, _) = gouji::audit::Reports::walk(vec![dir.path().to_path_buf()]);
    let app = App::loaded(
        reports,
        Config::default(),
        Templates::embedded().unwrap(),
        (160, 45),
    );
    let names: Vec<&str> = app.state.entries.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["a/page.txt", "b/page.txt"]);
    let text = screen(&app);
    assert!(text.contains("│  a/page.txt"), "{text}");
    assert!(text.contains("│  b/page.txt"), "{text}");
}

/// An HTML page is numbered by its own lines as saved, in the raw pane, on the status line and
/// in `gouji check` alike.
#[test]
fn html_pages_have_one_line_numbering() {
    let page = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/layout_g_html_table.html"),
    )
    .unwrap();
    let total_row = page.find("(七) 总计").unwrap();
    let at = total_row + page[total_row..].find(">44<").unwrap() + 1;
    let broken = format!("{}45{}", &page[..at], &page[at + 2..]);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("page.html"), &broken).unwrap();
    let line = broken[..at].matches('\n').count() + 1;
    let col = broken[..at].rsplit('\n').next().unwrap().chars().count() + 1;
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gouji"))
        .args(["check", "--errors-only"])
        .arg(dir.path().join("page.html"))
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.contains(&format!("page.html:{line}:{col}: error[")),
        "{out}"
    );
    let app = app(dir.path(), (160, 45));
    let sel = app.state.selected_cell().unwrap();
    assert_eq!(
        (sel.row.as_str(), sel.column.as_str()),
        ("total", "natural")
    );
    let status = gouji::ui::status::cell_status(&app.state).unwrap();
    assert!(status.contains(&format!("[line {line}:{col}]")), "{status}");
    let text = lines(&render(&app));
    // The raw pane numbers each line of the extracted text by the page line it starts on.
    let row = text
        .iter()
        .find(|l| l.contains("(七) 总计 | 45"))
        .unwrap_or_else(|| panic!("{}", text.join("\n")));
    let n: usize = row
        .split('│')
        .nth(3)
        .and_then(|r| r.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{row}"));
    assert!(n <= line && line - n < 3, "{n} for {line}: {row}");
    // Going to the page's line shows the row that holds it.
    let mut app = app;
    keys(&mut app, &format!(":{line}\n"));
    let top = lines(&render(&app))[1].clone();
    assert!(top.contains("(七) 总计 | 45"), "{top}");
}

/// A popup over Chinese text never leaves half a wide character under its border: the
/// character cut by the popup's left edge is blanked (a terminal would draw it over the border).
#[test]
fn popups_over_chinese_text_keep_their_borders_whole() {
    use ratatui::layout::Rect;
    use ratatui::widgets::{Block, Borders, Paragraph};
    let mut t = Terminal::new(TestBackend::new(12, 3)).unwrap();
    t.draw(|f| {
        f.render_widget(Paragraph::new(vec!["中文中文中文".into(); 3]), f.area());
        // Column 3 is the second half of the second character.
        let r = Rect::new(3, 0, 6, 3);
        gouji::ui::view::clear_popup(f, r);
        f.render_widget(Block::default().borders(Borders::ALL), r);
    })
    .unwrap();
    let b = t.backend().buffer().clone();
    for y in 0..3 {
        assert!(
            unicode_width::UnicodeWidthStr::width(b[(2, y)].symbol()) <= 1,
            "row {y}: {:?}",
            lines(&b)[y as usize]
        );
        assert!(["┌", "│", "└"].contains(&b[(3, y)].symbol()));
    }
    // The character the right border covers leaves a blank, not half a glyph.
    assert_eq!(lines(&b)[1], "中 │    │ 文");
}
