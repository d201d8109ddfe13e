import { DatasetEditor } from "@/components/evaluations/dataset-editor";

export default async function DatasetPage({ params }: { params: Promise<{ appId: string; datasetId: string }> }) {
  const { appId, datasetId } = await params;
  return <DatasetEditor appId={decodeURIComponent(appId)} datasetId={decodeURIComponent(datasetId)} />;
}
