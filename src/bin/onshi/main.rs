//! The `onshi` command-line tool.

fn main() {}
