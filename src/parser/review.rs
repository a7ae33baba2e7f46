//! Table 四 (行政复议、行政诉讼): no row labels, one run of values after its header.

use super::cells::{fit, row_relations};
use super::{MAX_LABEL_BYTES, ParseNote};
use crate::report::Table;
use crate::template::{FoldedTable, RelationSpec, TableKey, TableSpec};
use crate::text::fold_label;
use crate::tokenize::{Kind, Token};

/// Table 四: after the header (which starts with one of the anchors), the first run of
/// value and blank tokens is the data row, in template order of rows and columns.
pub(super) fn align_header_row(
    text: &str,
    tokens: &[Token],
    key: TableKey,
    spec: &TableSpec,
    rels: &[RelationSpec],
    table: &mut Table,
    notes: &mut Vec<ParseNote>,
) {
    let FoldedTable {
        anchors,
        column_heads,
        raw_anchor_needles,
        ..
    } = &spec.folded;
    let n: usize = table.rows.iter().map(|r| r.columns.len()).sum();
    // The header is the anchor followed closely by the other group labels ("行政诉讼").
    let Some(start) = tokens.iter().enumerate().position(|(i, t)| {
        if t.kind != Kind::Text {
            return false;
        }
        let raw = &text[t.span.clone()];
        if !raw_anchor_needles.any_in(raw) {
            return false;
        }
        let f = fold_label(raw);
        // The whole header glued into one text (web text): anchor and column heads together.
        if column_heads.iter().any(|h| f.contains(h.as_str())) {
            return true;
        }
        t.span.len() <= MAX_LABEL_BYTES
            && anchors.iter().any(|a| f.starts_with(a.as_str()))
            && tokens[i + 1..]
                .iter()
                .filter(|u| u.kind == Kind::Text)
                .take(3)
                .any(|u| {
                    let f = fold_label(&text[u.span.clone()]);
                    f.contains("行政诉讼") || f.contains("结果维持") || f.contains("结果")
                })
    }) else {
        return;
    };
    table.anchor = Some(tokens[start].span.clone());
    let mut slots: Vec<Token> = Vec::new();
    for tok in &tokens[start + 1..] {
        match tok.kind {
            Kind::Text => {
                if slots
                    .iter()
                    .any(|s| matches!(s.kind, Kind::Value | Kind::Run))
                {
                    break;
                }
                slots.clear();
            }
            Kind::Value | Kind::Blank | Kind::Run => slots.push(tok.clone()),
            Kind::Break => {}
        }
    }
    if slots.is_empty() {
        return;
    }
    let mut row_rels = Vec::new();
    let mut offset = 0;
    for r in &table.rows {
        row_rels.extend(row_relations(rels, key, &r.columns, offset));
        offset += r.columns.len();
    }
    // Table 四 has no column relations: readings its own arithmetic leaves open stay open.
    let fitted = fit(text, slots, n, &row_rels);
    if let Some(kind) = fitted.note {
        let row = table.rows.first().map_or("", |r| r.key);
        notes.push(ParseNote {
            table: key,
            row,
            span: tokens[start].span.clone(),
            kind,
        });
    }
    let mut it = fitted.cells.into_iter();
    for row in &mut table.rows {
        for c in row.cells.iter_mut() {
            *c = it.next().flatten();
        }
        row.label_span = Some(tokens[start].span.clone());
    }
}
