//! loggia
