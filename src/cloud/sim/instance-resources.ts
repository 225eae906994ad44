// What one instance offers the inference components placed on it: accelerators (src/cost/gpus.ts) and
// memory. Memory (GiB) per size of the GPU families sagezero targets, from the EC2 accelerated
// computing instance specifications (https://docs.aws.amazon.com/ec2/latest/instancetypes/ac.html);
// an ml.* type has the hardware of the EC2 type of the same name. SageMaker keeps some of it for its
// own agents and does not say how much, so the sim offers all of it (ASSUMED).
import { gpusPerInstance } from '../../cost/gpus.js';

const G5_G6: Record<string, number> = {
  xlarge: 16,
  '2xlarge': 32,
  '4xlarge': 64,
  '8xlarge': 128,
  '12xlarge': 192,
  '16xlarge': 256,
  '24xlarge': 384,
  '48xlarge': 768,
};

const MEMORY_GIB: Record<string, Record<string, number>> = {
  g4dn: { xlarge: 16, '2xlarge': 32, '4xlarge': 64, '8xlarge': 128, '12xlarge': 192, '16xlarge': 256 },
  g5: G5_G6,
  g6: G5_G6,
  g6e: {
    xlarge: 32,
    '2xlarge': 64,
    '4xlarge': 128,
    '8xlarge': 256,
    '12xlarge': 384,
    '16xlarge': 512,
    '24xlarge': 768,
    '48xlarge': 1536,
  },
  p4d: { '24xlarge': 1152 },
  p4de: { '24xlarge': 1152 },
  p5: { '48xlarge': 2048 },
};

/** Memory of an instance type in MiB, or undefined when the table does not know the type. */
export function memoryMbPerInstance(instanceType: string): number | undefined {
  const m = /^ml\.([a-z0-9]+)\.([a-z0-9]+)$/.exec(instanceType);
  const gib = m ? MEMORY_GIB[m[1] as string]?.[m[2] as string] : undefined;
  return gib === undefined ? undefined : gib * 1024;
}

export interface InstanceResources {
  /** Accelerators; undefined when the type is unknown (not checked). */
  gpus: number | undefined;
  /** MiB; undefined when the type is unknown (not checked). */
  memoryMb: number | undefined;
}

export function instanceResources(instanceType: string): InstanceResources {
  return { gpus: gpusPerInstance(instanceType), memoryMb: memoryMbPerInstance(instanceType) };
}
