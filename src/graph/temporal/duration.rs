//! `Duration`: an amount of time in months, days, seconds and nanoseconds, kept apart
//! because a month and a day have no fixed length in seconds.
//!
//! Built from maps (`duration({days: 14, hours: 16})`) or ISO 8601 text (`P14DT16H`,
//! `PT-1.5S`, `P2012-02-02T14:37:21.545`); fractions spill into the smaller units with
//! openCypher's average month (30.436875 days) and 24-hour days. Reads its components
//! (`years`, `monthsOfYear`, `nanosecondsOfSecond`…), prints as openCypher prints it,
//! and adds, subtracts, multiplies and divides. Applying a duration to a date or time
//! lives in `arithmetic`; this file knows no calendar.

use std::collections::BTreeMap;
use std::fmt;

use crate::graph::Value;

const NANOS_PER_SECOND: i64 = 1_000_000_000;
const SECONDS_PER_DAY: f64 = 86_400.0;
/// openCypher's average month: a 400-year cycle's 146,097 days over its 4,800 months.
const AVERAGE_MONTH_SECONDS: f64 = 2_629_746.0;

/// A duration; `nanos` is always in `0..1_000_000_000` and the seconds carry the sign.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Duration {
    pub months: i64,
    pub days: i64,
    pub seconds: i64,
    pub nanos: i32,
}

fn too_large() -> String {
    "the duration is too large".to_owned()
}

impl Duration {
    /// A duration from its parts, carrying whole seconds out of `nanos`.
    pub fn new(months: i64, days: i64, seconds: i64, nanos: i64) -> Result<Duration, String> {
        let carried = nanos.div_euclid(NANOS_PER_SECOND);
        Ok(Duration {
            months,
            days,
            seconds: seconds.checked_add(carried).ok_or_else(too_large)?,
            nanos: nanos.rem_euclid(NANOS_PER_SECOND) as i32,
        })
    }

    /// A duration of seconds and nanoseconds given as one signed nanosecond count.
    pub fn from_nanos(months: i64, days: i64, nanos: i128) -> Result<Duration, String> {
        let seconds = i64::try_from(nanos.div_euclid(i128::from(NANOS_PER_SECOND)))
            .map_err(|_| too_large())?;
        Duration::new(months, days, seconds, nanos.rem_euclid(i128::from(NANOS_PER_SECOND)) as i64)
    }

    /// Seconds and nanoseconds as one nanosecond count.
    pub fn time_nanos(self) -> i128 {
        i128::from(self.seconds) * i128::from(NANOS_PER_SECOND) + i128::from(self.nanos)
    }

    /// Fractional parts: whole months, then the rest of a month as days of the average
    /// month, the rest of a day as seconds, the rest of a second as nanoseconds (cut
    /// towards zero as openCypher does, but a hair's breadth from a whole nanosecond
    /// counts as that nanosecond, so binary fractions do not lose one).
    pub fn approximate(
        months: f64,
        days: f64,
        seconds: f64,
        nanos: f64,
    ) -> Result<Duration, String> {
        let whole = |number: f64| -> Result<i64, String> {
            if number.is_finite() && number.abs() < 9.2e18 {
                Ok(number.trunc() as i64)
            } else {
                Err(too_large())
            }
        };
        let whole_months = whole(months)?;
        let days = days + (months - whole_months as f64) * AVERAGE_MONTH_SECONDS / SECONDS_PER_DAY;
        let whole_days = whole(days)?;
        let seconds = seconds + (days - whole_days as f64) * SECONDS_PER_DAY;
        let whole_seconds = whole(seconds)?;
        let nanos = nanos + (seconds - whole_seconds as f64) * NANOS_PER_SECOND as f64;
        // A float's error grows with the seconds it holds (about 0.02 ns at a day).
        let tolerance = (seconds.abs() * 1e-6).max(1e-3);
        let nearest = nanos.round();
        let nanos = if (nanos - nearest).abs() < tolerance { nearest } else { nanos.trunc() };
        Duration::new(whole_months, whole_days, whole_seconds, whole(nanos)?)
    }

    /// Builds from a map of `years`, `quarters`, `months`, `weeks`, `days`, `hours`,
    /// `minutes`, `seconds`, `milliseconds`, `microseconds`, `nanoseconds`.
    pub fn from_map(map: &BTreeMap<String, Value>) -> Result<Duration, String> {
        let mut amounts = Amounts::default();
        for (key, value) in map {
            let amount = match value {
                Value::Null => continue,
                Value::Int(number) => Amount::Int(*number),
                Value::Float(number) => Amount::Float(*number),
                other => {
                    return Err(format!(
                        "duration `{key}` must be a number, found {}",
                        other.type_name()
                    ));
                }
            };
            amounts.add(key, amount)?;
        }
        amounts.build()
    }

    /// Parses ISO 8601 duration text: `P[nY][nM][nW][nD][T[nH][nM][nS]]` with signed and
    /// fractional numbers, or the alternative `PYYYY-MM-DDThh:mm:ss.fff`, either with a
    /// leading `-` to negate the whole.
    pub fn parse(text: &str) -> Result<Duration, String> {
        let bad = || format!("`{text}` is not an ISO 8601 duration");
        let (negated, rest) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text.strip_prefix('+').unwrap_or(text)),
        };
        let body = rest.strip_prefix(['P', 'p']).ok_or_else(bad)?;
        let alternative = body.as_bytes().get(4) == Some(&b'-')
            && body.as_bytes()[..4].iter().all(u8::is_ascii_digit);
        let duration = if alternative {
            parse_alternative(body).ok_or_else(bad)?
        } else {
            parse_designators(body).ok_or_else(bad)??
        };
        if negated { duration.negate() } else { Ok(duration) }
    }

    pub fn negate(self) -> Result<Duration, String> {
        let nanos =
            -i128::from(self.nanos) - i128::from(self.seconds) * i128::from(NANOS_PER_SECOND);
        Duration::from_nanos(
            self.months.checked_neg().ok_or_else(too_large)?,
            self.days.checked_neg().ok_or_else(too_large)?,
            nanos,
        )
    }

    pub fn plus(self, other: Duration) -> Result<Duration, String> {
        Duration::from_nanos(
            self.months.checked_add(other.months).ok_or_else(too_large)?,
            self.days.checked_add(other.days).ok_or_else(too_large)?,
            self.time_nanos() + other.time_nanos(),
        )
    }

    pub fn minus(self, other: Duration) -> Result<Duration, String> {
        self.plus(other.negate()?)
    }

    /// Times an integer: exact.
    pub fn times_int(self, factor: i64) -> Result<Duration, String> {
        Duration::from_nanos(
            self.months.checked_mul(factor).ok_or_else(too_large)?,
            self.days.checked_mul(factor).ok_or_else(too_large)?,
            self.time_nanos().checked_mul(i128::from(factor)).ok_or_else(too_large)?,
        )
    }

    /// Times a float: each part scaled, fractions spilling into the smaller units.
    pub fn times_float(self, factor: f64) -> Result<Duration, String> {
        Duration::approximate(
            self.months as f64 * factor,
            self.days as f64 * factor,
            self.seconds as f64 * factor,
            f64::from(self.nanos) * factor,
        )
    }

    /// Divided by a number, like `times_float` with its inverse.
    pub fn divided(self, divisor: f64) -> Result<Duration, String> {
        if divisor == 0.0 {
            return Err("cannot divide a duration by zero".to_owned());
        }
        Duration::approximate(
            self.months as f64 / divisor,
            self.days as f64 / divisor,
            self.seconds as f64 / divisor,
            f64::from(self.nanos) / divisor,
        )
    }

    /// A component by name, as `d.hours` reads it; `None` for a name durations lack.
    pub fn component(self, key: &str) -> Option<Result<i64, String>> {
        let (months, days, seconds, nanos) =
            (self.months, self.days, self.seconds, i64::from(self.nanos));
        let scaled = |per_second: i64| {
            seconds
                .checked_mul(per_second)
                .and_then(|whole| whole.checked_add(nanos / (NANOS_PER_SECOND / per_second)))
                .ok_or_else(too_large)
        };
        Some(Ok(match key {
            "years" => months / 12,
            "quarters" => months / 3,
            "months" => months,
            "weeks" => days / 7,
            "days" => days,
            "hours" => seconds / 3600,
            "minutes" => seconds / 60,
            "seconds" => seconds,
            "milliseconds" => return Some(scaled(1_000)),
            "microseconds" => return Some(scaled(1_000_000)),
            "nanoseconds" => return Some(scaled(NANOS_PER_SECOND)),
            "quartersOfYear" => months / 3 % 4,
            "monthsOfQuarter" => months % 3,
            "monthsOfYear" => months % 12,
            "daysOfWeek" => days % 7,
            "minutesOfHour" => seconds / 60 % 60,
            "secondsOfMinute" => seconds % 60,
            "millisecondsOfSecond" => nanos / 1_000_000,
            "microsecondsOfSecond" => nanos / 1_000,
            "nanosecondsOfSecond" => nanos,
            _ => return None,
        }))
    }
}

/// A number from a map or text: integers stay exact.
#[derive(Clone, Copy)]
enum Amount {
    Int(i64),
    Float(f64),
}

/// Sums of the four parts, exact until a fraction appears.
#[derive(Default)]
struct Amounts {
    exact: [i128; 4],
    approximate: [f64; 4],
    fractional: bool,
}

impl Amounts {
    fn add(&mut self, key: &str, amount: Amount) -> Result<(), String> {
        let (part, unit): (usize, i64) = match key {
            "years" => (0, 12),
            "quarters" => (0, 3),
            "months" => (0, 1),
            "weeks" => (1, 7),
            "days" => (1, 1),
            "hours" => (2, 3600),
            "minutes" => (2, 60),
            "seconds" => (2, 1),
            "milliseconds" => (3, 1_000_000),
            "microseconds" => (3, 1_000),
            "nanoseconds" => (3, 1),
            other => return Err(format!("duration() does not take `{other}`")),
        };
        match amount {
            Amount::Int(number) => {
                self.exact[part] += i128::from(number) * i128::from(unit);
                self.approximate[part] += number as f64 * unit as f64;
            }
            Amount::Float(number) => {
                self.fractional = true;
                self.approximate[part] += number * unit as f64;
            }
        }
        Ok(())
    }

    fn build(self) -> Result<Duration, String> {
        if self.fractional {
            let [months, days, seconds, nanos] = self.approximate;
            return Duration::approximate(months, days, seconds, nanos);
        }
        let [months, days, seconds, nanos] = self.exact;
        let narrow = |number: i128| i64::try_from(number).map_err(|_| too_large());
        Duration::from_nanos(
            narrow(months)?,
            narrow(days)?,
            seconds * i128::from(NANOS_PER_SECOND) + nanos,
        )
    }
}

/// `nY nM nW nD T nH nM nS`, each optional, at least one.
fn parse_designators(body: &str) -> Option<Result<Duration, String>> {
    let (date_part, time_part) = match body.split_once(['T', 't']) {
        Some((date, time)) => (date, Some(time)),
        None => (body, None),
    };
    let mut amounts = Amounts::default();
    let mut any = false;
    let mut read = |part: &str, units: &[(char, &str)]| -> Option<()> {
        let mut rest = part;
        let mut next_unit = 0;
        while !rest.is_empty() {
            let end = rest.find(|c: char| c.is_ascii_alphabetic())?;
            let (number, tail) = rest.split_at(end);
            let designator = tail.chars().next()?.to_ascii_uppercase();
            let position = units[next_unit..].iter().position(|(unit, _)| *unit == designator)?;
            let key = units[next_unit + position].1;
            next_unit += position + 1;
            let number = number.replace(',', ".");
            if number.is_empty() || number == "-" || number == "+" {
                return None;
            }
            let amount = if number.contains('.') {
                Amount::Float(number.parse().ok()?)
            } else {
                Amount::Int(number.parse().ok()?)
            };
            amounts.add(key, amount).ok()?;
            any = true;
            rest = &tail[1..];
        }
        Some(())
    };
    read(date_part, &[('Y', "years"), ('M', "months"), ('W', "weeks"), ('D', "days")])?;
    if let Some(time) = time_part {
        if time.is_empty() {
            return None;
        }
        read(time, &[('H', "hours"), ('M', "minutes"), ('S', "seconds")])?;
    }
    any.then(|| amounts.build())
}

/// `YYYY-MM-DDThh:mm:ss.fff`: the parts of a date-time read as amounts.
fn parse_alternative(body: &str) -> Option<Duration> {
    let (date, time) = match body.split_once('T') {
        Some((date, time)) => (date, time),
        None => (body, "00:00:00"),
    };
    let numbers: Vec<i64> = date.split('-').map(|part| part.parse().ok()).collect::<Option<_>>()?;
    let [years, months, days] = numbers[..] else { return None };
    let (clock, fraction) = time.split_once('.').unwrap_or((time, ""));
    let clock: Vec<i64> = clock.split(':').map(|part| part.parse().ok()).collect::<Option<_>>()?;
    let [hours, minutes, seconds] = clock[..] else { return None };
    if fraction.len() > 9 || !fraction.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let nanos = if fraction.is_empty() { 0 } else { format!("{fraction:0<9}").parse().ok()? };
    Duration::new(years * 12 + months, days, hours * 3600 + minutes * 60 + seconds, nanos).ok()
}

/// `.123` for the nanoseconds `n` (of either sign), without trailing zeros.
fn write_fraction(f: &mut fmt::Formatter<'_>, nanos: i64) -> fmt::Result {
    let digits = format!("{:09}", nanos.abs());
    write!(f, ".{}", digits.trim_end_matches('0'))
}

impl fmt::Display for Duration {
    /// `P1Y2M3DT4H5M6.7S`, zero parts left out, `PT0S` for nothing; a negative time part
    /// carries its sign on every part (`PT-1M-0.001S`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if *self == Duration::default() {
            return f.write_str("PT0S");
        }
        f.write_str("P")?;
        for (amount, unit) in [(self.months / 12, 'Y'), (self.months % 12, 'M'), (self.days, 'D')] {
            if amount != 0 {
                write!(f, "{amount}{unit}")?;
            }
        }
        if self.seconds == 0 && self.nanos == 0 {
            return Ok(());
        }
        let (mut seconds, mut nanos) = (self.seconds, i64::from(self.nanos));
        if seconds < 0 && nanos != 0 {
            seconds += 1;
            nanos -= NANOS_PER_SECOND;
        }
        f.write_str("T")?;
        if seconds / 3600 != 0 {
            write!(f, "{}H", seconds / 3600)?;
        }
        if seconds % 3600 / 60 != 0 {
            write!(f, "{}M", seconds % 3600 / 60)?;
        }
        let rest = seconds % 60;
        if rest != 0 {
            write!(f, "{rest}")?;
            if nanos != 0 {
                write_fraction(f, nanos)?;
            }
            f.write_str("S")?;
        } else if nanos != 0 {
            f.write_str(if nanos < 0 { "-0" } else { "0" })?;
            write_fraction(f, nanos)?;
            f.write_str("S")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from_pairs(entries: &[(&str, Value)]) -> Duration {
        let map = entries.iter().map(|(key, value)| ((*key).to_owned(), value.clone())).collect();
        Duration::from_map(&map).unwrap()
    }

    #[test]
    fn prints_like_opencypher() {
        let cases: &[(&[(&str, Value)], &str)] = &[
            (
                &[("days", Value::Int(14)), ("hours", Value::Int(16)), ("minutes", Value::Int(12))],
                "P14DT16H12M",
            ),
            (&[("months", Value::Int(5)), ("days", Value::Float(1.5))], "P5M1DT12H"),
            (&[("months", Value::Float(0.75))], "P22DT19H51M49.5S"),
            (&[("weeks", Value::Float(2.5))], "P17DT12H"),
            (&[("seconds", Value::Int(-2)), ("milliseconds", Value::Int(1))], "PT-1.999S"),
            (&[("seconds", Value::Int(-60)), ("milliseconds", Value::Int(-1))], "PT-1M-0.001S"),
            (&[("days", Value::Int(1)), ("milliseconds", Value::Int(-1))], "P1DT-0.001S"),
            (&[("minutes", Value::Int(12)), ("seconds", Value::Int(-60))], "PT11M"),
        ];
        for (entries, expected) in cases {
            assert_eq!(from_pairs(entries).to_string(), *expected);
        }
        assert_eq!(Duration::default().to_string(), "PT0S");
    }

    #[test]
    fn parses_iso_text() {
        for (text, expected) in [
            ("P14DT16H12M", "P14DT16H12M"),
            ("P5M1.5D", "P5M1DT12H"),
            ("P0.75M", "P22DT19H51M49.5S"),
            ("PT0.75M", "PT45S"),
            ("P2.5W", "P17DT12H"),
            ("P12Y5M14DT16H12M70S", "P12Y5M14DT16H13M10S"),
            ("P2012-02-02T14:37:21.545", "P2012Y2M2DT14H37M21.545S"),
            ("PT-23H-59M-59.9S", "PT-23H-59M-59.9S"),
            ("-P1D", "P-1D"),
        ] {
            assert_eq!(Duration::parse(text).unwrap().to_string(), expected, "{text}");
        }
        for bad in ["P", "PT", "1D", "P1H", "PT1D", "P1M2Y"] {
            assert!(Duration::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn arithmetic_spills_fractions() {
        let base = Duration::parse("P12Y5M14DT16H13M10.000000001S").unwrap();
        assert_eq!(base.times_float(0.5).unwrap().to_string(), "P6Y2M22DT13H21M8S");
        assert_eq!(base.divided(0.5).unwrap().to_string(), "P24Y10M28DT32H26M20.000000002S");
        assert_eq!(base.minus(base).unwrap().to_string(), "PT0S");
        assert_eq!(base.component("monthsOfYear"), Some(Ok(5)));
        let negative = Duration::parse("PT-23H-59M-59.9S").unwrap();
        assert_eq!((negative.seconds, negative.nanos), (-86_400, 100_000_000));
    }
}
