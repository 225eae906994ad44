import { describe, expect, it } from 'vitest';
import type { InstanceTypeVariants } from './spec.js';
import { instanceEnvironment, instanceProperty, instanceTypeFamily, regionalProperty } from './variants.js';

const variants: InstanceTypeVariants = {
  regional_aliases: {
    'us-east-1': { gpu_ecr_uri_1: 'gpu-image-east', gpu_ecr_uri_2: 'special-image-east' },
    'eu-west-1': { gpu_ecr_uri_1: 'gpu-image-eu' },
  },
  variants: {
    g5: {
      regional_properties: { image_uri: '$gpu_ecr_uri_1' },
      properties: { environment_variables: { A: 'family', B: 'family' } },
    },
    'ml.g5.48xlarge': {
      regional_properties: { image_uri: '$gpu_ecr_uri_2' },
      properties: { environment_variables: { B: 'exact', C: 8 }, prepacked_artifact_key: 'exact/prefix/' },
    },
    'ml.g5.12xlarge': { properties: { environment_variables: { SM_NUM_GPUS: '4' } } },
    p4d: { regional_properties: { image_uri: 'no-dollar-sign' } },
    p5: { properties: { artifact_key: 'family/artifact.tar.gz' } },
  },
};

describe('instanceTypeFamily', () => {
  it('takes the family between "ml." and the size', () => {
    expect(instanceTypeFamily('ml.g5.12xlarge')).toBe('g5');
    expect(instanceTypeFamily('ml.p4de.24xlarge')).toBe('p4de');
    expect(instanceTypeFamily('ml_g5')).toBe('g5');
    expect(instanceTypeFamily('g5.12xlarge')).toBe('');
  });
});

describe('regionalProperty (image_uri)', () => {
  it('resolves the family alias for the region', () => {
    expect(regionalProperty(variants, 'ml.g5.2xlarge', 'us-east-1', 'image_uri')).toBe('gpu-image-east');
    expect(regionalProperty(variants, 'ml.g5.2xlarge', 'eu-west-1', 'image_uri')).toBe('gpu-image-eu');
  });

  it('prefers the exact instance type over its family', () => {
    expect(regionalProperty(variants, 'ml.g5.48xlarge', 'us-east-1', 'image_uri')).toBe('special-image-east');
  });

  it('falls back to the family when the exact entry has no regional properties', () => {
    expect(regionalProperty(variants, 'ml.g5.12xlarge', 'us-east-1', 'image_uri')).toBe('gpu-image-east');
  });

  it('is undefined for an unknown family, a region without aliases, or a value without "$"', () => {
    expect(regionalProperty(variants, 'ml.c5.xlarge', 'us-east-1', 'image_uri')).toBeUndefined();
    expect(regionalProperty(variants, 'ml.g5.2xlarge', 'ap-south-1', 'image_uri')).toBeUndefined();
    expect(regionalProperty(variants, 'ml.g5.48xlarge', 'eu-west-1', 'image_uri')).toBeUndefined();
    expect(regionalProperty(variants, 'ml.p4d.24xlarge', 'us-east-1', 'image_uri')).toBeUndefined();
    expect(regionalProperty(undefined, 'ml.g5.2xlarge', 'us-east-1', 'image_uri')).toBeUndefined();
  });
});

describe('instanceProperty', () => {
  it('finds exact then family properties', () => {
    expect(instanceProperty(variants, 'ml.g5.48xlarge', 'prepacked_artifact_key')).toBe('exact/prefix/');
    expect(instanceProperty(variants, 'ml.g5.2xlarge', 'prepacked_artifact_key')).toBeUndefined();
    expect(instanceProperty(variants, 'ml.p5.48xlarge', 'artifact_key')).toBe('family/artifact.tar.gz');
  });
});

describe('instanceEnvironment', () => {
  it('merges family variables under exact-instance-type ones', () => {
    expect(instanceEnvironment(variants, 'ml.g5.48xlarge')).toEqual({ A: 'family', B: 'exact', C: 8 });
    expect(instanceEnvironment(variants, 'ml.g5.2xlarge')).toEqual({ A: 'family', B: 'family' });
    expect(instanceEnvironment(variants, 'ml.c5.xlarge')).toEqual({});
  });
});
