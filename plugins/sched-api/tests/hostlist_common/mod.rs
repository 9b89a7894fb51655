//! Shared by the Slurm conformance tests (SCHEDULING.md §7.4): the seeded case generator, the
//! fixture line format, and the rule checks R1, R2 (with the R3 strictness), R4 and R5.
//!
//! Two test crates include this module: `hostlist_conformance` (checks the recorded fixture,
//! needs no Slurm) and `hostlist_live` (asks the real `scontrol`). Each uses only part of it.
#![allow(dead_code)]

pub mod cases;
pub mod fixture;
pub mod rules;
