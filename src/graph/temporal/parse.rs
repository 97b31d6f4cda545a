//! ISO 8601 text → temporal values, in the forms openCypher reads.
//!
//! Dates: calendar (`2015-07-21`, `20150721`, `2015-07`, `2015`), week (`2015-W30-2`,
//! `2015W302`, `2015-W30`) and ordinal (`2015-202`, `2015202`), with a signed year of any
//! length for years beyond four digits (`+999999999-12-31`). Times: `21:40:32.142`,
//! `214032.142`, `21:40`, `2140`, `21`, with a comma or a point before the fraction.
//! Zones: `Z`, `+01:00`, `+0100`, `+01`, then optionally a name in brackets
//! (`[Europe/Stockholm]`), which alone is enough too. Does not build from maps.

use super::calendar;
use super::zone::{Zone, parse_offset};
use super::{NANOS_PER_SECOND, Temporal, TemporalKind};

/// Parses `text` as a value of `kind`; `now` gives a time of day in a named zone its
/// offset.
pub(super) fn parse(kind: TemporalKind, text: &str, now: i128) -> Result<Temporal, String> {
    let bad = || format!("`{text}` is not a valid {} (ISO 8601)", kind.function_name());
    let (date_text, time_text) = match (kind.has_date(), kind.has_time()) {
        (true, false) => (Some(text), None),
        (false, true) => (None, Some(text)),
        _ => match text.split_once(['T', 't']) {
            Some((date, time)) => (Some(date), Some(time)),
            None => (Some(text), None),
        },
    };
    let days = match date_text {
        Some(date) => Some(parse_date(date).ok_or_else(bad)??),
        None => None,
    };
    let (nanos, zone) = match time_text {
        Some(time) => {
            let (clock, zone) = split_zone(time);
            let nanos = parse_clock(clock).ok_or_else(bad)??;
            (nanos, parse_zone(zone).ok_or_else(bad)??)
        }
        None => (0, None),
    };
    if zone.is_some() && !kind.has_offset() {
        return Err(bad());
    }
    let days = days.unwrap_or(0);
    Ok(match kind {
        TemporalKind::Date => Temporal::Date(days),
        TemporalKind::LocalTime => Temporal::LocalTime(nanos),
        TemporalKind::LocalDateTime => Temporal::LocalDateTime { days, nanos },
        TemporalKind::Time => {
            let offset = match zone {
                None => 0,
                Some(ParsedZone { offset: Some(offset), .. }) => offset,
                Some(ParsedZone { name: Some(name), .. }) => {
                    name.offset_at(now.div_euclid(i128::from(NANOS_PER_SECOND)) as i64)
                }
                Some(_) => 0,
            };
            Temporal::Time { nanos, offset }
        }
        TemporalKind::DateTime => match zone {
            None => Temporal::in_zone(days, nanos, Zone::Offset(0), None),
            // An offset and a zone: the offset names the instant, as `java.time` reads it.
            Some(ParsedZone { name: Some(name), offset: Some(offset) }) => {
                Temporal::at_instant(super::epoch_nanos(days, nanos, offset), name)?
            }
            Some(ParsedZone { name: Some(name), offset: None }) => {
                Temporal::in_zone(days, nanos, name, None)
            }
            Some(ParsedZone { offset, .. }) => {
                Temporal::in_zone(days, nanos, Zone::Offset(offset.unwrap_or(0)), None)
            }
        },
    })
}

/// The zone part of a time: an offset, a bracketed name, or both.
struct ParsedZone {
    offset: Option<i32>,
    name: Option<Zone>,
}

/// Splits `21:40:32.142+01:00[Europe/Stockholm]` before its zone.
fn split_zone(time: &str) -> (&str, &str) {
    let at = time.find(['Z', 'z', '+', '-', '[']).unwrap_or(time.len());
    time.split_at(at)
}

/// `None` when the text is malformed, `Some(Err)` when a name is unknown.
fn parse_zone(zone: &str) -> Option<Result<Option<ParsedZone>, String>> {
    if zone.is_empty() {
        return Some(Ok(None));
    }
    let (offset_text, name) = match zone.split_once('[') {
        Some((offset, rest)) => (offset, Some(rest.strip_suffix(']')?)),
        None => (zone, None),
    };
    let offset = if offset_text.is_empty() { None } else { Some(parse_offset(offset_text).ok()?) };
    let name = match name {
        Some(name) => match Zone::parse(name) {
            Ok(zone) => Some(zone),
            Err(error) => return Some(Err(error)),
        },
        None => None,
    };
    Some(Ok(Some(ParsedZone { offset, name })))
}

fn digits(text: &str) -> Option<i64> {
    if text.is_empty() || !text.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// A date in any of the forms above; `None` when malformed, `Some(Err)` when the
/// numbers name no day.
fn parse_date(text: &str) -> Option<Result<i64, String>> {
    // The year: four digits, or a sign and any number of digits.
    let (year, rest) = match text.as_bytes().first()? {
        sign @ (b'+' | b'-') => {
            let end = text[1..].find(|c: char| !c.is_ascii_digit()).map_or(text.len(), |at| at + 1);
            let year = digits(&text[1..end])?;
            (if *sign == b'-' { -year } else { year }, &text[end..])
        }
        _ => (digits(text.get(..4)?)?, &text[4..]),
    };
    let extended = rest.starts_with('-');
    let rest = rest.strip_prefix('-').unwrap_or(rest);
    if rest.is_empty() {
        return if extended { None } else { Some(calendar::days_from_civil(year, 1, 1)) };
    }
    if let Some(week_part) = rest.strip_prefix(['W', 'w']) {
        let week = digits(week_part.get(..2)?)?;
        let day_part = &week_part[2..];
        let day_text = if extended {
            day_part.strip_prefix('-').or(day_part.is_empty().then_some(""))?
        } else {
            day_part
        };
        let day = if day_text.is_empty() {
            1
        } else if day_text.len() == 1 {
            digits(day_text)?
        } else {
            return None;
        };
        return Some(calendar::days_from_iso_week(year, week, day));
    }
    match (extended, rest.len()) {
        // YYYY-DDD and YYYYDDD: ordinal dates.
        (_, 3) => Some(calendar::days_from_ordinal(year, digits(rest)?)),
        // YYYY-MM and YYYYMM.
        (_, 2) => Some(calendar::days_from_civil(year, digits(rest)?, 1)),
        // YYYY-MM-DD.
        (true, 5) if rest.as_bytes()[2] == b'-' => {
            Some(calendar::days_from_civil(year, digits(&rest[..2])?, digits(&rest[3..])?))
        }
        // YYYYMMDD.
        (false, 4) => {
            Some(calendar::days_from_civil(year, digits(&rest[..2])?, digits(&rest[2..])?))
        }
        _ => None,
    }
}

/// `hh[:mm[:ss[.fff]]]` or `hh[mm[ss[.fff]]]`, in nanoseconds since midnight.
fn parse_clock(text: &str) -> Option<Result<i64, String>> {
    let (clock, fraction) = match text.split_once(['.', ',']) {
        Some((clock, fraction)) => (clock, Some(fraction)),
        None => (text, None),
    };
    let parts: Vec<&str> = if clock.contains(':') {
        clock.split(':').collect()
    } else {
        (0..clock.len()).step_by(2).map(|at| clock.get(at..at + 2)).collect::<Option<_>>()?
    };
    if parts.is_empty() || parts.len() > 3 || parts.iter().any(|part| part.len() != 2) {
        return None;
    }
    let field = |index: usize| parts.get(index).map_or(Some(0), |part| digits(part));
    let (hour, minute, second) = (field(0)?, field(1)?, field(2)?);
    let fraction_nanos = match fraction {
        None => 0,
        Some(fraction) if parts.len() == 3 && (1..=9).contains(&fraction.len()) => {
            digits(&format!("{fraction:0<9}"))?
        }
        Some(_) => return None,
    };
    if !(0..24).contains(&hour) || !(0..60).contains(&minute) || !(0..60).contains(&second) {
        return Some(Err(format!("`{text}` is not a time of day")));
    }
    Some(Ok(((hour * 60 + minute) * 60 + second) * NANOS_PER_SECOND + fraction_nanos))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(kind: TemporalKind, text: &str) -> String {
        parse(kind, text, 0).map(|value| value.to_string()).unwrap_or_else(|error| error)
    }

    #[test]
    fn reads_every_date_form() {
        for (text, expected) in [
            ("2015-07-21", "2015-07-21"),
            ("20150721", "2015-07-21"),
            ("2015-07", "2015-07-01"),
            ("201507", "2015-07-01"),
            ("2015-W30-2", "2015-07-21"),
            ("2015W302", "2015-07-21"),
            ("2015-W30", "2015-07-20"),
            ("2015W30", "2015-07-20"),
            ("2015-202", "2015-07-21"),
            ("2015202", "2015-07-21"),
            ("2015", "2015-01-01"),
            ("+999999999-12-31", "+999999999-12-31"),
            ("-0044-03-15", "-0044-03-15"),
        ] {
            assert_eq!(shown(TemporalKind::Date, text), expected, "{text}");
        }
    }

    #[test]
    fn reads_times_and_zones() {
        for (kind, text, expected) in [
            (TemporalKind::LocalTime, "214032.142", "21:40:32.142"),
            (TemporalKind::LocalTime, "21", "21:00"),
            (TemporalKind::Time, "2140-02", "21:40-02:00"),
            (TemporalKind::Time, "2140-00:00", "21:40Z"),
            (TemporalKind::Time, "22+18:00", "22:00+18:00"),
            (TemporalKind::LocalDateTime, "2015-W30-2T214032.142", "2015-07-21T21:40:32.142"),
            (TemporalKind::LocalDateTime, "2015202T21", "2015-07-21T21:00"),
            (TemporalKind::DateTime, "2015-W30T2140-02", "2015-07-20T21:40-02:00"),
            (
                TemporalKind::DateTime,
                "2015-07-21T21:40:32.142[Europe/London]",
                "2015-07-21T21:40:32.142+01:00[Europe/London]",
            ),
            (
                TemporalKind::DateTime,
                "1818-07-21T21:40:32.142[Europe/Stockholm]",
                "1818-07-21T21:40:32.142+00:53:28[Europe/Stockholm]",
            ),
            (
                TemporalKind::DateTime,
                "2015-07-21T21:40:32.142-04[America/New_York]",
                "2015-07-21T21:40:32.142-04:00[America/New_York]",
            ),
        ] {
            assert_eq!(shown(kind, text), expected, "{text}");
        }
        assert!(parse(TemporalKind::LocalTime, "21:40+01:00", 0).is_err());
        assert!(parse(TemporalKind::Date, "2015-13-01", 0).is_err());
    }
}
