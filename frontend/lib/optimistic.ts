/**
 * Optimistic list edits for the apps table: the change shows at once, and the caller
 * puts the snapshot back (rollback) when the API refuses it.
 */
import type { App } from "@/lib/api";

export interface Page<T> {
  items: T[];
  total: number;
}

export function replaceItem(page: Page<App>, app: App): Page<App> {
  return { ...page, items: page.items.map((a) => (a.id === app.id ? app : a)) };
}

export function patchItem(page: Page<App>, id: string, patch: Partial<App>): Page<App> {
  return { ...page, items: page.items.map((a) => (a.id === id ? { ...a, ...patch } : a)) };
}

export function removeItem(page: Page<App>, id: string): Page<App> {
  const items = page.items.filter((a) => a.id !== id);
  return { items, total: Math.max(0, page.total - (page.items.length - items.length)) };
}

export function prependItem(page: Page<App>, app: App): Page<App> {
  return { items: [app, ...page.items.filter((a) => a.id !== app.id)], total: page.total + 1 };
}

/**
 * Applies `optimistic` to the cached page, runs `action`, and on failure restores the
 * snapshot taken before and rethrows; on success revalidates.
 */
export async function withOptimistic<T>(
  get: () => Page<App> | undefined,
  set: (page: Page<App> | undefined, revalidate: boolean) => unknown,
  optimistic: (page: Page<App>) => Page<App>,
  action: () => Promise<T>,
): Promise<T> {
  const snapshot = get();
  if (snapshot) set(optimistic(snapshot), false);
  try {
    const result = await action();
    set(get(), true);
    return result;
  } catch (err) {
    set(snapshot, false);
    throw err;
  }
}
