/**
 * A run's live state on the run page: the snapshot of GET /runs/{id} merged with the
 * step events of GET /runs/{id}/events (Server-Sent Events). Events carry a sequence
 * number; after a reconnect (the browser sends Last-Event-ID) an event already seen is
 * dropped, and a step never goes back from an outcome to running.
 */
import type { Run, StepProgress } from "@/lib/api";

/** One `data:` of the event stream (schemas/observability.py RunEvent; the stream is not in OpenAPI's models). */
export interface RunEvent {
  seq: number;
  event: "step" | "run";
  run_id: string;
  step_id?: string | null;
  state: string;
  attempts?: number | null;
  items_done?: number | null;
  items_total?: number | null;
  error?: string | null;
  at?: string | null;
}

export const TERMINAL_RUN_STATUSES = ["completed", "failed", "canceled", "terminated", "timed_out"];
const FINISHED_STEP_STATES = ["completed", "failed", "skipped", "canceled"];

export interface LiveRun {
  run: Run | null;
  lastSeq: number;
  /** When each step reached its current state on this screen (performance.now()), for the bench. */
  seenAt: Record<string, number>;
}

export function emptyLiveRun(): LiveRun {
  return { run: null, lastSeq: 0, seenAt: {} };
}

function rank(state: string | undefined): number {
  if (!state || state === "pending") return 0;
  if (FINISHED_STEP_STATES.includes(state)) return 2;
  return 1;
}

export function isTerminal(status: string | undefined): boolean {
  return !!status && TERMINAL_RUN_STATUSES.includes(status);
}

/** The newer snapshot wins, except that a step seen finished does not go back to running. */
export function applySnapshot(live: LiveRun, run: Run): LiveRun {
  const previous = new Map((live.run?.steps ?? []).map((s) => [s.step_id, s]));
  const steps: StepProgress[] = (run.steps ?? []).map((step) => {
    const before = previous.get(step.step_id);
    if (before && rank(before.state) > rank(step.state)) return { ...step, ...pickState(before) };
    return step;
  });
  // A run event may have ended the run before this snapshot was taken.
  const status = isTerminal(live.run?.status) && !isTerminal(run.status) ? live.run!.status : run.status;
  return { ...live, run: { ...run, status, steps } };
}

function pickState(step: StepProgress): Partial<StepProgress> {
  return { state: step.state, ended_at: step.ended_at, error: step.error, attempts: step.attempts };
}

export function applyEvent(live: LiveRun, event: RunEvent, now = 0): LiveRun {
  if (event.seq <= live.lastSeq) return live;
  const run: Run = live.run ?? { run_id: event.run_id, app_id: "", app_version: "", status: "running", steps: [] };
  if (event.event === "run") {
    return {
      ...live,
      lastSeq: event.seq,
      run: { ...run, status: event.state as Run["status"], error: event.error ?? run.error, ended_at: event.at ?? run.ended_at },
    };
  }
  const stepId = event.step_id ?? "";
  const steps = [...(run.steps ?? [])];
  const index = steps.findIndex((s) => s.step_id === stepId);
  const before: StepProgress = index >= 0 ? steps[index] : { step_id: stepId, state: "pending", attempts: 0 };
  if (rank(before.state) > rank(event.state)) return { ...live, lastSeq: event.seq };
  const finished = FINISHED_STEP_STATES.includes(event.state);
  const next: StepProgress = {
    ...before,
    state: event.state as StepProgress["state"],
    attempts: event.attempts ?? before.attempts,
    items_done: event.items_done ?? before.items_done,
    items_total: event.items_total ?? before.items_total,
    error: event.error ?? (finished ? before.error : null),
    started_at: !finished && event.at ? event.at : before.started_at,
    ended_at: finished && event.at ? event.at : before.ended_at,
  };
  if (index >= 0) steps[index] = next;
  else steps.push(next);
  return {
    ...live,
    lastSeq: event.seq,
    run: { ...run, steps },
    seenAt: { ...live.seenAt, [`${stepId}:${event.state}`]: now },
  };
}

export interface FollowOptions {
  onEvent: (event: RunEvent) => void;
  /** Called when the stream cannot be used; the caller polls instead. */
  onFallback: () => void;
  /** Called once the run's terminal event arrived. */
  onEnd: () => void;
  eventSourceFactory?: (url: string) => EventSource;
  /** Failed connections in a row before falling back to polling. */
  maxErrors?: number;
}

/**
 * Follows the event stream. EventSource reconnects by itself after a dropped connection
 * and sends Last-Event-ID; after `maxErrors` failures in a row (or a refused stream) the
 * caller is told to poll. Returns a function that stops following.
 */
export function followRunEvents(url: string, options: FollowOptions): () => void {
  const make = options.eventSourceFactory ?? ((u: string) => new EventSource(u));
  const maxErrors = options.maxErrors ?? 3;
  let errors = 0;
  let stopped = false;
  const source = make(url);
  const handle = (message: MessageEvent) => {
    errors = 0;
    let event: RunEvent;
    try {
      event = JSON.parse(message.data) as RunEvent;
    } catch {
      return;
    }
    options.onEvent(event);
    if (event.event === "run") {
      stop();
      options.onEnd();
    }
  };
  source.addEventListener("step", handle as EventListener);
  source.addEventListener("run", handle as EventListener);
  source.onerror = () => {
    if (stopped) return;
    errors += 1;
    // CLOSED: the browser gave up (a non-200 answer); otherwise it is reconnecting.
    if (source.readyState === 2 || errors >= maxErrors) {
      stop();
      options.onFallback();
    }
  };
  function stop() {
    stopped = true;
    source.close();
  }
  return stop;
}
