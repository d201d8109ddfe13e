import { Suspense } from "react";
import { AppDetailTabs } from "@/components/intelligent-apps/app-detail-tabs";
import { LoadingState } from "@/components/shared/states";

export default async function AppPage({ params }: { params: Promise<{ appId: string }> }) {
  const { appId } = await params;
  return (
    <Suspense fallback={<LoadingState />}>
      <AppDetailTabs appId={decodeURIComponent(appId)} />
    </Suspense>
  );
}
