//! Numbers for people: IEC sizes, rates per second, short ETAs, and the
//! reverse for rate limits typed on the command line.

/// Bytes in IEC units with one decimal: `512 B`, `1.5 KiB`, `3.0 GiB`.
pub fn size(bytes: i64) -> String {
    const UNITS: [&str; 6] = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    if bytes.abs() < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value.abs() >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// A rate: `1.2 MiB/s`.
pub fn rate(bytes_per_second: i64) -> String {
    format!("{}/s", size(bytes_per_second))
}

/// A limit: `unlimited` for 0 or none.
pub fn limit(bytes_per_second: Option<i64>) -> String {
    match bytes_per_second {
        None | Some(0) => "unlimited".into(),
        Some(bps) => rate(bps),
    }
}

/// Seconds as the two largest units: `45s`, `5m03s`, `1h02m`, `2d03h`;
/// `-` when unknown.
pub fn eta(seconds: Option<i64>) -> String {
    let Some(s) = seconds.filter(|s| *s >= 0) else {
        return "-".into();
    };
    match s {
        0..=59 => format!("{s}s"),
        60..=3_599 => format!("{}m{:02}s", s / 60, s % 60),
        3_600..=86_399 => format!("{}h{:02}m", s / 3_600, (s % 3_600) / 60),
        _ => format!("{}d{:02}h", s / 86_400, (s % 86_400) / 3_600),
    }
}

/// A fraction as a percentage: `42.0%`.
pub fn percent(fraction: f64) -> String {
    format!("{:.1}%", fraction * 100.0)
}

/// Parses a rate limit: plain bytes per second, or with a binary suffix
/// (`K`/`KiB`, `M`/`MiB`, `G`/`GiB`, case-insensitive); `0` is unlimited.
pub fn parse_rate(text: &str) -> Result<i64, String> {
    let trimmed = text.trim();
    let lower = trimmed.to_ascii_lowercase();
    let lower = lower.trim_end_matches("/s");
    let digits_end = lower
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(lower.len());
    let (number, suffix) = lower.split_at(digits_end);
    let factor: f64 = match suffix.trim() {
        "" | "b" => 1.0,
        "k" | "kib" | "kb" => 1024.0,
        "m" | "mib" | "mb" => 1024.0 * 1024.0,
        "g" | "gib" | "gb" => 1024.0 * 1024.0 * 1024.0,
        other => return Err(format!("unknown unit `{other}`; use K, M or G")),
    };
    let value: f64 = number
        .parse()
        .map_err(|_| format!("`{trimmed}` is not a rate (e.g. 500K, 2M, 1048576)"))?;
    let bytes = (value * factor).round();
    if !(0.0..=i64::MAX as f64).contains(&bytes) {
        return Err(format!("`{trimmed}` is out of range"));
    }
    Ok(bytes as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_rates_and_etas_read_well() {
        assert_eq!(size(512), "512 B");
        assert_eq!(size(1536), "1.5 KiB");
        assert_eq!(size(3 * 1024 * 1024 * 1024), "3.0 GiB");
        assert_eq!(rate(1_258_291), "1.2 MiB/s");
        assert_eq!(limit(Some(0)), "unlimited");
        assert_eq!(eta(Some(45)), "45s");
        assert_eq!(eta(Some(303)), "5m03s");
        assert_eq!(eta(Some(3_720)), "1h02m");
        assert_eq!(eta(Some(183_600)), "2d03h");
        assert_eq!(eta(None), "-");
        assert_eq!(percent(0.42), "42.0%");
    }

    #[test]
    fn rates_parse_with_binary_suffixes() {
        assert_eq!(parse_rate("1048576"), Ok(1_048_576));
        assert_eq!(parse_rate("1M"), Ok(1_048_576));
        assert_eq!(parse_rate("512KiB"), Ok(524_288));
        assert_eq!(parse_rate("1.5m/s"), Ok(1_572_864));
        assert_eq!(parse_rate("0"), Ok(0));
        assert!(parse_rate("fast").is_err());
        assert!(parse_rate("5X").is_err());
        assert!(parse_rate("-1").is_err());
    }
}
