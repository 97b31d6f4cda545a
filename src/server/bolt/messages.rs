//! Bolt messages: a client's request bytes → `Request`, and the server's responses
//! (`SUCCESS`, `RECORD`, `IGNORED`, `FAILURE`) → framed bytes.
//!
//! Every request is a PackStream structure whose signature names it; a request with the
//! wrong fields is a `RequestError` (the connection answers with a failure and closes),
//! never a panic. Does not decide what a request does; `connection` does.

use super::framing::write_message;
use super::packstream::{
    DecodeError, PackValue, pack, pack_list_header, pack_map_header, pack_string,
    pack_struct_header, unpack,
};

/// Request signatures.
mod signature {
    pub(super) const HELLO: u8 = 0x01;
    pub(super) const GOODBYE: u8 = 0x02;
    pub(super) const RESET: u8 = 0x0F;
    pub(super) const RUN: u8 = 0x10;
    pub(super) const BEGIN: u8 = 0x11;
    pub(super) const COMMIT: u8 = 0x12;
    pub(super) const ROLLBACK: u8 = 0x13;
    pub(super) const DISCARD: u8 = 0x2F;
    pub(super) const PULL: u8 = 0x3F;
    pub(super) const TELEMETRY: u8 = 0x54;
    pub(super) const ROUTE: u8 = 0x66;
    pub(super) const LOGON: u8 = 0x6A;
    pub(super) const LOGOFF: u8 = 0x6B;
    pub(super) const SUCCESS: u8 = 0x70;
    pub(super) const RECORD: u8 = 0x71;
    pub(super) const IGNORED: u8 = 0x7E;
    pub(super) const FAILURE: u8 = 0x7F;
}

/// "All remaining records", as `n` in `PULL` and `DISCARD`.
pub(crate) const ALL: i64 = -1;
/// "The result opened last", as `qid` in `PULL` and `DISCARD`.
pub(crate) const LAST_RESULT: i64 = -1;

/// What a client asks.
#[derive(Debug, PartialEq)]
pub(crate) enum Request {
    Hello { extra: PackValue },
    Logon { auth: PackValue },
    Logoff,
    Goodbye,
    Reset,
    Run { query: String, parameters: Vec<(String, PackValue)>, extra: PackValue },
    Begin { extra: PackValue },
    Commit,
    Rollback,
    Discard { n: i64, qid: i64 },
    Pull { n: i64, qid: i64 },
    Route { database: Option<String> },
    Telemetry,
}

impl Request {
    /// The message's name, as errors mention it.
    pub(crate) fn name(&self) -> &'static str {
        match self {
            Request::Hello { .. } => "HELLO",
            Request::Logon { .. } => "LOGON",
            Request::Logoff => "LOGOFF",
            Request::Goodbye => "GOODBYE",
            Request::Reset => "RESET",
            Request::Run { .. } => "RUN",
            Request::Begin { .. } => "BEGIN",
            Request::Commit => "COMMIT",
            Request::Rollback => "ROLLBACK",
            Request::Discard { .. } => "DISCARD",
            Request::Pull { .. } => "PULL",
            Request::Route { .. } => "ROUTE",
            Request::Telemetry => "TELEMETRY",
        }
    }
}

/// Why bytes are not a request.
#[derive(Debug, PartialEq, thiserror::Error)]
pub(crate) enum RequestError {
    #[error("the message is not PackStream: {0}")]
    Decode(#[from] DecodeError),
    #[error("a message must be a structure")]
    NotAStructure,
    #[error("0x{0:02X} is not a request this server knows")]
    Unknown(u8),
    #[error("{name} takes {expected}, not {given} fields")]
    Fields { name: &'static str, expected: &'static str, given: usize },
    #[error("{name}: {problem}")]
    Field { name: &'static str, problem: &'static str },
}

fn map_field(
    fields: &mut [PackValue],
    index: usize,
    name: &'static str,
) -> Result<PackValue, RequestError> {
    match fields.get_mut(index).map(|field| std::mem::replace(field, PackValue::Null)) {
        Some(map @ PackValue::Map(_)) => Ok(map),
        None | Some(PackValue::Null) => Ok(PackValue::Map(Vec::new())),
        Some(_) => Err(RequestError::Field { name, problem: "a field that must be a map is not" }),
    }
}

/// Decodes one request.
pub(crate) fn parse_request(bytes: &[u8]) -> Result<Request, RequestError> {
    let PackValue::Struct { tag, mut fields } = unpack(bytes)? else {
        return Err(RequestError::NotAStructure);
    };
    let count = fields.len();
    let arity = |name: &'static str, expected: &'static str, allowed: &[usize]| {
        if allowed.contains(&count) {
            Ok(())
        } else {
            Err(RequestError::Fields { name, expected, given: count })
        }
    };
    Ok(match tag {
        signature::HELLO => {
            arity("HELLO", "1", &[1])?;
            Request::Hello { extra: map_field(&mut fields, 0, "HELLO")? }
        }
        signature::LOGON => {
            arity("LOGON", "1", &[1])?;
            Request::Logon { auth: map_field(&mut fields, 0, "LOGON")? }
        }
        signature::LOGOFF => Request::Logoff,
        signature::GOODBYE => Request::Goodbye,
        signature::RESET => Request::Reset,
        signature::RUN => {
            arity("RUN", "2 or 3", &[2, 3])?;
            let extra = map_field(&mut fields, 2, "RUN")?;
            let PackValue::Map(parameters) = map_field(&mut fields, 1, "RUN")? else {
                unreachable!("map_field returns maps")
            };
            let Some(PackValue::String(query)) = fields.into_iter().next() else {
                return Err(RequestError::Field {
                    name: "RUN",
                    problem: "the query must be a string",
                });
            };
            Request::Run { query, parameters, extra }
        }
        signature::BEGIN => {
            arity("BEGIN", "0 or 1", &[0, 1])?;
            Request::Begin { extra: map_field(&mut fields, 0, "BEGIN")? }
        }
        signature::COMMIT => Request::Commit,
        signature::ROLLBACK => Request::Rollback,
        signature::DISCARD | signature::PULL => {
            let name = if tag == signature::PULL { "PULL" } else { "DISCARD" };
            arity(name, "0 or 1", &[0, 1])?;
            let extra = map_field(&mut fields, 0, name)?;
            let n = extra.get("n").map_or(Some(ALL), PackValue::as_int);
            let qid = extra.get("qid").map_or(Some(LAST_RESULT), PackValue::as_int);
            let (Some(n), Some(qid)) = (n, qid) else {
                return Err(RequestError::Field { name, problem: "n and qid must be integers" });
            };
            if n == 0 || n < ALL {
                return Err(RequestError::Field {
                    name,
                    problem: "n must be positive, or -1 for all",
                });
            }
            if tag == signature::PULL {
                Request::Pull { n, qid }
            } else {
                Request::Discard { n, qid }
            }
        }
        signature::ROUTE => {
            arity("ROUTE", "3", &[3])?;
            // Bolt 4.4 on sends {db, imp_user} as the third field; 4.3 sent the name.
            let database = match &fields[2] {
                PackValue::String(name) => Some(name.clone()),
                extra => extra.get("db").and_then(PackValue::as_str).map(str::to_owned),
            };
            Request::Route { database }
        }
        signature::TELEMETRY => Request::Telemetry,
        other => return Err(RequestError::Unknown(other)),
    })
}

/// A response's metadata, built entry by entry.
#[derive(Default)]
pub(crate) struct Metadata(Vec<(String, PackValue)>);

impl Metadata {
    pub(crate) fn with(mut self, key: &str, value: PackValue) -> Self {
        self.0.push((key.to_owned(), value));
        self
    }
}

/// Appends `SUCCESS {metadata}`.
pub(crate) fn success(out: &mut Vec<u8>, metadata: Metadata) {
    let mut body = Vec::new();
    pack_struct_header(&mut body, signature::SUCCESS, 1);
    pack(&mut body, &PackValue::Map(metadata.0));
    write_message(out, &body);
}

/// Appends `FAILURE {code, message}`.
pub(crate) fn failure(out: &mut Vec<u8>, code: &str, message: &str) {
    let mut body = Vec::new();
    pack_struct_header(&mut body, signature::FAILURE, 1);
    pack_map_header(&mut body, 2);
    pack_string(&mut body, "code");
    pack_string(&mut body, code);
    pack_string(&mut body, "message");
    pack_string(&mut body, message);
    write_message(out, &body);
}

/// Appends `IGNORED`.
pub(crate) fn ignored(out: &mut Vec<u8>) {
    let mut body = Vec::new();
    pack_struct_header(&mut body, signature::IGNORED, 0);
    write_message(out, &body);
}

/// Starts a `RECORD` of `fields` values in `body`; the caller packs the values next
/// and frames it with `write_message`.
pub(crate) fn record_header(body: &mut Vec<u8>, fields: usize) {
    pack_struct_header(body, signature::RECORD, 1);
    pack_list_header(body, fields);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(tag: u8, fields: Vec<PackValue>) -> Result<Request, RequestError> {
        let mut bytes = Vec::new();
        pack(&mut bytes, &PackValue::Struct { tag, fields });
        parse_request(&bytes)
    }

    fn map(entries: &[(&str, i64)]) -> PackValue {
        PackValue::Map(entries.iter().map(|(k, v)| (k.to_string(), PackValue::Int(*v))).collect())
    }

    #[test]
    fn reads_the_requests_drivers_send() {
        let run =
            request(0x10, vec![PackValue::String("RETURN $x".into()), map(&[("x", 1)]), map(&[])]);
        assert_eq!(
            run,
            Ok(Request::Run {
                query: "RETURN $x".into(),
                parameters: vec![("x".into(), PackValue::Int(1))],
                extra: map(&[]),
            })
        );
        assert_eq!(
            request(0x3F, vec![map(&[("n", 2), ("qid", 0)])]),
            Ok(Request::Pull { n: 2, qid: 0 })
        );
        assert_eq!(
            request(0x2F, vec![map(&[])]),
            Ok(Request::Discard { n: ALL, qid: LAST_RESULT })
        );
        let route = vec![
            map(&[]),
            PackValue::List(vec![]),
            PackValue::Map(vec![("db".into(), PackValue::Null)]),
        ];
        assert_eq!(request(0x66, route), Ok(Request::Route { database: None }));
        assert_eq!(request(0x54, vec![PackValue::Int(1)]), Ok(Request::Telemetry));
    }

    #[test]
    fn refuses_malformed_requests() {
        assert_eq!(
            request(0x10, vec![]),
            Err(RequestError::Fields { name: "RUN", expected: "2 or 3", given: 0 })
        );
        assert!(matches!(
            request(0x10, vec![PackValue::Int(1), map(&[])]),
            Err(RequestError::Field { .. })
        ));
        assert!(matches!(request(0x3F, vec![map(&[("n", 0)])]), Err(RequestError::Field { .. })));
        assert_eq!(request(0x99, vec![]), Err(RequestError::Unknown(0x99)));
        assert_eq!(parse_request(&[0xC0]), Err(RequestError::NotAStructure));
        assert!(matches!(parse_request(&[0xB1]), Err(RequestError::Decode(_))));
    }

    #[test]
    fn responses_are_framed_structures() {
        let mut out = Vec::new();
        ignored(&mut out);
        assert_eq!(out, [0, 2, 0xB0, 0x7E, 0, 0]);
        out.clear();
        success(&mut out, Metadata::default());
        assert_eq!(out, [0, 3, 0xB1, 0x70, 0xA0, 0, 0]);
    }
}
