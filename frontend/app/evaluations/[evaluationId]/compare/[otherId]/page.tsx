import { EvaluationCompare } from "@/components/evaluations/evaluation-compare";

export default async function ComparePage({ params }: { params: Promise<{ evaluationId: string; otherId: string }> }) {
  const { evaluationId, otherId } = await params;
  return <EvaluationCompare evaluationId={decodeURIComponent(evaluationId)} otherId={decodeURIComponent(otherId)} />;
}
