//! What the last `SUCCESS` of a result tells a driver beyond its records: the plan of
//! an `EXPLAIN` (`plan`), the plan with figures of a `PROFILE` (`profile`), and the
//! notifications (`notifications`), shaped as Neo4j sends them, so that a driver's
//! `summary.plan`, `summary.profile` and `summary.notifications` are filled. Pure.

use korpu::query::notification::{Notification, NotificationCode};
use korpu::query::plan::ir::PlanNode;

use super::packstream::PackValue;

/// Whether a plan carries `PROFILE`'s figures.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Figures {
    Without,
    With,
}

/// A plan as Neo4j's `plan`/`profile` map: `operatorType`, `identifiers`, `args` (with
/// `Details`) and `children`; with figures also `rows`, `dbHits`, `time` (ns) and the
/// page cache counters, which an in-memory graph never touches.
pub(crate) fn plan_map(node: &PlanNode, figures: Figures) -> PackValue {
    let text = |text: &str| PackValue::String(text.to_owned());
    let mut entries = vec![
        ("operatorType".to_owned(), text(&node.operator)),
        (
            "identifiers".to_owned(),
            PackValue::List(node.identifiers.iter().map(|name| text(name)).collect()),
        ),
        ("args".to_owned(), PackValue::Map(vec![("Details".to_owned(), text(&node.details))])),
        (
            "children".to_owned(),
            PackValue::List(node.children.iter().map(|child| plan_map(child, figures)).collect()),
        ),
    ];
    if figures == Figures::With {
        let rows = node.rows.unwrap_or(0).min(i64::MAX as u64) as i64;
        let time = node.time.map_or(0, |time| time.as_nanos().min(i64::MAX as u128) as i64);
        entries.extend([
            ("rows".to_owned(), PackValue::Int(rows)),
            ("dbHits".to_owned(), PackValue::Int(0)),
            ("time".to_owned(), PackValue::Int(time)),
            ("pageCacheHits".to_owned(), PackValue::Int(0)),
            ("pageCacheMisses".to_owned(), PackValue::Int(0)),
        ]);
    }
    PackValue::Map(entries)
}

/// The notifications as Neo4j 5 sends them: code, title, description, severity,
/// category and the position (offset, line, column) of the words they are about.
pub(crate) fn notifications(list: &[Notification]) -> PackValue {
    let text = |text: &str| PackValue::String(text.to_owned());
    PackValue::List(
        list.iter()
            .map(|notification| {
                let category = match notification.code {
                    NotificationCode::UnknownLabelWarning
                    | NotificationCode::UnknownRelationshipTypeWarning
                    | NotificationCode::UnknownPropertyKeyWarning => "UNRECOGNIZED",
                };
                let position = PackValue::Map(vec![
                    ("offset".to_owned(), PackValue::Int(notification.span.start as i64)),
                    ("line".to_owned(), PackValue::Int(notification.line as i64)),
                    ("column".to_owned(), PackValue::Int(notification.column as i64)),
                ]);
                PackValue::Map(vec![
                    ("code".to_owned(), text(notification.code.as_str())),
                    ("title".to_owned(), text(notification.title)),
                    ("description".to_owned(), text(&notification.description)),
                    ("severity".to_owned(), text("WARNING")),
                    ("category".to_owned(), text(category)),
                    ("position".to_owned(), position),
                ])
            })
            .collect(),
    )
}
