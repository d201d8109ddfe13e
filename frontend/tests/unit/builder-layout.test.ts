import { describe, expect, it } from "vitest";
import { DAGRE_MAX_STEPS, NODE_H, layeredLayout, layout, loadDagre } from "@/lib/builder/layout";
import { toGraph } from "@/lib/builder/model";

function plan(steps: { id: string; from: string[] }[]): string {
  const lines = ['version: "1.0"', 'app_id: "a"', "agents: []", "workflow:"];
  for (const s of steps) {
    lines.push(`  - step: ${s.id}`, "    agent_id: x", "    inputs:");
    for (const f of s.from) lines.push(`      - {source: ${f}, field: out}`);
    if (!s.from.length) lines.push("      - {source: trigger, field: document}");
    lines.push("    outputs: [{name: out}]");
  }
  return lines.join("\n") + "\n";
}

describe("layered layout", () => {
  it("puts each step one column right of its highest source, fan-out in one column on distinct rows", () => {
    const g = toGraph(plan([{ id: "a", from: [] }, { id: "b", from: ["a"] }, { id: "c", from: ["a"] }, { id: "d", from: ["b", "c"] }]));
    const pos = layeredLayout(g);
    expect([...pos.keys()].sort()).toEqual(["a", "b", "c", "d", "trigger"]);
    const x = (id: string) => pos.get(id)!.x;
    const y = (id: string) => pos.get(id)!.y;
    expect(x("trigger")).toBeLessThan(x("a"));
    expect(x("a")).toBeLessThan(x("b"));
    expect(x("b")).toBe(x("c"));
    expect(Math.abs(y("b") - y("c"))).toBeGreaterThanOrEqual(NODE_H);
    expect(x("d")).toBeGreaterThan(x("b"));
  });

  it("a long chain with skip edges is one row, left to right, in workflow order", () => {
    const steps = Array.from({ length: 200 }, (_, i) => ({ id: `s${i}`, from: i === 0 ? [] : i === 1 ? ["s0"] : [`s${i - 1}`, `s${i - 2}`] }));
    const pos = layeredLayout(toGraph(plan(steps)));
    for (let i = 1; i < 200; i++) {
      expect(pos.get(`s${i}`)!.x).toBeGreaterThan(pos.get(`s${i - 1}`)!.x);
      expect(pos.get(`s${i}`)!.y).toBe(pos.get("s0")!.y);
    }
  });

  it("draws a plan with a cycle (invalid, still shown) without looping", () => {
    const pos = layeredLayout(toGraph(plan([{ id: "a", from: ["b"] }, { id: "b", from: ["a"] }])));
    expect(pos.size).toBe(3);
  });

  it("dagre lays out small plans once loaded; large ones never wait for it", async () => {
    const small = toGraph(plan([{ id: "a", from: [] }, { id: "b", from: ["a"] }]));
    const large = toGraph(plan(Array.from({ length: DAGRE_MAX_STEPS + 1 }, (_, i) => ({ id: `s${i}`, from: i ? [`s${i - 1}`] : [] }))));
    expect(layout(large)?.size).toBe(DAGRE_MAX_STEPS + 2);
    await loadDagre();
    const pos = layout(small)!;
    expect(pos.get("a")!.x).toBeLessThan(pos.get("b")!.x);
  });
});
