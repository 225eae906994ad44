// Accelerators per SageMaker instance type, for GPU-hours. Counts are the GPUs (or Inferentia /
// Trainium chips) of the EC2 instance behind each ml.* type, from the AWS EC2 accelerated-computing
// instance specifications (docs.aws.amazon.com/ec2/latest/instancetypes/ac.html) and the SageMaker
// pricing page's instance details; ml.* types have the hardware of the EC2 type of the same name.
// Inferentia/Trainium counts are chips, not NeuronCores.

const COUNTS: Record<string, number> = {
  // G4dn: NVIDIA T4
  'ml.g4dn.xlarge': 1,
  'ml.g4dn.2xlarge': 1,
  'ml.g4dn.4xlarge': 1,
  'ml.g4dn.8xlarge': 1,
  'ml.g4dn.16xlarge': 1,
  'ml.g4dn.12xlarge': 4,
  // G5: NVIDIA A10G
  'ml.g5.xlarge': 1,
  'ml.g5.2xlarge': 1,
  'ml.g5.4xlarge': 1,
  'ml.g5.8xlarge': 1,
  'ml.g5.16xlarge': 1,
  'ml.g5.12xlarge': 4,
  'ml.g5.24xlarge': 4,
  'ml.g5.48xlarge': 8,
  // G6: NVIDIA L4
  'ml.g6.xlarge': 1,
  'ml.g6.2xlarge': 1,
  'ml.g6.4xlarge': 1,
  'ml.g6.8xlarge': 1,
  'ml.g6.16xlarge': 1,
  'ml.g6.12xlarge': 4,
  'ml.g6.24xlarge': 4,
  'ml.g6.48xlarge': 8,
  // G6e: NVIDIA L40S
  'ml.g6e.xlarge': 1,
  'ml.g6e.2xlarge': 1,
  'ml.g6e.4xlarge': 1,
  'ml.g6e.8xlarge': 1,
  'ml.g6e.16xlarge': 1,
  'ml.g6e.12xlarge': 4,
  'ml.g6e.24xlarge': 4,
  'ml.g6e.48xlarge': 8,
  // P3: NVIDIA V100
  'ml.p3.2xlarge': 1,
  'ml.p3.8xlarge': 4,
  'ml.p3.16xlarge': 8,
  'ml.p3dn.24xlarge': 8,
  // P4d/P4de: NVIDIA A100; P5/P5e/P5en: NVIDIA H100/H200
  'ml.p4d.24xlarge': 8,
  'ml.p4de.24xlarge': 8,
  'ml.p5.48xlarge': 8,
  'ml.p5e.48xlarge': 8,
  'ml.p5en.48xlarge': 8,
  // Inf1 / Inf2: AWS Inferentia chips
  'ml.inf1.xlarge': 1,
  'ml.inf1.2xlarge': 1,
  'ml.inf1.6xlarge': 4,
  'ml.inf1.24xlarge': 16,
  'ml.inf2.xlarge': 1,
  'ml.inf2.8xlarge': 1,
  'ml.inf2.24xlarge': 6,
  'ml.inf2.48xlarge': 12,
  // Trn1: AWS Trainium chips
  'ml.trn1.2xlarge': 1,
  'ml.trn1.32xlarge': 16,
};

/** CPU-only families: zero accelerators whatever the size. */
const CPU_FAMILIES = /^ml\.(m|c|r|t)\d+[a-z]*\./;

/** Accelerators per instance, or undefined when the type is not known. */
export function gpusPerInstance(instanceType: string): number | undefined {
  const n = COUNTS[instanceType];
  if (n !== undefined) return n;
  return CPU_FAMILIES.test(instanceType) ? 0 : undefined;
}

export function knownGpuInstanceTypes(): string[] {
  return Object.keys(COUNTS);
}
