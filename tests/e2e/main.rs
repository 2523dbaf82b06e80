#![cfg(not(target_arch = "wasm32"))]
//! End-to-end tests: the real Trunk-built app (`dist/`), served over HTTP and
//! driven through WebDriver in headless Chromium and headless Firefox.

mod core_loop;
mod selftest;
mod support;
