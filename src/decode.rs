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
    /// What the reader should know about how the text was read (invalid bytes replaced, NUL
    /// bytes replaced), each naming byte offsets into the file.
    pub warnings: Vec<String>,
}

/// At most this many invalid bytes in otherwise valid UTF-8 (one in a thousand above that):
/// more, and the file is in another encoding.
const FEW_INVALID: usize = 16;

/// NUL bytes in text beyond one in a hundred bytes make a file binary.
fn too_many_nuls(nuls: usize, len: usize) -> bool {
    nuls * 100 > len
}

/// "at byte offsets 3, 17 and 40" (the first eight).
fn offsets(list: &[usize]) -> String {
    let shown: Vec<String> = list.iter().take(8).map(usize::to_string).collect();
    let more = if list.len() > 8 {
        format!(" and {} more", list.len() - 8)
    } else {
        String::new()
    };
    let s = if list.len() == 1 { "" } else { "s" };
    format!("at byte offset{s} {}{more}", shown.join(", "))
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
    mut bytes: Vec<u8>,
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
        if simdutf8::basic::from_utf8(&bytes).is_ok() {
            let mut warnings = Vec::new();
            if memchr::memchr(0, &bytes).is_some() {
                let nuls: Vec<usize> = memchr::memchr_iter(0, &bytes).collect();
                if too_many_nuls(nuls.len(), bytes.len()) {
                    return Err(DecodeError::Binary(format!("{} NUL bytes", nuls.len())));
                }
                // A stray NUL (a converter's slip) becomes a space: one byte for one, so every
                // offset still points at the file.
                for &i in &nuls {
                    bytes[i] = b' ';
                }
                warnings.push(format!(
                    "{} NUL byte(s) in the text replaced by spaces {}",
                    nuls.len(),
                    offsets(&nuls)
                ));
            }
            // SAFETY: `bytes` was validated as UTF-8 just above; NUL -> space keeps it so.
            let text = unsafe { String::from_utf8_unchecked(bytes) };
            if text.is_empty() {
                return Err(DecodeError::Empty);
            }
            check_textlike(&text)?;
            return Ok(Decoded {
                text,
                encoding: UTF_8.name(),
                had_errors: false,
                warnings,
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
    let mut warnings = Vec::new();
    let encoding = match forced {
        Some(e) => e,
        None => match mostly_utf8(bytes) {
            Some(invalid) => {
                warnings.push(format!(
                    "{} byte(s) not valid UTF-8 in otherwise UTF-8 text, replaced by U+FFFD {}",
                    invalid.len(),
                    offsets(&invalid)
                ));
                UTF_8
            }
            None => detect(bytes),
        },
    };
    let utf16 = encoding == UTF_16LE || encoding == UTF_16BE;
    let replaced: Vec<u8>;
    let mut bytes = bytes;
    if !utf16 && memchr::memchr(0, bytes).is_some() {
        let nuls: Vec<usize> = memchr::memchr_iter(0, bytes).collect();
        if too_many_nuls(nuls.len(), bytes.len()) {
            return Err(DecodeError::Binary(format!("{} NUL bytes", nuls.len())));
        }
        let mut copy = bytes.to_vec();
        for &i in &nuls {
            copy[i] = b' ';
        }
        replaced = copy;
        bytes = &replaced;
        warnings.push(format!(
            "{} NUL byte(s) in the text replaced by spaces {}",
            nuls.len(),
            offsets(&nuls)
        ));
    }
    let (text, used, had_errors) = encoding.decode(bytes);
    let text = text.into_owned();
    if had_errors && used == UTF_8 && warnings.is_empty() {
        // `--encoding utf-8` on a file that is not all UTF-8: say where.
        let (invalid, _) = invalid_utf8(bytes, usize::MAX).unwrap_or_default();
        warnings.push(format!(
            "{} byte(s) not valid UTF-8, replaced by U+FFFD {}",
            invalid.len(),
            offsets(&invalid)
        ));
    }
    check_textlike(&text)?;
    Ok(Decoded {
        text,
        encoding: used.name(),
        had_errors,
        warnings,
    })
}

/// For text that is UTF-8 but for a few invalid bytes (a byte flipped, a file cut and joined):
/// the offsets of the invalid sequences. `None` when the text is valid UTF-8 (the caller's fast
/// path), has more than a few invalid bytes, or holds no multi-byte UTF-8 at all (GBK text is
/// invalid UTF-8 nearly everywhere, and a file of ASCII with one odd byte is anyone's guess).
fn mostly_utf8(bytes: &[u8]) -> Option<Vec<usize>> {
    if Encoding::for_bom(bytes).is_some() || looks_utf16(bytes) {
        return None;
    }
    let limit = FEW_INVALID.max(bytes.len() / 1000);
    let (invalid, multibyte) = invalid_utf8(bytes, limit)?;
    (!invalid.is_empty() && multibyte >= 2 * invalid.len().max(4)).then_some(invalid)
}

/// The offsets of the invalid sequences in `bytes` read as UTF-8 (a sequence cut off at the
/// very end is not one), and how many continuation bytes the valid characters have (0 for
/// ASCII). `None` past `limit` invalid sequences.
fn invalid_utf8(bytes: &[u8], limit: usize) -> Option<(Vec<usize>, usize)> {
    let mut invalid = Vec::new();
    let mut multibyte = 0usize;
    let mut rest = bytes;
    let mut at = 0;
    loop {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                multibyte += s.len() - s.chars().count();
                return Some((invalid, multibyte));
            }
            Err(e) => {
                let valid = e.valid_up_to();
                // The prefix is valid UTF-8, as the error says.
                let ok = std::str::from_utf8(&rest[..valid]).unwrap_or("");
                multibyte += ok.len() - ok.chars().count();
                let Some(n) = e.error_len() else {
                    // Cut inside the last character: not an invalid byte of the text.
                    return Some((invalid, multibyte));
                };
                invalid.push(at + valid);
                if invalid.len() > limit {
                    return None;
                }
                at += valid + n;
                rest = &rest[valid + n..];
            }
        }
    }
}

fn detect(bytes: &[u8]) -> &'static Encoding {
    if let Some((enc, _)) = Encoding::for_bom(bytes) {
        return enc;
    }
    // Before UTF-8: BOM-less UTF-16 of ASCII-range text is valid UTF-8 full of NULs.
    if let Some(enc) = utf16_without_bom(bytes) {
        return enc;
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
    utf16_without_bom(bytes).is_some()
}

/// UTF-16 told by the pattern of its NUL bytes, not by their share: every character below
/// U+0100 (digits, spaces, line breaks, ASCII punctuation) has a NUL as its high byte, so the
/// NULs of UTF-16LE fall on odd offsets and those of UTF-16BE on even ones, while Chinese text
/// (whose high bytes are never zero) can bring their share down to a few percent. Binary data
/// has NULs on both. The sample must also decode without an unpaired surrogate.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    let sample = &bytes[..bytes.len().min(4096) & !1];
    // Nearly every report has no NUL at all: one vectorised scan answers for them.
    if sample.len() < 4 || memchr::memchr(0, sample).is_none() {
        return None;
    }
    // Per side: the NUL high bytes, and how many of them stand beside a text-like low byte
    // (printable Latin-1, tab, line break): a character of text, not a binary field.
    let (mut even, mut odd, mut even_text, mut odd_text) = (0usize, 0usize, 0usize, 0usize);
    let textlike = |b: u8| b >= 0x20 || matches!(b, b'\t' | b'\n' | b'\r');
    for pair in sample.chunks_exact(2) {
        if pair[0] == 0 {
            even += 1;
            even_text += usize::from(textlike(pair[1]));
        }
        if pair[1] == 0 {
            odd += 1;
            odd_text += usize::from(textlike(pair[0]));
        }
    }
    let pairs = sample.len() / 2;
    let (enc, on, text, off) = if odd >= even {
        (UTF_16LE, odd, odd_text, even)
    } else {
        (UTF_16BE, even, even_text, odd)
    };
    // At least one character in fifty below U+0100 (a report has a line break or a digit far
    // more often), twice as many NULs on that side as on the other (characters U+xx00 such as
    // 一 U+4E00 put some there: a fifth of them in the samples), and nine in ten of those
    // characters text.
    if on < 2 || on * 50 < pairs || off * 2 > on || text * 10 < on * 9 {
        return None;
    }
    let units = sample.chunks_exact(2).map(|p| {
        if enc == UTF_16LE {
            u16::from_le_bytes([p[0], p[1]])
        } else {
            u16::from_be_bytes([p[0], p[1]])
        }
    });
    // The sample may end inside a surrogate pair: judge only what lies before its last unit.
    let n = pairs.saturating_sub(1);
    let ok = char::decode_utf16(units.take(n)).all(|c| c.is_ok());
    ok.then_some(enc)
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

    /// A report as Word's "Unicode text" without its BOM: Chinese text, where only digits,
    /// spaces and line breaks put NULs in the high bytes (15–23% of the bytes, not 25%).
    #[test]
    fn utf16_without_bom_is_told_by_its_nul_pattern() {
        let text = include_str!("../assets/samples/000_baa44959fd9d628f.txt");
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        let share = le.iter().filter(|b| **b == 0).count() * 100 / le.len();
        assert!(share < 25, "{share}% NUL bytes");
        let d = decode(&le, None).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (text, "UTF-16LE"));
        let d = decode(&be, None).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (text, "UTF-16BE"));
        assert!(d.warnings.is_empty());
    }

    #[test]
    fn a_few_invalid_bytes_in_utf8_stay_utf8_with_a_warning() {
        let text = include_str!("../assets/samples/000_baa44959fd9d628f.txt");
        let mut bytes = text.as_bytes().to_vec();
        let at = text.find("总计").unwrap();
        bytes.insert(at, 0xFF);
        let d = decode(&bytes, None).unwrap();
        assert_eq!(d.encoding, "UTF-8");
        assert!(d.text.contains("\u{FFFD}总计"));
        assert_eq!(d.warnings.len(), 1, "{:?}", d.warnings);
        assert!(
            d.warnings[0].contains(&format!("at byte offset {at}")),
            "{:?}",
            d.warnings
        );
        // GBK text is still GBK.
        let (gbk, _, _) = GB18030.encode(text);
        assert_ne!(decode(&gbk, None).unwrap().encoding, "UTF-8");
        // Forced to UTF-8, invalid bytes are named too.
        let d = decode(&bytes, Some(UTF_8)).unwrap();
        assert!(
            d.warnings[0].contains(&format!(
                "1 byte(s) not valid UTF-8, replaced by U+FFFD at byte offset {at}"
            )),
            "{:?}",
            d.warnings
        );
    }

    #[test]
    fn a_nul_byte_in_a_report_is_replaced_not_fatal() {
        let text = include_str!("../assets/samples/000_baa44959fd9d628f.txt");
        let mut bytes = text.as_bytes().to_vec();
        let at = text.find('\n').unwrap();
        bytes[at] = 0;
        let d = decode(&bytes, None).unwrap();
        assert_eq!(d.text.len(), text.len(), "offsets kept");
        assert_eq!(d.text.as_bytes()[at], b' ');
        let offset = format!("offset {at}");
        assert!(d.warnings[0].contains("1 NUL byte(s)") && d.warnings[0].contains(&offset));
        // A GBK report with a NUL too.
        let (gbk, _, _) = GB18030.encode(text);
        let mut gbk = gbk.into_owned();
        gbk[10] = 0;
        assert!(decode(&gbk, None).unwrap().warnings[0].contains("NUL"));
        // A real binary stays binary.
        let mut elf = b"\x7fELF\x02\x01\x01".to_vec();
        elf.extend(std::iter::repeat_n(0u8, 200));
        elf.extend((0..4000u32).map(|i| (i * 7919 % 251) as u8));
        assert!(matches!(decode(&elf, None), Err(DecodeError::Binary(_))));
    }
}
