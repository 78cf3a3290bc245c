//! Any bytes → the agent↔relay decoders (both directions, single frames and long-polling
//! batches): never a panic; what is accepted re-encodes to an equal frame, respects the size
//! limits, and carries only safe idempotency keys.
#![no_main]

use libfuzzer_sys::fuzz_target;
use onshi::cloud::protocol::{
    AgentFrame, Limits, RelayFrame, decode_agent_frame, decode_exchange_request,
    decode_exchange_response, decode_relay_frame, encode, valid_key,
};

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_frame_bytes: 64 * 1024,
        max_batch: 16,
    };
    if let Ok(f) = decode_agent_frame(data, &limits) {
        assert!(data.len() <= limits.max_frame_bytes);
        if let AgentFrame::Face { key, payload, .. } = &f {
            assert!(valid_key(key) && payload.file_name == *key);
        }
        let again = encode(&f);
        let big = Limits {
            max_frame_bytes: usize::MAX,
            ..limits
        };
        assert_eq!(decode_agent_frame(again.as_bytes(), &big).unwrap(), f);
    }
    if let Ok(f) = decode_relay_frame(data, &limits) {
        if let RelayFrame::Ack { keys } = &f {
            assert!(keys.iter().all(|k| valid_key(k)));
        }
        let big = Limits {
            max_frame_bytes: usize::MAX,
            ..limits
        };
        assert_eq!(decode_relay_frame(encode(&f).as_bytes(), &big).unwrap(), f);
    }
    if let Ok(r) = decode_exchange_request(data, &limits) {
        assert!(r.frames.len() <= limits.max_batch);
    }
    if let Ok(r) = decode_exchange_response(data, &limits) {
        assert!(r.frames.len() <= limits.max_batch);
    }
});
