//! Dates, times, durations and time zones as a user meets them: the examples README
//! shows, arithmetic and `duration.between` (whose TCK features are not vendored),
//! one clock per statement, and graph-data round trips (saved by the store, and through
//! `export --format json`) of a duration and a date-time in a named zone.

use korpu::graph::{Graph, Value};
use korpu::load::{Source, load_sources};
use korpu::query::{Control, Params};

use crate::support::korpu;

/// Runs `query` on `graph` and prints each value of its one row, as `toString` would.
fn row(graph: &mut Graph, query: &str) -> Vec<String> {
    let result = korpu::query::run(graph, query, &Params::new(), &Control::default())
        .unwrap_or_else(|error| panic!("{query}: {error:?}"));
    assert_eq!(result.rows.len(), 1, "{query}");
    result.rows[0]
        .iter()
        .map(|value| match value {
            Value::Temporal(temporal) => temporal.to_string(),
            Value::String(text) => text.to_string(),
            other => match other.as_duration() {
                Some(duration) => duration.to_string(),
                None => format!("{other:?}"),
            },
        })
        .collect()
}

fn one(query: &str) -> String {
    row(&mut Graph::default(), query).remove(0)
}

#[test]
fn the_command_line_measures_days_between_dates() {
    let output = korpu(&[
        "--format",
        "csv",
        "query",
        "RETURN duration.between(date('2010-09-15'), date('2010-09-24')).days AS days",
    ]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(String::from_utf8(output.stdout).unwrap(), "days\r\n9\r\n");
}

#[test]
fn durations_read_print_and_split_into_components() {
    assert_eq!(one("RETURN duration({days: 14, hours: 16}) AS d"), "P14DT16H");
    assert_eq!(one("RETURN duration('P1Y2M3DT4H5M6.7S') AS d"), "P1Y2M3DT4H5M6.7S");
    assert_eq!(one("RETURN duration({months: 0.75}) AS d"), "P22DT19H51M49.5S");
    assert_eq!(one("RETURN duration({seconds: -60, milliseconds: -1}) AS d"), "PT-1M-0.001S");
    assert_eq!(one("RETURN toString(duration('PT-0.001S')) AS d"), "PT-0.001S");
    let mut graph = Graph::default();
    let parts = row(
        &mut graph,
        "WITH duration({years: 1, months: 4, days: 10, hours: 1, minutes: 1, seconds: 1}) AS d
         RETURN d.years, d.months, d.monthsOfYear, d.days, d.minutes, d.secondsOfMinute",
    );
    assert_eq!(parts, ["Int(1)", "Int(16)", "Int(4)", "Int(10)", "Int(61)", "Int(1)"]);
    assert_eq!(
        one("RETURN duration({hours: 25}) = duration({days: 1, hours: 1}) AS same"),
        "Bool(false)"
    );
}

#[test]
fn arithmetic_follows_the_calendar_then_the_clock() {
    assert_eq!(one("RETURN date('2015-01-31') + duration('P1M') AS d"), "2015-02-28");
    assert_eq!(
        one("RETURN localdatetime('1984-10-11T12:31:14') - duration({months: 1, hours: 13}) AS d"),
        "1984-09-10T23:31:14"
    );
    assert_eq!(one("RETURN localtime('23:30') + duration('PT1H') AS t"), "00:30");
    assert_eq!(one("RETURN duration('P1DT1H') * 2 AS d"), "P2DT2H");
    assert_eq!(one("RETURN duration('P1D') / 2 AS d"), "PT12H");
    assert_eq!(
        one("RETURN duration('P1M') + duration('P1D') - duration('PT1S') AS d"),
        "P1M1DT-1S"
    );
    // A calendar day across the end of summer time is 25 hours; an hour is an hour.
    assert_eq!(
        one("RETURN datetime('2017-10-28T12:00[Europe/Stockholm]') + duration('P1D') AS d"),
        "2017-10-29T12:00+01:00[Europe/Stockholm]"
    );
    assert_eq!(
        one("RETURN datetime('2017-10-29T01:30+02:00[Europe/Stockholm]') + duration('PT2H') AS d"),
        "2017-10-29T02:30+01:00[Europe/Stockholm]"
    );
}

#[test]
fn durations_between_values_borrow_what_they_lack() {
    assert_eq!(
        one("RETURN duration.between(date('1984-10-11'), date('2015-06-24')) AS d"),
        "P30Y8M13D"
    );
    assert_eq!(
        one("RETURN duration.inDays(date('1984-10-11'), date('2015-06-24')) AS d"),
        "P11213D"
    );
    assert_eq!(
        one("RETURN duration.inMonths(date('2018-03-11'), date('2016-06-24')) AS d"),
        "P-1Y-8M"
    );
    assert_eq!(one("RETURN duration.between(time('14:30'), time('16:30+01:00')) AS d"), "PT1H");
    assert_eq!(
        one(
            "RETURN duration.inSeconds(datetime({year: 2017, month: 10, day: 29, timezone: 'Europe/Stockholm'}), localdatetime('2017-10-29T04:00')) AS d"
        ),
        "PT5H"
    );
    assert_eq!(one("RETURN duration.between(null, date()) AS d"), "Null");
}

#[test]
fn named_zones_follow_daylight_saving_and_print_their_name() {
    assert_eq!(
        one(
            "RETURN datetime({year: 1984, month: 7, day: 20, hour: 12, timezone: 'Europe/Stockholm'}) AS d"
        ),
        "1984-07-20T12:00+02:00[Europe/Stockholm]"
    );
    assert_eq!(
        one("RETURN datetime('2015-07-21T21:40:32.142[Europe/London]') AS d"),
        "2015-07-21T21:40:32.142+01:00[Europe/London]"
    );
    // Azerbaijan kept summer time until 2016; an offset that disagrees with the zone
    // keeps the instant it names.
    assert_eq!(
        one("RETURN datetime('2015-07-21T21:40:32+04:00[Asia/Baku]') AS d"),
        "2015-07-21T22:40:32+05:00[Asia/Baku]"
    );
    // 02:30 does not exist on the morning clocks go forward.
    assert_eq!(
        one(
            "RETURN datetime({year: 2017, month: 3, day: 26, hour: 2, minute: 30, timezone: 'Europe/Stockholm'}) AS d"
        ),
        "2017-03-26T03:30+02:00[Europe/Stockholm]"
    );
    let mut graph = Graph::default();
    let parts = row(
        &mut graph,
        "WITH datetime('2019-07-21T21:40:32+04:00[Asia/Baku]') AS d
         RETURN d.timezone, d.offset, d.offsetMinutes, d.epochSeconds",
    );
    assert_eq!(parts, ["Asia/Baku", "+04:00", "Int(240)", "Int(1563730832)"]);
}

#[test]
fn truncation_and_selection_build_from_other_values() {
    assert_eq!(one("RETURN date.truncate('month', date('2015-07-21')) AS d"), "2015-07-01");
    assert_eq!(
        one(
            "RETURN datetime.truncate('week', datetime('2015-07-23T10:00+02:00'), {dayOfWeek: 2}) AS d"
        ),
        "2015-07-21T00:00+02:00"
    );
    assert_eq!(one("RETURN date({date: date('2015-07-21'), day: 1}) AS d"), "2015-07-01");
    assert_eq!(
        one(
            "RETURN datetime({date: date('2019-07-21'), time: localtime('10:30'), timezone: 'Asia/Baku'}) AS d"
        ),
        "2019-07-21T10:30+04:00[Asia/Baku]"
    );
    assert_eq!(one("RETURN date({year: 2015, week: 30, dayOfWeek: 2}) AS d"), "2015-07-21");
    assert_eq!(
        one("RETURN datetime({epochSeconds: 416779, nanosecond: 999999999}) AS d"),
        "1970-01-05T19:46:19.999999999Z"
    );
    assert_eq!(
        one("RETURN datetime({epochMillis: 237821673987, timezone: '+01:00'}) AS d"),
        "1977-07-15T14:34:33.987+01:00"
    );
    assert_eq!(one("RETURN date({year: 2015, quarter: 3, dayOfQuarter: 21}) AS d"), "2015-07-21");
    assert_eq!(one("RETURN date('+999999999-12-31') AS d"), "+999999999-12-31");
}

#[test]
fn every_clock_reads_one_moment_per_statement() {
    let mut graph = Graph::default();
    let parts = row(
        &mut graph,
        "UNWIND range(1, 2000) AS i
         WITH collect(datetime()) AS stamps
         RETURN size([s IN stamps WHERE s <> stamps[0]]) AS moved,
                datetime.statement() = stamps[0] AS statement,
                datetime.transaction() = stamps[0] AS transaction,
                date() = date(stamps[0]) AS today,
                datetime.realtime() >= stamps[0] AS realtime",
    );
    assert_eq!(parts, ["Int(0)", "Bool(true)", "Bool(true)", "Bool(true)", "Bool(true)"]);
    let zoned = one("RETURN datetime.statement('Asia/Baku').timezone AS zone");
    assert_eq!(zoned, "Asia/Baku");
}

/// Runs a writing statement.
fn write(graph: &mut Graph, statement: &str) {
    korpu::query::run(graph, statement, &Params::new(), &Control::default())
        .unwrap_or_else(|error| panic!("{statement}: {error:?}"));
}

const EVENT_READ: &str = "MATCH (e:Event) RETURN e.length, e.opens, e.local,
    e.length = duration('P2DT3H-0.5S') AS same, e.opens.timezone AS zone";
const EVENT_SHOWN: [&str; 5] = [
    "P2DT2H59M59.5S",
    "2011-11-18T09:30+04:00[Asia/Baku]",
    "12:31:14.645",
    "Bool(true)",
    "Asia/Baku",
];
const EVENT_CREATE: &str = "CREATE (:Event {name: 'forum', length: duration('P2DT3H-0.5S'),
    opens: datetime('2011-11-18T09:30[Asia/Baku]'), local: localtime('12:31:14.645')})";

#[test]
fn a_duration_and_a_zoned_date_time_are_saved_to_graph_data_and_read_back() {
    let scratch = crate::support::Scratch::new("temporal", "store");
    scratch.write("graph.json", r#"{"nodes": [], "edges": []}"#);
    let (mut folder, files) = korpu::store::DataFolder::read(scratch.path()).unwrap();
    let mut graph = files.load(None).unwrap().graph;
    write(&mut graph, EVENT_CREATE);
    folder.save(&mut graph).unwrap();
    let saved = std::fs::read_to_string(scratch.path().join("graph.json")).unwrap();
    assert!(saved.contains(r#"{"$type": "Duration", "_value": "P2DT2H59M59.5S"}"#), "{saved}");
    assert!(saved.contains(r#""2011-11-18T09:30+04:00[Asia/Baku]""#), "{saved}");
    let (_, files) = korpu::store::DataFolder::read(scratch.path()).unwrap();
    let mut loaded = files.load(None).unwrap().graph;
    assert_eq!(row(&mut loaded, EVENT_READ), EVENT_SHOWN);
}

#[test]
fn a_duration_and_a_zoned_date_time_survive_json_export() {
    let mut graph = Graph::default();
    write(&mut graph, EVENT_CREATE);
    let written = korpu::export::to_json(&graph);
    assert!(written.contains(r#""$type": "Duration""#), "{written}");
    let mut loaded =
        load_sources(&[Source { name: "graph.json".into(), text: written }]).unwrap().graph;
    assert_eq!(row(&mut loaded, EVENT_READ), EVENT_SHOWN);
}

#[test]
fn lists_of_temporal_values_are_stored_and_exported() {
    let mut graph = Graph::default();
    write(
        &mut graph,
        "CREATE (:Schedule {days: [date('1984-10-12'), date('1984-10-13')],
                            gaps: [duration({seconds: 14}), duration('P1D')]})",
    );
    let written = korpu::export::to_json(&graph);
    let mut loaded =
        load_sources(&[Source { name: "graph.json".into(), text: written }]).unwrap().graph;
    let parts = row(
        &mut loaded,
        "MATCH (s:Schedule) RETURN [d IN s.days | toString(d)] AS days,
                [g IN s.gaps | toString(g)] AS gaps, s.days[1] - s.gaps[1] AS before",
    );
    assert_eq!(parts[2], "1984-10-12");
    assert!(parts[0].contains("1984-10-13") && parts[1].contains("PT14S"), "{parts:?}");
    assert_eq!(one("RETURN date.statement(null) AS d"), "Null");
}
