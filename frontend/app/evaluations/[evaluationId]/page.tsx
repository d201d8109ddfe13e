import { EvaluationDetail } from "@/components/evaluations/evaluation-detail";

export default async function EvaluationPage({ params }: { params: Promise<{ evaluationId: string }> }) {
  const { evaluationId } = await params;
  return <EvaluationDetail evaluationId={decodeURIComponent(evaluationId)} />;
}
