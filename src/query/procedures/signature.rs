//! Procedure signatures as Neo4j and the openCypher TCK write them:
//! `test.my.proc(name :: STRING?, id :: INTEGER?) :: (city :: STRING?, code :: INTEGER?)`,
//! with `:: ()` for a procedure that yields nothing. A type ending in `?` also accepts
//! null.

use std::fmt;
use std::str::FromStr;

use crate::graph::Value;

/// A signature text that could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("procedure signature: {0}")]
pub struct SignatureError(pub String);

/// A procedure's name with its typed inputs and outputs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature {
    pub name: String,
    pub inputs: Vec<Field>,
    pub outputs: Vec<Field>,
}

/// One input or output: its name and type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    pub ty: FieldType,
}

/// A declared type; `nullable` when written with `?`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldType {
    pub name: TypeName,
    pub nullable: bool,
}

/// The types a signature can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TypeName {
    Any,
    Boolean,
    String,
    Integer,
    Float,
    /// An integer or a float.
    Number,
    Node,
    Relationship,
    Path,
    /// `LIST OF T` (the element type is not checked).
    List,
    Map,
    Date,
    LocalTime,
    Time,
    LocalDateTime,
    DateTime,
    Duration,
}

impl TypeName {
    fn parse(text: &str) -> Option<TypeName> {
        let upper = text.to_ascii_uppercase();
        if upper.starts_with("LIST") {
            return Some(TypeName::List);
        }
        Some(match upper.as_str() {
            "ANY" => TypeName::Any,
            "BOOLEAN" => TypeName::Boolean,
            "STRING" => TypeName::String,
            "INTEGER" => TypeName::Integer,
            "FLOAT" => TypeName::Float,
            "NUMBER" => TypeName::Number,
            "NODE" => TypeName::Node,
            "RELATIONSHIP" => TypeName::Relationship,
            "PATH" => TypeName::Path,
            "MAP" => TypeName::Map,
            "DATE" => TypeName::Date,
            "LOCALTIME" => TypeName::LocalTime,
            "TIME" => TypeName::Time,
            "LOCALDATETIME" => TypeName::LocalDateTime,
            "DATETIME" => TypeName::DateTime,
            "DURATION" => TypeName::Duration,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            TypeName::Any => "ANY",
            TypeName::Boolean => "BOOLEAN",
            TypeName::String => "STRING",
            TypeName::Integer => "INTEGER",
            TypeName::Float => "FLOAT",
            TypeName::Number => "NUMBER",
            TypeName::Node => "NODE",
            TypeName::Relationship => "RELATIONSHIP",
            TypeName::Path => "PATH",
            TypeName::List => "LIST OF ANY",
            TypeName::Map => "MAP",
            TypeName::Date => "DATE",
            TypeName::LocalTime => "LOCALTIME",
            TypeName::Time => "TIME",
            TypeName::LocalDateTime => "LOCALDATETIME",
            TypeName::DateTime => "DATETIME",
            TypeName::Duration => "DURATION",
        }
    }
}

impl FieldType {
    /// `value` as this type takes it (an integer widened for `FLOAT`), or the value back
    /// when the type does not take it.
    pub fn coerce(self, value: Value) -> Result<Value, Value> {
        let fits = match (&value, self.name) {
            (Value::Null, _) => self.nullable,
            (_, TypeName::Any) => true,
            (Value::Int(integer), TypeName::Float) => return Ok(Value::Float(*integer as f64)),
            (Value::Int(_) | Value::Float(_), TypeName::Number) => true,
            (other, expected) => other.type_name().eq_ignore_ascii_case(expected.name()),
        };
        if fits { Ok(value) } else { Err(value) }
    }
}

impl fmt::Display for FieldType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name.name())?;
        if self.nullable { f.write_str("?") } else { Ok(()) }
    }
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |fields: &[Field]| {
            fields.iter().map(|field| format!("{} :: {}", field.name, field.ty)).collect::<Vec<_>>()
        };
        write!(
            f,
            "{}({}) :: ({})",
            self.name,
            list(&self.inputs).join(", "),
            list(&self.outputs).join(", ")
        )
    }
}

impl FromStr for Signature {
    type Err = SignatureError;

    fn from_str(text: &str) -> Result<Signature, SignatureError> {
        let error = |message: &str| SignatureError(format!("{message} in `{text}`"));
        let (name, rest) = text.trim().split_once('(').ok_or_else(|| error("no `(`"))?;
        let name = name.trim();
        let well_formed = !name.is_empty()
            && name.split('.').all(|part| {
                !part.is_empty() && part.chars().all(|c| c.is_alphanumeric() || c == '_')
            });
        if !well_formed {
            return Err(error("the name must be dotted words"));
        }
        let (inputs, rest) =
            rest.split_once(')').ok_or_else(|| error("no `)` after the inputs"))?;
        let rest =
            rest.trim().strip_prefix("::").ok_or_else(|| error("no `::` before the outputs"))?;
        // The TCK ends a signature with ` :` at times; whatever follows the outputs' `)`
        // must be nothing but colons.
        let rest =
            rest.trim().strip_prefix('(').ok_or_else(|| error("no `(` before the outputs"))?;
        let (outputs, tail) =
            rest.rsplit_once(')').ok_or_else(|| error("no `)` after the outputs"))?;
        if !tail.trim().chars().all(|c| c == ':') {
            return Err(error("text after the outputs"));
        }
        Ok(Signature {
            name: name.to_owned(),
            inputs: fields(inputs).map_err(|message| error(&message))?,
            outputs: fields(outputs).map_err(|message| error(&message))?,
        })
    }
}

/// `a :: STRING?, b :: INTEGER` (or nothing).
fn fields(text: &str) -> Result<Vec<Field>, String> {
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    let mut fields: Vec<Field> = Vec::new();
    for part in text.split(',') {
        let (name, ty) =
            part.split_once("::").ok_or_else(|| format!("`{}` has no `::` type", part.trim()))?;
        let name = name.trim();
        if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
            return Err(format!("`{name}` is not a field name"));
        }
        if fields.iter().any(|field| field.name == name) {
            return Err(format!("`{name}` is declared twice"));
        }
        let ty = ty.trim();
        let (type_text, nullable) = match ty.strip_suffix('?') {
            Some(stripped) => (stripped.trim(), true),
            None => (ty, false),
        };
        let type_name =
            TypeName::parse(type_text).ok_or_else(|| format!("`{type_text}` is not a type"))?;
        fields.push(Field { name: name.to_owned(), ty: FieldType { name: type_name, nullable } });
    }
    Ok(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_tck_signatures() {
        let signature: Signature =
            "test.my.proc(name :: STRING?, id :: INTEGER?) :: (city :: STRING?, country_code :: INTEGER?)"
                .parse()
                .unwrap();
        assert_eq!(signature.name, "test.my.proc");
        assert_eq!(signature.inputs.len(), 2);
        assert_eq!(signature.outputs[1].name, "country_code");
        assert_eq!(signature.outputs[1].ty, FieldType { name: TypeName::Integer, nullable: true });
        let void: Signature = "test.doNothing() :: ()".parse().unwrap();
        assert!(void.inputs.is_empty() && void.outputs.is_empty());
        let trailing: Signature =
            "p(in :: INTEGER?) :: (a :: INTEGER?, b :: INTEGER?) :".parse().unwrap();
        assert_eq!(trailing.outputs.len(), 2);
    }

    #[test]
    fn refuses_what_is_not_a_signature() {
        for text in [
            "",
            "p",
            "p(",
            "p() ::",
            "p(a STRING) :: ()",
            "p(a :: WHAT) :: ()",
            "(a) :: ()",
            "p() :: () x",
        ] {
            assert!(text.parse::<Signature>().is_err(), "{text}");
        }
    }
}
