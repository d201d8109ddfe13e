import type { Metadata } from "next";
import { OrchestrationPage } from "@/components/orchestration/orchestration-page";

export const metadata: Metadata = { title: "Orchestration" };

export default async function Page({ searchParams }: { searchParams: Promise<{ app?: string }> }) {
  const { app } = await searchParams;
  return <OrchestrationPage appId={app} />;
}
