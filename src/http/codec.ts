import express, { type RequestHandler, type Router } from 'express';
import type { Config } from '../config';
import { findAccount } from '../db/accounts';
import { payloadCodec } from '../temporal';
import { PayloadDecryptionError } from '../temporal-codec/encryption-codec';
import { fromJson, PayloadsJson, toJson } from '../temporal-codec/payload-json';
import type { AppDeps } from './app';
import { consoleSession } from './console/session';

/** The Temporal UI's origin: TEMPORAL_UI_ORIGIN, else TEMPORAL_UI_URL's. */
export const temporalUiOrigin = (config: Pick<Config, 'TEMPORAL_UI_ORIGIN' | 'TEMPORAL_UI_URL'>) => config.TEMPORAL_UI_ORIGIN ?? new URL(config.TEMPORAL_UI_URL).origin;

/**
 * The remote codec the Temporal UI calls (POST <endpoint>/decode and /encode, `{ payloads }`,
 * X-Namespace), so support reads runs in clear while Temporal stores only ciphertext.
 *
 * Admins only: it decrypts any payload handed to it, whatever check or organisation it belongs
 * to, so it sits outside the console's per-organisation scoping; recruiters see their checks in
 * the console already. The UI sends the console's session cookie ("include cross-origin
 * credentials"); CORS answers only the UI's own origin, so no other page can read what it decodes.
 * Everyone else gets 401 (or 403) and the UI shows the ciphertext.
 */
export function codecRouter(deps: AppDeps): Router {
  const router = express.Router();
  const allowedOrigin = temporalUiOrigin(deps.config);
  const codec = payloadCodec(deps.config);

  router.use('/codec', corsForTheUi(allowedOrigin));
  router.use('/codec', consoleSession(deps.config, deps.db));
  router.use('/codec', async (req, res, next) => {
    const account = req.session.accountId ? await findAccount(deps.db, req.session.accountId) : undefined;
    if (!account) return void res.status(401).json({ error: 'unauthorized', message: 'sign in to the refcheck console first' });
    if (account.role !== 'admin') return void res.status(403).json({ error: 'forbidden', message: 'only admins may decode Temporal payloads' });
    const origin = req.get('origin');
    if (origin && origin !== allowedOrigin) return void res.status(403).json({ error: 'forbidden', message: 'this origin may not use the codec' });
    const namespace = req.get('x-namespace');
    if (namespace !== undefined && namespace !== deps.config.TEMPORAL_NAMESPACE) return void res.status(400).json({ error: 'bad_request', message: `no codec for namespace ${namespace}` });
    res.locals.accountId = account.id;
    next();
  });
  // The body is read only for a signed-in admin: nobody else can make the api buffer megabytes.
  router.use('/codec', express.json({ limit: '16mb', type: () => true }));

  router.post(['/codec/decode', '/codec/encode'], async (req, res) => {
    const parsed = PayloadsJson.safeParse(req.body);
    if (!parsed.success) return void res.status(400).json({ error: 'bad_request', message: 'expected { payloads: [{ metadata: { key: base64 }, data: base64 }] }' });
    const decoding = req.path.endsWith('/decode');
    try {
      const payloads = decoding ? await codec.decode(fromJson(parsed.data)) : await codec.encode(fromJson(parsed.data));
      res.json(toJson(payloads));
    } catch (err) {
      if (!(err instanceof PayloadDecryptionError)) throw err;
      deps.logger.warn({ accountId: res.locals.accountId, problem: err.message }, 'codec: a payload could not be decrypted');
      res.status(422).json({ error: 'undecryptable', message: err.message });
    }
  });
  router.use('/codec', (_req, res) => void res.status(404).json({ error: 'not_found', message: 'POST /codec/decode or /codec/encode' }));
  return router;
}

/** Credentialed CORS for exactly one origin; a preflight from it is answered here, any other origin gets no CORS headers. */
function corsForTheUi(allowedOrigin: string): RequestHandler {
  return (req, res, next) => {
    res.vary('Origin');
    const fromTheUi = req.get('origin') === allowedOrigin;
    if (fromTheUi) {
      res.set('Access-Control-Allow-Origin', allowedOrigin);
      res.set('Access-Control-Allow-Credentials', 'true');
    }
    if (req.method !== 'OPTIONS') return next();
    if (fromTheUi) {
      res.set('Access-Control-Allow-Methods', 'POST');
      res.set('Access-Control-Allow-Headers', 'Content-Type, X-Namespace');
      res.set('Access-Control-Max-Age', '600');
    }
    res.status(204).end();
  };
}
