import { createHash, randomBytes } from 'node:crypto';
import { TokenPrefix } from '@grassroots/shared';

/** A random id for workspaces, members, invites: 16 url-safe characters (96 bits). */
export const newId = (): string => randomBytes(12).toString('base64url');

/** A fresh secret token with its kind's prefix: 256 random bits. */
export const newToken = (kind: keyof typeof TokenPrefix): string =>
  TokenPrefix[kind] + randomBytes(32).toString('base64url');

/** The only form in which a token is stored. */
export const hashToken = (token: string): string =>
  createHash('sha256').update(token, 'utf8').digest('hex');
