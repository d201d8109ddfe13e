import { errorFor } from "@/lib/errors";

/**
 * A form's fields from a JSON Schema (an approval step's `input_schema`): the top-level
 * properties of simple types. Values typed into the form are turned back into the
 * payload the schema describes; the server checks the payload, not the browser.
 */

export type FieldKind = "string" | "number" | "integer" | "boolean" | "enum" | "json";

export interface SchemaField {
  name: string;
  label: string;
  kind: FieldKind;
  required: boolean;
  options?: string[];
  description?: string;
}

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  title?: string;
  description?: string;
}

export function schemaFields(schema: unknown): SchemaField[] {
  const s = (schema ?? {}) as JsonSchema;
  const required = new Set(s.required ?? []);
  return Object.entries(s.properties ?? {}).map(([name, prop]) => {
    const type = Array.isArray(prop.type) ? prop.type.find((t) => t !== "null") : prop.type;
    let kind: FieldKind = "json";
    if (prop.enum) kind = "enum";
    else if (type === "string" || type === "number" || type === "integer" || type === "boolean") kind = type;
    return {
      name,
      label: prop.title ?? name.replace(/_/g, " "),
      kind,
      required: required.has(name),
      options: prop.enum?.map(String),
      description: prop.description,
    };
  });
}

/** The payload for the typed values: numbers as numbers, empty optional fields left out. */
export function payloadFrom(fields: SchemaField[], values: Record<string, string | boolean>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const raw = values[field.name];
    if (field.kind === "boolean") {
      if (raw !== undefined) out[field.name] = !!raw;
      continue;
    }
    if (raw === undefined || raw === "") continue;
    const text = String(raw);
    if (field.kind === "number" || field.kind === "integer") {
      const n = Number(text);
      out[field.name] = Number.isNaN(n) ? text : n;
    } else if (field.kind === "json") {
      try {
        out[field.name] = JSON.parse(text);
      } catch {
        out[field.name] = text;
      }
    } else out[field.name] = text;
  }
  return out;
}

/** The run's trigger fields an orchestration reads (`source: trigger`), in order of first use. */
export function triggerFields(spec: { workflow?: { inputs?: { source: string; field: string }[]; foreach?: { source: string; field: string } | null }[] } | null | undefined): string[] {
  const out: string[] = [];
  for (const step of spec?.workflow ?? []) {
    const reads = [...(step.inputs ?? []), ...(step.foreach ? [step.foreach] : [])];
    for (const input of reads) {
      if (input.source === "trigger" && !out.includes(input.field)) out.push(input.field);
    }
  }
  return out;
}

/**
 * The API's message for one field of the payload: at `payload.<name>`, or at `payload`
 * naming the field by its JSON pointer ("/limit: must be >= 0").
 */
export function payloadFieldError(errors: Record<string, string>, name: string): string | undefined {
  const direct = errorFor(errors, `payload.${name}`);
  if (direct) return direct;
  const whole = errors["payload"];
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return whole && new RegExp(`/${escaped}(?![A-Za-z0-9_])`).test(whole) ? whole : undefined;
}
