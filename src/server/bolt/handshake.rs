//! The Bolt handshake: the client's four version proposals → the version we speak.
//!
//! A connection opens with the magic preamble `60 60 B0 17` and four proposals of four
//! bytes each: `[0, range, minor, major]`, meaning `major.minor` and the `range` minor
//! versions below it. The server answers with the first proposal (in the client's order
//! of preference) that holds a version it speaks, taking the highest minor within it,
//! or with four zero bytes when there is none. Körpü speaks 5.1 to 5.4 and 4.4; the
//! version manifest of newer drivers (major 0xFF) and Bolt 6 are declined, and drivers
//! then fall back to a proposal we accept. Pure: the socket reading is in `connection`.

/// The bytes every Bolt connection starts with.
pub(crate) const MAGIC: [u8; 4] = [0x60, 0x60, 0xB0, 0x17];

/// A protocol version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Version {
    pub(crate) major: u8,
    pub(crate) minor: u8,
}

impl Version {
    /// The four bytes the server answers the handshake with.
    pub(crate) fn to_bytes(self) -> [u8; 4] {
        [0, 0, self.minor, self.major]
    }

    /// Whether logging in is its own message (`LOGON`, Bolt 5.1 on) rather than part of
    /// `HELLO`.
    pub(crate) fn has_logon(self) -> bool {
        self.major >= 5
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// The versions Körpü speaks.
fn speaks(version: Version) -> bool {
    matches!((version.major, version.minor), (5, 1..=4) | (4, 4))
}

/// The version to speak given the 16 proposal bytes, or `None` for none in common.
pub(crate) fn negotiate(proposals: &[u8; 16]) -> Option<Version> {
    proposals.chunks_exact(4).find_map(|proposal| {
        let (range, minor, major) = (proposal[1], proposal[2], proposal[3]);
        (minor.saturating_sub(range)..=minor)
            .rev()
            .map(|minor| Version { major, minor })
            .find(|version| speaks(*version))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proposals(list: [[u8; 4]; 4]) -> [u8; 16] {
        let mut bytes = [0; 16];
        for (slot, proposal) in bytes.chunks_exact_mut(4).zip(list) {
            slot.copy_from_slice(&proposal);
        }
        bytes
    }

    #[test]
    fn takes_the_highest_minor_of_the_first_proposal_we_speak() {
        // What a 6.x Python driver sends: the manifest, 5.8 down to 5.0, 4.4 down to 4.2.
        let offer = proposals([[0, 0, 1, 0xFF], [0, 8, 8, 5], [0, 2, 4, 4], [0, 0, 0, 0]]);
        assert_eq!(negotiate(&offer), Some(Version { major: 5, minor: 4 }));
        let older = proposals([[0, 0, 2, 5], [0, 0, 4, 4], [0; 4], [0; 4]]);
        assert_eq!(negotiate(&older), Some(Version { major: 5, minor: 2 }));
    }

    #[test]
    fn falls_back_to_4_4_and_declines_the_rest() {
        let old = proposals([[0, 0, 0, 5], [0, 0, 4, 4], [0, 0, 3, 4], [0; 4]]);
        assert_eq!(negotiate(&old), Some(Version { major: 4, minor: 4 }));
        let future = proposals([[0, 0, 0, 6], [0, 0, 1, 0xFF], [0, 0, 3, 4], [0, 0, 0, 3]]);
        assert_eq!(negotiate(&future), None);
        assert_eq!(negotiate(&[0; 16]), None);
        // A range reaching below zero stops at zero rather than wrapping.
        assert_eq!(
            negotiate(&proposals([[0, 200, 1, 5], [0; 4], [0; 4], [0; 4]])),
            Some(Version { major: 5, minor: 1 })
        );
        assert_eq!(Version { major: 5, minor: 4 }.to_bytes(), [0, 0, 4, 5]);
    }
}
