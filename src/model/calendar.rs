//! Civil dates (proleptic Gregorian), enough for a simulation calendar: days since an epoch,
//! weekday, month and year. Algorithms from H. Hinnant, "chrono-Compatible Low-Level Date
//! Algorithms".

use std::fmt;
use std::str::FromStr;

/// A calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Year, e.g. 2025.
    pub year: i32,
    /// Month 1..=12.
    pub month: u32,
    /// Day of month 1..=31.
    pub day: u32,
}

impl Date {
    /// A checked date.
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month, day })
    }

    /// Days since 1970-01-01.
    pub fn days_since_epoch(self) -> i64 {
        let y = self.year as i64 - if self.month <= 2 { 1 } else { 0 };
        let era = if y >= 0 { y } else { y - 399 } / 400;
        let yoe = y - era * 400;
        let m = self.month as i64;
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + self.day as i64 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` after 1970-01-01.
    pub fn from_days_since_epoch(days: i64) -> Date {
        let z = days + 719_468;
        let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let y = yoe + era * 400;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        Date {
            year: (y + if m <= 2 { 1 } else { 0 }) as i32,
            month: m,
            day: d,
        }
    }

    /// The date `n` days later.
    pub fn plus_days(self, n: i64) -> Date {
        Date::from_days_since_epoch(self.days_since_epoch() + n)
    }

    /// Days from `self` to `other` (negative if `other` is earlier).
    pub fn days_until(self, other: Date) -> i64 {
        other.days_since_epoch() - self.days_since_epoch()
    }

    /// Weekday, 0 = Monday … 6 = Sunday.
    pub fn weekday(self) -> usize {
        // 1970-01-01 was a Thursday (3).
        (self.days_since_epoch() + 3).rem_euclid(7) as usize
    }
}

/// Days in a month of a year.
pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl FromStr for Date {
    type Err = String;
    fn from_str(s: &str) -> Result<Date, String> {
        let bad = || format!("`{s}` is not a date: write it as YYYY-MM-DD, e.g. 2021-12-11");
        let mut it = s.trim().splitn(3, '-');
        let y: i32 = it.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
        let m: u32 = it.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
        let d: u32 = it.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
        if !(1..=12).contains(&m) {
            return Err(format!(
                "`{s}`: there is no month {m}; write the date as YYYY-MM-DD with the month 01–12"
            ));
        }
        Date::new(y, m, d).ok_or_else(|| {
            format!(
                "`{s}`: the format is right, but month {m:02} of {y} has {} days, so day {d} does not exist",
                days_in_month(y, m)
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_impossible_day_is_named_as_such() {
        let e = "2025-02-30".parse::<Date>().unwrap_err();
        assert!(
            e.contains("format is right") && e.contains("has 28 days, so day 30 does not exist"),
            "{e}"
        );
        let e = "2024-02-30".parse::<Date>().unwrap_err();
        assert!(e.contains("has 29 days"), "{e}");
        let e = "2025-13-01".parse::<Date>().unwrap_err();
        assert!(e.contains("no month 13"), "{e}");
        let e = "2025/02/01".parse::<Date>().unwrap_err();
        assert!(e.contains("write it as YYYY-MM-DD"), "{e}");
        assert!("2024-02-29".parse::<Date>().is_ok());
    }

    #[test]
    fn round_trips_and_weekdays() {
        let d: Date = "2021-01-01".parse().unwrap();
        assert_eq!(d.weekday(), 4, "1 Jan 2021 was a Friday");
        assert_eq!(d.days_until("2025-12-31".parse().unwrap()), 1825);
        for n in -1000..3000 {
            let x = d.plus_days(n);
            assert_eq!(Date::from_days_since_epoch(x.days_since_epoch()), x);
        }
        assert_eq!(
            "2024-02-29"
                .parse::<Date>()
                .unwrap()
                .plus_days(1)
                .to_string(),
            "2024-03-01"
        );
        assert!("2023-02-29".parse::<Date>().is_err());
        assert!("2023-13-01".parse::<Date>().is_err());
        assert!("yesterday".parse::<Date>().is_err());
    }
}
