//! placeholder during bring-up
pub mod ffi;
