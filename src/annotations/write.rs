//! Writing annotation files so a team can share them: atomic replacement that keeps the
//! file's mode and owner, follows symbolic links, and never leaves a temporary file behind;
//! and the folder lock that makes each read–merge–write one transaction.
//!
//! Temporary files are named `.<file name>.gouji-tmp.<pid>.<n>`, beside the file they replace,
//! and created with mode 0666 less the umask (the mode a new file gets anywhere else). A
//! process killed mid-write leaves one; [`clean_stale_temps`] removes them at the next start,
//! under the folder's lock, so it never removes one another instance is writing.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

/// The marker in the names of gouji's temporary files.
const TMP_MARK: &str = ".gouji-tmp.";

/// `path` with its symbolic links followed (up to 40), to the file a write replaces; a link
/// to a file that does not exist yet resolves to where it points.
pub(super) fn resolve(path: &Path) -> PathBuf {
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => match std::fs::read_link(&p) {
                Ok(to) if to.is_absolute() => p = to,
                Ok(to) => p = parent(&p).join(to),
                Err(_) => return p,
            },
            _ => return p,
        }
    }
    p
}

/// The folder holding `path` ("." for a bare file name).
pub(super) fn parent(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// An exclusive advisory lock (`flock`) on a folder, released when dropped. Every gouji that
/// writes an annotation file in the folder holds it from reading the file to renaming the new
/// one in place. Locks are per open file, so two instances in one process exclude each other
/// too. Where `flock` is not available the lock is a no-op.
pub(super) struct DirLock {
    #[cfg(unix)]
    _dir: std::fs::File,
}

impl DirLock {
    pub(super) fn acquire(dir: &Path) -> std::io::Result<DirLock> {
        #[cfg(unix)]
        {
            use std::os::fd::AsRawFd;
            let file = std::fs::File::open(dir)?;
            loop {
                // SAFETY: a plain syscall on a descriptor this function owns.
                if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) } == 0 {
                    break;
                }
                let e = std::io::Error::last_os_error();
                if e.kind() != std::io::ErrorKind::Interrupted {
                    return Err(e);
                }
            }
            Ok(DirLock { _dir: file })
        }
        #[cfg(not(unix))]
        {
            let _ = dir;
            Ok(DirLock {})
        }
    }
}

/// A temporary file removed when dropped, unless it was renamed into place.
struct Temp {
    path: PathBuf,
    file: Option<std::fs::File>,
}

impl Temp {
    fn create(target: &Path) -> std::io::Result<Temp> {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let dir = parent(target);
        let name = target.file_name().map_or_else(
            || "annotations".into(),
            |n| n.to_string_lossy().into_owned(),
        );
        let mut last = None;
        for _ in 0..100 {
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let path = dir.join(format!(".{name}{TMP_MARK}{}.{n}", std::process::id()));
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                options.mode(0o666);
            }
            match options.open(&path) {
                Ok(file) => {
                    return Ok(Temp {
                        path,
                        file: Some(file),
                    });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(e),
                Err(e) => return Err(e),
            }
        }
        Err(last.unwrap_or_else(|| std::io::Error::other("no temporary file name free")))
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        if self.file.take().is_some() {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Replaces the file `target` (no symbolic link: see [`resolve`]) with `text`.
pub(super) fn replace(target: &Path, text: &str) -> std::io::Result<()> {
    let existing = std::fs::metadata(target).ok();
    let mut tmp = Temp::create(target)?;
    {
        let file = tmp
            .file
            .as_mut()
            .ok_or_else(|| std::io::Error::other("closed"))?;
        file.write_all(text.as_bytes())?;
        #[cfg(unix)]
        if let Some(m) = &existing {
            use std::os::fd::AsRawFd;
            use std::os::unix::fs::MetadataExt;
            // Owner and group first (changing them may clear set-id bits), then the mode.
            // Only root may give a file away; the group is kept when we belong to it.
            // SAFETY: plain syscalls on a descriptor owned here.
            unsafe {
                if libc::fchown(file.as_raw_fd(), m.uid(), m.gid()) != 0 {
                    libc::fchown(file.as_raw_fd(), u32::MAX, m.gid());
                }
            }
            std::fs::set_permissions(&tmp.path, m.permissions())?;
        }
        file.sync_all()?;
    }
    std::fs::rename(&tmp.path, target)?;
    // Renamed: nothing to remove any more.
    tmp.file = None;
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(parent(target)) {
        // The rename itself survives a power cut only once the folder is synced.
        let _ = d.sync_all();
    }
    Ok(())
}

/// True for the names of gouji's temporary files: its own (`.NAME.gouji-tmp.PID.N`), and
/// those of earlier versions (the `tempfile` crate's `.tmpXXXXXX`) that hold annotations.
fn is_stale_temp(dir: &Path, name: &str) -> bool {
    // Exactly `.<annotation file name>.gouji-tmp.<digits>.<digits>`: nothing else is removed.
    if let Some((file, tail)) = name.strip_prefix('.').and_then(|n| n.rsplit_once(TMP_MARK))
        && file.ends_with(".gouji.toml")
        && let Some((pid, n)) = tail.split_once('.')
        && [pid, n]
            .iter()
            .all(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
    {
        return true;
    }
    let old = name.len() == 10
        && name.starts_with(".tmp")
        && name[4..].bytes().all(|b| b.is_ascii_alphanumeric());
    old && std::fs::read(dir.join(name)).is_ok_and(|b| b.starts_with(b"schema = "))
}

/// Removes the temporary files a killed gouji left in `dirs` (each listed once, under its
/// lock, so a write in progress is never disturbed). Returns what was removed.
pub fn clean_stale_temps<'a>(dirs: impl IntoIterator<Item = &'a Path>) -> Vec<PathBuf> {
    let mut removed = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for dir in dirs {
        if !seen.insert(dir.to_path_buf()) {
            continue;
        }
        let Ok(list) = std::fs::read_dir(dir) else {
            continue;
        };
        let names: Vec<String> = list
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| n.starts_with('.'))
            .collect();
        if !names.iter().any(|n| is_stale_temp(dir, n)) {
            continue;
        }
        let Ok(_lock) = DirLock::acquire(dir) else {
            continue;
        };
        for n in names {
            let p = dir.join(&n);
            if is_stale_temp(dir, &n) && std::fs::remove_file(&p).is_ok() {
                removed.push(p);
            }
        }
    }
    removed
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o7777
    }

    #[test]
    fn modes_are_kept_or_come_from_the_umask() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.gouji.toml");
        std::fs::write(&p, "x").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o664)).unwrap();
        replace(&p, "schema = 1\n").unwrap();
        assert_eq!(mode(&p), 0o664, "a 0664 file stays 0664");
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "schema = 1\n");
        // A new file: what the umask leaves of 0666 (as `touch` would make it).
        let fresh = dir.path().join("b.gouji.toml");
        replace(&fresh, "schema = 1\n").unwrap();
        let touched = dir.path().join("touched");
        std::fs::File::create(&touched).unwrap();
        assert_eq!(mode(&fresh), mode(&touched));
        // Nothing left over.
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names.len(), 3, "{names:?}");
    }

    #[test]
    fn a_symlink_is_followed_and_its_target_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let shared = dir.path().join("shared");
        std::fs::create_dir(&shared).unwrap();
        let target = shared.join("r.txt.gouji.toml");
        std::fs::write(&target, "old").unwrap();
        let link = dir.path().join("r.txt.gouji.toml");
        std::os::unix::fs::symlink("shared/r.txt.gouji.toml", &link).unwrap();
        crate::annotations::write_atomic(&link, "new").unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
    }

    #[test]
    fn a_failed_write_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        // The target is a folder: the rename fails after the temporary file was written.
        let target = dir.path().join("x.gouji.toml");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("keep"), "").unwrap();
        assert!(replace(&target, "schema = 1\n").is_err());
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names, ["x.gouji.toml"]);
    }

    #[test]
    fn stale_temporary_files_are_cleaned_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join(".r.txt.gouji.toml.gouji-tmp.123.0"), "schema = 1").unwrap();
        std::fs::write(d.join(".tmpAb12Cd"), "schema = 1\nreport = \"r\"").unwrap();
        std::fs::write(d.join(".tmpZZZZZZ"), "someone else's").unwrap();
        std::fs::write(d.join(".notes.gouji-tmp.1.txt"), "a hidden report").unwrap();
        std::fs::write(d.join("r.txt.gouji.toml"), "schema = 1").unwrap();
        let removed = clean_stale_temps([d]);
        assert_eq!(removed.len(), 2, "{removed:?}");
        assert!(d.join(".tmpZZZZZZ").exists() && d.join("r.txt.gouji.toml").exists());
        assert!(d.join(".notes.gouji-tmp.1.txt").exists());
    }
}
