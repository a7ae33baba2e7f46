//! A template file checked like compiler input before any report is parsed with it.
//!
//! A template is data: a typo in a row key or a relation entry must not quietly disable a
//! check, and a row the parser cannot fill (no columns, no labels) must not reach it. Every
//! entry is checked once, at load, and the first problem is reported with the file and the
//! entry it is in ([`TemplateError::Invalid`]).

use std::collections::HashSet;

use super::{ForEach, Key, Layout, RelationSpec, TableFile, TableKey, key_matches};
use crate::text::fold_label;

/// Why a template file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    /// The file is not TOML of a template's shape (unknown keys included); the source names
    /// the line.
    #[error("template {template} is not a valid template file")]
    Toml {
        template: String,
        #[source]
        source: toml::de::Error,
    },
    /// The file is well-formed but one of its entries is unusable.
    #[error("{template}: {problem}")]
    Invalid {
        template: String,
        problem: TemplateProblem,
    },
    /// Two templates of one set share an id, so reports could not name which one they use.
    #[error("{template}: template id `{id}` is already used by another template")]
    DuplicateTemplate { template: String, id: String },
}

impl TemplateError {
    /// The problem with an entry, when the file parsed but did not validate.
    pub fn problem(&self) -> Option<&TemplateProblem> {
        match self {
            TemplateError::Invalid { problem, .. } => Some(problem),
            _ => None,
        }
    }
}

/// What is wrong with one entry of a template. `table` is the table's key (`active`,
/// `applications`, `review`); row, column and relation names are the keys as written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateProblem {
    #[error("`years` is empty, so no report year fits the template")]
    NoYears,
    #[error("`markers` is empty, so the template is never detected from a report's wording")]
    NoMarkers,
    #[error("marker {marker:?} is blank, so it would be found in every report")]
    BlankMarker { marker: String },
    #[error(
        "table {table} has no anchors, so its region never starts and none of its rows is read"
    )]
    NoAnchors { table: &'static str },
    #[error("table {table} has no columns")]
    NoColumns { table: &'static str },
    #[error("table {table} has no rows")]
    NoRows { table: &'static str },
    #[error(
        "table {table} has layout `{layout}`, but gouji reads that table only as `{supported}`"
    )]
    UnsupportedLayout {
        table: &'static str,
        layout: &'static str,
        supported: &'static str,
    },
    #[error(
        "table {table}: label {label:?} is empty once folded (white space and Word's bookmark \
         residue removed), so it could match nothing"
    )]
    EmptyLabel { table: &'static str, label: String },
    #[error("table {table}: column `{column}` has no labels, so no header can name it")]
    ColumnWithoutLabels { table: &'static str, column: Key },
    #[error("table {table}: column key `{column}` is used twice")]
    DuplicateColumn { table: &'static str, column: Key },
    #[error("table {table}: row `{row}` has no labels, so no text of a report can open it")]
    RowWithoutLabels { table: &'static str, row: Key },
    #[error("table {table}: row `{row}` has no columns, so it could hold no cell")]
    RowWithoutColumns { table: &'static str, row: Key },
    #[error(
        "table {table}: row `{row}` names column `{column}`, which table {table} does not have"
    )]
    RowUnknownColumn {
        table: &'static str,
        row: Key,
        column: Key,
    },
    #[error("table {table}: row key `{row}` is used twice")]
    DuplicateRow { table: &'static str, row: Key },
    #[error("relation id `{relation}` is used twice")]
    DuplicateRelation { relation: Key },
    #[error(
        "relation `{relation}` names table `{table}`; the tables are active, applications and review"
    )]
    UnknownTable { relation: Key, table: String },
    #[error("relation `{relation}` has an empty `{side}` list, so it could never be checked")]
    EmptyRelationSide { relation: Key, side: &'static str },
    #[error("relation `{relation}` names row `{row}`, which no row of table {table} has")]
    UnknownRow {
        relation: Key,
        table: &'static str,
        row: String,
    },
    #[error("relation `{relation}` names column `{column}`, which no column of table {table} has")]
    UnknownColumn {
        relation: Key,
        table: &'static str,
        column: String,
    },
}

/// The parts of a template file that validation reads, borrowed from the raw file.
pub(super) struct Raw<'a> {
    pub years: &'a [i32],
    pub markers: &'a [String],
    pub tables: [(TableKey, &'a TableFile); 3],
    pub relations: &'a [RelationSpec],
}

/// The first problem of the template, in file order: template fields, then each table, then
/// each relation.
pub(super) fn validate(raw: &Raw) -> Result<(), TemplateProblem> {
    if raw.years.is_empty() {
        return Err(TemplateProblem::NoYears);
    }
    if raw.markers.is_empty() {
        return Err(TemplateProblem::NoMarkers);
    }
    if let Some(m) = raw.markers.iter().find(|m| m.trim().is_empty()) {
        return Err(TemplateProblem::BlankMarker { marker: m.clone() });
    }
    for (key, table) in raw.tables {
        validate_table(key, table)?;
    }
    let mut ids = HashSet::new();
    for rel in raw.relations {
        if !ids.insert(rel.id) {
            return Err(TemplateProblem::DuplicateRelation { relation: rel.id });
        }
        validate_relation(rel, &raw.tables)?;
    }
    Ok(())
}

/// The layout the parser reads each statutory table in.
fn supported_layout(key: TableKey) -> Layout {
    match key {
        TableKey::Active | TableKey::Applications => Layout::LabelledRows,
        TableKey::Review => Layout::HeaderRow,
    }
}

fn validate_table(key: TableKey, t: &TableFile) -> Result<(), TemplateProblem> {
    let table = key.as_str();
    let supported = supported_layout(key);
    if t.layout != supported {
        return Err(TemplateProblem::UnsupportedLayout {
            table,
            layout: t.layout.as_str(),
            supported: supported.as_str(),
        });
    }
    if t.anchors.is_empty() {
        return Err(TemplateProblem::NoAnchors { table });
    }
    let labels = t
        .anchors
        .iter()
        .chain(t.columns.iter().flat_map(|c| &c.labels))
        .chain(t.rows.iter().flat_map(|r| &r.labels));
    for l in labels {
        if fold_label(l).is_empty() {
            return Err(TemplateProblem::EmptyLabel {
                table,
                label: l.clone(),
            });
        }
    }
    if t.columns.is_empty() {
        return Err(TemplateProblem::NoColumns { table });
    }
    let mut columns = HashSet::new();
    for c in &t.columns {
        if !columns.insert(c.key) {
            return Err(TemplateProblem::DuplicateColumn {
                table,
                column: c.key,
            });
        }
        if c.labels.is_empty() {
            return Err(TemplateProblem::ColumnWithoutLabels {
                table,
                column: c.key,
            });
        }
    }
    if t.rows.is_empty() {
        return Err(TemplateProblem::NoRows { table });
    }
    let has_default_columns = t.columns.iter().any(|c| !c.optional);
    let mut rows = HashSet::new();
    for r in &t.rows {
        if !rows.insert(r.key) {
            return Err(TemplateProblem::DuplicateRow { table, row: r.key });
        }
        if r.labels.is_empty() {
            return Err(TemplateProblem::RowWithoutLabels { table, row: r.key });
        }
        match &r.columns {
            Some(cols) if cols.is_empty() => {
                return Err(TemplateProblem::RowWithoutColumns { table, row: r.key });
            }
            Some(cols) => {
                if let Some(&column) = cols.iter().find(|c| !columns.contains(*c)) {
                    return Err(TemplateProblem::RowUnknownColumn {
                        table,
                        row: r.key,
                        column,
                    });
                }
            }
            None if !has_default_columns => {
                return Err(TemplateProblem::RowWithoutColumns { table, row: r.key });
            }
            None => {}
        }
    }
    Ok(())
}

/// Every entry of both sides must name something of the relation's table: rows for
/// `for_each = "column"`, columns for `for_each = "row"` (a `.*` pattern at least one).
fn validate_relation(
    rel: &RelationSpec,
    tables: &[(TableKey, &TableFile); 3],
) -> Result<(), TemplateProblem> {
    let Some(&(key, t)) = tables.iter().find(|(k, _)| k.as_str() == rel.table) else {
        return Err(TemplateProblem::UnknownTable {
            relation: rel.id,
            table: rel.table.clone(),
        });
    };
    let table = key.as_str();
    for (side, list) in [("stated", &rel.stated), ("computed", &rel.computed)] {
        if list.is_empty() {
            return Err(TemplateProblem::EmptyRelationSide {
                relation: rel.id,
                side,
            });
        }
        for entry in list {
            match rel.for_each {
                ForEach::Column => {
                    if !t.rows.iter().any(|r| key_matches(entry, r.key)) {
                        return Err(TemplateProblem::UnknownRow {
                            relation: rel.id,
                            table,
                            row: entry.clone(),
                        });
                    }
                }
                ForEach::Row => {
                    if !t.columns.iter().any(|c| key_matches(entry, c.key)) {
                        return Err(TemplateProblem::UnknownColumn {
                            relation: rel.id,
                            table,
                            column: entry.clone(),
                        });
                    }
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::{Template, Templates};
    use super::*;

    const T2021: &str = include_str!("../../assets/templates/2021.toml");

    /// The error of the 2021 template with `from` (which must occur) replaced by `to` once.
    fn broken(from: &str, to: &str) -> TemplateError {
        assert!(T2021.contains(from), "{from:?} not in 2021.toml");
        let src = T2021.replacen(from, to, 1);
        match Template::from_toml("2021.toml", &src) {
            Ok(_) => panic!("2021.toml with {from:?} → {to:?} loaded"),
            Err(e) => e,
        }
    }

    /// The problem of the 2021 template with `from` replaced by `to`.
    fn problem(from: &str, to: &str) -> TemplateProblem {
        let e = broken(from, to);
        e.problem()
            .cloned()
            .unwrap_or_else(|| panic!("{:#}", anyhow::Error::from(e)))
    }

    /// The 2021 template without the text from `start` up to (not including) `end`.
    fn cut(start: &str, end: &str) -> TemplateProblem {
        let (a, b) = (T2021.find(start).unwrap(), T2021.find(end).unwrap());
        let src = format!("{}{}", &T2021[..a], &T2021[b..]);
        let e = Template::from_toml("2021.toml", &src).unwrap_err();
        e.problem()
            .cloned()
            .unwrap_or_else(|| panic!("{:#}", anyhow::Error::from(e)))
    }

    #[test]
    fn every_embedded_template_validates() {
        let ts = Templates::embedded().unwrap();
        let ids: Vec<&str> = ts.all.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["2019", "2021"]);
        for (name, src) in super::super::EMBEDDED {
            if let Err(e) = Template::from_toml(name, src) {
                panic!("{e}");
            }
        }
    }

    #[test]
    fn a_relation_naming_a_row_no_table_has_is_refused_by_file_and_entry() {
        let e = broken(
            r#""withheld.*", "unavailable.*""#,
            r#""withheld.foo", "unavailable.*""#,
        );
        assert_eq!(
            e.to_string(),
            "2021.toml: relation `results_sum` names row `withheld.foo`, which no row of table \
             applications has"
        );
        // A pattern matching no row is a typo too: it would silently sum nothing.
        assert_eq!(
            problem(
                r#""withheld.*", "unavailable.*""#,
                r#""withhold.*", "unavailable.*""#
            ),
            TemplateProblem::UnknownRow {
                relation: "results_sum",
                table: "applications",
                row: "withhold.*".into()
            }
        );
        assert_eq!(
            problem(
                r#"stated = ["total", "carried_forward"]"#,
                r#"stated = ["total", "carried_fwd"]"#
            ),
            TemplateProblem::UnknownRow {
                relation: "balance",
                table: "applications",
                row: "carried_fwd".into()
            }
        );
    }

    #[test]
    fn a_relation_naming_a_column_or_table_no_template_has_is_refused() {
        assert_eq!(
            problem(
                r#"computed = ["maintained", "corrected""#,
                r#"computed = ["maintaned", "corrected""#
            ),
            TemplateProblem::UnknownColumn {
                relation: "review_sum",
                table: "review",
                column: "maintaned".into()
            }
        );
        assert_eq!(
            problem(
                r#"stated = ["org_subtotal"]"#,
                r#"stated = ["org_sub_total"]"#
            ),
            TemplateProblem::UnknownColumn {
                relation: "org_subtotal",
                table: "applications",
                column: "org_sub_total".into()
            }
        );
        assert_eq!(
            problem(r#"table = "review""#, r#"table = "reveiw""#),
            TemplateProblem::UnknownTable {
                relation: "review_sum",
                table: "reveiw".into()
            }
        );
        assert_eq!(
            problem(
                "stated = [\"total\"]\ncomputed = [\"maintained\"",
                "stated = []\ncomputed = [\"maintained\""
            ),
            TemplateProblem::EmptyRelationSide {
                relation: "review_sum",
                side: "stated"
            }
        );
    }

    #[test]
    fn duplicate_keys_and_ids_are_refused() {
        assert_eq!(
            problem(r#"id = "org_subtotal""#, r#"id = "row_total""#),
            TemplateProblem::DuplicateRelation {
                relation: "row_total"
            }
        );
        assert_eq!(
            problem(
                r#"key = "withheld.inquiry""#,
                r#"key = "withheld.state_secret""#
            ),
            TemplateProblem::DuplicateRow {
                table: "applications",
                row: "withheld.state_secret"
            }
        );
        assert_eq!(
            problem(r#"key = "research""#, r#"key = "commercial""#),
            TemplateProblem::DuplicateColumn {
                table: "applications",
                column: "commercial"
            }
        );
        let twice = Templates::from_sources(&[("2021.toml", T2021), ("mine.toml", T2021)]);
        assert_eq!(
            twice.unwrap_err().to_string(),
            "mine.toml: template id `2021` is already used by another template"
        );
    }

    #[test]
    fn rows_and_columns_the_parser_could_not_fill_are_refused() {
        assert_eq!(
            problem(r#"columns = ["fee_amount"]"#, "columns = []"),
            TemplateProblem::RowWithoutColumns {
                table: "active",
                row: "fees"
            }
        );
        assert_eq!(
            problem(r#"columns = ["fee_amount"]"#, r#"columns = ["fee_amt"]"#),
            TemplateProblem::RowUnknownColumn {
                table: "active",
                row: "fees",
                column: "fee_amt"
            }
        );
        assert_eq!(
            problem(r#"labels = ["(七)总计"]"#, "labels = []"),
            TemplateProblem::RowWithoutLabels {
                table: "applications",
                row: "total"
            }
        );
        assert_eq!(
            problem(r#"labels = ["科研机构"]"#, "labels = []"),
            TemplateProblem::ColumnWithoutLabels {
                table: "applications",
                column: "research"
            }
        );
        assert_eq!(
            problem(
                r#"labels = ["(七)总计"]"#,
                r#"labels = ["(七)总计", "[bookmark: _GoBack] "]"#
            ),
            TemplateProblem::EmptyLabel {
                table: "applications",
                label: "[bookmark: _GoBack] ".into()
            }
        );
        assert_eq!(
            cut("[[review.columns]]", "[[review.rows]]"),
            TemplateProblem::NoColumns { table: "review" }
        );
        assert_eq!(
            cut("[[review.rows]]", "# Relations:"),
            TemplateProblem::NoRows { table: "review" }
        );
    }

    #[test]
    fn tables_that_could_never_be_found_or_read_are_refused() {
        assert_eq!(
            problem(r#"anchors = ["行政复议"]"#, "anchors = []"),
            TemplateProblem::NoAnchors { table: "review" }
        );
        assert_eq!(
            problem("layout = \"header_row\"\n", ""),
            TemplateProblem::UnsupportedLayout {
                table: "review",
                layout: "labelled_rows",
                supported: "header_row"
            }
        );
        assert_eq!(
            problem("years = [2021]", "years = []"),
            TemplateProblem::NoYears
        );
        assert_eq!(
            problem(r#"markers = ["本年制发件数", "#, "markers = [\" \", "),
            TemplateProblem::BlankMarker { marker: " ".into() }
        );
        assert_eq!(
            problem(
                r#"markers = ["本年制发件数", "行政规范性文件", "本年处理决定数量", "本年收费金额"]"#,
                "markers = []"
            ),
            TemplateProblem::NoMarkers
        );
    }

    #[test]
    fn misspelt_keys_and_values_are_toml_errors_naming_the_line() {
        for (from, to) in [
            (r#"short = "总计""#, r#"shrot = "总计""#),
            ("layout = \"header_row\"", "layout = \"header_rows\""),
            (r#"for_each = "row""#, r#"for_each = "rows""#),
        ] {
            let e = broken(from, to);
            assert!(matches!(e, TemplateError::Toml { .. }), "{e}");
            let chain = format!("{:#}", anyhow::Error::from(e));
            assert!(
                chain.starts_with("template 2021.toml is not a valid template file: ")
                    && chain.contains("line "),
                "{chain}"
            );
        }
    }
}
