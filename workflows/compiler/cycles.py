"""The order steps run in, and the cycles and unreachable steps that prevent one."""

from __future__ import annotations

import heapq

from workflows.compiler.context import CompileState


def order(state: CompileState) -> list[int]:
    """Topological order (ties by declaration); reports cycles and blocked steps."""
    n = len(state.ids)
    dependents: list[list[int]] = [[] for _ in range(n)]
    indegree = [0] * n
    for i in range(n):
        for j in state.deps[i]:
            dependents[j].append(i)
            indegree[i] += 1
    ready = [i for i in range(n) if indegree[i] == 0 and i not in state.self_dependent]
    heapq.heapify(ready)
    ordered: list[int] = []
    while ready:
        i = heapq.heappop(ready)
        ordered.append(i)
        for d in dependents[i]:
            indegree[d] -= 1
            if indegree[d] == 0 and d not in state.self_dependent:
                heapq.heappush(ready, d)
    blocked = [i for i in range(n) if i not in set(ordered)]
    if not blocked:
        return ordered
    blocked_set = set(blocked)
    cyclic: set[int] = set()
    for comp in strongly_connected(blocked, state.deps, blocked_set):
        if len(comp) < 2:
            continue
        cyclic.update(comp)
        start = min(comp)
        walk = [start]
        cur = start
        while True:
            cur = min(d for d in state.deps[cur] if d in comp)
            if cur in walk:
                cycle = walk[walk.index(cur) :]
                break
            walk.append(cur)
        flow_order = list(reversed(cycle))
        first = flow_order.index(min(flow_order))  # start at the first declared step
        flow = [state.ids[c] for c in flow_order[first:] + flow_order[:first]]
        flow.append(flow[0])
        state.report.error(
            state.wp(min(cycle)),
            f"steps form a cycle: {' → '.join(flow)} (each takes input from the one before)",
        )
    for i in blocked:
        if i in cyclic:
            continue
        if i in state.self_dependent:
            continue  # reported where the self-reference was found
        cause = next((d for d in state.deps[i] if d in blocked_set), None)
        why = (
            f"it depends on step {state.ids[cause]}, which can never run"
            if cause is not None
            else "its dependencies can never run"
        )
        state.report.error(state.wp(i), f"step {state.ids[i]} is unreachable: {why}")
    return ordered


def strongly_connected(
    nodes: list[int], deps: list[list[int]], allowed: set[int]
) -> list[list[int]]:
    """Tarjan's algorithm, iterative so long chains cannot exhaust the stack."""
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    on_stack: set[int] = set()
    stack: list[int] = []
    comps: list[list[int]] = []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work: list[tuple[int, int]] = [(root, 0)]
        while work:
            v, pi = work.pop()
            if pi == 0:
                index[v] = low[v] = counter
                counter += 1
                stack.append(v)
                on_stack.add(v)
            succ = [d for d in deps[v] if d in allowed]
            recurse = False
            for k in range(pi, len(succ)):
                w = succ[k]
                if w not in index:
                    work.append((v, k + 1))
                    work.append((w, 0))
                    recurse = True
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            if recurse:
                continue
            if low[v] == index[v]:
                comp: list[int] = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                comps.append(comp)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[v])
    return comps
