//! gouji: parse China's 政府信息公开工作年度报告 into the national template's tables, check
//! every arithmetic relation (勾稽关系), and show where each number stands in the source.
//!
//! The core (`decode`, `text`, `template`, `tokenize`, `parser`, `report`, `checker`, `export`)
//! has no terminal dependency; `gouji check` and the workbench both stand on it.

pub mod annotations;
pub mod audit;
pub mod cache;
pub mod checker;
pub mod cli;
pub mod corpus;
pub mod decode;
pub mod document;
pub mod export;
pub mod html;
#[cfg(any(feature = "pdf", feature = "word"))]
mod layout;
pub mod narrative;
pub mod parser;
#[cfg(feature = "pdf")]
pub mod pdf;
pub mod report;
pub mod series;
pub mod split;
pub mod synth;
pub mod template;
pub mod text;
pub mod tokenize;
pub mod ui;
#[cfg(feature = "word")]
pub mod word;
pub mod xlsx;
