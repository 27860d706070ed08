import type { Response } from 'express';
import { badRequest, LeverFault } from './store';

/**
 * Per-key permissions, as a Super Admin picks them when creating a Lever API key (lever-api.md
 * section 2): endpoints per key, and confidential access only at creation. The fake grants a
 * resource for reading and writing alike.
 */
export const LEVER_RESOURCES = ['opportunities', 'postings', 'stages', 'users', 'archive_reasons', 'notes', 'tags', 'links', 'files', 'confidential'] as const;
export type LeverResource = (typeof LEVER_RESOURCES)[number];
/** API key → the resources it may use. A key absent from the map may use everything. */
export type KeyPermissions = Readonly<Record<string, Iterable<LeverResource>>>;

export type Access = { can(resource: LeverResource): boolean; readonly confidential: boolean };
const FULL: Access = { can: () => true, confidential: true };

export function accessFor(permissions: KeyPermissions | undefined, key: string): Access {
  const granted = permissions && Object.hasOwn(permissions, key) ? new Set<LeverResource>(permissions[key]) : null;
  if (!granted) return FULL;
  return { can: (r) => granted.has(r), confidential: granted.has('confidential') };
}

/** The resource a request under /v1 uses; sub-resources of an opportunity have their own permission. */
export function resourceOf(path: string): LeverResource | null {
  const [top, id, sub] = path.split('/').filter(Boolean);
  if (top === 'opportunities') {
    if (id === undefined) return 'opportunities';
    if (sub === 'notes') return 'notes';
    if (sub === 'files') return 'files';
    if (sub === 'addLinks' || sub === 'removeLinks') return 'links';
    if (sub === 'addTags' || sub === 'removeTags') return 'tags';
    return 'opportunities';
  }
  return top === 'postings' || top === 'stages' || top === 'users' || top === 'archive_reasons' ? top : null;
}

export const verbOf = (method: string) => (method === 'GET' || method === 'HEAD' ? 'read' : 'write');

/** Lever's 403 for a key lacking a permission: the code the console shows, the verb and the resource. */
export const forbidden = (message: string) => new LeverFault(403, 'Forbidden', message);

export const CONFIDENTIALITY = ['non-confidential', 'confidential', 'all'] as const;

/**
 * Which records a list shows, by Lever's `confidentiality` parameter. Lever's lists of postings and
 * opportunities leave confidential records out by default, even for a key with confidential access
 * ("so that confidential data is never shared by accident"; an integration asks for them on purpose:
 * help.lever.co, "How do I create an API key with access to confidential data?"). A key without
 * confidential access never gets them: whether Lever then refuses the request or filters quietly is
 * undocumented, and the fake filters quietly.
 */
export function confidentialityFilter(wanted: string | null, access: Access): (confidential: boolean) => boolean {
  const value = wanted ?? 'non-confidential';
  if (!(CONFIDENTIALITY as readonly string[]).includes(value)) throw badRequest(`confidentiality must be one of ${CONFIDENTIALITY.join(', ')}`);
  return (confidential) => (confidential ? access.confidential && value !== 'non-confidential' : value !== 'confidential');
}

/** Set per request by the permission middleware in server.ts; routes read it for confidential records. */
export const setAccess = (res: Response, access: Access) => void (res.locals.leverAccess = access);
export const accessOf = (res: Response): Access => (res.locals.leverAccess as Access | undefined) ?? FULL;
