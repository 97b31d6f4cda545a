//! The transaction log of a data folder (`korpu.wal`): every commit a server
//! acknowledges is appended here and flushed to the device first, so it survives a
//! crash at any instant; a checkpoint writes the graph back into the data files and
//! starts the log afresh.
//!
//! The file is a header (`KORPUWAL`, a format version, and the fingerprint of the data
//! files the log starts from) and then records, each `[kind][length][CRC-32][JSON]`.
//! A commit record holds the final state of every element the transaction created or
//! changed, the ids it deleted, the declared rules when it changed them, and the id
//! bounds it ended with; replaying records in order on the graph loaded from those
//! files gives the committed graph, element for element and id for id. A record cut
//! short by a crash fails its length or checksum: it and anything after it are the
//! torn tail, never acknowledged, and dropped. A checkpoint record, written before the
//! data files are replaced, names the fingerprint they will have; a crash after the
//! files were replaced but before the log was started afresh is recognised by it.
//! Data files that match neither fingerprint were changed by someone else: the log is
//! then refused, never replayed onto them.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};

use crate::graph::{ChangeSet, EdgeId, Graph, NodeId};
use crate::load::format::{value_from_json, value_to_json};
use crate::load::schema_file::rules_document;

/// The log's name inside a data folder.
pub const LOG_FILE: &str = "korpu.wal";
const LOG_TEMP: &str = "korpu.wal.new";
const MAGIC: &[u8; 8] = b"KORPUWAL";
const VERSION: u32 = 1;
const HEADER_BYTES: usize = 8 + 4 + 8;
const COMMIT: u8 = 1;
const CHECKPOINT: u8 = 2;
/// The largest record read back: a bigger length field is damage, not a record.
const MAX_RECORD_BYTES: u32 = 1 << 31;

/// Why a log could not be read, replayed or written.
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    #[error("{path}: {error}")]
    Io { path: String, error: io::Error },
    #[error("{path} is not a Körpü transaction log (or a newer version of one)")]
    NotALog { path: String },
    #[error(
        "the data files in {folder} changed since its transaction log began, and the log holds {commits} commit(s) they do not: move {LOG_FILE} aside to open the files as they are, or restore the files the log was written against"
    )]
    FilesChanged { folder: String, commits: usize },
    #[error("commits can be logged only for a graph loaded from a data folder")]
    NoFolder,
    #[error("{path}: commit {commit} cannot be replayed: {message}")]
    Replay { path: String, commit: usize, message: String },
}

/// The final state of a node a commit created or changed.
#[derive(Debug, Serialize, Deserialize)]
struct NodeState {
    id: u32,
    /// Present when the commit created the node.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    key: Option<String>,
    labels: Vec<String>,
    properties: Map<String, Json>,
}

/// The final state of a relationship a commit created or changed.
#[derive(Debug, Serialize, Deserialize)]
struct EdgeState {
    id: u32,
    /// The ends and type, present when the commit created it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ends: Option<(u32, u32, String)>,
    properties: Map<String, Json>,
}

/// One committed transaction, as the log keeps it: built from the graph at commit,
/// replayed onto a copy of the graph as it was before (a log on recovery, a server's
/// second copy as it catches up).
#[derive(Debug, Serialize, Deserialize)]
pub struct Commit {
    nodes: Vec<NodeState>,
    edges: Vec<EdgeState>,
    deleted_nodes: Vec<u32>,
    deleted_edges: Vec<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    rules: Option<Json>,
    node_bound: u32,
    edge_bound: u32,
}

impl Commit {
    /// The commit that made `changes` (read before the savepoint is released).
    pub fn of(graph: &Graph, changes: &ChangeSet) -> Commit {
        let properties = |pairs: &mut dyn Iterator<Item = (&str, &crate::graph::Value)>| {
            pairs.map(|(key, value)| (key.to_owned(), value_to_json(value))).collect()
        };
        let node = |id: &NodeId, created: bool| NodeState {
            id: id.0,
            key: created.then(|| graph.node_key(*id).to_owned()),
            labels: graph.node_labels(*id).map(str::to_owned).collect(),
            properties: properties(&mut graph.node_properties(*id)),
        };
        let edge = |id: &EdgeId, created: bool| {
            let (from, to) = graph.edge_endpoints(*id);
            EdgeState {
                id: id.0,
                ends: created.then(|| (from.0, to.0, graph.edge_type(*id).to_owned())),
                properties: properties(&mut graph.edge_properties(*id)),
            }
        };
        Commit {
            nodes: (changes.created_nodes.iter().map(|id| node(id, true)))
                .chain(changes.changed_nodes.iter().map(|id| node(id, false)))
                .collect(),
            edges: (changes.created_edges.iter().map(|id| edge(id, true)))
                .chain(changes.changed_edges.iter().map(|id| edge(id, false)))
                .collect(),
            deleted_nodes: changes.deleted_nodes.iter().map(|id| id.0).collect(),
            deleted_edges: changes.deleted_edges.iter().map(|id| id.0).collect(),
            rules: changes.schema_changed.then(|| rules_document(graph)),
            node_bound: changes.node_bound,
            edge_bound: changes.edge_bound,
        }
    }

    /// How many elements the commit touched (a measure of what replaying it costs).
    pub fn size(&self) -> usize {
        self.nodes.len()
            + self.edges.len()
            + self.deleted_nodes.len()
            + self.deleted_edges.len()
            + usize::from(self.rules.is_some())
    }

    /// Applies the commit to `graph`, which must be the graph it was made from as it was
    /// before; the number of elements it touched.
    pub fn replay(&self, graph: &mut Graph) -> Result<usize, String> {
        let values = |properties: &Map<String, Json>| -> Result<Vec<_>, String> {
            properties.iter().map(|(key, json)| Ok((key.clone(), value_from_json(json)?))).collect()
        };
        let touched = self.size();
        let mut new_edges = Vec::new();
        let mut changed_edges = Vec::new();
        for edge in &self.edges {
            match edge.ends {
                Some(_) => new_edges.push(edge),
                None => changed_edges.push(edge),
            }
        }
        for node in &self.nodes {
            let labels: Vec<&str> = node.labels.iter().map(String::as_str).collect();
            let properties = values(&node.properties)?;
            let result = match &node.key {
                Some(key) => graph.restore_node(NodeId(node.id), key, &labels, properties),
                None => live_node(graph, node.id)
                    .and_then(|id| graph.replace_node(id, &labels, properties)),
            };
            result.map_err(|error| error.to_string())?;
        }
        for &id in &self.deleted_edges {
            if !graph.delete_edge(EdgeId(id)) {
                return Err(format!("relationship {id} is not there to delete"));
            }
        }
        for edge in new_edges {
            let (from, to, rel_type) = edge.ends.as_ref().expect("sorted by `ends` above");
            let (from, to) = (*from, *to);
            let properties = values(&edge.properties)?;
            graph
                .restore_edge(EdgeId(edge.id), (NodeId(from), NodeId(to)), rel_type, properties)
                .map_err(|error| error.to_string())?;
        }
        for edge in changed_edges {
            let id = EdgeId(edge.id);
            if !graph.contains_edge(id) {
                return Err(format!("relationship {} is not there to change", edge.id));
            }
            graph
                .replace_edge_properties(id, values(&edge.properties)?)
                .map_err(|e| e.to_string())?;
        }
        for &id in &self.deleted_nodes {
            let node = live_node(graph, id).map_err(|error| error.to_string())?;
            graph.delete_node(node).map_err(|error| error.to_string())?;
        }
        graph.pad_to(self.node_bound, self.edge_bound);
        if let Some(rules) = &self.rules {
            crate::load::redeclare_rules(graph, rules)?;
        }
        graph.flush_indexes();
        Ok(touched)
    }
}

fn live_node(graph: &Graph, id: u32) -> Result<NodeId, crate::graph::GraphError> {
    let node = NodeId(id);
    if graph.contains_node(node) {
        Ok(node)
    } else {
        Err(crate::graph::GraphError::IdInUse(format!("node {id} (it is not there)")))
    }
}

/// What opening a folder's log found.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Recovered {
    /// Commits replayed onto the graph.
    pub commits: usize,
    /// Elements those commits touched (what a save would have to write).
    pub changes: usize,
    /// Bytes of a torn last record, never acknowledged, left out.
    pub torn_bytes: u64,
}

/// A log's records, read and checked; `valid` is the length of the whole records.
struct Contents {
    base: u64,
    records: Vec<(u8, Vec<u8>)>,
    valid: u64,
    length: u64,
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> LogError + '_ {
    move |error| LogError::Io { path: path.display().to_string(), error }
}

fn read_contents(path: &Path) -> Result<Option<Contents>, LogError> {
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(io_error(path)(error)),
    };
    let not_a_log = || LogError::NotALog { path: path.display().to_string() };
    if bytes.len() < HEADER_BYTES || &bytes[..8] != MAGIC {
        // A header cut short by a crash while the log was being made: nothing was
        // acknowledged in it yet.
        if bytes.len() < HEADER_BYTES && MAGIC.starts_with(&bytes[..bytes.len().min(8)]) {
            return Ok(None);
        }
        return Err(not_a_log());
    }
    let version = u32::from_le_bytes(bytes[8..12].try_into().expect("four bytes"));
    if version != VERSION {
        return Err(not_a_log());
    }
    let base = u64::from_le_bytes(bytes[12..20].try_into().expect("eight bytes"));
    let mut records = Vec::new();
    let mut at = HEADER_BYTES;
    while let Some(head) = bytes.get(at..at + 9) {
        let kind = head[0];
        let length = u32::from_le_bytes(head[1..5].try_into().expect("four bytes"));
        let checksum = u32::from_le_bytes(head[5..9].try_into().expect("four bytes"));
        if !matches!(kind, COMMIT | CHECKPOINT) || length > MAX_RECORD_BYTES {
            break;
        }
        let Some(payload) = bytes.get(at + 9..at + 9 + length as usize) else { break };
        if crc32fast::hash(payload) != checksum {
            break;
        }
        records.push((kind, payload.to_vec()));
        at += 9 + length as usize;
    }
    Ok(Some(Contents { base, records, valid: at as u64, length: bytes.len() as u64 }))
}

/// Replays the log of `folder` onto `graph`, freshly loaded from data files whose
/// fingerprint is `files`. A folder without a log recovers nothing.
pub fn recover(folder: &Path, files: u64, graph: &mut Graph) -> Result<Recovered, LogError> {
    let path = folder.join(LOG_FILE);
    let Some(contents) = read_contents(&path)? else { return Ok(Recovered::default()) };
    let commits: Vec<&Vec<u8>> =
        contents.records.iter().filter(|(kind, _)| *kind == COMMIT).map(|(_, p)| p).collect();
    let torn_bytes = contents.length - contents.valid;
    if contents.base != files {
        let checkpointed = contents.records.iter().rev().find(|(kind, _)| *kind == CHECKPOINT);
        if checkpointed.is_some_and(|(_, target)| target.as_slice() == files.to_le_bytes()) {
            // The checkpoint replaced the files and died before starting the log anew:
            // everything in the log is in the files already.
            return Ok(Recovered { torn_bytes, ..Recovered::default() });
        }
        if commits.is_empty() {
            return Ok(Recovered { torn_bytes, ..Recovered::default() });
        }
        return Err(LogError::FilesChanged {
            folder: folder.display().to_string(),
            commits: commits.len(),
        });
    }
    let mut recovered = Recovered { torn_bytes, ..Recovered::default() };
    for (number, payload) in commits.into_iter().enumerate() {
        let replay_error = |message: String| LogError::Replay {
            path: path.display().to_string(),
            commit: number + 1,
            message,
        };
        let commit: Commit =
            serde_json::from_slice(payload).map_err(|error| replay_error(error.to_string()))?;
        recovered.changes += commit.replay(graph).map_err(replay_error)?;
        recovered.commits += 1;
    }
    Ok(recovered)
}

/// The log a server appends its commits to.
#[derive(Debug)]
pub struct TransactionLog {
    folder: PathBuf,
    file: File,
    /// Bytes in the log, header included.
    length: u64,
    /// Commits appended since the log began.
    commits: usize,
}

impl TransactionLog {
    /// Opens the log of `folder` for appending, after `recover` read it against data
    /// files whose fingerprint is `files`: a torn tail is cut off, and a log whose
    /// content the files already hold (or an absent one) is started afresh.
    pub fn open(folder: &Path, files: u64) -> Result<TransactionLog, LogError> {
        let path = folder.join(LOG_FILE);
        match read_contents(&path)? {
            Some(contents) if contents.base == files => {
                let file = OpenOptions::new().write(true).open(&path).map_err(io_error(&path))?;
                if contents.valid < contents.length {
                    file.set_len(contents.valid).map_err(io_error(&path))?;
                    file.sync_all().map_err(io_error(&path))?;
                }
                let commits = contents.records.iter().filter(|(kind, _)| *kind == COMMIT).count();
                let mut log = TransactionLog {
                    folder: folder.to_owned(),
                    file,
                    length: contents.valid,
                    commits,
                };
                log.seek_end()?;
                Ok(log)
            }
            _ => TransactionLog::start(folder, files),
        }
    }

    /// Writes a new, empty log for data files whose fingerprint is `files`, replacing
    /// any other: written aside, flushed, then renamed over the old one.
    fn start(folder: &Path, files: u64) -> Result<TransactionLog, LogError> {
        let (path, temp) = (folder.join(LOG_FILE), folder.join(LOG_TEMP));
        let mut header = Vec::with_capacity(HEADER_BYTES);
        header.extend_from_slice(MAGIC);
        header.extend_from_slice(&VERSION.to_le_bytes());
        header.extend_from_slice(&files.to_le_bytes());
        let mut file = File::create(&temp).map_err(io_error(&temp))?;
        file.write_all(&header).map_err(io_error(&temp))?;
        file.sync_all().map_err(io_error(&temp))?;
        fs::rename(&temp, &path).map_err(io_error(&path))?;
        sync_folder(folder)?;
        let file = OpenOptions::new().write(true).open(&path).map_err(io_error(&path))?;
        let mut log = TransactionLog {
            folder: folder.to_owned(),
            file,
            length: HEADER_BYTES as u64,
            commits: 0,
        };
        log.seek_end()?;
        Ok(log)
    }

    fn seek_end(&mut self) -> Result<(), LogError> {
        use std::io::Seek as _;
        let path = self.folder.join(LOG_FILE);
        self.file.seek(io::SeekFrom::Start(self.length)).map_err(io_error(&path))?;
        Ok(())
    }

    /// Appends `commit` and flushes it to the device; when this returns `Ok` the commit
    /// survives a crash.
    pub fn append(&mut self, commit: &Commit) -> Result<(), LogError> {
        let payload =
            serde_json::to_vec(commit).expect("a commit of JSON values always serialises");
        self.write_record(COMMIT, &payload)?;
        self.commits += 1;
        Ok(())
    }

    /// Notes that the data files are about to be replaced by files whose fingerprint is
    /// `target` (see the module doc).
    pub fn begin_checkpoint(&mut self, target: u64) -> Result<(), LogError> {
        self.write_record(CHECKPOINT, &target.to_le_bytes())
    }

    /// Starts the log afresh for data files whose fingerprint is `files` (after a
    /// checkpoint wrote everything into them).
    pub fn restart(&mut self, files: u64) -> Result<(), LogError> {
        *self = TransactionLog::start(&self.folder, files)?;
        Ok(())
    }

    fn write_record(&mut self, kind: u8, payload: &[u8]) -> Result<(), LogError> {
        let path = self.folder.join(LOG_FILE);
        let length = u32::try_from(payload.len())
            .ok()
            .filter(|length| *length <= MAX_RECORD_BYTES)
            .ok_or_else(|| LogError::Io {
                path: path.display().to_string(),
                error: io::Error::other("a commit larger than 2 GiB cannot be logged"),
            })?;
        let mut record = Vec::with_capacity(payload.len() + 9);
        record.push(kind);
        record.extend_from_slice(&length.to_le_bytes());
        record.extend_from_slice(&crc32fast::hash(payload).to_le_bytes());
        record.extend_from_slice(payload);
        let written = self.file.write_all(&record).and_then(|()| self.file.sync_data());
        if let Err(error) = written {
            // Leave no half record behind for the next commit to follow.
            let _ = self.file.set_len(self.length);
            let _ = self.seek_end();
            return Err(io_error(&path)(error));
        }
        self.length += record.len() as u64;
        Ok(())
    }

    /// Bytes in the log now.
    pub fn length(&self) -> u64 {
        self.length
    }

    /// Commits appended since the log began.
    pub fn commits(&self) -> usize {
        self.commits
    }
}

fn sync_folder(folder: &Path) -> Result<(), LogError> {
    File::open(folder).and_then(|dir| dir.sync_all()).map_err(io_error(folder))
}
