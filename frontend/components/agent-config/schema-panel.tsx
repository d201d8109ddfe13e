"use client";
import { useState } from "react";
import { api, unwrap } from "@/lib/api";
import { errorFor, errorMessage, fieldErrors } from "@/lib/errors";
import { Button } from "@/components/ui/button";
import { Field, Input, Textarea } from "@/components/ui/input";

/** `schema:NAME` or `schema:NAME/VERSION` → the registry's name and version. */
export function registryRef(uri: string): { name: string; version?: number } | null {
  const m = /^schema:([^/]+)(?:\/(\d+))?$/.exec(uri.trim());
  return m ? { name: m[1], version: m[2] ? Number(m[2]) : undefined } : null;
}

/**
 * View the schema a URI names (registered schemas from the registry; the library's own
 * schema for the type's default), or register a new one and point the URI at it.
 */
export function SchemaPanel({
  id,
  uri,
  librarySchema,
  libraryUri,
  onUse,
}: {
  id: string;
  uri: string;
  librarySchema: unknown;
  libraryUri: string | null | undefined;
  onUse: (uri: string) => void;
}) {
  const [shown, setShown] = useState<{ text: string } | null>(null);
  const [registering, setRegistering] = useState(false);
  const [name, setName] = useState("");
  const [text, setText] = useState("");
  const [error, setError] = useState<unknown>(null);
  const errors = fieldErrors(error);

  const view = async () => {
    setError(null);
    try {
      const ref = registryRef(uri);
      if (ref) {
        const schema = ref.version
          ? (await unwrap(api.GET("/schemas/{name}/versions/{version}", { params: { path: { name: ref.name, version: ref.version } } }))).schema
          : (await unwrap(api.GET("/schemas/{name}", { params: { path: { name: ref.name } } }))).versions.at(-1)?.schema;
        setShown({ text: JSON.stringify(schema, null, 2) });
      } else if (!uri || uri === libraryUri) {
        setShown({ text: JSON.stringify(librarySchema, null, 2) });
      } else {
        setShown({ text: `This URI (${uri}) is resolved by the server when the app is deployed.` });
      }
    } catch (err) {
      setError(err);
    }
  };

  const register = async () => {
    setError(null);
    let schema: unknown;
    try {
      schema = JSON.parse(text);
    } catch (err) {
      setError(new Error(`Not JSON: ${errorMessage(err)}`));
      return;
    }
    try {
      const created = await unwrap(api.POST("/schemas", { body: { name, schema: schema as Record<string, unknown> } }));
      onUse(created.uri);
      setRegistering(false);
      setShown(null);
    } catch (err) {
      setError(err);
    }
  };

  return (
    <div className="grid gap-2">
      <div className="flex gap-2">
        <Button type="button" variant="outline" size="sm" onClick={() => (shown ? setShown(null) : void view())} aria-expanded={!!shown}>
          {shown ? "Hide schema" : "View schema"}
        </Button>
        <Button type="button" variant="outline" size="sm" onClick={() => setRegistering(!registering)} aria-expanded={registering}>
          Register a schema
        </Button>
      </div>
      {shown ? (
        <pre tabIndex={0} className="max-h-64 overflow-auto rounded-md border bg-muted/40 p-2 text-xs" aria-label={`Schema of ${id}`}>
          {shown.text}
        </pre>
      ) : null}
      {registering ? (
        <div className="grid gap-2 rounded-md border p-3">
          <Field id={`${id}-reg-name`} label="Schema name" error={errorFor(errors, "name")}>
            <Input id={`${id}-reg-name`} value={name} onChange={(e) => setName(e.target.value)} />
          </Field>
          <Field id={`${id}-reg-json`} label="JSON Schema" error={errorFor(errors, "schema")}>
            <Textarea id={`${id}-reg-json`} rows={6} className="font-mono text-xs" value={text} onChange={(e) => setText(e.target.value)} />
          </Field>
          <Button type="button" size="sm" className="justify-self-start" onClick={() => void register()}>
            Register and use
          </Button>
        </div>
      ) : null}
      {error && !Object.keys(errors).length ? (
        <p role="alert" className="text-xs text-destructive">
          {errorMessage(error)}
        </p>
      ) : null}
    </div>
  );
}
