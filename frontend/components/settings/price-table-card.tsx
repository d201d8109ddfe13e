"use client";
import { useState } from "react";
import useSWR from "swr";
import { Plus, RotateCcw, Save, Trash2 } from "lucide-react";
import { api, unwrap } from "@/lib/api";
import { errorMessage, fieldErrors } from "@/lib/errors";
import { formatTime } from "@/lib/utils";
import { toast } from "@/hooks/use-toast";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { EmptyState, ErrorState, LoadingState } from "@/components/shared/states";

type PriceEntry = import("@/lib/api-schema").components["schemas"]["PriceEntry"];
interface Row {
  key: number;
  provider: string;
  model: string;
  input: string;
  output: string;
}

let nextKey = 0;
const toRows = (prices: PriceEntry[]): Row[] =>
  prices.map((p) => ({ key: nextKey++, provider: p.provider, model: p.model, input: String(p.input), output: String(p.output) }));

export function usePrices() {
  return useSWR(["prices"], () => unwrap(api.GET("/settings/prices")));
}

/** The price table in effect (file or database), editable by platform admins. */
export function PriceTableCard() {
  const { data, error, isLoading, mutate } = usePrices();
  const [rows, setRows] = useState<Row[] | null>(null);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const editing = rows !== null;
  const shown = rows ?? (data ? toRows(data.prices) : []);
  const errors = fieldErrors(saveError);

  const update = (key: number, field: keyof Omit<Row, "key">, value: string) =>
    setRows((current) => (current ?? shown).map((r) => (r.key === key ? { ...r, [field]: value } : r)));
  const save = async () => {
    setBusy(true);
    setSaveError(null);
    try {
      const body = {
        prices: shown.map((r) => ({ provider: r.provider.trim(), model: r.model.trim(), input: Number(r.input), output: Number(r.output) })),
      };
      const table = await unwrap(api.PUT("/settings/prices", { body }));
      await mutate(table, { revalidate: false });
      setRows(null);
      toast({ title: "Price table saved", description: "Workers use it within 30 s." });
    } catch (err) {
      setSaveError(err);
    } finally {
      setBusy(false);
    }
  };
  const reset = async () => {
    setBusy(true);
    setSaveError(null);
    try {
      await unwrap(api.DELETE("/settings/prices"));
      setRows(null);
      await mutate();
      toast({ title: "Back to the price file" });
    } catch (err) {
      setSaveError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card>
      <CardHeader>
        <CardTitle>Price table</CardTitle>
        <CardDescription>
          US dollars per million tokens, per provider and model (exact name or prefix; <code>*</code> for the provider&apos;s other models).
          A step is priced with it when its agent reports tokens but no cost.{" "}
          {data ? (
            data.source === "database" ? (
              <>
                Set through the console by {data.updated_by ?? "an admin"}
                {data.updated_at ? ` on ${formatTime(data.updated_at)}` : ""}; resetting goes back to <code>{data.file}</code>.
              </>
            ) : (
              <>
                From the price file <code>{data.file}</code>; saving stores an edited copy in the database.
              </>
            )
          ) : null}
        </CardDescription>
      </CardHeader>
      <CardContent className="grid gap-3">
        {error ? (
          <ErrorState error={error} retry={() => void mutate()} />
        ) : isLoading || !data ? (
          <LoadingState label="Loading prices…" />
        ) : (
          <>
            {shown.length === 0 ? (
              <EmptyState title="No prices" description="Every step costs $0 until a model is priced." />
            ) : (
              <div className="max-h-96 overflow-auto">
                <Table aria-label="Prices per million tokens">
                  <TableHeader>
                    <TableRow>
                      <TableHead>Provider</TableHead>
                      <TableHead>Model</TableHead>
                      <TableHead className="text-right">Input $/M</TableHead>
                      <TableHead className="text-right">Output $/M</TableHead>
                      <TableHead>
                        <span className="sr-only">Remove</span>
                      </TableHead>
                    </TableRow>
                  </TableHeader>
                  <TableBody>
                    {shown.map((r, i) => (
                      <TableRow key={r.key}>
                        {(["provider", "model", "input", "output"] as const).map((field) => {
                          const message = errors[`prices.${i}.${field}`];
                          const numeric = field === "input" || field === "output";
                          return (
                            <TableCell key={field} className="p-1 align-top">
                              <Input
                                aria-label={`${field} of row ${i + 1}`}
                                aria-invalid={!!message}
                                aria-describedby={message ? `price-${r.key}-${field}-error` : undefined}
                                value={r[field]}
                                inputMode={numeric ? "decimal" : undefined}
                                className={numeric ? "h-8 w-24 text-right" : "h-8 min-w-28"}
                                onChange={(e) => update(r.key, field, e.target.value)}
                              />
                              {message ? (
                                <p id={`price-${r.key}-${field}-error`} className="pt-1 text-xs text-destructive">
                                  {message}
                                </p>
                              ) : null}
                            </TableCell>
                          );
                        })}
                        <TableCell className="p-1 align-top">
                          <Button
                            variant="ghost"
                            size="sm"
                            aria-label={`Remove ${r.provider}/${r.model}`}
                            onClick={() => setRows((current) => (current ?? shown).filter((x) => x.key !== r.key))}
                          >
                            <Trash2 aria-hidden />
                          </Button>
                        </TableCell>
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
              </div>
            )}
            {saveError ? (
              <p role="alert" className="text-sm text-destructive">
                {errorMessage(saveError)}
              </p>
            ) : null}
            <div className="flex flex-wrap gap-2">
              <Button variant="outline" size="sm" onClick={() => setRows([...shown, { key: nextKey++, provider: "", model: "", input: "0", output: "0" }])}>
                <Plus aria-hidden /> Add a price
              </Button>
              <Button size="sm" onClick={() => void save()} disabled={busy || !editing}>
                <Save aria-hidden /> Save prices
              </Button>
              {editing ? (
                <Button variant="ghost" size="sm" onClick={() => (setRows(null), setSaveError(null))} disabled={busy}>
                  Discard changes
                </Button>
              ) : null}
              {data.source === "database" ? (
                <Button variant="outline" size="sm" onClick={() => void reset()} disabled={busy}>
                  <RotateCcw aria-hidden /> Reset to the price file
                </Button>
              ) : null}
            </div>
          </>
        )}
      </CardContent>
    </Card>
  );
}
