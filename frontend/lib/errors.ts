/**
 * The API's errors as the console shows them: `{"detail": "..."}` becomes one message,
 * a 422's `{"detail": [{loc, msg, line, column}]}` becomes messages keyed by the field
 * they name, so a form can show each next to its field.
 */

export interface FieldIssue {
  loc: (string | number)[];
  msg: string;
  line?: number | null;
  column?: number | null;
  path?: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly issues: FieldIssue[];

  constructor(status: number, message: string, issues: FieldIssue[] = []) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.issues = issues;
  }
}

function isIssue(value: unknown): value is FieldIssue {
  return typeof value === "object" && value !== null && "msg" in value && "loc" in value;
}

/** Turns an error body (whatever its shape) into an ApiError. */
export function toApiError(status: number, body: unknown): ApiError {
  const detail = typeof body === "object" && body !== null ? (body as { detail?: unknown }).detail : body;
  if (Array.isArray(detail)) {
    const issues = detail.filter(isIssue);
    const message = issues.map((i) => `${fieldPath(i.loc) || "request"}: ${i.msg}`).join("; ");
    return new ApiError(status, message || `Request failed (${status})`, issues);
  }
  if (typeof detail === "string" && detail) return new ApiError(status, detail);
  if (typeof body === "string" && body) return new ApiError(status, body.slice(0, 300));
  return new ApiError(status, `Request failed (${status})`);
}

/**
 * A field's dotted path without FastAPI's leading "body"/"query"/"path":
 * ["body", "model", "temperature"] → "model.temperature".
 */
export function fieldPath(loc: (string | number)[]): string {
  const parts = [...loc];
  if (parts.length && ["body", "query", "path", "header"].includes(String(parts[0]))) parts.shift();
  return parts.map(String).join(".");
}

/**
 * Messages by field path. A message for "model.temperature" is also found under the
 * prefix the form passes ("config.model.temperature" when the form nests it).
 */
export function fieldErrors(error: unknown, prefix = ""): Record<string, string> {
  const out: Record<string, string> = {};
  if (!(error instanceof ApiError)) return out;
  for (const issue of error.issues) {
    let path = fieldPath(issue.loc);
    if (prefix && path.startsWith(prefix + ".")) path = path.slice(prefix.length + 1);
    out[path] = out[path] ? `${out[path]}; ${issue.msg}` : issue.msg;
  }
  return out;
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** The message for `name` ("model.temperature"), also when the API named it with a longer path. */
export function errorFor(errors: Record<string, string>, name: string): string | undefined {
  if (errors[name]) return errors[name];
  const key = Object.keys(errors).find((k) => k.endsWith("." + name));
  return key ? errors[key] : undefined;
}
