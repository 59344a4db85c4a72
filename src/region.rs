//! Mimecast's regional base URLs, so callers can say `eu` instead of a URL.

/// API 1.0 hosts, by the region names Mimecast's documentation uses.
const API1_REGIONS: &[(&str, &str)] = &[
    ("eu", "https://eu-api.mimecast.com"),
    ("de", "https://de-api.mimecast.com"),
    ("us", "https://us-api.mimecast.com"),
    ("usb", "https://usb-api.mimecast.com"),
    ("uspcom", "https://uspcom-api.mimecast-pscom-us.com"),
    ("ca", "https://ca-api.mimecast.com"),
    ("za", "https://za-api.mimecast.com"),
    ("au", "https://au-api.mimecast.com"),
    ("offshore", "https://je-api.mimecast.com"),
];

/// API 2.0 hosts. `global` fails over between regions and is the default.
const API2_REGIONS: &[(&str, &str)] = &[
    ("global", "https://api.services.mimecast.com"),
    ("uk", "https://uk-api.services.mimecast.com"),
    ("us", "https://us-api.services.mimecast.com"),
];

/// The default API 2.0 base URL.
pub const API2_DEFAULT_BASE_URL: &str = "https://api.services.mimecast.com";

fn lookup(table: &[(&str, &'static str)], name: &str) -> Option<&'static str> {
    let name = name.trim();
    table
        .iter()
        .find(|(region, _)| region.eq_ignore_ascii_case(name))
        .map(|(_, url)| *url)
}

fn names(table: &[(&str, &str)]) -> String {
    table.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
}

/// The API 1.0 base URL of a region (`eu`, `de`, `us`, ...), case-insensitive.
pub fn api1_base_url(region: &str) -> Option<&'static str> {
    lookup(API1_REGIONS, region)
}

/// The API 2.0 base URL of a region (`global`, `uk`, `us`).
pub fn api2_base_url(region: &str) -> Option<&'static str> {
    lookup(API2_REGIONS, region)
}

/// How an unknown region is named in an error: quoted when it looks like a
/// region name, otherwise not at all (a swapped argument could be a key).
pub(crate) fn shown(input: &str) -> String {
    if input.len() <= 12
        && input
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        format!("'{input}'")
    } else {
        "the base URL".to_owned()
    }
}

/// Comma-separated API 1.0 region names, for error messages.
pub fn api1_region_names() -> String {
    names(API1_REGIONS)
}

/// Comma-separated API 2.0 region names, for error messages.
pub fn api2_region_names() -> String {
    names(API2_REGIONS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_api1_region_resolves() {
        let expected = [
            ("eu", "https://eu-api.mimecast.com"),
            ("de", "https://de-api.mimecast.com"),
            ("us", "https://us-api.mimecast.com"),
            ("usb", "https://usb-api.mimecast.com"),
            ("uspcom", "https://uspcom-api.mimecast-pscom-us.com"),
            ("ca", "https://ca-api.mimecast.com"),
            ("za", "https://za-api.mimecast.com"),
            ("au", "https://au-api.mimecast.com"),
            ("offshore", "https://je-api.mimecast.com"),
        ];
        for (name, url) in expected {
            assert_eq!(api1_base_url(name), Some(url), "{name}");
        }
    }

    #[test]
    fn region_names_are_case_insensitive_and_trimmed() {
        assert_eq!(api1_base_url(" EU "), Some("https://eu-api.mimecast.com"));
        assert_eq!(
            api2_base_url("UK"),
            Some("https://uk-api.services.mimecast.com")
        );
    }

    #[test]
    fn unknown_regions_are_none() {
        assert_eq!(api1_base_url("mars"), None);
        assert_eq!(api1_base_url(""), None);
        assert_eq!(api2_base_url("eu"), None);
        assert!(api1_region_names().contains("offshore"));
    }
}
