//! Loading configuration: the site file `loggia.yaml` ([`site`]), suites and their layering
//! ([`suite`]), and the shape of one test config ([`test`]). Everything is read into the located
//! YAML tree of [`yaml`] first, so every error can point at `file:line:col`.

pub mod site;
pub mod suite;
pub mod test;
pub mod yaml;

pub use yaml::ConfigError;
