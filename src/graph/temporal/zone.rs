//! Time zones: fixed UTC offsets and named IANA zones with their daylight-saving rules.
//!
//! Named zones come from the IANA database compiled into the binary by `jiff` (so a
//! machine without `/usr/share/zoneinfo` answers alike), and every offset is the
//! library's answer. A zone is kept in a value as a small `ZoneId`, an index into the
//! sorted list of the database's names, so temporal values stay `Copy` and small.
//! Local times that a transition skips move forward by the gap, and local times that
//! occur twice take the earlier offset unless the value already had the other one, as
//! `java.time` (and so Neo4j) does. Does not know calendars beyond asking `calendar`.

use std::num::NonZeroU16;
use std::sync::OnceLock;

use jiff::civil::{DateTime, Time};
use jiff::tz::{AmbiguousOffset, TimeZone};
use jiff::{SignedDuration, Timestamp};

use super::calendar::CYCLE_DAYS;

const SECONDS_PER_DAY: i64 = 86_400;
const NANOS_PER_SECOND: i64 = 1_000_000_000;
/// Largest offset openCypher allows, in seconds (18 hours).
const MAX_OFFSET: i32 = 18 * 3600;
/// Days from 1970 beyond which a value is moved by whole 400-year cycles before a zone is
/// asked (about 7,000 years either way, well inside the library's years -9999..=9999).
const SAFE_DAYS: i64 = 7_000 * 365;

/// A named time zone: an index into the database's sorted names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ZoneId(NonZeroU16);

/// What a `timezone` argument names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Zone {
    /// Seconds east of UTC.
    Offset(i32),
    Named(ZoneId),
}

struct Zones {
    names: Vec<String>,
    loaded: Vec<OnceLock<TimeZone>>,
}

fn zones() -> &'static Zones {
    static ZONES: OnceLock<Zones> = OnceLock::new();
    ZONES.get_or_init(|| {
        let mut names: Vec<String> =
            jiff::tz::db().available().map(|name| name.as_str().to_owned()).collect();
        names.sort();
        names.dedup();
        let loaded = names.iter().map(|_| OnceLock::new()).collect();
        Zones { names, loaded }
    })
}

impl ZoneId {
    /// The zone called `name` (`Europe/Stockholm`), any letter case.
    pub fn named(name: &str) -> Result<ZoneId, String> {
        let unknown = || format!("`{name}` is not a known time zone");
        let zone = TimeZone::get(name).map_err(|_| unknown())?;
        let canonical = zone.iana_name().unwrap_or(name);
        let table = zones();
        let index = table
            .names
            .binary_search_by(|probe| probe.as_str().cmp(canonical))
            .or_else(|_| table.names.binary_search_by(|probe| probe.as_str().cmp(name)))
            .map_err(|_| unknown())?;
        let _ = table.loaded[index].set(zone);
        let id = u16::try_from(index + 1).ok().and_then(NonZeroU16::new).ok_or_else(unknown)?;
        Ok(ZoneId(id))
    }

    fn index(self) -> usize {
        usize::from(self.0.get()) - 1
    }

    pub fn name(self) -> &'static str {
        &zones().names[self.index()]
    }

    fn time_zone(self) -> &'static TimeZone {
        let table = zones();
        table.loaded[self.index()]
            .get_or_init(|| TimeZone::get(&table.names[self.index()]).unwrap_or(TimeZone::UTC))
    }

    /// The offset in seconds at an instant (seconds since 1970-01-01T00:00Z).
    pub fn offset_at(self, epoch_seconds: i64) -> i32 {
        let shift = cycles_to_fold(epoch_seconds.div_euclid(SECONDS_PER_DAY));
        let inside = epoch_seconds - shift * CYCLE_DAYS * SECONDS_PER_DAY;
        let timestamp = Timestamp::from_second(inside).unwrap_or(Timestamp::UNIX_EPOCH);
        self.time_zone().to_offset(timestamp).seconds()
    }

    /// The offset of a local date-time (days since 1970-01-01, nanoseconds since
    /// midnight), and the local date-time itself, moved forward when a transition
    /// skipped it. `preferred` decides between two offsets of a repeated local time.
    pub fn resolve_local(self, days: i64, nanos: i64, preferred: Option<i32>) -> (i64, i64, i32) {
        let shift = cycles_to_fold(days);
        let inside_days = days - shift * CYCLE_DAYS;
        let date = jiff::civil::Date::constant(1970, 1, 1)
            .checked_add(SignedDuration::from_secs(inside_days * SECONDS_PER_DAY))
            .unwrap_or(jiff::civil::Date::constant(1970, 1, 1));
        let time = Time::midnight()
            .checked_add(SignedDuration::from_nanos(nanos))
            .unwrap_or(Time::midnight());
        let local = DateTime::from_parts(date, time);
        match self.time_zone().to_ambiguous_timestamp(local).offset() {
            AmbiguousOffset::Unambiguous { offset } => (days, nanos, offset.seconds()),
            AmbiguousOffset::Fold { before, after } => {
                let chosen = match preferred {
                    Some(offset) if offset == after.seconds() => after,
                    _ => before,
                };
                (days, nanos, chosen.seconds())
            }
            AmbiguousOffset::Gap { before, after } => {
                // The skipped local time is read with the offset before the gap, which
                // lands the same distance past the gap's end.
                let gap = i64::from(after.seconds() - before.seconds()) * NANOS_PER_SECOND;
                let total = nanos + gap;
                let day = 86_400 * NANOS_PER_SECOND;
                (days + total.div_euclid(day), total.rem_euclid(day), after.seconds())
            }
        }
    }
}

/// Whole 400-year cycles to move a day count by so the library can answer for it.
fn cycles_to_fold(days: i64) -> i64 {
    if days.abs() <= SAFE_DAYS {
        0
    } else if days > 0 {
        (days - SAFE_DAYS).div_euclid(CYCLE_DAYS) + 1
    } else {
        -((-days - SAFE_DAYS).div_euclid(CYCLE_DAYS) + 1)
    }
}

impl Zone {
    /// `Z`, an offset (`+01:00`, `-0530`, `+01`, `+02:05:59`) or a zone name.
    pub fn parse(text: &str) -> Result<Zone, String> {
        if text.starts_with(['+', '-']) || text == "Z" || text == "z" {
            parse_offset(text).map(Zone::Offset)
        } else {
            ZoneId::named(text).map(Zone::Named)
        }
    }

    /// The offset this zone has at an instant.
    pub fn offset_at(self, epoch_seconds: i64) -> i32 {
        match self {
            Zone::Offset(offset) => offset,
            Zone::Named(zone) => zone.offset_at(epoch_seconds),
        }
    }

    pub fn id(self) -> Option<ZoneId> {
        match self {
            Zone::Offset(_) => None,
            Zone::Named(zone) => Some(zone),
        }
    }
}

/// Parses `Z`, `+01:00`, `-0530`, `+01` or `+02:05:59` into seconds east of UTC.
pub(super) fn parse_offset(zone: &str) -> Result<i32, String> {
    if zone == "Z" || zone == "z" {
        return Ok(0);
    }
    let bad = || format!("`{zone}` is not a UTC offset like +01:00");
    let (sign, rest) = match zone.as_bytes().first() {
        Some(b'+') => (1, &zone[1..]),
        Some(b'-') => (-1, &zone[1..]),
        _ => return Err(bad()),
    };
    let digits: String = rest.chars().filter(|c| *c != ':').collect();
    let colons = rest.matches(':').count();
    if !matches!(digits.len(), 2 | 4 | 6)
        || !digits.chars().all(|c| c.is_ascii_digit())
        || (colons > 0 && colons != digits.len() / 2 - 1)
    {
        return Err(bad());
    }
    let part =
        |at: usize| -> i32 { digits.get(at..at + 2).map_or(0, |two| two.parse().unwrap_or(0)) };
    let (hours, minutes, seconds) = (part(0), part(2), part(4));
    if minutes > 59 || seconds > 59 {
        return Err(bad());
    }
    let offset = sign * (hours * 3600 + minutes * 60 + seconds);
    if offset.abs() > MAX_OFFSET {
        return Err(format!("offset `{zone}` is beyond ±18:00"));
    }
    Ok(offset)
}

/// `Z` for UTC, otherwise `+01:00`, with seconds when it has them (`+00:53:28`).
pub(super) fn offset_text(offset: i32) -> String {
    if offset == 0 {
        return "Z".to_owned();
    }
    let sign = if offset < 0 { '-' } else { '+' };
    let seconds = offset.abs();
    let mut text = format!("{sign}{:02}:{:02}", seconds / 3600, seconds % 3600 / 60);
    if seconds % 60 != 0 {
        text.push_str(&format!(":{:02}", seconds % 60));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::temporal::calendar::days_from_civil;

    #[test]
    fn offsets_parse_and_print() {
        assert_eq!(parse_offset("+01:00"), Ok(3600));
        assert_eq!(parse_offset("-0530"), Ok(-(5 * 3600 + 30 * 60)));
        assert_eq!(parse_offset("+01"), Ok(3600));
        assert_eq!(parse_offset("-02:05:07"), Ok(-(2 * 3600 + 5 * 60 + 7)));
        assert!(parse_offset("+19:00").is_err());
        assert_eq!(offset_text(3600), "+01:00");
        assert_eq!(offset_text(53 * 60 + 28), "+00:53:28");
        assert_eq!(offset_text(0), "Z");
    }

    #[test]
    fn stockholm_follows_daylight_saving() {
        let zone = ZoneId::named("Europe/Stockholm").unwrap();
        assert_eq!(zone.name(), "Europe/Stockholm");
        let summer = days_from_civil(1984, 7, 20).unwrap();
        assert_eq!(zone.resolve_local(summer, 0, None).2, 7200);
        let winter = days_from_civil(1984, 10, 11).unwrap();
        assert_eq!(zone.resolve_local(winter, 0, None).2, 3600);
        // 2017-03-26 02:30 does not exist in Stockholm: it is read as 03:30+02:00.
        let spring = days_from_civil(2017, 3, 26).unwrap();
        let half_past_two = (2 * 3600 + 30 * 60) * NANOS_PER_SECOND;
        let (day, nanos, offset) = zone.resolve_local(spring, half_past_two, None);
        assert_eq!((day, nanos / NANOS_PER_SECOND, offset), (spring, 3 * 3600 + 1800, 7200));
        // Far years still get an answer.
        let far = days_from_civil(123_456, 7, 1).unwrap();
        assert_eq!(zone.resolve_local(far, 0, None).2, 7200);
    }
}
