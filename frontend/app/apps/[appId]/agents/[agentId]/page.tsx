import { AgentConfigForm } from "@/components/agent-config/agent-config-form";

export default async function AgentPage({ params }: { params: Promise<{ appId: string; agentId: string }> }) {
  const { appId, agentId } = await params;
  return <AgentConfigForm appId={decodeURIComponent(appId)} agentId={decodeURIComponent(agentId)} />;
}
