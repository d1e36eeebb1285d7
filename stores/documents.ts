import type { ObjectStore } from '@nats-io/obj';
import { createHash } from 'node:crypto';
import type { DocumentRef } from '../schemas/candidate.js';
import type { DocumentKind } from '../schemas/position.js';
import { open, openBytes, sealBytes } from './crypto.js';
import type { KeyStore } from './keys.js';

export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;
const PDF = 'application/pdf';
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

export class DocumentRefused extends Error {
  override readonly name = 'DocumentRefused';
}

export interface DocumentUpload {
  kind: DocumentKind;
  filename: string;
  contentType: string;
  bytes: Uint8Array;
}

export interface DocumentStore {
  /** Validates, seals with the candidate's key, stores by content hash; the same file is stored once. */
  put(candidateId: string, upload: DocumentUpload): Promise<DocumentRef>;
  get(candidateId: string, documentId: string): Promise<Uint8Array | undefined>;
  /** Deletes the stored file; nothing if it is not there. */
  delete(candidateId: string, documentId: string): Promise<void>;
}

/**
 * What is refused and why, in words a candidate understands. The declared type must match the
 * file's own signature: a renamed executable is not a PDF.
 */
export function documentRefusal(upload: DocumentUpload): string | undefined {
  const { bytes, contentType, filename } = upload;
  if (bytes.byteLength === 0) return 'the file is empty';
  if (bytes.byteLength > MAX_DOCUMENT_BYTES) {
    return `the file is ${(bytes.byteLength / 1024 / 1024).toFixed(1)} MB; the limit is 10 MB`;
  }
  const head = Buffer.from(bytes.subarray(0, 8));
  if (contentType === PDF) {
    if (!filename.toLowerCase().endsWith('.pdf')) return 'a PDF file name must end in .pdf';
    if (head.subarray(0, 5).toString('latin1') !== '%PDF-')
      return 'the file is not a PDF (its content does not start with %PDF-)';
    return undefined;
  }
  if (contentType === DOCX) {
    if (!filename.toLowerCase().endsWith('.docx')) return 'a Word file name must end in .docx';
    if (head.readUInt32LE(0) !== 0x04034b50)
      return 'the file is not a Word .docx document (not a ZIP package)';
    if (!Buffer.from(bytes).includes('word/')) return 'the file is a ZIP package but not a Word document';
    return undefined;
  }
  return `documents must be PDF or Word (.docx); '${contentType}' is not accepted`;
}

/**
 * How an object's sealed bytes are stored, in its metadata: as they are (`sealed-bytes`, since
 * 2026-11), or, without the entry, as base64 text: a third larger, and still read for the
 * documents stored that way.
 */
const FORMAT = 'format';
const SEALED_BYTES = 'sealed-bytes';

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks);
    chunks.push(value);
  }
}

export function objectDocumentStore(
  os: ObjectStore,
  keys: KeyStore,
  clock: () => Date = () => new Date(),
): DocumentStore {
  const name = (candidateId: string, documentId: string) => `${candidateId}/${documentId}`;
  return {
    async put(candidateId, upload) {
      const reason = documentRefusal(upload);
      if (reason) throw new DocumentRefused(reason);
      const documentId = createHash('sha256').update(upload.bytes).digest('hex');
      const objectName = name(candidateId, documentId);
      if (!(await os.info(objectName))) {
        const key = await keys.keyFor(candidateId);
        const sealed = sealBytes(key, Buffer.from(upload.bytes), `document:${objectName}`);
        await os.putBlob({ name: objectName, metadata: { [FORMAT]: SEALED_BYTES } }, sealed);
      }
      return {
        documentId,
        kind: upload.kind,
        filename: upload.filename,
        contentType: upload.contentType as DocumentRef['contentType'],
        size: upload.bytes.byteLength,
        uploadedAt: clock().toISOString(),
      };
    },
    async get(candidateId, documentId) {
      const key = await keys.existing(candidateId);
      const objectName = name(candidateId, documentId);
      const object = await os.get(objectName);
      if (!key || !object) return undefined;
      const [failed, blob] = await Promise.all([object.error, readAll(object.data)]);
      if (failed) throw failed;
      const aad = `document:${objectName}`;
      return object.info.metadata?.[FORMAT] === SEALED_BYTES
        ? openBytes(key, blob, aad)
        : open(key, Buffer.from(blob).toString(), aad);
    },
    async delete(candidateId, documentId) {
      const objectName = name(candidateId, documentId);
      if (await os.info(objectName)) await os.delete(objectName);
    },
  };
}
