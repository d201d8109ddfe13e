import { DatasetEditor } from "@/components/evaluations/dataset-editor";

export default async function NewDatasetPage({ params }: { params: Promise<{ appId: string }> }) {
  const { appId } = await params;
  return <DatasetEditor appId={decodeURIComponent(appId)} />;
}
