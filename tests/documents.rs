//! PDF and Word documents read in process: every cell of the real PDF and .docx fixtures
//! against hand-read tables (`tests/fixtures/documents/expected/`, the same files as
//! `shared/samples-extra/expected`), positions by page, the messages for files that cannot be
//! read, and arbitrary bytes named .pdf/.docx never panicking or hanging.
//!
//! Fixtures: `pdf_wps_*` are real reports as published (WPS; one prints a label in a vertical
//! font, draws bold text twice and cuts table 三 at a page break; the other's review table
//! really is inconsistent); `pdf_libreoffice_blank_cells.pdf` and
//! `docx_template_merged_cells_blank_cells.docx` the national template with the 0s of the
//! organisation columns left blank; `pdf_ghostscript_*`/`pdf_cairo_*` that PDF rewritten by
//! Ghostscript and by cairo (pdftocairo); `pdf_broken_xref_repaired.pdf` the Ghostscript copy
//! with its cross-reference table overwritten; `docx_libreoffice_pdf_import_text_boxes.docx`
//! the real 洪泽 2023 PDF imported by LibreOffice and saved as .docx (text boxes and lines).

// Without the readers (`--no-default-features`) only the messages are tested.
#![cfg_attr(not(all(feature = "pdf", feature = "word")), allow(dead_code))]

use std::path::{Path, PathBuf};

use gouji::audit::{Audit, ReadOptions, audit_bytes, audit_file};
use gouji::template::Templates;
use serde_json::Value as Json;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/documents")
}

fn audit(name: &str) -> Audit {
    audit_file(
        &dir().join(name),
        &Templates::embedded().unwrap(),
        &ReadOptions::default(),
    )
}

/// The number in a cell as `shared/tools/accuracy.py` compares it.
fn num(v: &Json) -> Option<f64> {
    match v {
        Json::Number(n) => n.as_f64(),
        Json::String(s) => {
            let s: String = s
                .chars()
                .map(|c| match c {
                    '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
                    '－' | '−' => '-',
                    c => c,
                })
                .collect();
            let t: String = s
                .chars()
                .skip_while(|c| !(c.is_ascii_digit() || *c == '-' || *c == '+'))
                .take_while(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+'))
                .collect();
            t.parse().ok()
        }
        _ => None,
    }
}

fn same(want: &Json, got: Option<&Json>) -> bool {
    match (want, got) {
        (Json::String(s), _) if s == "*" => true,
        (Json::Null, None | Some(Json::Null)) => true,
        (Json::Null, Some(Json::String(s))) => s.trim().is_empty(),
        (w, Some(g)) => num(w).is_some() && num(w) == num(g),
        _ => false,
    }
}

/// Every difference between the audit's JSON and the hand-read expectation.
fn differences(name: &str) -> Vec<String> {
    let a = audit(name);
    let got = gouji::export::audit_json(&a, name);
    let want: Json = serde_json::from_str(
        &std::fs::read_to_string(dir().join("expected").join(format!("{name}.json"))).unwrap(),
    )
    .unwrap();
    let mut bad = Vec::new();
    if got["year"] != want["year"] {
        bad.push(format!("year {} != {}", got["year"], want["year"]));
    }
    if want["template"] != "*" && got["template"] != want["template"] {
        bad.push(format!("template {}", got["template"]));
    }
    let agency = want["agency_contains"].as_str().unwrap();
    if !got["agency"].as_str().unwrap_or("").contains(agency) {
        bad.push(format!("agency {}", got["agency"]));
    }
    for (table, rows) in [
        ("applications", &got["applications"]["rows"]),
        ("review", &got["review"]),
        ("active", &got["active"]["rows"]),
    ] {
        for (row, cells) in want[table].as_object().unwrap() {
            for (i, w) in cells.as_array().unwrap().iter().enumerate() {
                let g = rows[row].as_array().and_then(|r| r.get(i));
                if !same(w, g) {
                    bad.push(format!("{table} {row}[{i}]: expected {w}, got {g:?}"));
                }
            }
        }
    }
    let errors: Vec<&Json> = got["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .collect();
    if want["clean"] == true && !errors.is_empty() {
        bad.push(format!("clean report, but errors: {errors:?}"));
    }
    for g in want["review_error_groups"].as_array().into_iter().flatten() {
        let g = g.as_str().unwrap();
        if !errors
            .iter()
            .any(|f| f["table"] == "review" && f["cells"].to_string().contains(g))
        {
            bad.push(format!("no error in review group {g}"));
        }
    }
    bad
}

#[cfg(feature = "pdf")]
#[test]
fn real_pdfs_every_cell_as_hand_read() {
    for name in [
        "pdf_wps_vertical_label_fake_bold_page_cut_table.pdf",
        "pdf_wps_review_totals_really_wrong.pdf",
        "pdf_libreoffice_blank_cells.pdf",
        "pdf_ghostscript_rewrite_blank_cells.pdf",
        "pdf_cairo_rewrite_blank_cells.pdf",
        "pdf_broken_xref_repaired.pdf",
    ] {
        assert_eq!(differences(name), Vec::<String>::new(), "{name}");
    }
}

#[cfg(feature = "word")]
#[test]
fn docx_every_cell_as_hand_read() {
    for name in [
        "docx_template_merged_cells_blank_cells.docx",
        // A real PDF imported by LibreOffice and saved as .docx: every run of text a
        // positioned text box, every rule a line, all pages anchored in one paragraph.
        "docx_libreoffice_pdf_import_text_boxes.docx",
    ] {
        assert_eq!(differences(name), Vec::<String>::new(), "{name}");
    }
}

/// The two real review errors, and nothing else an error; each named by its page.
#[cfg(feature = "pdf")]
#[test]
fn review_errors_of_a_real_pdf_name_their_page() {
    let a = audit("pdf_wps_review_totals_really_wrong.pdf");
    let json = gouji::export::audit_json(&a, "x.pdf");
    let errors: Vec<&Json> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .collect();
    assert_eq!(errors.len(), 2, "{errors:?}");
    for e in &errors {
        assert_eq!(e["rule"], "review_sum");
        assert_eq!(e["page"], 4, "{e}");
    }
    let text = gouji::cli::render(
        &a,
        "x.pdf",
        gouji::cli::Format::Text,
        true,
        &Templates::embedded().unwrap(),
    );
    assert!(text.starts_with("x.pdf:p4:"), "{text}");
    // The raw text marks its pages, and every page's marker is where the report says.
    let r = a.report.as_ref().unwrap();
    let d = r.document.as_ref().unwrap();
    assert_eq!(d.pages.len(), 5);
    for (i, &at) in d.pages.iter().enumerate() {
        assert!(r.text[at..].starts_with(&format!("— 第 {} 页 —", i + 1)));
        assert_eq!(r.page_of(at), Some(i + 1));
    }
}

/// Blank cells of the .docx and the PDF printed from it stay blank in their own columns.
#[cfg(all(feature = "pdf", feature = "word"))]
#[test]
fn blank_cells_keep_their_columns_in_pdf_and_docx() {
    for name in [
        "pdf_libreoffice_blank_cells.pdf",
        "docx_template_merged_cells_blank_cells.docx",
    ] {
        let a = audit(name);
        let r = a.report.as_ref().unwrap();
        let row = r
            .table(gouji::template::TableKey::Applications)
            .unwrap()
            .row("new")
            .unwrap();
        let raw: Vec<&str> = row
            .cells
            .iter()
            .map(|c| c.as_ref().map_or("?", |c| c.raw.as_str()))
            .collect();
        assert_eq!(raw, ["3001", "53", "", "", "61", "4", "3119"], "{name}");
        assert_eq!(a.errors(), 0, "{name}");
    }
}

#[test]
fn unreadable_documents_get_one_clear_message() {
    let t = Templates::embedded().unwrap();
    let o = ReadOptions::default();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "scan.pdf",
            std::fs::read(dir().join("pdf_scanned_no_text_layer.pdf")).unwrap(),
            if cfg!(feature = "pdf") {
                "a scanned PDF: its pages are images with no text layer"
            } else {
                "built without the `pdf` feature"
            },
        ),
        (
            "cut.pdf",
            std::fs::read(dir().join("pdf_libreoffice_blank_cells.pdf")).unwrap()[..3000].to_vec(),
            if cfg!(feature = "pdf") {
                "not a readable PDF"
            } else {
                "built without the `pdf` feature"
            },
        ),
        (
            "notes.docx",
            std::fs::read(dir().join("docx_zip_without_word_document.docx")).unwrap(),
            if cfg!(feature = "word") {
                "a zip archive that is not a Word .docx"
            } else {
                "built without the `word` feature"
            },
        ),
    ];
    for (name, bytes, want) in cases {
        let a = audit_bytes(Path::new(name), &bytes, &t, &o);
        let e = a.error.as_deref().unwrap_or("");
        assert!(a.report.is_none() && e.contains(want), "{name}: {e}");
    }
}

/// Arbitrary bytes, and real documents with bytes changed, never panic and finish in bounded
/// time.
mod fuzz {
    use super::*;
    use proptest::prelude::*;

    fn check(name: &str, bytes: &[u8]) {
        let t = Templates::embedded().unwrap();
        let start = std::time::Instant::now();
        let a = audit_bytes(Path::new(name), bytes, &t, &ReadOptions::default());
        assert!(
            start.elapsed() < std::time::Duration::from_secs(20),
            "{name}: {:?}",
            start.elapsed()
        );
        assert!(a.report.is_some() || a.error.is_some());
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

        #[test]
        fn arbitrary_bytes_named_pdf_or_docx(
            head in prop_oneof![Just(&b"%PDF-1.7\n"[..]), Just(&b"PK\x03\x04"[..]), Just(&b""[..])],
            body in proptest::collection::vec(any::<u8>(), 0..4000),
            docx in any::<bool>(),
        ) {
            let mut bytes = head.to_vec();
            bytes.extend(body);
            check(if docx { "x.docx" } else { "x.pdf" }, &bytes);
        }

        #[test]
        fn real_documents_with_bytes_changed(
            pick in 0usize..2,
            edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..40),
            cut in any::<prop::sample::Index>(),
        ) {
            let name = ["pdf_ghostscript_rewrite_blank_cells.pdf", "docx_template_merged_cells_blank_cells.docx"][pick];
            let mut bytes = std::fs::read(dir().join(name)).unwrap();
            for (at, b) in edits {
                let i = at.index(bytes.len());
                bytes[i] = b;
            }
            let keep = bytes.len() / 2 + cut.index(bytes.len() / 2 + 1);
            bytes.truncate(keep);
            check(name, &bytes);
        }
    }
}

/// A PDF with no ruling lines (text printed to PDF) is read as lines of text, with a warning
/// that blank cells cannot be placed.
#[cfg(feature = "pdf")]
#[test]
fn a_pdf_without_ruling_lines_is_read_as_text_with_a_warning() {
    let a = audit("pdf_no_ruling_lines_text_only.pdf");
    assert!(a.report.is_some(), "{:?}", a.error);
    let w: Vec<&str> = a
        .findings
        .iter()
        .filter(|f| f.rule == "document_reading")
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(w[0].contains("blank cells cannot be placed"), "{}", w[0]);
    // The review table's real inconsistency is still read from the text.
    assert_eq!(a.errors(), 2);
}

/// A Word-97 file with no LibreOffice to convert it: one message naming the file and saying how
/// to read it, never a silent skip; the run goes on and exits 2 (a file could not be read).
#[test]
fn a_doc_without_libreoffice_says_how_to_read_it() {
    let doc = dir().join("doc_word97_needs_libreoffice.doc");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gouji"))
        .args(["check", "--no-cache", doc.to_str().unwrap()])
        .env("PATH", "")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{text}");
    let want = if cfg!(feature = "word") {
        "doc_word97_needs_libreoffice.doc: error: a Word 97-2003 (.doc) file: gouji reads these \
         through LibreOffice, which is not installed (no soffice on PATH); install it"
    } else {
        "doc_word97_needs_libreoffice.doc: error: a Word 97-2003 (.doc) or WPS (.wps) document, \
         and this build of gouji reads none"
    };
    assert!(text.contains(want), "{text}");
    assert!(text.contains("1 unreadable"), "{text}");
}
