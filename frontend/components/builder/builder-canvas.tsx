"use client";
import { createContext, memo, useCallback, useContext, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
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
  getViewportForBounds,
  type Connection,
  type Edge,
  type EdgeProps,
  type Node,
  type NodeChange,
  type NodeProps,
  type ReactFlowInstance,
  type Viewport,
} from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import type { PlanGraph, StepData } from "@/lib/builder/model";
import { NODE_H, NODE_W, TRIGGER_H, TRIGGER_W, layout, loadDagre, type Positions } from "@/lib/builder/layout";
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

/**
 * Where each node's handles are before React Flow has measured it (it measures a node once
 * it is on screen): with these and the nodes' estimated sizes, `onlyRenderVisibleElements`
 * renders only what is in view from the first frame, instead of every node once to
 * measure it.
 */
function handlesOf(w: number, h: number, source: boolean, target: boolean): Node["handles"] {
  const out: NonNullable<Node["handles"]> = [];
  if (target) out.push({ id: null, type: "target", position: Position.Left, x: -4, y: h / 2 - 4, width: 8, height: 8 });
  if (source) out.push({ id: null, type: "source", position: Position.Right, x: w - 4, y: h / 2 - 4, width: 8, height: 8 });
  return out.length ? out : undefined;
}

function sameData(a: StepNodeData, b: StepNodeData): boolean {
  const oa = a.overlay;
  const ob = b.overlay;
  return (
    a.agentLabel === b.agentLabel &&
    a.severity === b.severity &&
    a.changed === b.changed &&
    a.selected === b.selected &&
    a.problems.join("\n") === b.problems.join("\n") &&
    (oa === ob || (!!oa && !!ob && oa.state === ob.state && oa.durationMs === ob.durationMs && oa.costUsd === ob.costUsd && oa.attempts === ob.attempts))
  );
}

/** The viewport that shows a small plan whole, and a long one from its start, readable. */
function firstViewport(pos: Positions, ids: string[], steps: number, width: number, height: number): Viewport {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const id of ids) {
    const p = pos.get(id);
    if (!p) continue;
    const w = id === "trigger" ? TRIGGER_W : NODE_W;
    const h = id === "trigger" ? TRIGGER_H : NODE_H;
    x0 = Math.min(x0, p.x);
    y0 = Math.min(y0, p.y);
    x1 = Math.max(x1, p.x + w);
    y1 = Math.max(y1, p.y + h);
  }
  if (!Number.isFinite(x0)) return { x: 0, y: 0, zoom: 1 };
  const fit = getViewportForBounds({ x: x0, y: y0, width: x1 - x0, height: y1 - y0 }, width, height, MIN_ZOOM, FIT_OPTIONS.maxZoom, FIT_OPTIONS.padding);
  // a small plan is shown whole
  if (fit.zoom >= READABLE_ZOOM || steps <= FIT_MAX_NODES) return fit;
  // too long to fit readably: its start, from the trigger, at a zoom where text is legible
  const zoom = READABLE_ZOOM;
  return { x: 24 - x0 * zoom, y: height / 2 - ((y0 + y1) / 2) * zoom, zoom };
}

/** Below this zoom a node's text is too small to read. */
const READABLE_ZOOM = 0.55;

const MIN_ZOOM = 0.1;

/** What each derived node was made from (position, step, mode): equal keys, same node. */
const KEY = new WeakMap<Node, string>();

/**
 * A node React Flow has measured drops the estimated handles: they would replace the
 * measured ones whenever the node object changes (every frame of a drag).
 */
function measuredOnly(n: Node): Node {
  if (!n.handles || !n.measured?.width) return n;
  const { handles: _estimated, ...rest } = n;
  void _estimated;
  return rest;
}

export function BuilderCanvas({ graph, nodeData, edgeData, selected, onSelect, onConnect, onDropItem, readOnly, height = 560, onReady }: CanvasProps) {
  const structure = useMemo(() => graph.steps.map((s) => s.id).join("|") + "#" + graph.edges.map((e) => `${e.source}>${e.target}`).join("|"), [graph]);
  // a small plan waits for dagre (its own chunk); a large one is laid out at once
  const [dagreTick, setDagreTick] = useState(0);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const auto = useMemo(() => timed("layout", () => layout(graph)), [structure, dagreTick]);
  useEffect(() => {
    if (auto) return;
    let live = true;
    void loadDagre().then(() => live && setDagreTick((t) => t + 1));
    return () => {
      live = false;
    };
  }, [auto]);
  const [moved, setMoved] = useState<Map<string, { x: number; y: number }>>(() => new Map());
  const [flow, setFlow] = useState<ReactFlowInstance<Node, Edge> | null>(null);

  // Each node keeps its object while its step, data and position are unchanged: an edit
  // or a validation result re-renders only the nodes it changed.
  const derived = useMemo<Node[]>(() => {
    if (!auto) return [];
    const pos = (id: string) => moved.get(id) ?? auto.get(id) ?? { x: 0, y: 0 };
    const tp = pos("trigger");
    const trigger: Node = {
      id: "trigger",
      type: "trigger",
      position: tp,
      data: {},
      deletable: false,
      connectable: !readOnly,
      draggable: true,
      initialWidth: TRIGGER_W,
      initialHeight: TRIGGER_H,
      handles: handlesOf(TRIGGER_W, TRIGGER_H, true, false),
    };
    KEY.set(trigger, `${tp.x},${tp.y},${readOnly}`);
    const nodes: Node[] = [trigger];
    for (const step of graph.steps) {
      const p = pos(step.id);
      const node: Node = {
        id: step.id,
        type: "step",
        position: p,
        data: { step, ...nodeData(step), selected: selected?.kind === "node" && selected.id === step.id } as StepNodeData,
        connectable: !readOnly,
        initialWidth: NODE_W,
        initialHeight: NODE_H,
        handles: handlesOf(NODE_W, NODE_H, true, true),
      };
      KEY.set(node, `${p.x},${p.y},${readOnly},${JSON.stringify(step)}`);
      nodes.push(node);
    }
    return nodes;
  }, [graph, auto, moved, nodeData, selected, readOnly]);
  // React Flow's own changes (drag positions, measured sizes) apply to a copy of the
  // derived nodes; a new derivation keeps React Flow's copy of every node it left as it was.
  const [nodes, setNodes] = useState<Node[]>(derived);
  const [from, setFrom] = useState(derived);
  if (from !== derived) {
    setFrom(derived);
    const current = new Map(nodes.map((n) => [n.id, n]));
    const before = new Map(from.map((n) => [n.id, n]));
    setNodes(
      derived.map((n) => {
        const cur = current.get(n.id);
        if (!cur) return n;
        const old = before.get(n.id);
        if (old && KEY.get(old) === KEY.get(n) && (n.id === "trigger" || sameData(old.data as StepNodeData, n.data as StepNodeData))) return cur;
        return measuredOnly(cur.measured ? { ...n, measured: cur.measured } : n);
      }),
    );
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

  // The first viewport is computed from the layout (the canvas's size measured before
  // React Flow renders), so the first frame already renders only the nodes in view. Later,
  // a step or a binding added or removed moves steps (the layout ranks them by their
  // bindings), so the viewport is refitted once React Flow has measured the change; a large
  // plan shows its first steps, readable.
  const host = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState<{ width: number; height: number } | null>(null);
  useLayoutEffect(() => {
    const el = host.current;
    if (!el || size) return;
    // hidden (the YAML-only view): wait until it has a size
    const measure = () => el.clientWidth > 0 && el.clientHeight > 0 && setSize({ width: el.clientWidth, height: el.clientHeight });
    if (measure()) return;
    const ro = new ResizeObserver(() => void measure());
    ro.observe(el);
    return () => ro.disconnect();
  }, [size]);
  const fitIds = useMemo(() => ["trigger", ...graph.steps.slice(0, FIT_MAX_NODES).map((s) => s.id)], [graph.steps]);
  const [initialViewport, setInitialViewport] = useState<Viewport | null>(null);
  if (!initialViewport && auto && size) setInitialViewport(firstViewport(auto, fitIds, graph.steps.length, size.width, size.height));
  const count = graph.steps.length;
  const bindings = graph.edges.length;
  const fitted = useRef<string | null>(null);
  useEffect(() => {
    if (!flow) return;
    const shape = `${count}/${bindings}`;
    if (fitted.current === null || fitted.current === shape) {
      fitted.current = shape;
      return;
    }
    fitted.current = shape;
    const el = host.current;
    const timer = setTimeout(() => {
      if (auto && el) void flow.setViewport(firstViewport(auto, fitIds, count, el.clientWidth, el.clientHeight), { duration: 150 });
    }, 60);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [flow, count, bindings]);

  const selectEdge = useCallback((id: string) => onSelect?.({ kind: "edge", id }), [onSelect]);
  const onNodesChange = useCallback((changes: NodeChange[]) => {
    setNodes((ns) => applyNodeChanges(changes, ns).map(measuredOnly));
    const ends = changes.filter((c) => c.type === "position" && !c.dragging && c.position);
    if (ends.length)
      setMoved((m) => {
        const next = new Map(m);
        for (const c of ends) if (c.type === "position" && c.position) next.set(c.id, c.position);
        return next;
      });
  }, []);
  const onReadyRef = useRef(onReady);
  useEffect(() => {
    onReadyRef.current = onReady;
  }, [onReady]);
  const onInit = useCallback((inst: ReactFlowInstance<Node, Edge>) => {
    mark("flow-init");
    setFlow(inst);
    onReadyRef.current?.();
  }, []);
  const onConnectEdge = useCallback((c: Connection) => c.source && c.target && onConnect?.(c.source, c.target), [onConnect]);
  const onNodeClick = useCallback((_: unknown, n: Node) => onSelect?.(n.id === "trigger" ? null : { kind: "node", id: n.id }), [onSelect]);
  const onEdgeClick = useCallback((_: unknown, e: Edge) => onSelect?.({ kind: "edge", id: e.id }), [onSelect]);
  const onPaneClick = useCallback(() => onSelect?.(null), [onSelect]);

  return (
    <div
      ref={host}
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
      {initialViewport ? (
        <SelectEdge.Provider value={selectEdge}>
          <ReactFlow
            nodes={nodes}
            edges={edges}
            nodeTypes={NODE_TYPES}
            edgeTypes={EDGE_TYPES}
            onNodesChange={onNodesChange}
            onInit={onInit}
            onConnect={onConnectEdge}
            onNodeClick={onNodeClick}
            onEdgeClick={onEdgeClick}
            onPaneClick={onPaneClick}
            nodesConnectable={!readOnly}
            deleteKeyCode={null}
            onlyRenderVisibleElements
            defaultViewport={initialViewport}
            minZoom={MIN_ZOOM}
            proOptions={PRO_OPTIONS}
          >
            <Background />
            <Controls showInteractive={false} />
            {graph.steps.length <= MINIMAP_MAX_NODES ? <MiniMap pannable zoomable className="hidden md:block" /> : null}
          </ReactFlow>
        </SelectEdge.Provider>
      ) : null}
    </div>
  );
}

const PRO_OPTIONS = { hideAttribution: true };
