//! The national report templates as data.
//!
//! Each generation (2019, 2021) lives in `assets/templates/<id>.toml` and is embedded in the
//! binary: its tables, row and column keys, label aliases and arithmetic relations. Adding a
//! generation or a local variant is a data change, not a code change.

use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};

use serde::{Deserialize, Deserializer};

use crate::text::fold_label;

mod labels;
mod validate;

pub use labels::{Folded, MatchQuality, Probe, match_folded, match_folded_suffix, match_label};
pub use validate::{TemplateError, TemplateProblem};

/// A key of a template (row, column, relation id). Keys are interned for the life of the
/// program: parsed reports, findings and the workbench copy them instead of allocating, which
/// matters when `gouji check` runs over tens of thousands of reports.
pub type Key = &'static str;

/// The one interned copy of `s`. Each distinct key is stored once, however often templates
/// are loaded, so the interner stays as small as the set of keys.
pub fn intern(s: &str) -> Key {
    static KEYS: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let mut keys = KEYS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    match keys.get(s) {
        Some(k) => k,
        None => {
            let k: &'static str = Box::leak(s.to_owned().into_boxed_str());
            keys.insert(k);
            k
        }
    }
}

fn de_key<'de, D: Deserializer<'de>>(d: D) -> Result<Key, D::Error> {
    String::deserialize(d).map(|s| intern(&s))
}

fn de_keys<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<Key>>, D::Error> {
    Option::<Vec<String>>::deserialize(d).map(|v| v.map(|v| v.iter().map(|s| intern(s)).collect()))
}

/// The embedded generations, each named by its file (the name errors report).
const EMBEDDED: &[(&str, &str)] = &[
    (
        "2019.toml",
        include_str!("../../assets/templates/2019.toml"),
    ),
    (
        "2021.toml",
        include_str!("../../assets/templates/2021.toml"),
    ),
];

/// Which of the three statutory tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TableKey {
    Active,
    Applications,
    Review,
}

impl TableKey {
    pub const ALL: [TableKey; 3] = [TableKey::Active, TableKey::Applications, TableKey::Review];

    /// The key used in JSON, CSV and annotation files.
    pub fn as_str(self) -> &'static str {
        match self {
            TableKey::Active => "active",
            TableKey::Applications => "applications",
            TableKey::Review => "review",
        }
    }

    pub fn parse(s: &str) -> Option<TableKey> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// The table's Chinese title as in the template.
    pub fn title(self) -> &'static str {
        match self {
            TableKey::Active => "主动公开政府信息情况",
            TableKey::Applications => "收到和处理政府信息公开申请情况",
            TableKey::Review => "政府信息公开行政复议、行政诉讼情况",
        }
    }
}

/// A column of a table: a stable key and the header labels that name it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnSpec {
    #[serde(deserialize_with = "de_key")]
    pub key: Key,
    pub labels: Vec<String>,
    /// A column some reports add (法人或其他组织小计): parsed and checked when the report's
    /// header has it, never exported as a template column.
    #[serde(default)]
    pub optional: bool,
}

/// A data row: a stable key, a short display label, and every label variant seen in reports.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RowSpec {
    #[serde(deserialize_with = "de_key")]
    pub key: Key,
    pub short: String,
    pub labels: Vec<String>,
    /// Column keys of this row; absent means the table's columns.
    #[serde(default, deserialize_with = "de_keys")]
    pub columns: Option<Vec<Key>>,
    /// An optional row is exported only when the report has it and is not reported missing.
    #[serde(default)]
    pub optional: bool,
}

/// One table of a template, validated and with its labels folded ([`FoldedTable`]): the only
/// way to one is [`Template::from_toml`].
#[derive(Debug, Clone)]
pub struct TableSpec {
    pub name: String,
    /// Texts whose appearance starts the table's region; its rows are only matched after one.
    pub anchors: Vec<String>,
    /// How the table is printed; each statutory table has the one layout the parser reads
    /// it in (checked at load).
    pub layout: Layout,
    pub columns: Vec<ColumnSpec>,
    pub rows: Vec<RowSpec>,
    /// The labels above, folded for matching once when the template is loaded.
    pub folded: FoldedTable,
}

/// How a table is printed in reports.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Layout {
    /// Each row starts with its label (tables 二 and 三).
    #[default]
    LabelledRows,
    /// One data row of all groups' cells after the header (table 四).
    HeaderRow,
}

impl Layout {
    /// The name as a template file writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Layout::LabelledRows => "labelled_rows",
            Layout::HeaderRow => "header_row",
        }
    }
}

/// A table as its template file writes it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TableFile {
    name: String,
    // Absent lists read as empty, for validation to name the table that lacks them.
    #[serde(default)]
    anchors: Vec<String>,
    #[serde(default)]
    layout: Layout,
    #[serde(default)]
    columns: Vec<ColumnSpec>,
    #[serde(default)]
    rows: Vec<RowSpec>,
}

impl TableSpec {
    /// The table with its labels folded; validation has refused empty labels.
    fn build(f: TableFile) -> TableSpec {
        let mut spec = TableSpec {
            name: f.name,
            anchors: f.anchors,
            layout: f.layout,
            columns: f.columns,
            rows: f.rows,
            folded: FoldedTable::default(),
        };
        spec.folded = FoldedTable::new(&spec);
        spec
    }
}

/// A table's labels folded for matching ([`fold_label`]), prepared once per template so that
/// parsing a report folds only the report's own text.
#[derive(Debug, Clone, Default)]
pub struct FoldedTable {
    /// (row index, folded label variant) for every label of every row.
    pub aliases: Vec<(usize, Folded)>,
    pub anchors: Vec<String>,
    /// Optional columns with their folded header labels.
    pub optional_columns: Vec<(Key, Vec<String>)>,
    /// Folded labels of the table's first row: where its header area ends.
    pub first_row: Vec<String>,
    /// Folded header labels of every column.
    pub column_heads: Vec<String>,
    /// Searchers for the folded anchors, the anchors as written, and the first row's labels.
    pub anchor_needles: Needles,
    pub raw_anchor_needles: Needles,
    pub first_row_needles: Needles,
}

/// Substring searchers built once: `str::contains` sets up a new searcher on every call, and
/// these run on every short text of every report.
#[derive(Debug, Clone, Default)]
pub struct Needles(Vec<memchr::memmem::Finder<'static>>);

impl Needles {
    pub fn new<S: AsRef<str>>(needles: &[S]) -> Needles {
        Needles(
            needles
                .iter()
                .map(|n| memchr::memmem::Finder::new(n.as_ref().as_bytes()).into_owned())
                .collect(),
        )
    }

    /// True when any of the needles occurs in `haystack`.
    pub fn any_in(&self, haystack: &str) -> bool {
        self.0.iter().any(|f| f.find(haystack.as_bytes()).is_some())
    }
}

impl FoldedTable {
    fn new(spec: &TableSpec) -> FoldedTable {
        let fold_all = |v: &[String]| v.iter().map(|l| fold_label(l)).collect::<Vec<_>>();
        let anchors = fold_all(&spec.anchors);
        let first_row = spec
            .rows
            .first()
            .map(|r| fold_all(&r.labels))
            .unwrap_or_default();
        FoldedTable {
            anchor_needles: Needles::new(&anchors),
            raw_anchor_needles: Needles::new(&spec.anchors),
            first_row_needles: Needles::new(&first_row),
            aliases: spec
                .rows
                .iter()
                .enumerate()
                .flat_map(|(i, r)| {
                    r.labels
                        .iter()
                        .map(move |l| (i, Folded::new(fold_label(l))))
                })
                .collect(),
            anchors,
            optional_columns: spec
                .columns
                .iter()
                .filter(|c| c.optional)
                .map(|c| (c.key, fold_all(&c.labels)))
                .collect(),
            first_row,
            column_heads: spec
                .columns
                .iter()
                .flat_map(|c| fold_all(&c.labels))
                .collect(),
        }
    }
}

impl TableSpec {
    /// The column keys of `row` in a report without optional columns.
    pub fn row_columns(&self, row: &RowSpec) -> Vec<Key> {
        self.row_columns_with(row, &[])
    }

    /// The column keys of `row` when the report has the optional columns in `extra`.
    pub fn row_columns_with(&self, row: &RowSpec, extra: &[Key]) -> Vec<Key> {
        match &row.columns {
            Some(cols) => cols.clone(),
            None => self
                .columns
                .iter()
                .filter(|c| !c.optional || extra.contains(&c.key))
                .map(|c| c.key)
                .collect(),
        }
    }

    pub fn row(&self, key: &str) -> Option<&RowSpec> {
        self.rows.iter().find(|r| r.key == key)
    }

    pub fn column(&self, key: &str) -> Option<&ColumnSpec> {
        self.columns.iter().find(|c| c.key == key)
    }
}

/// Whether a relation is instantiated once per column or once per row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ForEach {
    Column,
    Row,
}

/// An arithmetic relation: sum(stated) = sum(computed), for each column or each row.
/// In `for_each = "column"` relations the lists name rows (a trailing `.*` is a prefix);
/// in `for_each = "row"` relations they name columns.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelationSpec {
    #[serde(deserialize_with = "de_key")]
    pub id: Key,
    pub table: String,
    pub for_each: ForEach,
    pub stated: Vec<String>,
    pub computed: Vec<String>,
    pub describe: String,
}

/// Matches a list entry ("withheld.*" or "total") against a key.
pub fn key_matches(pattern: &str, key: &str) -> bool {
    match pattern.strip_suffix(".*") {
        Some(prefix) => {
            key.len() > prefix.len() + 1
                && key.starts_with(prefix)
                && key.as_bytes()[prefix.len()] == b'.'
        }
        None => pattern == key,
    }
}

/// A template generation, as loaded and validated from its TOML file ([`Template::from_toml`]).
#[derive(Debug, Clone)]
pub struct Template {
    pub id: String,
    /// Report years this generation is meant for; the last one extends to every later year.
    pub years: Vec<i32>,
    /// Wording found only in this generation; used to detect it.
    pub markers: Vec<String>,
    pub active: TableSpec,
    pub applications: TableSpec,
    pub review: TableSpec,
    pub relations: Vec<RelationSpec>,
}

/// A template as its file writes it: read whole, validated, then turned into a [`Template`].
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TemplateFile {
    id: String,
    years: Vec<i32>,
    markers: Vec<String>,
    active: TableFile,
    applications: TableFile,
    review: TableFile,
    relations: Vec<RelationSpec>,
}

impl Template {
    pub fn table(&self, key: TableKey) -> &TableSpec {
        match key {
            TableKey::Active => &self.active,
            TableKey::Applications => &self.applications,
            TableKey::Review => &self.review,
        }
    }

    /// Parses and validates one template file; `name` (its file name) is what errors name.
    /// Every table, row, column and relation entry is checked here (see [`TemplateProblem`]),
    /// so a template that loads has no entry that names nothing and no row the parser could
    /// not fill.
    pub fn from_toml(name: &str, src: &str) -> Result<Template, TemplateError> {
        let f: TemplateFile = toml::from_str(src).map_err(|source| TemplateError::Toml {
            template: name.into(),
            source,
        })?;
        validate::validate(&validate::Raw {
            years: &f.years,
            markers: &f.markers,
            tables: [
                (TableKey::Active, &f.active),
                (TableKey::Applications, &f.applications),
                (TableKey::Review, &f.review),
            ],
            relations: &f.relations,
        })
        .map_err(|problem| TemplateError::Invalid {
            template: name.into(),
            problem,
        })?;
        Ok(Template {
            id: f.id,
            years: f.years,
            markers: f.markers,
            active: TableSpec::build(f.active),
            applications: TableSpec::build(f.applications),
            review: TableSpec::build(f.review),
            relations: f.relations,
        })
    }

    /// True when this generation is the one the national rules prescribe for `year`.
    pub fn fits_year(&self, year: i32) -> bool {
        let last = self.years.iter().copied().max().unwrap_or(i32::MAX);
        self.years.contains(&year) || year > last && self.years.len() == 1
    }
}

/// The set of templates gouji knows, with their folded label indexes.
#[derive(Debug, Clone)]
pub struct Templates {
    pub all: Vec<Template>,
}

impl Templates {
    /// The generations embedded in the binary. They are validated by the test suite, so a
    /// failure here is a build defect, reported as an error rather than a panic.
    pub fn embedded() -> Result<Templates, TemplateError> {
        Templates::from_sources(EMBEDDED)
    }

    /// Templates from (file name, TOML text) pairs, each validated ([`Template::from_toml`]),
    /// in the order given (the last is the fallback generation); ids must be distinct.
    pub fn from_sources<N: AsRef<str>, S: AsRef<str>>(
        sources: &[(N, S)],
    ) -> Result<Templates, TemplateError> {
        let mut all: Vec<Template> = Vec::with_capacity(sources.len());
        for (name, src) in sources {
            let t = Template::from_toml(name.as_ref(), src.as_ref())?;
            if all.iter().any(|o| o.id == t.id) {
                return Err(TemplateError::DuplicateTemplate {
                    template: name.as_ref().into(),
                    id: t.id,
                });
            }
            all.push(t);
        }
        Ok(Templates { all })
    }

    pub fn get(&self, id: &str) -> Option<&Template> {
        self.all.iter().find(|t| t.id == id)
    }

    /// The generation a report was parsed with: its detected one, or (for a report without
    /// template wording) the newest, which the parser also falls back to.
    pub fn for_id(&self, id: Option<&str>) -> Option<&Template> {
        id.and_then(|id| self.get(id)).or_else(|| self.all.last())
    }

    /// Picks the generation whose markers occur most often in `text` (as printed, or with
    /// full-width ASCII); `None` when no marker occurs at all.
    pub fn detect(&self, text: &str) -> Option<&Template> {
        let mut best: Option<(&Template, usize)> = None;
        for t in &self.all {
            let hits = t
                .markers
                .iter()
                .filter(|m| {
                    let found = |n: &str| memchr::memmem::find(text.as_bytes(), n.as_bytes());
                    found(m).is_some()
                        || (m.contains(|c: char| c.is_ascii_graphic())
                            && found(&to_fullwidth(m)).is_some())
                })
                .count();
            if hits > 0 && best.is_none_or(|(_, h)| hits > h) {
                best = Some((t, hits));
            }
        }
        best.map(|(t, _)| t)
    }
}

/// The full-width form of the ASCII in `s` ("本年增/减" → "本年增／减").
fn to_fullwidth(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_graphic() {
                char::from_u32(c as u32 + 0xFEE0).unwrap_or(c)
            } else {
                c
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_templates_load() {
        let t = Templates::embedded().unwrap();
        let t19 = t.get("2019").unwrap();
        let t21 = t.get("2021").unwrap();
        assert_eq!(t19.applications.rows.len(), 23);
        assert_eq!(
            t21.applications.rows.iter().filter(|r| !r.optional).count(),
            25
        );
        assert_eq!(
            t19.applications
                .columns
                .iter()
                .filter(|c| !c.optional)
                .count(),
            7
        );
        assert_eq!(t19.review.rows.len() * t19.review.columns.len(), 15);
        assert!(t19.fits_year(2020) && !t19.fits_year(2021));
        assert!(t21.fits_year(2021) && t21.fits_year(2024) && !t21.fits_year(2019));
    }

    #[test]
    fn templates_fold_their_labels_and_refuse_empty_ones() {
        let src = include_str!("../../assets/templates/2019.toml");
        let plain = Template::from_toml("2019.toml", src).unwrap();
        assert_eq!(
            plain.applications.folded.aliases.len(),
            plain
                .applications
                .rows
                .iter()
                .map(|r| r.labels.len())
                .sum::<usize>()
        );
        assert!(!plain.active.folded.anchors.is_empty());
        let row = "labels = [\"(七)总计\"]";
        assert!(src.contains(row));
        let broken = src.replacen(row, "labels = [\"(七)总计\", \"\u{3000} \"]", 1);
        let err = Template::from_toml("broken", &broken)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with(
                "broken: table applications: label \"\\u{3000} \" is empty once folded"
            ),
            "{err}"
        );
    }

    #[test]
    fn relation_key_patterns() {
        assert!(key_matches("withheld.*", "withheld.inquiry"));
        assert!(!key_matches("other.*", "other"));
        assert!(key_matches("other", "other"));
    }
}
