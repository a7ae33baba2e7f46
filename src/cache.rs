//! The extracted text of PDF and Word files, kept on disk keyed by the file's content, so that
//! reopening a folder of thousands of PDFs reads no PDF twice.
//!
//! One JSON file per document, named by a hash of its bytes (FNV-1a 64 and the length) and
//! the reader's version, in the user's cache directory (`~/.cache/gouji/extracted` on Linux).
//! A cache entry that cannot be read or written is ignored: the document is read again.

use std::path::{Path, PathBuf};

use crate::document::Extracted;

/// Bumped whenever the readers' output changes, so that older entries are not used.
pub const READER_VERSION: u32 = 1;

/// Where extracted documents are cached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cache {
    pub dir: PathBuf,
}

impl Cache {
    /// The user's cache directory for gouji, when the platform has one.
    pub fn user() -> Option<Cache> {
        let dirs = directories::ProjectDirs::from("", "", "gouji")?;
        Some(Cache {
            dir: dirs.cache_dir().join("extracted"),
        })
    }

    fn entry(&self, bytes: &[u8]) -> PathBuf {
        let hash = crate::annotations::content_hash(bytes);
        let hash = hash.trim_start_matches("fnv1a64:");
        self.dir
            .join(format!("{hash}-{}-v{READER_VERSION}.json", bytes.len()))
    }

    /// The cached extraction of a document with these bytes.
    pub fn get(&self, bytes: &[u8]) -> Option<Extracted> {
        let text = std::fs::read_to_string(self.entry(bytes)).ok()?;
        serde_json::from_str(&text).ok()
    }

    /// Keeps an extraction; failures are ignored (the cache is only a shortcut).
    pub fn put(&self, bytes: &[u8], x: &Extracted) {
        if std::fs::create_dir_all(&self.dir).is_err() {
            return;
        }
        if let Ok(json) = serde_json::to_string(x) {
            let _ = crate::annotations::write_atomic(&self.entry(bytes), &json);
        }
    }

    /// The cache directory, for messages.
    pub fn path(&self) -> &Path {
        &self.dir
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn put_then_get() {
        let dir = tempfile::tempdir().unwrap();
        let c = Cache {
            dir: dir.path().join("x"),
        };
        let x = Extracted {
            text: "一\n".into(),
            pages: vec![0],
            warnings: vec![],
            kind: "PDF".into(),
        };
        assert_eq!(c.get(b"abc"), None);
        c.put(b"abc", &x);
        assert_eq!(c.get(b"abc"), Some(x));
        assert_eq!(c.get(b"abd"), None);
    }
}
