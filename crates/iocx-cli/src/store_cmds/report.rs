//! Turning an engine answer over the store into what the commands print:
//! related events with uuid and info, and the notes on over-correlating
//! and excluded values.

use std::io::Write;

use anyhow::Result;
use iocx_core::correlate::Correlation;
use iocx_store::Store;
use serde::Serialize;

/// A related event ready to print.
pub struct RelatedView {
    pub uuid: String,
    pub info: String,
    pub shared: usize,
    pub values: Vec<SharedView>,
}

/// One shared value: the queried side's value and type, the relation, and
/// the related event's attribute value it meets.
#[derive(Serialize)]
pub struct SharedView {
    pub value: String,
    #[serde(rename = "type")]
    pub misp_type: String,
    pub relation: &'static str,
    #[serde(skip)]
    pub other: String,
}

/// Resolves the store ids in `found` to uuids, infos and attribute values.
pub fn related_views(store: &Store, found: &Correlation) -> Result<Vec<RelatedView>> {
    let mut views = Vec::with_capacity(found.related.len());
    for related in &found.related {
        let event = store
            .event(related.event as i64)?
            .ok_or_else(|| anyhow::anyhow!("event {} vanished during the query", related.event))?;
        let mut values = Vec::with_capacity(related.values.len());
        for shared in &related.values {
            let (_, other) = store.attribute(shared.other.attribute as i64)?;
            values.push(SharedView {
                value: shared.value.to_string(),
                misp_type: shared.misp_type.to_string(),
                relation: shared.relation.name(),
                other,
            });
        }
        views.push(RelatedView {
            uuid: event.uuid,
            info: event.info,
            shared: related.shared,
            values,
        });
    }
    Ok(views)
}

/// Writes one note line per over-correlating and per excluded value.
pub fn write_notes(out: &mut dyn Write, found: &Correlation) -> std::io::Result<()> {
    for over in &found.over_correlating {
        writeln!(
            out,
            "over-correlating: {} ({}) is in {}",
            over.value,
            over.misp_type,
            count(over.events, "other event")
        )?;
    }
    for excluded in &found.excluded {
        writeln!(
            out,
            "excluded: {} ({}) by {}",
            excluded.value, excluded.misp_type, excluded.reason
        )?;
    }
    Ok(())
}

/// `1 event`, `2 events`.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
