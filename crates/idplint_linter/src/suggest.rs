//! "Did you mean" suggestions.

/// The candidate closest to `input` by Jaro-Winkler similarity, when it is close enough to be
/// a likely typo (not merely another word).
pub fn closest<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let input_lower = input.to_ascii_lowercase();
    let mut best: Option<(f64, &str)> = None;
    for candidate in candidates {
        let score = strsim::jaro_winkler(&input_lower, &candidate.to_ascii_lowercase());
        if best.is_none_or(|(s, _)| score > s) {
            best = Some((score, candidate));
        }
    }
    best.filter(|(score, _)| *score >= 0.82)
        .map(|(_, c)| c.to_string())
}
