//! Temporal values: dates, times and date-times, with and without a UTC offset.
//!
//! Built from maps (`date({year: 1999, month: 3, day: 1})`) or ISO 8601 strings
//! (`date('1999-03-01')`), compared and ordered as openCypher says (times with an
//! offset by the instant they denote), and printed in ISO 8601 the way openCypher
//! prints them (`12:30`, `12:30:14.645876123+01:00`). Dates use the proleptic Gregorian
//! calendar. Named time zones (`Europe/Baku`) are not supported; offsets are.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;

use super::Value;

const NANOS_PER_SECOND: i64 = 1_000_000_000;
const NANOS_PER_DAY: i64 = 86_400 * NANOS_PER_SECOND;

/// A temporal value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Temporal {
    /// Days since 1970-01-01.
    Date(i64),
    /// Nanoseconds since midnight.
    LocalTime(i64),
    /// Nanoseconds since midnight, and the UTC offset in seconds.
    Time {
        nanos: i64,
        offset: i32,
    },
    LocalDateTime {
        days: i64,
        nanos: i64,
    },
    DateTime {
        days: i64,
        nanos: i64,
        offset: i32,
    },
}

/// Which temporal type a constructor builds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TemporalKind {
    Date,
    LocalTime,
    Time,
    LocalDateTime,
    DateTime,
}

impl TemporalKind {
    pub fn name(self) -> &'static str {
        match self {
            TemporalKind::Date => "Date",
            TemporalKind::LocalTime => "LocalTime",
            TemporalKind::Time => "Time",
            TemporalKind::LocalDateTime => "LocalDateTime",
            TemporalKind::DateTime => "DateTime",
        }
    }

    fn has_date(self) -> bool {
        matches!(self, TemporalKind::Date | TemporalKind::LocalDateTime | TemporalKind::DateTime)
    }

    fn has_time(self) -> bool {
        !matches!(self, TemporalKind::Date)
    }

    fn has_offset(self) -> bool {
        matches!(self, TemporalKind::Time | TemporalKind::DateTime)
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (era arithmetic: 400-year
/// cycles of 146,097 days).
pub fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The (year, month, day) of a day count since 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 { month_from_march + 3 } else { month_from_march - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

impl Temporal {
    pub fn kind(self) -> TemporalKind {
        match self {
            Temporal::Date(_) => TemporalKind::Date,
            Temporal::LocalTime(_) => TemporalKind::LocalTime,
            Temporal::Time { .. } => TemporalKind::Time,
            Temporal::LocalDateTime { .. } => TemporalKind::LocalDateTime,
            Temporal::DateTime { .. } => TemporalKind::DateTime,
        }
    }

    pub fn type_name(self) -> &'static str {
        self.kind().name()
    }

    /// Position in openCypher's global order: date-times, local date-times, dates,
    /// times, local times.
    pub(crate) fn kind_rank(self) -> u8 {
        match self.kind() {
            TemporalKind::DateTime => 0,
            TemporalKind::LocalDateTime => 1,
            TemporalKind::Date => 2,
            TemporalKind::Time => 3,
            TemporalKind::LocalTime => 4,
        }
    }

    /// The value compared by: the instant for offset types, the local value otherwise.
    pub(crate) fn sort_key(self) -> (i64, i64) {
        match self {
            Temporal::Date(days) => (days, 0),
            Temporal::LocalTime(nanos) => (0, nanos),
            Temporal::Time { nanos, offset } => (0, nanos - i64::from(offset) * NANOS_PER_SECOND),
            Temporal::LocalDateTime { days, nanos } => (days, nanos),
            Temporal::DateTime { days, nanos, offset } => {
                let total = i128::from(days) * i128::from(NANOS_PER_DAY) + i128::from(nanos)
                    - i128::from(offset) * i128::from(NANOS_PER_SECOND);
                (
                    total.div_euclid(i128::from(NANOS_PER_DAY)) as i64,
                    total.rem_euclid(i128::from(NANOS_PER_DAY)) as i64,
                )
            }
        }
    }

    /// `<` between two temporals: only values of one kind compare.
    pub fn compare(self, other: Temporal) -> Option<Ordering> {
        (self.kind() == other.kind()).then(|| self.sort_key().cmp(&other.sort_key()))
    }

    /// Total order for `ORDER BY`.
    pub(crate) fn order(self, other: Temporal) -> Ordering {
        self.kind_rank()
            .cmp(&other.kind_rank())
            .then_with(|| self.sort_key().cmp(&other.sort_key()))
    }

    fn date_part(self) -> Option<i64> {
        match self {
            Temporal::Date(days)
            | Temporal::LocalDateTime { days, .. }
            | Temporal::DateTime { days, .. } => Some(days),
            _ => None,
        }
    }

    fn time_part(self) -> Option<(i64, Option<i32>)> {
        match self {
            Temporal::LocalTime(nanos) | Temporal::LocalDateTime { nanos, .. } => {
                Some((nanos, None))
            }
            Temporal::Time { nanos, offset } | Temporal::DateTime { nanos, offset, .. } => {
                Some((nanos, Some(offset)))
            }
            Temporal::Date(_) => None,
        }
    }

    /// A component by name (`year`, `month`, …), as `n.date.year` reads it.
    pub fn component(self, key: &str) -> Option<Value> {
        let date = self.date_part().map(civil_from_days);
        let time = self.time_part();
        let number = match (key, date, time) {
            ("year", Some((year, _, _)), _) => year,
            ("month", Some((_, month, _)), _) => month,
            ("day", Some((_, _, day)), _) => day,
            ("hour", _, Some((nanos, _))) => nanos / (3600 * NANOS_PER_SECOND),
            ("minute", _, Some((nanos, _))) => nanos / (60 * NANOS_PER_SECOND) % 60,
            ("second", _, Some((nanos, _))) => nanos / NANOS_PER_SECOND % 60,
            ("millisecond", _, Some((nanos, _))) => nanos % NANOS_PER_SECOND / 1_000_000,
            ("microsecond", _, Some((nanos, _))) => nanos % NANOS_PER_SECOND / 1_000,
            ("nanosecond", _, Some((nanos, _))) => nanos % NANOS_PER_SECOND,
            ("offsetSeconds", _, Some((_, Some(offset)))) => i64::from(offset),
            ("offset", _, Some((_, Some(offset)))) => {
                return Some(Value::from(offset_text(offset)));
            }
            _ => return None,
        };
        Some(Value::Int(number))
    }

    /// Builds a temporal of `kind` from a map of components.
    pub fn from_map(kind: TemporalKind, map: &BTreeMap<String, Value>) -> Result<Temporal, String> {
        const DATE_KEYS: &[&str] = &["year", "month", "day"];
        const TIME_KEYS: &[&str] =
            &["hour", "minute", "second", "millisecond", "microsecond", "nanosecond"];
        let allowed = |key: &str| {
            (kind.has_date() && DATE_KEYS.contains(&key))
                || (kind.has_time() && TIME_KEYS.contains(&key))
                || (kind.has_offset() && key == "timezone")
        };
        if let Some(key) = map.keys().find(|key| !allowed(key)) {
            return Err(format!("{}() does not take `{key}`", kind.name().to_lowercase()));
        }
        let number = |key: &str, default: i64| -> Result<i64, String> {
            match map.get(key) {
                None | Some(Value::Null) => Ok(default),
                Some(Value::Int(value)) => Ok(*value),
                Some(other) => {
                    Err(format!("`{key}` must be an integer, found {}", other.type_name()))
                }
            }
        };
        let days = if kind.has_date() {
            if !map.contains_key("year") {
                return Err(format!("{}() needs at least `year`", kind.name().to_lowercase()));
            }
            let (year, month, day) = (number("year", 0)?, number("month", 1)?, number("day", 1)?);
            check_date(year, month, day)?;
            days_from_civil(year, month, day)
        } else {
            0
        };
        let nanos = if kind.has_time() {
            let (hour, minute, second) =
                (number("hour", 0)?, number("minute", 0)?, number("second", 0)?);
            let fraction = number("millisecond", 0)? * 1_000_000
                + number("microsecond", 0)? * 1_000
                + number("nanosecond", 0)?;
            check_time(hour, minute, second, fraction)?;
            ((hour * 60 + minute) * 60 + second) * NANOS_PER_SECOND + fraction
        } else {
            0
        };
        let offset = if kind.has_offset() {
            match map.get("timezone") {
                None | Some(Value::Null) => 0,
                Some(Value::String(zone)) => parse_offset(zone)?,
                Some(other) => {
                    return Err(format!(
                        "`timezone` must be a string, found {}",
                        other.type_name()
                    ));
                }
            }
        } else {
            0
        };
        Ok(build(kind, days, nanos, offset))
    }

    /// Parses an ISO 8601 string into a temporal of `kind`.
    pub fn parse(kind: TemporalKind, text: &str) -> Result<Temporal, String> {
        let bad = || format!("`{text}` is not a valid {} (ISO 8601)", kind.name().to_lowercase());
        let (date_text, time_text) = match (kind.has_date(), kind.has_time()) {
            (true, false) => (Some(text), None),
            (false, true) => (None, Some(text)),
            _ => match text.split_once('T') {
                Some((date, time)) => (Some(date), Some(time)),
                None => (Some(text), None),
            },
        };
        let days = match date_text {
            None => 0,
            Some(date) => {
                let (sign, digits) = match date.strip_prefix('-') {
                    Some(rest) => (-1, rest),
                    None => (1, date.strip_prefix('+').unwrap_or(date)),
                };
                let parts: Vec<&str> = digits.split('-').collect();
                let field = |index: usize, default: i64| -> Result<i64, String> {
                    match parts.get(index) {
                        None => Ok(default),
                        Some(part) => part.parse::<i64>().map_err(|_| bad()),
                    }
                };
                let (year, month, day) = (sign * field(0, 0)?, field(1, 1)?, field(2, 1)?);
                if parts.len() > 3 || parts[0].len() < 4 {
                    return Err(bad());
                }
                check_date(year, month, day)?;
                days_from_civil(year, month, day)
            }
        };
        let (nanos, offset) = match time_text {
            None => (0, 0),
            Some(time) => {
                let zone_at = time.find(['Z', '+', '-']).unwrap_or(time.len());
                let (clock, zone) = time.split_at(zone_at);
                let (clock, fraction) = match clock.split_once('.') {
                    Some((clock, fraction)) => (clock, fraction),
                    None => (clock, ""),
                };
                let parts: Vec<&str> = clock.split(':').collect();
                if parts.len() < 2
                    || parts.len() > 3
                    || fraction.len() > 9
                    || !fraction.chars().all(|c| c.is_ascii_digit())
                {
                    return Err(bad());
                }
                let field = |index: usize| -> Result<i64, String> {
                    parts.get(index).map_or(Ok(0), |part| part.parse::<i64>().map_err(|_| bad()))
                };
                let (hour, minute, second) = (field(0)?, field(1)?, field(2)?);
                let fraction_nanos = if fraction.is_empty() {
                    0
                } else {
                    format!("{fraction:0<9}").parse::<i64>().map_err(|_| bad())?
                };
                check_time(hour, minute, second, fraction_nanos)?;
                let offset = if zone.is_empty() { 0 } else { parse_offset(zone)? };
                if !zone.is_empty() && !kind.has_offset() {
                    return Err(bad());
                }
                (((hour * 60 + minute) * 60 + second) * NANOS_PER_SECOND + fraction_nanos, offset)
            }
        };
        Ok(build(kind, days, nanos, offset))
    }

    /// Converts another temporal to `kind`, keeping the parts both have.
    pub fn convert(self, kind: TemporalKind) -> Result<Temporal, String> {
        let days = self.date_part();
        let time = self.time_part();
        if kind.has_date() && days.is_none() {
            return Err(format!("a {} has no date to make a {} of", self.type_name(), kind.name()));
        }
        let (nanos, offset) = time.map_or((0, 0), |(nanos, offset)| (nanos, offset.unwrap_or(0)));
        Ok(build(kind, days.unwrap_or(0), nanos, offset))
    }
}

fn build(kind: TemporalKind, days: i64, nanos: i64, offset: i32) -> Temporal {
    match kind {
        TemporalKind::Date => Temporal::Date(days),
        TemporalKind::LocalTime => Temporal::LocalTime(nanos),
        TemporalKind::Time => Temporal::Time { nanos, offset },
        TemporalKind::LocalDateTime => Temporal::LocalDateTime { days, nanos },
        TemporalKind::DateTime => Temporal::DateTime { days, nanos, offset },
    }
}

fn check_date(year: i64, month: i64, day: i64) -> Result<(), String> {
    if !(-999_999_999..=999_999_999).contains(&year) {
        return Err(format!("year {year} is out of range"));
    }
    if !(1..=12).contains(&month) {
        return Err(format!("month {month} is not between 1 and 12"));
    }
    if !(1..=days_in_month(year, month)).contains(&day) {
        return Err(format!("day {day} does not exist in {year}-{month:02}"));
    }
    Ok(())
}

fn check_time(hour: i64, minute: i64, second: i64, fraction: i64) -> Result<(), String> {
    if !(0..24).contains(&hour)
        || !(0..60).contains(&minute)
        || !(0..60).contains(&second)
        || !(0..NANOS_PER_SECOND).contains(&fraction)
    {
        return Err(format!("{hour}:{minute}:{second} (+{fraction} ns) is not a time of day"));
    }
    Ok(())
}

/// Parses `Z`, `+01:00`, `-0530` or `+01` into seconds east of UTC.
fn parse_offset(zone: &str) -> Result<i32, String> {
    if zone == "Z" {
        return Ok(0);
    }
    let bad = || {
        format!("time zone `{zone}` is not an offset like +01:00 (named zones are not supported)")
    };
    let (sign, rest) = match zone.as_bytes().first() {
        Some(b'+') => (1, &zone[1..]),
        Some(b'-') => (-1, &zone[1..]),
        _ => return Err(bad()),
    };
    let digits: String = rest.chars().filter(|c| *c != ':').collect();
    if !(digits.len() == 2 || digits.len() == 4) || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(bad());
    }
    let hours: i32 = digits[..2].parse().map_err(|_| bad())?;
    let minutes: i32 = if digits.len() == 4 { digits[2..].parse().map_err(|_| bad())? } else { 0 };
    if hours > 18 || minutes > 59 {
        return Err(bad());
    }
    Ok(sign * (hours * 3600 + minutes * 60))
}

fn offset_text(offset: i32) -> String {
    if offset == 0 {
        return "Z".to_owned();
    }
    let sign = if offset < 0 { '-' } else { '+' };
    let seconds = offset.abs();
    format!("{sign}{:02}:{:02}", seconds / 3600, seconds % 3600 / 60)
}

fn write_date(f: &mut fmt::Formatter<'_>, days: i64) -> fmt::Result {
    let (year, month, day) = civil_from_days(days);
    if (0..=9999).contains(&year) {
        write!(f, "{year:04}-{month:02}-{day:02}")
    } else {
        write!(f, "{year:+05}-{month:02}-{day:02}")
    }
}

/// `HH:MM`, `HH:MM:SS` or `HH:MM:SS.fff` (3, 6 or 9 fraction digits, as few as needed).
fn write_time(f: &mut fmt::Formatter<'_>, nanos: i64) -> fmt::Result {
    let seconds_total = nanos / NANOS_PER_SECOND;
    let fraction = nanos % NANOS_PER_SECOND;
    let (hour, minute, second) =
        (seconds_total / 3600, seconds_total / 60 % 60, seconds_total % 60);
    write!(f, "{hour:02}:{minute:02}")?;
    if second == 0 && fraction == 0 {
        return Ok(());
    }
    write!(f, ":{second:02}")?;
    if fraction == 0 {
        Ok(())
    } else if fraction % 1_000_000 == 0 {
        write!(f, ".{:03}", fraction / 1_000_000)
    } else if fraction % 1_000 == 0 {
        write!(f, ".{:06}", fraction / 1_000)
    } else {
        write!(f, ".{fraction:09}")
    }
}

impl fmt::Display for Temporal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Temporal::Date(days) => write_date(f, days),
            Temporal::LocalTime(nanos) => write_time(f, nanos),
            Temporal::Time { nanos, offset } => {
                write_time(f, nanos)?;
                f.write_str(&offset_text(offset))
            }
            Temporal::LocalDateTime { days, nanos } => {
                write_date(f, days)?;
                f.write_str("T")?;
                write_time(f, nanos)
            }
            Temporal::DateTime { days, nanos, offset } => {
                write_date(f, days)?;
                f.write_str("T")?;
                write_time(f, nanos)?;
                f.write_str(&offset_text(offset))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_round_trips() {
        for (year, month, day) in
            [(1970, 1, 1), (2000, 2, 29), (1, 1, 1), (9999, 12, 31), (-44, 3, 15), (1900, 3, 1)]
        {
            assert_eq!(civil_from_days(days_from_civil(year, month, day)), (year, month, day));
        }
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1) - days_from_civil(2000, 2, 28), 2);
    }

    #[test]
    fn prints_like_opencypher() {
        let map = |entries: &[(&str, Value)]| {
            entries.iter().map(|(key, value)| ((*key).to_owned(), value.clone())).collect()
        };
        let time = Temporal::from_map(
            TemporalKind::Time,
            &map(&[
                ("hour", Value::Int(12)),
                ("minute", Value::Int(31)),
                ("second", Value::Int(14)),
                ("nanosecond", Value::Int(645_876_123)),
                ("timezone", Value::from("+01:00")),
            ]),
        )
        .unwrap();
        assert_eq!(time.to_string(), "12:31:14.645876123+01:00");
        let date_time =
            Temporal::parse(TemporalKind::DateTime, "1984-10-11T12:30:14.000000012+00:15").unwrap();
        assert_eq!(date_time.to_string(), "1984-10-11T12:30:14.000000012+00:15");
        assert_eq!(Temporal::parse(TemporalKind::LocalTime, "10:35").unwrap().to_string(), "10:35");
        assert_eq!(
            Temporal::parse(TemporalKind::Date, "2010-09-15").unwrap().to_string(),
            "2010-09-15"
        );
        assert!(Temporal::parse(TemporalKind::Date, "2010-02-30").is_err());
    }

    #[test]
    fn offset_times_compare_by_instant() {
        let early = Temporal::parse(TemporalKind::Time, "12:00+02:00").unwrap();
        let late = Temporal::parse(TemporalKind::Time, "11:00Z").unwrap();
        assert_eq!(early.compare(late), Some(Ordering::Less));
        assert_eq!(early.compare(Temporal::LocalTime(0)), None);
    }
}
