//! Durations applied to temporal values, and durations measured between them.
//!
//! Adding applies the months first (on the calendar, keeping the day of the month where
//! it exists), then the days, then the seconds: on the local clock for values without a
//! zone, on the instant for values with one, so a day across a daylight-saving change is
//! still a calendar day while an hour is an hour. A date takes only whole days of the
//! seconds; a time of day wraps around midnight. Measuring follows `java.time`, as Neo4j
//! does: a value lacking a date, a time or a zone borrows it from the other before
//! whole months, then whole days, then the rest are counted.

use super::calendar;
use super::duration::Duration;
use super::zone::Zone;
use super::{NANOS_PER_DAY, NANOS_PER_SECOND, Temporal, epoch_nanos, split_days};

const SECONDS_PER_DAY: i64 = 86_400;

/// Applies `sign` (1 or -1) times `duration` to `value`.
pub(super) fn add(value: Temporal, duration: Duration, sign: i64) -> Result<Temporal, String> {
    let months = duration.months * sign;
    let days = duration.days * sign;
    let nanos = duration.time_nanos() * i128::from(sign);
    let on_date = |start: i64| -> Result<i64, String> {
        calendar::add_days(calendar::add_months(start, months)?, days)
    };
    let wrap = |time: i64| (i128::from(time) + nanos).rem_euclid(i128::from(NANOS_PER_DAY)) as i64;
    Ok(match value {
        Temporal::Date(start) => {
            // A date takes whole days of the seconds, counted towards zero.
            let whole_days = (duration.seconds * sign) / SECONDS_PER_DAY;
            Temporal::Date(calendar::add_days(on_date(start)?, whole_days)?)
        }
        Temporal::LocalTime(time) => Temporal::LocalTime(wrap(time)),
        Temporal::Time { nanos: time, offset } => Temporal::Time { nanos: wrap(time), offset },
        Temporal::LocalDateTime { days: start, nanos: time } => {
            let local =
                i128::from(on_date(start)?) * i128::from(NANOS_PER_DAY) + i128::from(time) + nanos;
            let (days, nanos) = split_days(local)?;
            calendar::add_days(days, 0)?;
            Temporal::LocalDateTime { days, nanos }
        }
        Temporal::DateTime { days: start, nanos: time, offset, zone } => {
            let zone = zone.map_or(Zone::Offset(offset), Zone::Named);
            let Temporal::DateTime { days, nanos: local, offset, .. } =
                Temporal::in_zone(on_date(start)?, time, zone, Some(offset))
            else {
                unreachable!("in_zone makes a date-time")
            };
            Temporal::at_instant(epoch_nanos(days, local, offset) + nanos, zone)?
        }
    })
}

/// Which of `duration.between`, `.inMonths`, `.inDays` and `.inSeconds`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DurationUnit {
    /// Months, then days, then the rest.
    Between,
    Months,
    Days,
    Seconds,
}

/// A value made whole for measuring: a date (days), a time of day (nanoseconds), and a
/// zone when it has one.
#[derive(Clone, Copy)]
struct Moment {
    days: Option<i64>,
    nanos: Option<i64>,
    zone: Option<Zone>,
    /// The offset the value had, until it is moved or given a zone.
    known_offset: Option<i32>,
}

impl Moment {
    fn of(value: Temporal) -> Moment {
        Moment {
            days: value.date_part(),
            nanos: value.time_part(),
            zone: value.zone(),
            known_offset: value.offset(),
        }
    }

    /// The offset in force at this moment's local date and time.
    fn offset(self) -> Option<i32> {
        if self.known_offset.is_some() {
            return self.known_offset;
        }
        let zone = self.zone?;
        Some(match zone {
            Zone::Offset(offset) => offset,
            Zone::Named(id) => {
                id.resolve_local(self.days.unwrap_or(0), self.nanos.unwrap_or(0), None).2
            }
        })
    }

    /// Nanoseconds on a timeline: the instant when zoned, the local clock otherwise.
    fn timeline(self) -> i128 {
        let local = i128::from(self.days.unwrap_or(0)) * i128::from(NANOS_PER_DAY)
            + i128::from(self.nanos.unwrap_or(0));
        local - i128::from(self.offset().unwrap_or(0)) * i128::from(NANOS_PER_SECOND)
    }

    /// This moment seen in another zone, at the same instant.
    fn seen_in(self, zone: Option<Zone>) -> Result<Moment, String> {
        let (Some(zone), Some(_)) = (zone, self.offset()) else { return Ok(self) };
        let instant = self.timeline();
        let offset = zone.offset_at(instant.div_euclid(i128::from(NANOS_PER_SECOND)) as i64);
        let (days, nanos) =
            split_days(instant + i128::from(offset) * i128::from(NANOS_PER_SECOND))?;
        Ok(Moment {
            days: self.days.map(|_| days),
            nanos: Some(nanos),
            zone: Some(zone),
            known_offset: Some(offset),
        })
    }
}

/// Lends what one value lacks from the other: midnight to a date facing a time, the
/// other's date to a time of day, the other's zone to a local value.
fn complete(from: Temporal, to: Temporal, unit: DurationUnit) -> (Moment, Moment) {
    let (mut from, mut to) = (Moment::of(from), Moment::of(to));
    // Seconds are counted between date-times, so both get a time; other units give a
    // date midnight only when the other value has a time.
    if unit == DurationUnit::Seconds || from.nanos.is_some() != to.nanos.is_some() {
        from.nanos = from.nanos.or(Some(0));
        to.nanos = to.nanos.or(Some(0));
    }
    if from.days.is_some() != to.days.is_some() {
        from.days = from.days.or(to.days);
        to.days = to.days.or(from.days);
    }
    if from.zone.is_some() != to.zone.is_some() {
        from.zone = from.zone.or(to.zone);
        to.zone = to.zone.or(from.zone);
    }
    (from, to)
}

/// Whole days from one local date-time to another, counted as `java.time` does: a day
/// only once its time of day is reached.
fn days_until(from: Moment, to: Moment) -> i64 {
    let (from_days, to_days) = (from.days.unwrap_or(0), to.days.unwrap_or(0));
    let (from_time, to_time) = (from.nanos.unwrap_or(0), to.nanos.unwrap_or(0));
    let mut end = to_days;
    if end > from_days && to_time < from_time {
        end -= 1;
    } else if end < from_days && to_time > from_time {
        end += 1;
    }
    end - from_days
}

/// Whole months likewise.
fn months_until(from: Moment, to: Moment) -> i64 {
    let (from_days, to_days) = (from.days.unwrap_or(0), to.days.unwrap_or(0));
    let (from_time, to_time) = (from.nanos.unwrap_or(0), to.nanos.unwrap_or(0));
    let mut end = to_days;
    if end > from_days && to_time < from_time {
        end -= 1;
    } else if end < from_days && to_time > from_time {
        end += 1;
    }
    calendar::months_between(from_days, end)
}

/// Moves a moment by whole months and days on its calendar, keeping its zone.
fn advance(moment: Moment, months: i64, days: i64) -> Result<Moment, String> {
    let Some(start) = moment.days else { return Ok(moment) };
    let moved = calendar::add_days(calendar::add_months(start, months)?, days)?;
    Ok(Moment { days: Some(moved), known_offset: None, ..moment })
}

/// `duration.between(from, to)` and its kin.
pub fn between(from: Temporal, to: Temporal, unit: DurationUnit) -> Result<Duration, String> {
    let (from, to) = complete(from, to, unit);
    // Calendar units are counted on the start's clock: the end is seen in its zone.
    let to_local = to.seen_in(from.zone)?;
    let dated = from.days.is_some() && to.days.is_some();
    match unit {
        DurationUnit::Months => {
            Duration::new(if dated { months_until(from, to_local) } else { 0 }, 0, 0, 0)
        }
        DurationUnit::Days => {
            Duration::new(0, if dated { days_until(from, to_local) } else { 0 }, 0, 0)
        }
        DurationUnit::Seconds => Duration::from_nanos(0, 0, elapsed(from, to)),
        DurationUnit::Between => {
            let (mut months, mut days, mut start) = (0, 0, from);
            if dated {
                months = months_until(from, to_local);
                start = advance(start, months, 0)?;
                days = days_until(start, to_local);
                start = advance(start, 0, days)?;
            }
            Duration::from_nanos(months, days, elapsed(start, to))
        }
    }
}

/// Nanoseconds from one moment to the other: between instants when zoned; a time of
/// day with an offset is first moved to the other's offset, as `OffsetTime` does.
fn elapsed(from: Moment, to: Moment) -> i128 {
    if from.days.is_none() {
        let (from_offset, to_offset) = (from.offset().unwrap_or(0), to.offset().unwrap_or(0));
        let to_time = i128::from(to.nanos.unwrap_or(0))
            + i128::from(from_offset - to_offset) * i128::from(NANOS_PER_SECOND);
        let wrapped = to_time.rem_euclid(i128::from(NANOS_PER_DAY));
        return wrapped - i128::from(from.nanos.unwrap_or(0));
    }
    to.timeline() - from.timeline()
}
