import { randomUUID } from 'node:crypto'
import { pipeline, type Readable } from 'node:stream'
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3'
import { Upload } from '@aws-sdk/lib-storage'
import { type BlobStore, checkDigest, type ListedBlob } from './blob-store.js'
import { checkExpectedDigest, digestingStream } from './digesting-stream.js'

/** An S3-compatible bucket and key prefix, and how to reach it. */
export interface S3Location {
  bucket: string
  /** '' or a prefix ending in '/'. */
  prefix: string
  /** E.g. http://127.0.0.1:9000 for MinIO; absent for AWS itself. */
  endpoint: string | undefined
  region: string
  /** `http://host/bucket/key` instead of `http://bucket.host/key`, as most S3-compatible servers need. */
  forcePathStyle: boolean
  /** Absent: the AWS SDK's own chain (profiles, instance roles). */
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string | undefined } | undefined
}

const PART_BYTES = 16 * 1024 * 1024
const PARTS_IN_FLIGHT = 2
// CopyObject copies at most 5 GiB; larger blobs are copied part by part.
const MAX_SINGLE_COPY_BYTES = 5 * 1024 ** 3
const COPY_PART_BYTES = 1024 ** 3

function isNotFound(error: unknown): boolean {
  const { name, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number } }
  return name === 'NoSuchKey' || name === 'NotFound' || $metadata?.httpStatusCode === 404
}

/**
 * Blobs in a bucket under `<prefix>blobs/ab/<sha256>`. An upload streams to `<prefix>uploads/<random>`
 * (a multipart upload, so memory holds only a few parts), is hashed on the way, and is copied to
 * its digest's key on the server side only when complete and matching; then the temporary object
 * goes. An interrupted multipart upload is never visible as an object.
 */
export function createS3BlobStore(location: S3Location): BlobStore {
  const { bucket, prefix } = location
  const client = new S3Client({
    region: location.region,
    endpoint: location.endpoint,
    forcePathStyle: location.forcePathStyle,
    credentials: location.credentials,
    // Checksums only where S3 requires them: S3-compatible servers often reject the newer headers.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  })
  const blobsPrefix = `${prefix}blobs/`
  const uploadsPrefix = `${prefix}uploads/`
  const keyOf = (sha256: string) => `${blobsPrefix}${sha256.slice(0, 2)}/${checkDigest(sha256)}`
  const copySource = (key: string) => `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`

  async function copyIntoPlace(from: string, to: string, sizeBytes: number): Promise<void> {
    if (sizeBytes <= MAX_SINGLE_COPY_BYTES) {
      await client.send(new CopyObjectCommand({ Bucket: bucket, Key: to, CopySource: copySource(from) }))
      return
    }
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: to }))
    const parts = []
    for (let start = 0, part = 1; start < sizeBytes; start += COPY_PART_BYTES, part++) {
      const end = Math.min(start + COPY_PART_BYTES, sizeBytes) - 1
      const copied = await client.send(
        new UploadPartCopyCommand({
          Bucket: bucket,
          Key: to,
          UploadId,
          PartNumber: part,
          CopySource: copySource(from),
          CopySourceRange: `bytes=${start}-${end}`,
        }),
      )
      parts.push({ PartNumber: part, ETag: copied.CopyPartResult?.ETag })
    }
    await client.send(
      new CompleteMultipartUploadCommand({ Bucket: bucket, Key: to, UploadId, MultipartUpload: { Parts: parts } }),
    )
  }

  async function head(sha256: string): Promise<ListedBlob | undefined> {
    try {
      const found = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: keyOf(sha256) }))
      return { sha256, sizeBytes: found.ContentLength ?? 0, modifiedAtMs: found.LastModified?.getTime() ?? 0 }
    } catch (error) {
      if (isNotFound(error)) return undefined
      throw error
    }
  }

  async function* objects(under: string) {
    let token: string | undefined
    do {
      const page = await client.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: under, ContinuationToken: token }),
      )
      yield* page.Contents ?? []
      token = page.IsTruncated ? page.NextContinuationToken : undefined
    } while (token)
  }

  return {
    location: `s3://${bucket}/${prefix}`,

    async put(body, { expectedSha256 } = {}) {
      const temporary = `${uploadsPrefix}${randomUUID()}`
      const digest = digestingStream()
      // A client that goes away mid-upload fails the digest stream, which aborts the multipart upload.
      const hashed = pipeline(body, digest, () => {})
      const upload = new Upload({
        client,
        params: { Bucket: bucket, Key: temporary, Body: hashed },
        partSize: PART_BYTES,
        queueSize: PARTS_IN_FLIGHT,
        leavePartsOnError: false,
      })
      await upload.done()
      try {
        const blob = digest.result()
        checkExpectedDigest(blob, expectedSha256)
        await copyIntoPlace(temporary, keyOf(blob.sha256), blob.sizeBytes)
        return blob
      } finally {
        await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: temporary }))
      }
    },

    async get(sha256, range) {
      try {
        const found = await client.send(
          new GetObjectCommand({
            Bucket: bucket,
            Key: keyOf(sha256),
            ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
          }),
        )
        return found.Body as Readable
      } catch (error) {
        if (isNotFound(error)) return undefined
        throw error
      }
    },

    head,

    async delete(sha256) {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: keyOf(sha256) }))
    },

    async *list(): AsyncGenerator<ListedBlob> {
      for await (const object of objects(blobsPrefix)) {
        const sha256 = object.Key?.split('/').at(-1) ?? ''
        if (!/^[0-9a-f]{64}$/.test(sha256)) continue
        yield { sha256, sizeBytes: object.Size ?? 0, modifiedAtMs: object.LastModified?.getTime() ?? 0 }
      }
    },

    async removeAbandonedUploads(olderThanMs) {
      let removed = 0
      for await (const object of objects(uploadsPrefix)) {
        if ((object.LastModified?.getTime() ?? 0) >= olderThanMs) continue
        await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: object.Key }))
        removed++
      }
      return removed
    },

    close() {
      client.destroy()
    },
  }
}
