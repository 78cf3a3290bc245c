//! The 個人番号 (EF 0001) and the card-face images cannot be read through any public path.
//!
//! * The command enum cannot express it (see also the `compile_fail` doctest in `card::apdu`).
//! * Raw bytes through the library's transports are refused before they reach the card, in
//!   every state the card can be in, and whatever the bytes.

use onshi::card::virtual_card::{VirtualCardConfig, VirtualMyNumberCard};
use onshi::card::{
    AllowList, ApduTransport, Application, CardError, CardSession, Command, ElementaryFile, Pin,
    SimulatedCard,
};
use proptest::prelude::*;

const SELECT_TEXT_AP: [u8; 15] = [
    0x00, 0xA4, 0x04, 0x0C, 0x0A, 0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x08,
];

/// Every way to ask a card for EF 0001 or the 券面事項確認AP that we know of.
fn forbidden() -> Vec<Vec<u8>> {
    let mut v: Vec<Vec<u8>> = vec![
        vec![0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x01], // SELECT EF 0001
        vec![0x00, 0xA4, 0x02, 0x00, 0x02, 0x00, 0x01], // … with FCI
        vec![0x00, 0xA4, 0x02, 0x04, 0x02, 0x00, 0x01], // … FCP
        vec![0x00, 0xA4, 0x00, 0x0C, 0x02, 0x00, 0x01], // SELECT by FID, P1 = 00
        vec![0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x01, 0x00], // with Le
        vec![0x00, 0xB0, 0x81, 0x00, 0x00],             // READ BINARY, SFI 1
        vec![0x00, 0xB0, 0x81, 0x00, 0x11],
        vec![0x00, 0xB0, 0x81, 0x00, 0x00, 0x00, 0x00], // extended Le, SFI 1
        vec![0x00, 0xB1, 0x00, 0x01, 0x03, 0x54, 0x01, 0x00, 0x00], // READ BINARY odd INS
        vec![0x00, 0xB2, 0x01, 0x0C, 0x00],             // READ RECORD
        vec![0x00, 0x20, 0x00, 0x81, 0x04, b'1', b'2', b'3', b'4'], // VERIFY by reference
        vec![0x00, 0x20, 0x00, 0x94],                   // PIN A status by SFI
        vec![0x80, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x01], // other CLA
        vec![0x0C, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x01], // secure messaging CLA
    ];
    // 券面事項確認AP (visual AP), full and as a prefix; the text AP as a prefix.
    let visual = [0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x02];
    let mut sel = vec![0x00, 0xA4, 0x04, 0x0C, 0x0A];
    sel.extend_from_slice(&visual);
    v.push(sel);
    let mut prefix = vec![0x00, 0xA4, 0x04, 0x0C, 0x08];
    prefix.extend_from_slice(&visual[..8]);
    v.push(prefix);
    let mut sel_fci = vec![0x00, 0xA4, 0x04, 0x00, 0x0A];
    sel_fci.extend_from_slice(&SELECT_TEXT_AP[5..]);
    v.push(sel_fci);
    v
}

#[test]
fn the_enums_cannot_name_ef_0001_or_the_visual_ap() {
    for ef in ElementaryFile::ALL {
        assert_ne!(ef.fid(), 0x0001, "{ef:?}");
    }
    for app in Application::ALL {
        assert_ne!(app.aid()[9], 0x02, "{app:?}");
        assert_eq!(app.aid().len(), 10);
    }
}

#[test]
fn raw_bytes_for_ef_0001_are_refused_in_every_state() {
    // States: nothing selected, text AP, text AP + PIN EF, + verified, + EF 0002, JPKI AP.
    let steps: Vec<Vec<u8>> = vec![
        SELECT_TEXT_AP.to_vec(),
        Command::SelectFile(ElementaryFile::TextInputSupportPin)
            .to_bytes()
            .to_vec(),
        Command::Verify(Pin::new("1234").unwrap())
            .to_bytes()
            .to_vec(),
        Command::SelectFile(ElementaryFile::BasicInfo)
            .to_bytes()
            .to_vec(),
    ];
    for prefix_len in 0..=steps.len() {
        let mut sim = SimulatedCard::new(VirtualCardConfig::default());
        for s in &steps[..prefix_len] {
            assert!(sim.transmit(s).unwrap().sw.is_ok());
        }
        for apdu in forbidden() {
            assert_eq!(
                sim.transmit(&apdu),
                Err(CardError::CommandNotAllowed),
                "state {prefix_len}, {apdu:02X?}"
            );
        }
        assert!(!sim.card().touched_my_number());
        assert_eq!(sim.card().log().len(), prefix_len);
    }
}

#[test]
fn a_session_over_any_transport_checks_too() {
    /// A transport with no checks of its own, that records what reaches it.
    struct Naive(VirtualMyNumberCard);
    impl ApduTransport for Naive {
        fn transmit(&mut self, apdu: &[u8]) -> Result<onshi::card::Response, CardError> {
            onshi::card::Response::from_bytes(&self.0.process(apdu)).ok_or(CardError::NoCard)
        }
        fn reset(&mut self) -> Result<(), CardError> {
            self.0.reset();
            Ok(())
        }
    }
    let mut s = CardSession::new(Naive(
        VirtualMyNumberCard::new(VirtualCardConfig::default()),
    ));
    s.recognise().unwrap();
    let info = s
        .read_basic_info(&Pin::new("1234").unwrap(), false)
        .unwrap();
    assert_eq!(info.name().as_str(), "検証　花子");
    let card = &s.transport().0;
    assert!(!card.touched_my_number());
    // Only allow-listed commands reached the card.
    let mut allow = AllowList::new();
    for c in card.log() {
        if c.len() == 9 && c[1] == 0x20 {
            continue; // VERIFY data is masked in the log
        }
        assert!(Command::parse(c).is_some(), "{c:02X?}");
        let _ = allow.check(c);
    }
}

/// Random bytes, and allowed or forbidden commands with one byte changed, cut or extended:
/// most inputs are close to something the allow-list accepts.
fn apdu_strategy() -> impl Strategy<Value = Vec<u8>> {
    let mut bases: Vec<Vec<u8>> = forbidden();
    bases.push(SELECT_TEXT_AP.to_vec());
    bases.push(
        Command::SelectApplication(Application::Jpki)
            .to_bytes()
            .to_vec(),
    );
    for ef in ElementaryFile::ALL {
        bases.push(Command::SelectFile(ef).to_bytes().to_vec());
    }
    bases.push(Command::PinStatus.to_bytes().to_vec());
    bases.push(b"\x00\x20\x00\x80\x041234".to_vec());
    bases.push(vec![0x00, 0xB0, 0x00, 0x05, 0xE0]);
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..24),
        (
            prop::sample::select(bases),
            any::<usize>(),
            any::<u8>(),
            0u8..4
        )
            .prop_map(|(mut b, i, v, how)| {
                let i = i % (b.len() + 1);
                match how {
                    0 => {}
                    1 if i < b.len() => b[i] = v,
                    2 => b.truncate(i),
                    _ => b.insert(i, v),
                }
                b
            }),
    ]
}

proptest! {
    /// Whatever bytes come in, the allow-list only lets through the canonical encoding of an
    /// allowed command, never anything that names FID 0001 or uses a short EF id.
    #[test]
    fn only_canonical_allowed_commands_pass(
        setup in 0usize..5,
        apdu in apdu_strategy(),
    ) {
        let mut allow = AllowList::new();
        let steps = [
            SELECT_TEXT_AP.to_vec(),
            Command::SelectFile(ElementaryFile::TextInputSupportPin).to_bytes().to_vec(),
            Command::SelectFile(ElementaryFile::BasicInfo).to_bytes().to_vec(),
            Command::SelectApplication(Application::Jpki).to_bytes().to_vec(),
        ];
        for s in &steps[..setup.min(steps.len())] {
            if allow.check(s).is_ok() {
                allow.observe_ok();
            }
        }
        if let Ok(cmd) = allow.check(&apdu) {
            prop_assert_eq!(&cmd.to_bytes()[..], &apdu[..]);
            match apdu.get(1) {
                Some(0xA4) if apdu[2] == 0x02 => prop_assert_ne!(&apdu[5..], &[0x00, 0x01]),
                Some(0xA4) => prop_assert!(Application::ALL.iter().any(|a| a.aid() == apdu[5..])),
                Some(0xB0) => prop_assert!(apdu[2] & 0x80 == 0),
                Some(0x20) => prop_assert_eq!(&apdu[..4], &[0x00, 0x20, 0x00, 0x80]),
                _ => prop_assert!(false, "unexpected INS"),
            }
        }
    }

    /// Raw bytes through the simulated card never touch EF 0001, whatever the sequence.
    #[test]
    fn random_sequences_never_reach_ef_0001(
        apdus in prop::collection::vec(
            prop_oneof![
                Just(SELECT_TEXT_AP.to_vec()),
                Just(vec![0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x01]),
                Just(vec![0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x02]),
                Just(vec![0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x11]),
                Just(b"\x00\x20\x00\x80\x041234".to_vec()),
                Just(vec![0x00, 0xB0, 0x81, 0x00, 0x10]),
                Just(vec![0x00, 0xB0, 0x00, 0x00, 0x10]),
                prop::collection::vec(any::<u8>(), 4..12),
            ],
            0..16,
        )
    ) {
        let mut sim = SimulatedCard::new(VirtualCardConfig::default());
        for a in &apdus {
            let _ = sim.transmit(a);
        }
        prop_assert!(!sim.card().touched_my_number());
    }
}
