//! Checks shared by the fix tests of several test binaries.

/// Every byte before the first edit and after the last one is as it was.
pub fn assert_untouched_outside_edits(
    text: &str,
    fixed: &str,
    edits: &[idplint_diagnostics::Edit],
) {
    let (Some(first), Some(last)) = (edits.first(), edits.last()) else {
        return;
    };
    assert_eq!(
        &fixed[..first.range.start as usize],
        &text[..first.range.start as usize]
    );
    let tail = text.len() - last.range.end as usize;
    assert_eq!(
        &fixed[fixed.len() - tail..],
        &text[last.range.end as usize..]
    );
}
