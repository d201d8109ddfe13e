import { OnboardingWizard } from "@/components/intelligent-apps/onboarding-wizard";

export default async function OnboardingPage({
  params,
  searchParams,
}: {
  params: Promise<{ appId: string }>;
  searchParams: Promise<{ step?: string }>;
}) {
  const { appId } = await params;
  const { step } = await searchParams;
  const n = Math.min(4, Math.max(0, Number(step ?? 0) || 0));
  return <OnboardingWizard key={appId} appId={decodeURIComponent(appId)} initialStep={n} />;
}
