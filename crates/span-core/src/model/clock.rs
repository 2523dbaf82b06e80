//! Timestamps from clock readings that cannot be trusted: the ISO 8601 form
//! the app writes (`2026-11-22T10:00:00.000Z`, as JavaScript's
//! `Date.prototype.toISOString`), made without JavaScript's `Date`, which
//! throws on a reading that is not a time, and a [`Clock`] that turns
//! readings into stamps that are always well-formed and, where asked,
//! always later than the last.
//!
//! It does not read the clock: `browser::stamp` does, and passes the
//! reading in, so that everything here is tested natively with readings a
//! real clock gives only on a bad day (NaN, infinite, far out of range,
//! frozen, going backwards).

/// The largest time value JavaScript's `Date` holds, in milliseconds from
/// 1970 either way: readings beyond are not a time.
pub const MAX_TIME_MS: f64 = 8.64e15;

/// The stamp of the Unix epoch, what a clock that has never given a time
/// stamps.
pub const EPOCH: &str = "1970-01-01T00:00:00.000Z";

const MS_PER_DAY: i64 = 86_400_000;

/// `reading` (milliseconds since 1970-01-01T00:00:00Z) as JavaScript's
/// `toISOString` writes it, or `None` where JavaScript throws: a reading
/// that is NaN, infinite or beyond [`MAX_TIME_MS`]. Fractions of a
/// millisecond are cut off, as a JavaScript time value has none. The clock
/// writes its stamps through [`format_iso_8601`]; this is how tests hold them to
/// JavaScript's.
#[cfg(test)]
fn iso_8601(reading: f64) -> Option<String> {
    time_value(reading).map(format_iso_8601)
}

/// The time value of `reading`, if it is one: whole milliseconds, within
/// [`MAX_TIME_MS`].
fn time_value(reading: f64) -> Option<i64> {
    // `as` saturates, and the range check has ruled out NaN and infinity.
    (reading.abs() <= MAX_TIME_MS).then(|| reading.trunc() as i64)
}

/// `ms` (milliseconds since 1970) as `toISOString` writes it, the inverse
/// of [`parse_iso_8601`]: years 0 to 9999 in four digits, others
/// signed in six, as ISO 8601's expanded years.
pub fn format_iso_8601(ms: i64) -> String {
    let (days, in_day) = (ms.div_euclid(MS_PER_DAY), ms.rem_euclid(MS_PER_DAY));
    let (year, month, day) = civil_from_days(days);
    let year = if (0..=9999).contains(&year) {
        format!("{year:04}")
    } else {
        format!("{}{:06}", if year < 0 { '-' } else { '+' }, year.abs())
    };
    format!(
        "{year}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        in_day / 3_600_000,
        in_day / 60_000 % 60,
        in_day / 1000 % 60,
        in_day % 1000
    )
}

/// The milliseconds since 1970 of a stamp in the form `toISOString` writes,
/// or `None` if `stamp` is not exactly such a stamp.
pub fn parse_iso_8601(stamp: &str) -> Option<i64> {
    let (year, rest) = match stamp.as_bytes().first()? {
        b'+' | b'-' => stamp.split_at_checked(7)?,
        _ => stamp.split_at_checked(4)?,
    };
    let year: i64 = year.parse().ok()?;
    let number = |at: usize, len: usize| -> Option<i64> {
        let digits = rest.get(at..at + len)?;
        digits
            .bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| digits.parse().ok())?
    };
    let (month, day) = (number(1, 2)?, number(4, 2)?);
    let (hours, minutes, seconds, ms) = (
        number(7, 2)?,
        number(10, 2)?,
        number(13, 2)?,
        number(16, 3)?,
    );
    if !(1..=12).contains(&month) {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let time = days
        .checked_mul(MS_PER_DAY)?
        .checked_add(((hours * 60 + minutes) * 60 + seconds) * 1000 + ms)?;
    // Writing it back must give the same stamp: this refuses day 31 of
    // June, hour 24, a stray character and every other near miss at once.
    (format_iso_8601(time) == stamp).then_some(time)
}

/// The proleptic Gregorian date of the day `days` after 1970-01-01 (Howard
/// Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// The inverse of [`civil_from_days`] (Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = year - i64::from(month <= 2);
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let shifted_month = if month > 2 { month - 3 } else { month + 9 };
    let day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// Turns clock readings into stamps, whatever the clock does.
///
/// - [`Clock::stamp`] is the time read, or where the reading is not a time
///   (NaN, infinite, out of range), the last good time read, or before any
///   the epoch ([`EPOCH`]): a stamp is always well-formed, and a bad
///   reading never stops the app.
/// - [`Clock::unique_stamp`] is, besides, later than every unique stamp
///   given before, by this clock or [witnessed](Clock::witness): where the
///   clock is frozen or goes backwards, it is one millisecond after the
///   last. Where two stamps must not be equal (two backups of one key), this
///   is the one to use.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Clock {
    last_good: Option<i64>,
    last_unique: Option<i64>,
}

impl Clock {
    /// `reading` (milliseconds since 1970, as `Date.now()` gives them) as a
    /// stamp; see [`Clock`] for a reading that is not a time.
    pub fn stamp(&mut self, reading: f64) -> String {
        format_iso_8601(self.read(reading))
    }

    /// A stamp later than every unique stamp before; see [`Clock`].
    pub fn unique_stamp(&mut self, reading: f64) -> String {
        let now = self.read(reading);
        let unique = match self.last_unique {
            Some(last) if last >= now => last.saturating_add(1),
            _ => now,
        };
        self.last_unique = Some(unique);
        format_iso_8601(unique)
    }

    /// Takes note of a stamp already in use (say, in a key found in
    /// storage, made in an earlier session), so that unique stamps from now
    /// on come after it. A `stamp` not in the form `toISOString` writes is
    /// ignored, and `false` says so.
    pub fn witness(&mut self, stamp: &str) -> bool {
        let Some(time) = parse_iso_8601(stamp) else {
            return false;
        };
        self.last_unique = self.last_unique.max(Some(time));
        true
    }

    /// The time of `reading`, or the last good one, or the epoch.
    fn read(&mut self, reading: f64) -> i64 {
        if let Some(time) = time_value(reading) {
            self.last_good = Some(time);
        }
        self.last_good.unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Each pair checked against `new Date(ms).toISOString()` in Node 20.
    const KNOWN: [(f64, &str); 10] = [
        (0.0, "1970-01-01T00:00:00.000Z"),
        (1_795_341_600_000.0, "2026-11-22T10:00:00.000Z"),
        (951_782_400_000.0, "2000-02-29T00:00:00.000Z"),
        (1_709_251_199_999.0, "2024-02-29T23:59:59.999Z"),
        (-1.0, "1969-12-31T23:59:59.999Z"),
        (-62_167_219_200_000.0, "0000-01-01T00:00:00.000Z"),
        (-62_167_219_200_001.0, "-000001-12-31T23:59:59.999Z"),
        (253_402_300_799_999.0, "9999-12-31T23:59:59.999Z"),
        (8.64e15, "+275760-09-13T00:00:00.000Z"),
        (-8.64e15, "-271821-04-20T00:00:00.000Z"),
    ];

    #[test]
    fn stamps_are_what_javascript_writes() {
        for (ms, stamp) in KNOWN {
            assert_eq!(iso_8601(ms).as_deref(), Some(stamp), "{ms}");
            assert_eq!(parse_iso_8601(stamp), Some(ms as i64), "{stamp}");
        }
        assert_eq!(iso_8601(1.9).as_deref(), Some("1970-01-01T00:00:00.001Z"));
        assert_eq!(iso_8601(-0.5).as_deref(), Some(EPOCH), "cut toward zero");
    }

    #[test]
    fn readings_that_are_not_times_have_no_stamp() {
        for bad in [
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            8.64e15 + 1.0,
            -1e300,
        ] {
            assert_eq!(iso_8601(bad), None, "{bad}");
        }
    }

    #[test]
    fn every_day_of_four_centuries_round_trips() {
        // 1600-03-01 to 2000-02-29 and on: every leap-year rule is crossed.
        let first = days_from_civil(1600, 3, 1);
        for days in first..first + 146_097 + 400 {
            let (year, month, day) = civil_from_days(days);
            assert_eq!(days_from_civil(year, month, day), days);
            let stamp = format_iso_8601(days * MS_PER_DAY + 45_296_789);
            assert_eq!(parse_iso_8601(&stamp), Some(days * MS_PER_DAY + 45_296_789));
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
    }

    #[test]
    fn near_misses_are_not_stamps() {
        for bad in [
            "",
            "2026",
            "2026-11-22T10:00:00.000",
            "2026-11-22T10:00:00.000Z ",
            "2026-11-22 10:00:00.000Z",
            "2026-06-31T10:00:00.000Z",
            "2026-13-01T10:00:00.000Z",
            "2026-00-01T10:00:00.000Z",
            "2026-11-22T24:00:00.000Z",
            "2026-11-22T10:60:00.000Z",
            "2026-11-22T10:00:00.00Z",
            "2026-11-22T10:00:00.+00Z",
            "+2026-11-22T10:00:00.000Z",
            "+002026-11-22T10:00:00.000Z",
            "２０２６-11-22T10:00:00.000Z",
            "20é6-11-22T10:00:00.000Z",
            "-",
        ] {
            assert_eq!(parse_iso_8601(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_bad_reading_gives_the_last_good_time_or_the_epoch() {
        let mut clock = Clock::default();
        assert_eq!(clock.stamp(f64::NAN), EPOCH);
        assert_eq!(clock.stamp(1_795_341_600_000.0), "2026-11-22T10:00:00.000Z");
        for bad in [f64::NAN, f64::INFINITY, 1e300] {
            assert_eq!(clock.stamp(bad), "2026-11-22T10:00:00.000Z");
        }
        assert_eq!(
            clock.stamp(1_795_341_500_000.0),
            "2026-11-22T09:58:20.000Z",
            "a clock set back is believed: only unique stamps must grow"
        );
    }

    #[test]
    fn unique_stamps_grow_however_the_clock_behaves() {
        let mut clock = Clock::default();
        let start = 1_795_341_600_000.0;
        let readings = [
            start,
            start,
            start,
            start - 60_000.0,
            f64::NAN,
            start + 2.0,
            start + 10.0,
            f64::NEG_INFINITY,
        ];
        let stamps: Vec<String> = readings.iter().map(|&r| clock.unique_stamp(r)).collect();
        assert_eq!(
            stamps,
            [
                "2026-11-22T10:00:00.000Z",
                "2026-11-22T10:00:00.001Z",
                "2026-11-22T10:00:00.002Z",
                "2026-11-22T10:00:00.003Z",
                "2026-11-22T10:00:00.004Z",
                "2026-11-22T10:00:00.005Z",
                "2026-11-22T10:00:00.010Z",
                "2026-11-22T10:00:00.011Z",
            ]
        );
        let mut sorted = stamps.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted, stamps, "distinct, and sorted as text too");
    }

    #[test]
    fn a_witnessed_stamp_is_never_given_again() {
        // A frozen clock in a new session: the stamp of the last session's
        // backup is found in storage and witnessed.
        let mut clock = Clock::default();
        assert!(clock.witness("2026-11-22T10:00:00.000Z"));
        assert!(!clock.witness("not a stamp"));
        assert!(clock.witness("2020-01-01T00:00:00.000Z"), "an older one");
        assert_eq!(
            clock.unique_stamp(1_795_341_600_000.0),
            "2026-11-22T10:00:00.001Z"
        );
        let mut at_the_end = Clock::default();
        at_the_end.unique_stamp(MAX_TIME_MS);
        assert_eq!(
            at_the_end.unique_stamp(MAX_TIME_MS),
            "+275760-09-13T00:00:00.001Z",
            "still later, past the last time JavaScript holds"
        );
    }
}
