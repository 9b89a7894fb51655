//! The `sim` scheduler plugin: an advanced-tier scheduler for tests and demos whose node
//! inventory comes from a file and whose jobs run as local processes.
