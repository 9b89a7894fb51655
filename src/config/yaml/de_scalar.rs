//! Deserializing one piece of text (a scalar value, a mapping key or an enum variant name) into
//! whatever the target type asks for: text, a boolean (spec Y6), a number, a unit enum variant.
//!
//! Numbers are parsed from the source text here, at typing time, never at load time (spec Y2 Δ).

use std::fmt::Display;
use std::str::FromStr;

use serde::de::{DeserializeSeed, Deserializer, EnumAccess, VariantAccess, Visitor};

use super::error::{one_of, ConfigError, ErrorKind};
use super::located::{offer, Handoff, LOCATED};
use super::node::quote_excerpt;
use super::path::KeyPath;
use super::source::Span;

/// Text at a place: a scalar's, a key's or a variant's.
#[derive(Clone, Copy)]
pub(crate) struct ScalarDe<'a> {
    pub(crate) text: &'a str,
    pub(crate) span: &'a Span,
    pub(crate) path: &'a KeyPath<'a>,
}

/// The boolean spellings of spec Y6 (`True`/`False` from Y2 included), in any case.
pub(crate) fn parse_bool(text: &str) -> Option<bool> {
    if ["true", "yes"].iter().any(|t| t.eq_ignore_ascii_case(text)) {
        Some(true)
    } else if ["false", "no"].iter().any(|f| f.eq_ignore_ascii_case(text)) {
        Some(false)
    } else {
        None
    }
}

/// An integer of type `T` from text, with a message naming the accepted range when the text is a
/// number that does not fit.
fn parse_integer<T: FromStr + Display>(text: &str, min: T, max: T) -> Result<T, ConfigError> {
    if let Ok(value) = text.parse::<T>() {
        return Ok(value);
    }
    let found = quote_excerpt(text);
    if text.parse::<i128>().is_ok() || text.parse::<u128>().is_ok() {
        let mut err =
            ConfigError::expected_found(&format!("an integer from {min} to {max}"), &found);
        err.kind = ErrorKind::InvalidValue;
        Err(err)
    } else {
        Err(ConfigError::expected_found("an integer", &found))
    }
}

/// A float from text; YAML's `.inf`/`.nan` spellings are accepted besides Rust's.
fn parse_float(text: &str) -> Result<f64, ConfigError> {
    let yaml_special = match text {
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Some(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Some(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => Some(f64::NAN),
        _ => None,
    };
    yaml_special
        .or_else(|| text.parse::<f64>().ok())
        .ok_or_else(|| ConfigError::expected_found("a number", &quote_excerpt(text)))
}

impl<'a> ScalarDe<'a> {
    pub(crate) fn new(text: &'a str, span: &'a Span, path: &'a KeyPath<'a>) -> Self {
        ScalarDe { text, span, path }
    }

    fn fail(&self, err: ConfigError) -> ConfigError {
        err.locate(self.span, self.path)
    }

    fn type_error(&self, what: &str) -> ConfigError {
        self.fail(ConfigError::expected_found(what, &quote_excerpt(self.text)))
    }
}

macro_rules! integer {
    ($($method:ident $visit:ident $ty:ty;)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ConfigError> {
            let value = parse_integer::<$ty>(self.text, <$ty>::MIN, <$ty>::MAX)
                .map_err(|err| self.fail(err))?;
            visitor.$visit(value).map_err(|err| self.fail(err))
        }
    )*};
}

impl<'de> Deserializer<'de> for ScalarDe<'_> {
    type Error = ConfigError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ConfigError> {
        visitor.visit_str(self.text).map_err(|err| self.fail(err))
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ConfigError> {
        match parse_bool(self.text) {
            Some(value) => visitor.visit_bool(value).map_err(|err| self.fail(err)),
            None => Err(self.type_error("a boolean (true, false, yes or no)")),
        }
    }

    integer! {
        deserialize_i8 visit_i8 i8;
        deserialize_i16 visit_i16 i16;
        deserialize_i32 visit_i32 i32;
        deserialize_i64 visit_i64 i64;
        deserialize_i128 visit_i128 i128;
        deserialize_u8 visit_u8 u8;
        deserialize_u16 visit_u16 u16;
        deserialize_u32 visit_u32 u32;
        deserialize_u64 visit_u64 u64;
        deserialize_u128 visit_u128 u128;
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ConfigError> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ConfigError> {
        let value = parse_float(self.text).map_err(|err| self.fail(err))?;
        visitor.visit_f64(value).map_err(|err| self.fail(err))
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ConfigError> {
        let mut chars = self.text.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) => visitor.visit_char(c).map_err(|err| self.fail(err)),
            _ => Err(self.type_error("a single character")),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ConfigError> {
        visitor.visit_str(self.text).map_err(|err| self.fail(err))
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ConfigError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ConfigError> {
        visitor
            .visit_bytes(self.text.as_bytes())
            .map_err(|err| self.fail(err))
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ConfigError> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ConfigError> {
        visitor.visit_some(self).map_err(|err| self.fail(err))
    }

    fn deserialize_unit<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, ConfigError> {
        Err(self.type_error("an empty value"))
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, ConfigError> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, ConfigError> {
        if name == LOCATED {
            offer(Handoff::Span(self.span.clone()));
        }
        visitor
            .visit_newtype_struct(self)
            .map_err(|err| self.fail(err))
    }

    fn deserialize_seq<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, ConfigError> {
        Err(self.type_error("a list"))
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        _visitor: V,
    ) -> Result<V::Value, ConfigError> {
        Err(self.type_error("a list"))
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        _visitor: V,
    ) -> Result<V::Value, ConfigError> {
        Err(self.type_error("a list"))
    }

    fn deserialize_map<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, ConfigError> {
        Err(self.type_error("a mapping"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, ConfigError> {
        Err(self.type_error("a mapping"))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ConfigError> {
        visitor.visit_enum(self).map_err(|err| self.fail(err))
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ConfigError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ConfigError> {
        visitor.visit_unit()
    }
}

/// A bare scalar names a unit variant.
impl<'de> EnumAccess<'de> for ScalarDe<'_> {
    type Error = ConfigError;
    type Variant = Self;

    fn variant_seed<S: DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<(S::Value, Self), ConfigError> {
        let variant = seed.deserialize(self)?;
        Ok((variant, self))
    }
}

impl<'de> VariantAccess<'de> for ScalarDe<'_> {
    type Error = ConfigError;

    fn unit_variant(self) -> Result<(), ConfigError> {
        Ok(())
    }

    fn newtype_variant_seed<S: DeserializeSeed<'de>>(
        self,
        _seed: S,
    ) -> Result<S::Value, ConfigError> {
        Err(self.needs_value())
    }

    fn tuple_variant<V: Visitor<'de>>(
        self,
        _len: usize,
        _visitor: V,
    ) -> Result<V::Value, ConfigError> {
        Err(self.needs_value())
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, ConfigError> {
        Err(self.needs_value())
    }
}

impl ScalarDe<'_> {
    fn needs_value(&self) -> ConfigError {
        let message = format!(
            "'{}' needs a value, written as '{}: <value>'",
            self.text, self.text
        );
        self.fail(ConfigError::new(ErrorKind::InvalidType, message))
    }
}

/// The error for an enum given as something other than a name or a one-key mapping.
pub(crate) fn enum_shape_error(found: &str, variants: &'static [&'static str]) -> ConfigError {
    ConfigError::expected_found("a name", found).with_expected(one_of(variants))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn booleans_accept_y6_spellings_only() {
        for t in ["true", "True", "TRUE", "yes", "Yes", "YES"] {
            assert_eq!(parse_bool(t), Some(true), "{t}");
        }
        for f in ["false", "False", "no", "NO"] {
            assert_eq!(parse_bool(f), Some(false), "{f}");
        }
        for other in ["on", "off", "1", "0", "y", ""] {
            assert_eq!(parse_bool(other), None, "{other}");
        }
    }

    #[test]
    fn integers_parse_decimal_text() {
        assert_eq!(parse_integer::<u32>("010", 0, u32::MAX).ok(), Some(10));
        assert_eq!(
            parse_integer::<i64>("-5", i64::MIN, i64::MAX).ok(),
            Some(-5)
        );
        let err = parse_integer::<u8>("300", 0, u8::MAX).err();
        assert_eq!(
            err.map(|e| (e.kind, e.message.clone())),
            Some((
                ErrorKind::InvalidValue,
                "expected an integer from 0 to 255, found '300'".to_owned()
            ))
        );
        let err = parse_integer::<u64>("abc", 0, u64::MAX).err();
        assert_eq!(
            err.map(|e| (e.kind, e.message.clone())),
            Some((
                ErrorKind::InvalidType,
                "expected an integer, found 'abc'".to_owned()
            ))
        );
        let err = parse_integer::<u64>("1.5", 0, u64::MAX).err();
        assert_eq!(
            err.map(|e| e.message.clone()),
            Some("expected an integer, found '1.5'".to_owned())
        );
    }

    #[test]
    fn floats_accept_rust_and_yaml_spellings() {
        assert_eq!(parse_float("1.50").ok(), Some(1.5));
        assert_eq!(parse_float("-.inf").ok(), Some(f64::NEG_INFINITY));
        assert!(parse_float(".nan").is_ok_and(f64::is_nan));
        assert_eq!(
            parse_float("fast").err().map(|e| e.message.clone()),
            Some("expected a number, found 'fast'".to_owned())
        );
    }
}
