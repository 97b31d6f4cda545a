//! The single integration-test binary (`cargo test --test it`).
//!
//! Each suite lives in its own module below; add a `mod name;` line to add one.

mod architecture;
mod bolt;
mod cli;
mod crash;
mod data;
mod durability;
mod embedding;
mod explorer;
mod export;
mod fuzz_data;
mod golden;
mod load_csv;
mod neo4j_answers;
mod procedures;
mod repl;
mod robustness;
mod saving;
mod schema;
mod scripts;
mod sessions;
mod support;
mod tck;
mod temporal;
mod tls;
mod tools;
mod writes;
