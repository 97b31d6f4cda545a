//! Notifications: what a statement that ran fine may still want to tell its user, like
//! Neo4j's. Today: a label, relationship type or property key the graph does not have
//! (the statement still runs, and finds nothing there), with the nearest existing name.
//! The planner finds them; they travel on the `Plan` and the `QueryResult`, and every
//! renderer shows them (stderr for scripts, under the table in the shell, a
//! `notifications` array in JSON).

use crate::query::span::Span;

/// One notification about a statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notification {
    /// Neo4j's code; `as_str` gives `Neo.ClientNotification.Statement.UnknownLabelWarning`.
    pub code: NotificationCode,
    /// One line for the kind of notification: "The provided label is not in the graph."
    pub title: &'static str,
    /// This occurrence: "no label `Organisation` in this graph; did you mean `Organization`?"
    pub description: String,
    /// The words it is about, in the statement's text.
    pub span: Span,
    /// 1-based line and column of `span`'s start in the statement's text.
    pub line: usize,
    pub column: usize,
}

/// The notifications Körpü gives, named as Neo4j's codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotificationCode {
    UnknownLabelWarning,
    UnknownRelationshipTypeWarning,
    UnknownPropertyKeyWarning,
}

impl NotificationCode {
    /// Neo4j's full code: `Neo.ClientNotification.Statement.UnknownLabelWarning`.
    pub fn as_str(self) -> &'static str {
        match self {
            NotificationCode::UnknownLabelWarning => {
                "Neo.ClientNotification.Statement.UnknownLabelWarning"
            }
            NotificationCode::UnknownRelationshipTypeWarning => {
                "Neo.ClientNotification.Statement.UnknownRelationshipTypeWarning"
            }
            NotificationCode::UnknownPropertyKeyWarning => {
                "Neo.ClientNotification.Statement.UnknownPropertyKeyWarning"
            }
        }
    }
}

impl std::fmt::Display for Notification {
    /// `warning: no label `X` in this graph; did you mean `Y`?`
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "warning: {}", self.description)
    }
}
