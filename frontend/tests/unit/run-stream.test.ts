import { describe, expect, it } from "vitest";
import type { Run } from "@/lib/api";
import { applyEvent, applySnapshot, emptyLiveRun, followRunEvents, type RunEvent } from "@/lib/run-stream";

const run = (steps: Run["steps"], status: Run["status"] = "running"): Run => ({ run_id: "run-1", app_id: "app-1", app_version: "1.0.0", status, steps });
const step = (seq: number, step_id: string, state: string, at = "2026-01-01T00:00:00Z"): RunEvent => ({ seq, event: "step", run_id: "run-1", step_id, state, at });

describe("applyEvent", () => {
  it("moves a step through its states and ignores events already seen after a reconnect", () => {
    let live = applySnapshot(emptyLiveRun(), run([{ step_id: "a", state: "pending" }]));
    live = applyEvent(live, step(1, "a", "running"));
    live = applyEvent(live, step(2, "a", "completed", "2026-01-01T00:00:01Z"));
    expect(live.run?.steps?.[0]).toMatchObject({ state: "completed", ended_at: "2026-01-01T00:00:01Z" });
    // The replayed first event (seq 1) after a reconnect changes nothing.
    const again = applyEvent(live, step(1, "a", "running"));
    expect(again).toBe(live);
    expect(live.lastSeq).toBe(2);
  });

  it("adds a step it has not seen in the snapshot", () => {
    const live = applyEvent(applySnapshot(emptyLiveRun(), run([])), step(1, "b", "waiting_approval"));
    expect(live.run?.steps?.map((s) => [s.step_id, s.state])).toEqual([["b", "waiting_approval"]]);
  });

  it("ends the run on the run event", () => {
    const live = applyEvent(applySnapshot(emptyLiveRun(), run([])), { seq: 1, event: "run", run_id: "run-1", state: "failed", error: "boom" });
    expect(live.run).toMatchObject({ status: "failed", error: "boom" });
  });

  it("records when a step's state reached the screen", () => {
    const live = applyEvent(applySnapshot(emptyLiveRun(), run([])), step(1, "a", "completed"), 123.5);
    expect(live.seenAt["a:completed"]).toBe(123.5);
  });
});

describe("applySnapshot", () => {
  it("does not take a step back from an outcome to running (an older snapshot)", () => {
    let live = applySnapshot(emptyLiveRun(), run([{ step_id: "a", state: "pending" }]));
    live = applyEvent(live, step(1, "a", "completed"));
    live = applySnapshot(live, run([{ step_id: "a", state: "running" }]));
    expect(live.run?.steps?.[0].state).toBe("completed");
  });

  it("keeps a terminal status reached by a run event", () => {
    let live = applyEvent(applySnapshot(emptyLiveRun(), run([])), { seq: 1, event: "run", run_id: "run-1", state: "completed" });
    live = applySnapshot(live, run([], "running"));
    expect(live.run?.status).toBe("completed");
  });
});

class FakeSource {
  readyState = 1;
  listeners: Record<string, ((m: MessageEvent) => void)[]> = {};
  onerror: (() => void) | null = null;
  closed = false;
  addEventListener(type: string, fn: (m: MessageEvent) => void) {
    (this.listeners[type] ??= []).push(fn);
  }
  close() {
    this.closed = true;
    this.readyState = 2;
  }
  emit(type: string, data: unknown) {
    for (const fn of this.listeners[type] ?? []) fn({ data: JSON.stringify(data) } as MessageEvent);
  }
}

describe("followRunEvents", () => {
  it("delivers events, and stops at the run's end", () => {
    const source = new FakeSource();
    const seen: RunEvent[] = [];
    let ended = false;
    followRunEvents("/x", {
      eventSourceFactory: () => source as unknown as EventSource,
      onEvent: (e) => seen.push(e),
      onEnd: () => (ended = true),
      onFallback: () => {
        throw new Error("no fallback expected");
      },
    });
    source.emit("step", step(1, "a", "running"));
    source.emit("run", { seq: 2, event: "run", run_id: "run-1", state: "completed" });
    expect(seen.map((e) => e.seq)).toEqual([1, 2]);
    expect(ended).toBe(true);
    expect(source.closed).toBe(true);
  });

  it("lets the browser reconnect a few times, then falls back to polling", () => {
    const source = new FakeSource();
    let fallback = 0;
    followRunEvents("/x", {
      eventSourceFactory: () => source as unknown as EventSource,
      onEvent: () => undefined,
      onEnd: () => undefined,
      onFallback: () => fallback++,
      maxErrors: 3,
    });
    source.onerror!();
    source.onerror!();
    expect(fallback).toBe(0);
    expect(source.closed).toBe(false);
    source.onerror!();
    expect(fallback).toBe(1);
    expect(source.closed).toBe(true);
  });

  it("falls back at once when the browser gave up on the stream (a refused answer)", () => {
    const source = new FakeSource();
    let fallback = 0;
    followRunEvents("/x", {
      eventSourceFactory: () => source as unknown as EventSource,
      onEvent: () => undefined,
      onEnd: () => undefined,
      onFallback: () => fallback++,
    });
    source.readyState = 2;
    source.onerror!();
    expect(fallback).toBe(1);
  });
});
