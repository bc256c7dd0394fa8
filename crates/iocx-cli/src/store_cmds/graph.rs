//! `iocx graph EVENT --format dot|json`: the correlation graph around an
//! event, to a depth.

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

pub fn run(args: GraphArgs, store: &Store, out: &mut dyn Write) -> Result<Outcome> {
    let row = require_event(store, &args.event)?;
    let (index, ids) = store.build_index()?;
    let start = ids
        .iter()
        .position(|&id| id == row.id)
        .context("the event vanished from the store during the query")? as u32;
    let exclusions = store.exclusions()?;
    let graph = CorrelationGraph::explore(
        &index,
        start,
        args.depth,
        &args.correlation.options(),
        &exclusions,
    );
    match args.format {
        GraphFormat::Dot => out.write_all(graph.to_dot(&index).as_bytes())?,
        GraphFormat::Json => {
            let graph = GraphJson {
                nodes: graph
                    .nodes
                    .iter()
                    .map(|&(e, depth)| NodeJson {
                        event: index.uuid(e),
                        info: index.info(e),
                        depth,
                    })
                    .collect(),
                edges: graph
                    .edges
                    .iter()
                    .map(|e| EdgeJson {
                        from: index.uuid(e.from),
                        to: index.uuid(e.to),
                        shared: e.shared,
                        relations: e.relations.iter().map(|r| r.name()).collect(),
                    })
                    .collect(),
            };
            serde_json::to_writer_pretty(&mut *out, &graph)?;
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
