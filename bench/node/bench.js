#!/usr/bin/env node
// bench.js — "what a user would write instead" of azdo-odbc: Microsoft's
// azure-devops-node-api client, the usual way.
//
//   node bench.js read   [--concurrency C]                read every work item
//   node bench.js insert [--concurrency C] [--count N]    create N Tasks
//
// Environment: AZDO_BENCH_URL (organization URL, e.g. http://127.0.0.1:PORT/fabrikam),
// AZDO_BENCH_PAT (the PAT — in the environment, never argv), AZDO_BENCH_PROJECT
// (inserts; default Fabrikam-Fiber-Git).
//
// read: WIQL pages of up to 20,000 ids in Id order ([System.Id] > last, $top
// 20000, the service's cap), then getWorkItemsBatch per 200 ids with the
// fields Id, Title, State, AssignedTo, ChangedDate.  --concurrency 1 (the
// default) is the usual sequential loop (one batch at a time); C > 1 keeps C
// batches in flight.  Rows are counted and one field read, not kept.
// insert: createWorkItem (JSON Patch: Title) for Task, one at a time or C at once.
//
// Prints one JSON object: rows, t_connect_s (client + resource-area lookups),
// t_first_s / t_last_s (from the first WIQL / create), cpu_query_s, cpu_total_s,
// maxrss_kb.
'use strict';
const azdev = require('azure-devops-node-api');

const FIELDS = ['System.Id', 'System.Title', 'System.State', 'System.AssignedTo', 'System.ChangedDate'];

function arg(name, dflt) {
  const i = process.argv.indexOf('--' + name);
  return i > 0 ? process.argv[i + 1] : dflt;
}
const now = () => Number(process.hrtime.bigint()) / 1e9;
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };

// Runs worker(task) over tasks with at most `limit` in flight.
async function pool(tasks, limit, worker) {
  let next = 0;
  const runners = [];
  for (let k = 0; k < Math.min(limit, tasks.length); k++) {
    runners.push((async () => {
      while (next < tasks.length) {
        const t = tasks[next++];
        await worker(t);
      }
    })());
  }
  await Promise.all(runners);
}

async function main() {
  const mode = process.argv[2];
  const conc = parseInt(arg('concurrency', '1'), 10);
  const url = process.env.AZDO_BENCH_URL;
  const pat = process.env.AZDO_BENCH_PAT;
  if (!url || !pat || !['read', 'insert'].includes(mode)) {
    console.error('usage: AZDO_BENCH_URL=… AZDO_BENCH_PAT=… node bench.js read|insert [--concurrency C] [--count N]');
    process.exit(2);
  }
  const t00 = now();
  const conn = new azdev.WebApi(url, azdev.getPersonalAccessTokenHandler(pat));
  const wit = await conn.getWorkItemTrackingApi();
  const tConnect = now() - t00;

  const c0 = cpu();
  const t0 = now();
  let tFirst = null;
  let rows = 0;
  let failed = 0;
  let chars = 0;
  if (mode === 'read') {
    let last = 0;
    for (;;) {
      const res = await wit.queryByWiql(
        { query: `SELECT [System.Id] FROM WorkItems WHERE [System.Id] > ${last} ORDER BY [System.Id]` },
        undefined, undefined, 20000);
      const ids = res.workItems.map((w) => w.id);
      const chunks = [];
      for (let i = 0; i < ids.length; i += 200) chunks.push(ids.slice(i, i + 200));
      await pool(chunks, conc, async (chunk) => {
        const items = await wit.getWorkItemsBatch({ ids: chunk, fields: FIELDS });
        if (tFirst === null) tFirst = now() - t0;
        for (const it of items) {
          if (it) {
            rows++;
            chars += (it.fields['System.Title'] || '').length;
          }
        }
      });
      if (ids.length < 20000) break;
      last = ids[ids.length - 1];
    }
  } else {
    const count = parseInt(arg('count', '1000'), 10);
    const project = process.env.AZDO_BENCH_PROJECT || 'Fabrikam-Fiber-Git';
    const tasks = [];
    for (let i = 1; i <= count; i++) tasks.push(i);
    await pool(tasks, conc, async (i) => {
      try {
        await wit.createWorkItem(null, [{ op: 'add', path: '/fields/System.Title', value: `bench item ${i}` }],
          project, 'Task');
        rows++;
      } catch (e) {
        failed++;
        if (failed === 1) console.error('create failed: ' + e.message);
      }
    });
  }
  const tLast = now() - t0;
  const out = {
    rows, failed, t_connect_s: tConnect, t_first_s: tFirst, t_last_s: tLast,
    cpu_query_s: cpu() - c0, cpu_total_s: cpu(), maxrss_kb: process.resourceUsage().maxRSS, chars,
  };
  console.log(JSON.stringify(out));
}

main().catch((e) => {
  console.error('bench.js: ' + (e && e.stack || e));
  process.exit(1);
});
