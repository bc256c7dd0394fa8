//! `iocx graph EVENT --format dot|json`: the correlation graph around an
//! event, to a depth.

use std::io::Write;

use anyhow::Result;
use clap::{Args, ValueEnum};
use iocx_core::correlate::CorrelationGraph;
use iocx_store::Store;
use serde_json::json;

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
        .expect("every stored event is indexed") as u32;
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
            let nodes: Vec<_> = graph
                .nodes
                .iter()
                .map(|&(e, depth)| json!({"event": index.uuid(e), "info": index.info(e), "depth": depth}))
                .collect();
            let edges: Vec<_> = graph
                .edges
                .iter()
                .map(|e| {
                    let relations: Vec<&str> = e.relations.iter().map(|r| r.name()).collect();
                    json!({"from": index.uuid(e.from), "to": index.uuid(e.to), "shared": e.shared, "relations": relations})
                })
                .collect();
            serde_json::to_writer_pretty(&mut *out, &json!({"nodes": nodes, "edges": edges}))?;
            out.write_all(b"\n")?;
        }
    }
    Ok(if graph.edges.is_empty() {
        Outcome::Nothing
    } else {
        Outcome::Found
    })
}
