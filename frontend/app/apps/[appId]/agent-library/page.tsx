import { AgentLibrary } from "@/components/agents/agent-library";
import { PageHeader } from "@/components/shared/states";

export default async function AppAgentLibraryPage({ params }: { params: Promise<{ appId: string }> }) {
  const { appId } = await params;
  return (
    <>
      <PageHeader title="Add agents" description={`From the library to ${decodeURIComponent(appId)}.`} />
      <AgentLibrary appId={decodeURIComponent(appId)} />
    </>
  );
}
