pub mod graph;
pub mod load;
pub mod query;
