"use client";
import { useCallback, useEffect, useState } from "react";
import { api, unwrap, type Run } from "@/lib/api";
import { applyEvent, applySnapshot, emptyLiveRun, followRunEvents, isTerminal, type LiveRun } from "@/lib/run-stream";

const POLL_MS = 1000;

/**
 * A run kept live: the snapshot first, then the event stream (EventSource reconnects
 * with Last-Event-ID by itself); polling when the stream cannot be used. `restart`
 * starts over (after a re-run resets the workflow).
 */
export function useLiveRun(runId: string, initialRun: Run | null = null) {
  // The server may have rendered the page with the run already (first paint with its steps).
  const [live, setLive] = useState<LiveRun>(() => (initialRun ? applySnapshot(emptyLiveRun(), initialRun) : emptyLiveRun()));
  const [error, setError] = useState<unknown>(null);
  const [mode, setMode] = useState<"stream" | "polling" | "done">("stream");
  const [generation, setGeneration] = useState(0);

  const refresh = useCallback(async () => {
    try {
      const run = await unwrap(api.GET("/runs/{run_id}", { params: { path: { run_id: runId } } }));
      setLive((l) => applySnapshot(l, run));
      setError(null);
      return run;
    } catch (err) {
      setError(err);
      return null;
    }
  }, [runId]);

  useEffect(() => {
    let cancelled = false;
    let stopStream: (() => void) | null = null;
    let poller: ReturnType<typeof setInterval> | null = null;

    const poll = () => {
      setMode("polling");
      poller = setInterval(async () => {
        const run = await refresh();
        if (run && isTerminal(run.status) && poller) {
          clearInterval(poller);
          setMode("done");
        }
      }, POLL_MS);
    };

    void (async () => {
      const run = await refresh();
      if (cancelled || !run) return;
      if (isTerminal(run.status)) {
        setMode("done");
        return;
      }
      stopStream = followRunEvents(`/api/runs/${encodeURIComponent(runId)}/events`, {
        onEvent: (event) => setLive((l) => applyEvent(l, event, performance.now())),
        onEnd: () => {
          setMode("done");
          void refresh(); // outputs, usage and timings of the finished run
        },
        onFallback: () => {
          if (!cancelled) poll();
        },
      });
    })();
    return () => {
      cancelled = true;
      stopStream?.();
      if (poller) clearInterval(poller);
    };
  }, [runId, refresh, generation]);

  const restart = useCallback(() => {
    setLive(emptyLiveRun());
    setMode("stream");
    setGeneration((g) => g + 1);
  }, []);
  return { live, run: live.run, error, mode, refresh, restart };
}
