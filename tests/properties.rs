//! Property tests over synthetic reports (consistent by construction) and arbitrary bytes.

use std::path::{Path, PathBuf};

use gouji::audit::{ReadOptions, audit_bytes};
use gouji::checker::Severity;
use gouji::parser::parse_with;
use gouji::synth::{Layout, Rng, Tables, consistent, render};
use gouji::template::{TableKey, Templates};
use gouji::text::Value;
use proptest::prelude::*;

fn templates() -> Templates {
    Templates::embedded().expect("embedded templates load")
}

/// Parses `text` with template `id`: every cell as the synthetic tables hold them (integers;
/// anything else as `None`), the parser's notes, and the findings.
fn parse_synthetic(
    text: &str,
    id: &str,
) -> (
    Tables,
    Vec<gouji::parser::ParseNote>,
    Vec<gouji::checker::Finding>,
) {
    let ts = templates();
    let t = ts.get(id).expect("template");
    let parsed = parse_with(PathBuf::from("synthetic.txt"), text.to_string(), "UTF-8", t);
    let findings = gouji::checker::check(&parsed.report, t, &parsed.notes);
    let mut rows = Vec::new();
    for table in &parsed.report.tables {
        for row in &table.rows {
            let cells = row
                .cells
                .iter()
                .map(|c| match c.as_ref().map(|c| &c.value) {
                    Some(Value::Int(i)) => Some(*i),
                    _ => None,
                })
                .collect();
            rows.push((table.key, row.key, cells));
        }
    }
    (Tables { rows }, parsed.notes, findings)
}

fn parsed_tables(text: &str, id: &str) -> (Tables, Vec<gouji::checker::Finding>) {
    let (tables, _, findings) = parse_synthetic(text, id);
    (tables, findings)
}

fn layout() -> impl Strategy<Value = Layout> {
    prop::sample::select(Layout::ALL.to_vec())
}

fn generation() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["2019", "2021"])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn parsing_never_panics_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        let _ = audit_bytes(Path::new("noise.bin"), &bytes, &templates(), &ReadOptions::default());
    }

    #[test]
    fn parsing_never_panics_on_table_like_text(s in "[一二三（）()|\t \n0-9a-z合计总计规章予以公开行政复议自然人.、-]{0,400}") {
        let _ = audit_bytes(Path::new("noise.txt"), s.as_bytes(), &templates(), &ReadOptions::default());
    }

    #[test]
    fn consistent_tables_round_trip_without_errors(seed in any::<u64>(), layout in layout(), id in generation()) {
        let ts = templates();
        let t = ts.get(id).unwrap();
        let tables = consistent(t, &mut Rng::new(seed));
        let text = render(t, &tables, layout, "测试区人民政府", if id == "2019" { 2020 } else { 2022 });
        let (got, findings) = parsed_tables(&text, id);
        prop_assert_eq!(&got, &tables);
        let errors: Vec<_> = findings.iter().filter(|f| f.severity == Severity::Error).collect();
        prop_assert!(errors.is_empty(), "unexpected errors: {:?}", errors);
    }

    #[test]
    fn changing_one_cell_is_named(seed in any::<u64>(), layout in layout(), id in generation(),
                                  row_pick in any::<prop::sample::Index>(), col_pick in 0usize..7, delta in 1i64..50) {
        let ts = templates();
        let t = ts.get(id).unwrap();
        let mut tables = consistent(t, &mut Rng::new(seed));
        let keys: Vec<&str> = t.applications.rows.iter().filter(|r| !r.optional).map(|r| r.key).collect();
        let row = *row_pick.get(&keys);
        let col = t.applications.columns.iter().filter(|c| !c.optional).nth(col_pick).unwrap().key;
        let cells = tables.get_mut(TableKey::Applications, row).unwrap();
        cells[col_pick] = Some(cells[col_pick].unwrap_or(0) + delta);
        let text = render(t, &tables, layout, "测试区人民政府", 2022);
        let (_, findings) = parsed_tables(&text, id);
        let naming: Vec<_> = findings
            .iter()
            .filter(|f| f.severity == Severity::Error && f.cells.contains(&(row, col)))
            .collect();
        // The changed cell breaks its row's total (or, in the total column, the row identity)
        // and at least one column relation.
        prop_assert!(naming.len() >= 2, "findings naming {}/{}: {:?}", row, col, findings);
        prop_assert!(naming.iter().any(|f| f.rule == "row_total"));
        prop_assert!(naming.iter().any(|f| f.rule == "balance" || f.rule == "results_sum"));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Web text runs cells together. A split is only used when it is the one way the row (or,
    /// failing that, the whole table) adds up, and the true numbers always add up, so a parsed
    /// cell is never wrong: each cell is exactly the truth or left unread, and a row with an
    /// unread cell has a note saying why.
    #[test]
    fn web_text_cells_are_exact_or_unread_never_wrong(seed in any::<u64>(), id in generation()) {
        let ts = templates();
        let t = ts.get(id).unwrap();
        let truth = consistent(t, &mut Rng::new(seed));
        let text = render(t, &truth, Layout::E, "测试区人民政府", if id == "2019" { 2020 } else { 2022 });
        let (parsed, notes, _) = parse_synthetic(&text, id);
        let rows = parsed.rows;
        let mut exact = 0;
        for (table, row, cells) in &rows {
            let want: Vec<Option<i64>> = truth.get(*table, row).unwrap().iter().map(|c| Some(c.unwrap_or(0))).collect();
            if *cells == want {
                exact += 1;
                continue;
            }
            for (got, want) in cells.iter().zip(&want) {
                prop_assert!(got.is_none() || got == want, "{}: {:?} is not {:?} where read\n{}", row, cells, want, text);
            }
            prop_assert!(notes.iter().any(|n| n.table == *table && n.row == *row), "{} left empty without a note", row);
        }
        // Most application rows are decided by their row total.
        let apps_exact = rows.iter().filter(|(t, r, c)| *t == TableKey::Applications && truth.get(*t, r).is_some_and(|w| w.iter().map(|x| Some(x.unwrap_or(0))).collect::<Vec<_>>() == *c)).count();
        prop_assert!(apps_exact * 2 >= t.applications.rows.iter().filter(|r| !r.optional).count(), "only {} application rows recovered\n{}", apps_exact, text);
        prop_assert!(exact > 0);
    }
}

/// A reviewer's change, with text that TOML must quote or escape.
fn op() -> impl Strategy<Value = gouji::annotations::Op> {
    use gouji::annotations::{Op, Status};
    use gouji::report::CellRef;
    let text = "[\"'\\\\\n\t =#\\[\\]{}.,a-z0-9合计总计万元－＋]{0,12}";
    let cell = (
        prop::sample::select(vec!["active", "applications", "review"]),
        prop::sample::select(vec![
            "new",
            "total",
            "withheld.law_prohibited",
            "rules",
            "x\"y",
        ]),
        prop::sample::select(vec!["natural", "total", "new", "a b"]),
    )
        .prop_map(|(t, r, c)| CellRef {
            table: t.into(),
            row: r.into(),
            column: c.into(),
        });
    prop_oneof![
        (cell.clone(), text, text).prop_map(|(cell, parsed, value)| Op::Correct {
            cell,
            parsed,
            value
        }),
        cell.clone().prop_map(|cell| Op::Revert { cell }),
        (cell, text, text).prop_map(|(cell, parsed, note)| Op::CellNote { cell, parsed, note }),
        text.prop_map(Op::ReportNote),
        prop::sample::select(vec![Status::Todo, Status::Reviewed, Status::Flagged])
            .prop_map(Op::SetStatus),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Annotations saved after any sequence of changes read back as exactly what was saved.
    #[test]
    fn annotations_save_then_load_is_the_identity(ops in prop::collection::vec(op(), 1..12), reviewer in "[a-z张王\" ]{0,6}") {
        use gouji::annotations::{load, save};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.txt.gouji.toml");
        let mut loaded = load(&path, "r.txt", "abc").unwrap();
        for op in &ops {
            loaded = save(&path, &loaded, op, "abc", "2026-11-23T00:00:00Z", &reviewer)
                .unwrap()
                .loaded;
            let back = load(&path, "r.txt", "abc").unwrap();
            prop_assert_eq!(&back.annotations, &loaded.annotations);
            prop_assert_eq!(back.disk.as_deref(), loaded.disk.as_deref());
        }
    }

    /// An annotation file with corrections of real cells (any text as the value), whole or cut
    /// off anywhere: reading it gives the annotations written or a message naming the file;
    /// every correction read is applied to its cell; the file is never touched.
    #[test]
    fn annotation_files_whole_or_cut_are_applied_or_named(
        edits in prop::collection::vec((0usize..3, 0usize..40, 0usize..8, prop::sample::select(vec!["44", "－3", "+7", "1.5万元", "", "  12 ", "abc", "1e99", "NaN", "9999999999999999999"])), 1..10),
        cut in prop::option::of(0.0f64..1.0),
    ) {
        use gouji::annotations::{Annotations, Op, load, apply_corrections};
        use gouji::report::CellRef;
        let report = gouji::parser::parse(
            PathBuf::from("r.txt"),
            include_str!("../assets/samples/000_baa44959fd9d628f.txt").to_string(),
            "UTF-8",
            &templates(),
        )
        .report;
        let mut a = Annotations::new("r.txt", "h");
        for (t, r, c, value) in &edits {
            let table = &report.tables[*t];
            let row = &table.rows[r % table.rows.len()];
            let column = row.columns[c % row.columns.len()];
            let cell = CellRef::new(table.key, row.key, column);
            // Made on the value the cell holds, as the workbench records it.
            let parsed = report.cell(&cell).map_or(String::new(), |c| c.raw.clone());
            a.apply(&Op::Correct { cell, parsed, value: value.to_string() }, "2026-11-23T00:00:00Z", "王");
        }
        let mut text = a.to_toml();
        if let Some(f) = cut {
            let mut at = (text.len() as f64 * f) as usize;
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            text.truncate(at);
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.txt.gouji.toml");
        std::fs::write(&path, &text).unwrap();
        match load(&path, "r.txt", "h") {
            Ok(l) => {
                if cut.is_none() {
                    prop_assert_eq!(&l.annotations, &a);
                }
                let applied = apply_corrections(&report, &l.annotations, templates().get("2019"));
                prop_assert!(applied.stale.is_empty(), "{:?}", applied.stale);
                let (corrected, originals) = (applied.report, applied.originals);
                prop_assert_eq!(originals.len(), l.annotations.corrections());
                for e in l.annotations.cells.iter().filter(|e| e.corrected.is_some()) {
                    let cell = corrected.cell(&e.cell_ref()).unwrap();
                    prop_assert_eq!(Some(&cell.raw), e.corrected.as_ref());
                }
            }
            Err(e) => {
                prop_assert!(cut.is_some(), "a whole file failed to read: {}", e);
                prop_assert!(e.to_string().contains("r.txt.gouji.toml"), "{}", e);
            }
        }
        prop_assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    }
}
