//! Damaged and hostile stored data.
