//! Bolt's chunked framing: a message is a run of chunks, each a two-byte big-endian
//! length and that many bytes, ended by an empty chunk; an empty chunk between messages
//! is a keep-alive. Reads one whole message (refusing one larger than a limit, so a
//! client cannot make the server buffer without end) and writes messages in chunks.
//! Knows nothing of what the bytes mean.

use std::io::{self, Read};

/// The largest chunk the format allows.
const MAX_CHUNK: usize = u16::MAX as usize;

/// Why no message could be read.
#[derive(Debug, thiserror::Error)]
pub(crate) enum FrameError {
    #[error("the client closed the connection")]
    Closed,
    #[error("a message is larger than the limit of {limit} bytes")]
    TooLarge { limit: usize },
    #[error(transparent)]
    Io(#[from] io::Error),
}

/// Reads the next message's bytes, skipping keep-alives.
pub(crate) fn read_message(reader: &mut impl Read, limit: usize) -> Result<Vec<u8>, FrameError> {
    let mut message = Vec::new();
    loop {
        let mut header = [0; 2];
        match reader.read_exact(&mut header) {
            Err(error) if error.kind() == io::ErrorKind::UnexpectedEof => {
                return Err(FrameError::Closed);
            }
            other => other?,
        }
        let size = usize::from(u16::from_be_bytes(header));
        if size == 0 {
            if message.is_empty() {
                continue;
            }
            return Ok(message);
        }
        if message.len() + size > limit {
            return Err(FrameError::TooLarge { limit });
        }
        let start = message.len();
        message.resize(start + size, 0);
        reader.read_exact(&mut message[start..]).map_err(|error| {
            if error.kind() == io::ErrorKind::UnexpectedEof {
                FrameError::Closed
            } else {
                FrameError::Io(error)
            }
        })?;
    }
}

/// Appends `message` to `out` in chunks, with the closing empty chunk.
pub(crate) fn write_message(out: &mut Vec<u8>, message: &[u8]) {
    for chunk in message.chunks(MAX_CHUNK) {
        out.extend_from_slice(&(chunk.len() as u16).to_be_bytes());
        out.extend_from_slice(chunk);
    }
    out.extend_from_slice(&[0, 0]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_round_trip_through_chunks() {
        for size in [1, 2, MAX_CHUNK - 1, MAX_CHUNK, MAX_CHUNK + 1, 3 * MAX_CHUNK + 7] {
            let message: Vec<u8> = (0..size).map(|n| n as u8).collect();
            let mut wire = vec![0, 0]; // a keep-alive first
            write_message(&mut wire, &message);
            let read = read_message(&mut wire.as_slice(), 1 << 20).unwrap();
            assert_eq!(read, message, "{size} bytes");
        }
        let mut wire = Vec::new();
        write_message(&mut wire, &[0xB0, 0x02]);
        assert_eq!(wire, [0, 2, 0xB0, 0x02, 0, 0]);
    }

    #[test]
    fn refuses_oversized_and_cut_messages() {
        let mut wire = Vec::new();
        write_message(&mut wire, &[7; 100]);
        let error = read_message(&mut wire.as_slice(), 99).unwrap_err();
        assert!(matches!(error, FrameError::TooLarge { limit: 99 }), "{error}");
        let cut = &wire[..50];
        assert!(matches!(read_message(&mut &cut[..], 1000), Err(FrameError::Closed)));
        assert!(matches!(read_message(&mut &[][..], 1000), Err(FrameError::Closed)));
    }
}
