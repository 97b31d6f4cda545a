//! Basic authentication: the users a `--auth-file` names, and the check of a client's
//! `HELLO`/`LOGON` credentials against them.
//!
//! The file holds one `user:password` per line (blank lines and lines starting with `#`
//! are skipped), so no password has to appear on a command line, where other users of
//! the machine could read it in the process list. Without a file every client is let
//! in, which is why the server binds to loopback unless told otherwise.

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
                | (constant_time_eq(known_user, user) & constant_time_eq(known_password, password))
        })
    }
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
    fn refuses_unusable_files() {
        assert!(matches!(
            Users::parse("no colon\n", "f"),
            Err(AuthFileError::Malformed { line: 1, .. })
        ));
        assert!(matches!(Users::parse("# only\n", "f"), Err(AuthFileError::Empty { .. })));
    }
}
