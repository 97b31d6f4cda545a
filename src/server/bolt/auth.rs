//! Basic authentication: the users a `--auth-file` names, and the check of a client's
//! `HELLO`/`LOGON` credentials against them.
//!
//! The file holds one `user:password` per line (blank lines and lines starting with `#`
//! are skipped), so no password has to appear on a command line, where other users of
//! the machine could read it in the process list. A password may be stored as an argon2
//! hash (`user:$argon2id$…`, what `korpu passwd` writes), so the file gives nobody who
//! reads it the password. Without a file every client is let in, which is why the
//! server binds to loopback unless told otherwise.

use std::path::Path;

use super::packstream::PackValue;

/// Who may connect.
#[derive(Clone, Debug, Default)]
pub(crate) struct Users {
    /// `None`: no authentication asked for.
    entries: Option<Vec<(String, String)>>,
}

/// Why an auth file could not be used.
#[derive(Debug, thiserror::Error)]
pub(crate) enum AuthFileError {
    #[error("cannot read the auth file {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("{path}:{line}: expected `user:password`")]
    Malformed { path: String, line: usize },
    #[error("the auth file {path} names no users, so nobody could connect")]
    Empty { path: String },
}

impl Users {
    /// Everyone may connect.
    pub(crate) fn anyone() -> Users {
        Users { entries: None }
    }

    /// The users in `path`.
    pub(crate) fn from_file(path: &Path) -> Result<Users, AuthFileError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|source| AuthFileError::Read { path: shown.clone(), source })?;
        Users::parse(&text, &shown)
    }

    fn parse(text: &str, path: &str) -> Result<Users, AuthFileError> {
        let mut entries = Vec::new();
        for (number, line) in text.lines().enumerate() {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.trim_start().starts_with('#') {
                continue;
            }
            let (user, password) = line
                .split_once(':')
                .filter(|(user, _)| !user.is_empty())
                .ok_or(AuthFileError::Malformed { path: path.to_owned(), line: number + 1 })?;
            entries.push((user.to_owned(), password.to_owned()));
        }
        if entries.is_empty() {
            return Err(AuthFileError::Empty { path: path.to_owned() });
        }
        Ok(Users { entries: Some(entries) })
    }

    /// Whether the auth map a client sent lets it in.
    pub(crate) fn admits(&self, auth: &PackValue) -> bool {
        let Some(entries) = &self.entries else {
            return true;
        };
        let field = |key| auth.get(key).and_then(PackValue::as_str);
        if field("scheme") != Some("basic") {
            return false;
        }
        let (Some(user), Some(password)) = (field("principal"), field("credentials")) else {
            return false;
        };
        // Compare every entry fully so the time taken does not tell which part failed.
        entries.iter().fold(false, |found, (known_user, known_password)| {
            found
                | (constant_time_eq(known_user, user) & password_matches(known_password, password))
        })
    }
}

/// Whether `given` is the password `stored` holds: an argon2 hash, or the password as
/// written (compared in constant time).
fn password_matches(stored: &str, given: &str) -> bool {
    use argon2::password_hash::{PasswordHash, PasswordVerifier};
    if stored.starts_with("$argon2") {
        return PasswordHash::new(stored).is_ok_and(|hash| {
            argon2::Argon2::default().verify_password(given.as_bytes(), &hash).is_ok()
        });
    }
    constant_time_eq(stored, given)
}

/// An argon2id hash of `password` with a fresh salt, as an auth file stores it.
pub(crate) fn hash_password(password: &str) -> Result<String, String> {
    use argon2::password_hash::{PasswordHasher, SaltString, rand_core::OsRng};
    let salt = SaltString::generate(&mut OsRng);
    argon2::Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|error| format!("cannot hash the password: {error}"))
}

/// The auth file's text with `user`'s line set to `user:hash` (added when missing);
/// comments, blank lines and other users' lines stay as they were.
pub(crate) fn with_user(text: &str, user: &str, hash: &str) -> String {
    let line = format!("{user}:{hash}");
    let mut replaced = false;
    let mut lines: Vec<String> = text
        .lines()
        .map(|existing| {
            let is_user = !existing.trim_start().starts_with('#')
                && existing.split_once(':').is_some_and(|(name, _)| name == user);
            if is_user && !replaced {
                replaced = true;
                line.clone()
            } else {
                existing.to_owned()
            }
        })
        .collect();
    if !replaced {
        lines.push(line);
    }
    lines.join("\n") + "\n"
}

fn constant_time_eq(left: &str, right: &str) -> bool {
    let (left, right) = (left.as_bytes(), right.as_bytes());
    let mut difference = left.len() ^ right.len();
    for (index, byte) in left.iter().enumerate() {
        difference |= usize::from(byte ^ right.get(index).copied().unwrap_or(!byte));
    }
    difference == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn basic(user: &str, password: &str) -> PackValue {
        PackValue::Map(vec![
            ("scheme".into(), PackValue::String("basic".into())),
            ("principal".into(), PackValue::String(user.into())),
            ("credentials".into(), PackValue::String(password.into())),
        ])
    }

    #[test]
    fn admits_only_the_listed_users() {
        let users = Users::parse("# users\nneo:s3cret:with colon\n\nanna:pw\n", "f").unwrap();
        assert!(users.admits(&basic("neo", "s3cret:with colon")));
        assert!(users.admits(&basic("anna", "pw")));
        assert!(!users.admits(&basic("anna", "pw2")));
        assert!(!users.admits(&basic("anna", "p")));
        assert!(!users.admits(&basic("bob", "pw")));
        assert!(
            !users
                .admits(&PackValue::Map(vec![("scheme".into(), PackValue::String("none".into()))]))
        );
        assert!(Users::anyone().admits(&PackValue::Map(vec![])));
    }

    #[test]
    fn hashed_passwords_are_checked_against_their_hash() {
        let hash = hash_password("gizli söz").unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        let text = with_user("# users\nanna:pw\n", "rəşad", &hash);
        assert!(text.starts_with("# users\nanna:pw\nrəşad:$argon2id$"), "{text}");
        let users = Users::parse(&text, "f").unwrap();
        assert!(users.admits(&basic("rəşad", "gizli söz")));
        assert!(!users.admits(&basic("rəşad", "gizli soz")));
        assert!(!users.admits(&basic("rəşad", &hash)), "the hash itself is no password");
        assert!(users.admits(&basic("anna", "pw")));
        // Setting it again replaces the line rather than adding one.
        let again = with_user(&text, "rəşad", &hash_password("yeni").unwrap());
        assert_eq!(again.matches("rəşad:").count(), 1);
        assert!(Users::parse(&again, "f").unwrap().admits(&basic("rəşad", "yeni")));
    }

    #[test]
    fn refuses_unusable_files() {
        assert!(matches!(
            Users::parse("no colon\n", "f"),
            Err(AuthFileError::Malformed { line: 1, .. })
        ));
        assert!(matches!(Users::parse("# only\n", "f"), Err(AuthFileError::Empty { .. })));
    }
}
