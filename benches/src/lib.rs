//! Benchmarks live in `benches/`; this crate holds only the workloads they share with the
//! examples that measure the same thing another way.

pub mod campaign_workload;
pub mod engine_workload;
