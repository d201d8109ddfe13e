/**
 * The onboarding wizard's starting orchestration: the app's agents in a line, the first
 * reading the run's document, each next one reading the output of the one before. It is
 * only a starting point: the server validates it, and the user can edit it before saving.
 */

/** What the built-in agents' outputs are called in the platform's credit-memo pipeline. */
const OUTPUT_NAMES: Record<string, string> = {
  extractor: "extracted_data",
  mapper: "mapped_data",
  analyzer: "risk_analysis",
  summarizer: "final_report",
};

/** Pipeline order of the built-in types; custom types keep their place after them. */
const ORDER = ["extractor", "mapper", "analyzer", "summarizer"];

export interface PipelineAgent {
  id: string;
  name: string;
  type: string;
}

export function outputName(type: string): string {
  return OUTPUT_NAMES[type] ?? `${type.replace(/[^A-Za-z0-9_]/g, "_")}_output`;
}

export function orderAgents<T extends PipelineAgent>(agents: T[]): T[] {
  const rank = (t: string) => (ORDER.includes(t) ? ORDER.indexOf(t) : ORDER.length);
  return [...agents].sort((a, b) => rank(a.type) - rank(b.type));
}

function q(text: string): string {
  return JSON.stringify(text);
}

export function defaultOrchestrationYaml(appId: string, name: string, agents: PipelineAgent[], triggerField = "document"): string {
  const ordered = orderAgents(agents);
  const lines = [`version: "1.0"`, `app_id: ${q(appId)}`, `name: ${q(name)}`, "", "agents:"];
  if (!ordered.length) lines[lines.length - 1] = "agents: []";
  for (const a of ordered) lines.push(`  - id: ${q(a.id)}`, `    name: ${q(a.name)}`, `    type: ${q(a.type)}`);
  lines.push("", ordered.length ? "workflow:" : "workflow: []");
  ordered.forEach((a, i) => {
    const source = i === 0 ? "trigger" : ordered[i - 1].id;
    const field = i === 0 ? triggerField : outputName(ordered[i - 1].type);
    lines.push(
      `  - step: ${i + 1}`,
      `    agent_id: ${q(a.id)}`,
      "    inputs:",
      `      - source: ${q(source)}`,
      `        field: ${q(field)}`,
      "    outputs:",
      `      - name: ${q(outputName(a.type))}`,
    );
  });
  return lines.join("\n") + "\n";
}
