import { NewAgentForm } from "@/components/agents/new-agent-form";

export default async function NewAgentPage({ params }: { params: Promise<{ appId: string }> }) {
  const { appId } = await params;
  return <NewAgentForm appId={decodeURIComponent(appId)} />;
}
