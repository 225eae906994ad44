// A model block: the container and artifacts of one model, from JumpStart or given. An async endpoint
// has one (endpoints[].model); a real-time endpoint has one per inference component.
import { z } from 'zod';
import * as c from './constraints.js';

const jumpstartSchema = z.strictObject({
  modelId: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,255}$/, {
    error: 'must be a JumpStart model id like huggingface-llm-falcon-40b-instruct-bf16',
  }),
  version: z
    .string()
    .regex(/^(\*|\d+\.\*|\d+\.\d+\.\*|\d+\.\d+\.\d+)$/, {
      error: 'must be "*", a semantic version like "2.1.0", or a wildcard like "2.*"',
    })
    .default('*'),
});

export const modelSchema = z
  .strictObject({
    jumpstart: jumpstartSchema
      .optional()
      .describe('Resolve image, artifacts and environment from the JumpStart model specs.'),
    image: c.imageUri.optional().describe('Inference container image URI (ECR).'),
    modelDataUrl: c.s3Uri
      .optional()
      .describe('S3 URI of the model artifacts (model.tar.gz or an uncompressed prefix ending in /).'),
    environment: c.environment.optional().describe('Container environment; merged over JumpStart defaults.'),
  })
  .superRefine((m, ctx) => {
    if (!m.jumpstart && !m.image) {
      ctx.addIssue({ code: 'custom', path: ['image'], message: 'is required unless model.jumpstart is set' });
    }
    if (m.jumpstart && (m.image || m.modelDataUrl)) {
      ctx.addIssue({
        code: 'custom',
        path: [m.image ? 'image' : 'modelDataUrl'],
        message: 'cannot be combined with model.jumpstart (JumpStart resolves it); remove one of them',
      });
    }
  });
