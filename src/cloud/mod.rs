//! What `onshi agent` (the clinic-side link program) and `onshi relay` (the cloud end) say to
//! each other: the versioned, size-limited wire protocol of [`protocol`].
//!
//! This module has no runtime dependency (no tokio): the agent and the relay are behind the
//! `agent` and `relay` features; this part is behind `cloud-protocol`, which both enable, so
//! the decoder can be fuzzed and reused on its own. The protocol is described for people in
//! `docs/agent-relay.md`.

pub mod protocol;

#[cfg(any(feature = "agent", feature = "relay"))]
pub mod tls;
