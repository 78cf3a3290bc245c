//! (Being built; see the issue tracker.)
