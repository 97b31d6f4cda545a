//! The proleptic Gregorian calendar over day counts since 1970-01-01, computed by `jiff`.
//!
//! openCypher dates reach from year -999,999,999 to +999,999,999; `jiff` covers -9999 to
//! 9999. The Gregorian calendar repeats every 400 years (146,097 days, a whole number of
//! weeks), so a date outside `jiff`'s range is moved by whole cycles into it, asked there
//! and moved back: every answer (month lengths, weekdays, ISO weeks, ordinal days, month
//! arithmetic) is still the library's. Does not know times of day or time zones.

use jiff::SignedDuration;
use jiff::Span;
use jiff::civil::{Date, ISOWeekDate, Weekday};

/// Years openCypher allows.
pub(super) const YEAR_RANGE: std::ops::RangeInclusive<i64> = -999_999_999..=999_999_999;
/// Days in one 400-year cycle of the Gregorian calendar.
pub(super) const CYCLE_DAYS: i64 = 146_097;
const CYCLE_YEARS: i64 = 400;
/// Days from 1970-01-01 to 2000-01-01, where the cycle the library is asked in starts.
const DAYS_TO_2000: i64 = 10_957;
const SECONDS_PER_DAY: i64 = 86_400;

fn epoch() -> Date {
    Date::constant(1970, 1, 1)
}

/// A date inside the library's range and the whole cycles it was moved by.
fn fold_days(days: i64) -> (Date, i64) {
    let cycles = (days - DAYS_TO_2000).div_euclid(CYCLE_DAYS);
    let inside = days - cycles * CYCLE_DAYS;
    let date = epoch()
        .checked_add(SignedDuration::from_secs(inside * SECONDS_PER_DAY))
        .expect("a day of 2000..2400 is inside the calendar's range");
    (date, cycles)
}

fn unfold(date: Date, cycles: i64) -> i64 {
    date.duration_since(epoch()).as_secs() / SECONDS_PER_DAY + cycles * CYCLE_DAYS
}

/// A year moved into 2000..2400, and the cycles it was moved by.
fn fold_year(year: i64) -> (i16, i64) {
    let cycles = (year - 2000).div_euclid(CYCLE_YEARS);
    ((year - cycles * CYCLE_YEARS) as i16, cycles)
}

fn check_year(year: i64) -> Result<(), String> {
    if YEAR_RANGE.contains(&year) {
        Ok(())
    } else {
        Err(format!("year {year} is out of range (±999,999,999)"))
    }
}

fn small(value: i64, what: &str) -> Result<i8, String> {
    i8::try_from(value).map_err(|_| format!("{what} {value} is out of range"))
}

/// Day count of a calendar date, or why the date does not exist.
pub(super) fn days_from_civil(year: i64, month: i64, day: i64) -> Result<i64, String> {
    check_year(year)?;
    let (inside, cycles) = fold_year(year);
    let date = Date::new(inside, small(month, "month")?, small(day, "day")?).map_err(|_| {
        if (1..=12).contains(&month) {
            format!("day {day} does not exist in {year}-{month:02}")
        } else {
            format!("month {month} is not between 1 and 12")
        }
    })?;
    Ok(unfold(date, cycles))
}

/// (year, month, day) of a day count.
pub(super) fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let (date, cycles) = fold_days(days);
    (i64::from(date.year()) + cycles * CYCLE_YEARS, i64::from(date.month()), i64::from(date.day()))
}

/// ISO day of the week: 1 for Monday to 7 for Sunday.
pub(super) fn weekday(days: i64) -> i64 {
    i64::from(fold_days(days).0.weekday().to_monday_one_offset())
}

/// Day of the year, 1 for 1 January.
pub(super) fn day_of_year(days: i64) -> i64 {
    i64::from(fold_days(days).0.day_of_year())
}

/// Days in the given month.
pub(super) fn days_in_month(year: i64, month: i64) -> Result<i64, String> {
    days_from_civil(year, month, 1).map(|first| i64::from(fold_days(first).0.days_in_month()))
}

/// ISO week date of a day count: (week-based year, week, weekday).
pub(super) fn iso_week(days: i64) -> (i64, i64, i64) {
    let (date, cycles) = fold_days(days);
    let week_date = date.iso_week_date();
    (
        i64::from(week_date.year()) + cycles * CYCLE_YEARS,
        i64::from(week_date.week()),
        i64::from(week_date.weekday().to_monday_one_offset()),
    )
}

/// Day count of an ISO week date.
pub(super) fn days_from_iso_week(week_year: i64, week: i64, weekday: i64) -> Result<i64, String> {
    check_year(week_year)?;
    let (inside, cycles) = fold_year(week_year);
    let weekday = Weekday::from_monday_one_offset(small(weekday, "day of week")?)
        .map_err(|_| format!("day of week {weekday} is not between 1 and 7"))?;
    let week_date = ISOWeekDate::new(inside, small(week, "week")?, weekday)
        .map_err(|_| format!("week {week} does not exist in week-based year {week_year}"))?;
    Ok(unfold(week_date.date(), cycles))
}

/// Day count of the `ordinal`-th day of `year`.
pub(super) fn days_from_ordinal(year: i64, ordinal: i64) -> Result<i64, String> {
    let first = days_from_civil(year, 1, 1)?;
    let (date, cycles) = fold_days(first);
    let ordinal16 =
        i16::try_from(ordinal).map_err(|_| format!("ordinal day {ordinal} is out of range"))?;
    let date = date
        .with()
        .day_of_year(ordinal16)
        .build()
        .map_err(|_| format!("ordinal day {ordinal} does not exist in {year}"))?;
    Ok(unfold(date, cycles))
}

/// Adds calendar months, keeping the day of the month where it exists and taking the
/// month's last day where it does not (31 January + 1 month = 28 or 29 February).
pub(super) fn add_months(days: i64, months: i64) -> Result<i64, String> {
    let (date, cycles) = fold_days(days);
    // Whole cycles are 4,800 months; the rest stays below 400 years, inside the range.
    let whole = months.div_euclid(CYCLE_YEARS * 12);
    let rest = months.rem_euclid(CYCLE_YEARS * 12);
    let moved = date
        .checked_add(Span::new().months(rest))
        .map_err(|error| format!("cannot add {months} months: {error}"))?;
    let result = unfold(moved, cycles + whole);
    check_year(civil_from_days(result).0)?;
    Ok(result)
}

/// Adds days, checking the result stays within openCypher's years.
pub(super) fn add_days(days: i64, count: i64) -> Result<i64, String> {
    let result = days.checked_add(count).ok_or("the date is out of range")?;
    check_year(civil_from_days(result).0)?;
    Ok(result)
}

/// Whole months from one date to another, as `java.time` counts them: towards zero, and
/// a month only once its day of the month is reached.
pub(super) fn months_between(from: i64, to: i64) -> i64 {
    let (from_year, from_month, from_day) = civil_from_days(from);
    let (to_year, to_month, to_day) = civil_from_days(to);
    let packed = |year: i64, month: i64, day: i64| (year * 12 + month - 1) * 32 + day;
    (packed(to_year, to_month, to_day) - packed(from_year, from_month, from_day)) / 32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_inside_and_outside_the_library_range() {
        for (year, month, day) in [
            (1970, 1, 1),
            (2000, 2, 29),
            (1, 1, 1),
            (9999, 12, 31),
            (-44, 3, 15),
            (1900, 3, 1),
            (-999_999_999, 1, 1),
            (999_999_999, 12, 31),
            (123_456, 2, 29),
        ] {
            let days = days_from_civil(year, month, day).unwrap();
            assert_eq!(civil_from_days(days), (year, month, day));
        }
        assert_eq!(days_from_civil(1970, 1, 1), Ok(0));
        assert_eq!(days_from_civil(2000, 3, 1).unwrap() - days_from_civil(2000, 2, 28).unwrap(), 2);
        assert!(days_from_civil(2010, 2, 30).is_err());
        assert!(days_from_civil(1_000_000_000, 1, 1).is_err());
    }

    #[test]
    fn weeks_and_ordinals() {
        let day = days_from_civil(1984, 10, 11).unwrap();
        assert_eq!(iso_week(day), (1984, 41, 4));
        assert_eq!(day_of_year(day), 285);
        let new_year = days_from_civil(1984, 1, 1).unwrap();
        assert_eq!(iso_week(new_year), (1983, 52, 7));
        assert_eq!(days_from_iso_week(1817, 1, 1), days_from_civil(1816, 12, 30));
        assert_eq!(days_from_ordinal(1984, 202), days_from_civil(1984, 7, 20));
        // Weekdays repeat with the 400-year cycle.
        assert_eq!(weekday(day), weekday(day + 1000 * CYCLE_DAYS));
    }

    #[test]
    fn month_arithmetic_clamps_to_the_month_end() {
        let january_end = days_from_civil(2015, 1, 31).unwrap();
        assert_eq!(civil_from_days(add_months(january_end, 1).unwrap()), (2015, 2, 28));
        let far = add_months(january_end, 12 * 1_000_000 + 1).unwrap();
        assert_eq!(civil_from_days(far), (1_002_015, 2, 28));
        assert_eq!(
            months_between(
                days_from_civil(2018, 3, 11).unwrap(),
                days_from_civil(2016, 6, 24).unwrap()
            ),
            -20
        );
    }
}
