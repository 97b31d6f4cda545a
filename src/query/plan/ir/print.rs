//! The EXPLAIN printer: a plan as an indented operator tree, with each segment's write
//! above the reads that feed it. PROFILE prints through the same code with figures.

use std::fmt::{self, Display, Formatter, Write as _};

use super::*;

impl Display for Plan {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render_with(&|_| None))
    }
}

impl Plan {
    pub fn slot_name(&self, slot: Slot) -> &str {
        self.slot_names.get(slot).map_or("?", String::as_str)
    }

    /// Prints the operator tree with an annotation per operator (PROFILE's figures);
    /// EXPLAIN is the same tree with none.
    pub fn render_with(&self, annotate: &dyn Fn(&Op) -> Option<String>) -> String {
        let mut text = String::new();
        let columns: Vec<&str> = self.columns.iter().map(|(name, _)| name.as_str()).collect();
        let _ = writeln!(text, "ProduceResults [{}]", columns.join(", "));
        // Segments print last first, like the operators: each reads the rows of the
        // write printed below it.
        for (position, segment) in self.segments.iter().enumerate().rev() {
            let depth = 1;
            match &segment.write {
                Some(write) => {
                    let _ = writeln!(text, "  {}", describe_write(write, self));
                    if let Write::Merge(merge) = write {
                        text.push_str("    -- matches, per row, with:\n");
                        let _ = write_op_annotated(
                            &mut text,
                            &merge.matcher,
                            self,
                            depth + 2,
                            annotate,
                        );
                        text.push_str("    -- on the rows of:\n");
                    }
                    let _ =
                        write_op_annotated(&mut text, &segment.reads, self, depth + 1, annotate);
                }
                None => {
                    let _ = write_op_annotated(&mut text, &segment.reads, self, depth, annotate);
                }
            }
            if position > 0 {
                text.push_str("  -- reads the rows of:\n");
            }
        }
        text
    }
}

fn describe_schema_change(change: &SchemaChange) -> String {
    let quiet = |flag: bool, words: &str| if flag { format!(" {words}") } else { String::new() };
    let rule = |rule: &RuleRef| match rule {
        RuleRef::Named(name) => format!("`{name}`"),
        RuleRef::Index(index) => index.pattern(),
        RuleRef::Constraint(constraint) => constraint.rule(),
    };
    match change {
        SchemaChange::CreateIndex { definition, if_not_exists } => format!(
            "CreateIndex `{}` {} {}{}",
            definition.name,
            definition.kind.name(),
            definition.pattern(),
            quiet(*if_not_exists, "IF NOT EXISTS")
        ),
        SchemaChange::CreateConstraint { definition, if_not_exists } => format!(
            "CreateConstraint `{}` {}{}",
            definition.name,
            definition.rule(),
            quiet(*if_not_exists, "IF NOT EXISTS")
        ),
        SchemaChange::DropIndex { rule: target, if_exists } => {
            format!("DropIndex {}{}", rule(target), quiet(*if_exists, "IF EXISTS"))
        }
        SchemaChange::DropConstraint { rule: target, if_exists } => {
            format!("DropConstraint {}{}", rule(target), quiet(*if_exists, "IF EXISTS"))
        }
    }
}

pub(super) fn describe_write(write: &Write, plan: &Plan) -> String {
    match write {
        Write::Create(create) => format!("Create {}", describe_create(create, plan)),
        Write::Merge(merge) => {
            let mut line = format!("Merge {}", describe_create(&merge.create, plan));
            if !merge.on_create.is_empty() {
                line.push_str(&format!(" ON CREATE {}", describe_updates(&merge.on_create, plan)));
            }
            if !merge.on_match.is_empty() {
                line.push_str(&format!(" ON MATCH {}", describe_updates(&merge.on_match, plan)));
            }
            line
        }
        Write::Update(actions) => describe_updates(actions, plan),
        Write::Schema(change) => describe_schema_change(change),
        Write::Delete { detach, targets } => format!(
            "{}Delete {}",
            if *detach == Detach::Detach { "Detach" } else { "" },
            targets
                .iter()
                .map(|target| ExprDisplay(target, plan).to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn describe_updates(actions: &[UpdateAction], plan: &Plan) -> String {
    let show = |expr: &Expr| ExprDisplay(expr, plan).to_string();
    let parts: Vec<String> = actions
        .iter()
        .map(|action| match action {
            UpdateAction::SetProperty { subject, key, value } => {
                format!("SetProperty {}.{key} = {}", show(subject), show(value))
            }
            UpdateAction::SetProperties { subject, value, mode } => format!(
                "SetProperties {} {} {}",
                show(subject),
                if *mode == PropertiesMode::Add { "+=" } else { "=" },
                show(value)
            ),
            UpdateAction::AddLabels { subject, labels } => {
                format!("SetLabels {}:{}", show(subject), labels.join(":"))
            }
            UpdateAction::RemoveProperty { subject, key } => {
                format!("RemoveProperty {}.{key}", show(subject))
            }
            UpdateAction::RemoveLabels { subject, labels } => {
                format!("RemoveLabels {}:{}", show(subject), labels.join(":"))
            }
        })
        .collect();
    parts.join(", ")
}

fn describe_create(create: &CreateSpec, plan: &Plan) -> String {
    let mut parts = Vec::new();
    for node in &create.nodes {
        parts.push(format!(
            "({}{})",
            plan.slot_name(node.slot),
            node.labels.iter().map(|label| format!(":{label}")).collect::<String>()
        ));
    }
    for rel in &create.relationships {
        parts.push(format!(
            "({})-[{}:{}]->({})",
            plan.slot_name(rel.from),
            plan.slot_name(rel.slot),
            rel.rel_type,
            plan.slot_name(rel.to)
        ));
    }
    parts.join(", ")
}

pub(super) fn op_line(op: &Op, plan: &Plan) -> String {
    let name = |slot: Slot| plan.slot_name(slot).to_owned();
    let types = |types: &[String]| {
        if types.is_empty() { String::new() } else { format!(":{}", types.join("|")) }
    };
    let arrow = |dir: Dir, rel: String| match dir {
        Dir::Outgoing => format!("-[{rel}]->"),
        Dir::Incoming => format!("<-[{rel}]-"),
        Dir::Both => format!("-[{rel}]-"),
    };
    let bound = |bound: &Option<(Expr, bool)>, inclusive: &str, exclusive: &str| match bound {
        Some((expr, true)) => format!(" {inclusive} {}", ExprDisplay(expr, plan)),
        Some((expr, false)) => format!(" {exclusive} {}", ExprDisplay(expr, plan)),
        None => String::new(),
    };
    match op {
        Op::Argument => "Argument".to_owned(),
        Op::NodeScan { slot, label: Some(label), .. } => {
            format!("NodeByLabelScan ({}:{label})", name(*slot))
        }
        Op::NodeScan { slot, label: None, .. } => format!("AllNodesScan ({})", name(*slot)),
        Op::NodeIndexSeek { slot, label, key, value, .. } => {
            let label = label.as_ref().map(|label| format!(":{label}")).unwrap_or_default();
            format!(
                "NodeIndexSeek ({}{label} {{{key}: {}}})",
                name(*slot),
                ExprDisplay(value, plan)
            )
        }
        Op::Expand(expand) => format!(
            "{} ({}){}({}{})",
            if expand.into { "ExpandInto" } else { "Expand" },
            name(expand.from),
            arrow(expand.dir, format!("{}{}", name(expand.rel), types(&expand.types))),
            name(expand.to),
            expand.to_labels.iter().map(|label| format!(":{label}")).collect::<String>()
        ),
        Op::NodeIndexScan(scan) => {
            let prefix = scan
                .prefix
                .as_ref()
                .map(|prefix| format!(" STARTS WITH {}", ExprDisplay(prefix, plan)))
                .unwrap_or_default();
            format!(
                "NodeIndexSeekByRange ({}:{}) {}{}{}{}",
                name(scan.slot),
                scan.label,
                scan.key.name,
                bound(&scan.lower, ">=", ">"),
                bound(&scan.upper, "<=", "<"),
                prefix
            )
        }
        Op::NodeRangeSeek(seek) => {
            format!(
                "NodeRangeSeek ({}:{}) {}{}{}",
                name(seek.slot),
                seek.label,
                seek.key.name,
                bound(&seek.lower, ">=", ">"),
                bound(&seek.upper, "<=", "<")
            )
        }
        Op::VarExpand(expand) => format!(
            "VarLengthExpand{} ({}){}({})",
            if expand.into { "Into" } else { "" },
            name(expand.from),
            arrow(
                expand.dir,
                format!(
                    "{}{}*{}..{}",
                    name(expand.rels),
                    types(&expand.types),
                    expand.min,
                    expand.max.map_or(String::new(), |max| max.to_string())
                )
            ),
            name(expand.to)
        ),
        Op::ShortestPath(shortest) => format!(
            "{} {} = ({}){}({})",
            if shortest.all { "AllShortestPaths" } else { "ShortestPath" },
            name(shortest.path),
            name(shortest.from),
            arrow(
                shortest.dir,
                format!(
                    "{}*{}..{}",
                    types(&shortest.types),
                    shortest.min,
                    shortest.max.map_or(String::new(), |max| max.to_string())
                )
            ),
            name(shortest.to)
        ),
        Op::Filter { predicate, .. } => format!("Filter {}", ExprDisplay(predicate, plan)),
        Op::Optional { .. } => "Optional".to_owned(),
        Op::Project { items, .. } => format!(
            "Project {}",
            items
                .iter()
                .map(|(slot, expr)| format!("{} AS {}", ExprDisplay(expr, plan), name(*slot)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Op::Aggregate { keys, aggregates, .. } => {
            let keys: Vec<String> = keys
                .iter()
                .map(|(slot, expr)| format!("{} AS {}", ExprDisplay(expr, plan), name(*slot)))
                .collect();
            let aggregates: Vec<String> = aggregates
                .iter()
                .map(|(slot, aggregation)| {
                    let arg = aggregation
                        .arg
                        .as_ref()
                        .map_or("*".to_owned(), |arg| ExprDisplay(arg, plan).to_string());
                    let distinct = if aggregation.distinct { "DISTINCT " } else { "" };
                    format!("{}({distinct}{arg}) AS {}", aggregation.function.name(), name(*slot))
                })
                .collect();
            if keys.is_empty() {
                format!("Aggregate {}", aggregates.join(", "))
            } else {
                format!("Aggregate by {} compute {}", keys.join(", "), aggregates.join(", "))
            }
        }
        Op::Distinct { slots, .. } => format!(
            "Distinct {}",
            slots.iter().map(|slot| name(*slot)).collect::<Vec<_>>().join(", ")
        ),
        Op::Sort { keys, .. } => format!("Sort {}", sort_keys(keys, plan)),
        Op::Top { keys, limit, .. } => {
            format!("Top {} by {}", ExprDisplay(limit, plan), sort_keys(keys, plan))
        }
        Op::Skip { count, .. } => format!("Skip {}", ExprDisplay(count, plan)),
        Op::Limit { count, .. } => format!("Limit {}", ExprDisplay(count, plan)),
        Op::Unwind { list, slot, .. } => {
            format!("Unwind {} AS {}", ExprDisplay(list, plan), name(*slot))
        }
        Op::Union { distinct, .. } => {
            if *distinct {
                "Union".to_owned()
            } else {
                "UnionAll".to_owned()
            }
        }
        Op::CountRows { slot, .. } => format!("CountRows AS {}", name(*slot)),
        Op::LoadCsv(load) => {
            let mut text = "LoadCsv ".to_owned();
            if load.with_headers {
                text.push_str("WITH HEADERS ");
            }
            text.push_str(&format!("FROM {} AS {}", ExprDisplay(&load.url, plan), name(load.slot)));
            if load.field_terminator != b',' {
                text.push_str(" FIELDTERMINATOR ");
                // The planner accepts only one ASCII character, so this is a `char`.
                let _ = crate::text::write_string(
                    &mut text,
                    &char::from(load.field_terminator).to_string(),
                );
            }
            text
        }
        Op::Call(call) => {
            let args: Vec<String> =
                call.args.iter().map(|arg| ExprDisplay(arg, plan).to_string()).collect();
            let outputs = &call.procedure.signature.outputs;
            let yields: Vec<String> = call
                .yields
                .iter()
                .map(|(output, slot)| format!("{} AS {}", outputs[*output].name, name(*slot)))
                .collect();
            let mut text = format!("ProcedureCall {}({})", call.procedure.name(), args.join(", "));
            if !yields.is_empty() {
                text.push_str(" YIELD ");
                text.push_str(&yields.join(", "));
            }
            text
        }
    }
}

fn sort_keys(keys: &[SortKey], plan: &Plan) -> String {
    keys.iter()
        .map(|key| {
            format!("{}{}", ExprDisplay(&key.expr, plan), if key.descending { " DESC" } else { "" })
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The operators an operator reads from, in order.
pub fn op_children(op: &Op) -> Vec<&Op> {
    match op {
        Op::Argument => Vec::new(),
        Op::NodeRangeSeek(seek) => vec![&seek.input],
        Op::NodeIndexScan(scan) => vec![&scan.input],
        Op::NodeScan { input, .. }
        | Op::NodeIndexSeek { input, .. }
        | Op::Filter { input, .. }
        | Op::Project { input, .. }
        | Op::Aggregate { input, .. }
        | Op::Distinct { input, .. }
        | Op::Sort { input, .. }
        | Op::Top { input, .. }
        | Op::Skip { input, .. }
        | Op::Limit { input, .. }
        | Op::Unwind { input, .. }
        | Op::CountRows { input, .. } => vec![input],
        Op::Expand(expand) => vec![&expand.input],
        Op::VarExpand(expand) => vec![&expand.input],
        Op::ShortestPath(shortest) => vec![&shortest.input],
        Op::Call(call) => vec![&call.input],
        Op::LoadCsv(load) => vec![&load.input],
        Op::Optional { input, inner, .. } => vec![inner, input],
        Op::Union { branches, .. } => branches.iter().collect(),
    }
}

fn write_op_annotated(
    text: &mut String,
    op: &Op,
    plan: &Plan,
    depth: usize,
    annotate: &dyn Fn(&Op) -> Option<String>,
) -> fmt::Result {
    // An argument leaf under a single chain is noise; show it only where it matters.
    if matches!(op, Op::Argument) && depth != 1 {
        return Ok(());
    }
    for _ in 0..depth {
        text.push_str("  ");
    }
    text.push_str(&op_line(op, plan));
    if let Some(note) = annotate(op) {
        write!(text, "  {note}")?;
    }
    text.push('\n');
    for child in op_children(op) {
        write_op_annotated(text, child, plan, depth + 1, annotate)?;
    }
    Ok(())
}

/// Prints a plan expression with slot names.
pub struct ExprDisplay<'a>(pub &'a Expr, pub &'a Plan);

impl<'a> Display for ExprDisplay<'a> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let ExprDisplay(expr, plan) = *self;
        let show = |inner: &'a Expr| ExprDisplay(inner, plan);
        match &expr.kind {
            ExprKind::Constant(value) => write_constant(f, value),
            ExprKind::Parameter(name) => write!(f, "${name}"),
            ExprKind::Slot(slot) => f.write_str(plan.slot_name(*slot)),
            ExprKind::Property(subject, key) => write!(f, "{}.{}", show(subject), key.name),
            ExprKind::List(items) => {
                f.write_char('[')?;
                for (position, item) in items.iter().enumerate() {
                    if position > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{}", show(item))?;
                }
                f.write_char(']')
            }
            ExprKind::Map(entries) => {
                f.write_char('{')?;
                for (position, (key, value)) in entries.iter().enumerate() {
                    if position > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{key}: {}", show(value))?;
                }
                f.write_char('}')
            }
            ExprKind::Unary(UnaryOp::Not, operand) => write!(f, "NOT {}", show(operand)),
            ExprKind::Unary(UnaryOp::Minus, operand) => write!(f, "-{}", show(operand)),
            ExprKind::Unary(UnaryOp::Plus, operand) => write!(f, "+{}", show(operand)),
            ExprKind::Binary(op, left, right) => {
                write!(f, "({} {} {})", show(left), op.symbol(), show(right))
            }
            ExprKind::Comparison(first, rest) => {
                write!(f, "({}", show(first))?;
                for (op, operand) in rest {
                    write!(f, " {} {}", op.symbol(), show(operand))?;
                }
                f.write_char(')')
            }
            ExprKind::IsNull(operand, negated) => {
                write!(f, "{} IS {}NULL", show(operand), if *negated { "NOT " } else { "" })
            }
            ExprKind::HasLabels(subject, labels) => {
                write!(f, "{}:{}", show(subject), labels.join(":"))
            }
            ExprKind::Index(subject, index) => write!(f, "{}[{}]", show(subject), show(index)),
            ExprKind::Slice(subject, from, to) => {
                write!(f, "{}[", show(subject))?;
                if let Some(from) = from {
                    write!(f, "{}", show(from))?;
                }
                f.write_str("..")?;
                if let Some(to) = to {
                    write!(f, "{}", show(to))?;
                }
                f.write_char(']')
            }
            ExprKind::Function(function, args) => {
                match function.spec() {
                    Some(spec) => write!(f, "{}(", spec.name)?,
                    None => write!(f, "{function:?}(")?,
                }
                // `linenumber()` and `file()` read a hidden slot the user never wrote.
                let shown = if matches!(function, Function::LineNumber | Function::File) {
                    &[]
                } else {
                    args.as_slice()
                };
                for (position, arg) in shown.iter().enumerate() {
                    if position > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{}", show(arg))?;
                }
                f.write_char(')')
            }
            ExprKind::Case { .. } => f.write_str("CASE … END"),
            ExprKind::ListComprehension { slot, list, .. } => {
                write!(f, "[{} IN {} …]", plan.slot_name(*slot), show(list))
            }
            ExprKind::Quantifier { kind, slot, list, .. } => {
                write!(f, "{kind:?}({} IN {} …)", plan.slot_name(*slot), show(list))
            }
            ExprKind::Reduce { .. } => f.write_str("reduce(…)"),
            ExprKind::Exists(_) => f.write_str("EXISTS {…}"),
            ExprKind::CollectSubquery(_, map) => write!(f, "[(…) | {}]", show(map)),
            ExprKind::MapProjection(subject, _) => write!(f, "{} {{…}}", show(subject)),
            ExprKind::Degree { node, dir, types, to_labels } => {
                let arrow = match dir {
                    Dir::Outgoing => "->",
                    Dir::Incoming => "<-",
                    Dir::Both => "-",
                };
                write!(
                    f,
                    "degree({}{arrow}{}{})",
                    plan.slot_name(*node),
                    types.join("|"),
                    to_labels.iter().map(|label| format!(":{label}")).collect::<String>()
                )
            }
            ExprKind::BuildPath(steps) => {
                f.write_str("path(")?;
                for (position, step) in steps.iter().enumerate() {
                    if position > 0 {
                        f.write_str(", ")?;
                    }
                    let slot = match step {
                        PathStep::Node(slot)
                        | PathStep::Relationship(slot)
                        | PathStep::Relationships(slot) => *slot,
                    };
                    f.write_str(plan.slot_name(slot))?;
                }
                f.write_char(')')
            }
        }
    }
}

fn write_constant(f: &mut Formatter<'_>, value: &Value) -> fmt::Result {
    match value {
        Value::String(text) => crate::text::write_string(f, text),
        Value::Null => f.write_str("null"),
        Value::Bool(flag) => write!(f, "{flag}"),
        Value::Int(number) => write!(f, "{number}"),
        Value::Float(number) => crate::text::write_float(f, *number),
        Value::List(items) => {
            f.write_char('[')?;
            for (position, item) in items.iter().enumerate() {
                if position > 0 {
                    f.write_str(", ")?;
                }
                write_constant(f, item)?;
            }
            f.write_char(']')
        }
        other => write!(f, "{other:?}"),
    }
}
