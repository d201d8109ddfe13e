import type { Metadata } from "next";
import { PromptsPage } from "@/components/prompts/prompts-page";

export const metadata: Metadata = { title: "Prompts & artifacts" };

export default async function Page({ searchParams }: { searchParams: Promise<{ tab?: string }> }) {
  const { tab } = await searchParams;
  return <PromptsPage initialTab={["prompts", "artifacts", "schemas"].includes(tab ?? "") ? tab! : "prompts"} />;
}
