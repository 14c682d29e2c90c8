//! mullama-node: the napi-rs binding of mullama. All of it is generated (see `generated/`).
#![deny(clippy::all)]

mod generated;
