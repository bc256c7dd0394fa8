//! Writing MISP event JSON: from iocx's extraction results, or from the model.
//!
//! The output is the minimal form MISP's and PyMISP's loaders accept:
//! `{"Event": {"info", "date", "uuid", "Attribute": [...]}}`, each attribute
//! with `type`, MISP's default `category` and `to_ids` for that type, the
//! canonical `value`, the raw (possibly defanged) text in `comment`, and a
//! `uuid`. Fields the model does not know are not invented.

use std::collections::HashSet;
use std::io::Write;
use std::time::{SystemTime, UNIX_EPOCH};

use iocx_core::Match;
use serde_json::{json, Map, Value};

use crate::model::{Attribute, Event};
use crate::normalize::normalize_value;
use crate::types::{misp_type_for, type_defaults};

/// A new event (fresh uuid, today's UTC date) holding one attribute per
/// distinct (type, value) among `matches`, in input order. Each match comes
/// with its raw text as written in the input, which becomes the comment.
pub fn event_from_matches(info: &str, matches: &[(Match, String)]) -> Event {
    let mut seen = HashSet::new();
    let mut attributes = Vec::new();
    for (found, raw) in matches {
        let misp_type = misp_type_for(found.kind, &found.value);
        let value = normalize_value(misp_type, &found.value);
        if !seen.insert((misp_type, value.clone())) {
            continue;
        }
        // Every type misp_type_for returns is in MISP's table (a test checks).
        let defaults = type_defaults(misp_type);
        attributes.push(Attribute {
            uuid: Some(uuid::Uuid::new_v4().to_string()),
            misp_type: misp_type.to_string(),
            category: defaults.map(|d| d.default_category.to_string()),
            value,
            to_ids: defaults.is_some_and(|d| d.to_ids),
            comment: raw.clone(),
            ..Attribute::default()
        });
    }
    Event {
        uuid: Some(uuid::Uuid::new_v4().to_string()),
        info: info.to_string(),
        date: Some(today()),
        attributes,
        ..Event::default()
    }
}

/// Today's date in UTC as `YYYY-MM-DD`.
pub fn today() -> String {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    date_of_day(seconds / 86_400)
}

/// The proleptic Gregorian date of day `days` after 1970-01-01.
fn date_of_day(days: u64) -> String {
    // Counts in 400-year eras starting on 0000-03-01, so that the leap day
    // falls at the end of each year of the count.
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// The event as MISP JSON, wrapped as `{"Event": {...}}`.
pub fn event_json(event: &Event) -> Value {
    let mut body = Map::new();
    body.insert("info".into(), json!(event.info));
    if let Some(date) = &event.date {
        body.insert("date".into(), json!(date));
    }
    if let Some(uuid) = &event.uuid {
        body.insert("uuid".into(), json!(uuid));
    }
    if let Some(timestamp) = event.timestamp {
        body.insert("timestamp".into(), json!(timestamp.to_string()));
    }
    if event.published {
        body.insert("published".into(), json!(true));
    }
    if event.disable_correlation {
        body.insert("disable_correlation".into(), json!(true));
    }
    if let Some(orgc) = &event.orgc {
        body.insert("Orgc".into(), json!({ "name": orgc }));
    }
    if !event.tags.is_empty() {
        body.insert("Tag".into(), tags_json(&event.tags));
    }
    let top: Vec<Value> = event
        .attributes
        .iter()
        .filter(|a| a.object.is_none())
        .map(attribute_json)
        .collect();
    body.insert("Attribute".into(), Value::Array(top));
    if !event.objects.is_empty() {
        let objects = event
            .objects
            .iter()
            .enumerate()
            .map(|(index, object)| {
                let attributes: Vec<Value> = event
                    .attributes
                    .iter()
                    .filter(|a| a.object.as_ref().is_some_and(|o| o.index == index))
                    .map(attribute_json)
                    .collect();
                let mut entry = Map::new();
                entry.insert("name".into(), json!(object.name));
                if let Some(uuid) = &object.uuid {
                    entry.insert("uuid".into(), json!(uuid));
                }
                if object.deleted {
                    entry.insert("deleted".into(), json!(true));
                }
                entry.insert("Attribute".into(), Value::Array(attributes));
                Value::Object(entry)
            })
            .collect();
        body.insert("Object".into(), Value::Array(objects));
    }
    json!({ "Event": Value::Object(body) })
}

fn tags_json(tags: &[String]) -> Value {
    tags.iter().map(|name| json!({ "name": name })).collect()
}

fn attribute_json(attribute: &Attribute) -> Value {
    let mut entry = Map::new();
    entry.insert("type".into(), json!(attribute.misp_type));
    if let Some(category) = &attribute.category {
        entry.insert("category".into(), json!(category));
    }
    entry.insert("to_ids".into(), json!(attribute.to_ids));
    entry.insert("value".into(), json!(attribute.value));
    entry.insert("comment".into(), json!(attribute.comment));
    if let Some(uuid) = &attribute.uuid {
        entry.insert("uuid".into(), json!(uuid));
    }
    if let Some(timestamp) = attribute.timestamp {
        entry.insert("timestamp".into(), json!(timestamp.to_string()));
    }
    if attribute.disable_correlation {
        entry.insert("disable_correlation".into(), json!(true));
    }
    if let Some(relation) = attribute.object_relation() {
        entry.insert("object_relation".into(), json!(relation));
    }
    if !attribute.tags.is_empty() {
        entry.insert("Tag".into(), tags_json(&attribute.tags));
    }
    Value::Object(entry)
}

/// Writes the event as pretty-printed MISP JSON followed by a newline.
pub fn write_event<W: Write>(event: &Event, mut out: W) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut out, &event_json(event))?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::date_of_day;

    #[test]
    fn civil_dates() {
        assert_eq!(date_of_day(0), "1970-01-01");
        assert_eq!(date_of_day(59), "1970-03-01");
        assert_eq!(date_of_day(11_016), "2000-02-29");
        assert_eq!(date_of_day(19_782), "2024-02-29");
        assert_eq!(date_of_day(19_783), "2024-03-01");
        assert_eq!(date_of_day(20_088), "2024-12-31");
    }
}
