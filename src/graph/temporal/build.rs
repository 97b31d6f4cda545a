//! Temporal values from maps of components, and truncation.
//!
//! A map names components (`{year: 1984, week: 10, dayOfWeek: 3}`) and may select them
//! from other values (`{date: d, time: t, day: 28}`): a component given overrides the
//! selected one. Dates come by calendar month, ISO week, ordinal day or quarter. The zone
//! comes from the value the time is selected from; a `timezone` then moves the result to
//! that zone at the same instant. Truncation cuts a value down to a unit and applies the
//! map the same way, except that its `timezone` replaces the zone and keeps the local
//! time, as openCypher says. Does not parse text.

use std::collections::BTreeMap;

use super::calendar;
use super::zone::Zone;
use super::{NANOS_PER_DAY, NANOS_PER_SECOND, Temporal, TemporalKind, epoch_nanos};
use crate::graph::Value;

const DATE_KEYS: &[&str] =
    &["year", "month", "day", "week", "dayOfWeek", "ordinalDay", "quarter", "dayOfQuarter"];
const TIME_KEYS: &[&str] =
    &["hour", "minute", "second", "millisecond", "microsecond", "nanosecond"];

fn integer(map: &BTreeMap<String, Value>, key: &str) -> Result<Option<i64>, String> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Int(value)) => Ok(Some(*value)),
        Some(other) => Err(format!("`{key}` must be an integer, found {}", other.type_name())),
    }
}

fn selected(map: &BTreeMap<String, Value>, key: &str) -> Result<Option<Temporal>, String> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Temporal(value)) => Ok(Some(*value)),
        Some(other) => {
            Err(format!("`{key}` must be a temporal value, found {}", other.type_name()))
        }
    }
}

fn timezone(map: &BTreeMap<String, Value>) -> Result<Option<Zone>, String> {
    match map.get("timezone") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Zone::parse(text).map(Some),
        Some(other) => Err(format!("`timezone` must be a string, found {}", other.type_name())),
    }
}

fn check_keys(kind: TemporalKind, map: &BTreeMap<String, Value>) -> Result<(), String> {
    let allowed = |key: &str| {
        (kind.has_date() && (DATE_KEYS.contains(&key) || key == "date"))
            || (kind.has_time() && (TIME_KEYS.contains(&key) || key == "time"))
            || (kind == TemporalKind::LocalDateTime || kind == TemporalKind::DateTime)
                && key == "datetime"
            || (kind.has_offset() && key == "timezone")
            || (kind == TemporalKind::DateTime && (key == "epochSeconds" || key == "epochMillis"))
            || (kind == TemporalKind::Date && key == "timezone")
            || (kind == TemporalKind::LocalTime && key == "timezone")
            || (kind == TemporalKind::LocalDateTime && key == "timezone")
    };
    match map.keys().find(|key| !allowed(key)) {
        Some(key) => Err(format!("{}() does not take `{key}`", kind.function_name())),
        None => Ok(()),
    }
}

/// The date from the map's components over `base` (a selected date); `None` when the
/// map names no date and selects none.
fn build_date(base: Option<i64>, map: &BTreeMap<String, Value>) -> Result<Option<i64>, String> {
    let get = |key| integer(map, key);
    let (year, month, day) = (get("year")?, get("month")?, get("day")?);
    let (week, day_of_week) = (get("week")?, get("dayOfWeek")?);
    let ordinal_day = get("ordinalDay")?;
    let (quarter, day_of_quarter) = (get("quarter")?, get("dayOfQuarter")?);
    let groups = [
        month.is_some() || day.is_some(),
        week.is_some() || day_of_week.is_some(),
        ordinal_day.is_some(),
        quarter.is_some() || day_of_quarter.is_some(),
    ];
    if base.is_none() && year.is_none() && !groups.contains(&true) {
        return Ok(None);
    }
    if groups.iter().filter(|used| **used).count() > 1
        && !(groups[3] && day.is_some() && month.is_none())
    {
        return Err(
            "a date takes one of month/day, week/dayOfWeek, ordinalDay or quarter/dayOfQuarter"
                .to_owned(),
        );
    }
    let base_civil = base.map(calendar::civil_from_days);
    let year_or_base = || {
        year.or(base_civil.map(|(year, _, _)| year)).ok_or_else(|| "a date needs `year`".to_owned())
    };
    let days = if groups[1] {
        let base_week = base.map(calendar::iso_week);
        let week_year =
            year.or(base_week.map(|(week_year, _, _)| week_year)).ok_or("a date needs `year`")?;
        let week = week.or(base_week.map(|(_, week, _)| week)).unwrap_or(1);
        let weekday = day_of_week.or(base_week.map(|(_, _, weekday)| weekday)).unwrap_or(1);
        calendar::days_from_iso_week(week_year, week, weekday)?
    } else if let Some(ordinal_day) = ordinal_day {
        calendar::days_from_ordinal(year_or_base()?, ordinal_day)?
    } else if groups[3] {
        let year = year_or_base()?;
        let base_quarter = base_civil.map(|(_, month, _)| (month - 1) / 3 + 1);
        let quarter = quarter.or(base_quarter).unwrap_or(1);
        if !(1..=4).contains(&quarter) {
            return Err(format!("quarter {quarter} is not between 1 and 4"));
        }
        let first = calendar::days_from_civil(year, (quarter - 1) * 3 + 1, 1)?;
        match (day_of_quarter, base_civil) {
            (Some(day_of_quarter), _) => {
                let next = calendar::add_months(first, 3)?;
                if !(1..=next - first).contains(&day_of_quarter) {
                    return Err(format!(
                        "day {day_of_quarter} does not exist in quarter {quarter}"
                    ));
                }
                first + day_of_quarter - 1
            }
            // Another quarter of a selected date keeps its place in the quarter.
            (None, Some((_, base_month, base_day))) => {
                let month = (quarter - 1) * 3 + 1 + (base_month - 1) % 3;
                let wanted = day.unwrap_or(base_day);
                calendar::days_from_civil(
                    year,
                    month,
                    wanted.min(calendar::days_in_month(year, month)?),
                )?
            }
            (None, None) => first + day.map_or(0, |day| day - 1),
        }
    } else {
        let year = year_or_base()?;
        let month = month.or(base_civil.map(|(_, month, _)| month)).unwrap_or(1);
        let day = match (day, base_civil) {
            (Some(day), _) => day,
            // A selected day that the new month lacks becomes the month's last.
            (None, Some((_, _, base_day))) => base_day.min(calendar::days_in_month(year, month)?),
            (None, None) => 1,
        };
        calendar::days_from_civil(year, month, day)?
    };
    Ok(Some(days))
}

/// The time of day from the map's components over `base`; `None` when the map names no
/// time and selects none. A sub-second component replaces the whole fraction.
fn build_time(base: Option<i64>, map: &BTreeMap<String, Value>) -> Result<Option<i64>, String> {
    let get = |key| integer(map, key);
    let (hour, minute, second) = (get("hour")?, get("minute")?, get("second")?);
    let (milli, micro, nano) = (get("millisecond")?, get("microsecond")?, get("nanosecond")?);
    if base.is_none() && [hour, minute, second, milli, micro, nano].iter().all(Option::is_none) {
        return Ok(None);
    }
    let base = base.unwrap_or(0);
    let base_seconds = base / NANOS_PER_SECOND;
    let hour = hour.unwrap_or(base_seconds / 3600);
    let minute = minute.unwrap_or(base_seconds / 60 % 60);
    let second = second.unwrap_or(base_seconds % 60);
    let fraction = if milli.is_some() || micro.is_some() || nano.is_some() {
        sub_second(milli, micro, nano)?
    } else {
        base % NANOS_PER_SECOND
    };
    if !(0..24).contains(&hour) || !(0..60).contains(&minute) || !(0..60).contains(&second) {
        return Err(format!("{hour}:{minute}:{second} is not a time of day"));
    }
    Ok(Some(((hour * 60 + minute) * 60 + second) * NANOS_PER_SECOND + fraction))
}

/// Nanoseconds of a second from milli-, micro- and nanoseconds: alone, each counts from
/// the second; together, each smaller one counts within the larger.
fn sub_second(milli: Option<i64>, micro: Option<i64>, nano: Option<i64>) -> Result<i64, String> {
    let limit = |value: Option<i64>, bound: i64, what: &str| -> Result<i64, String> {
        match value {
            Some(value) if !(0..bound).contains(&value) => {
                Err(format!("{what} {value} is out of range"))
            }
            value => Ok(value.unwrap_or(0)),
        }
    };
    let milli = limit(milli, 1_000, "millisecond")?;
    let micro = limit(micro, if milli != 0 { 1_000 } else { 1_000_000 }, "microsecond")?;
    let nano_bound = if milli != 0 || micro != 0 { 1_000 } else { NANOS_PER_SECOND };
    let nano = limit(nano, nano_bound, "nanosecond")?;
    Ok(milli * 1_000_000 + micro * 1_000 + nano)
}

/// A value of `kind` from local parts, in `zone` when the kind has one.
fn assemble(
    kind: TemporalKind,
    days: i64,
    nanos: i64,
    zone: Zone,
    preferred: Option<i32>,
    now: i128,
) -> Temporal {
    match kind {
        TemporalKind::Date => Temporal::Date(days),
        TemporalKind::LocalTime => Temporal::LocalTime(nanos),
        TemporalKind::LocalDateTime => Temporal::LocalDateTime { days, nanos },
        TemporalKind::Time => Temporal::Time { nanos, offset: offset_now(zone, now) },
        TemporalKind::DateTime => Temporal::in_zone(days, nanos, zone, preferred),
    }
}

/// The offset a zone has at the statement's moment: a time of day has no date to ask
/// a named zone about.
fn offset_now(zone: Zone, now: i128) -> i32 {
    zone.offset_at(now.div_euclid(i128::from(NANOS_PER_SECOND)) as i64)
}

/// The same instant in another zone.
fn move_to_zone(value: Temporal, zone: Zone, now: i128) -> Result<Temporal, String> {
    Ok(match value {
        Temporal::Time { nanos, offset } => {
            let target = offset_now(zone, now);
            let moved = nanos + i64::from(target - offset) * NANOS_PER_SECOND;
            Temporal::Time { nanos: moved.rem_euclid(NANOS_PER_DAY), offset: target }
        }
        Temporal::DateTime { days, nanos, offset, .. } => {
            Temporal::at_instant(epoch_nanos(days, nanos, offset), zone)?
        }
        other => other,
    })
}

/// The instant `{epochSeconds: s, nanosecond: n}` or `{epochMillis: m}` names, if any.
fn epoch_instant(map: &BTreeMap<String, Value>) -> Result<Option<i128>, String> {
    let fraction = || -> Result<i128, String> {
        let get = |key| integer(map, key);
        Ok(i128::from(sub_second(get("millisecond")?, get("microsecond")?, get("nanosecond")?)?))
    };
    Ok(match (integer(map, "epochSeconds")?, integer(map, "epochMillis")?) {
        (Some(seconds), None) => {
            Some(i128::from(seconds) * i128::from(NANOS_PER_SECOND) + fraction()?)
        }
        (None, Some(millis)) => Some(i128::from(millis) * 1_000_000 + fraction()?),
        (None, None) => None,
        (Some(_), Some(_)) => {
            return Err("give `epochSeconds` or `epochMillis`, not both".to_owned());
        }
    })
}

/// `kind(map)`.
pub(super) fn from_map(
    kind: TemporalKind,
    map: &BTreeMap<String, Value>,
    now: i128,
) -> Result<Temporal, String> {
    check_keys(kind, map)?;
    let datetime = selected(map, "datetime")?;
    let date_source = selected(map, "date")?.or(datetime);
    let time_source = selected(map, "time")?.or(datetime);
    let target = timezone(map)?;
    if let Some(instant) = epoch_instant(map)? {
        return Temporal::at_instant(instant, target.unwrap_or(Zone::Offset(0)));
    }
    let names_anything = map.keys().any(|key| key != "timezone");
    if !names_anything {
        // Only a zone (or nothing): the statement's moment there.
        let moment = Temporal::at_instant(now, target.unwrap_or(Zone::Offset(0)))?;
        return moment.convert(kind);
    }
    if let Some(source) = date_source
        && kind.has_date()
        && source.date_part().is_none()
    {
        return Err(format!("a {} has no date to select", source.type_name()));
    }
    if let Some(source) = time_source
        && kind.has_time()
        && source.time_part().is_none()
    {
        return Err(format!("a {} has no time to select", source.type_name()));
    }
    let days = if kind.has_date() {
        build_date(date_source.and_then(Temporal::date_part), map)?
            .ok_or_else(|| format!("{}() needs at least `year`", kind.function_name()))?
    } else {
        0
    };
    let nanos = if kind.has_time() {
        build_time(time_source.and_then(Temporal::time_part), map)?.unwrap_or(0)
    } else {
        0
    };
    if !kind.has_offset() {
        return Ok(assemble(kind, days, nanos, Zone::Offset(0), None, now));
    }
    // The time keeps the zone of the value it came from; a time of day keeps its offset.
    let source_zone = time_source.and_then(|source| match kind {
        TemporalKind::Time => source.offset().map(Zone::Offset),
        _ => source.zone(),
    });
    match (source_zone, target) {
        (Some(zone), target) => {
            let preferred = time_source.and_then(Temporal::offset);
            let built = assemble(kind, days, nanos, zone, preferred, now);
            match (kind, built, time_source) {
                // A time of day from a value with an offset keeps that offset.
                (TemporalKind::Time, Temporal::Time { nanos, .. }, Some(source)) => {
                    let local = Temporal::Time { nanos, offset: source.offset().unwrap_or(0) };
                    match target {
                        Some(target) => move_to_zone(local, target, now),
                        None => Ok(local),
                    }
                }
                (_, built, _) => match target {
                    Some(target) => move_to_zone(built, target, now),
                    None => Ok(built),
                },
            }
        }
        (None, target) => {
            Ok(assemble(kind, days, nanos, target.unwrap_or(Zone::Offset(0)), None, now))
        }
    }
}

/// Date units, largest first; then time units.
fn truncate_date(unit: &str, days: i64) -> Result<Option<i64>, String> {
    let (year, month, _) = calendar::civil_from_days(days);
    let start_of_year = |year: i64| calendar::days_from_civil(year, 1, 1);
    Ok(Some(match unit {
        "millennium" => start_of_year(year - year.rem_euclid(1000))?,
        "century" => start_of_year(year - year.rem_euclid(100))?,
        "decade" => start_of_year(year - year.rem_euclid(10))?,
        "year" => start_of_year(year)?,
        "weekYear" => calendar::days_from_iso_week(calendar::iso_week(days).0, 1, 1)?,
        "quarter" => calendar::days_from_civil(year, (month - 1) / 3 * 3 + 1, 1)?,
        "month" => calendar::days_from_civil(year, month, 1)?,
        "week" => days - calendar::weekday(days) + 1,
        "day" => days,
        _ => return Ok(None),
    }))
}

fn truncate_time(unit: &str, nanos: i64) -> Option<i64> {
    let step = match unit {
        "hour" => 3600 * NANOS_PER_SECOND,
        "minute" => 60 * NANOS_PER_SECOND,
        "second" => NANOS_PER_SECOND,
        "millisecond" => 1_000_000,
        "microsecond" => 1_000,
        _ => return None,
    };
    Some(nanos - nanos.rem_euclid(step))
}

/// `kind.truncate(unit, value, map)`.
pub(super) fn truncate(
    kind: TemporalKind,
    unit: &str,
    value: Temporal,
    map: &BTreeMap<String, Value>,
    now: i128,
) -> Result<Temporal, String> {
    check_keys(kind, map)?;
    let unsupported = || {
        format!(
            "cannot truncate a {} to `{unit}` for {}()",
            value.type_name(),
            kind.function_name()
        )
    };
    if kind.has_date() && value.date_part().is_none() {
        return Err(unsupported());
    }
    let nanos = value.time_part().unwrap_or(0);
    let (days, nanos) = match value.date_part() {
        Some(days) => match truncate_date(unit, days)? {
            Some(days) => (days, 0),
            None => (days, truncate_time(unit, nanos).ok_or_else(unsupported)?),
        },
        None => match unit {
            "day" => (0, 0),
            _ => (0, truncate_time(unit, nanos).ok_or_else(unsupported)?),
        },
    };
    // Sub-second components combine with what the unit kept: to the millisecond, a
    // `nanosecond` counts within that millisecond.
    let mut overrides = map.clone();
    let kept_fraction = match unit {
        "millisecond" if map.contains_key("microsecond") || map.contains_key("nanosecond") => {
            let millis = nanos % NANOS_PER_SECOND / 1_000_000;
            Some(sub_second(
                Some(millis),
                integer(map, "microsecond")?,
                integer(map, "nanosecond")?,
            )?)
        }
        "microsecond" if map.contains_key("nanosecond") => {
            let micros = nanos % NANOS_PER_SECOND / 1_000;
            let combined = micros * 1_000 + integer(map, "nanosecond")?.unwrap_or(0);
            Some(combined)
        }
        _ => None,
    };
    let nanos = match kept_fraction {
        Some(fraction) => {
            overrides.remove("microsecond");
            overrides.remove("nanosecond");
            nanos - nanos % NANOS_PER_SECOND + fraction
        }
        None => nanos,
    };
    overrides.remove("timezone");
    let days =
        if kind.has_date() { build_date(Some(days), &overrides)?.unwrap_or(days) } else { days };
    let nanos =
        if kind.has_time() { build_time(Some(nanos), &overrides)?.unwrap_or(nanos) } else { nanos };
    let zone = timezone(map)?.or(match kind {
        TemporalKind::Time => value.offset().map(Zone::Offset),
        _ => value.zone(),
    });
    let zone = zone.unwrap_or(Zone::Offset(0));
    Ok(match kind {
        // A time keeps the offset it had; only a named zone asks the clock.
        TemporalKind::Time => match zone {
            Zone::Offset(offset) => Temporal::Time { nanos, offset },
            named => Temporal::Time { nanos, offset: offset_now(named, now) },
        },
        _ => assemble(kind, days, nanos, zone, value.offset(), now),
    })
}
