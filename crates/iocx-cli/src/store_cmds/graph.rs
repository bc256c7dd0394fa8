//! `iocx graph EVENT --format dot|json`: the correlation graph around an
//! event, to a depth.

use std::collections::HashMap;
use std::io::Write;

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use iocx_core::correlate::CorrelationGraph;
use iocx_store::Store;
use serde::Serialize;

use super::{require_event, CorrelationArgs, Outcome};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    /// Graphviz DOT.
    #[default]
    Dot,
    /// One JSON object with `nodes` and `edges`.
    Json,
}

#[derive(Args, Debug)]
pub struct GraphArgs {
    /// The event: uuid, numeric id or exact info.
    #[arg(value_name = "EVENT")]
    event: String,
    #[arg(long, value_enum, default_value_t)]
    format: GraphFormat,
    /// How many hops from the event to follow.
    #[arg(long, default_value_t = 2)]
    depth: usize,
    #[command(flatten)]
    correlation: CorrelationArgs,
}

pub fn run(args: GraphArgs, store: &mut Store, out: &mut dyn Write) -> Result<Outcome> {
    let row = require_event(store, &args.event)?;
    let exclusions = store.exclusions()?;
    let options = args.correlation.options();
    // Explored through the store's index lookups: only events within reach
    // are read, however large the store.
    let graph = CorrelationGraph::explore_with(row.id as u64, args.depth, |event| {
        let row = store
            .event(event as i64)?
            .context("an event vanished from the store during the query")?;
        anyhow::Ok(store.correlate_event(&row, &options, &exclusions)?)
    })?;
    let mut labels: HashMap<u64, (String, String)> = HashMap::new();
    for &(event, _) in &graph.nodes {
        let row = store
            .event(event as i64)?
            .context("an event vanished from the store during the query")?;
        labels.insert(event, (row.uuid, row.info));
    }
    let label = |e: u64| {
        let (uuid, info) = &labels[&e];
        (uuid.as_str(), info.as_str())
    };
    match args.format {
        GraphFormat::Dot => out.write_all(graph.to_dot(label).as_bytes())?,
        GraphFormat::Json => {
            let json = GraphJson {
                nodes: graph
                    .nodes
                    .iter()
                    .map(|&(e, depth)| NodeJson {
                        event: label(e).0,
                        info: label(e).1,
                        depth,
                    })
                    .collect(),
                edges: graph
                    .edges
                    .iter()
                    .map(|e| EdgeJson {
                        from: label(e.from).0,
                        to: label(e.to).0,
                        shared: e.shared,
                        relations: e.relations.iter().map(|r| r.name()).collect(),
                    })
                    .collect(),
            };
            serde_json::to_writer_pretty(&mut *out, &json)?;
            out.write_all(b"\n")?;
        }
    }
    Ok(if graph.edges.is_empty() {
        Outcome::Nothing
    } else {
        Outcome::Found
    })
}

/// `graph --format json`, fields in this order.
#[derive(Serialize)]
struct GraphJson<'a> {
    nodes: Vec<NodeJson<'a>>,
    edges: Vec<EdgeJson<'a>>,
}

#[derive(Serialize)]
struct NodeJson<'a> {
    event: &'a str,
    info: &'a str,
    depth: usize,
}

#[derive(Serialize)]
struct EdgeJson<'a> {
    from: &'a str,
    to: &'a str,
    shared: usize,
    relations: Vec<&'static str>,
}
