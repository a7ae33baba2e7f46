//! Glued digits (web text, layout E: "予以公开1011002") against brute force over the whole
//! table. The brute force cuts every row's digits in every way, keeps the cuts that satisfy
//! the row's own total, then tries every combination of the rows left open against every
//! column relation. Where the table admits one reading, gouji must read it; where it admits
//! several, gouji must not read a cell on which they disagree; a cell it reads is never wrong.

use std::collections::BTreeMap;
use std::path::PathBuf;

use gouji::checker::{Severity, check};
use gouji::parser::parse_with;
use gouji::synth::{Layout, Rng, Tables, consistent, render};
use gouji::template::{TableKey, Template, Templates};
use gouji::text::Value;

/// Most readings gouji keeps for one row (src/parser/cells.rs): past it, a row may stay unread.
const ROW_READINGS: usize = 32;

/// A consistent applications table of small numbers, many of them two-digit ones that make
/// digit runs ambiguous (10, 11, 12 …).
fn small_table(t: &Template, rng: &mut Rng) -> Tables {
    let mut tables = consistent(t, rng);
    let results: Vec<&str> = t
        .applications
        .rows
        .iter()
        .filter(|r| {
            !r.optional && !matches!(r.key, "new" | "carried_over" | "total" | "carried_forward")
        })
        .map(|r| r.key)
        .collect();
    let small = |rng: &mut Rng| -> i64 {
        match rng.below(6) {
            0..=2 => 0,
            3 => rng.below(10) as i64,
            _ => 10 + rng.below(4) as i64,
        }
    };
    let mut total = [0i64; 6];
    for key in &results {
        let v: Vec<i64> = (0..6).map(|_| small(rng)).collect();
        for (t, x) in total.iter_mut().zip(&v) {
            *t += x;
        }
        set(&mut tables, key, &v);
    }
    let carried_forward: Vec<i64> = (0..6).map(|_| small(rng)).collect();
    let carried_over: Vec<i64> = (0..6)
        .map(|c| (small(rng)).min(total[c] + carried_forward[c]))
        .collect();
    let new: Vec<i64> = (0..6)
        .map(|c| total[c] + carried_forward[c] - carried_over[c])
        .collect();
    set(&mut tables, "total", &total);
    set(&mut tables, "carried_forward", &carried_forward);
    set(&mut tables, "carried_over", &carried_over);
    set(&mut tables, "new", &new);
    tables
}

/// Sets an applications row's six applicant cells and its 总计.
fn set(tables: &mut Tables, row: &str, v: &[i64]) {
    let cells = tables.get_mut(TableKey::Applications, row).unwrap();
    for (c, x) in cells.iter_mut().zip(v) {
        *c = Some(*x);
    }
    cells[6] = Some(v.iter().sum());
}

/// Every cut of `digits` into `n` cells (no multi-digit cell starting with 0) whose last cell
/// is the sum of the others.
fn row_cuts(digits: &str, n: usize) -> Vec<Vec<i64>> {
    fn walk(d: &[u8], n: usize, cur: &mut Vec<i64>, out: &mut Vec<Vec<i64>>) {
        if cur.len() == n {
            if d.is_empty() && cur[n - 1] == cur[..n - 1].iter().sum::<i64>() {
                out.push(cur.clone());
            }
            return;
        }
        let max = if d.first() == Some(&b'0') {
            1
        } else {
            d.len().min(15)
        };
        for len in 1..=max {
            let v = std::str::from_utf8(&d[..len]).unwrap().parse().unwrap();
            cur.push(v);
            walk(&d[len..], n, cur, out);
            cur.pop();
        }
    }
    let mut out = Vec::new();
    walk(digits.as_bytes(), n, &mut Vec::new(), &mut out);
    out
}

/// The brute force's table solutions: row key → cells, for every combination of the rows'
/// cuts that satisfies results_sum and balance in every column. `None` when too many to try.
fn table_solutions(
    rows: &[(&'static str, Vec<Vec<i64>>)],
    results: &[&str],
) -> Option<Vec<BTreeMap<&'static str, Vec<i64>>>> {
    let combos: usize = rows.iter().map(|(_, c)| c.len()).product();
    if combos > 50_000 {
        return None;
    }
    let mut out = Vec::new();
    for mut k in 0..combos {
        let mut sol = BTreeMap::new();
        for (key, cuts) in rows {
            sol.insert(*key, cuts[k % cuts.len()].clone());
            k /= cuts.len();
        }
        let ok = (0..7).all(|c| {
            let v = |r: &str| sol[r][c];
            let results_sum: i64 = results.iter().map(|r| v(r)).sum();
            v("total") == results_sum
                && v("total") + v("carried_forward") == v("new") + v("carried_over")
        });
        if ok {
            out.push(sol);
        }
    }
    Some(out)
}

#[test]
fn whole_table_solving_agrees_with_brute_force() {
    let ts = Templates::embedded().unwrap();
    let (mut recovered_by_table, mut left_open, mut cases) = (0, 0, 0);
    for id in ["2019", "2021"] {
        let t = ts.get(id).unwrap();
        let results: Vec<&str> = t
            .applications
            .rows
            .iter()
            .filter(|r| {
                !r.optional
                    && !matches!(r.key, "new" | "carried_over" | "total" | "carried_forward")
            })
            .map(|r| r.key)
            .collect();
        for seed in 0..150 {
            let truth = small_table(t, &mut Rng::new(seed));
            let text = render(t, &truth, Layout::E, "测试区人民政府", 2022);
            let parsed = parse_with(PathBuf::from("e.txt"), text.clone(), "UTF-8", t);
            let apps = parsed.report.table(TableKey::Applications).unwrap();
            let rows: Vec<(&'static str, Vec<Vec<i64>>)> = t
                .applications
                .rows
                .iter()
                .filter(|r| !r.optional)
                .map(|r| {
                    let digits: String = truth
                        .get(TableKey::Applications, r.key)
                        .unwrap()
                        .iter()
                        .map(|c| c.unwrap().to_string())
                        .collect();
                    (r.key, row_cuts(&digits, 7))
                })
                .collect();
            let Some(solutions) = table_solutions(&rows, &results) else {
                continue;
            };
            cases += 1;
            assert!(!solutions.is_empty(), "the truth adds up\n{text}");
            let all_small = rows.iter().all(|(_, c)| c.len() <= ROW_READINGS);
            for (key, cuts) in &rows {
                let got: Vec<Option<i64>> = apps
                    .row(key)
                    .unwrap()
                    .cells
                    .iter()
                    .map(|c| match c.as_ref().map(|c| &c.value) {
                        Some(Value::Int(i)) => Some(*i),
                        Some(v) => panic!("{key}: {v:?}"),
                        None => None,
                    })
                    .collect();
                let want: Vec<i64> = truth
                    .get(TableKey::Applications, key)
                    .unwrap()
                    .iter()
                    .map(|c| c.unwrap())
                    .collect();
                for c in 0..7 {
                    let agree = solutions.iter().all(|s| s[key][c] == want[c]);
                    match got[c] {
                        // Never a guess: a cell read is the truth, and one the table's
                        // readings disagree on is never read.
                        Some(v) => {
                            assert_eq!(v, want[c], "{key}[{c}] read wrong\n{text}");
                            assert!(agree, "{key}[{c}] read although readings differ\n{text}");
                        }
                        // One reading of the whole table: every cell is read.
                        None => assert!(
                            !(solutions.len() == 1 && all_small),
                            "{key}[{c}] unread although the table has one reading\n{text}"
                        ),
                    }
                }
                if cuts.len() > 1 && solutions.len() == 1 && all_small {
                    recovered_by_table += 1;
                }
                if got.iter().any(Option::is_none) {
                    left_open += 1;
                }
            }
            // What was read is consistent, so no error is ever reported on a true table.
            let findings = check(&parsed.report, t, &parsed.notes);
            assert!(
                findings.iter().all(|f| f.severity != Severity::Error),
                "{findings:#?}\n{text}"
            );
        }
    }
    // The generator must exercise both outcomes, or the test proves nothing.
    assert!(cases > 200, "{cases} cases");
    assert!(
        recovered_by_table > 20,
        "{recovered_by_table} rows only the table decides"
    );
    assert!(left_open > 5, "{left_open} rows left open");
}
