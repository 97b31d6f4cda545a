//! What every bench shares: the seeded graph factory (`generator`) and the ten benchmark
//! questions written against the graph it makes (`questions`).

pub(crate) mod generator;
pub(crate) mod questions;
