//! A small reader for the subset of Gherkin the openCypher TCK uses.
//!
//! Owns turning a `.feature` file into scenarios with steps: `Feature`, `Background`,
//! `Scenario`, `Scenario Outline` with `Examples` tables (expanded here, `<name>`
//! placeholders substituted), step keywords, `"""` doc strings and `| a | b |` data tables
//! with Gherkin's cell escapes (`\|`, `\\`, `\n`). It knows nothing about what the steps
//! mean; `tck/mod.rs` runs them.

use std::fmt;

/// One parsed feature file.
#[derive(Debug, Default)]
pub(super) struct Feature {
    pub name: String,
    pub scenarios: Vec<Scenario>,
}

/// One runnable scenario (an outline contributes one per example row).
#[derive(Clone, Debug)]
pub(super) struct Scenario {
    pub name: String,
    /// Line of the `Scenario` keyword, or of the example row for expanded outlines.
    pub line: usize,
    /// Background steps first, then the scenario's own.
    pub steps: Vec<Step>,
}

/// One step: keyword, text after the keyword and its optional argument.
#[derive(Clone, Debug)]
pub(super) struct Step {
    pub keyword: String,
    pub text: String,
    pub argument: StepArgument,
    pub line: usize,
}

/// The block attached below a step.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum StepArgument {
    None,
    DocString(String),
    Table(Vec<Vec<String>>),
}

/// Why a file could not be read as Gherkin.
#[derive(Debug)]
pub(super) struct GherkinError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for GherkinError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "line {}: {}", self.line, self.message)
    }
}

const STEP_KEYWORDS: [&str; 6] = ["Given ", "When ", "Then ", "And ", "But ", "* "];

/// A scenario or outline while its lines are being read.
struct PendingScenario {
    name: String,
    line: usize,
    steps: Vec<Step>,
    is_outline: bool,
    examples: Vec<ExamplesBlock>,
}

/// One `Examples:` block: its header row and its value rows with their line numbers.
#[derive(Default)]
struct ExamplesBlock {
    header: Vec<String>,
    rows: Vec<(usize, Vec<String>)>,
}

/// Where table rows currently go.
#[derive(PartialEq)]
enum TableTarget {
    Nothing,
    LastStep,
    Examples,
}

pub(super) fn parse_feature(text: &str) -> Result<Feature, GherkinError> {
    let mut feature = Feature::default();
    let mut background: Vec<Step> = Vec::new();
    let mut in_background = false;
    let mut current: Option<PendingScenario> = None;
    let mut table_target = TableTarget::Nothing;

    let lines: Vec<&str> = text.lines().collect();
    let mut index = 0;
    while index < lines.len() {
        let line_number = index + 1;
        let raw = lines[index];
        let trimmed = raw.trim();
        index += 1;

        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with('@') {
            continue;
        }

        if trimmed.starts_with("\"\"\"") || trimmed.starts_with("```") {
            let delimiter = &trimmed[..3];
            let indent = raw.len() - raw.trim_start().len();
            let mut content: Vec<String> = Vec::new();
            let mut closed = false;
            while index < lines.len() {
                let body_line = lines[index];
                index += 1;
                if body_line.trim() == delimiter {
                    closed = true;
                    break;
                }
                content.push(strip_indent(body_line, indent).to_string());
            }
            if !closed {
                return Err(GherkinError {
                    line: line_number,
                    message: "doc string is not closed".into(),
                });
            }
            let step =
                last_step(&mut current, &mut background, in_background).ok_or_else(|| {
                    GherkinError { line: line_number, message: "doc string without a step".into() }
                })?;
            step.argument = StepArgument::DocString(content.join("\n"));
            continue;
        }

        if trimmed.starts_with('|') {
            let cells = split_table_row(trimmed)
                .map_err(|message| GherkinError { line: line_number, message })?;
            match table_target {
                TableTarget::Nothing => {
                    return Err(GherkinError {
                        line: line_number,
                        message: "table row without a step".into(),
                    });
                }
                TableTarget::LastStep => {
                    let step = last_step(&mut current, &mut background, in_background).ok_or_else(
                        || GherkinError {
                            line: line_number,
                            message: "table row without a step".into(),
                        },
                    )?;
                    match &mut step.argument {
                        StepArgument::Table(rows) => rows.push(cells),
                        StepArgument::None => step.argument = StepArgument::Table(vec![cells]),
                        StepArgument::DocString(_) => {
                            return Err(GherkinError {
                                line: line_number,
                                message: "step has both a doc string and a table".into(),
                            });
                        }
                    }
                }
                TableTarget::Examples => {
                    let scenario = current.as_mut().expect("examples target implies a scenario");
                    let block =
                        scenario.examples.last_mut().expect("examples target implies a block");
                    if block.header.is_empty() {
                        block.header = cells;
                    } else {
                        block.rows.push((line_number, cells));
                    }
                }
            }
            continue;
        }

        if let Some(name) = keyword_rest(trimmed, &["Feature:"]) {
            feature.name = name.to_string();
            table_target = TableTarget::Nothing;
        } else if keyword_rest(trimmed, &["Background:"]).is_some() {
            in_background = true;
            table_target = TableTarget::Nothing;
        } else if let Some(name) =
            keyword_rest(trimmed, &["Scenario Outline:", "Scenario Template:"])
        {
            finish_scenario(&mut feature, current.take(), &background)?;
            current = Some(PendingScenario {
                name: name.to_string(),
                line: line_number,
                steps: Vec::new(),
                is_outline: true,
                examples: Vec::new(),
            });
            in_background = false;
            table_target = TableTarget::Nothing;
        } else if let Some(name) = keyword_rest(trimmed, &["Scenario:", "Example:"]) {
            finish_scenario(&mut feature, current.take(), &background)?;
            current = Some(PendingScenario {
                name: name.to_string(),
                line: line_number,
                steps: Vec::new(),
                is_outline: false,
                examples: Vec::new(),
            });
            in_background = false;
            table_target = TableTarget::Nothing;
        } else if keyword_rest(trimmed, &["Examples:", "Scenarios:"]).is_some() {
            let scenario =
                current.as_mut().filter(|scenario| scenario.is_outline).ok_or_else(|| {
                    GherkinError {
                        line: line_number,
                        message: "Examples outside a Scenario Outline".into(),
                    }
                })?;
            scenario.examples.push(ExamplesBlock::default());
            table_target = TableTarget::Examples;
        } else if let Some(keyword) =
            STEP_KEYWORDS.iter().find(|keyword| trimmed.starts_with(**keyword))
        {
            let step = Step {
                keyword: keyword.trim().to_string(),
                text: trimmed[keyword.len()..].trim().to_string(),
                argument: StepArgument::None,
                line: line_number,
            };
            if in_background {
                background.push(step);
            } else if let Some(scenario) = current.as_mut() {
                scenario.steps.push(step);
            } else {
                return Err(GherkinError {
                    line: line_number,
                    message: "step outside a scenario".into(),
                });
            }
            table_target = TableTarget::LastStep;
        }
        // Anything else is free description text, which Gherkin allows and ignores.
    }
    finish_scenario(&mut feature, current.take(), &background)?;
    Ok(feature)
}

fn keyword_rest<'a>(line: &'a str, keywords: &[&str]) -> Option<&'a str> {
    keywords.iter().find_map(|keyword| line.strip_prefix(keyword)).map(str::trim)
}

fn strip_indent(line: &str, indent: usize) -> &str {
    let leading = line.len() - line.trim_start_matches(' ').len();
    &line[leading.min(indent)..]
}

fn last_step<'a>(
    current: &'a mut Option<PendingScenario>,
    background: &'a mut [Step],
    in_background: bool,
) -> Option<&'a mut Step> {
    if in_background {
        background.last_mut()
    } else {
        current.as_mut().and_then(|scenario| scenario.steps.last_mut())
    }
}

/// Splits `| a | b\|c |` into cells, trimming each and applying Gherkin's escapes.
pub(super) fn split_table_row(line: &str) -> Result<Vec<String>, String> {
    let inner = line.trim().strip_prefix('|').ok_or("table row does not start with `|`")?;
    // A lone `|` is a row of no cells: the TCK writes a procedure signature with no
    // output columns that way.
    if inner.trim().is_empty() {
        return Ok(Vec::new());
    }
    let mut cells = Vec::new();
    let mut raw = String::new();
    let mut chars = inner.chars();
    let mut closed_last = false;
    while let Some(character) = chars.next() {
        closed_last = false;
        match character {
            '\\' => {
                raw.push('\\');
                if let Some(next) = chars.next() {
                    raw.push(next);
                }
            }
            '|' => {
                cells.push(unescape_cell(raw.trim()));
                raw.clear();
                closed_last = true;
            }
            other => raw.push(other),
        }
    }
    if !closed_last {
        return Err("table row does not end with `|`".into());
    }
    Ok(cells)
}

fn unescape_cell(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(character) = chars.next() {
        if character != '\\' {
            out.push(character);
            continue;
        }
        match chars.next() {
            Some('|') => out.push('|'),
            Some('\\') => out.push('\\'),
            Some('n') => out.push('\n'),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

fn finish_scenario(
    feature: &mut Feature,
    pending: Option<PendingScenario>,
    background: &[Step],
) -> Result<(), GherkinError> {
    let Some(pending) = pending else { return Ok(()) };
    if !pending.is_outline {
        let mut steps = background.to_vec();
        steps.extend(pending.steps);
        feature.scenarios.push(Scenario { name: pending.name, line: pending.line, steps });
        return Ok(());
    }
    for ExamplesBlock { header, rows } in &pending.examples {
        for (row_line, values) in rows {
            if values.len() != header.len() {
                return Err(GherkinError {
                    line: *row_line,
                    message: "example row and header differ in length".into(),
                });
            }
            let bindings: Vec<(&str, &str)> =
                header.iter().map(String::as_str).zip(values.iter().map(String::as_str)).collect();
            let mut steps = background.to_vec();
            steps.extend(pending.steps.iter().map(|step| substitute_step(step, &bindings)));
            feature.scenarios.push(Scenario {
                name: substitute(&pending.name, &bindings),
                line: *row_line,
                steps,
            });
        }
    }
    Ok(())
}

fn substitute_step(step: &Step, bindings: &[(&str, &str)]) -> Step {
    let argument = match &step.argument {
        StepArgument::None => StepArgument::None,
        StepArgument::DocString(text) => StepArgument::DocString(substitute(text, bindings)),
        StepArgument::Table(rows) => StepArgument::Table(
            rows.iter()
                .map(|row| row.iter().map(|cell| substitute(cell, bindings)).collect())
                .collect(),
        ),
    };
    Step {
        keyword: step.keyword.clone(),
        text: substitute(&step.text, bindings),
        argument,
        line: step.line,
    }
}

/// Replaces every `<name>` whose name is bound; other `<...>` text stays as it is.
fn substitute(text: &str, bindings: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let replacement = after.find('>').and_then(|close| {
            let name = &after[..close];
            bindings.iter().find(|(key, _)| *key == name).map(|(_, value)| (*value, close))
        });
        match replacement {
            Some((value, close)) => {
                out.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('<');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_cells_are_trimmed_and_unescaped() {
        let cells = split_table_row(r"| a | b\|c |  'x\\y' | 'p\nq' | \'z |").unwrap();
        assert_eq!(cells, vec!["a", "b|c", r"'x\y'", "'p\nq'", r"\'z"]);
    }

    #[test]
    fn outline_rows_become_scenarios_with_background() {
        let text = "\
Feature: F
  Background:
    Given an empty graph

  Scenario Outline: [1] Use <thing>
    When executing query:
      \"\"\"
      RETURN <thing> AS v
        , 1
      \"\"\"
    Then the result should be, in any order:
      | v       |
      | <thing> |

    Examples:
      | thing |
      | 1     |
      | 'a'   |
";
        let feature = parse_feature(text).unwrap();
        assert_eq!(feature.name, "F");
        assert_eq!(feature.scenarios.len(), 2);
        let second = &feature.scenarios[1];
        assert_eq!(second.name, "[1] Use 'a'");
        assert_eq!(second.steps.len(), 3);
        assert_eq!(second.steps[0].text, "an empty graph");
        assert_eq!(
            second.steps[1].argument,
            StepArgument::DocString("RETURN 'a' AS v\n  , 1".into())
        );
        assert_eq!(
            second.steps[2].argument,
            StepArgument::Table(vec![vec!["v".into()], vec!["'a'".into()]])
        );
    }

    #[test]
    fn a_lone_bar_is_a_row_of_no_cells() {
        assert_eq!(split_table_row("|").unwrap(), Vec::<String>::new());
        assert_eq!(split_table_row("  |  ").unwrap(), Vec::<String>::new());
        assert!(split_table_row("| a").is_err());
    }

    #[test]
    fn unclosed_doc_string_is_an_error() {
        let text =
            "Feature: F\n  Scenario: s\n    When executing query:\n      \"\"\"\n      RETURN 1\n";
        assert!(parse_feature(text).is_err());
    }
}
