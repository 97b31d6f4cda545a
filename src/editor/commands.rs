//! The shell's `:commands`: their table (name, usage, help text), parsing a command
//! line into a `MetaCommand`, and the nearest-name suggestion for a mistyped one.
//!
//! Pure: a line in, a value or a message out. Running a command is `shell`'s job; the
//! completer and `:help` read `COMMANDS`, so a command is described in one place.

use std::path::PathBuf;

use crate::render::Format;
use crate::text::edit_distance;

/// One `:command` as `:help` describes it.
#[derive(Clone, Copy, Debug)]
pub struct CommandSpec {
    pub name: &'static str,
    /// The arguments, as `:help` shows them.
    pub usage: &'static str,
    pub summary: &'static str,
    /// Longer help for `:help NAME`.
    pub details: &'static str,
}

/// Every command, in the order `:help` lists them.
pub const COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "help",
        usage: "[TOPIC]",
        summary: "this list, or help on a command or topic (keys, cypher)",
        details: "`:help` lists the commands; `:help NAME` explains one; `:help keys` lists the keys; `:help cypher` gives a Cypher cheat sheet.",
    },
    CommandSpec {
        name: "schema",
        usage: "",
        summary: "labels, relationship types and property keys, with counts",
        details: "Lists every label and relationship type with how many nodes or relationships carry it, which labels each relationship type connects, and every property key with how many nodes and relationships have it.",
    },
    CommandSpec {
        name: "find",
        usage: "TEXT",
        summary: "search entities by name (any case, with or without ə ş ç ğ ı ö ü)",
        details: "Ranked search over `name`, `name_en`, `short_name` and `aliases`. Tolerates case, missing diacritics, English spellings (Aliyev for Əliyev) and small typos.\nExample: `:find ilham ismayilov`",
    },
    CommandSpec {
        name: "format",
        usage: "table|json|csv",
        summary: "how results are printed",
        details: "`table` (the default) aligns columns to the terminal; `json` prints one object per statement, as `korpu query --format json` does; `csv` prints RFC 4180 CSV. Without an argument, shows the current format.",
    },
    CommandSpec {
        name: "param",
        usage: "NAME VALUE",
        summary: "set the parameter $NAME to a Cypher literal",
        details: "VALUE is a Cypher literal: `:param city 'Bakı'`, `:param years [2001, 2002]`, `:param filter {name: 'x'}`. Neo4j Browser's spellings work too: `:param city => 'Bakı'`, `:param city: 'Bakı'`, and `:param {city: 'Bakı', year: 2024}` for several at once (in a script the map may span lines). Use it as `$city` in statements.",
    },
    CommandSpec {
        name: "params",
        usage: "",
        summary: "list the parameters that are set",
        details: "Lists every parameter with its value.",
    },
    CommandSpec {
        name: "source",
        usage: "FILE",
        summary: "run the statements and :commands of a file",
        details: "Runs a script: statements end with `;`, and lines starting with `:` are commands. Errors point at the file's lines. Ctrl-C stops the script.",
    },
    CommandSpec {
        name: "export",
        usage: "dot FILE [QUERY]",
        summary: "write the subgraph a query returns as Graphviz DOT",
        details: "Runs QUERY (or reuses the rows of the last query) and writes the nodes, relationships and paths in its rows to FILE as a Graphviz digraph. Render it with `dot -Tsvg FILE -o graph.svg`.\nExample: `:export dot ngo.dot MATCH p = (:NGO)-[:PARTNERS_WITH]-() RETURN p`",
    },
    CommandSpec {
        name: "explain",
        usage: "QUERY",
        summary: "show the plan for a query without running it",
        details: "Prints the operator tree the query would run, most selective scan first. `EXPLAIN QUERY;` does the same; `PROFILE QUERY;` runs it and adds rows and time per operator.",
    },
    CommandSpec {
        name: "timing",
        usage: "on|off",
        summary: "show the elapsed time after each result",
        details: "With timing on (the default at a terminal) the footer under each result says how long the statement took.",
    },
    CommandSpec {
        name: "maxrows",
        usage: "N",
        summary: "show at most N rows of a table (0: all)",
        details: "A table with more rows shows the first N and says how many it left out. `:maxrows 0` shows every row. Applies to the table format only; json and csv always print everything.",
    },
    CommandSpec {
        name: "begin",
        usage: "",
        summary: "start a transaction: the next statements stand or fall together",
        details: "After `:begin`, every statement changes the graph as usual, but `:rollback` undoes all of them at once and `:commit` keeps them. A statement that fails inside the transaction undoes only itself. The prompt shows `(tx)` while one is open.",
    },
    CommandSpec {
        name: "commit",
        usage: "",
        summary: "keep the changes of the open transaction",
        details: "Ends the transaction `:begin` started and keeps its changes (in memory: `:save` writes them to the data files).",
    },
    CommandSpec {
        name: "rollback",
        usage: "",
        summary: "undo every change of the open transaction",
        details: "Ends the transaction `:begin` started and undoes all of its changes.",
    },
    CommandSpec {
        name: "save",
        usage: "[FOLDER]",
        summary: "write the changes into the data files (or a new FOLDER)",
        details: "Writes every committed change into the graph-data files the graph was loaded from (`korpu --data FOLDER`): unchanged records keep their bytes, so `git diff` shows just what changed. Nothing is written if a file changed on disk since loading. `:save FOLDER` writes the whole graph into a new folder instead (the way to keep changes to the bundled graph); later saves go there.",
    },
    CommandSpec {
        name: "quit",
        usage: "",
        summary: "leave the shell (also :exit, Ctrl-D)",
        details: "Leaves the shell. History is saved as you go.",
    },
];

/// Other names accepted for commands.
const ALIASES: &[(&str, &str)] = &[("exit", "quit"), ("q", "quit"), ("h", "help"), ("?", "help")];

/// Extra `:help` topics that are not commands.
pub const TOPICS: &[&str] = &["keys", "cypher"];

/// A parsed `:command`.
#[derive(Clone, Debug, PartialEq)]
pub enum MetaCommand {
    Help(Option<String>),
    Schema,
    Find(String),
    Format(Option<Format>),
    /// `:param {name: value, …}`: several parameters from one map literal.
    ParamMap(String),
    Param {
        name: String,
        value: String,
    },
    Params,
    Source(PathBuf),
    ExportDot {
        file: PathBuf,
        query: Option<String>,
    },
    Explain(String),
    Timing(Option<bool>),
    /// `None` shows the current limit; `Some(0)` means no limit.
    MaxRows(Option<usize>),
    Begin,
    Commit,
    Rollback,
    /// `None`: into the files the graph came from.
    Save(Option<PathBuf>),
    Quit,
}

/// Parses a `:command` line; the error is a message for the user.
///
/// ```
/// use korpu::editor::commands::{parse_command, MetaCommand};
/// assert_eq!(parse_command(":find ilham ismayilov"), Ok(MetaCommand::Find("ilham ismayilov".into())));
/// assert!(parse_command(":shema").unwrap_err().contains("did you mean `:schema`"));
/// ```
pub fn parse_command(line: &str) -> Result<MetaCommand, String> {
    let body = line.trim().trim_start_matches(':');
    let (name, rest) = body.split_once(char::is_whitespace).unwrap_or((body, ""));
    let rest = rest.trim();
    let name = ALIASES
        .iter()
        .find(|(alias, _)| alias.eq_ignore_ascii_case(name))
        .map_or(name, |(_, target)| target);
    let usage = |name: &str| {
        let spec = COMMANDS.iter().find(|spec| spec.name == name).map_or("", |spec| spec.usage);
        format!("usage: :{name} {spec}")
    };
    let command = match name.to_ascii_lowercase().as_str() {
        "help" => {
            MetaCommand::Help((!rest.is_empty()).then(|| rest.trim_start_matches(':').to_owned()))
        }
        "schema" => MetaCommand::Schema,
        "find" if rest.is_empty() => return Err(usage("find")),
        "find" => MetaCommand::Find(rest.to_owned()),
        "format" => MetaCommand::Format(match rest.to_ascii_lowercase().as_str() {
            "" => None,
            "table" => Some(Format::Table),
            "json" => Some(Format::Json),
            "csv" => Some(Format::Csv),
            other => return Err(format!("unknown format `{other}`; {}", usage("format"))),
        }),
        // `:param {a: 1, b: 'x'}` sets several at once, as Neo4j Browser does.
        "param" if rest.starts_with('{') => MetaCommand::ParamMap(rest.to_owned()),
        "param" => {
            // `:param NAME VALUE`, and Neo4j Browser's `:param NAME => VALUE`,
            // `:param NAME: VALUE` and `:param NAME=VALUE`.
            let (param, value) = rest
                .split_once(|character: char| {
                    character.is_whitespace() || character == '=' || character == ':'
                })
                .ok_or_else(|| usage("param"))?;
            let value = value.trim_start();
            let value = value
                .strip_prefix("=>")
                .or_else(|| value.strip_prefix('='))
                .or_else(|| value.strip_prefix(':'))
                .unwrap_or(value)
                .trim();
            if param.is_empty() || value.is_empty() {
                return Err(usage("param"));
            }
            MetaCommand::Param {
                name: param.trim_start_matches('$').to_owned(),
                value: value.to_owned(),
            }
        }
        "params" => MetaCommand::Params,
        "source" if rest.is_empty() => return Err(usage("source")),
        "source" => MetaCommand::Source(PathBuf::from(unquote(rest))),
        "export" => {
            let (kind, rest) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
            if !kind.eq_ignore_ascii_case("dot") {
                return Err(format!("only `dot` exports from the shell; {}", usage("export")));
            }
            let rest = rest.trim();
            let (file, query) = split_path(rest);
            if file.is_empty() {
                return Err(usage("export"));
            }
            let query = query.trim().trim_end_matches(';').trim();
            MetaCommand::ExportDot {
                file: PathBuf::from(file),
                query: (!query.is_empty()).then(|| query.to_owned()),
            }
        }
        "explain" if rest.is_empty() => return Err(usage("explain")),
        "explain" => MetaCommand::Explain(rest.trim_end_matches(';').trim_end().to_owned()),
        "timing" => MetaCommand::Timing(match rest.to_ascii_lowercase().as_str() {
            "" => None,
            "on" | "true" | "1" => Some(true),
            "off" | "false" | "0" => Some(false),
            _ => return Err(usage("timing")),
        }),
        "maxrows" => MetaCommand::MaxRows(match rest {
            "" => None,
            "all" | "none" => Some(0),
            number => Some(
                number
                    .parse()
                    .map_err(|_| format!("`{number}` is not a row count; {}", usage("maxrows")))?,
            ),
        }),
        "begin" => MetaCommand::Begin,
        "commit" => MetaCommand::Commit,
        "rollback" => MetaCommand::Rollback,
        "save" => MetaCommand::Save((!rest.is_empty()).then(|| PathBuf::from(unquote(rest)))),
        "quit" => MetaCommand::Quit,
        _ => return Err(unknown(name)),
    };
    Ok(command)
}

/// True when `name` (without the colon) names a command or an alias of one.
pub fn is_command(name: &str) -> bool {
    COMMANDS.iter().any(|spec| spec.name.eq_ignore_ascii_case(name))
        || ALIASES.iter().any(|(alias, _)| alias.eq_ignore_ascii_case(name))
}

/// The message for a command that does not exist, with the nearest real one.
fn unknown(name: &str) -> String {
    match nearest_command(name) {
        Some(suggestion) => format!(
            "unknown command `:{name}`; did you mean `:{suggestion}`? (:help lists the commands)"
        ),
        None => format!("unknown command `:{name}`; :help lists the commands"),
    }
}

/// The command whose name is closest to `name`, when one is close enough to be a typo.
pub fn nearest_command(name: &str) -> Option<&'static str> {
    let name = name.to_ascii_lowercase();
    let names =
        COMMANDS.iter().map(|spec| spec.name).chain(ALIASES.iter().map(|(alias, _)| *alias));
    let mut best: Option<(usize, &'static str)> = None;
    for candidate in names {
        // A prefix (`:sch`) counts as close as one typo.
        let distance = if candidate.starts_with(&name) && !name.is_empty() {
            1
        } else {
            edit_distance(&name, candidate)
        };
        if best.is_none_or(|(best_distance, _)| distance < best_distance) {
            best = Some((distance, candidate));
        }
    }
    let (distance, candidate) = best?;
    let limit = if name.chars().count() <= 3 { 1 } else { 2 };
    let target = ALIASES
        .iter()
        .find(|(alias, _)| *alias == candidate)
        .map_or(candidate, |(_, target)| target);
    (distance <= limit).then_some(target)
}

/// Splits `FILE REST` where FILE may be quoted to hold spaces.
fn split_path(text: &str) -> (&str, &str) {
    for quote in ['\'', '"'] {
        if let Some(body) = text.strip_prefix(quote)
            && let Some(end) = body.find(quote)
        {
            return (&body[..end], &body[end + 1..]);
        }
    }
    text.split_once(char::is_whitespace).unwrap_or((text, ""))
}

fn unquote(text: &str) -> &str {
    split_path(text).0
}

/// The text `:help` prints for `topic` (none: the overview).
pub fn help(topic: Option<&str>) -> Result<String, String> {
    let Some(topic) = topic else {
        let mut text = String::from(
            "Statements end with `;` and may span lines; Tab completes keywords, labels, relationship types,\nproperty keys and names; Ctrl-C cancels a running query; Ctrl-D leaves.\n\n",
        );
        let width =
            COMMANDS.iter().map(|spec| spec.name.len() + spec.usage.len() + 2).max().unwrap_or(0);
        for spec in COMMANDS {
            let head = format!(":{} {}", spec.name, spec.usage);
            text.push_str(&format!("  {head:<width$}  {}\n", spec.summary));
        }
        text.push_str("\n:help NAME explains a command; :help keys lists the keys; :help cypher is a Cypher cheat sheet.\n");
        return Ok(text);
    };
    let topic = topic.trim().trim_start_matches(':').to_ascii_lowercase();
    let topic = ALIASES
        .iter()
        .find(|(alias, _)| *alias == topic)
        .map_or(topic.as_str(), |(_, target)| target);
    if let Some(spec) = COMMANDS.iter().find(|spec| spec.name == topic) {
        return Ok(format!(
            ":{} {}\n  {}\n\n{}\n",
            spec.name, spec.usage, spec.summary, spec.details
        ));
    }
    match topic {
        "keys" => Ok(KEYS_HELP.to_owned()),
        "cypher" => Ok(CYPHER_HELP.to_owned()),
        other => Err(match nearest_command(other) {
            Some(suggestion) => format!("no help on `{other}`; did you mean `:help {suggestion}`?"),
            None => format!("no help on `{other}`; topics: the command names, keys, cypher"),
        }),
    }
}

const KEYS_HELP: &str = "\
  Enter         run the statement once it ends with `;` (otherwise continue on the next line)
  Tab           complete: keywords and functions; labels after `(n:`; types after `[:`;
                keys after `n.`; names inside `{name: '`; files after :source and :export
  Up / Down     previous / next statement from the history (kept between sessions)
  Ctrl-R        search the history
  Ctrl-C        cancel the running query; at the prompt, clear the input
  Ctrl-D        leave the shell (on an empty line)
  Ctrl-A/E      start / end of line;  Ctrl-W delete a word;  Ctrl-K delete to the end
";

const CYPHER_HELP: &str = "\
  MATCH (n:NGO)-[:PARTNERS_WITH]-(d:DiasporaGroup) RETURN n.name, d.name;
  MATCH (p:Person {name: 'Rauf Zeyni'})-[r:LEADS]->(o) RETURN o.name, r.role;
  MATCH (n) WHERE n.name STARTS WITH 'Azər' RETURN labels(n), n.name LIMIT 5;
  MATCH (o:Organization)--(other) RETURN o.name, count(other) AS degree ORDER BY degree DESC LIMIT 5;
  MATCH p = shortestPath((a {name: 'X'})-[*..6]-(b {name: 'Y'})) RETURN p;
  OPTIONAL MATCH, WITH, UNWIND, UNION, CASE, EXISTS { }, list comprehensions and CREATE work too.
  EXPLAIN or PROFILE before a statement shows its plan.  :schema lists what there is to ask about.
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_command() {
        assert_eq!(parse_command(":help"), Ok(MetaCommand::Help(None)));
        assert_eq!(parse_command(":help :find"), Ok(MetaCommand::Help(Some("find".into()))));
        assert_eq!(parse_command(":schema"), Ok(MetaCommand::Schema));
        assert_eq!(parse_command(":format CSV"), Ok(MetaCommand::Format(Some(Format::Csv))));
        assert_eq!(
            parse_command(":param city 'Bakı'"),
            Ok(MetaCommand::Param { name: "city".into(), value: "'Bakı'".into() })
        );
        assert_eq!(
            parse_command(":param $n=[1, 2]"),
            Ok(MetaCommand::Param { name: "n".into(), value: "[1, 2]".into() })
        );
        assert_eq!(parse_command(":params"), Ok(MetaCommand::Params));
        assert_eq!(
            parse_command(":source 'my file.cypher'"),
            Ok(MetaCommand::Source("my file.cypher".into()))
        );
        assert_eq!(
            parse_command(":export dot out.dot MATCH (n) RETURN n;"),
            Ok(MetaCommand::ExportDot {
                file: "out.dot".into(),
                query: Some("MATCH (n) RETURN n".into())
            })
        );
        assert_eq!(
            parse_command(":export dot out.dot"),
            Ok(MetaCommand::ExportDot { file: "out.dot".into(), query: None })
        );
        assert_eq!(
            parse_command(":explain MATCH (n) RETURN n;"),
            Ok(MetaCommand::Explain("MATCH (n) RETURN n".into()))
        );
        assert_eq!(parse_command(":timing off"), Ok(MetaCommand::Timing(Some(false))));
        assert_eq!(parse_command(":maxrows 20"), Ok(MetaCommand::MaxRows(Some(20))));
        assert_eq!(parse_command(":maxrows all"), Ok(MetaCommand::MaxRows(Some(0))));
        assert_eq!(parse_command(":q"), Ok(MetaCommand::Quit));
        assert_eq!(parse_command(":exit"), Ok(MetaCommand::Quit));
    }

    #[test]
    fn bad_arguments_say_the_usage() {
        assert_eq!(
            parse_command(":format xml").unwrap_err(),
            "unknown format `xml`; usage: :format table|json|csv"
        );
        assert_eq!(parse_command(":param x").unwrap_err(), "usage: :param NAME VALUE");
        assert!(parse_command(":maxrows many").unwrap_err().contains("not a row count"));
        assert!(parse_command(":export png x.png").unwrap_err().contains("only `dot`"));
    }

    #[test]
    fn unknown_commands_suggest_the_nearest() {
        assert_eq!(nearest_command("shema"), Some("schema"));
        assert_eq!(nearest_command("fnd"), Some("find"));
        assert_eq!(nearest_command("sch"), Some("schema"));
        assert_eq!(nearest_command("quti"), Some("quit"));
        assert_eq!(nearest_command("exti"), Some("quit"));
        assert_eq!(nearest_command("zzzzzz"), None);
        assert_eq!(
            parse_command(":zzzzzz").unwrap_err(),
            "unknown command `:zzzzzz`; :help lists the commands"
        );
    }

    #[test]
    fn help_covers_every_command_and_topic() {
        let overview = help(None).unwrap();
        for spec in COMMANDS {
            assert!(overview.contains(&format!(":{}", spec.name)), "{}", spec.name);
            assert!(help(Some(spec.name)).is_ok());
        }
        for topic in TOPICS {
            assert!(help(Some(topic)).is_ok());
        }
        assert!(help(Some("shema")).unwrap_err().contains(":help schema"));
    }
}
