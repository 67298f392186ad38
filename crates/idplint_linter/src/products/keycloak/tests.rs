//! Extraction tests live here once the parsers land.
