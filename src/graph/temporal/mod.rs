//! Temporal values: dates, times and date-times, with and without a time zone, and
//! durations.
//!
//! A point in time is kept as plain numbers (days since 1970-01-01, nanoseconds since
//! midnight, the UTC offset in seconds and, for a named zone, a `ZoneId`), so values are
//! small and `Copy`; every calendar and time-zone question goes to `jiff` through
//! `calendar` and `zone`. This file holds the type, its components, comparison and
//! printing; `parse` reads ISO 8601 text, `build` makes values from maps and truncates
//! them, `arithmetic` adds durations and measures between values, and `duration` is the
//! `Duration` type. Values compare and order as openCypher says (values with an offset by
//! the instant they denote) and print as openCypher prints them (`12:30`,
//! `2015-07-21T21:40:32.142+01:00[Europe/London]`).

mod arithmetic;
mod build;
mod calendar;
mod duration;
mod parse;
mod zone;

use std::cmp::Ordering;
use std::fmt;

pub use arithmetic::{DurationUnit, between};
pub use duration::Duration;
pub use zone::{Zone, ZoneId};

use super::Value;

const NANOS_PER_SECOND: i64 = 1_000_000_000;
const NANOS_PER_DAY: i64 = 86_400 * NANOS_PER_SECOND;

/// A point in time or a time of day.
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
    /// The local date and time, the offset in force there, and the named zone if any.
    DateTime {
        days: i64,
        nanos: i64,
        offset: i32,
        zone: Option<ZoneId>,
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

    /// The function that builds this kind (`localdatetime`).
    pub fn function_name(self) -> String {
        self.name().to_lowercase()
    }

    pub(crate) fn has_date(self) -> bool {
        matches!(self, TemporalKind::Date | TemporalKind::LocalDateTime | TemporalKind::DateTime)
    }

    pub(crate) fn has_time(self) -> bool {
        !matches!(self, TemporalKind::Date)
    }

    pub(crate) fn has_offset(self) -> bool {
        matches!(self, TemporalKind::Time | TemporalKind::DateTime)
    }
}

/// Nanoseconds since 1970-01-01T00:00Z of a local date-time at an offset.
pub(crate) fn epoch_nanos(days: i64, nanos: i64, offset: i32) -> i128 {
    i128::from(days) * i128::from(NANOS_PER_DAY) + i128::from(nanos)
        - i128::from(offset) * i128::from(NANOS_PER_SECOND)
}

/// Splits nanoseconds since an epoch into (days, nanoseconds of the day).
pub(crate) fn split_days(total: i128) -> Result<(i64, i64), String> {
    let day = i128::from(NANOS_PER_DAY);
    let days = i64::try_from(total.div_euclid(day)).map_err(|_| "the date is out of range")?;
    Ok((days, total.rem_euclid(day) as i64))
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

    /// The current moment, in UTC, from nanoseconds since 1970-01-01T00:00Z.
    pub fn now(epoch_nanos: i128) -> Temporal {
        let (days, nanos) = split_days(epoch_nanos).unwrap_or((0, 0));
        Temporal::DateTime { days, nanos, offset: 0, zone: None }
    }

    /// A date-time at the instant `epoch_nanos` in `zone`.
    pub fn at_instant(epoch_nanos: i128, zone: Zone) -> Result<Temporal, String> {
        let seconds = i64::try_from(epoch_nanos.div_euclid(i128::from(NANOS_PER_SECOND)))
            .map_err(|_| "the instant is out of range")?;
        let offset = zone.offset_at(seconds);
        let (days, nanos) =
            split_days(epoch_nanos + i128::from(offset) * i128::from(NANOS_PER_SECOND))?;
        calendar::add_days(days, 0)?;
        Ok(Temporal::DateTime { days, nanos, offset, zone: zone.id() })
    }

    /// A date-time of a local date and time in `zone`; `preferred` picks between the two
    /// offsets of a local time that occurs twice.
    pub fn in_zone(days: i64, nanos: i64, zone: Zone, preferred: Option<i32>) -> Temporal {
        match zone {
            Zone::Offset(offset) => Temporal::DateTime { days, nanos, offset, zone: None },
            Zone::Named(id) => {
                let (days, nanos, offset) = id.resolve_local(days, nanos, preferred);
                Temporal::DateTime { days, nanos, offset, zone: Some(id) }
            }
        }
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
            Temporal::DateTime { days, nanos, offset, .. } => {
                split_days(epoch_nanos(days, nanos, offset)).unwrap_or((days, nanos))
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

    pub(crate) fn date_part(self) -> Option<i64> {
        match self {
            Temporal::Date(days)
            | Temporal::LocalDateTime { days, .. }
            | Temporal::DateTime { days, .. } => Some(days),
            _ => None,
        }
    }

    /// The local time of day, in nanoseconds since midnight.
    pub(crate) fn time_part(self) -> Option<i64> {
        match self {
            Temporal::LocalTime(nanos)
            | Temporal::LocalDateTime { nanos, .. }
            | Temporal::Time { nanos, .. }
            | Temporal::DateTime { nanos, .. } => Some(nanos),
            Temporal::Date(_) => None,
        }
    }

    pub(crate) fn offset(self) -> Option<i32> {
        match self {
            Temporal::Time { offset, .. } | Temporal::DateTime { offset, .. } => Some(offset),
            _ => None,
        }
    }

    /// The zone a value is in: its named zone, else its offset.
    pub(crate) fn zone(self) -> Option<Zone> {
        match self {
            Temporal::Time { offset, .. } => Some(Zone::Offset(offset)),
            Temporal::DateTime { offset, zone, .. } => {
                Some(zone.map_or(Zone::Offset(offset), Zone::Named))
            }
            _ => None,
        }
    }

    /// A component by name (`year`, `week`, `offsetMinutes`…), as `d.year` reads it;
    /// `None` when this kind of value has no such component.
    pub fn component(self, key: &str) -> Option<Value> {
        if let Some(days) = self.date_part() {
            let (year, month, day) = calendar::civil_from_days(days);
            let number = match key {
                "year" => Some(year),
                "month" => Some(month),
                "day" => Some(day),
                "quarter" => Some((month - 1) / 3 + 1),
                "week" => Some(calendar::iso_week(days).1),
                "weekYear" => Some(calendar::iso_week(days).0),
                "weekDay" | "dayOfWeek" => Some(calendar::weekday(days)),
                "ordinalDay" => Some(calendar::day_of_year(days)),
                "dayOfQuarter" => {
                    let first_month = (month - 1) / 3 * 3 + 1;
                    calendar::days_from_civil(year, first_month, 1)
                        .ok()
                        .map(|first| days - first + 1)
                }
                _ => None,
            };
            if let Some(number) = number {
                return Some(Value::Int(number));
            }
        }
        if let Some(nanos) = self.time_part() {
            let number = match key {
                "hour" => Some(nanos / (3600 * NANOS_PER_SECOND)),
                "minute" => Some(nanos / (60 * NANOS_PER_SECOND) % 60),
                "second" => Some(nanos / NANOS_PER_SECOND % 60),
                "millisecond" => Some(nanos % NANOS_PER_SECOND / 1_000_000),
                "microsecond" => Some(nanos % NANOS_PER_SECOND / 1_000),
                "nanosecond" => Some(nanos % NANOS_PER_SECOND),
                _ => None,
            };
            if let Some(number) = number {
                return Some(Value::Int(number));
            }
        }
        if let Temporal::DateTime { days, nanos, offset, .. } = self {
            let instant = epoch_nanos(days, nanos, offset);
            match key {
                "epochSeconds" => {
                    return Some(Value::Int(
                        instant.div_euclid(i128::from(NANOS_PER_SECOND)) as i64
                    ));
                }
                "epochMillis" => return Some(Value::Int(instant.div_euclid(1_000_000) as i64)),
                _ => {}
            }
        }
        let offset = self.offset()?;
        Some(match key {
            "timezone" => match self {
                Temporal::DateTime { zone: Some(zone), .. } => Value::from(zone.name()),
                _ => Value::from(zone::offset_text(offset)),
            },
            "offset" => Value::from(zone::offset_text(offset)),
            "offsetMinutes" => Value::Int(i64::from(offset / 60)),
            "offsetSeconds" => Value::Int(i64::from(offset)),
            _ => return None,
        })
    }

    /// Converts another temporal to `kind`, keeping the parts both have; a value with a
    /// zone keeps it, and one without is put in UTC.
    pub fn convert(self, kind: TemporalKind) -> Result<Temporal, String> {
        let cannot = || format!("a {} cannot be made into a {}", self.type_name(), kind.name());
        let days = self.date_part();
        let nanos = self.time_part();
        Ok(match kind {
            TemporalKind::Date => Temporal::Date(days.ok_or_else(cannot)?),
            TemporalKind::LocalTime => Temporal::LocalTime(nanos.ok_or_else(cannot)?),
            TemporalKind::Time => Temporal::Time {
                nanos: nanos.ok_or_else(cannot)?,
                offset: self.offset().unwrap_or(0),
            },
            TemporalKind::LocalDateTime => Temporal::LocalDateTime {
                days: days.ok_or_else(cannot)?,
                nanos: nanos.unwrap_or(0),
            },
            TemporalKind::DateTime => match self {
                Temporal::DateTime { .. } => self,
                _ => Temporal::DateTime {
                    days: days.ok_or_else(cannot)?,
                    nanos: nanos.unwrap_or(0),
                    offset: 0,
                    zone: None,
                },
            },
        })
    }

    /// Builds a temporal of `kind` from a map of components; `now` (nanoseconds since the
    /// epoch) answers a map that names no date or time, and gives named zones of a time
    /// of day their offset.
    pub fn from_map(
        kind: TemporalKind,
        map: &std::collections::BTreeMap<String, Value>,
        now: i128,
    ) -> Result<Temporal, String> {
        build::from_map(kind, map, now)
    }

    /// Parses ISO 8601 text into a temporal of `kind`.
    pub fn parse(kind: TemporalKind, text: &str, now: i128) -> Result<Temporal, String> {
        parse::parse(kind, text, now)
    }

    /// `kind.truncate(unit, self, map)`.
    pub fn truncate(
        self,
        kind: TemporalKind,
        unit: &str,
        map: &std::collections::BTreeMap<String, Value>,
        now: i128,
    ) -> Result<Temporal, String> {
        build::truncate(kind, unit, self, map, now)
    }

    /// `self + duration`.
    pub fn plus(self, duration: Duration) -> Result<Temporal, String> {
        arithmetic::add(self, duration, 1)
    }

    /// `self - duration`.
    pub fn minus(self, duration: Duration) -> Result<Temporal, String> {
        arithmetic::add(self, duration, -1)
    }
}

fn write_date(f: &mut fmt::Formatter<'_>, days: i64) -> fmt::Result {
    let (year, month, day) = calendar::civil_from_days(days);
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
                f.write_str(&zone::offset_text(offset))
            }
            Temporal::LocalDateTime { days, nanos } => {
                write_date(f, days)?;
                f.write_str("T")?;
                write_time(f, nanos)
            }
            Temporal::DateTime { days, nanos, offset, zone } => {
                write_date(f, days)?;
                f.write_str("T")?;
                write_time(f, nanos)?;
                f.write_str(&zone::offset_text(offset))?;
                match zone {
                    Some(zone) => write!(f, "[{}]", zone.name()),
                    None => Ok(()),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            0,
        )
        .unwrap();
        assert_eq!(time.to_string(), "12:31:14.645876123+01:00");
        let date_time =
            Temporal::parse(TemporalKind::DateTime, "1984-10-11T12:30:14.000000012+00:15", 0)
                .unwrap();
        assert_eq!(date_time.to_string(), "1984-10-11T12:30:14.000000012+00:15");
        assert_eq!(
            Temporal::parse(TemporalKind::LocalTime, "10:35", 0).unwrap().to_string(),
            "10:35"
        );
        assert_eq!(
            Temporal::parse(TemporalKind::Date, "2010-09-15", 0).unwrap().to_string(),
            "2010-09-15"
        );
        assert!(Temporal::parse(TemporalKind::Date, "2010-02-30", 0).is_err());
    }

    #[test]
    fn offset_times_compare_by_instant() {
        let early = Temporal::parse(TemporalKind::Time, "12:00+02:00", 0).unwrap();
        let late = Temporal::parse(TemporalKind::Time, "11:00Z", 0).unwrap();
        assert_eq!(early.compare(late), Some(Ordering::Less));
        assert_eq!(early.compare(Temporal::LocalTime(0)), None);
    }

    #[test]
    fn stays_small_enough_for_a_value() {
        assert!(std::mem::size_of::<Temporal>() <= 24);
    }
}
