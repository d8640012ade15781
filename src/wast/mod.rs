//! Spec scripts.
