//! Turning a report file's bytes into text.
//!
//! Reports arrive as UTF-8, UTF-8 with a BOM, UTF-16 (Word's "Unicode text") or GBK/GB18030.
//! The order below held on every real file we have (see shared/docs/stack.md): a BOM decides;
//! valid UTF-8 is UTF-8; otherwise chardetng, trusted only when it says a Chinese encoding,
//! else GB18030 (a superset of GBK). An explicit `--encoding` always wins.

use encoding_rs::{Encoding, GB18030, UTF_8, UTF_16BE, UTF_16LE};

/// Why a file could not be turned into report text.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("the file is empty")]
    Empty,
    #[error("the file looks binary ({0}), not report text")]
    Binary(String),
    #[error("{0}")]
    Document(&'static str),
    #[error("unknown encoding label {0:?} (try utf-8, gbk, gb18030, utf-16le, utf-16be, big5)")]
    UnknownEncoding(String),
}

/// Decoded text plus the name of the encoding that produced it.
#[derive(Debug, Clone)]
pub struct Decoded {
    pub text: String,
    pub encoding: &'static str,
    /// True when some bytes were not valid in the chosen encoding (replaced by U+FFFD).
    pub had_errors: bool,
}

/// Looks up an encoding by a user-supplied label ("gbk", "UTF-8", "utf16le", …).
pub fn encoding_for_label(label: &str) -> Result<&'static Encoding, DecodeError> {
    let norm = label.trim().to_ascii_lowercase();
    let norm = match norm.as_str() {
        "utf16le" | "utf-16" => "utf-16le",
        "utf16be" => "utf-16be",
        "utf8" => "utf-8",
        other => other,
    };
    Encoding::for_label(norm.as_bytes()).ok_or_else(|| DecodeError::UnknownEncoding(label.into()))
}

/// Decodes `bytes`, honouring `forced` when given. Never panics on any input.
pub fn decode(bytes: &[u8], forced: Option<&'static Encoding>) -> Result<Decoded, DecodeError> {
    decode_owned(bytes.to_vec(), forced)
}

/// [`decode`] taking ownership: valid UTF-8 without a BOM (the common case) is not copied.
pub fn decode_owned(
    bytes: Vec<u8>,
    forced: Option<&'static Encoding>,
) -> Result<Decoded, DecodeError> {
    if let Some(what) = document_kind(&bytes) {
        return Err(DecodeError::Document(what));
    }
    if forced.is_none_or(|e| e == UTF_8)
        && !bytes.starts_with(&[0xEF, 0xBB, 0xBF])
        && !looks_utf16(&bytes)
    {
        // SIMD validation: several times faster than the standard library's on Chinese text,
        // which is nearly all multi-byte.
        if simdutf8::basic::from_utf8(&bytes).is_ok() && memchr::memchr(0, &bytes).is_none() {
            // SAFETY: `bytes` was validated as UTF-8 just above.
            let text = unsafe { String::from_utf8_unchecked(bytes) };
            if text.is_empty() {
                return Err(DecodeError::Empty);
            }
            check_textlike(&text)?;
            return Ok(Decoded {
                text,
                encoding: UTF_8.name(),
                had_errors: false,
            });
        }
    }
    decode_slow(&bytes, forced)
}

/// Office and PDF files, told apart by their first bytes: what they are and what to do.
fn document_kind(bytes: &[u8]) -> Option<&'static str> {
    let head = &bytes[..bytes.len().min(2048)];
    if head.starts_with(b"%PDF-") {
        return Some(
            "a PDF document, not text: extract its text first (for example \
             pdftotext -layout FILE.pdf FILE.txt, or pdftotext -layout FILE.pdf - | gouji check -)",
        );
    }
    if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Some(
            "a Word 97-2003 (.doc) or other Office document, not text: save it as plain \
             text (.txt, UTF-8) first",
        );
    }
    if head.starts_with(b"PK\x03\x04") {
        let word = memchr::memmem::find(head, b"word/").is_some();
        return Some(if word {
            "a Word (.docx) document, not text: save it as plain text (.txt, UTF-8) first"
        } else {
            "a ZIP archive (.docx, .xlsx, .wps or .zip), not text: save the report as plain \
             text (.txt, UTF-8) first"
        });
    }
    if head.starts_with(b"{\\rtf") {
        return Some("an RTF document, not text: save it as plain text (.txt, UTF-8) first");
    }
    None
}

fn decode_slow(bytes: &[u8], forced: Option<&'static Encoding>) -> Result<Decoded, DecodeError> {
    if bytes.is_empty() {
        return Err(DecodeError::Empty);
    }
    let encoding = match forced {
        Some(e) => e,
        None => detect(bytes),
    };
    let utf16 = encoding == UTF_16LE || encoding == UTF_16BE;
    if !utf16 && memchr::memchr(0, bytes).is_some() {
        let nuls = bytes.iter().filter(|b| **b == 0).count();
        return Err(DecodeError::Binary(format!("{nuls} NUL bytes")));
    }
    let (text, used, had_errors) = encoding.decode(bytes);
    let text = text.into_owned();
    check_textlike(&text)?;
    Ok(Decoded {
        text,
        encoding: used.name(),
        had_errors,
    })
}

fn detect(bytes: &[u8]) -> &'static Encoding {
    if let Some((enc, _)) = Encoding::for_bom(bytes) {
        return enc;
    }
    // Before UTF-8: BOM-less UTF-16 of ASCII-range text is valid UTF-8 full of NULs.
    if looks_utf16(bytes) {
        // ASCII-range characters have every other byte zero.
        let even_zeros = bytes.iter().step_by(2).filter(|b| **b == 0).count();
        let odd_zeros = bytes.iter().skip(1).step_by(2).filter(|b| **b == 0).count();
        return if odd_zeros > even_zeros {
            UTF_16LE
        } else {
            UTF_16BE
        };
    }
    if is_utf8_allowing_cut_tail(bytes) {
        return UTF_8;
    }
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    det.feed(bytes, true);
    let guess = det.guess(None, chardetng::Utf8Detection::Allow);
    match guess.name() {
        "GBK" | "gb18030" | "Big5" => guess,
        _ => GB18030,
    }
}

fn is_utf8_allowing_cut_tail(bytes: &[u8]) -> bool {
    match std::str::from_utf8(bytes) {
        Ok(_) => true,
        // A file cut in the middle of its last character is still UTF-8.
        Err(e) => e.error_len().is_none() && bytes.len() - e.valid_up_to() < 4,
    }
}

fn looks_utf16(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(4096)];
    let zeros = sample.iter().filter(|b| **b == 0).count();
    sample.len() >= 4 && zeros * 4 >= sample.len() && zeros * 3 <= sample.len() * 2
}

/// Rejects decoded text that is mostly control characters or replacement characters.
/// Looks at the first 65,536 characters, byte by byte (every report passes through here).
fn check_textlike(text: &str) -> Result<(), DecodeError> {
    let b = text.as_bytes();
    if b.len() <= 65_536 {
        // The whole text is inside the window. Every bad character starts with one of the
        // bytes counted here, so when they are few the text passes without a closer look.
        // Branch-free byte counters over chunks short enough not to overflow a u8: the
        // compiler turns this into vector compares and adds.
        let (mut chars, mut suspicious) = (0usize, 0usize);
        for chunk in b.chunks(255) {
            let (mut c, mut s) = (0u8, 0u8);
            for &x in chunk {
                c += u8::from(x & 0xC0 != 0x80);
                let control = (x < 0x20) & (x != b'\n') & (x != b'\r') & (x != b'\t') & (x != 0x0C);
                s += u8::from(control | (x == 0x7F) | (x == 0xC2));
            }
            chars += usize::from(c);
            suspicious += usize::from(s);
        }
        suspicious += memchr::memmem::find_iter(b, "\u{FFFD}".as_bytes()).count();
        if suspicious * 20 <= chars {
            return Ok(());
        }
    }
    let mut total = 0usize;
    let mut bad = 0usize;
    for (i, &x) in b.iter().enumerate() {
        if x & 0xC0 == 0x80 {
            continue; // continuation byte: part of the character already counted
        }
        if total == 65_536 {
            break;
        }
        total += 1;
        let control = match x {
            b'\n' | b'\r' | b'\t' | 0x0C => false,
            0x00..=0x1F | 0x7F => true,
            // C1 controls U+0080–U+009F
            0xC2 => b.get(i + 1).is_some_and(|n| (0x80..=0x9F).contains(n)),
            _ => false,
        };
        let replacement = x == 0xEF && b.get(i + 1..i + 3) == Some(&[0xBF, 0xBD]);
        if control || replacement {
            bad += 1;
        }
    }
    if total > 0 && bad * 20 > total {
        return Err(DecodeError::Binary(format!(
            "{bad} of the first {total} characters are control or undecodable bytes"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "一、本年新收政府信息公开申请数量\t44\n（七）总计 43";

    #[test]
    fn control_and_replacement_characters_are_binary() {
        assert!(check_textlike("报告\n\t正文\r\n").is_ok());
        let noisy: String = "报\u{1}\u{85}\u{FFFD}".repeat(10);
        assert!(check_textlike(&noisy).is_err());
        assert!(check_textlike(&format!("{}\u{2}", "正文".repeat(40))).is_ok());
    }

    #[test]
    fn utf8_and_bom() {
        let d = decode(SAMPLE.as_bytes(), None).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (SAMPLE, "UTF-8"));
        let mut with_bom = vec![0xEF, 0xBB, 0xBF];
        with_bom.extend_from_slice(SAMPLE.as_bytes());
        let d = decode(&with_bom, None).unwrap();
        assert_eq!(d.text, SAMPLE);
    }

    #[test]
    fn gbk_is_detected() {
        let (bytes, _, _) = GB18030.encode(SAMPLE);
        let d = decode(&bytes, None).unwrap();
        assert_eq!(d.text, SAMPLE);
        assert!(
            d.encoding == "GBK" || d.encoding == "gb18030",
            "{}",
            d.encoding
        );
    }

    #[test]
    fn utf16_with_and_without_bom() {
        let mut le = vec![0xFF, 0xFE];
        le.extend(SAMPLE.encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(decode(&le, None).unwrap().text, SAMPLE);
        let mut be = vec![0xFE, 0xFF];
        be.extend(SAMPLE.encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(decode(&be, None).unwrap().encoding, "UTF-16BE");
        let bare: Vec<u8> = "report 2020 abc\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(decode(&bare, None).unwrap().text, "report 2020 abc\n");
    }

    #[test]
    fn forced_encoding_wins() {
        let (bytes, _, _) = GB18030.encode(SAMPLE);
        let enc = encoding_for_label("gbk").unwrap();
        assert_eq!(decode(&bytes, Some(enc)).unwrap().text, SAMPLE);
        assert!(encoding_for_label("klingon").is_err());
    }

    #[test]
    fn empty_and_binary_are_errors() {
        assert!(matches!(decode(b"", None), Err(DecodeError::Empty)));
        let noise: Vec<u8> = (0..4000u32).map(|i| (i * 7919 % 251) as u8).collect();
        assert!(matches!(decode(&noise, None), Err(DecodeError::Binary(_))));
    }
}
