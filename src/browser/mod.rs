//! The thin layer that touches the browser: DOM selections, localStorage,
//! file downloads, clocks and ids. Everything else stays pure.

pub mod download;
pub mod files;
pub mod lifecycle;
pub mod near_viewport;
pub mod selection;
pub mod stamp;
pub mod storage;
