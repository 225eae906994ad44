// A `cloud: sim` config of N copies of the demo endpoint (Falcon-40B, aws-recommended, probed every
// two hours), each replaying the same demo trace: the fleet the scale benchmarks run.
import path from 'node:path';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

export function fleetNames(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `falcon-40b-async-${String(i).padStart(4, '0')}`);
}

export function fleetConfigYaml(
  n: number,
  project: string,
  opts: { probes?: boolean; provisionConcurrency?: number } = {},
): string {
  const trace = path.join(ROOT, 'data/traces/demo-azure-functions.csv');
  const names = fleetNames(n);
  const probe = `    probe:
      schedule: '15 */2 * * *'
      payload: { inputs: 'What is the capital of France?', parameters: { max_new_tokens: 16 } }
      contentType: application/json
      timeoutSeconds: 1800
      coldStartSloSeconds: 720
      bucket: s3://sagezero-demo-probes/probes/
`;
  const endpoint = (name: string): string => `  - name: ${name}
    model:
      image: 763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.1.1-tgi2.0.0-gpu-py310-cu121-ubuntu22.04
      modelDataUrl: s3://sagemaker-us-east-1-123456789012/models/falcon-40b-instruct/model.tar.gz
      environment: { HF_MODEL_ID: /opt/ml/model, SM_NUM_GPUS: 4, MAX_INPUT_LENGTH: 1024, MAX_TOTAL_TOKENS: 2048 }
    executionRoleArn: arn:aws:iam::123456789012:role/SageMakerExecution
    instanceType: ml.g5.12xlarge
    initialInstanceCount: 1
    async: { maxConcurrentInvocationsPerInstance: 4 }
    tags: { team: nlp, env: demo }
    scaling: { preset: aws-recommended, maxCapacity: 2 }
${opts.probes === false ? '' : probe}`;
  return `region: us-east-1
cloud: sim
project: ${project}
store: ./${project}.db
sim:
  bootSeconds: 480
  seed: 7
  speed: 60
  history: 0
  traffic:
    trace: ${trace}
    format: azure-functions
    select: [${names.map(() => '30a976ce7f').join(', ')}]
    serviceSeconds: 20
daemon:
  alertsSchedule: '*/5 * * * *'
${opts.provisionConcurrency !== undefined ? `  provisionConcurrency: ${opts.provisionConcurrency}\n` : ''}alerts:
  budgets: { monthlyUsd: ${Math.max(2000, n * 2000)}, thresholds: [0.5, 0.8, 1.0] }
endpoints:
${names.map(endpoint).join('')}`;
}
