/**
 * Files attached to a record (minutes, a plan's task, a feedback entry): the attachment's
 * description lives in the record's own Y.Doc, so it syncs, shows in history and is restored
 * with the record; the bytes live in the workspace's blob store under their SHA-256.
 *
 * Rules (see SPEC.md): ATT-1 an attachment is added whole and never edited; ATT-2 removing one
 * deletes it from the record only (history and the blob keep it); ATT-3 an attachment names its
 * target (an entry or task id, or null for the whole record).
 */
import type * as Y from 'yjs';
import { z } from 'zod';
import { BlobLimits, blobHashSchema, blobTypeSchema } from '../protocol/blobs.ts';
import { DomainError } from './DomainError.ts';
import { checkCount, checkLength } from './doc.ts';
import { newId } from './ids.ts';
import { type OpOptions, Origins } from './origins.ts';
import { Limits } from './schema.ts';

/** Root map of every kind's doc: attachment id → attachment (plain data). */
export const ATTACHMENTS_ROOT = 'attachments';

export const attachmentSchema = z.object({
  id: z.string().min(1).max(64),
  /** The entry or task it belongs to; null for the whole record. */
  target: z.string().min(1).max(64).nullable(),
  hash: blobHashSchema,
  type: blobTypeSchema,
  size: z.number().int().positive(),
  /** Pixels, for images; null for PDFs. */
  width: z.number().int().positive().nullable(),
  height: z.number().int().positive().nullable(),
  /** The file name as picked, shown to people. */
  name: z.string().max(Limits.titleChars),
  addedBy: z.object({ name: z.string(), memberId: z.string().optional() }).nullable(),
  addedAt: z.number().int().min(0),
});
export type Attachment = z.infer<typeof attachmentSchema>;
export type AttachmentInput = Omit<Attachment, 'id' | 'addedAt'> & {
  id?: string;
  addedAt?: number;
};

const rootOf = (doc: Y.Doc) => doc.getMap<unknown>(ATTACHMENTS_ROOT);

/** Adds an attachment to the record (ATT-1). Returns its id. */
export function addAttachment(doc: Y.Doc, input: AttachmentInput, opts?: OpOptions): string {
  const root = rootOf(doc);
  checkCount(root.size, BlobLimits.attachmentsPerDoc, 'attachments');
  checkLength(input.name, Limits.titleChars, 'name');
  const record = attachmentSchema.safeParse({
    ...input,
    id: input.id ?? newId(),
    addedAt: input.addedAt ?? Date.now(),
  });
  if (!record.success) throw new DomainError('invalid', `bad attachment: ${record.error.message}`);
  doc.transact(() => root.set(record.data.id, record.data), opts?.origin ?? Origins.local);
  return record.data.id;
}

/** Removes an attachment from the record; its history and its blob stay (ATT-2). */
export function removeAttachment(doc: Y.Doc, id: string, opts?: OpOptions): void {
  const root = rootOf(doc);
  if (!root.has(id)) throw new DomainError('not-found', `no attachment ${id}`);
  doc.transact(() => root.delete(id), opts?.origin ?? Origins.local);
}

/** The record's attachments (of one target when given), oldest first; unreadable ones skipped. */
export function readAttachments(doc: Y.Doc, target?: string | null): Attachment[] {
  const out: Attachment[] = [];
  for (const value of rootOf(doc).values()) {
    const parsed = attachmentSchema.safeParse(value);
    if (!parsed.success) continue;
    if (target !== undefined && parsed.data.target !== target) continue;
    out.push(parsed.data);
  }
  return out.sort((a, b) => a.addedAt - b.addedAt || (a.id < b.id ? -1 : 1));
}
