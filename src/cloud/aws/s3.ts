// S3 objects by s3:// URI: probe inputs, async outputs and failures.
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { parseS3Uri } from '../types.js';
import { attempt, failure, type AwsContext } from './call.js';
import { isS3NoSuchKey } from './errors.js';

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
    async getObject(uri: string): Promise<Uint8Array | undefined> {
      const { bucket, key } = parseS3Uri(uri);
      try {
        const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        if (!out.Body) return new Uint8Array();
        return await out.Body.transformToByteArray();
      } catch (e) {
        if (isS3NoSuchKey(e)) return undefined;
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
