import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { parse as parseYaml, stringify } from "yaml";
import {
  addBinding,
  addStep,
  changedSteps,
  lineDiff,
  mergeDrafts,
  minimalChange,
  parse,
  print,
  removeBinding,
  setStepField,
  toGraph,
  updateBinding,
} from "@/lib/builder/model";

/** Generated specs: steps with ids, agents, bindings to earlier steps, and optional keys. */
const ident = fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/);
const spec = fc
  .record({
    name: fc.stringMatching(/^[A-Za-z][A-Za-z :,-]{0,20}$/),
    ids: fc.uniqueArray(ident, { minLength: 1, maxLength: 6 }),
    when: fc.option(fc.constantFrom("inputs.amount > 10", "steps.a.ok == true"), { nil: undefined }),
    retry: fc.option(fc.integer({ min: 1, max: 9 }), { nil: undefined }),
    concurrency: fc.option(fc.integer({ min: 1, max: 50 }), { nil: undefined }),
    flow: fc.boolean(),
  })
  .map(({ name, ids, when, retry, concurrency, flow }) => ({
    flow,
    data: {
      version: "1.0",
      app_id: "app-x",
      name,
      agents: ids.map((id) => ({ id: `agent-${id}`, type: "extractor" })),
      workflow: ids.map((id, k) => ({
        step: id,
        agent_id: `agent-${id}`,
        inputs: k === 0 ? [{ source: "trigger", field: "document" }] : [{ source: ids[k - 1], field: `out_${ids[k - 1]}` }],
        outputs: [{ name: `out_${id}` }],
        ...(when && k === ids.length - 1 ? { when } : {}),
        ...(retry && k === 0 ? { retry: { max_attempts: retry } } : {}),
        ...(concurrency && k > 0 ? { foreach: { source: ids[k - 1], field: `out_${ids[k - 1]}`, max_concurrency: concurrency } } : {}),
      })),
    },
  }));

const withComments = (text: string) =>
  text
    .split("\n")
    .map((line, i) => (line.trim() && i % 3 === 0 && !line.trimEnd().endsWith(":") && !line.includes("#") ? `${line}  # c${i}` : line))
    .join("\n");

describe("lossless YAML round trip", () => {
  it("parse(serialize(x)) equals x for generated specs, comments and key order kept", () => {
    fc.assert(
      fc.property(spec, ({ data, flow }) => {
        const text = "# the plan\n" + withComments(stringify(data, { collectionStyle: flow ? "flow" : "any", lineWidth: 0 }));
        const doc = parse(text);
        expect(doc.errors).toEqual([]);
        const printed = print(doc);
        expect(parseYaml(printed)).toEqual(data);
        expect(parseYaml(printed)).toEqual(parseYaml(text));
        // every comment survives, in order
        const comments = (t: string) => t.match(/#.*$/gm) ?? [];
        expect(comments(printed)).toEqual(comments(text));
        // key order survives
        expect(Object.keys(parseYaml(printed))).toEqual(Object.keys(data));
      }),
      { numRuns: 80 },
    );
  });

  it("graph edits change only what they touch: comments stay where they were", () => {
    fc.assert(
      fc.property(spec, fc.integer({ min: 1, max: 9 }), ({ data }, attempts) => {
        const text = "# the plan\n" + withComments(stringify(data, { lineWidth: 0 }));
        const first = String(data.workflow[0].step);
        let edited = setStepField(text, first, ["retry", "max_attempts"], attempts);
        edited = setStepField(edited, first, ["on_error"], "continue");
        edited = addStep(edited, { id: "added", agentId: "agent-new", output: "out_added", agent: { id: "agent-new", type: "summarizer" } });
        edited = addBinding(edited, { source: first, field: "risk_grade", target: "added", input: "risk_analysis" });
        const after = parseYaml(edited);
        expect(after.workflow[0].retry.max_attempts).toBe(attempts);
        expect(after.workflow[0].on_error).toBe("continue");
        // the upstream now lists the bound field among its outputs
        expect(after.workflow[0].outputs.map((o: { name: string }) => o.name)).toContain("risk_grade");
        expect(after.workflow.at(-1)).toMatchObject({ step: "added", inputs: [{ source: first, field: "risk_grade", as: "risk_analysis" }] });
        // everything else is as it was
        const untouched = (d: typeof data) => ({ ...d, agents: d.agents.slice(0, data.agents.length), workflow: d.workflow.slice(1, data.workflow.length) });
        expect(untouched(after)).toEqual(untouched(data));
        const comments = (t: string) => t.match(/#.*$/gm) ?? [];
        expect(comments(edited)).toEqual(comments(text));
        // each comment is still on the line of the same content
        for (const line of text.split("\n").filter((l) => l.includes("# c"))) {
          const [content, comment] = line.split("  #");
          if (content.includes("retry") || content.includes("max_attempts") || content.includes("outputs")) continue;
          expect(edited).toContain(`${content}  #${comment}`);
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe("untouched formatting", () => {
  it("a graph edit adds its line and leaves every other line exactly as written", () => {
    fc.assert(
      fc.property(spec, ({ data }) => {
        // spacing a printer would normalise: two spaces before comments, 4-space indents
        const text = withComments(stringify(data, { lineWidth: 0, indent: 4 }));
        const last = String(data.workflow.at(-1)!.step);
        const edited = setStepField(text, last, ["timeout"], "30s");
        const ops = lineDiff(text.split("\n"), edited.split("\n"));
        expect(ops.filter((o) => o.kind === "removed")).toEqual([]);
        expect(ops.filter((o) => o.kind === "added").length).toBeLessThanOrEqual(1);
        expect(parseYaml(edited).workflow.at(-1).timeout).toBe("30s");
      }),
      { numRuns: 60 },
    );
  });
});

describe("the graph of a spec", () => {
  const text = `app_id: a
workflow:
  - step: 1
    agent_id: ext
    inputs: [{source: trigger, field: document}]
    outputs: [{name: extracted_data}]
  - step: 2
    agent_id: ana
    inputs:
      - source: ext   # an agent id: resolved to its step
        field: extracted_data
    outputs: [{name: risk_analysis}]
  - step: each
    agent_id: sum
    foreach: {source: 2, field: risk_analysis, max_concurrency: 3, as: risk_analysis}
    when: "inputs.x == 1"
    outputs: [{name: r}]
`;

  it("has an edge per binding and per foreach, with the validate endpoint's ids", () => {
    const g = toGraph(text);
    expect(g.steps.map((s) => s.id)).toEqual(["1", "2", "each"]);
    expect(g.edges.map((e) => e.id)).toEqual([
      "trigger.document->1.document",
      "1.extracted_data->2.extracted_data",
      "2.risk_analysis->each.risk_analysis",
    ]);
    expect(g.edges[1].writtenSource).toBe("ext");
    expect(g.steps[2]).toMatchObject({ when: "inputs.x == 1", foreach: { max_concurrency: 3 } });
  });

  it("rebinds, renames and removes an edge without touching the comment", () => {
    const edge = toGraph(text).edges[1];
    const rebound = updateBinding(text, edge, { field: "title", input: "extracted_data" });
    expect(rebound).toContain("      - source: ext   # an agent id: resolved to its step\n");
    expect(rebound).toContain("    inputs: [{source: trigger, field: document}]\n");
    expect(parseYaml(rebound).workflow[1].inputs[0]).toEqual({ source: "ext", field: "title", as: "extracted_data" });
    const removed = removeBinding(rebound, toGraph(rebound).edges[1]);
    expect(parseYaml(removed).workflow[1].inputs).toEqual([]);
  });

  it("a rebinding adds the picked output upstream, and moving back drops it again", () => {
    const edge = toGraph(text).edges[1];
    const there = updateBinding(text, edge, { field: "risk_grade", input: "extracted_data" });
    expect(parseYaml(there).workflow[0].outputs).toEqual([{ name: "extracted_data" }, { name: "risk_grade" }]);
    const back = updateBinding(there, toGraph(there).edges[1], { field: "extracted_data" });
    expect(back).toBe(text);
  });

  it("reports a syntax error instead of a graph, and edits leave such text alone", () => {
    const broken = "workflow: [\n";
    expect(toGraph(broken).error).toBeTruthy();
    expect(setStepField(broken, "1", ["when"], "x")).toBe(broken);
  });
});

describe("deploy diff, merge and editor updates", () => {
  const base = "app_id: a\n# steps\nworkflow:\n  - {step: a, agent_id: x}\n  - {step: b, agent_id: y}\n";

  it("keeps a comment the printer would move (after a key that opens a block list)", () => {
    const text = "app_id: a\nworkflow:  # reviewed by the credit desk\n  - {step: a, agent_id: x}\n  - step: b\n    agent_id: y\n";
    const edited = setStepField(text, "b", ["timeout"], "45s");
    expect(edited).toBe(text + "    timeout: 45s\n");
    const merged = mergeDrafts(text, setStepField(text, "a", ["when"], "x"), edited)!;
    expect(merged.text).toContain("workflow:  # reviewed by the credit desk\n");
    expect(parseYaml(merged.text).workflow).toEqual([{ step: "a", agent_id: "x", when: "x" }, { step: "b", agent_id: "y", timeout: "45s" }]);
  });

  it("grows an empty flow list into a block list, one step per block", () => {
    const grown = addStep('app_id: a\nagents: []\nworkflow: []\n', { id: "a", agentId: "x", output: "o", agent: { id: "x", type: "extractor" } });
    expect(grown).toBe("app_id: a\nagents:\n  - {id: x, type: extractor}\nworkflow:\n  - step: a\n    agent_id: x\n    inputs: []\n    outputs: [{name: o}]\n");
  });

  it("names the steps that changed", () => {
    const after = setStepField(base, "b", ["when"], "inputs.k > 1");
    expect([...changedSteps(base, after)]).toEqual(["b"]);
    expect([...changedSteps(base, addStep(base, { id: "c", output: "o" }))]).toEqual(["c"]);
  });

  it("merges a conflicting save: their changes and mine both kept, clashes named", () => {
    const mine = setStepField(base, "a", ["timeout"], "30s");
    const theirs = "# their comment\n" + setStepField(base, "b", ["on_error"], "continue");
    const merged = mergeDrafts(base, mine, theirs)!;
    expect(merged.clashes).toEqual([]);
    const data = parseYaml(merged.text);
    expect(data.workflow[0].timeout).toBe("30s");
    expect(data.workflow[1].on_error).toBe("continue");
    expect(merged.text).toContain("# their comment");
    const clash = mergeDrafts(base, setStepField(base, "a", ["when"], "x"), setStepField(base, "a", ["when"], "y"))!;
    expect(clash.clashes).toEqual(["step a"]);
    expect(parseYaml(clash.text).workflow[0].when).toBe("x");
  });

  it("replaces only the span that changed", () => {
    expect(minimalChange("abcdef", "abXYef")).toEqual({ from: 2, to: 4, insert: "XY" });
    expect(minimalChange("same", "same")).toBeNull();
  });
});
