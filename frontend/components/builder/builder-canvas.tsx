"use client";
import { createContext, memo, useCallback, useContext, useEffect, useMemo, useState } from "react";
import {
  Background,
  BaseEdge,
  Controls,
  EdgeLabelRenderer,
  Handle,
  MiniMap,
  Position,
  ReactFlow,
  applyNodeChanges,
  getBezierPath,
  type Connection,
  type Edge,
  type EdgeProps,
  type Node,
  type NodeChange,
  type NodeProps,
  type ReactFlowInstance,
} from "@xyflow/react";
import dagre from "@dagrejs/dagre";
import "@xyflow/react/dist/style.css";
import type { PlanGraph, StepData } from "@/lib/builder/model";
import { cn } from "@/lib/utils";
import { mark, timed } from "@/lib/builder/perf";

export type Fit = "fits" | "does_not_fit" | "cannot_tell";

export interface StepOverlay {
  state?: string;
  durationMs?: number | null;
  costUsd?: number | null;
  attempts?: number;
}

export interface StepNodeData extends Record<string, unknown> {
  step: StepData;
  agentLabel?: string;
  problems: string[];
  severity?: "error" | "warning";
  changed?: boolean;
  selected?: boolean;
  overlay?: StepOverlay;
}

export interface FitEdgeData extends Record<string, unknown> {
  field: string;
  input: string;
  fit?: Fit;
  reasons: string[];
  problem?: boolean;
  kind: "input" | "foreach";
  selected?: boolean;
}

const NODE_W = 210;
const NODE_H = 78;

const STATE_CLASS: Record<string, string> = {
  completed: "border-emerald-600 bg-emerald-50 dark:bg-emerald-950",
  running: "border-sky-600 bg-sky-50 dark:bg-sky-950 animate-pulse",
  waiting_approval: "border-amber-600 bg-amber-50 dark:bg-amber-950",
  failed: "border-red-600 bg-red-50 dark:bg-red-950",
  skipped: "border-zinc-400 bg-zinc-50 opacity-70 dark:bg-zinc-900",
  canceled: "border-zinc-500 bg-zinc-100 dark:bg-zinc-900",
};

function fmtMs(ms?: number | null) {
  if (ms == null) return "—";
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

const TriggerNode = memo(function TriggerNode() {
  return (
    <div className="rounded-full border-2 border-primary bg-background px-4 py-2 text-xs font-semibold" data-testid="node-trigger">
      Trigger (run inputs)
      <Handle type="source" position={Position.Right} />
    </div>
  );
});

const StepNode = memo(function StepNode({ data }: NodeProps<Node<StepNodeData>>) {
  const { step, problems, severity, changed, overlay, agentLabel } = data;
  return (
    <div
      data-testid={`node-${step.id}`}
      data-problem={severity ?? ""}
      data-changed={changed ? "true" : undefined}
      data-state={overlay?.state}
      title={problems.join("\n") || undefined}
      className={cn(
        "w-[210px] rounded-md border-2 bg-background px-3 py-2 text-xs shadow-sm",
        step.kind === "approval" ? "border-dashed border-amber-500" : "border-border",
        severity === "error" && "border-red-600 ring-2 ring-red-300",
        severity === "warning" && "border-amber-500",
        changed && "ring-4 ring-violet-400",
        overlay?.state && STATE_CLASS[overlay.state],
        data.selected && "outline outline-2 outline-offset-2 outline-primary",
      )}
    >
      <Handle type="target" position={Position.Left} />
      <div className="flex items-center justify-between gap-1">
        <span className="truncate font-semibold">{step.id}</span>
        <span className="shrink-0 rounded bg-muted px-1 text-[10px] uppercase">{step.kind === "approval" ? "approval" : "agent"}</span>
      </div>
      <div className="truncate text-muted-foreground">{step.kind === "approval" ? step.approvalPrompt || "a person decides" : agentLabel ?? step.agentId ?? "no agent"}</div>
      <div className="mt-1 flex flex-wrap gap-1">
        {step.foreach ? <span className="rounded bg-sky-100 px-1 text-sky-900 dark:bg-sky-900 dark:text-sky-50">foreach ×{step.foreach.max_concurrency ?? 4}</span> : null}
        {step.when ? <span className="rounded bg-violet-100 px-1 text-violet-900 dark:bg-violet-900 dark:text-violet-50" title={step.when}>when</span> : null}
        {step.onError === "continue" ? <span className="rounded bg-zinc-200 px-1 dark:bg-zinc-700">on_error: continue</span> : null}
        {step.retry?.max_attempts ? <span className="rounded bg-zinc-200 px-1 dark:bg-zinc-700">retry {step.retry.max_attempts}</span> : null}
        {step.timeout ? <span className="rounded bg-zinc-200 px-1 dark:bg-zinc-700">⏱ {step.timeout}</span> : null}
      </div>
      {overlay ? (
        <div className="mt-1 flex justify-between gap-1 font-mono text-[10px]" data-testid={`overlay-${step.id}`}>
          <span>{overlay.state ?? "pending"}</span>
          <span>{fmtMs(overlay.durationMs)}</span>
          <span>{overlay.costUsd != null ? `$${overlay.costUsd.toFixed(4)}` : "—"}</span>
        </div>
      ) : null}
      <Handle type="source" position={Position.Right} />
    </div>
  );
});

/** Lets an edge's label (outside the SVG path) select its edge. */
const SelectEdge = createContext<(id: string) => void>(() => {});

const FIT_COLOUR: Record<Fit, string> = { fits: "#047857", does_not_fit: "#b91c1c", cannot_tell: "#52525b" };

const FitEdge = memo(function FitEdge(props: EdgeProps<Edge<FitEdgeData>>) {
  const { id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data } = props;
  const [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  const fit: Fit = data?.problem ? "does_not_fit" : (data?.fit ?? "cannot_tell");
  const colour = FIT_COLOUR[fit];
  const select = useContext(SelectEdge);
  const reason =
    fit === "fits" ? "fits: every value the upstream may produce is accepted" : `${fit === "does_not_fit" ? "does not fit" : "cannot tell"}: ${(data?.reasons ?? []).join("; ")}`;
  return (
    <>
      <BaseEdge id={id} path={path} style={{ stroke: colour, strokeWidth: data?.selected ? 3.5 : 2, strokeDasharray: fit === "cannot_tell" ? "5 4" : undefined }} />
      <EdgeLabelRenderer>
        <div
          className={cn(
            "nodrag nopan pointer-events-auto absolute cursor-pointer rounded border bg-background px-1 font-mono text-[10px]",
            data?.selected && "ring-2 ring-primary",
          )}
          style={{ transform: `translate(-50%, -50%) translate(${labelX}px,${labelY}px)`, borderColor: colour, color: colour }}
          data-testid={`edge-${id}`}
          role="button"
          tabIndex={0}
          onClick={() => select(id)}
          onKeyDown={(e) => (e.key === "Enter" || e.key === " ") && select(id)}
          data-fit={fit}
          title={reason}
          aria-label={`${data?.field} → ${data?.input}: ${reason}`}
        >
          {data?.kind === "foreach" ? "each " : ""}
          {data?.field === data?.input ? data?.field : `${data?.field} → ${data?.input}`}
        </div>
      </EdgeLabelRenderer>
    </>
  );
});

const FIT_OPTIONS = { padding: 0.15, maxZoom: 1.1 };
const FIT_MAX_NODES = 24;
/** The minimap redraws every node on each frame of a drag: above this it costs more than it shows. */
const MINIMAP_MAX_NODES = 60;

/** Defined once, outside any component: React Flow re-mounts every node when these change. */
const NODE_TYPES = { trigger: TriggerNode, step: StepNode };
const EDGE_TYPES = { fit: FitEdge };

/** Auto-layout (dagre, left to right); positions a user dragged are kept. */
export function layout(graph: PlanGraph): Map<string, { x: number; y: number }> {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: "LR", nodesep: 24, ranksep: 70 });
  g.setDefaultEdgeLabel(() => ({}));
  g.setNode("trigger", { width: 150, height: 40 });
  for (const s of graph.steps) g.setNode(s.id, { width: NODE_W, height: NODE_H });
  for (const e of graph.edges) if (g.hasNode(e.source) && g.hasNode(e.target)) g.setEdge(e.source, e.target);
  dagre.layout(g);
  const out = new Map<string, { x: number; y: number }>();
  for (const id of g.nodes()) {
    const n = g.node(id);
    if (n) out.set(id, { x: n.x - n.width / 2, y: n.y - n.height / 2 });
  }
  return out;
}

export interface CanvasProps {
  graph: PlanGraph;
  nodeData: (step: StepData) => Omit<StepNodeData, "step">;
  edgeData: (edgeId: string) => Pick<FitEdgeData, "fit" | "reasons" | "problem">;
  selected?: { kind: "node" | "edge"; id: string } | null;
  onSelect?: (sel: { kind: "node" | "edge"; id: string } | null) => void;
  onConnect?: (source: string, target: string) => void;
  onDropItem?: (payload: string, position: { x: number; y: number }) => void;
  readOnly?: boolean;
  height?: number | string;
  onReady?: () => void;
}

export function BuilderCanvas({ graph, nodeData, edgeData, selected, onSelect, onConnect, onDropItem, readOnly, height = 560, onReady }: CanvasProps) {
  const structure = useMemo(() => graph.steps.map((s) => s.id).join("|") + "#" + graph.edges.map((e) => `${e.source}>${e.target}`).join("|"), [graph]);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const auto = useMemo(() => timed("layout", () => layout(graph)), [structure]);
  const [moved, setMoved] = useState<Map<string, { x: number; y: number }>>(() => new Map());
  const [flow, setFlow] = useState<ReactFlowInstance<Node, Edge> | null>(null);

  const derived = useMemo<Node[]>(() => {
    const pos = (id: string) => moved.get(id) ?? auto.get(id) ?? { x: 0, y: 0 };
    return [
      { id: "trigger", type: "trigger", position: pos("trigger"), data: {}, deletable: false, connectable: !readOnly, draggable: true },
      ...graph.steps.map<Node>((step) => ({
        id: step.id,
        type: "step",
        position: pos(step.id),
        data: { step, ...nodeData(step), selected: selected?.kind === "node" && selected.id === step.id },
        connectable: !readOnly,
      })),
    ];
  }, [graph, auto, moved, nodeData, selected, readOnly]);
  // React Flow's own changes (drag positions, measured sizes) apply to a copy of the
  // derived nodes; a new derivation keeps the sizes already measured.
  const [nodes, setNodes] = useState<Node[]>(derived);
  const [from, setFrom] = useState(derived);
  if (from !== derived) {
    setFrom(derived);
    const measured = new Map(nodes.map((n) => [n.id, n.measured]));
    setNodes(derived.map((n) => (measured.get(n.id) ? { ...n, measured: measured.get(n.id) } : n)));
  }

  const edges = useMemo<Edge[]>(
    () =>
      graph.edges.map((e) => ({
        id: e.id,
        source: e.source,
        target: e.target,
        type: "fit",
        data: { field: e.field, input: e.input, kind: e.kind, selected: selected?.kind === "edge" && selected.id === e.id, ...edgeData(e.id) },
      })),
    [graph, edgeData, selected],
  );

  // Auto-layout keeps the steps in view: a step or a binding added or removed moves steps
  // (the layout ranks them by their bindings), so it refits the viewport (after React Flow
  // has measured the change); a large plan opens on its first steps, readable, and only
  // what is on screen is rendered.
  const count = graph.steps.length;
  const bindings = graph.edges.length;
  const first = useMemo(() => graph.steps.slice(0, FIT_MAX_NODES).map((s) => ({ id: s.id })), [graph.steps]);
  useEffect(() => {
    if (!flow) return;
    const timer = setTimeout(() => void flow.fitView(count > FIT_MAX_NODES ? { ...FIT_OPTIONS, nodes: [{ id: "trigger" }, ...first] } : FIT_OPTIONS), 60);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [flow, count, bindings]);

  const selectEdge = useCallback((id: string) => onSelect?.({ kind: "edge", id }), [onSelect]);
  const onNodesChange = useCallback((changes: NodeChange[]) => {
    setNodes((ns) => applyNodeChanges(changes, ns));
    const ends = changes.filter((c) => c.type === "position" && !c.dragging && c.position);
    if (ends.length)
      setMoved((m) => {
        const next = new Map(m);
        for (const c of ends) if (c.type === "position" && c.position) next.set(c.id, c.position);
        return next;
      });
  }, []);

  return (
    <div
      className="rounded-md border"
      style={{ height }}
      data-testid="builder-canvas"
      onDragOver={(e) => {
        if (readOnly) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = "copy";
      }}
      onDrop={(e) => {
        if (readOnly || !onDropItem) return;
        e.preventDefault();
        const payload = e.dataTransfer.getData("application/x-hub-node") || e.dataTransfer.getData("text/plain");
        if (!payload) return;
        const position = flow ? flow.screenToFlowPosition({ x: e.clientX, y: e.clientY }) : { x: 0, y: 0 };
        onDropItem(payload, position);
      }}
    >
      <SelectEdge.Provider value={selectEdge}>
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={NODE_TYPES}
        edgeTypes={EDGE_TYPES}
        onNodesChange={onNodesChange}
        onInit={(inst) => {
          mark("flow-init");
          setFlow(inst);
          onReady?.();
        }}
        onConnect={(c: Connection) => c.source && c.target && onConnect?.(c.source, c.target)}
        onNodeClick={(_, n) => onSelect?.(n.id === "trigger" ? null : { kind: "node", id: n.id })}
        onEdgeClick={(_, e) => onSelect?.({ kind: "edge", id: e.id })}
        onPaneClick={() => onSelect?.(null)}
        nodesConnectable={!readOnly}
        deleteKeyCode={null}
        onlyRenderVisibleElements
        fitView
        fitViewOptions={graph.steps.length > FIT_MAX_NODES ? { ...FIT_OPTIONS, nodes: [{ id: "trigger" }, ...first] } : FIT_OPTIONS}
        minZoom={0.1}
        proOptions={{ hideAttribution: true }}
      >
        <Background />
        <Controls showInteractive={false} />
        {graph.steps.length <= MINIMAP_MAX_NODES ? <MiniMap pannable zoomable className="hidden md:block" /> : null}
      </ReactFlow>
      </SelectEdge.Provider>
    </div>
  );
}
