// Small configs for tests, built through the real loader so tests exercise what users write.
import { parseConfig, type Config } from '../../src/config/load.js';

export function testConfig(
  endpointYaml = '',
  opts: { cloud?: 'aws' | 'sim'; project?: string; instanceType?: string; name?: string } = {},
): Config {
  const name = opts.name ?? 'llm-async';
  const text = `
region: us-east-1
cloud: ${opts.cloud ?? 'aws'}
project: ${opts.project ?? 'test'}
endpoints:
  - name: ${name}
    model:
      image: 763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.1-gpu
      modelDataUrl: s3://models-bucket/falcon/model.tar.gz
      environment: { HF_MODEL_ID: /opt/ml/model, SM_NUM_GPUS: 4 }
    executionRoleArn: arn:aws:iam::123456789012:role/SageMakerExecution
    instanceType: ${opts.instanceType ?? 'ml.g4dn.xlarge'}
    async:
      outputPath: s3://sagezero-test-out/out/
      maxConcurrentInvocationsPerInstance: 4
${endpointYaml
  .split('\n')
  .map((l) => (l ? `    ${l}` : l))
  .join('\n')}
`;
  return parseConfig(text, '/tmp/sagezero-test.yaml', {});
}
