/**
 * `npm run bench` (second part): the console's checks page with 10,000 checks in the organisation.
 * Each view (first page, a deep page, each filter, each search) is fetched 60 times over HTTP by a
 * signed-in recruiter; p50 and p95 are printed beside the goal (p95 < 100 ms) and beside a
 * baseline measured in the same run: the same signed-in request for a page that reads nothing
 * (the "new check" form), so the ratio is what the list's queries and rendering add.
 */
import { performance } from 'node:perf_hooks';
import { consoleUser } from '../helpers/console';
import { runWithStack } from '../tools/with-stack';

const CHECKS = Number(process.argv[2] ?? 10_000);
const ROUNDS = Number(process.argv[3] ?? 60);

runWithStack({ worker: false }, async (stack) => {
  // 10,000 checks over 20 jobs and every kind of outcome, a third still running, spread over a year.
  await stack.db.query(
    `insert into checks (workflow_id, run_id, connection_id, opportunity_id, candidate_name, posting_title, outcome, started_by, started_at, finished_at)
     select 'reference-check/' || $1 || '/bench-' || i, 'run-' || i, $1, 'bench-' || i, 'Candidate ' || i || ' ' || (array['Lovelace','Hopper','Turing','Noether','Curie'])[1 + i % 5],
            'Job ' || (i % 20), case when i % 3 = 0 then null else (array['hired','not-hired','hire-unconfirmed','cancelled','stale-trigger'])[1 + i % 5] end,
            'lever-webhook', now() - make_interval(mins => i * 50), case when i % 3 = 0 then null else now() end
       from generate_series(1, $2::int) as i`,
    [stack.connectionId, CHECKS],
  );
  await stack.db.query('analyze checks');
  const user = await consoleUser(stack, 'recruiter');
  const deep = await user.get('/console/checks');
  let cursorPage = deep.html;
  for (let i = 0; i < 40; i++) cursorPage = (await user.get(/href="(\/console\/checks\?[^"]*after=[^"]+)"/.exec(cursorPage)![1].replace(/&amp;/g, '&'))).html;
  const deepUrl = /href="(\/console\/checks\?[^"]*after=[^"]+)"/.exec(cursorPage)![1].replace(/&amp;/g, '&');

  const views: [string, string][] = [
    ['baseline: a signed-in page that reads nothing', '/console/checks/new'],
    ['first page', '/console/checks'],
    ['page 42 (keyset cursor)', deepUrl],
    ['filter: running', '/console/checks?status=running'],
    ['filter: concluded', '/console/checks?status=concluded'],
    ['filter: job', '/console/checks?job=Job+7'],
    ['filter: connection', `/console/checks?connection=${stack.connectionId}`],
    ['search: name', '/console/checks?q=hopper'],
    ['search: opportunity id', '/console/checks?q=bench-4242'],
  ];
  const rows: string[] = [];
  let baseline = 0;
  for (const [name, url] of views) {
    const times: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const t = performance.now();
      const res = await user.get(url);
      if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status}`);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    const p50 = times[Math.floor(times.length * 0.5)];
    const p95 = times[Math.floor(times.length * 0.95)];
    if (!baseline) baseline = p95;
    rows.push(`| ${name} | ${p50.toFixed(1)} ms | ${p95.toFixed(1)} ms | ${(p95 / baseline).toFixed(2)} | ${p95 < 100 ? 'yes' : 'NO'} |`);
  }
  console.log(`\nThe checks page with ${CHECKS} checks in the organisation (${ROUNDS} requests per view, one at a time)\n`);
  console.log('| view | p50 | p95 | p95 / baseline | p95 < 100 ms |\n|---|---|---|---|---|');
  console.log(rows.join('\n'));
});
