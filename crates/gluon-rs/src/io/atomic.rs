//! Crash-safe file writes: write a temporary file beside the target, sync it, rename it.

use crate::error::{Error, Result};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Writes `bytes` to `path` so that `path` holds either its old content or all of `bytes`,
/// never a part: the bytes go to a temporary file in the same directory, which is synced to
/// disk and then renamed over `path` (a rename within one file system is atomic).
///
/// ```
/// # fn main() -> Result<(), gluon_rs::Error> {
/// # let dir = std::env::temp_dir().join(format!("gluon-rs-doc-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir).map_err(|e| gluon_rs::Error::io(&dir, e))?;
/// let path = dir.join("notes.txt");
/// gluon_rs::io::write_atomically(&path, b"first")?;
/// gluon_rs::io::write_atomically(&path, b"second")?;
/// assert_eq!(std::fs::read(&path).map_err(|e| gluon_rs::Error::io(&path, e))?, b"second");
/// # std::fs::remove_dir_all(&dir).map_err(|e| gluon_rs::Error::io(&dir, e))?;
/// # Ok(())
/// # }
/// ```
///
/// # Errors
///
/// [`Error::Io`] naming `path` when the directory is missing or not writable, the disk is
/// full, or the rename fails. The temporary file is removed and `path` is left untouched.
pub fn write_atomically(path: impl AsRef<Path>, bytes: &[u8]) -> Result<()> {
    write_with(path.as_ref(), |file| file.write_all(bytes))
}

/// The atomic write, with the content produced by `write` (separate so tests can make the
/// write fail halfway).
pub(crate) fn write_with(
    path: &Path,
    write: impl FnOnce(&mut File) -> io::Result<()>,
) -> Result<()> {
    let temporary = temporary_path(path).map_err(|source| Error::io(path, source))?;

    let outcome = fill_and_rename(&temporary, path, write);
    if outcome.is_err() {
        // The target was never touched; only the partial temporary file needs to go. A
        // failure to remove it is secondary to the error being reported.
        let _ = fs::remove_file(&temporary);
    }
    outcome.map_err(|source| Error::io(path, source))?;

    sync_directory(path);
    Ok(())
}

fn fill_and_rename(
    temporary: &Path,
    path: &Path,
    write: impl FnOnce(&mut File) -> io::Result<()>,
) -> io::Result<()> {
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(temporary)?;
    write(&mut file)?;
    file.flush()?;
    file.sync_all()?;
    drop(file);
    fs::rename(temporary, path)
}

/// A fresh name in the target's directory: hidden, tagged with the process id and a
/// counter, so concurrent writers never share one.
fn temporary_path(path: &Path) -> io::Result<PathBuf> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);

    let file_name = path.file_name().ok_or_else(|| {
        io::Error::new(io::ErrorKind::InvalidInput, "the path does not name a file")
    })?;
    let serial = COUNTER.fetch_add(1, Ordering::Relaxed);
    let name = format!(
        ".{}.tmp-{}-{serial}",
        file_name.to_string_lossy(),
        std::process::id()
    );
    Ok(path.with_file_name(name))
}

/// Syncs the directory so the rename itself survives a crash. Best effort: not every
/// platform lets a directory be opened, and the data is already safely on disk.
fn sync_directory(path: &Path) {
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    if let Ok(handle) = File::open(directory) {
        if let Err(error) = handle.sync_all() {
            log::debug!("could not sync directory {}: {error}", directory.display());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leftover_files(directory: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(directory)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn failure_halfway_leaves_old_file_and_no_temporary() {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("model.params");
        write_atomically(&path, b"old content").unwrap();

        let result = write_with(&path, |file| {
            file.write_all(b"half of the new")?;
            Err(io::Error::new(io::ErrorKind::StorageFull, "disk full"))
        });

        assert!(result.unwrap_err().to_string().contains("disk full"));
        assert_eq!(fs::read(&path).unwrap(), b"old content");
        assert_eq!(leftover_files(directory.path()), vec!["model.params"]);
    }

    #[test]
    fn success_replaces_content_and_leaves_no_temporary() {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("model.params");
        write_atomically(&path, b"old").unwrap();

        write_atomically(&path, b"new").unwrap();

        assert_eq!(fs::read(&path).unwrap(), b"new");
        assert_eq!(leftover_files(directory.path()), vec!["model.params"]);
    }

    #[test]
    fn missing_directory_is_an_io_error_naming_the_path() {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("absent").join("model.params");

        let error = write_atomically(&path, b"x").unwrap_err();

        assert!(matches!(error, Error::Io { .. }));
        assert!(error.to_string().contains("model.params"), "{error}");
    }
}
