//! The command line's arguments as clap reads them: pure data, no behaviour.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use korpu::render::Format;

#[derive(Parser, Debug)]
#[command(name = "korpu", version, about = "Ask relationship questions of a knowledge graph in openCypher", long_about = None, after_help = "Without a command, korpu opens the interactive shell on the bundled graph (type :help there).\nExamples:\n  korpu query \"MATCH (p:Person)-[:LEADS]->(o) RETURN p.name, o.name\"\n  korpu run queries/*.cypher\n  korpu find \"ilham ismayilov\"")]
pub(crate) struct Args {
    /// Load this graph (a JSON file, or a folder of them) instead of the bundled one.
    #[arg(long, global = true, value_name = "PATH", conflicts_with = "empty")]
    pub data: Option<PathBuf>,
    /// Start with an empty graph.
    #[arg(long, global = true)]
    pub empty: bool,
    /// Output format: table (the default), json, csv or dot for results; cypher (the
    /// default) or json for `export`.
    #[arg(long, global = true, value_enum)]
    pub format: Option<FormatArg>,
    /// A query parameter, VALUE in Cypher literal syntax (repeatable): --param name='Bakı'
    #[arg(long = "param", global = true, value_name = "NAME=VALUE")]
    pub params: Vec<String>,
    /// Query parameters from a JSON object file.
    #[arg(long = "params", global = true, value_name = "FILE")]
    pub params_file: Option<PathBuf>,
    /// The folder LOAD CSV reads files from (`file:///x.csv` is DIR/x.csv); paths that
    /// leave it are refused. Default: the current directory, except for `serve`, whose
    /// clients may LOAD CSV only when this is given.
    #[arg(long = "import-dir", global = true, value_name = "DIR")]
    pub import_dir: Option<PathBuf>,
    /// Print load and per-statement timings to stderr.
    #[arg(long, global = true)]
    pub timing: bool,
    /// Cancel any statement that runs longer than this.
    #[arg(long, global = true, value_name = "SECONDS")]
    pub timeout: Option<f64>,
    /// DOT captions: Azerbaijani names (az) or English (en).
    #[arg(long, global = true, value_enum, default_value = "az")]
    pub lang: Language,
    /// DOT: group nodes by the country they are located in.
    #[arg(long = "cluster-by", global = true, value_enum)]
    pub cluster_by: Option<ClusterBy>,
    /// DOT: render with Graphviz into an image instead of printing DOT text.
    #[arg(long, global = true, value_enum, requires = "output")]
    pub render: Option<ImageFormat>,
    /// Where --render writes the image.
    #[arg(short = 'o', long = "output", global = true, value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// What `--format` accepts: the result formats, plus `cypher`, which only `export` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum FormatArg {
    Table,
    Json,
    Csv,
    Dot,
    Cypher,
}

impl Args {
    /// How results are printed. `run` refuses `--format cypher` before any result
    /// exists, and `--render` draws the DOT of the results.
    pub(crate) fn output_format(&self) -> Format {
        match self.format {
            Some(FormatArg::Json) => Format::Json,
            Some(FormatArg::Csv) => Format::Csv,
            Some(FormatArg::Dot) => Format::Dot,
            None if self.render.is_some() => Format::Dot,
            None | Some(FormatArg::Table | FormatArg::Cypher) => Format::Table,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum Language {
    Az,
    En,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum ClusterBy {
    Country,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum ImageFormat {
    Svg,
    Png,
}

#[derive(Subcommand, Debug)]
pub(crate) enum Command {
    /// Run one query and print its result.
    Query {
        /// The query text.
        text: String,
    },
    /// Run a saved script (statements end with `;`); `-` reads stdin.
    Run {
        /// Script files, run in order (`-` reads stdin); each starts from the
        /// command line's parameters.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<String>,
        /// Keep going after a failing statement (still exits non-zero).
        #[arg(long = "continue")]
        keep_going: bool,
        /// Write the changes into the --data folder when every statement succeeded
        /// (one failure and nothing is written).
        #[arg(long)]
        save: bool,
    },
    /// Search entities by name, tolerant of case, diacritics, English spellings and typos.
    Find {
        /// What to look for.
        text: Vec<String>,
        /// How many hits to show.
        #[arg(long, default_value_t = 10)]
        limit: usize,
    },
    /// Validate the data and print counts per label and relationship type.
    Check,
    /// Write the whole graph as a CREATE script (--format cypher, the default) or graph-data JSON (--format json).
    Export {
        /// The database the cypher script is for: neo4j (also loads in Memgraph and
        /// Körpü) or kuzu (adds the table schema Kùzu needs).
        #[arg(long, value_enum)]
        dialect: Option<Dialect>,
        /// The earlier spelling of --format for export.
        #[arg(long = "as", value_enum, hide = true)]
        export_format: Option<ExportFormat>,
    },
    /// Serve the graph: the web explorer over HTTP, and Bolt for the Neo4j drivers.
    ///
    /// With neither --http nor --bolt, serves HTTP on 127.0.0.1:7474. Prints the URL once
    /// listening and runs until Ctrl-C.
    Serve {
        /// Serve the web explorer and its JSON API here (port 0 picks a free port).
        #[arg(long, value_name = "ADDR", num_args = 0..=1, default_missing_value = "127.0.0.1:7474")]
        http: Option<String>,
        /// Serve the Bolt protocol here.
        #[arg(long, value_name = "ADDR", num_args = 0..=1, default_missing_value = "127.0.0.1:7687")]
        bolt: Option<String>,
        /// Open the explorer in the system's browser.
        #[arg(long)]
        open: bool,
        /// Accept statements that change the data or the schema, over every protocol;
        /// without it each is refused as on a read-only database. The explorer's printed
        /// URL then carries the token every request must present.
        #[arg(long)]
        allow_writes: bool,
        /// Require basic authentication from Bolt clients: one `user:password` per line
        /// (the password as an argon2 hash, as `korpu passwd` writes it, or as written).
        #[arg(long, value_name = "FILE")]
        auth_file: Option<PathBuf>,
        /// Serve `bolt+s://` and `https://` with this certificate chain (PEM).
        #[arg(long, value_name = "FILE", requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// The private key (PEM) of --tls-cert.
        #[arg(long, value_name = "FILE", requires = "tls_cert")]
        tls_key: Option<PathBuf>,
        /// Allow listening on an address other machines can reach without TLS (and, for
        /// Bolt, without --auth-file): anyone on the network can then read the traffic.
        #[arg(long)]
        insecure: bool,
    },
    /// Set a user's password in an auth file (stored as an argon2 hash), reading the
    /// password from standard input: `printf '%s\n' "$PASSWORD" | korpu passwd anna
    /// --auth-file users`.
    Passwd {
        /// The user whose password to set (added when the file does not name them).
        user: String,
        /// The auth file to change (made, readable by its owner only, when missing).
        #[arg(long, value_name = "FILE")]
        auth_file: PathBuf,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum ExportFormat {
    Cypher,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum Dialect {
    /// Neo4j and Memgraph (one script serves both).
    #[value(alias = "memgraph")]
    Neo4j,
    /// Kùzu: a typed node table per label combination and a rel table per type, then the data.
    Kuzu,
}
