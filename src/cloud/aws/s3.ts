// S3 objects by s3:// URI: probe inputs, async outputs and failures.
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { parseS3Uri } from '../types.js';
import { attempt, failure, type AwsContext } from './call.js';
import { errorCode, isS3NoSuchKey } from './errors.js';

export function s3Ops(ctx: AwsContext) {
  const s3 = ctx.clients.s3;
  return {
    async putObject(uri: string, body: Uint8Array | string, contentType?: string): Promise<void> {
      const { bucket, key } = parseS3Uri(uri);
      await attempt(ctx, 's3', 'PutObject', uri, () =>
        s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType })),
      );
    },

    /**
     * Undefined only for a missing key: a missing bucket is a configuration mistake (a wrong output
     * path) that would otherwise look like "no result yet" for ever, so it is reported.
     */
    async getObject(uri: string, options?: { maxBytes?: number }): Promise<Uint8Array | undefined> {
      const { bucket, key } = parseS3Uri(uri);
      const max = options?.maxBytes;
      try {
        // A byte range, so a huge object costs what the caller reads, not its size.
        const range = max !== undefined && max > 0 ? { Range: `bytes=0-${max - 1}` } : {};
        const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, ...range }));
        if (!out.Body) return new Uint8Array();
        const body = await out.Body.transformToByteArray();
        return max !== undefined ? body.subarray(0, max) : body;
      } catch (e) {
        if (isS3NoSuchKey(e)) return undefined;
        // S3 answers a range request on an empty object with 416 InvalidRange: it exists, and is empty.
        if (errorCode(e) === 'InvalidRange') return new Uint8Array();
        throw failure(ctx, 's3', 'GetObject', uri, e);
      }
    },

    async deleteObject(uri: string): Promise<void> {
      const { bucket, key } = parseS3Uri(uri);
      await attempt(ctx, 's3', 'DeleteObject', uri, () =>
        s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })),
      );
    },
  };
}
