import express, { type Request } from 'express';
import { reply } from './respond';
import { badRequest, notFound, type Store, type StoredFile } from './store';

/**
 * `POST /opportunities/:id/files` (multipart, field `file`), `GET /opportunities/:id/files`,
 * `GET …/files/:fileId` and `GET …/files/:fileId/download`. Lever documents the file object as
 * `{id, name, ext, size, uploadedAt, downloadUrl}`; the upload's status code is not documented,
 * so the fake answers 201 like its other creates.
 */
export function fileRoutes(store: Store, origin: () => string, wrote: (req: Request, body: unknown) => void): express.Router {
  const r = express.Router();
  const view = (opportunityId: string, f: StoredFile) => ({
    id: f.id,
    name: f.name,
    ext: f.ext,
    size: f.size,
    uploadedAt: f.uploadedAt,
    downloadUrl: `${origin()}/v1/opportunities/${encodeURIComponent(opportunityId)}/files/${encodeURIComponent(f.id)}/download`,
  });
  const found = (opportunityId: string, fileId: string) => {
    const f = store.opportunity(opportunityId).files.find((x) => x.id === fileId);
    if (!f) throw notFound('file', fileId);
    return f;
  };

  r.post('/opportunities/:id/files', express.raw({ type: 'multipart/form-data', limit: '10mb' }), (req, res) => {
    store.opportunity(req.params.id);
    const contentType = req.headers['content-type'] ?? '';
    if (!Buffer.isBuffer(req.body)) throw badRequest('the body must be multipart/form-data with a `file` field');
    const part = parseMultipartFile(req.body, contentType, 'file');
    if (!part) throw badRequest('multipart body has no `file` part with a filename');
    const file = store.addFile(req.params.id, { name: part.filename, ext: extOf(part.filename), size: part.content.length, mimeType: part.mimeType, content: part.content });
    wrote(req, { file: { name: file.name, size: file.size, mimeType: file.mimeType } });
    reply(res, 201, { data: view(req.params.id, file) });
  });
  r.get('/opportunities/:id/files', (req, res) => {
    const files = store.opportunity(req.params.id).files.map((f) => view(req.params.id, f));
    reply(res, 200, { data: files, hasNext: false });
  });
  r.get('/opportunities/:id/files/:fileId', (req, res) => reply(res, 200, { data: view(req.params.id, found(req.params.id, req.params.fileId)) }));
  r.get('/opportunities/:id/files/:fileId/download', (req, res) => {
    const f = found(req.params.id, req.params.fileId);
    res.type(f.mimeType).attachment(f.name).send(f.content);
  });
  return r;
}

const extOf = (name: string) => {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
};

export type MultipartFile = { filename: string; mimeType: string; content: Buffer };

/**
 * The one file part named `field` in a multipart/form-data body (RFC 7578), or null. Enough for
 * a fake: no nested multiparts, no `filename*` encoding. Written here to avoid a dependency.
 */
export function parseMultipartFile(body: Buffer, contentType: string, field: string): MultipartFile | null {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  if (!/^multipart\/form-data/i.test(contentType) || !m) return null;
  const delimiter = Buffer.from(`--${m[1] ?? m[2]}`);
  let at = body.indexOf(delimiter);
  while (at !== -1) {
    const start = at + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') return null; // the closing delimiter
    const headersEnd = body.indexOf('\r\n\r\n', start);
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), start);
    if (headersEnd === -1 || next === -1 || headersEnd > next) return null;
    const headers = body.subarray(start, headersEnd).toString('utf8');
    const disposition = /^content-disposition:\s*form-data(.*)$/im.exec(headers)?.[1] ?? '';
    const name = /;\s*name="([^"]*)"/i.exec(disposition)?.[1];
    const filename = /;\s*filename="([^"]*)"/i.exec(disposition)?.[1];
    if (name === field && filename) {
      const mimeType = /^content-type:\s*([^\r\n;]+)/im.exec(headers)?.[1].trim() ?? 'application/octet-stream';
      return { filename, mimeType, content: Buffer.from(body.subarray(headersEnd + 4, next)) };
    }
    at = next + 2;
  }
  return null;
}
