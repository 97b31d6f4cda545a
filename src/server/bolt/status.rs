//! Neo4j status codes for Körpü's errors, so drivers raise the exception a user of
//! them expects (`Neo.ClientError.Statement.SyntaxError` becomes the Python driver's
//! `CypherSyntaxError`), and the failure message: Körpü's own rendering of the error,
//! with the caret under the words it is about. Pure.

use korpu::diagnostic;
use korpu::query::error::{ErrorCode, ErrorKind, QueryError};

pub(crate) const REQUEST_INVALID: &str = "Neo.ClientError.Request.Invalid";
pub(crate) const UNAUTHORIZED: &str = "Neo.ClientError.Security.Unauthorized";
pub(crate) const TRANSACTION_NOT_FOUND: &str = "Neo.ClientError.Transaction.TransactionNotFound";
pub(crate) const PARAMETER_TYPE: &str = "Neo.ClientError.Statement.TypeError";
pub(crate) const RESULT_LIMIT: &str = "Neo.ClientError.Request.ResourceExhaustion";
pub(crate) const ACCESS_MODE: &str = "Neo.ClientError.Statement.AccessMode";
pub(crate) const COMMIT_FAILED: &str = "Neo.DatabaseError.Transaction.TransactionCommitFailed";

/// The Neo4j status code of a query error.
pub(crate) fn status_code(error: &QueryError) -> &'static str {
    match (error.kind(), error.code()) {
        (ErrorKind::ParameterMissing, _) | (_, ErrorCode::ParameterMissing) => {
            "Neo.ClientError.Statement.ParameterMissing"
        }
        (ErrorKind::ProcedureError, ErrorCode::ProcedureNotFound) => {
            "Neo.ClientError.Procedure.ProcedureNotFound"
        }
        (ErrorKind::ProcedureError, _) => "Neo.ClientError.Procedure.ProcedureCallFailed",
        (
            _,
            ErrorCode::DivisionByZero | ErrorCode::NumberOutOfRange | ErrorCode::IntegerOverflow,
        ) => "Neo.ClientError.Statement.ArithmeticError",
        (_, ErrorCode::Timeout) => "Neo.ClientError.Transaction.TransactionTimedOut",
        (_, ErrorCode::EquivalentSchemaRuleAlreadyExists | ErrorCode::SchemaRuleNameTaken) => {
            "Neo.ClientError.Schema.EquivalentSchemaRuleAlreadyExists"
        }
        (_, ErrorCode::IndexNotFound) => "Neo.ClientError.Schema.IndexNotFound",
        (_, ErrorCode::ConstraintNotFound) => "Neo.ClientError.Schema.ConstraintNotFound",
        (_, ErrorCode::IndexOwnedByConstraint) => "Neo.ClientError.Schema.IndexDropFailed",
        (_, ErrorCode::ConstraintCreationFailed) => {
            "Neo.ClientError.Schema.ConstraintCreationFailed"
        }
        // Neo4j reports what openCypher calls semantic errors (an undefined variable, a
        // misplaced aggregate) as syntax errors too.
        (ErrorKind::SyntaxError | ErrorKind::SemanticError, _) => {
            "Neo.ClientError.Statement.SyntaxError"
        }
        (ErrorKind::TypeError, _) => "Neo.ClientError.Statement.TypeError",
        (ErrorKind::ArgumentError, _) => "Neo.ClientError.Statement.ArgumentError",
        (ErrorKind::EntityNotFound, _) => "Neo.ClientError.Statement.EntityNotFound",
        (ErrorKind::ConstraintVerificationFailed, _) => {
            "Neo.ClientError.Schema.ConstraintValidationFailed"
        }
        (ErrorKind::Cancelled, _) => "Neo.ClientError.Transaction.Terminated",
        (ErrorKind::ResourceLimit, _) => "Neo.ClientError.Statement.ExecutionFailed",
        (ErrorKind::Forbidden, _) => "Neo.ClientError.General.ForbiddenOnReadOnlyDatabase",
        (_, ErrorCode::TransactionCommitFailed) => COMMIT_FAILED,
        (ErrorKind::Internal, _) => "Neo.DatabaseError.General.UnknownError",
    }
}

/// The failure message: the error drawn against the query text, as the CLI shows it.
pub(crate) fn failure_message(error: &QueryError, query: &str) -> String {
    diagnostic::render(error, query, "query").trim_end().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use korpu::session::Session;

    fn code_of(query: &str) -> &'static str {
        let mut session = Session::over(korpu::graph::Graph::default());
        session.params.insert("text".to_owned(), korpu::graph::Value::from("text"));
        let error = session.run(query).into_outcome().unwrap_err();
        status_code(&error)
    }

    #[test]
    fn errors_get_the_codes_drivers_map_to_exceptions() {
        assert_eq!(code_of("RETRUN 1"), "Neo.ClientError.Statement.SyntaxError");
        assert_eq!(code_of("RETURN x"), "Neo.ClientError.Statement.SyntaxError");
        assert_eq!(code_of("RETURN $missing"), "Neo.ClientError.Statement.ParameterMissing");
        assert_eq!(code_of("RETURN 1 / 0"), "Neo.ClientError.Statement.ArithmeticError");
        // Known while planning, a type mismatch is a syntax error to Neo4j too; found
        // while running, it is a type error.
        assert_eq!(code_of("RETURN 'a' - 1"), "Neo.ClientError.Statement.SyntaxError");
        assert_eq!(code_of("RETURN $text - 1"), "Neo.ClientError.Statement.TypeError");
        assert_eq!(code_of("DROP INDEX nope"), "Neo.ClientError.Schema.IndexNotFound");
        let mut session = Session::over(korpu::graph::Graph::default());
        let _ = session.run("CREATE CONSTRAINT FOR (n:N) REQUIRE n.k IS UNIQUE");
        let error = session.run("CREATE (:N {k: 1}), (:N {k: 1})").into_outcome().unwrap_err();
        assert_eq!(status_code(&error), "Neo.ClientError.Schema.ConstraintValidationFailed");
    }

    #[test]
    fn the_message_points_at_the_error() {
        let mut session = Session::over(korpu::graph::Graph::default());
        let error = session.run("RETURN nope").into_outcome().unwrap_err();
        let message = failure_message(&error, "RETURN nope");
        assert!(message.contains("RETURN nope") && message.contains('^'), "{message}");
    }
}
