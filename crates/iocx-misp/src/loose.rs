//! Deserializers for MISP's loose typing.
//!
//! MISP and the tools around it write the same field as `"5"` or `5`, flags as
//! `true`, `"1"`, `1` or even `"True"`, and optional fields as `null`, `""` or
//! not at all. These accept every such form instead of failing the file.

use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// A string, number or bool as text; `null` as `None`.
pub(crate) fn string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    d.deserialize_any(LooseString)
}

/// A flag: bools, `0`/`1` as numbers or strings, `"true"`/`"false"` in any
/// case; `null` and `""` are false. Anything else is false as well, since a
/// flag MISP cannot read is one it treats as unset.
pub(crate) fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(match d.deserialize_any(LooseString)? {
        None => false,
        Some(text) => matches!(text.trim().to_ascii_lowercase().as_str(), "1" | "true"),
    })
}

/// A non-negative integer written as a number or a string; `None` when absent,
/// `null` or not a number.
pub(crate) fn unsigned<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Ok(d.deserialize_any(LooseString)?
        .and_then(|text| text.trim().parse::<u64>().ok()))
}

struct LooseString;

impl<'de> Visitor<'de> for LooseString {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string, number, boolean or null")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Some(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(LooseString)
    }

    // A list or object where a scalar belongs is read past and treated as
    // missing: it says nothing the model needs, and failing the whole file
    // over it would lose every other event.
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(None)
    }
}

/// A list that may also be written as `null` or be missing; elements that do
/// not fit `T` make the list fail, so use it only for lenient `T`s.
pub(crate) fn list<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

use serde::Deserialize;
