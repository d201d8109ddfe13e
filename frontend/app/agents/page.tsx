import type { Metadata } from "next";
import { AgentLibrary } from "@/components/agents/agent-library";
import { PageHeader } from "@/components/shared/states";

export const metadata: Metadata = { title: "Agents" };

export default function AgentsPage() {
  return (
    <>
      <PageHeader title="Agent library" description="Built-in agent types, their default configuration, schemas and tools. Add them to an app from its Agents tab." />
      <AgentLibrary />
    </>
  );
}
