//! Procedures: what `CALL name(args) YIELD …` runs.
//!
//! A `Procedure` is a signature (its name, typed inputs and typed outputs) and a body that
//! takes the evaluated arguments and the graph and returns rows of outputs. `Procedures`
//! is the registry the planner resolves names against: the built-ins of `builtin` (the
//! one table of them), to which a caller may add its own at run time (`register`), such
//! as a procedure answering from a table of rows (`Procedure::from_table`, what the
//! openCypher TCK's test procedures are). The planner puts the resolved procedure into
//! the plan, so the executor calls it without looking names up again.
//! Procedures only read the graph.

mod builtin;
mod schema;
mod signature;

pub use builtin::NEO4J_VERSION;
pub use signature::{FieldType, Signature, SignatureError, TypeName};

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use crate::graph::{Graph, Value};

/// A procedure body: arguments (already checked against the signature) and the graph in,
/// rows of outputs (one value per declared output, in order) out; an error is a message.
pub type Body = dyn Fn(&[Value], &Graph) -> Result<Vec<Vec<Value>>, String> + Send + Sync;

/// One callable procedure.
#[derive(Clone)]
pub struct Procedure {
    pub signature: Signature,
    body: Arc<Body>,
}

impl fmt::Debug for Procedure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Procedure({})", self.signature)
    }
}

impl Procedure {
    /// A procedure from its signature text (`ns.name(in :: STRING?) :: (out :: INTEGER?)`)
    /// and its body.
    pub fn new(
        signature: &str,
        body: impl Fn(&[Value], &Graph) -> Result<Vec<Vec<Value>>, String> + Send + Sync + 'static,
    ) -> Result<Procedure, SignatureError> {
        Ok(Procedure { signature: signature.parse()?, body: Arc::new(body) })
    }

    /// A procedure that answers from a table: each row holds the inputs, then the outputs,
    /// in signature order; a call yields the outputs of every row whose inputs are
    /// equivalent to the arguments (null matching null), in table order.
    pub fn from_table(signature: &str, rows: Vec<Vec<Value>>) -> Result<Procedure, SignatureError> {
        let parsed: Signature = signature.parse()?;
        let width = parsed.inputs.len() + parsed.outputs.len();
        if let Some(row) = rows.iter().find(|row| row.len() != width) {
            return Err(SignatureError(format!(
                "a row of `{}` has {} values, but its signature declares {width} inputs and outputs",
                parsed.name,
                row.len()
            )));
        }
        let inputs = parsed.inputs.len();
        let body = move |args: &[Value], _: &Graph| {
            Ok(rows
                .iter()
                .filter(|row| {
                    row[..inputs].iter().zip(args).all(|(cell, arg)| cell.equivalent(arg))
                })
                .map(|row| row[inputs..].to_vec())
                .collect())
        };
        Ok(Procedure { signature: parsed, body: Arc::new(body) })
    }

    /// The procedure's name, dotted (`db.labels`).
    pub fn name(&self) -> &str {
        &self.signature.name
    }

    /// True when the procedure declares no outputs (`:: ()`): a call keeps each row as
    /// it is.
    pub fn is_void(&self) -> bool {
        self.signature.outputs.is_empty()
    }

    /// Checks `args` against the declared input types (widening an integer given for a
    /// `FLOAT`), then runs the body; each returned row must have one value per output.
    pub fn call(&self, args: Vec<Value>, graph: &Graph) -> Result<Vec<Vec<Value>>, CallError> {
        let mut checked = Vec::with_capacity(args.len());
        for (arg, field) in args.into_iter().zip(&self.signature.inputs) {
            match field.ty.coerce(arg) {
                Ok(value) => checked.push(value),
                Err(value) => {
                    return Err(CallError::ArgumentType(format!(
                        "argument `{}` of `{}` must be {}, not {}",
                        field.name,
                        self.name(),
                        field.ty,
                        value.type_name()
                    )));
                }
            }
        }
        let rows = (self.body)(&checked, graph).map_err(CallError::Failed)?;
        let width = self.signature.outputs.len();
        if rows.iter().any(|row| row.len() != width) {
            return Err(CallError::Failed(format!(
                "`{}` returned a row that does not match its {width} declared outputs",
                self.name()
            )));
        }
        Ok(rows)
    }
}

/// Why a call failed while running.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallError {
    /// An argument does not have its declared type.
    ArgumentType(String),
    /// The body reported a failure.
    Failed(String),
}

/// The procedures a statement may call, by exact name.
#[derive(Clone, Debug)]
pub struct Procedures {
    by_name: BTreeMap<String, Arc<Procedure>>,
}

impl Default for Procedures {
    /// The built-in procedures.
    fn default() -> Self {
        let mut procedures = Procedures { by_name: BTreeMap::new() };
        for procedure in builtin::procedures() {
            procedures.register(procedure);
        }
        procedures
    }
}

impl Procedures {
    /// The built-in procedures, built once per process and shared: every statement's
    /// `Control` holds them, and building them parses each signature.
    pub fn builtin() -> Arc<Procedures> {
        static BUILTIN: std::sync::LazyLock<Arc<Procedures>> =
            std::sync::LazyLock::new(|| Arc::new(Procedures::default()));
        Arc::clone(&BUILTIN)
    }

    /// Adds `procedure`, replacing one of the same name.
    pub fn register(&mut self, procedure: Procedure) {
        self.by_name.insert(procedure.name().to_owned(), Arc::new(procedure));
    }

    /// The procedure called `name` (names are case-sensitive, as in Neo4j).
    pub fn get(&self, name: &str) -> Option<&Arc<Procedure>> {
        self.by_name.get(name)
    }

    /// Every procedure, by name.
    pub fn iter(&self) -> impl Iterator<Item = &Procedure> {
        self.by_name.values().map(|procedure| &**procedure)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_procedure_answers_the_rows_matching_its_arguments() {
        let procedure = Procedure::from_table(
            "test.my.proc(in :: FLOAT?) :: (out :: STRING?)",
            vec![vec![Value::Float(42.0), "close".into()], vec![Value::Null, "nix".into()]],
        )
        .unwrap();
        let graph = Graph::default();
        let answer = |arg: Value| procedure.call(vec![arg], &graph).unwrap();
        assert_eq!(answer(Value::Int(42))[0][0].as_str(), Some("close"));
        assert_eq!(answer(Value::Null)[0][0].as_str(), Some("nix"));
        assert!(answer(Value::Float(1.5)).is_empty());
        assert!(matches!(
            procedure.call(vec![Value::from("x")], &graph),
            Err(CallError::ArgumentType(_))
        ));
    }

    #[test]
    fn a_table_row_of_the_wrong_width_is_refused() {
        assert!(Procedure::from_table("p(a :: INTEGER?) :: ()", vec![vec![]]).is_err());
    }
}
