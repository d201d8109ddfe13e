/** ISO timestamps for observability windows, rounded to the minute so SWR keys stay stable. */
export function hoursAgo(hours: number, now = Date.now()): string {
  const t = Math.floor((now - hours * 3600_000) / 60_000) * 60_000;
  return new Date(t).toISOString();
}

export function startOfTodayUtc(now = Date.now()): string {
  const d = new Date(now);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate())).toISOString();
}
