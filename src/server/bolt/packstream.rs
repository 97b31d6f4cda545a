//! PackStream, the binary value format Bolt messages are written in: bytes ↔ `PackValue`.
//!
//! Encoding appends to a byte vector, always in the shortest form a value has (a tiny
//! integer in one byte, a five-letter string with a one-byte header); decoding reads one
//! value from a byte slice and refuses anything malformed (unknown markers, lengths past
//! the end, nesting deeper than `MAX_DEPTH`, strings that are not UTF-8) with a typed
//! error, never a panic. Pure: knows nothing of graphs, messages or sockets;
//! `values` maps Körpü's values onto these.

/// How deep lists, maps and structures may nest in a message a client sends; a limit
/// so that decoding, which recurses, cannot be driven off the stack.
pub(crate) const MAX_DEPTH: usize = 64;

/// One PackStream value as decoded from a client.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum PackValue {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Bytes(Vec<u8>),
    String(String),
    List(Vec<PackValue>),
    /// Entries in the order they were sent.
    Map(Vec<(String, PackValue)>),
    Struct {
        tag: u8,
        fields: Vec<PackValue>,
    },
}

impl PackValue {
    /// The entry `key` of a map, if this is a map that has it.
    pub(crate) fn get(&self, key: &str) -> Option<&PackValue> {
        match self {
            PackValue::Map(entries) => {
                entries.iter().find(|(name, _)| name == key).map(|(_, value)| value)
            }
            _ => None,
        }
    }

    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            PackValue::String(text) => Some(text),
            _ => None,
        }
    }

    pub(crate) fn as_int(&self) -> Option<i64> {
        match self {
            PackValue::Int(number) => Some(*number),
            _ => None,
        }
    }
}

/// Why bytes are not a PackStream value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum DecodeError {
    #[error("the message ends inside a value (at byte {0})")]
    Truncated(usize),
    #[error("byte {position} holds 0x{marker:02X}, which is not a PackStream marker")]
    UnknownMarker { position: usize, marker: u8 },
    #[error("a string at byte {0} is not valid UTF-8")]
    InvalidUtf8(usize),
    #[error("a map key at byte {0} is not a string")]
    NonStringKey(usize),
    #[error("values nest deeper than {MAX_DEPTH} levels")]
    TooDeep,
    #[error("{0} bytes follow the value")]
    TrailingBytes(usize),
}

// ---- encoding -------------------------------------------------------------------------

pub(crate) fn pack_null(out: &mut Vec<u8>) {
    out.push(0xC0);
}

pub(crate) fn pack_bool(out: &mut Vec<u8>, flag: bool) {
    out.push(if flag { 0xC3 } else { 0xC2 });
}

pub(crate) fn pack_int(out: &mut Vec<u8>, number: i64) {
    if (-16..=127).contains(&number) {
        out.push(number as u8);
    } else if let Ok(small) = i8::try_from(number) {
        out.push(0xC8);
        out.push(small as u8);
    } else if let Ok(small) = i16::try_from(number) {
        out.push(0xC9);
        out.extend_from_slice(&small.to_be_bytes());
    } else if let Ok(small) = i32::try_from(number) {
        out.push(0xCA);
        out.extend_from_slice(&small.to_be_bytes());
    } else {
        out.push(0xCB);
        out.extend_from_slice(&number.to_be_bytes());
    }
}

pub(crate) fn pack_float(out: &mut Vec<u8>, number: f64) {
    out.push(0xC1);
    out.extend_from_slice(&number.to_bits().to_be_bytes());
}

/// Writes a size header: tiny (`tiny_base | len`) below 16 when the kind has a tiny
/// form, else the 8-, 16- or 32-bit form whose marker starts at `sized_base`.
fn pack_size(out: &mut Vec<u8>, tiny_base: Option<u8>, sized_base: u8, len: usize) {
    match tiny_base {
        Some(base) if len < 16 => out.push(base | len as u8),
        _ if len <= usize::from(u8::MAX) => {
            out.push(sized_base);
            out.push(len as u8);
        }
        _ if len <= usize::from(u16::MAX) => {
            out.push(sized_base + 1);
            out.extend_from_slice(&(len as u16).to_be_bytes());
        }
        _ => {
            // Bolt messages are far smaller than 4 GiB; a longer value is a bug upstream,
            // and saturating keeps the output well-formed up to the point it is cut.
            out.push(sized_base + 2);
            out.extend_from_slice(&u32::try_from(len).unwrap_or(u32::MAX).to_be_bytes());
        }
    }
}

pub(crate) fn pack_string(out: &mut Vec<u8>, text: &str) {
    pack_size(out, Some(0x80), 0xD0, text.len());
    out.extend_from_slice(text.as_bytes());
}

pub(crate) fn pack_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    pack_size(out, None, 0xCC, bytes.len());
    out.extend_from_slice(bytes);
}

/// Starts a list of `len` items; the caller writes the items next.
pub(crate) fn pack_list_header(out: &mut Vec<u8>, len: usize) {
    pack_size(out, Some(0x90), 0xD4, len);
}

/// Starts a map of `len` entries; the caller writes key, value, key, value… next.
pub(crate) fn pack_map_header(out: &mut Vec<u8>, len: usize) {
    pack_size(out, Some(0xA0), 0xD8, len);
}

/// Starts a structure with `fields` fields (at most 15) and signature `tag`.
pub(crate) fn pack_struct_header(out: &mut Vec<u8>, tag: u8, fields: u8) {
    debug_assert!(fields < 16, "structures have at most 15 fields");
    out.push(0xB0 | (fields & 0x0F));
    out.push(tag);
}

/// Writes a whole decoded value (used for echoing values and in tests).
pub(crate) fn pack(out: &mut Vec<u8>, value: &PackValue) {
    match value {
        PackValue::Null => pack_null(out),
        PackValue::Bool(flag) => pack_bool(out, *flag),
        PackValue::Int(number) => pack_int(out, *number),
        PackValue::Float(number) => pack_float(out, *number),
        PackValue::Bytes(bytes) => pack_bytes(out, bytes),
        PackValue::String(text) => pack_string(out, text),
        PackValue::List(items) => {
            pack_list_header(out, items.len());
            for item in items {
                pack(out, item);
            }
        }
        PackValue::Map(entries) => {
            pack_map_header(out, entries.len());
            for (key, item) in entries {
                pack_string(out, key);
                pack(out, item);
            }
        }
        PackValue::Struct { tag, fields } => {
            pack_struct_header(out, *tag, fields.len() as u8);
            for field in fields {
                pack(out, field);
            }
        }
    }
}

// ---- decoding -------------------------------------------------------------------------

/// Reads exactly one value filling all of `bytes`.
pub(crate) fn unpack(bytes: &[u8]) -> Result<PackValue, DecodeError> {
    let mut reader = Reader { bytes, position: 0 };
    let value = reader.value(0)?;
    match bytes.len() - reader.position {
        0 => Ok(value),
        rest => Err(DecodeError::TrailingBytes(rest)),
    }
}

struct Reader<'b> {
    bytes: &'b [u8],
    position: usize,
}

impl<'b> Reader<'b> {
    fn take(&mut self, count: usize) -> Result<&'b [u8], DecodeError> {
        let end = self
            .position
            .checked_add(count)
            .filter(|end| *end <= self.bytes.len())
            .ok_or(DecodeError::Truncated(self.position))?;
        let taken = &self.bytes[self.position..end];
        self.position = end;
        Ok(taken)
    }

    fn byte(&mut self) -> Result<u8, DecodeError> {
        Ok(self.take(1)?[0])
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        let mut array = [0; N];
        array.copy_from_slice(self.take(N)?);
        Ok(array)
    }

    /// The length in the 1-, 2- or 4-byte big-endian field after a sized marker.
    fn length(&mut self, width: u8) -> Result<usize, DecodeError> {
        Ok(match width {
            0 => usize::from(self.byte()?),
            1 => usize::from(u16::from_be_bytes(self.array()?)),
            _ => u32::from_be_bytes(self.array()?) as usize,
        })
    }

    /// A capacity no larger than what the remaining bytes could hold (every value takes
    /// at least one byte), so a lying length cannot make us allocate gigabytes.
    fn capacity(&self, claimed: usize) -> usize {
        claimed.min(self.bytes.len() - self.position)
    }

    fn string(&mut self, len: usize) -> Result<String, DecodeError> {
        let start = self.position;
        let bytes = self.take(len)?;
        std::str::from_utf8(bytes).map(str::to_owned).map_err(|_| DecodeError::InvalidUtf8(start))
    }

    fn value(&mut self, depth: usize) -> Result<PackValue, DecodeError> {
        let start = self.position;
        let marker = self.byte()?;
        Ok(match marker {
            0x00..=0x7F => PackValue::Int(i64::from(marker)),
            0xF0..=0xFF => PackValue::Int(i64::from(marker as i8)),
            0x80..=0x8F => PackValue::String(self.string(usize::from(marker & 0x0F))?),
            0x90..=0x9F => self.list(usize::from(marker & 0x0F), depth)?,
            0xA0..=0xAF => self.map(usize::from(marker & 0x0F), depth)?,
            0xB0..=0xBF => {
                let tag = self.byte()?;
                let fields = self.items(usize::from(marker & 0x0F), depth)?;
                PackValue::Struct { tag, fields }
            }
            0xC0 => PackValue::Null,
            0xC1 => PackValue::Float(f64::from_bits(u64::from_be_bytes(self.array()?))),
            0xC2 => PackValue::Bool(false),
            0xC3 => PackValue::Bool(true),
            0xC8 => PackValue::Int(i64::from(i8::from_be_bytes(self.array()?))),
            0xC9 => PackValue::Int(i64::from(i16::from_be_bytes(self.array()?))),
            0xCA => PackValue::Int(i64::from(i32::from_be_bytes(self.array()?))),
            0xCB => PackValue::Int(i64::from_be_bytes(self.array()?)),
            0xCC..=0xCE => {
                let len = self.length(marker - 0xCC)?;
                PackValue::Bytes(self.take(len)?.to_vec())
            }
            0xD0..=0xD2 => {
                let len = self.length(marker - 0xD0)?;
                PackValue::String(self.string(len)?)
            }
            0xD4..=0xD6 => {
                let len = self.length(marker - 0xD4)?;
                self.list(len, depth)?
            }
            0xD8..=0xDA => {
                let len = self.length(marker - 0xD8)?;
                self.map(len, depth)?
            }
            _ => return Err(DecodeError::UnknownMarker { position: start, marker }),
        })
    }

    fn items(&mut self, len: usize, depth: usize) -> Result<Vec<PackValue>, DecodeError> {
        if depth >= MAX_DEPTH {
            return Err(DecodeError::TooDeep);
        }
        let mut items = Vec::with_capacity(self.capacity(len));
        for _ in 0..len {
            items.push(self.value(depth + 1)?);
        }
        Ok(items)
    }

    fn list(&mut self, len: usize, depth: usize) -> Result<PackValue, DecodeError> {
        Ok(PackValue::List(self.items(len, depth)?))
    }

    fn map(&mut self, len: usize, depth: usize) -> Result<PackValue, DecodeError> {
        if depth >= MAX_DEPTH {
            return Err(DecodeError::TooDeep);
        }
        let mut entries = Vec::with_capacity(self.capacity(len));
        for _ in 0..len {
            let key_at = self.position;
            let PackValue::String(key) = self.value(depth + 1)? else {
                return Err(DecodeError::NonStringKey(key_at));
            };
            let value = self.value(depth + 1)?;
            entries.push((key, value));
        }
        Ok(PackValue::Map(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn packed(value: &PackValue) -> Vec<u8> {
        let mut out = Vec::new();
        pack(&mut out, value);
        out
    }

    fn int(number: i64) -> Vec<u8> {
        packed(&PackValue::Int(number))
    }

    #[test]
    fn integers_take_their_shortest_form() {
        assert_eq!(int(0), [0x00]);
        assert_eq!(int(127), [0x7F]);
        assert_eq!(int(-1), [0xFF]);
        assert_eq!(int(-16), [0xF0]);
        assert_eq!(int(-17), [0xC8, 0xEF]);
        assert_eq!(int(-128), [0xC8, 0x80]);
        assert_eq!(int(128), [0xC9, 0x00, 0x80]);
        assert_eq!(int(-129), [0xC9, 0xFF, 0x7F]);
        assert_eq!(int(32_768), [0xCA, 0x00, 0x00, 0x80, 0x00]);
        assert_eq!(int(2_147_483_648), [0xCB, 0, 0, 0, 0, 0x80, 0, 0, 0]);
        assert_eq!(int(i64::MIN), [0xCB, 0x80, 0, 0, 0, 0, 0, 0, 0]);
    }

    #[test]
    fn scalars_have_their_markers() {
        assert_eq!(packed(&PackValue::Null), [0xC0]);
        assert_eq!(packed(&PackValue::Bool(false)), [0xC2]);
        assert_eq!(packed(&PackValue::Bool(true)), [0xC3]);
        assert_eq!(
            packed(&PackValue::Float(1.1)),
            [0xC1, 0x3F, 0xF1, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9A]
        );
        assert_eq!(packed(&PackValue::Bytes(vec![1, 2])), [0xCC, 0x02, 0x01, 0x02]);
    }

    #[test]
    fn strings_lists_and_maps_grow_their_headers_with_length() {
        assert_eq!(packed(&PackValue::String(String::new())), [0x80]);
        assert_eq!(packed(&PackValue::String("a".into())), [0x81, 0x61]);
        // "ə" is two bytes of UTF-8; the header counts bytes, not characters.
        assert_eq!(packed(&PackValue::String("ə".into())), [0x82, 0xC9, 0x99]);
        let sixteen = packed(&PackValue::String("x".repeat(16)));
        assert_eq!(sixteen[..2], [0xD0, 16]);
        let long = packed(&PackValue::String("x".repeat(256)));
        assert_eq!(long[..3], [0xD1, 0x01, 0x00]);
        let huge = packed(&PackValue::String("x".repeat(65_536)));
        assert_eq!(huge[..5], [0xD2, 0x00, 0x01, 0x00, 0x00]);

        let list = PackValue::List(vec![PackValue::Int(1), PackValue::Int(2), PackValue::Int(3)]);
        assert_eq!(packed(&list), [0x93, 1, 2, 3]);
        let long_list = packed(&PackValue::List(vec![PackValue::Null; 16]));
        assert_eq!(long_list[..2], [0xD4, 16]);
        let map = PackValue::Map(vec![("a".into(), PackValue::Int(1))]);
        assert_eq!(packed(&map), [0xA1, 0x81, 0x61, 0x01]);
        let entries = (0..300).map(|n| (n.to_string(), PackValue::Null)).collect();
        assert_eq!(packed(&PackValue::Map(entries))[..3], [0xD9, 0x01, 0x2C]);
    }

    #[test]
    fn structures_carry_their_signature() {
        let date = PackValue::Struct { tag: 0x44, fields: vec![PackValue::Int(19_000)] };
        assert_eq!(packed(&date), [0xB1, 0x44, 0xC9, 0x4A, 0x38]);
        assert_eq!(unpack(&[0xB1, 0x44, 0xC9, 0x4A, 0x38]), Ok(date));
    }

    #[test]
    fn decodes_every_integer_width() {
        assert_eq!(unpack(&[0xC8, 0x05]), Ok(PackValue::Int(5)));
        assert_eq!(unpack(&[0xC9, 0xFF, 0xFE]), Ok(PackValue::Int(-2)));
        assert_eq!(unpack(&[0xCA, 0, 0, 1, 0]), Ok(PackValue::Int(256)));
        assert_eq!(
            unpack(&[0xCB, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]),
            Ok(PackValue::Int(-1))
        );
    }

    #[test]
    fn malformed_input_is_an_error_not_a_panic() {
        assert_eq!(unpack(&[]), Err(DecodeError::Truncated(0)));
        assert_eq!(unpack(&[0xC9, 0x01]), Err(DecodeError::Truncated(1)));
        assert_eq!(unpack(&[0x85, b'a']), Err(DecodeError::Truncated(1)));
        assert_eq!(unpack(&[0xC7]), Err(DecodeError::UnknownMarker { position: 0, marker: 0xC7 }));
        assert_eq!(unpack(&[0x82, 0xFF, 0xFE]), Err(DecodeError::InvalidUtf8(1)));
        assert_eq!(unpack(&[0xA1, 0x01, 0x01]), Err(DecodeError::NonStringKey(1)));
        assert_eq!(unpack(&[0xC0, 0xC0]), Err(DecodeError::TrailingBytes(1)));
        // A list claiming four billion items in five bytes ends, it does not allocate.
        assert_eq!(unpack(&[0xD6, 0xFF, 0xFF, 0xFF, 0xFF]), Err(DecodeError::Truncated(5)));
        let deep = [vec![0x91; MAX_DEPTH + 1], vec![0xC0]].concat();
        assert_eq!(unpack(&deep), Err(DecodeError::TooDeep));
        let fine = [vec![0x91; MAX_DEPTH - 1], vec![0xC0]].concat();
        assert!(unpack(&fine).is_ok());
    }

    /// A small seeded generator, so failures reproduce.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, bound: u64) -> u64 {
            self.next() % bound
        }
    }

    fn random_value(rng: &mut Rng, depth: usize) -> PackValue {
        // Containers shrink with depth so a value stays a few kilobytes.
        let kinds = if depth > 3 { 6 } else { 9 };
        let most = [20, 6, 3, 2][depth.min(3)];
        match rng.below(kinds) {
            0 => PackValue::Null,
            1 => PackValue::Bool(rng.below(2) == 1),
            2 => {
                // Mostly near the width boundaries, where encoders go wrong.
                let edges = [0, 127, 128, -16, -17, -128, -129, 32_767, 32_768, i64::MAX, i64::MIN];
                if rng.below(2) == 0 {
                    PackValue::Int(edges[rng.below(edges.len() as u64) as usize])
                } else {
                    PackValue::Int(rng.next() as i64 >> rng.below(64))
                }
            }
            3 => PackValue::Float(f64::from_bits(rng.next())),
            4 => {
                let sizes = [0, 1, 15, 16, 255, 256, 70_000];
                let len = sizes[rng.below(if depth == 0 { 7 } else { 6 }) as usize];
                PackValue::Bytes((0..len).map(|_| rng.next() as u8).collect())
            }
            5 => {
                let alphabet = ['a', 'ə', 'ş', '🙂', '"', '\0'];
                let len = rng.below(40) as usize;
                PackValue::String(
                    (0..len).map(|_| alphabet[rng.below(alphabet.len() as u64) as usize]).collect(),
                )
            }
            6 => {
                let len = if depth == 0 {
                    [0, 3, 15, 16, 20][rng.below(5) as usize]
                } else {
                    rng.below(most) as usize
                };
                PackValue::List((0..len).map(|_| random_value(rng, depth + 1)).collect())
            }
            7 => {
                let len = rng.below(if depth == 0 { 18 } else { most }) as usize;
                PackValue::Map(
                    (0..len).map(|n| (format!("k{n}"), random_value(rng, depth + 1))).collect(),
                )
            }
            _ => {
                let len = rng.below(if depth == 0 { 16 } else { most }) as usize;
                PackValue::Struct {
                    tag: rng.next() as u8,
                    fields: (0..len).map(|_| random_value(rng, depth + 1)).collect(),
                }
            }
        }
    }

    /// Floats compare by bits so that NaN round-trips count as equal.
    fn same(left: &PackValue, right: &PackValue) -> bool {
        match (left, right) {
            (PackValue::Float(a), PackValue::Float(b)) => a.to_bits() == b.to_bits(),
            (PackValue::List(a), PackValue::List(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y))
            }
            (PackValue::Map(a), PackValue::Map(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|((k, x), (l, y))| k == l && same(x, y))
            }
            (PackValue::Struct { tag: t, fields: a }, PackValue::Struct { tag: u, fields: b }) => {
                t == u && a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y))
            }
            _ => left == right,
        }
    }

    #[test]
    fn random_values_round_trip() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for case in 0..2_000 {
            let value = random_value(&mut rng, 0);
            let bytes = packed(&value);
            let back = unpack(&bytes).unwrap_or_else(|error| panic!("case {case}: {error}"));
            assert!(same(&value, &back), "case {case}: {value:?} came back as {back:?}");
        }
    }

    #[test]
    fn random_bytes_never_panic() {
        let mut rng = Rng(42);
        for _ in 0..20_000 {
            let len = rng.below(24) as usize;
            let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            let _ = unpack(&bytes);
        }
        // Every prefix of a valid encoding is truncated, never mistaken for a value.
        let value = random_value(&mut Rng(7), 0);
        let bytes = packed(&value);
        for cut in 0..bytes.len() {
            assert!(unpack(&bytes[..cut]).is_err(), "prefix of {cut} bytes decoded");
        }
    }
}
