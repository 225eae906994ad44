import { describe, expect, it } from 'vitest';
import { mergeEnvironment, specEnvironment } from './environment.js';
import type { ModelSpecJson } from './spec.js';

const spec: ModelSpecJson = {
  model_id: 'm',
  version: '1.0.0',
  inference_environment_variables: [
    {
      name: 'SAGEMAKER_PROGRAM',
      type: 'text',
      default: 'inference.py',
      scope: 'container',
      required_for_model_class: false,
    },
    {
      name: 'HF_MODEL_ID',
      type: 'text',
      default: '/opt/ml/model',
      scope: 'container',
      required_for_model_class: true,
    },
    {
      name: 'ENDPOINT_SERVER_TIMEOUT',
      type: 'int',
      default: 3600,
      scope: 'container',
      required_for_model_class: true,
    },
    {
      name: 'TRUST_REMOTE_CODE',
      type: 'bool',
      default: true,
      scope: 'container',
      required_for_model_class: true,
    },
    { name: 'SM_NUM_GPUS', type: 'text', default: '8', scope: 'container', required_for_model_class: true },
    { name: 'epochs', type: 'int', default: 3, scope: 'algorithm', required_for_model_class: true },
  ],
  hosting_instance_type_variants: {
    variants: { 'ml.g5.12xlarge': { properties: { environment_variables: { SM_NUM_GPUS: 4 } } } },
  },
};

describe('specEnvironment', () => {
  it('keeps the container variables the model class needs, as the SDK stringifies them', () => {
    expect(specEnvironment(spec, 'ml.p4d.24xlarge')).toEqual({
      HF_MODEL_ID: '/opt/ml/model',
      ENDPOINT_SERVER_TIMEOUT: '3600',
      TRUST_REMOTE_CODE: 'True',
      SM_NUM_GPUS: '8',
    });
  });

  it('lets instance-type variables override the spec defaults', () => {
    expect(specEnvironment(spec, 'ml.g5.12xlarge').SM_NUM_GPUS).toBe('4');
  });
});

describe('mergeEnvironment', () => {
  it('lets the config override and extend the spec defaults', () => {
    const merged = mergeEnvironment(
      { SM_NUM_GPUS: '4', MAX_INPUT_LENGTH: '1024' },
      { MAX_INPUT_LENGTH: '2048', EXTRA: 'x' },
    );
    expect(merged).toEqual({ SM_NUM_GPUS: '4', MAX_INPUT_LENGTH: '2048', EXTRA: 'x' });
  });

  it('returns the defaults unchanged without overrides, and does not mutate its inputs', () => {
    const defaults = { A: '1' };
    const merged = mergeEnvironment(defaults, undefined);
    merged.B = '2';
    expect(defaults).toEqual({ A: '1' });
  });
});
