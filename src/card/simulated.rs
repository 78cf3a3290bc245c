//! [`SimulatedCard`]: an in-process [`ApduTransport`] over the virtual card, for unit tests.

use super::virtual_card::{VirtualCardConfig, VirtualMyNumberCard};
use super::{AllowList, ApduTransport, CardError, Response};
use std::collections::VecDeque;

/// A [`VirtualMyNumberCard`] behind the [`ApduTransport`] trait, with the allow-list check
/// every transport of the library runs, and fault injection: card removal after a number of
/// commands, and errors on chosen commands.
///
/// ```
/// use onshi::card::{CardSession, Pin, SimulatedCard, CardError};
/// use onshi::card::virtual_card::VirtualCardConfig;
/// let mut session = CardSession::new(SimulatedCard::new(VirtualCardConfig::default()));
/// session.recognise()?;
/// let info = session.read_basic_info(&Pin::new("1234")?, false)?;
/// assert_eq!(info.name().as_str(), "検証　花子");
/// # Ok::<(), CardError>(())
/// ```
#[derive(Debug)]
pub struct SimulatedCard {
    card: VirtualMyNumberCard,
    allow: AllowList,
    present: bool,
    until_removal: Option<usize>,
    failures: VecDeque<(usize, CardError)>,
    transmitted: usize,
}

impl SimulatedCard {
    /// A card with this configuration, inserted.
    pub fn new(config: VirtualCardConfig) -> SimulatedCard {
        SimulatedCard::from_card(VirtualMyNumberCard::new(config))
    }

    /// Wraps an existing virtual card, inserted.
    pub fn from_card(card: VirtualMyNumberCard) -> SimulatedCard {
        SimulatedCard {
            card,
            allow: AllowList::new(),
            present: true,
            until_removal: None,
            failures: VecDeque::new(),
            transmitted: 0,
        }
    }

    /// The card (its log, its tries left).
    pub fn card(&self) -> &VirtualMyNumberCard {
        &self.card
    }

    /// The card, to change its configuration.
    pub fn card_mut(&mut self) -> &mut VirtualMyNumberCard {
        &mut self.card
    }

    /// Takes the card out: every later command fails with [`CardError::CardRemoved`].
    pub fn remove(&mut self) {
        self.present = false;
        self.until_removal = None;
    }

    /// Puts the card back (a power-up: selection and security state are dropped).
    pub fn insert(&mut self) {
        self.present = true;
        self.card.reset();
        self.allow.reset();
    }

    /// `true` while the card is in the reader.
    pub fn is_present(&self) -> bool {
        self.present
    }

    /// The card is pulled out right after it has answered `n` more commands.
    pub fn remove_after(&mut self, n: usize) {
        if n == 0 {
            self.remove();
        } else {
            self.until_removal = Some(n);
        }
    }

    /// The `n`-th command from now (0 = the next one) fails with `error` instead of reaching
    /// the card (a reader fault, a timeout …).
    pub fn fail_at(&mut self, n: usize, error: CardError) {
        self.failures.push_back((self.transmitted + n, error));
    }

    /// How many commands reached the transport (allowed or not).
    pub fn transmitted(&self) -> usize {
        self.transmitted
    }
}

impl ApduTransport for SimulatedCard {
    fn transmit(&mut self, apdu: &[u8]) -> Result<Response, CardError> {
        let index = self.transmitted;
        self.transmitted += 1;
        // The allow-list runs first: a refused command never reaches the card.
        self.allow.check(apdu)?;
        if !self.present {
            self.allow.observe_failure();
            return Err(CardError::CardRemoved);
        }
        if let Some(pos) = self.failures.iter().position(|(at, _)| *at == index) {
            self.allow.observe_failure();
            if let Some((_, e)) = self.failures.remove(pos) {
                return Err(e);
            }
        }
        let raw = self.card.process(apdu);
        let response = Response::from_bytes(&raw).ok_or(CardError::MalformedData {
            offset: 0,
            what: "response shorter than a status word",
        })?;
        if response.sw.is_ok() {
            self.allow.observe_ok();
        } else {
            self.allow.observe_failure();
        }
        if let Some(n) = self.until_removal {
            if n <= 1 {
                self.remove();
            } else {
                self.until_removal = Some(n - 1);
            }
        }
        Ok(response)
    }

    fn reset(&mut self) -> Result<(), CardError> {
        if !self.present {
            return Err(CardError::CardRemoved);
        }
        self.card.reset();
        self.allow.reset();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refused_commands_never_reach_the_card() {
        let mut sim = SimulatedCard::new(VirtualCardConfig::default());
        let select_text = [
            0x00, 0xA4, 0x04, 0x0C, 0x0A, 0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04,
            0x08,
        ];
        assert_eq!(sim.transmit(&select_text).unwrap().sw.0, 0x9000);
        let ef0001 = [0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x01];
        assert_eq!(sim.transmit(&ef0001), Err(CardError::CommandNotAllowed));
        assert_eq!(
            sim.transmit(&[0x00, 0xB0, 0x81, 0x00, 0x11]),
            Err(CardError::CommandNotAllowed)
        );
        assert_eq!(sim.card().log().len(), 1);
        assert!(!sim.card().touched_my_number());
    }

    #[test]
    fn removal_and_failures() {
        let mut sim = SimulatedCard::new(VirtualCardConfig::default());
        let select_jpki = [
            0x00, 0xA4, 0x04, 0x0C, 0x0A, 0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00,
            0x01,
        ];
        sim.fail_at(1, CardError::Timeout);
        sim.remove_after(2);
        assert!(sim.transmit(&select_jpki).is_ok());
        assert_eq!(sim.transmit(&select_jpki), Err(CardError::Timeout));
        assert!(sim.transmit(&select_jpki).is_ok());
        assert!(!sim.is_present());
        assert_eq!(sim.transmit(&select_jpki), Err(CardError::CardRemoved));
        assert_eq!(sim.reset(), Err(CardError::CardRemoved));
        sim.insert();
        assert!(sim.transmit(&select_jpki).is_ok());
        assert_eq!(sim.transmitted(), 5);
    }
}
