//! The correlation graph around one event, to a given depth, and its
//! Graphviz DOT rendering (JSON is left to the caller's serialiser). The
//! exploration asks one event at a time, so it runs on the in-memory index
//! or on the store alike.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::convert::Infallible;
use std::fmt::Write;

use super::engine::Correlation;
use super::exclusion::Exclusions;
use super::index::{CorrelationIndex, EventId};
use super::{CorrelationOptions, Relation};

/// An edge between two related events.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GraphEdge {
    /// The event nearer the start (or the lower id at equal distance).
    pub from: u64,
    /// The other event.
    pub to: u64,
    /// How many values `from` shares with `to`.
    pub shared: usize,
    /// The relations involved, sorted.
    pub relations: Vec<Relation>,
}

/// The events reachable from a start event within a depth, and the edges
/// between them found while exploring. Events are numbered as the source
/// that answered numbers them (index positions, store ids).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CorrelationGraph {
    /// Events with their distance from the start, in discovery order.
    pub nodes: Vec<(u64, usize)>,
    /// Edges, each pair once.
    pub edges: Vec<GraphEdge>,
}

impl CorrelationGraph {
    /// Explores the in-memory index from `start` breadth-first, following
    /// relations up to `depth` hops (0 gives the start alone).
    pub fn explore(
        index: &CorrelationIndex,
        start: EventId,
        depth: usize,
        options: &CorrelationOptions,
        exclusions: &Exclusions,
    ) -> CorrelationGraph {
        let related = |event: u64| -> Result<Correlation, Infallible> {
            Ok(index.related(event as EventId, options, exclusions))
        };
        match CorrelationGraph::explore_with(start as u64, depth, related) {
            Ok(graph) => graph,
            Err(never) => match never {},
        }
    }

    /// Explores from `start` with `related` answering for one event at a
    /// time, so a store can answer by index lookups and only the events
    /// within reach are ever read.
    pub fn explore_with<E>(
        start: u64,
        depth: usize,
        mut related: impl FnMut(u64) -> Result<Correlation, E>,
    ) -> Result<CorrelationGraph, E> {
        let mut distance = BTreeMap::from([(start, 0usize)]);
        let mut nodes = vec![(start, 0)];
        let mut edges = Vec::new();
        let mut seen_edges = BTreeSet::new();
        let mut queue = VecDeque::from([start]);
        while let Some(event) = queue.pop_front() {
            let d = distance[&event];
            if d >= depth {
                continue;
            }
            for related in related(event)?.related {
                let other = related.event;
                let pair = (event.min(other), event.max(other));
                if seen_edges.insert(pair) {
                    let relations: BTreeSet<Relation> =
                        related.values.iter().map(|v| v.relation).collect();
                    edges.push(GraphEdge {
                        from: event,
                        to: other,
                        shared: related.shared,
                        relations: relations.into_iter().collect(),
                    });
                }
                if let std::collections::btree_map::Entry::Vacant(slot) = distance.entry(other) {
                    slot.insert(d + 1);
                    nodes.push((other, d + 1));
                    queue.push_back(other);
                }
            }
        }
        Ok(CorrelationGraph { nodes, edges })
    }

    /// The graph in Graphviz DOT: nodes named by uuid and labelled with
    /// their `info` (`label` gives both for an event), edges with the
    /// shared count and relations.
    pub fn to_dot<'a>(&self, label: impl Fn(u64) -> (&'a str, &'a str)) -> String {
        let mut out = String::from("graph correlation {\n  node [shape=box];\n");
        for &(event, distance) in &self.nodes {
            let style = if distance == 0 { ", style=bold" } else { "" };
            let (uuid, info) = label(event);
            let _ = writeln!(
                out,
                "  \"{}\" [label=\"{}\"{style}];",
                dot_escape(uuid),
                dot_escape(info)
            );
        }
        for edge in &self.edges {
            let relations: Vec<&str> = edge.relations.iter().map(|r| r.name()).collect();
            let _ = writeln!(
                out,
                "  \"{}\" -- \"{}\" [label=\"{} ({})\"];",
                dot_escape(label(edge.from).0),
                dot_escape(label(edge.to).0),
                edge.shared,
                relations.join(", ")
            );
        }
        out.push_str("}\n");
        out
    }
}

fn dot_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}
