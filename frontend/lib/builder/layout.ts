/**
 * Auto-layout of the plan, left to right. Two engines, one shape (ranks by the bindings,
 * left to right; each rank a column):
 * - dagre (network-simplex ranks, crossing minimisation) for plans up to
 *   `DAGRE_MAX_STEPS` steps, where it takes a few milliseconds and draws fan-in and
 *   fan-out with fewer crossings; it is loaded on demand (its own chunk).
 * - a layered layout of our own above that: longest-path ranks, two barycentre sweeps to
 *   order each rank, and each rank centred on one axis. It is linear in steps and bindings:
 *   dagre takes 150–450 ms for a 200-step plan (its ordering works on one extra node per
 *   rank a long edge crosses), on the main thread, before the canvas can show anything.
 * Pure code: no React.
 */
import type { PlanGraph } from "./model";

export const NODE_W = 210;
export const NODE_H = 78;
export const TRIGGER_W = 150;
export const TRIGGER_H = 40;
const NODE_SEP = 24;
const RANK_SEP = 70;

/** Above this many steps the layered layout is used (dagre's cost grows too fast). */
export const DAGRE_MAX_STEPS = 60;

export type Positions = Map<string, { x: number; y: number }>;

type Dagre = typeof import("@dagrejs/dagre");

let dagre: Dagre | null = null;
let dagrePromise: Promise<Dagre> | null = null;

/** Starts loading dagre (once); resolves when it is there. */
export function loadDagre(): Promise<Dagre> {
  dagrePromise ??= import("@dagrejs/dagre").then((m) => {
    dagre = (m as unknown as { default?: Dagre }).default ?? m;
    return dagre;
  });
  return dagrePromise;
}

export function dagreLoaded(): boolean {
  return dagre !== null;
}

/** Which engine a plan needs; `null` when that engine is not loaded yet. */
export function layout(graph: PlanGraph): Positions | null {
  if (graph.steps.length > DAGRE_MAX_STEPS) return layeredLayout(graph);
  return dagre ? dagreLayout(dagre, graph) : null;
}

function dagreLayout(d: Dagre, graph: PlanGraph): Positions {
  const g = new d.graphlib.Graph();
  g.setGraph({ rankdir: "LR", nodesep: NODE_SEP, ranksep: RANK_SEP });
  g.setDefaultEdgeLabel(() => ({}));
  g.setNode("trigger", { width: TRIGGER_W, height: TRIGGER_H });
  for (const s of graph.steps) g.setNode(s.id, { width: NODE_W, height: NODE_H });
  for (const e of graph.edges) if (g.hasNode(e.source) && g.hasNode(e.target)) g.setEdge(e.source, e.target);
  d.layout(g);
  const out: Positions = new Map();
  for (const id of g.nodes()) {
    const n = g.node(id);
    if (n) out.set(id, { x: n.x - n.width / 2, y: n.y - n.height / 2 });
  }
  return out;
}

/**
 * Longest-path layering: a step's rank is one more than its highest-ranked source (the
 * trigger is rank 0). Steps on a cycle (an invalid plan, still drawn) are ranked in
 * workflow order from the sources already ranked. Within a rank: workflow order, then a
 * sweep by the mean row of the sources and one by the mean row of the targets.
 */
export function layeredLayout(graph: PlanGraph): Positions {
  const ids = ["trigger", ...graph.steps.map((s) => s.id)];
  const known = new Set(ids);
  const preds = new Map<string, string[]>(ids.map((id) => [id, []]));
  const succs = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const e of graph.edges) {
    if (!known.has(e.source) || !known.has(e.target) || e.source === e.target) continue;
    preds.get(e.target)!.push(e.source);
    succs.get(e.source)!.push(e.target);
  }
  // Kahn's order; whatever a cycle leaves out follows in workflow order
  const indegree = new Map(ids.map((id) => [id, preds.get(id)!.length]));
  const queue = ids.filter((id) => indegree.get(id) === 0);
  const order: string[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i];
    order.push(id);
    seen.add(id);
    for (const t of succs.get(id)!) {
      const left = indegree.get(t)! - 1;
      indegree.set(t, left);
      if (left === 0) queue.push(t);
    }
  }
  for (const id of ids) if (!seen.has(id)) order.push(id);
  const rank = new Map<string, number>();
  for (const id of order) {
    let r = id === "trigger" ? 0 : 1;
    for (const p of preds.get(id)!) {
      const pr = rank.get(p);
      if (pr !== undefined && pr + 1 > r) r = pr + 1;
    }
    rank.set(id, r);
  }
  const ranks: string[][] = [];
  for (const id of ids) (ranks[rank.get(id)!] ??= []).push(id);
  const row = new Map<string, number>();
  const place = (rs: string[][]) => rs.forEach((r) => r?.forEach((id, k) => row.set(id, k)));
  place(ranks);
  const mean = (xs: string[], own: number) => {
    let sum = 0;
    let n = 0;
    for (const x of xs) {
      const v = row.get(x);
      if (v !== undefined) {
        sum += v;
        n++;
      }
    }
    return n ? sum / n : own;
  };
  const sweep = (of: Map<string, string[]>, from: number, to: number, step: number) => {
    for (let r = from; r !== to; r += step) {
      const rs = ranks[r];
      if (!rs || rs.length < 2) continue;
      const key = new Map(rs.map((id, k) => [id, mean(of.get(id)!, k)]));
      rs.sort((a, b) => key.get(a)! - key.get(b)!);
      rs.forEach((id, k) => row.set(id, k));
    }
  };
  sweep(preds, 1, ranks.length, 1);
  sweep(succs, ranks.length - 2, -1, -1);
  const out: Positions = new Map();
  let x = 0;
  ranks.forEach((rs, r) => {
    if (!rs) return;
    const width = r === 0 ? TRIGGER_W : NODE_W;
    const pitch = NODE_H + NODE_SEP;
    rs.forEach((id, k) => {
      const h = id === "trigger" ? TRIGGER_H : NODE_H;
      out.set(id, { x, y: (k - (rs.length - 1) / 2) * pitch - h / 2 });
    });
    x += width + RANK_SEP;
  });
  return out;
}
