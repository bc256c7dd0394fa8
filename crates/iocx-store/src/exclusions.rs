//! Stored exclusion rules and warninglists, and assembling them into the
//! core's [`Exclusions`].

use iocx_core::correlate::{ExclusionRule, Exclusions, Warninglist, WarninglistKind};
use rusqlite::params;

use crate::error::{AtPath, StoreError};
use crate::{Store, WarninglistFile};

/// A stored exclusion rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExclusionRow {
    /// The pattern (`x`, `x%`, `%x`, `%x%`).
    pub pattern: String,
    /// The analyst's note.
    pub comment: String,
}

/// A stored warninglist's summary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WarninglistRow {
    /// The list's name.
    pub name: String,
    /// Its type.
    pub kind: String,
    /// Its version.
    pub version: String,
    /// Number of entries.
    pub entries: usize,
}

impl Store {
    /// Adds an exclusion rule; false when it was already there.
    pub fn add_exclusion(&mut self, pattern: &str, comment: &str) -> Result<bool, StoreError> {
        ExclusionRule::parse(pattern).map_err(|source| StoreError::Exclusion {
            path: self.path.clone(),
            source,
        })?;
        let n = self
            .conn
            .execute(
                "INSERT OR IGNORE INTO exclusions (pattern, comment) VALUES (?1, ?2)",
                params![pattern, comment],
            )
            .at(&self.path)?;
        Ok(n == 1)
    }

    /// Removes an exclusion rule; false when there was none.
    pub fn remove_exclusion(&mut self, pattern: &str) -> Result<bool, StoreError> {
        let n = self
            .conn
            .execute("DELETE FROM exclusions WHERE pattern = ?1", [pattern])
            .at(&self.path)?;
        Ok(n == 1)
    }

    /// The exclusion rules, sorted by pattern.
    pub fn exclusion_rules(&self) -> Result<Vec<ExclusionRow>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT pattern, comment FROM exclusions ORDER BY pattern")
            .at(&self.path)?;
        let rows = stmt
            .query_map([], |r| {
                Ok(ExclusionRow {
                    pattern: r.get(0)?,
                    comment: r.get(1)?,
                })
            })
            .at(&self.path)?;
        rows.collect::<Result<_, _>>().at(&self.path)
    }

    /// Stores (or replaces, by name) a warninglist, after checking that it
    /// builds (known type, regexes compile).
    pub fn load_warninglist(&mut self, list: &WarninglistFile) -> Result<(), StoreError> {
        build_list(
            &list.name,
            &list.kind,
            &list.matching_attributes,
            &list.entries,
        )
        .map_err(|source| StoreError::Exclusion {
            path: list.path.clone(),
            source,
        })?;
        let json = |v: &Vec<String>| serde_json::to_string(v).expect("strings serialise");
        self.conn
            .execute(
                "INSERT OR REPLACE INTO warninglists (name, type, version, description, matching_attributes, entries) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![list.name, list.kind, list.version, list.description, json(&list.matching_attributes), json(&list.entries)],
            )
            .at(&self.path)?;
        Ok(())
    }

    /// The stored warninglists, sorted by name.
    pub fn warninglists(&self) -> Result<Vec<WarninglistRow>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT name, type, version, json_array_length(entries) FROM warninglists ORDER BY name")
            .at(&self.path)?;
        let rows = stmt
            .query_map([], |r| {
                Ok(WarninglistRow {
                    name: r.get(0)?,
                    kind: r.get(1)?,
                    version: r.get(2)?,
                    entries: r.get::<_, i64>(3)? as usize,
                })
            })
            .at(&self.path)?;
        rows.collect::<Result<_, _>>().at(&self.path)
    }

    /// The rules and warninglists as the engine's [`Exclusions`].
    pub fn exclusions(&self) -> Result<Exclusions, StoreError> {
        let mut exclusions = Exclusions::new();
        for rule in self.exclusion_rules()? {
            exclusions
                .add_rule(&rule.pattern)
                .map_err(|source| StoreError::Exclusion {
                    path: self.path.clone(),
                    source,
                })?;
        }
        let mut stmt = self
            .conn
            .prepare(
                "SELECT name, type, matching_attributes, entries FROM warninglists ORDER BY name",
            )
            .at(&self.path)?;
        let mut rows = stmt.query([]).at(&self.path)?;
        while let Some(r) = rows.next().at(&self.path)? {
            let name: String = r.get(0).at(&self.path)?;
            let kind: String = r.get(1).at(&self.path)?;
            let parse = |i: usize| -> Result<Vec<String>, StoreError> {
                let text: String = r.get(i).at(&self.path)?;
                serde_json::from_str(&text).map_err(|e| StoreError::Corrupt {
                    path: self.path.clone(),
                    message: format!("warninglist `{name}`: {e}"),
                })
            };
            let list = build_list(&name, &kind, &parse(2)?, &parse(3)?).map_err(|source| {
                StoreError::Exclusion {
                    path: self.path.clone(),
                    source,
                }
            })?;
            exclusions.add_warninglist(list);
        }
        Ok(exclusions)
    }
}

fn build_list(
    name: &str,
    kind: &str,
    matching_attributes: &[String],
    entries: &[String],
) -> Result<Warninglist, iocx_core::correlate::ExclusionError> {
    let kind = WarninglistKind::parse(name, kind)?;
    Warninglist::new(name, kind, matching_attributes, entries)
}
