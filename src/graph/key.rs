//! `CompactKey`: a node's stable id, stored inline when short.
//!
//! Ids like `o123456` or `org-asaif` fit in 22 bytes, so most keys need no heap
//! allocation, and an id lookup compares bytes inside the hash table instead of
//! following a pointer: loading a million-node graph does millions of such lookups.

use std::borrow::Borrow;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

const INLINE: usize = 22;

#[derive(Clone)]
pub(crate) enum CompactKey {
    Inline { length: u8, bytes: [u8; INLINE] },
    Heap(Arc<str>),
}

impl CompactKey {
    pub(crate) fn new(text: &str) -> Self {
        if text.len() <= INLINE {
            let mut bytes = [0u8; INLINE];
            bytes[..text.len()].copy_from_slice(text.as_bytes());
            CompactKey::Inline { length: text.len() as u8, bytes }
        } else {
            CompactKey::Heap(Arc::from(text))
        }
    }

    pub(crate) fn as_str(&self) -> &str {
        match self {
            CompactKey::Inline { length, bytes } => std::str::from_utf8(&bytes[..*length as usize])
                .expect("built from a str, cut at its length"),
            CompactKey::Heap(text) => text,
        }
    }
}

impl std::fmt::Debug for CompactKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl PartialEq for CompactKey {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for CompactKey {}

// Hashing must agree with `str`'s, since maps are queried with `&str` via `Borrow`.
impl Hash for CompactKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl Borrow<str> for CompactKey {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_long_keys_round_trip() {
        for text in [
            "",
            "o1",
            "exactly-twenty-two-chr",
            "a-much-longer-identifier-than-fits-inline",
            "şəhər-İ",
        ] {
            assert_eq!(CompactKey::new(text).as_str(), text);
        }
        assert!(matches!(CompactKey::new("exactly-twenty-two-chr"), CompactKey::Inline { .. }));
    }
}
