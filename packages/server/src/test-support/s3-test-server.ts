import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import S3rver from 's3rver'
import { createS3BlobStore, type S3Location } from '../storage/artifacts/s3-blob-store.js'

const BUCKET = 'provena-test'
// s3rver accepts any signature made with these.
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }

/**
 * A real S3-protocol server (s3rver) on a loopback port with one bucket, and ways to reach it:
 * a blob store on a fresh prefix per call, and a raw client to alter objects behind its back.
 */
export async function startS3TestServer() {
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: mkdtempSync(path.join(tmpdir(), 'provena-s3rver-')),
    configureBuckets: [{ name: BUCKET }],
  })
  const { port } = await server.run()
  const endpoint = `http://127.0.0.1:${port}`
  const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: CREDENTIALS })
  let prefixes = 0
  return {
    endpoint,
    bucket: BUCKET,
    credentials: CREDENTIALS,
    /** A location on a prefix no other store of this server uses. */
    location(): S3Location {
      return {
        bucket: BUCKET,
        prefix: `store-${++prefixes}/`,
        endpoint,
        region: 'us-east-1',
        forcePathStyle: true,
        credentials: CREDENTIALS,
      }
    },
    blobStore() {
      return createS3BlobStore(this.location())
    },
    /** Writes an object directly, as someone with access to the bucket could. */
    async putObject(key: string, body: Buffer | string) {
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }))
    },
    async deleteObject(key: string) {
      await client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key }))
    },
    async close() {
      client.destroy()
      await server.close()
    },
  }
}
