//! Reading the store: events, value search, and correlation by index
//! lookups through the core engine.

use iocx_core::correlate::{
    correlate, correlate_skipping, search_keys, AttributeInput, Correlation, CorrelationOptions,
    EventInput, Exclusions, Holder, IpNet, KeyRole, PostingSource,
};
use iocx_core::CorrelationIndex;
use rusqlite::{params, Connection, OptionalExtension, Row, Transaction, TransactionBehavior};

use crate::error::{AtPath, StoreError};
use crate::{network_row, Store};

/// One stored event with its attribute count.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventRow {
    /// The store's id (the numeric EVENT argument).
    pub id: i64,
    /// The event uuid.
    pub uuid: String,
    /// The event title.
    pub info: String,
    /// The event date.
    pub date: String,
    /// MISP's timestamp.
    pub timestamp: i64,
    /// Number of attributes.
    pub attributes: usize,
    /// The event-level `disable_correlation`.
    pub disable_correlation: bool,
}

/// An attribute holding a searched value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchHit {
    /// The value as the user gave it.
    pub query: String,
    /// The event holding it.
    pub event: EventRow,
    /// The attribute's MISP type.
    pub misp_type: String,
    /// The attribute's stored value (a composite shows both parts).
    pub value: String,
}

const EVENT_COLUMNS: &str = "e.id, e.uuid, e.info, e.date, e.timestamp, e.disable_correlation, (SELECT COUNT(*) FROM attributes a WHERE a.event_id = e.id)";

fn event_row(r: &Row<'_>) -> rusqlite::Result<EventRow> {
    Ok(EventRow {
        id: r.get(0)?,
        uuid: r.get(1)?,
        info: r.get(2)?,
        date: r.get(3)?,
        timestamp: r.get(4)?,
        disable_correlation: r.get(5)?,
        attributes: r.get::<_, i64>(6)? as usize,
    })
}

impl Store {
    /// All events, oldest id first.
    pub fn events(&self) -> Result<Vec<EventRow>, StoreError> {
        let sql = format!("SELECT {EVENT_COLUMNS} FROM events e ORDER BY e.id");
        let mut stmt = self.conn.prepare(&sql).at(&self.path)?;
        let rows = stmt.query_map([], event_row).at(&self.path)?;
        rows.collect::<Result<_, _>>().at(&self.path)
    }

    /// The event with this id.
    pub fn event(&self, id: i64) -> Result<Option<EventRow>, StoreError> {
        let sql = format!("SELECT {EVENT_COLUMNS} FROM events e WHERE e.id = ?1");
        self.conn
            .query_row(&sql, [id], event_row)
            .optional()
            .at(&self.path)
    }

    /// The events an EVENT argument names: a uuid, a numeric id, or an
    /// exact `info` (which may name several).
    pub fn resolve_event(&self, arg: &str) -> Result<Vec<EventRow>, StoreError> {
        let by = |column: &str, value: &dyn rusqlite::ToSql| -> Result<Vec<EventRow>, StoreError> {
            let sql =
                format!("SELECT {EVENT_COLUMNS} FROM events e WHERE e.{column} = ?1 ORDER BY e.id");
            let mut stmt = self.conn.prepare(&sql).at(&self.path)?;
            let rows = stmt.query_map([value], event_row).at(&self.path)?;
            rows.collect::<Result<_, _>>().at(&self.path)
        };
        let found = by("uuid", &arg.to_ascii_lowercase())?;
        if !found.is_empty() {
            return Ok(found);
        }
        if let Ok(id) = arg.parse::<i64>() {
            let found = by("id", &id)?;
            if !found.is_empty() {
                return Ok(found);
            }
        }
        by("info", &arg)
    }

    /// An event's attributes, in their original order.
    pub fn event_input(&self, event: &EventRow) -> Result<EventInput, StoreError> {
        Ok(EventInput {
            uuid: event.uuid.clone(),
            info: event.info.clone(),
            disable_correlation: event.disable_correlation,
            attributes: load_attributes(&self.conn, event.id).at(&self.path)?,
        })
    }

    /// The (type, value) of a stored attribute.
    pub fn attribute(&self, id: i64) -> Result<(String, String), StoreError> {
        self.conn
            .query_row(
                "SELECT type, value FROM attributes WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .at(&self.path)
    }

    /// The events related to a stored event, by index lookups. Holder ids
    /// in the answer are store ids (events and attributes).
    pub fn correlate_event(
        &mut self,
        event: &EventRow,
        options: &CorrelationOptions,
        exclusions: &Exclusions,
    ) -> Result<Correlation, StoreError> {
        self.correlate_event_skipping(event, options, exclusions, &|_| false)
    }

    /// [`Store::correlate_event`] as if the events (by store id) for which
    /// `skip` holds were not stored: they neither relate nor count towards
    /// the cap. Import uses it to report only events stored before.
    pub fn correlate_event_skipping(
        &mut self,
        event: &EventRow,
        options: &CorrelationOptions,
        exclusions: &Exclusions,
        skip: &dyn Fn(u64) -> bool,
    ) -> Result<Correlation, StoreError> {
        let self_id = event.id as u64;
        let skip = |e: u64| e == self_id || skip(e);
        self.read(|store| {
            let input = store.event_input(event)?;
            let mut source = store.source()?;
            correlate_skipping(
                &mut source,
                &input.attributes,
                input.disable_correlation,
                &skip,
                options,
                exclusions,
            )
            .at(&store.path)
        })
    }

    /// The events related to a loose set of values.
    pub fn correlate_values(
        &mut self,
        attributes: &[AttributeInput],
        options: &CorrelationOptions,
        exclusions: &Exclusions,
    ) -> Result<Correlation, StoreError> {
        self.read(|store| {
            let mut source = store.source()?;
            correlate(&mut source, attributes, false, None, options, exclusions).at(&store.path)
        })
    }

    /// Runs `f` in one read transaction: the query sees one snapshot even
    /// while another process imports, and SQLite takes its locks once
    /// instead of around each of the thousands of lookups (which made the
    /// lock system calls a large part of a query).
    fn read<T>(&self, f: impl FnOnce(&Store) -> Result<T, StoreError>) -> Result<T, StoreError> {
        let tx =
            Transaction::new_unchecked(&self.conn, TransactionBehavior::Deferred).at(&self.path)?;
        let result = f(self);
        // Nothing was written: ending the transaction either way is the same.
        tx.finish().at(&self.path)?;
        result
    }

    /// The attributes holding `value` exactly (any type, any composite part).
    pub fn search(&self, value: &str) -> Result<Vec<SearchHit>, StoreError> {
        let sql = format!(
            "SELECT {EVENT_COLUMNS}, a.type, a.value FROM interned_values v \
             JOIN attribute_keys k ON k.value_id = v.id AND k.role = ?2 \
             JOIN attributes a ON a.id = k.attribute_id \
             JOIN events e ON e.id = a.event_id \
             WHERE v.value = ?1 ORDER BY e.id, a.position"
        );
        let mut stmt = self.conn.prepare_cached(&sql).at(&self.path)?;
        let mut hits: Vec<SearchHit> = Vec::new();
        for key in search_keys(value) {
            let rows = stmt
                .query_map(params![key, KeyRole::Exact.code()], |r| {
                    Ok(SearchHit {
                        query: value.to_string(),
                        event: event_row(r)?,
                        misp_type: r.get(7)?,
                        value: r.get(8)?,
                    })
                })
                .at(&self.path)?;
            for hit in rows {
                let hit = hit.at(&self.path)?;
                if !hits.iter().any(|h| {
                    h.event.id == hit.event.id
                        && h.value == hit.value
                        && h.misp_type == hit.misp_type
                }) {
                    hits.push(hit);
                }
            }
        }
        Ok(hits)
    }

    /// Builds the in-memory index of every event; element `i` of the
    /// returned ids is the store id of index event `i`.
    pub fn build_index(&self) -> Result<(CorrelationIndex, Vec<i64>), StoreError> {
        let mut index = CorrelationIndex::new();
        let mut ids = Vec::new();
        let mut stmt = self
            .conn
            .prepare("SELECT e.id, e.uuid, e.info, e.disable_correlation, a.type, a.value, a.to_ids, a.disable_correlation FROM events e LEFT JOIN attributes a ON a.event_id = e.id ORDER BY e.id, a.position")
            .at(&self.path)?;
        let mut rows = stmt.query([]).at(&self.path)?;
        let mut current: Option<(i64, EventInput)> = None;
        while let Some(r) = rows.next().at(&self.path)? {
            let id: i64 = r.get(0).at(&self.path)?;
            if current.as_ref().map(|c| c.0) != Some(id) {
                if let Some((done_id, event)) = current.take() {
                    index.add_event(&event);
                    ids.push(done_id);
                }
                let event = EventInput {
                    uuid: r.get(1).at(&self.path)?,
                    info: r.get(2).at(&self.path)?,
                    disable_correlation: r.get(3).at(&self.path)?,
                    attributes: Vec::new(),
                };
                current = Some((id, event));
            }
            let misp_type: Option<String> = r.get(4).at(&self.path)?;
            if let (Some(misp_type), Some((_, event))) = (misp_type, current.as_mut()) {
                event.attributes.push(AttributeInput {
                    misp_type,
                    value: r.get(5).at(&self.path)?,
                    to_ids: r.get(6).at(&self.path)?,
                    disable_correlation: r.get(7).at(&self.path)?,
                });
            }
        }
        if let Some((done_id, event)) = current.take() {
            index.add_event(&event);
            ids.push(done_id);
        }
        Ok((index, ids))
    }

    fn source(&self) -> Result<StoreSource<'_>, StoreError> {
        Ok(StoreSource {
            conn: &self.conn,
            // Read in the query's transaction, so a network another process
            // stored since the last query is found too.
            lengths: network_lengths(&self.conn).at(&self.path)?,
            cached: String::new(),
            cached_id: None,
        })
    }
}

fn load_attributes(conn: &Connection, event: i64) -> rusqlite::Result<Vec<AttributeInput>> {
    let mut stmt = conn.prepare_cached(
        "SELECT type, value, to_ids, disable_correlation FROM attributes WHERE event_id = ?1 ORDER BY position",
    )?;
    let rows = stmt.query_map([event], |r| {
        Ok(AttributeInput {
            misp_type: r.get(0)?,
            value: r.get(1)?,
            to_ids: r.get(2)?,
            disable_correlation: r.get(3)?,
        })
    })?;
    rows.collect()
}

/// The distinct prefix lengths of stored networks (not single addresses)
/// per family, found by one index seek per length present.
fn network_lengths(conn: &Connection) -> rusqlite::Result<[Vec<u8>; 2]> {
    let mut stmt = conn.prepare(
        "SELECT prefix_len FROM networks WHERE family = ?1 AND prefix_len > ?2 AND prefix_len < ?3 ORDER BY prefix_len LIMIT 1",
    )?;
    let mut out = [Vec::new(), Vec::new()];
    for (family, max) in [(0i64, 32i64), (1, 128)] {
        let mut after = -1i64;
        while let Some(len) = stmt
            .query_row(params![family, after, max], |r| r.get::<_, i64>(0))
            .optional()?
        {
            out[family as usize].push(len as u8);
            after = len;
        }
    }
    Ok(out)
}

/// The store as a [`PostingSource`].
struct StoreSource<'a> {
    conn: &'a Connection,
    lengths: [Vec<u8>; 2],
    /// The last value looked up and its interned id (`Some(None)`: not
    /// stored): the engine asks for one value in up to four roles in a row,
    /// and a value that is not stored at all, the common case, then costs
    /// one query instead of four.
    cached: String,
    cached_id: Option<Option<i64>>,
}

impl PostingSource for StoreSource<'_> {
    type Error = rusqlite::Error;

    fn holders(
        &mut self,
        role: KeyRole,
        value: &str,
        out: &mut Vec<Holder>,
    ) -> rusqlite::Result<()> {
        if self.cached_id.is_none() || self.cached != value {
            // Reset first so a failed query cannot leave another value's id
            // behind under this value.
            self.cached_id = None;
            let id: Option<i64> = self
                .conn
                .prepare_cached("SELECT id FROM interned_values WHERE value = ?1")?
                .query_row([value], |r| r.get(0))
                .optional()?;
            self.cached.clear();
            self.cached.push_str(value);
            self.cached_id = Some(id);
        }
        let Some(Some(value_id)) = self.cached_id else {
            return Ok(());
        };
        let mut stmt = self.conn.prepare_cached(
            "SELECT event_id, attribute_id FROM attribute_keys WHERE value_id = ?1 AND role = ?2",
        )?;
        let rows = stmt.query_map(params![value_id, role.code()], |r| {
            Ok(Holder {
                event: r.get::<_, i64>(0)? as u64,
                attribute: r.get::<_, i64>(1)? as u64,
            })
        })?;
        for row in rows {
            out.push(row?);
        }
        Ok(())
    }

    fn network_holders(
        &mut self,
        net: &IpNet,
        out: &mut Vec<(Holder, String)>,
    ) -> rusqlite::Result<()> {
        let family = net.v6 as usize;
        let row = |r: &Row<'_>| {
            Ok((
                Holder {
                    event: r.get::<_, i64>(0)? as u64,
                    attribute: r.get::<_, i64>(1)? as u64,
                },
                r.get::<_, String>(2)?,
            ))
        };
        if net.is_single() {
            let mut stmt = self.conn.prepare_cached(
                "SELECT event_id, attribute_id, value FROM networks WHERE family = ?1 AND prefix_len = ?2 AND start = ?3",
            )?;
            for &len in &self.lengths[family] {
                let (family, start) = network_row(&net.supernet(len));
                for hit in stmt.query_map(params![family, len, start], row)? {
                    out.push(hit?);
                }
            }
        } else {
            let mut stmt = self.conn.prepare_cached(
                "SELECT event_id, attribute_id, value FROM networks WHERE family = ?1 AND prefix_len = ?2 AND start BETWEEN ?3 AND ?4",
            )?;
            let (family, start) = network_row(net);
            let end = net.last().to_be_bytes();
            for hit in stmt.query_map(params![family, net.max_len(), start, end], row)? {
                out.push(hit?);
            }
        }
        Ok(())
    }
}
