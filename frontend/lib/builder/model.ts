/**
 * The builder's one model: the YAML text. The graph is derived from it, and every graph
 * edit is a change to `yaml`'s Document (setIn/addIn/deleteIn) printed back, so comments,
 * key order and the formatting of untouched nodes survive. Pure code: no React, no I/O.
 */
import { diffLineLists } from "@/lib/prompts";
import { isMap, isScalar, isSeq, parseDocument, type Document, type YAMLMap, type YAMLSeq } from "yaml";

export type StepKind = "agent" | "approval";

export interface StepData {
  /** The step id as text (ids may be numbers in YAML). */
  id: string;
  /** Position in `workflow`. */
  index: number;
  kind: StepKind;
  agentId?: string;
  outputs: string[];
  when?: string;
  onError?: string;
  timeout?: string;
  retry?: { max_attempts?: number; initial_interval?: string; max_interval?: string; backoff_coefficient?: number };
  foreach?: { source: string; field: string; as?: string; max_concurrency?: number };
  approvalPrompt?: string;
}

export interface EdgeData {
  /** `<source step>.<field>-><target step>.<input>`: the same id the validate endpoint uses. */
  id: string;
  source: string;
  writtenSource: string;
  field: string;
  target: string;
  input: string;
  kind: "input" | "foreach";
  /** The binding's position in its step's `inputs` (foreach: -1). */
  index: number;
}

export interface PlanGraph {
  steps: StepData[];
  edges: EdgeData[];
  /** Why the text is not a graph (a YAML syntax error), if it is not. */
  error?: string;
}

const text = (v: unknown): string | undefined =>
  typeof v === "string" ? v : typeof v === "number" || typeof v === "bigint" ? String(v) : undefined;

export function parse(yamlText: string): Document.Parsed {
  return parseDocument(yamlText, { keepSourceTokens: false, uniqueKeys: false });
}

/** The graph the text draws: steps, and an edge per input binding and per foreach list. */
export function toGraph(yamlText: string): PlanGraph {
  const doc = parse(yamlText);
  if (doc.errors.length) return { steps: [], edges: [], error: doc.errors[0].message };
  const data = doc.toJS({ maxAliasCount: 100 }) as Record<string, unknown> | null;
  const workflow = Array.isArray(data?.workflow) ? (data!.workflow as unknown[]) : [];
  const steps: StepData[] = [];
  const users = new Map<string, string[]>();
  workflow.forEach((raw, index) => {
    if (!raw || typeof raw !== "object") return;
    const s = raw as Record<string, unknown>;
    const id = text(s.step);
    if (id === undefined) return;
    const outputs = Array.isArray(s.outputs)
      ? (s.outputs as unknown[]).map((o) => text((o as Record<string, unknown>)?.name)).filter((o): o is string => !!o)
      : [];
    const fe = s.foreach as Record<string, unknown> | undefined;
    const approval = s.approval as Record<string, unknown> | undefined;
    const retry = s.retry as StepData["retry"] | undefined;
    const step: StepData = {
      id,
      index,
      kind: approval ? "approval" : "agent",
      agentId: text(s.agent_id),
      outputs,
      when: text(s.when),
      onError: text(s.on_error),
      timeout: text(s.timeout),
      retry: retry && typeof retry === "object" ? retry : undefined,
      foreach:
        fe && typeof fe === "object" && text(fe.source) && text(fe.field)
          ? { source: text(fe.source)!, field: text(fe.field)!, as: text(fe.as), max_concurrency: typeof fe.max_concurrency === "number" ? fe.max_concurrency : undefined }
          : undefined,
      approvalPrompt: approval ? text(approval.prompt) : undefined,
    };
    steps.push(step);
    if (step.agentId) users.set(step.agentId, [...(users.get(step.agentId) ?? []), id]);
  });
  const ids = new Set(steps.map((s) => s.id));
  const resolve = (source: string) => {
    if (source === "trigger" || ids.has(source)) return source;
    const u = users.get(source);
    return u && u.length === 1 ? u[0] : source;
  };
  const edges: EdgeData[] = [];
  for (const step of steps) {
    const s = workflow[step.index] as Record<string, unknown>;
    const inputs = Array.isArray(s.inputs) ? (s.inputs as unknown[]) : [];
    inputs.forEach((raw, index) => {
      const inp = raw as Record<string, unknown> | null;
      const source = text(inp?.source);
      const field = text(inp?.field);
      if (!source || !field) return;
      const input = text(inp?.as) ?? field;
      const src = resolve(source);
      edges.push({ id: edgeId(src, field, step.id, input), source: src, writtenSource: source, field, target: step.id, input, kind: "input", index });
    });
    if (step.foreach) {
      const src = resolve(step.foreach.source);
      const input = step.foreach.as ?? step.foreach.field;
      edges.push({
        id: edgeId(src, step.foreach.field, step.id, input),
        source: src,
        writtenSource: step.foreach.source,
        field: step.foreach.field,
        target: step.id,
        input,
        kind: "foreach",
        index: -1,
      });
    }
  }
  return { steps, edges };
}

export function edgeId(source: string, field: string, target: string, input: string): string {
  return `${source}.${field}->${target}.${input}`;
}

// ------------------------------------------------------------------------ edits

/** How the text indents: its smallest indent step, and whether `- ` items sit under their key's column. */
export function styleOf(yamlText: string): { indent: number; indentSeq: boolean } {
  const lines = yamlText.split("\n").filter((l) => l.trim() && !l.trim().startsWith("#"));
  let indent = 0;
  let prev = 0;
  let indentSeq = true;
  for (let k = 0; k < lines.length; k++) {
    const at = lines[k].length - lines[k].trimStart().length;
    const opens = k > 0 && lines[k - 1].trimEnd().endsWith(":");
    if (opens && at > prev && (indent === 0 || at - prev < indent)) indent = at - prev;
    if (k > 0 && lines[k].trimStart().startsWith("- ") && lines[k - 1].trimEnd().endsWith(":") && at === prev) indentSeq = false;
    prev = at;
  }
  return { indent: indent >= 1 && indent <= 8 ? indent : 2, indentSeq };
}

export function print(doc: Document, style: { indent: number; indentSeq: boolean } = { indent: 2, indentSeq: true }): string {
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false, ...style });
}

/**
 * Apply a Document edit and keep the text's own formatting where the edit did not reach:
 * the edited and the unedited document are printed the same way, their line diff says
 * which lines changed, and only those lines are taken from the print; every other line is
 * the user's line as written (spacing, comment alignment…). When printing alone changes
 * the line structure (multi-line flow collections), the print is used as it is.
 */
function edit(yamlText: string, change: (doc: Document.Parsed) => void): string {
  const doc = parse(yamlText);
  if (doc.errors.length) return yamlText; // a graph edit never rewrites text that does not parse
  const style = styleOf(yamlText);
  const before = print(doc, style);
  change(doc);
  const after = print(doc, style);
  return safeSplice(yamlText, before, after);
}

/** The splice, unless it would not mean what the print means (then the print itself). */
function safeSplice(original: string, before: string, after: string): string {
  const spliced = spliceLines(original, before, after);
  if (spliced === after) return after;
  const check = parse(spliced);
  if (check.errors.length) return after;
  const meant = JSON.stringify(parse(after).toJS());
  return JSON.stringify(check.toJS()) === meant ? spliced : after;
}

export function spliceLines(original: string, before: string, after: string): string {
  const t = original.split("\n");
  const p = before.split("\n");
  const q = after.split("\n");
  // how the user's lines map onto the printed ones (most are equal; the printer may have
  // moved a comment or a blank line), and what the edit did to the printed ones
  const tp = lineDiff(t, p);
  const pq = lineDiff(p, q);
  const kept = new Array<boolean>(p.length).fill(false);
  const inserts = new Map<number, string[]>(); // after printed line j (-1: at the start)
  let j = -1;
  for (const op of pq) {
    if (op.kind === "same") kept[++j] = true;
    else if (op.kind === "removed") kept[++j] = false;
    else inserts.set(j, [...(inserts.get(j) ?? []), op.text]);
  }
  const out: string[] = [...(inserts.get(-1) ?? [])];
  let ti = 0;
  let pj = 0;
  let k = 0;
  while (k < tp.length) {
    if (tp[k].kind === "same") {
      if (kept[pj]) out.push(t[ti]);
      out.push(...(inserts.get(pj) ?? []));
      ti++;
      pj++;
      k++;
      continue;
    }
    // a region the printer formatted differently: the user's lines if the edit left it alone
    const tLines: string[] = [];
    const pIdx: number[] = [];
    while (k < tp.length && tp[k].kind !== "same") {
      if (tp[k].kind === "removed") tLines.push(t[ti++]);
      else pIdx.push(pj++);
      k++;
    }
    const untouched = pIdx.every((x, n) => kept[x] && (n === pIdx.length - 1 || !inserts.has(x)));
    if (untouched) {
      out.push(...tLines);
      if (pIdx.length) out.push(...(inserts.get(pIdx[pIdx.length - 1]) ?? []));
    } else {
      for (const x of pIdx) {
        if (kept[x]) out.push(p[x]);
        out.push(...(inserts.get(x) ?? []));
      }
    }
  }
  return out.join("\n");
}

/** Longest-common-subsequence line diff: the prompts' diff, over lines already split. */
export const lineDiff = diffLineLists;

function workflowSeq(doc: Document.Parsed): YAMLSeq {
  let wf = doc.get("workflow", true);
  if (!isSeq(wf)) {
    doc.set("workflow", doc.createNode([]));
    wf = doc.get("workflow", true);
  }
  return wf as YAMLSeq;
}

function stepMap(doc: Document.Parsed, stepId: string): YAMLMap | undefined {
  const wf = doc.get("workflow", true);
  if (!isSeq(wf)) return undefined;
  for (const item of wf.items) {
    if (isMap(item)) {
      const id = item.get("step");
      if (id !== undefined && String(id) === stepId) return item;
    }
  }
  return undefined;
}

/** A step id not used yet: the agent's type (or `step`), then `_2`, `_3`… */
export function freshStepId(yamlText: string, base: string): string {
  const taken = new Set(toGraph(yamlText).steps.map((s) => s.id));
  const clean = base.replace(/[^A-Za-z0-9_-]/g, "_") || "step";
  if (!taken.has(clean)) return clean;
  for (let n = 2; ; n++) if (!taken.has(`${clean}_${n}`)) return `${clean}_${n}`;
}

export interface NewStep {
  id: string;
  agentId?: string;
  output: string;
  approval?: boolean;
  /** An agent the spec's `agents:` list should name (added when missing). */
  agent?: { id: string; name?: string; type?: string };
}

export function addStep(yamlText: string, step: NewStep): string {
  return edit(yamlText, (doc) => {
    const node: Record<string, unknown> = { step: step.id };
    if (step.agentId) node.agent_id = step.agentId;
    node.inputs = [];
    node.outputs = [{ name: step.output }];
    if (step.approval) node.approval = { prompt: "Approve to continue" };
    const created = doc.createNode(node) as YAMLMap;
    for (const key of ["inputs", "outputs"]) {
      const seq = created.get(key, true);
      if (isSeq(seq)) seq.flow = true;
    }
    const wf = workflowSeq(doc);
    if (wf.flow && wf.items.length === 0) wf.flow = false; // `workflow: []` grows one step per block
    wf.add(created);
    if (step.agent) {
      let agents = doc.get("agents", true);
      if (!isSeq(agents)) {
        doc.set("agents", doc.createNode([]));
        agents = doc.get("agents", true);
      }
      const seq = agents as YAMLSeq;
      if (seq.flow && seq.items.length === 0) seq.flow = false;
      const known = seq.items.some((a) => isMap(a) && String(a.get("id")) === step.agent!.id);
      if (!known) {
        const entry = doc.createNode({ id: step.agent.id, ...(step.agent.name ? { name: step.agent.name } : {}), ...(step.agent.type ? { type: step.agent.type } : {}) }) as YAMLMap;
        entry.flow = true;
        seq.add(entry);
      }
    }
  });
}

export function removeStep(yamlText: string, stepId: string): string {
  return edit(yamlText, (doc) => {
    const wf = doc.get("workflow", true);
    if (!isSeq(wf)) return;
    const at = wf.items.findIndex((i) => isMap(i) && String(i.get("step")) === stepId);
    if (at >= 0) wf.delete(at);
  });
}

/** Bind `field` of `source` to `target` (as `input` when the names differ). */
export function addBinding(yamlText: string, b: { source: string; field: string; target: string; input?: string }): string {
  return edit(yamlText, (doc) => {
    const step = stepMap(doc, b.target);
    if (!step) return;
    let inputs = step.get("inputs", true);
    if (!isSeq(inputs)) {
      step.set("inputs", doc.createNode([]));
      inputs = step.get("inputs", true);
    }
    const entry: Record<string, unknown> = { source: b.source, field: b.field };
    if (b.input && b.input !== b.field) entry.as = b.input;
    const node = doc.createNode(entry) as YAMLMap;
    const seq = inputs as unknown as YAMLSeq;
    if (seq.flow) node.flow = true;
    seq.add(node);
    ensureOutput(doc, b.source, b.field);
  });
}

/** The upstream step must list the field among its outputs for the compiler to accept it. */
function ensureOutput(doc: Document.Parsed, source: string, field: string) {
  if (source === "trigger") return;
  const up = stepMap(doc, source);
  if (!up) return;
  let outputs = up.get("outputs", true);
  if (!isSeq(outputs)) {
    up.set("outputs", doc.createNode([]));
    outputs = up.get("outputs", true);
  }
  const seq = outputs as unknown as YAMLSeq;
  if (seq.items.some((o) => isMap(o) && String(o.get("name")) === field)) return;
  const node = doc.createNode({ name: field }) as YAMLMap;
  if (seq.flow || seq.items.some((o) => isMap(o) && o.flow)) node.flow = true;
  seq.add(node);
}

/** Change which upstream field (and/or under which name) an input binding carries. */
export function updateBinding(yamlText: string, edge: EdgeData, change: { field?: string; input?: string }): string {
  return edit(yamlText, (doc) => {
    const step = stepMap(doc, edge.target);
    if (!step) return;
    const node = edge.kind === "foreach" ? step.get("foreach", true) : (step.get("inputs", true) as YAMLSeq | undefined)?.items?.[edge.index];
    if (!isMap(node)) return;
    const field = change.field ?? edge.field;
    const input = change.input ?? edge.input;
    if (change.field !== undefined) setScalar(node, "field", change.field);
    if (input !== field) setScalar(node, "as", input);
    else if (node.has("as")) node.delete("as");
    if (change.field !== undefined) {
      ensureOutput(doc, edge.source, change.field);
      dropUnread(doc, edge.source, edge.field);
    }
  });
}

/**
 * After a binding moved off `field`, drop it from the upstream's outputs when nothing reads
 * it any more, unless it is the step's first (main) output: a binding picked it, so the
 * builder likely added it, and a second output the agent does not produce is an error.
 */
function dropUnread(doc: Document.Parsed, source: string, field: string) {
  if (source === "trigger") return;
  const up = stepMap(doc, source);
  const outputs = up?.get("outputs", true);
  if (!up || !isSeq(outputs) || outputs.items.length < 2) return;
  const at = outputs.items.findIndex((o) => isMap(o) && String(o.get("name")) === field);
  if (at <= 0) return;
  const data = doc.toJS() as { workflow?: { step?: unknown; agent_id?: unknown; inputs?: { source?: unknown; field?: unknown }[]; foreach?: { source?: unknown; field?: unknown } }[] };
  const agent = up.get("agent_id");
  const isSource = (s: unknown) => s !== undefined && (String(s) === source || (agent !== undefined && String(s) === String(agent)));
  const read = (data.workflow ?? []).some(
    (s) => (s?.inputs ?? []).some((i) => isSource(i?.source) && String(i?.field) === field) || (isSource(s?.foreach?.source) && String(s?.foreach?.field) === field),
  );
  if (!read) outputs.delete(at);
}

export function removeBinding(yamlText: string, edge: EdgeData): string {
  return edit(yamlText, (doc) => {
    const step = stepMap(doc, edge.target);
    if (!step) return;
    if (edge.kind === "foreach") step.delete("foreach");
    else (step.get("inputs", true) as YAMLSeq | undefined)?.delete(edge.index);
    dropUnread(doc, edge.source, edge.field);
  });
}

/** Keep a scalar's quoting style when only its value changes. */
function setScalar(map: YAMLMap, key: string, value: unknown) {
  const node = map.get(key, true);
  if (isScalar(node)) node.value = value;
  else map.set(key, value);
}

/** Set (or, with `undefined`/"", remove) a key of a step: `when`, `on_error`, `timeout`, `retry.max_attempts`… */
export function setStepField(yamlText: string, stepId: string, path: string[], value: unknown): string {
  return edit(yamlText, (doc) => {
    const step = stepMap(doc, stepId);
    if (!step) return;
    const empty = value === undefined || value === "" || (typeof value === "number" && Number.isNaN(value));
    if (empty) {
      step.deleteIn(path);
      // drop a parent left empty (e.g. `retry: {}`)
      if (path.length > 1) {
        const parent = step.getIn(path.slice(0, -1), true);
        if (isMap(parent) && parent.items.length === 0) step.deleteIn(path.slice(0, -1));
      }
      return;
    }
    const node = step.getIn(path, true);
    if (isScalar(node)) node.value = value;
    else step.setIn(path, value);
  });
}

/** Steps whose data differ between two texts (added, removed or changed): the deploy diff. */
export function changedSteps(before: string, after: string): Set<string> {
  const byId = (t: string) => {
    const doc = parse(t);
    const data = doc.errors.length ? null : (doc.toJS() as Record<string, unknown> | null);
    const wf = Array.isArray(data?.workflow) ? (data!.workflow as Record<string, unknown>[]) : [];
    return new Map(wf.filter((s) => s && typeof s === "object").map((s) => [String(s.step), JSON.stringify(s)]));
  };
  const a = byId(before);
  const b = byId(after);
  const changed = new Set<string>();
  for (const [id, v] of b) if (a.get(id) !== v) changed.add(id);
  for (const id of a.keys()) if (!b.has(id)) changed.add(id);
  return changed;
}

/**
 * Three-way merge of a conflicting save: start from `theirs` (their text, comments and all)
 * and re-apply every top-level key and every step that `mine` changed relative to `base`.
 * Steps both sides changed differently are listed in `clashes`; mine is kept for them.
 */
export function mergeDrafts(base: string, mine: string, theirs: string): { text: string; clashes: string[] } | null {
  const docs = [parse(base), parse(mine), parse(theirs)];
  if (docs.some((d) => d.errors.length)) return null;
  const [b, m, t] = docs.map((d) => (d.toJS() ?? {}) as Record<string, unknown>);
  const clashes: string[] = [];
  const result = parse(theirs);
  const same = (x: unknown, y: unknown) => JSON.stringify(x) === JSON.stringify(y);
  for (const key of new Set([...Object.keys(b), ...Object.keys(m)])) {
    if (key === "workflow") continue;
    if (same(b[key], m[key])) continue;
    if (!same(b[key], t[key]) && !same(t[key], m[key])) clashes.push(key);
    const node = parse(mine).get(key, true);
    if (m[key] === undefined) result.delete(key);
    else result.set(key, node);
  }
  const steps = (x: Record<string, unknown>) =>
    new Map((Array.isArray(x.workflow) ? (x.workflow as Record<string, unknown>[]) : []).map((s) => [String(s?.step), s]));
  const [sb, sm, st] = [steps(b), steps(m), steps(t)];
  const mineDoc = parse(mine);
  const wf = workflowSeq(result);
  for (const id of new Set([...sb.keys(), ...sm.keys()])) {
    if (same(sb.get(id), sm.get(id))) continue;
    if (!same(sb.get(id), st.get(id)) && !same(st.get(id), sm.get(id))) clashes.push(`step ${id}`);
    const at = wf.items.findIndex((i) => isMap(i) && String(i.get("step")) === id);
    if (!sm.has(id)) {
      if (at >= 0) wf.delete(at);
      continue;
    }
    const node = stepMap(mineDoc, id)!;
    if (at >= 0) wf.items[at] = node;
    else wf.add(node);
  }
  const style = styleOf(theirs);
  return { text: safeSplice(theirs, print(parse(theirs), style), print(result, style)), clashes };
}

/** Replace the smallest span that differs: what an editor needs to keep the cursor. */
export function minimalChange(before: string, after: string): { from: number; to: number; insert: string } | null {
  if (before === after) return null;
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before[start] === after[start]) start++;
  let endA = before.length;
  let endB = after.length;
  while (endA > start && endB > start && before[endA - 1] === after[endB - 1]) {
    endA--;
    endB--;
  }
  return { from: start, to: endA, insert: after.slice(start, endB) };
}

/** 1-based line and column → offset in `text`. */
export function offsetAt(text: string, line: number, column = 1): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf("\n", offset);
    if (nl < 0) return text.length;
    offset = nl + 1;
  }
  return Math.min(text.length, offset + Math.max(0, column - 1));
}
