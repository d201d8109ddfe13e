import type { Metadata } from "next";
import { AppsTable } from "@/components/intelligent-apps/apps-table";
import { PageHeader } from "@/components/shared/states";

export const metadata: Metadata = { title: "Apps" };

export default async function AppsPage({ searchParams }: { searchParams: Promise<{ status?: string }> }) {
  const { status } = await searchParams;
  return (
    <>
      <PageHeader title="Intelligent apps" description="Apps group agents and the orchestration that runs them on documents." />
      <AppsTable initialStatus={["draft", "deployed", "archived"].includes(status ?? "") ? status : ""} />
    </>
  );
}
