//! Any bytes found in req/, res/ or face/, or given as an emulator dataset: the completeness
//! check, the emulator's scrambler and the dataset reader never panic; a scrambled document
//! keeps its root and stays complete.
#![no_main]

use libfuzzer_sys::fuzz_target;
use onshi::terminal::Dataset;
use onshi::terminal::atomic::looks_complete;
use onshi::terminal::emulator::scramble;

fuzz_target!(|data: &[u8]| {
    let complete = looks_complete(data);
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let out = scramble(text, data.len() as u64);
    if complete && out != text {
        assert!(
            looks_complete(out.as_bytes()),
            "scrambling broke a complete document"
        );
    }
    let _ = Dataset::from_json(text);
});
