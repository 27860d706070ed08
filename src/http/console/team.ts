import { randomBytes } from 'node:crypto';
import type { Router } from 'express';
import { z } from 'zod';
import { audit, deleteAccount, insertInvitedAccount, listAccounts } from '../../db/accounts';
import { invitationLink } from '../../console/account-links';
import type { AppDeps } from '../app';
import { fieldErrors, text } from './forms';
import { consoleMessage, page, redirectWith, route, signedIn } from './render';

const Invite = z.object({
  name: text(200).pipe(z.string().min(1, 'Enter their name.')),
  email: text(320).pipe(z.email('Enter an email address.')),
  role: z.enum(['admin', 'recruiter'], { message: 'Choose a role.' }),
});

/** The team (admins only): who can sign in, with which role; invite someone; remove someone. */
export function teamRoutes(router: Router, deps: AppDeps) {
  const show = async (res: Parameters<typeof page>[0], extra: Record<string, unknown> = {}, status = 200) => {
    const me = signedIn(res);
    page(res, 'team', { title: 'Team', section: 'team', members: await listAccounts(deps.db, me.organisationId), values: {}, errors: {}, problems: [], ...extra }, status);
  };

  router.get('/console/team', route(async (_req, res) => show(res)));

  router.post('/console/team', route(async (req, res) => {
    const me = signedIn(res);
    const form = Invite.safeParse(req.body);
    const values = { name: req.body?.name, email: req.body?.email, role: req.body?.role };
    if (!form.success) return show(res, { values, errors: fieldErrors(form.error) }, 422);
    const id = `a_${randomBytes(8).toString('hex')}`;
    const created = await insertInvitedAccount(deps.db, { id, organisationId: me.organisationId, ...form.data });
    if (created === 'email-taken') return show(res, { values, errors: { email: 'This address already has an account.' } }, 409);
    const link = await invitationLink(deps.db, deps.config.PUBLIC_URL, id);
    await audit(deps.db, { organisationId: me.organisationId, accountId: me.id, action: 'account.invited', target: id, detail: { role: form.data.role } });
    // The link is shown once, to the admin who made it, to pass on; refcheck does not mail passwords or links for sign-in.
    await show(res, { invitation: { name: form.data.name, link } }, 201);
  }));

  router.post('/console/team/:id/delete', route(async (req, res) => {
    const me = signedIn(res);
    if (req.params.id === me.id) return consoleMessage(res, 409, 'You cannot remove yourself', 'Ask another admin to do it. Nothing was changed.', { back: '/console/team' });
    if (!(await deleteAccount(deps.db, me.organisationId, String(req.params.id)))) return consoleMessage(res, 404, 'Not found', 'No such account in your organisation.', { back: '/console/team' });
    await audit(deps.db, { organisationId: me.organisationId, accountId: me.id, action: 'account.removed', target: String(req.params.id) });
    redirectWith(req, res, '/console/team', 'Account removed; its sessions end at their next request.');
  }));
}
