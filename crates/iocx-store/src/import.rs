//! Writing events: one transaction per import, uuid-based replacement.

use std::collections::HashMap;

use iocx_core::correlate::{attribute_parts, CorrelationKey, EventInput};
use rusqlite::{params, OptionalExtension, Transaction};

use crate::error::{AtPath, StoreError};
use crate::{network_row, Store};

/// An event to import with the MISP fields the store keeps besides the
/// correlation input.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NewEvent {
    /// Uuid, info, flags and attributes.
    pub event: EventInput,
    /// The event date, `YYYY-MM-DD`.
    pub date: String,
    /// MISP's `timestamp` (seconds since the epoch); decides replacement.
    pub timestamp: i64,
}

/// What importing one event did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportOutcome {
    /// A new event with this id.
    Inserted(i64),
    /// An older event with the same uuid was replaced; its id is kept.
    Replaced(i64),
    /// The stored event has the same timestamp: nothing changed.
    Unchanged(i64),
    /// The stored event is newer: nothing changed.
    Outdated(i64),
}

impl ImportOutcome {
    /// The stored event's id after the import.
    pub fn event_id(self) -> i64 {
        match self {
            ImportOutcome::Inserted(id)
            | ImportOutcome::Replaced(id)
            | ImportOutcome::Unchanged(id)
            | ImportOutcome::Outdated(id) => id,
        }
    }

    /// True when the store changed.
    pub fn changed(self) -> bool {
        matches!(
            self,
            ImportOutcome::Inserted(_) | ImportOutcome::Replaced(_)
        )
    }
}

impl Store {
    /// Imports `events` in one transaction: either all of them are stored or,
    /// on error or crash, none. `progress` is called with the number of
    /// attributes written so far.
    pub fn import(
        &mut self,
        events: &[NewEvent],
        progress: &mut dyn FnMut(u64),
    ) -> Result<Vec<ImportOutcome>, StoreError> {
        let path = self.path.clone();
        let tx = self.conn.transaction().at(&path)?;
        let mut writer = Writer {
            tx: &tx,
            value_ids: HashMap::new(),
            written: 0,
        };
        let mut outcomes = Vec::with_capacity(events.len());
        for event in events {
            outcomes.push(writer.import_one(event, progress).at(&path)?);
        }
        drop(writer);
        tx.commit().at(&path)?;
        Ok(outcomes)
    }
}

struct Writer<'t> {
    tx: &'t Transaction<'t>,
    value_ids: HashMap<String, i64>,
    written: u64,
}

impl Writer<'_> {
    fn import_one(
        &mut self,
        new: &NewEvent,
        progress: &mut dyn FnMut(u64),
    ) -> Result<ImportOutcome, rusqlite::Error> {
        let event = &new.event;
        let existing: Option<(i64, i64)> = self
            .tx
            .query_row(
                "SELECT id, timestamp FROM events WHERE uuid = ?1",
                [&event.uuid],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        if let Some((id, timestamp)) = existing {
            if timestamp == new.timestamp {
                return Ok(ImportOutcome::Unchanged(id));
            }
            if timestamp > new.timestamp {
                return Ok(ImportOutcome::Outdated(id));
            }
        }
        let event_id = match existing {
            // A replaced event keeps its id, so a numeric EVENT argument an
            // analyst noted still names it after a feed update.
            Some((id, _)) => {
                for table in ["attribute_keys", "networks", "attributes"] {
                    self.tx
                        .execute(&format!("DELETE FROM {table} WHERE event_id = ?1"), [id])?;
                }
                self.tx.execute(
                    "UPDATE events SET info = ?2, date = ?3, timestamp = ?4, disable_correlation = ?5 WHERE id = ?1",
                    params![id, event.info, new.date, new.timestamp, event.disable_correlation],
                )?;
                id
            }
            None => {
                self.tx.execute(
                    "INSERT INTO events (uuid, info, date, timestamp, disable_correlation) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![event.uuid, event.info, new.date, new.timestamp, event.disable_correlation],
                )?;
                self.tx.last_insert_rowid()
            }
        };
        let mut insert_attribute = self.tx.prepare_cached(
            "INSERT INTO attributes (event_id, position, type, value, to_ids, disable_correlation) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        let mut insert_key = self.tx.prepare_cached(
            "INSERT OR IGNORE INTO attribute_keys (value_id, role, attribute_id, event_id) VALUES (?1, ?2, ?3, ?4)",
        )?;
        let mut insert_network = self.tx.prepare_cached(
            "INSERT INTO networks (family, prefix_len, start, attribute_id, event_id, value) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for (position, attribute) in event.attributes.iter().enumerate() {
            insert_attribute.execute(params![
                event_id,
                position as i64,
                attribute.misp_type,
                attribute.value,
                attribute.to_ids,
                attribute.disable_correlation
            ])?;
            let attribute_id = self.tx.last_insert_rowid();
            self.written += 1;
            if self.written.is_multiple_of(1024) {
                progress(self.written);
            }
            if event.disable_correlation || attribute.disable_correlation {
                continue;
            }
            for part in attribute_parts(&attribute.misp_type, &attribute.value) {
                for key in &part.keys {
                    match key {
                        CorrelationKey::Value(role, value) => {
                            let value_id = self.intern(value)?;
                            insert_key.execute(params![
                                value_id,
                                role.code(),
                                attribute_id,
                                event_id
                            ])?;
                        }
                        CorrelationKey::Network(net) => {
                            let (family, start) = network_row(net);
                            insert_network.execute(params![
                                family,
                                net.len,
                                start,
                                attribute_id,
                                event_id,
                                part.value
                            ])?;
                        }
                    }
                }
            }
        }
        progress(self.written);
        Ok(match existing {
            Some(_) => ImportOutcome::Replaced(event_id),
            None => ImportOutcome::Inserted(event_id),
        })
    }

    fn intern(&mut self, value: &str) -> Result<i64, rusqlite::Error> {
        if let Some(&id) = self.value_ids.get(value) {
            return Ok(id);
        }
        let found: Option<i64> = self
            .tx
            .prepare_cached("SELECT id FROM interned_values WHERE value = ?1")?
            .query_row([value], |r| r.get(0))
            .optional()?;
        let id = match found {
            Some(id) => id,
            None => {
                self.tx
                    .prepare_cached("INSERT INTO interned_values (value) VALUES (?1)")?
                    .execute([value])?;
                self.tx.last_insert_rowid()
            }
        };
        self.value_ids.insert(value.to_string(), id);
        Ok(id)
    }
}
