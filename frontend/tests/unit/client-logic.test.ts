import { describe, expect, it } from "vitest";
import { ApiError, errorFor, fieldErrors, toApiError } from "@/lib/errors";
import { defaultOrchestrationYaml, orderAgents } from "@/lib/default-orchestration";
import { payloadFieldError, payloadFrom, schemaFields, triggerFields } from "@/lib/json-schema-form";
import { diffLines, promptRefs } from "@/lib/prompts";
import { patchItem, prependItem, removeItem, withOptimistic, type Page } from "@/lib/optimistic";
import { renewDelayMs } from "@/lib/auth-store";
import type { App } from "@/lib/api";

describe("API errors", () => {
  it("keys a 422's messages by the field they name", () => {
    const err = toApiError(422, {
      detail: [{ loc: ["body", "model", "temperature"], msg: "Input should be less than or equal to 2", type: "less_than_equal" }],
    });
    expect(err).toBeInstanceOf(ApiError);
    expect(err.message).toContain("model.temperature");
    const errors = fieldErrors(err);
    expect(errors["model.temperature"]).toMatch(/less than or equal to 2/);
    expect(errorFor(errors, "model.temperature")).toBeDefined();
    expect(errorFor(fieldErrors(toApiError(422, { detail: [{ loc: ["body", "config", "model", "temperature"], msg: "x", type: "t" }] })), "model.temperature")).toBe("x");
  });

  it("keeps a sentence detail as the message", () => {
    expect(toApiError(409, { detail: "The app is archived." }).message).toBe("The app is archived.");
    expect(toApiError(502, null).message).toBe("Request failed (502)");
  });
});

describe("the default orchestration", () => {
  const agents = [
    { id: "agent-s", name: "Report", type: "summarizer" },
    { id: "agent-x", name: "Extractor", type: "extractor" },
    { id: "agent-a", name: "Analyzer", type: "analyzer" },
  ];
  it("chains the agents in pipeline order from the document", () => {
    expect(orderAgents(agents).map((a) => a.type)).toEqual(["extractor", "analyzer", "summarizer"]);
    const yaml = defaultOrchestrationYaml("app-1", "P", agents);
    expect(yaml).toContain('app_id: "app-1"');
    expect(yaml.indexOf('agent_id: "agent-x"')).toBeLessThan(yaml.indexOf('agent_id: "agent-a"'));
    expect(yaml).toMatch(/source: "trigger"\n\s+field: "document"/);
    expect(yaml).toMatch(/source: "agent-x"\n\s+field: "extracted_data"/);
    expect(yaml).toMatch(/source: "agent-a"\n\s+field: "risk_analysis"/);
  });
  it("reads back its trigger fields", () => {
    expect(triggerFields({ workflow: [{ inputs: [{ source: "trigger", field: "document" }] }, { inputs: [{ source: "1", field: "x" }], foreach: { source: "trigger", field: "docs" } }] })).toEqual(["document", "docs"]);
  });
});

describe("approval forms from JSON Schema", () => {
  it("builds fields and a typed payload", () => {
    const fields = schemaFields({ type: "object", required: ["limit"], properties: { limit: { type: "number" }, note: { type: "string" }, ok: { type: "boolean" }, tier: { enum: ["a", "b"] } } });
    expect(fields.map((f) => [f.name, f.kind, f.required])).toEqual([
      ["limit", "number", true],
      ["note", "string", false],
      ["ok", "boolean", false],
      ["tier", "enum", false],
    ]);
    expect(payloadFrom(fields, { limit: "1500", note: "", ok: true, tier: "b" })).toEqual({ limit: 1500, ok: true, tier: "b" });
  });
  it("finds the server's message for a payload field by its JSON pointer", () => {
    const errors = { payload: "the approval payload of step 's' does not match its schema: /limit: must be >= 0" };
    expect(payloadFieldError(errors, "limit")).toMatch(/must be >= 0/);
    expect(payloadFieldError(errors, "lim")).toBeUndefined();
    expect(payloadFieldError({ "payload.note": "too long" }, "note")).toBe("too long");
  });
});

describe("prompts", () => {
  it("reads every form of prompt URI", () => {
    expect(promptRefs("mlflow:/prompts/extractor-system-v1")).toEqual([{ name: "extractor-system-v1" }, { name: "extractor-system", version: 1 }]);
    expect(promptRefs("prompts:/p/3")).toEqual([{ name: "p", version: 3, alias: undefined }]);
    expect(promptRefs("prompts:/p@production")).toEqual([{ name: "p", version: undefined, alias: "production" }]);
  });
  it("diffs two versions line by line", () => {
    expect(diffLines("a\nb\nc", "a\nx\nc")).toEqual([
      { kind: "same", text: "a" },
      { kind: "removed", text: "b" },
      { kind: "added", text: "x" },
      { kind: "same", text: "c" },
    ]);
  });
});

describe("optimistic updates", () => {
  const app = (id: string, status = "draft"): App => ({ id, name: id, description: "", version: "", status: status as App["status"], agent_count: 0, created_at: "", updated_at: "" });
  const page: Page<App> = { items: [app("a"), app("b")], total: 2 };

  it("edits the cached page", () => {
    expect(patchItem(page, "a", { status: "deployed" }).items[0].status).toBe("deployed");
    expect(removeItem(page, "a")).toEqual({ items: [app("b")], total: 1 });
    expect(prependItem(page, app("c")).items.map((a) => a.id)).toEqual(["c", "a", "b"]);
  });

  it("rolls back to the snapshot when the API refuses", async () => {
    let cache: Page<App> | undefined = page;
    const writes: (Page<App> | undefined)[] = [];
    const set = (p: Page<App> | undefined) => {
      cache = p;
      writes.push(p);
    };
    await expect(
      withOptimistic(() => cache, set, (p) => removeItem(p, "a"), async () => {
        expect(cache?.items.map((a) => a.id)).toEqual(["b"]); // shown at once
        throw new ApiError(409, "The app is deployed.");
      }),
    ).rejects.toThrow("The app is deployed.");
    expect(cache).toBe(page);
  });
});

describe("session renewal", () => {
  it("renews a minute before expiry, never sooner than 5 s", () => {
    expect(renewDelayMs(1000, 0)).toBe(1000 * 1000 - 60_000);
    expect(renewDelayMs(10, 0)).toBe(5000);
    expect(renewDelayMs(null)).toBeNull();
  });
});
